"""The MotionTable always holds exactly each body's Motion, whatever esper was asked to do."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import esper
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import World
from game.components import Body, Motion, Position, PreviousPosition, Velocity, motion_of
from game.motion_table import MotionOwners, MotionTable, motion_table


def _body(x: float = 0.0) -> tuple[object, ...]:
    parts = (Position(x, 0.0), PreviousPosition(x, 0.0), Velocity(1.0, 0.0), Body(8))
    return (*parts, motion_of(*parts))


def _what_esper_holds() -> dict[int, Motion]:
    return {entity: esper._entities[entity][Motion] for entity in esper._components.get(Motion, ())}


OPERATIONS = st.lists(st.tuples(st.sampled_from(["create", "delete", "add", "replace", "remove", "restore",
                                                 "remove_all", "read"]), st.integers(0, 30)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(OPERATIONS)
def test_the_table_matches_esper_after_any_changes(operations: list[tuple[str, int]]) -> None:
    world = World(seed=0)
    try:
        if world.activate():
            table = motion_table(world)
            entities: list[int] = []
            for op, pick in operations:
                alive = [e for e in entities if esper.entity_exists(e)]
                chosen = alive[pick % len(alive)] if alive else None
                if op == "create":
                    entities.append(esper.create_entity(*_body(pick)))
                elif op == "delete" and chosen is not None:
                    esper.delete_entity(chosen, immediate=pick % 2 == 0)
                elif op == "add" and chosen is None:
                    entities.append(esper.create_entity(Position(0.0, 0.0)))
                elif op in ("add", "replace") and chosen is not None:
                    esper.add_component(chosen, motion_of(*_body(pick)[:4]))
                elif op == "remove" and chosen is not None and esper.has_component(chosen, Motion):
                    esper.remove_component(chosen, Motion)
                elif op == "restore" and Motion in esper._components:
                    # What time travel does: esper's tables put back as plain sets.
                    esper._components[Motion] = set(list(esper._components[Motion]))
                elif op == "remove_all" and Motion in esper._components:
                    esper._components[Motion].clear()  # a change no esper function makes
                    for entity in list(esper._entities):
                        esper._entities[entity].pop(Motion, None)
                if op == "read" or pick % 3 == 0:  # the movement system reads it every tick, between changes
                    owners, motions = table.current()
                    assert owners is esper._components.get(Motion, owners)
                    assert motions == _what_esper_holds()
            owners, motions = table.current()
            assert motions == _what_esper_holds()
            if Motion in esper._components:
                assert isinstance(esper._components[Motion], MotionOwners) and owners is esper._components[Motion]
    finally:
        world.close()


@pytest.fixture
def world() -> Iterator[World]:
    """A fresh world, its esper context current."""
    made = World(seed=0)
    made.activate()
    yield made
    made.close()


def test_a_replaced_motion_is_the_one_found(world: World) -> None:
    entity = esper.create_entity(*_body())
    table = motion_table(world)
    assert table.current()[1][entity] is esper.component_for_entity(entity, Motion)
    replacement = motion_of(*_body(5.0)[:4])
    esper.add_component(entity, replacement)
    assert table.current()[1][entity] is replacement


def test_a_snapshot_of_the_table_starts_empty_and_fills_itself(world: World) -> None:
    entity = esper.create_entity(*_body())
    table = motion_table(world)
    table.current()
    twin = copy.deepcopy(table)
    assert isinstance(twin, MotionTable) and "0 bodies" in repr(twin)
    assert twin.current()[1] == {entity: esper.component_for_entity(entity, Motion)}
