"""Time travel: stepping back then forward returns exactly the same state."""

from __future__ import annotations

import io

import esper
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import codec
from engine.timetravel import TimeMachine
from game.autopilot import Autopilot
from game.build import build_game


def state_of(game) -> tuple:
    """Everything that makes up the world's state, as comparable text."""
    world = game.world
    world.activate()
    entities = {e: repr(esper.components_for_entity(e)) for e in esper.get_entities()}
    log = io.StringIO()
    codec.write(world.log, log)
    return entities, log.getvalue(), repr(vars(game.world.resources["game"])), world.rng.getstate(), world.tick


def played(seed: int, ticks: int, every: int = 60) -> tuple:
    game = build_game(seed=seed, npcs=12)
    pilot = Autopilot(game)
    machine = TimeMachine(game.world, every=every)
    for _ in range(ticks):
        for event in pilot.inputs():
            game.world.emit(event)
        machine.step()
    return game, machine


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 3), st.integers(1, 200), st.integers(0, 200))
def test_back_then_forward_is_the_same_state(seed: int, back: int, forward_first: int) -> None:
    game, machine = played(seed, 500)
    before = state_of(game)
    reached = machine.back(back)
    assert reached == max(machine.earliest, 500 - back)
    machine.forward(500 - reached)
    assert state_of(game) == before


def test_stepping_back_shows_the_past() -> None:
    game, machine = played(0, 400)
    straight = build_game(seed=0, npcs=12)
    pilot = Autopilot(straight)
    for _ in range(250):
        for event in pilot.inputs():
            straight.world.emit(event)
        straight.world.step()
    machine.back(150)
    assert game.world.tick == 250
    assert state_of(game) == state_of(straight)


def test_playing_on_from_the_past_starts_a_new_timeline() -> None:
    game, machine = played(1, 400)   # the autopilot's inputs at ticks 362 and 395 are the future
    machine.back(100)
    assert machine.future
    machine.step()
    assert machine.future == []
    assert game.world.tick == 301
    assert game.world.log.since(0)[-1].tick <= 301


def test_a_snapshot_copies_the_entity_tables_as_deepcopy_would() -> None:
    """The fast copy of esper's tables (engine.timetravel._copy_context) gives
    what ``copy.deepcopy`` gives: equal components, in the same order, new
    objects, and components that share objects (Motion) share their copies."""
    import copy

    from engine.timetravel import _copy_context, _export_context
    from game.components import Motion, Position

    game = build_game(seed=1, npcs=30)
    game.world.run(20)
    exported = _export_context(game.world)
    fast, slow = _copy_context(exported, {}), copy.deepcopy(exported, {})
    assert repr(fast) == repr(slow)
    assert [list(ids) for ids in fast[1].values()] == [list(ids) for ids in slow[1].values()]
    entities = exported[2]
    for entity, owned in fast[2].items():
        for kind, component in owned.items():
            assert component is not entities[entity][kind]
        if Motion in owned:
            assert owned[Motion].position is owned[Position]


def test_a_component_that_cannot_be_copied_leaves_time_travel_short_not_the_game_stopped(caplog) -> None:
    """An extension's component holding a lock: a snapshot cannot copy it.  The game
    goes on, one warning names the entity and the component, and stepping back
    stops at the last snapshot taken before it appeared."""
    import dataclasses
    import threading

    from game.components import Position

    @dataclasses.dataclass
    class Locked(Position):
        lock: object = dataclasses.field(default_factory=threading.Lock)

    game, machine = played(0, 120, every=60)
    before = state_of(game)
    game.world.activate()
    entity = game.world.create_entity(Locked(0.0, 0.0))
    with caplog.at_level("WARNING", logger="engine.timetravel"):
        for _ in range(130):
            machine.step()
    assert game.world.tick == 250
    warnings = [r.getMessage() for r in caplog.records if r.name == "engine.timetravel"]
    assert len(warnings) == 1 and f"entity {entity}'s " in warnings[0] and "Locked cannot be copied" in warnings[0]
    assert [s.tick for s in machine.snapshots] == [0, 60, 120]
    assert machine.back(1000) == 0
    machine.forward(120)
    assert state_of(game) == before


def test_a_world_that_cannot_be_copied_at_the_start_has_no_past() -> None:
    import threading

    game = build_game(seed=0, npcs=4)
    game.world.resources["lock"] = threading.Lock()
    machine = TimeMachine(game.world, every=10)
    for _ in range(20):
        machine.step()
    assert machine.snapshots == [] and machine.refused and machine.earliest == 20
    assert machine.back(5) == 20
