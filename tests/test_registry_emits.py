"""The game's behaviours emit only what they declare (``check`` finds loops from the declarations).

A behaviour's own events are the records caused by its ``BehaviourRan``; a
declaration that left one out would hide a loop from ``check``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import esper
from game_runs import autopilot_run

from engine import CascadeCut, HandlerFailed
from engine.record import Record
from engine.scripting.model import Call, Literal
from engine.scripting.namespace import Namespace
from game.build import build_game
from game.components import Goon, Vehicle
from game.registry import make_registry

registry = make_registry()

#: What a behaviour's BehaviourRan may cause besides its declared events: the engine's own records.
ENGINE_RECORDS = {HandlerFailed.__name__, CascadeCut.__name__}


def emitted(records: Iterable[Record]) -> dict[str, set[str]]:
    """The event types each behaviour's calls caused directly, by behaviour name."""
    by_offset: dict[int, str] = {}
    found: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.type == "BehaviourRan":
            by_offset[record.offset] = record.data["behaviour"]
            found.setdefault(record.data["behaviour"], set())  # called, even if it emitted nothing
        elif record.cause in by_offset:
            found[by_offset[record.cause]].add(record.type)
    return found


def undeclared(found: dict[str, set[str]]) -> dict[str, set[str]]:
    extra = {}
    for name, types in found.items():
        declared = {t.__name__ for t in registry.behaviours[name].emits or ()}
        if types - declared - ENGINE_RECORDS:
            extra[name] = types - declared - ENGINE_RECORDS
    return extra


def test_every_game_behaviour_declares_what_it_emits():
    assert [name for name, b in registry.behaviours.items() if b.emits is None] == []


def test_in_an_autopilot_run_behaviours_emit_only_what_they_declare():
    game, _ = autopilot_run()
    found = emitted(game.world.log)
    assert {"damage", "play_sound", "raise_wanted"} <= set(found)
    assert undeclared(found) == {}


def test_each_behaviour_called_on_its_own_emits_only_what_it_declares():
    game = build_game(seed=2)
    world = game.world
    try:
        world.run(5)
        world.activate()
        goon = sorted(e for e, _ in esper.get_component(Goon))[0]
        car = sorted(e for e, v in esper.get_component(Vehicle) if not v.police)[0]
        probes = [("raise_wanted", {"amount": 2}), ("report_crime", {"kind": "probing"}),
                  ("play_sound", {"sound": "siren", "loop": True}), ("stop_sound", {"sound": "siren"}),
                  ("despawn_npcs", {}), ("respawn_npcs", {}), ("thin_population", {"fraction": 0.25}),
                  ("restore_population", {}), ("damage", {"target": game.player, "amount": 30}),
                  ("heal", {"target": game.player, "amount": 10}), ("damage", {"target": goon, "amount": 1000}),
                  ("police_stand_down", {}), ("clear_wanted", {}), ("wasted", {"target": game.player}),
                  ("tune", {"name": "police_speed", "value": 300.0}),
                  ("add_score", {"amount": 50, "reason": "probe"}), ("drop_cash", {"target": goon, "value": 10}),
                  ("use_first_aid", {"vehicle": car, "target": game.player, "amount": 30}),
                  ("damage_vehicle", {"vehicle": car, "amount": 1000}), ("wreck_vehicle", {"vehicle": car}),
                  ("clear_traffic", {}), ("restore_traffic", {}),
                  ("police_open_fire", {}), ("place_roadblock", {}), ("call_helicopter", {}),
                  ("police_hold_fire", {}), ("clear_roadblocks", {}), ("send_helicopter_away", {}),
                  ("arrest", {"target": game.player}), ("end_run", {"reason": "probe"})]
        assert {name for name, _ in probes} == set(registry.behaviours), "probe every behaviour"
        start = world.log.next_offset
        for name, params in probes:
            world.run(40)  # let the police come, the people move
            calls = [Call(name, {k: Literal(v) for k, v in params.items()}, "probe")]
            game.runtime.run_calls("probe", calls, Namespace(world, registry))
            world.run(1)
        found = emitted(r for r in world.log if r.offset >= start)
        assert undeclared(found) == {}
        assert {"Died", "PoliceLeft", "NPCDespawned", "SoundStopped", "VehicleWrecked", "TrafficDespawned",
                "TrafficSpawned"} <= set().union(*found.values())
    finally:
        world.close()
