"""The real game's triggers, end to end: why did the siren start?"""

from __future__ import annotations

import pytest

from engine.scripting import load
from game.build import TRIGGERS, build_game
from game.headless import run_headless
from game.registry import make_registry

registry = make_registry()


@pytest.fixture(scope="module")
def run():
    game = build_game(seed=0)
    run_headless(game, 40)   # seed 0: the autopilot commits a crime well within 40 s of game time
    yield game
    game.world.close()


def test_why_the_siren_started_leads_back_to_the_crime(run):
    world = run.world
    sirens = [r for r in world.log if r.type == "SoundStarted" and r.data["sound"] == "siren"]
    assert sirens, "the autopilot run should start a chase"
    chain = world.why(sirens[0].offset)
    kinds = [r.type for r in chain]
    assert {"AlarmEntered", "WantedLevelChanged", "CrimeCommitted"} <= set(kinds)
    assert kinds.index("CrimeCommitted") < kinds.index("WantedLevelChanged") < kinds.index("AlarmEntered")
    assert kinds[-2:] == ["BehaviourRan", "SoundStarted"]
    alarm = chain[kinds.index("AlarmEntered")]
    assert alarm.data == {"alarm": "police-chase"}
    assert chain[-2].data["trigger"] == "police-chase" and chain[-2].data["behaviour"] == "play_sound"
    assert chain[0].cause is None   # a root: the chain is complete


def test_the_game_installs_its_files_through_a_triggers_loaded_record(run):
    [loaded] = [r for r in run.world.log if r.type == "TriggersLoaded"]
    assert loaded.tick == 0 and loaded.cause is None
    assert set(loaded.data["sources"]) == {f"assets/triggers/{p.name}" for p in TRIGGERS.glob("*.toml")}
    from_disk = load([TRIGGERS], registry)
    assert run.runtime.active.names == from_disk.names
    assert {"getting-shot-hurts", "crime-raises-wanted", "police-chase"} <= set(from_disk.names)


def test_shots_hurt_through_a_recorded_behaviour(run):
    world = run.world
    chains = [world.why(r.offset) for r in world.log if r.type == "HealthChanged"]
    from_shots = [chain for chain in chains if any(r.type == "Shot" for r in chain)]
    assert from_shots
    for chain in from_shots:
        kinds = [r.type for r in chain]
        assert kinds[kinds.index("Shot"):] == ["Shot", "BehaviourRan", "HealthChanged"]
        assert chain[-2].data["trigger"] == "getting-shot-hurts" and chain[-2].data["behaviour"] == "damage"
