"""Every state field the game exposes changes only with the events it declares,
so every AlarmEntered/AlarmExited names the record that really changed what it reads."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine import World
from engine.scripting.runtime import keys_read
from game.build import TRIGGERS, build_game
from game.headless import run_headless
from game.registry import DRIFTING, STATE_CHANGES

WATCHING = '''[[trigger]]
name = "crime-makes-them-patient"
on = "CrimeCommitted"
do = [{ behaviour = "tune", name = "escape_seconds", value = 12 }]

[[alarm]]
name = "driving"
when = "player.in_vehicle"
enter = [{ behaviour = "report_crime", kind = "joyride" }]

[[alarm]]
name = "hurt"
when = "player.health < 100"
enter = [{ behaviour = "play_sound", sound = "heal" }]

[[alarm]]
name = "patient-police"
when = "tuning.escape_seconds > 10"
enter = [{ behaviour = "play_sound", sound = "radio_chatter" }]

[[alarm]]
name = "crowd-thinned"
when = "population.current < population.normal"
enter = [{ behaviour = "play_sound", sound = "engine" }]
'''


class FieldWatch:
    """A system run after every other: which fields changed this tick, and which records came since."""

    def __init__(self, world: World, registry) -> None:
        self.registry = registry
        self.offset = world.log.next_offset
        self.last = self.snapshot(world)
        #: (field, types of the records since the last look) for each change seen.
        self.changes: list[tuple[str, set[str]]] = []

    def snapshot(self, world: World) -> dict[str, object]:
        values = {}
        for state in self.registry.states.values():
            view = state.read(world)
            for field in dataclasses.fields(view):
                values[f"{state.name}.{field.name}"] = getattr(view, field.name)
        return values

    def update(self, world: World) -> None:
        now = self.snapshot(world)
        types = {r.type for r in world.log.since(self.offset)}
        for key, value in now.items():
            if value != self.last[key]:
                self.changes.append((key, types))
        self.last, self.offset = now, world.log.next_offset


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    folder = tmp_path_factory.mktemp("watch") / "triggers"
    folder.mkdir()
    for path in Path(TRIGGERS).glob("*.toml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "watching.toml").write_text(WATCHING, encoding="utf-8")
    game = build_game(seed=0, triggers=folder)
    watch = FieldWatch(game.world, game.runtime.registry)
    game.world.add_system(watch)
    run_headless(game, 45.0, frame_ms=20.0)   # a simulated frame time, so frame.ms changes too
    yield game, watch
    game.world.close()


def test_every_state_field_is_declared() -> None:
    game = build_game(seed=0, npcs=1, triggers=None)
    for state in game.runtime.registry.states.values():
        assert state.field_changes is not None, state.name
        assert set(state.field_changes) == set(state.fields or ()), state.name
    assert set(STATE_CHANGES) == set(game.runtime.registry.states)
    game.world.close()


def test_every_field_changes_only_in_a_tick_with_an_event_it_declares(watched) -> None:
    game, watch = watched
    states = game.runtime.registry.states
    changed = set()
    for key, types in watch.changes:
        if key in DRIFTING:
            continue
        name, field = key.split(".")
        declared = {t.__name__ for t in states[name].field_changes[field]}
        assert types & declared, f"{key} changed in a tick with none of {sorted(declared)} (records: {sorted(types)})"
        changed.add(key)
    # The run exercises the fields that matter (so the check above is not empty).
    assert {"player.health", "player.in_vehicle", "wanted.level", "population.current", "population.target",
            "tuning.escape_seconds", "frame.ms"} <= changed


def test_every_alarm_record_names_a_record_that_changes_what_it_reads(watched) -> None:
    game, _ = watched
    log, registry = game.world.log, game.runtime.registry
    alarms = {a.name: a for a in game.runtime.active.alarms}
    seen = set()
    for record in log:
        if record.type not in ("AlarmEntered", "AlarmExited"):
            continue
        item = alarms[record.data["alarm"]]
        keys = keys_read(item.when, registry)
        declared = {t.__name__ for key in keys for t in _changers(registry, key)}
        assert record.cause is not None, f"{record.describe()} has no cause"
        cause = log.get(record.cause)
        assert cause.type in declared, f"{record.describe()}: cause {cause.describe()} is not one of {declared}"
        seen.add(item.name)
    assert {"driving", "hurt", "patient-police", "crowd-thinned", "police-chase"} <= seen


def _changers(registry, key: str):
    name, _, field = key.partition(".")
    state = registry.states[name]
    return state.changers([field] if field else None)
