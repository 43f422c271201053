"""Components are slotted dataclasses, and their deep copies are whole and separate."""

from __future__ import annotations

import copy
import dataclasses
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game import components

COMPONENT_CLASSES = [cls for _, cls in inspect.getmembers(components, inspect.isclass)
                     if cls.__module__ == components.__name__ and dataclasses.is_dataclass(cls)]


def test_the_module_has_components_to_check() -> None:
    assert {components.Position, components.Motion, components.Pedestrian} <= set(COMPONENT_CLASSES)


@pytest.mark.parametrize("cls", COMPONENT_CLASSES, ids=lambda cls: cls.__name__)
def test_every_component_is_slotted(cls: type) -> None:
    """A ``__dict__`` would bring back the second allocation per component the slots save
    (and a _Values subclass without slots of its own would copy none of its fields)."""
    assert "__slots__" in cls.__dict__
    assert "__dict__" not in dir(cls)
    assert set(cls.__slots__) == {field.name for field in dataclasses.fields(cls)}


def test_a_slotted_component_refuses_a_misspelt_field() -> None:
    position = components.Position(1.0, 2.0)
    with pytest.raises(AttributeError):
        position.z = 3.0  # type: ignore[attr-defined]


VALUE = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                  st.tuples(st.floats(allow_nan=False), st.floats(allow_nan=False)))
VALUE_CLASSES = [cls for cls in COMPONENT_CLASSES if issubclass(cls, components._Values)]


@given(st.sampled_from(VALUE_CLASSES), st.data())
def test_a_value_components_deep_copy_has_every_field(cls: type, data: st.DataObject) -> None:
    fields = {field.name: data.draw(VALUE, label=field.name) for field in dataclasses.fields(cls)}
    original = cls(**fields)
    twin = copy.deepcopy(original)
    assert twin is not original and type(twin) is cls
    assert {name: getattr(twin, name) for name in fields} == fields


@dataclasses.dataclass(slots=True)
class _Marked(components.Position):
    """An extension's component built on one of ours, slotted too."""

    mark: str = ""


@dataclasses.dataclass
class _Tagged(components.Position):
    """An extension's component built on one of ours, without slots (its new field in a __dict__)."""

    tag: str = ""


@pytest.mark.parametrize("cls", [_Marked, _Tagged])
def test_a_subclass_of_a_component_deep_copies_its_own_fields_and_ours(cls: type) -> None:
    original = cls(1.0, 2.0, "seen")
    twin = copy.deepcopy(original)
    assert twin == original and twin is not original


# -- an extension's subclass, however it declares its fields, deep-copies whole and apart --------

class _OneSlot(components.Position):
    __slots__ = "extra"  # one slot, given as a string


class _Private(components.Position):
    __slots__ = ("__secret",)  # stored as _Private__secret

    def __init__(self, x: float, y: float) -> None:
        components.Position.__init__(self, x, y)
        self.__secret = [1]

    def secret(self) -> list[int]:
        return self.__secret


class _Unset(components.Position):
    __slots__ = ("later",)  # never assigned


class _DictSlot(components.Position):
    __slots__ = ("__dict__", "__weakref__")


@dataclasses.dataclass
class _Trail(components.Position):
    """An unslotted subclass whose field is mutable."""

    trail: list[tuple[float, float]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True)
class _SlottedTrail(components.Position):
    trail: list[tuple[float, float]] = dataclasses.field(default_factory=list)


def test_odd_slot_declarations_deep_copy() -> None:
    one = _OneSlot(1.0, 2.0)
    one.extra = 3
    assert copy.deepcopy(one).extra == 3
    private = _Private(1.0, 2.0)
    twin = copy.deepcopy(private)
    assert twin.secret() == [1] and twin.secret() is not private.secret()
    unset = copy.deepcopy(_Unset(1.0, 2.0))
    assert (unset.x, unset.y) == (1.0, 2.0) and not hasattr(unset, "later")
    keyed = _DictSlot(1.0, 2.0)
    keyed.note = "a"
    twin = copy.deepcopy(keyed)
    keyed.note = "b"
    assert twin.note == "a" and twin.__dict__ is not keyed.__dict__


@given(st.sampled_from([_Trail, _SlottedTrail]),
       st.lists(st.tuples(st.floats(allow_nan=False), st.floats(allow_nan=False)), max_size=5))
def test_a_subclass_with_a_mutable_field_copies_it_apart(cls: type, points: list) -> None:
    """Time travel keeps a deep copy per snapshot: a list the live component goes on appending to
    must not be the snapshot's list too."""
    original = cls(0.0, 0.0, list(points))
    twin = copy.deepcopy(original)
    original.trail.append((9.0, 9.0))
    assert twin.trail == points and twin == cls(0.0, 0.0, points)


def test_time_travel_restores_an_extension_components_mutable_field() -> None:
    import esper

    from engine.timetravel import TimeMachine
    from game.build import build_game

    game = build_game(seed=0, npcs=4)
    world = game.world
    world.activate()
    entity = world.create_entity(_Trail(0.0, 0.0))
    machine = TimeMachine(world, every=10)

    def walk(w: object) -> None:  # a system an extension might add: appends each tick
        esper.component_for_entity(entity, _Trail).trail.append((float(world.tick), 0.0))

    world.add_system(walk)
    for _ in range(40):
        machine.step()
    assert len(esper.component_for_entity(entity, _Trail).trail) == 40
    machine.back(25)
    world.activate()
    assert esper.component_for_entity(entity, _Trail).trail == [(float(t), 0.0) for t in range(15)]
