"""The mission's causal chains, read from the log of a headless autopilot run."""

from __future__ import annotations

import pytest
from game_runs import autopilot_run

from engine import Record

SEEDS = [0, 1, 2]


def chain_types(game, record: Record) -> list[str]:
    return [r.type for r in game.world.why(record.offset)]


def records(game, kind: str, **data) -> list[Record]:
    return [r for r in game.world.log if r.type == kind and all(r.data.get(k) == v for k, v in data.items())]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_autopilot_plays_the_whole_scenario(seed: int) -> None:
    _game, report = autopilot_run(seed)
    for kind in ("Shot", "EnteredVehicle", "WantedLevelChanged", "AlarmEntered", "AlarmExited", "NPCSpawned",
                 "NPCDespawned", "SoundStarted", "SoundStopped"):
        assert report.counts[kind] > 0, kind
    assert report.counts["HandlerFailed"] == 0
    assert report.counts["CascadeCut"] == 0
    assert report.wanted == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_being_shot_lowers_health(seed: int) -> None:
    game, _ = autopilot_run(seed)
    player = game.player
    hurt = [r for r in records(game, "HealthChanged", entity=player) if r.data["after"] < r.data["before"]]
    assert hurt
    chain = game.world.why(hurt[0].offset)
    assert [r.type for r in chain] == ["Shot", "BehaviourRan", "HealthChanged"]
    assert chain[1].data["trigger"] == "getting-shot-hurts" and chain[1].data["behaviour"] == "damage"
    assert chain[0].data["target"] == player
    assert hurt[0].data["before"] - hurt[0].data["after"] == chain[0].data["damage"]


@pytest.mark.parametrize("seed", SEEDS)
def test_entering_a_vehicle_restores_health(seed: int) -> None:
    game, _ = autopilot_run(seed)
    player = game.player
    healed = [r for r in records(game, "HealthChanged", entity=player) if r.data["after"] > r.data["before"]
              and "EnteredVehicle" in chain_types(game, r)]
    assert healed
    chain = game.world.why(healed[0].offset)
    assert [r.type for r in chain][-3:] == ["EnteredVehicle", "BehaviourRan", "HealthChanged"]
    assert chain[-2].data["trigger"] == "vehicle-heals"
    assert healed[0].data["after"] <= 100


@pytest.mark.parametrize("seed", SEEDS)
def test_wanted_starts_the_siren_and_empties_the_streets(seed: int) -> None:
    game, _ = autopilot_run(seed)
    siren = records(game, "SoundStarted", sound="siren")[0]
    chain = chain_types(game, siren)
    assert chain[0] == "FireInput", "the chain reaches the player's key press"
    assert "CrimeCommitted" in chain
    assert "WantedLevelChanged" in chain and "AlarmEntered" in chain
    assert siren.data["loop"] is True
    radio = records(game, "SoundStarted", sound="radio_chatter")
    assert radio and "WantedLevelChanged" in chain_types(game, radio[0])
    alarm = records(game, "AlarmEntered", alarm="police-chase")[0]
    # The fallen leave at once; who else leaves is decided in the next tick (the alarm's tick is
    # busy enough), and they go from the tick after.
    despawned = [r for r in records(game, "NPCDespawned") if alarm.tick <= r.tick <= alarm.tick + 2]
    assert despawned, "the chase must empty the streets"
    for record in despawned:
        assert "WantedLevelChanged" in chain_types(game, record)
    # Each pedestrian leaves once, however many behaviours clear the streets.
    gone = [r.data["entity"] for r in despawned]
    assert len(gone) == len(set(gone))


@pytest.mark.parametrize("seed", SEEDS)
def test_police_units_answer_the_wanted_level(seed: int) -> None:
    game, _ = autopilot_run(seed)
    units = records(game, "PoliceSpawned")
    assert units
    for unit in units:
        chain = chain_types(game, unit)
        assert chain[-2:] == ["WantedLevelChanged", "PoliceSpawned"] and chain[0] == "FireInput"


@pytest.mark.parametrize("seed", SEEDS)
def test_losing_the_police_ends_the_chase_and_brings_people_back(seed: int) -> None:
    game, _ = autopilot_run(seed)
    exit_ = records(game, "AlarmExited", alarm="police-chase")[0]
    assert chain_types(game, exit_)[:3] == ["EscapedRadar", "BehaviourRan", "WantedLevelChanged"]
    lost = records(game, "SoundStarted", sound="radio_we_lost_him")
    assert lost and chain_types(game, lost[0]) == ["EscapedRadar", "BehaviourRan", "SoundStarted"]
    stopped = records(game, "SoundStopped", sound="siren")
    assert stopped and "AlarmExited" in chain_types(game, stopped[0])
    back = [r for r in records(game, "NPCSpawned") if r.tick == exit_.tick + 2]   # decided next tick, then back
    assert len(back) >= 10
    assert all("EscapedRadar" in chain_types(game, r) for r in back)


def test_the_scenario_fits_in_120_seconds_for_many_seeds() -> None:
    for seed in range(3, 8):
        game, report = autopilot_run(seed, seconds=120.0)
        assert report.counts["AlarmExited"] >= 1, seed
        assert report.counts["NPCSpawned"] > game.state.population_normal, seed


def test_the_summary_counts_people_back_only_after_a_chase() -> None:
    from game.headless import milestones

    game, _ = autopilot_run(0)
    log = list(game.world.log)
    assert all(milestones(log).values())
    escape = records(game, "EscapedRadar")[0].offset
    before_the_end = milestones(log[:escape])
    assert before_the_end["chase"] and not before_the_end["lost him"] and not before_the_end["people back"]
