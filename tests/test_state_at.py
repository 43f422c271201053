"""``python -m engine at LOG TICK``: the state at a past tick, rebuilt from the log, agrees with the live game."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from engine import codec
from engine.cli import main
from engine.ending import end_run
from engine.state_at import state_at
from game.autopilot import Autopilot
from game.build import build_game
from game.registry import STATE_VIEWS

SAMPLED = (0, 150, 427, 700, 1100, 1499)


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> tuple[Path, dict[int, dict[str, object]]]:
    """A 25 s autopilot game, its log file, and every state value read live at the end of the sampled ticks."""
    game = build_game(seed=0)
    world, pilot = game.world, Autopilot(game)
    seen: dict[int, dict[str, object]] = {}
    try:
        for _ in range(1500):
            for event in pilot.inputs():
                world.emit(event)
            tick = world.tick
            world.step()
            world.activate()
            values = {}
            for name, (read, _) in STATE_VIEWS.items():
                for field in dataclasses.fields(read(world)):
                    values[f"{name}.{field.name}"] = getattr(read(world), field.name)
            seen[tick] = values
        end_run(world)
        path = tmp_path_factory.mktemp("at") / "run.jsonl"
        codec.save(world.log, path)
    finally:
        world.close()
    return path, seen


@pytest.mark.parametrize("tick", SAMPLED)
def test_the_state_at_a_tick_is_what_the_live_game_had(live, tick: int) -> None:
    path, seen = live
    found = state_at(str(path), tick)
    assert {v.name: v.value for v in found.values} == seen[tick]


def test_each_value_names_the_last_record_that_changed_it(live) -> None:
    path, _ = live
    records = codec.load(path)
    found = {v.name: v for v in state_at(str(path), 1100).values}
    health = found["player.health"].changed_by
    assert health is not None and health.type == "HealthChanged" and health.tick <= 1100
    later = [r for r in records if r.type == "HealthChanged" and health.offset < r.offset and r.tick <= 1100]
    assert later == []
    assert health.data["after"] == found["player.health"].value
    assert found["player.max_health"].changed_by is None   # no event changes it


@pytest.mark.parametrize("tick", (700, 1100, 1499))
def test_the_change_named_is_the_last_one_the_live_game_saw(live, tick: int) -> None:
    """"Last changed" is the last tick whose end differed from the tick before, and a record of that tick."""
    path, seen = live
    for value in state_at(str(path), tick).values:
        changes = [t for t in range(1, tick + 1) if seen[t][value.name] != seen[t - 1][value.name]]
        if changes:
            assert value.changed_tick == changes[-1], value.name
        if value.changed_by is not None:
            assert value.changed_by.tick == value.changed_tick, value.name


def test_a_value_that_counts_up_without_records_names_its_tick_only(live, capsys) -> None:
    path, seen = live
    unseen = [t for t in range(1, 1500) if seen[t]["wanted.seconds_unseen"] != seen[t - 1]["wanted.seconds_unseen"]]
    assert unseen, "the sample game never counted the time unseen"
    tick = unseen[-1]
    assert main(["at", str(path), str(tick), "--state", "wanted"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "seconds_unseen" in x)
    assert f"at tick {tick}" in line


def test_the_command_prints_a_table_and_filters_by_state(live, capsys) -> None:
    path, seen = live
    assert main(["at", str(path), "427", "--state", "wanted"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path} at the end of tick 427 (7.13 s), rebuilt by replaying its inputs:"
    assert [line.split()[0] for line in out[1:]] == ["wanted.level", "wanted.seconds_unseen"]
    assert out[1].split()[1] == str(seen[427]["wanted.level"])


def run_error(capsys, argv: list[str]) -> str:
    status = main(argv)
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: ")
    return err.strip()


def test_bad_input_is_one_line_and_exit_2(live, tmp_path: Path, capsys) -> None:
    path, _ = live
    assert "outside the run, which has ticks 0 to 1499" in run_error(capsys, ["at", str(path), "1500"])
    assert "expected a tick of 0 or more" in run_error(capsys, ["at", str(path), "-1"])
    assert "expected a whole number" in run_error(capsys, ["at", str(path), "soon"])
    assert "no such state name" in run_error(capsys, ["at", str(path), "3", "--state", "weather"])
    assert "no such file" in run_error(capsys, ["at", str(tmp_path / "none.jsonl"), "3"])
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("not json\n")
    assert str(garbage) in run_error(capsys, ["at", str(garbage), "3"])


def test_a_log_whose_derived_record_was_edited_is_refused_not_believed(live, tmp_path: Path, capsys) -> None:
    path, _ = live
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if '"type": "HealthChanged"' in line)
    record = json.loads(lines[index])
    record["data"]["after"] = 1
    lines[index] = json.dumps(record) + "\n"
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(lines))
    tick = record["tick"]
    message = run_error(capsys, ["at", str(edited), str(tick + 10)])
    assert f"the replay differs from the log at line {index + 1}" in message
    # Before the edited record, the log is still the run's and can be read.
    assert main(["at", str(edited), str(max(tick - 1, 0))]) == 0
