"""Events: frozen slotted dataclasses, unique type names, target entities."""

from __future__ import annotations

import dataclasses

import pytest

from engine import (
    CascadeCut,
    Despawned,
    Event,
    EventBus,
    EventTypeError,
    HandlerFailed,
    Input,
    SimulationStarted,
    World,
    event,
)
from engine.events import from_data, target_field, to_data


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


@event
class Spotted(Event):
    entity: int


@event
class Aimed(Event):
    """Has both fields: ``target`` wins over ``entity``."""

    entity: int
    target: int


@event
class Rained(Event):
    amount: float


@event
class HeadShot(Shot):
    """A subclass of an event is an event of the base type too."""

    bonus: int = 2


@event
class KeyPressed(Input):
    key: str


def make_clone(name: str) -> type[Event]:
    """A different class that has the same type name as another."""
    cls = type(name, (Event,), {"__annotations__": {"value": int}, "__module__": "elsewhere"})
    return event(cls)


# -- the @event decorator ------------------------------------------------------

@pytest.mark.parametrize("cls", [Shot, Spotted, HeadShot, KeyPressed, SimulationStarted,
                                 HandlerFailed, CascadeCut, Despawned])
def test_event_types_are_frozen_slotted_dataclasses(cls):
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen
    assert "__slots__" in cls.__dict__
    assert issubclass(cls, Event)


def test_event_instances_have_no_dict():
    shot = Shot(1, 2, 3)
    assert not hasattr(shot, "__dict__")
    assert dataclasses.asdict(shot) == {"shooter": 1, "target": 2, "damage": 3}


def test_assigning_a_field_raises():
    shot = Shot(shooter=1, target=2, damage=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        shot.damage = 99
    assert shot.damage == 10
    with pytest.raises(dataclasses.FrozenInstanceError):
        del shot.target
    assert shot.target == 2


def test_adding_an_attribute_raises():
    shot = Shot(1, 2, 3)
    with pytest.raises((AttributeError, TypeError)):
        shot.extra = 1
    assert not hasattr(shot, "extra")


def test_subclass_event_is_frozen_too():
    shot = HeadShot(1, 2, 3)
    assert shot.bonus == 2
    assert isinstance(shot, Shot)
    with pytest.raises(dataclasses.FrozenInstanceError):
        shot.bonus = 5


def test_events_compare_and_hash_by_value():
    assert Shot(1, 2, 3) == Shot(1, 2, 3)
    assert Shot(1, 2, 3) != Shot(1, 2, 4)
    assert len({Shot(1, 2, 3), Shot(1, 2, 3), Shot(3, 2, 1)}) == 2


@pytest.mark.parametrize("thing", [int, object, "Shot", 3, type("Plain", (), {})])
def test_event_decorator_rejects_non_events(thing):
    with pytest.raises(TypeError, match="subclass of Event"):
        event(thing)


def test_event_decorator_returns_the_class():
    @event
    class Honked(Event):
        car: int

    assert Honked.__name__ == "Honked"
    assert Honked(4).car == 4


# -- target entity ---------------------------------------------------------------

@pytest.mark.parametrize(("cls", "expected"), [
    (Shot, "target"),
    (HeadShot, "target"),
    (Spotted, "entity"),
    (Aimed, "target"),
    (Despawned, "entity"),
    (Rained, None),
    (Event, None),
    (KeyPressed, None),
])
def test_target_field(cls, expected):
    assert target_field(cls) == expected


def test_target_field_of_a_non_dataclass_is_none():
    assert target_field(int) is None


def test_entity_filter_uses_target_before_entity():
    bus = EventBus()
    seen = []
    bus.subscribe(Event, seen.append, entity=7)
    bus.emit_now(Aimed(entity=7, target=1))   # target is 1: not for entity 7
    bus.emit_now(Aimed(entity=1, target=7))   # target is 7
    bus.emit_now(Spotted(entity=7))           # no target: entity counts
    bus.emit_now(Rained(7.0))                 # no target field at all
    assert seen == [Aimed(entity=1, target=7), Spotted(entity=7)]


# -- unique type names -------------------------------------------------------------

def test_two_classes_with_one_name_clash_in_subscribe():
    bus = EventBus()
    clone = make_clone("Shot")
    bus.subscribe(Shot, lambda e: None)
    with pytest.raises(EventTypeError, match="'Shot'") as info:
        bus.subscribe(clone, lambda e: None)
    assert "elsewhere.Shot" in str(info.value)
    assert isinstance(info.value, TypeError)


def test_name_clash_when_triggering():
    bus = EventBus()
    clone = make_clone("Spotted")
    bus.emit_now(Spotted(1))
    with pytest.raises(EventTypeError):
        bus.emit_now(clone(1))
    # The clashing event never made it into the log.
    assert [r.type for r in bus.log] == ["Spotted"]


def test_name_clash_when_emitting_is_reported_at_emit():
    bus = EventBus()
    clone = make_clone("Spotted")
    bus.emit(Spotted(1))
    with pytest.raises(EventTypeError):
        bus.emit(clone(1))
    assert [r.type for r in bus.log] == ["Spotted"]
    assert bus.pump() == 1


def test_name_clash_in_a_world():
    world = World(seed=1)
    try:
        clone = make_clone("Shot")
        world.subscribe(Shot, lambda e: None)
        with pytest.raises(EventTypeError):
            world.emit(clone(1))
    finally:
        world.close()


def test_same_class_twice_is_fine_and_names_are_per_bus():
    clone = make_clone("Shot")
    first, second = EventBus(), EventBus()
    first.subscribe(Shot, lambda e: None)
    first.subscribe(Shot, lambda e: None)
    second.subscribe(clone, lambda e: None)   # a different bus: no clash
    assert first.event_types["Shot"] is Shot
    assert second.event_types["Shot"] is clone


def test_base_class_names_are_registered_too():
    bus = EventBus()
    bus.emit_now(HeadShot(1, 2, 3))
    assert bus.event_types["Shot"] is Shot
    with pytest.raises(EventTypeError):
        bus.subscribe(make_clone("Shot"), lambda e: None)


# -- data conversion -----------------------------------------------------------------

def test_to_data_and_back():
    start = SimulationStarted(seed=5, tick_rate=30, options={"map": "city", "size": (3, 4)})
    data = to_data(start)
    assert data == {"seed": 5, "tick_rate": 30, "options": {"map": "city", "size": [3, 4]}}
    cut = CascadeCut(65, ("A", "B", "A"))
    assert to_data(cut) == {"depth": 65, "types": ["A", "B", "A"], "reason": "depth", "triggers": []}
    assert from_data(CascadeCut, to_data(cut)) == cut


def test_from_data_rejects_unknown_fields():
    with pytest.raises(TypeError, match="no field 'speed'"):
        from_data(Shot, {"shooter": 1, "target": 2, "damage": 3, "speed": 4})


def test_from_data_rejects_missing_fields():
    with pytest.raises(TypeError):
        from_data(Shot, {"shooter": 1})
