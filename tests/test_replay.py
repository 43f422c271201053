"""Replay: a log re-runs to itself, byte for byte; a tampered one is caught; a bad one is one clear line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from game_runs import autopilot_run

from engine import Event, Input, Record, World, codec, event
from engine.cli import main
from engine.ending import end_record, end_run
from engine.events import SimulationStarted
from engine.replay import EventTypes, ReplayError, replay
from engine.scripting import HotReloader
from game.build import TRIGGERS, build_game
from game.cli import build_parser as build_game_parser
from game.replay import ReplayOptionError, npcs_option, replay_game

ROOT = Path(__file__).resolve().parent.parent


def ended(world: World) -> list[Record]:
    """The log of ``world`` as a file of its run would end (the world itself is left as it is, for other tests)."""
    return [*world.log, end_record(world)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_autopilot_logs_replay_identically(seed: int) -> None:
    game, _ = autopilot_run(seed)
    records = ended(game.world)
    result = replay(records)
    assert result.identical, result.first_difference
    assert len(result.records) == len(records)


def test_replay_command_reports_the_first_difference(tmp_path: Path, capsys) -> None:
    game, _ = autopilot_run(0)
    good = tmp_path / "good.jsonl"
    codec.save(ended(game.world), good)
    assert main(["replay", str(good)]) == 0
    assert "identical" in capsys.readouterr().out

    lines = good.read_text().splitlines()
    for index, line in enumerate(lines):
        record = json.loads(line)
        if record["type"] == "MoveInput" and record["data"]["dx"] != 0:
            record["data"]["dx"] = -record["data"]["dx"]
            lines[index] = json.dumps(record)
            tampered_at = record["offset"]
            break
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    first = int(out[0].split("at line ")[1].split(" ")[0])
    # The input itself is fed back as the log says; what it causes differs later.
    assert first - 1 > tampered_at
    assert out[2].startswith("  log:    {") and out[3].startswith("  replay: {")


def test_replay_of_a_log_without_a_start_is_a_clear_error(tmp_path: Path) -> None:
    game, _ = autopilot_run(0)
    log = tmp_path / "cut.jsonl"
    codec.save(list(game.world.log)[5:50], log)
    run = subprocess.run([sys.executable, "-m", "engine", "replay", str(log)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert run.returncode == 2
    assert "SimulationStarted" in run.stderr and "Traceback" not in run.stderr


# -- inputs the rebuilt world has not seen yet ----------------------------------------------------

@event
class Knocked(Input):
    """An input that nothing in the test world subscribes to, so its bus has not seen it at the start."""

    door: int


def knock_world(seed: int, options: dict[str, Any]) -> World:
    return World(seed=seed, options=options)


def knocking_log(tmp_path: Path) -> Path:
    """A saved log (records read back from a file carry no event object) with two Knocked inputs."""
    world = knock_world(7, {})
    try:
        for tick in range(5):
            if tick % 2:
                world.emit(Knocked(tick))
            world.step()
        end_run(world)
        path = tmp_path / "knock.jsonl"
        codec.save(world.log, path)
    finally:
        world.close()
    return path


def test_an_input_type_the_rebuilt_world_has_not_seen_is_still_fed(tmp_path: Path) -> None:
    records = codec.load(knocking_log(tmp_path))
    assert [r.type for r in records].count("Knocked") == 2
    result = replay(records, factory=knock_world)
    assert result.identical, result.first_difference


def test_an_unknown_type_in_a_log_is_a_replay_error_naming_it(tmp_path: Path) -> None:
    records = codec.load(knocking_log(tmp_path))
    knock = next(r for r in records if r.type == "Knocked")
    records[knock.offset] = Record(knock.offset, knock.tick, None, None, type="Knockd", data=knock.data)
    with pytest.raises(ReplayError, match=rf"^offset {knock.offset}: unknown event type 'Knockd'"):
        replay(records, factory=knock_world)


def test_a_log_recorded_at_another_tick_rate_is_a_replay_error(tmp_path: Path) -> None:
    records = codec.load(knocking_log(tmp_path))
    start = records[0]
    records[0] = Record(0, 0, None, None, type=start.type, data={**start.data, "tick_rate": 30})
    with pytest.raises(ReplayError, match=r"recorded at 30 ticks/s, but the game rebuilds its world at 60"):
        replay(records, factory=knock_world)


def _twin(base: type, module: str) -> type:
    """An event type named Twin, as if defined in ``module``."""
    return event(type("Twin", (base,), {"__module__": module, "__qualname__": "Twin", "__annotations__": {"n": int}}))


# Kept alive for the session, as a real module's classes would be.
TWINS = (_twin(Input, "twin_input_module"), _twin(Event, "twin_event_module"))


def test_a_type_name_two_loaded_classes_share_is_ambiguous() -> None:
    world = World()
    try:
        record = Record(1, 0, None, None, type="Twin", data={"n": 1})
        # One class per definition is named, although @event leaves two behind for each.
        with pytest.raises(ReplayError, match=r"^offset 1: event type 'Twin' is ambiguous "
                                              r"\(twin_event_module\.Twin, twin_input_module\.Twin\)$"):
            EventTypes.of(world).input_type(record)
    finally:
        world.close()


def test_a_refused_trigger_reload_replays_identically(tmp_path: Path, capsys) -> None:
    # What a windowed run does: HotReloader.poll() calls reload() when a file changed.
    folder = tmp_path / "triggers"
    shutil.copytree(TRIGGERS, folder)
    game = build_game(seed=4, npcs=5)
    try:
        reloader = HotReloader(game.runtime, [folder], relative_to=tmp_path)
        game.world.run(20)
        (folder / "broken.toml").write_text('[[trigger]]\nname = "x"\non = "NoSuchEvent"\n', encoding="utf-8")
        assert reloader.reload() is False
        game.world.run(20)
        (folder / "broken.toml").unlink()
        assert reloader.reload() is True
        game.world.run(20)
        end_run(game.world)
        path = tmp_path / "reload.jsonl"
        count = codec.save(game.world.log, path)
    finally:
        game.world.close()
    types = [r.type for r in codec.load(path)]
    assert types.count("TriggersReloadFailed") == 1 and types.count("TriggersLoaded") == 2
    assert main(["replay", str(path)]) == 0
    assert capsys.readouterr().out == f"replayed {count} records: identical\n"


def test_a_log_of_a_build_and_its_end_replays_identically(tmp_path: Path, capsys) -> None:
    game = build_game(seed=0, npcs=0, triggers=None)   # the build records SimulationStarted and the traffic
    end_run(game.world)
    path = tmp_path / "two.jsonl"
    codec.save(game.world.log, path)
    game.world.close()
    assert main(["replay", str(path)]) == 0
    cars = game.state.tuning.traffic_cars
    assert capsys.readouterr().out == f"replayed {2 + cars} records: identical\n"


# -- a bad SimulationStarted record or log file: one line, exit 2 -----------------------------------

@pytest.fixture(scope="module")
def small_log(tmp_path_factory) -> Path:
    game = build_game(seed=2, npcs=3)
    try:
        game.world.run(5)
        path = tmp_path_factory.mktemp("replay") / "small.jsonl"
        codec.save(game.world.log, path)
    finally:
        game.world.close()
    return path


def with_start(path: Path, tmp_path: Path, change: Callable[[dict[str, Any]], object]) -> Path:
    """A copy of the log at ``path`` whose SimulationStarted data went through ``change``."""
    first, *rest = path.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(first)
    change(record["data"])
    copy = tmp_path / "changed.jsonl"
    copy.write_text(json.dumps(record) + "\n" + "".join(rest), encoding="utf-8")
    return copy


def npcs(value: object) -> Callable[[dict[str, Any]], object]:
    return lambda data: data["options"].update(npcs=value)


NPCS_WORDS = "game 'wanted' cannot rebuild the world from SimulationStarted (offset 0): option 'npcs' must be a " \
             "whole number from 0 to 5000, found "


@pytest.mark.parametrize(("change", "words"), [
    (lambda data: data.pop("seed"), "SimulationStarted (offset 0) has no 'seed'"),
    (lambda data: data.update(seed="abc"), "'seed' must be a whole number, found 'abc'"),
    (lambda data: data.update(seed=None), "'seed' must be a whole number, found None"),
    (lambda data: data.update(seed=True), "'seed' must be a whole number, found True"),
    (lambda data: data.update(seed=1.5), "'seed' must be a whole number, found 1.5"),
    (lambda data: data.pop("options"), "SimulationStarted (offset 0) has no 'options'"),
    (lambda data: data.update(options=[1]), "'options' must be a JSON object, found [1]"),
    (lambda data: data.update(options=None), "'options' must be a JSON object, found None"),
    (lambda data: data["options"].update(game=5), "option 'game' must be the name of a game, found 5"),
    (npcs("many"), NPCS_WORDS + "'many'"),
    (npcs(None), NPCS_WORDS + "None"),
    (npcs(5001), NPCS_WORDS + "5001"),
    (npcs(-1), NPCS_WORDS + "-1"),
    (npcs(2.5), NPCS_WORDS + "2.5"),
    (npcs(True), NPCS_WORDS + "True"),
], ids=["no-seed", "seed-str", "seed-null", "seed-bool", "seed-float", "no-options", "options-list",
        "options-null", "game-int", "npcs-str", "npcs-null", "npcs-5001", "npcs-negative", "npcs-float", "npcs-bool"])
def test_a_bad_start_record_is_one_line_and_exit_2(small_log: Path, tmp_path: Path, capsys, change, words) -> None:
    path = with_start(small_log, tmp_path, change)
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1
    assert words in err


def test_a_bad_option_is_one_line_from_the_real_command(small_log: Path, tmp_path: Path) -> None:
    path = with_start(small_log, tmp_path, npcs("many"))
    run = subprocess.run([sys.executable, "-m", "engine", "replay", str(path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"error: {path}: {NPCS_WORDS}'many'\n"


def test_a_factory_that_refuses_its_options_names_the_game() -> None:
    def picky(seed: int, options: dict[str, Any]) -> World:
        raise ValueError(f"option 'map' must be docks or downtown, found {options['map']!r}")

    records = [Record(0, 0, None, SimulationStarted(1, 60, {"map": "moon"}))]
    with pytest.raises(ReplayError, match=r"^game 'picky' cannot rebuild the world from SimulationStarted "
                                          r"\(offset 0\): option 'map' must be docks or downtown, found 'moon'$"):
        replay(records, factory=picky)


# A huge count (10**9 used to run out of memory) is only given to npcs_option, which builds
# nothing: should the check regress, a test must fail, not take the machine's memory.
@pytest.mark.parametrize("value", [10**9, 10**100, -(10**9)])
def test_a_huge_npcs_option_is_refused_before_anything_is_built(value: int) -> None:
    with pytest.raises(ReplayOptionError, match=r"^option 'npcs' must be a whole number from 0 to 5000, found "):
        npcs_option({"npcs": value})


@pytest.mark.parametrize("value", ["many", None, -1, 5001, 2.5, True, [40]])
def test_the_game_factory_refuses_a_bad_npcs_option(value: object) -> None:
    with pytest.raises(ReplayOptionError, match=r"^option 'npcs' must be a whole number from 0 to 5000") as info:
        replay_game(0, {"game": "wanted", "npcs": value})
    assert isinstance(info.value, ValueError) and info.value.option == "npcs"


def test_the_game_factory_accepts_what_the_game_command_line_accepts(capsys) -> None:
    parser = build_game_parser()
    for text in ("0", "5000"):
        assert npcs_option({"npcs": int(text)}) == parser.parse_args(["--npcs", text]).npcs
    for text in ("-1", "5001"):
        with pytest.raises(ReplayOptionError):
            npcs_option({"npcs": int(text)})
        with pytest.raises(SystemExit):
            parser.parse_args(["--npcs", text])
    capsys.readouterr()


def test_a_non_finite_number_is_a_log_format_error_not_a_crash(small_log: Path, tmp_path: Path, capsys) -> None:
    lines = small_log.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"options": {', '"options": {"zoom": NaN, ')
    path = tmp_path / "nan.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["replay", str(path)]) == 2
    assert capsys.readouterr().err == f"error: {path}:1: NaN is not a finite number; " \
                                      "a log holds only finite numbers (strict JSON)\n"


def test_a_deleted_line_is_a_difference_naming_the_line(small_log: Path, tmp_path: Path, capsys) -> None:
    # It was a format error (exit 2); the replay can still run, and it writes the deleted record there.
    lines = small_log.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 4
    del lines[2]
    path = tmp_path / "gap.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["replay", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    byte = len(lines[0]) + len(lines[1]) + 2 + len('{"offset": ')   # line 3's first byte, then the offset's
    assert out[:2] == [f"replay differs from {path} at line 3 (byte {byte}):",
                       "  the log has offset 3 where the replay writes offset 2"]


# -- the trigger files of a build are installed the same way live and in replay ---------------------

def test_a_trigger_on_an_event_of_the_build_replays_identically(tmp_path: Path) -> None:
    # PopulationChanged and NPCSpawned are recorded while the game is built, before its
    # TriggersLoaded: the live run used to deliver that input at once, the replay queued it.
    folder = tmp_path / "triggers"
    folder.mkdir()
    (folder / "build.toml").write_text(
        '[[trigger]]\nname = "people"\non = "NPCSpawned"\ndo = [{ behaviour = "play_sound", sound = "heal" }]\n'
        '[[trigger]]\nname = "crowd"\non = "PopulationChanged"\n'
        'do = [{ behaviour = "play_sound", sound = "siren" }]\n', encoding="utf-8")
    game = build_game(seed=3, npcs=4, triggers=folder)
    try:
        game.world.run(200)
        records = ended(game.world)
    finally:
        game.world.close()
    loaded = next(r.offset for r in records if r.type == "TriggersLoaded")
    assert [r.type for r in records[1:loaded]].count("NPCSpawned") == 4
    result = replay(records)
    assert result.identical, result.first_difference


def test_a_line_over_the_readers_limit_is_named_not_parsed_or_fed(tmp_path: Path, capsys) -> None:
    # trace, why and stats refuse a line over codec.MAX_LINE_BYTES; replay read it whole
    # (100 MB: 5 s, 430 MB) and fed its input to the game, which failed on it.
    game, _ = autopilot_run(0)
    log = tmp_path / "long.jsonl"
    codec.save(ended(game.world), log)
    lines = log.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if json.loads(line)["type"] == "MoveInput")
    record = json.loads(lines[index])
    record["data"]["dx"] = "x" * (codec.MAX_LINE_BYTES + 1)
    lines[index] = json.dumps(record)
    log.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(log)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[1] == (f"  line {index + 1} is not a valid record: line longer than 16 MiB; "
                                   "a log line holds one record (is this a log file?)")
    assert "HandlerFailed" not in out and "failed" not in err


def test_replay_of_a_file_that_never_ends_is_one_line_not_a_memory_blow_up() -> None:
    # replay read the whole file before looking at it: /dev/zero until memory ran out.
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
    code = limit + "from engine.cli import main; raise SystemExit(main(['replay', '/dev/zero']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2, done.stderr[-500:]
    assert done.stderr == ("error: /dev/zero:1: line longer than 16 MiB; a log line holds one record "
                           "(is this a log file?)\n")


@pytest.mark.parametrize("value", ["x", None, -1, 0, 1, 10**23, 2.0, True])
def test_the_game_factory_refuses_a_session_run_the_game_never_writes(value: object) -> None:
    """A restarted run records session_run 2, 3, ...; an edited log's other values replayed as 'identical'."""
    with pytest.raises(ReplayOptionError, match=r"^option 'session_run' must be a whole number from 2 to "):
        replay_game(0, {"game": "wanted", "session_run": value})


def test_a_restarted_runs_session_run_is_accepted() -> None:
    from game.replay import session_run_option

    assert session_run_option({"session_run": 2}) == 2 and session_run_option({}) is None


@pytest.fixture(scope="module")
def frame_time_log(tmp_path_factory) -> Path:
    from game.events import FrameTimeMeasured

    game = build_game(seed=2, npcs=3)
    try:
        game.world.run(3)
        game.world.emit(FrameTimeMeasured(40.0))
        game.world.run(3)
        path = tmp_path_factory.mktemp("replay") / "frames.jsonl"
        codec.save(game.world.log, path)
    finally:
        game.world.close()
    return path


@pytest.mark.parametrize("value", ["abc", None, [40], True, {"ms": 40}, "40"],
                         ids=["str", "null", "list", "bool", "object", "numeric-str"])
def test_an_input_whose_field_has_the_wrong_type_is_one_line_naming_it(frame_time_log: Path, tmp_path: Path,
                                                                     capsys, value) -> None:
    # Fed as it was, a string frame time ran: the frame-budget alarm's condition failed
    # (a HandlerFailed line), and the replay reported a difference at the record after it.
    lines = frame_time_log.read_text(encoding="utf-8").splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if '"FrameTimeMeasured"' in line]
    record = json.loads(lines[at])
    record["data"]["ms"] = value
    lines[at] = json.dumps(record) + "\n"
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"error: {path}: offset {record['offset']}: cannot rebuild FrameTimeMeasured: field 'ms' is "
                   f"{value!r}, where FrameTimeMeasured declares float\n")
