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
