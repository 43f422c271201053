"""``python -m engine``: trace, why and stats, and one-line errors for user mistakes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import Event, World, codec, event
from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


@event
class Hurt(Event):
    target: int
    amount: int


@event
class Siren(Event):
    on: bool


def run_game(ticks: int = 6) -> World:
    world = World(seed=5, options={"level": "docks"})
    world.subscribe(Shot, lambda e: world.emit(Hurt(e.target, e.damage)))
    world.subscribe(Hurt, lambda e: world.emit_now(Siren(True)) if e.amount > 2 else None)
    world.add_system(lambda w: w.emit(Shot(shooter=w.tick % 2 + 1, target=3, damage=w.tick)))
    world.run(ticks)
    return world


@pytest.fixture(scope="module")
def game_log(tmp_path_factory) -> tuple[Path, list]:
    world = run_game()
    try:
        path = tmp_path_factory.mktemp("cli") / "run.jsonl"
        codec.save(world.log, path)
        return path, codec.load(path)
    finally:
        world.close()


def lines(text: str) -> list[str]:
    return text.splitlines()


def run_ok(capsys, argv) -> list[str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return lines(out)


def run_error(capsys, argv) -> str:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("error: ")
    return err.strip()


# -- trace ---------------------------------------------------------------------------

def test_trace_prints_every_record(capsys, game_log):
    path, records = game_log
    out = run_ok(capsys, ["trace", path])
    assert out == [r.describe() for r in records]
    assert out[0] == "#0 t=0 SimulationStarted seed=5 tick_rate=60 options={level:docks}"
    assert out[1] == "#1 t=0 Shot shooter=1 target=3 damage=0"
    assert out[2] == "#2 t=0 Hurt <- #1 target=3 amount=0"


def test_trace_by_type(capsys, game_log):
    path, records = game_log
    out = run_ok(capsys, ["trace", path, "--type", "Siren"])
    sirens = [r for r in records if r.type == "Siren"]
    assert len(sirens) == 3   # damage 3, 4, 5
    assert out == [r.describe() for r in sirens]
    assert all(" Siren <- #" in line for line in out)


def test_trace_by_several_types_keeps_any_of_them_in_file_order(capsys, game_log):
    path, records = game_log
    out = run_ok(capsys, ["trace", path, "--type", "Siren", "--type", "Hurt"])
    assert out == [r.describe() for r in records if r.type in ("Siren", "Hurt")]
    assert {line.split()[2] for line in out} == {"Siren", "Hurt"}


def test_trace_by_entity(capsys, game_log):
    path, records = game_log
    out = run_ok(capsys, ["trace", path, "--entity", "2"])
    assert out == [r.describe() for r in records if r.data.get("shooter") == 2]
    assert len(out) == 3


@pytest.mark.parametrize(("ticks", "expected"), [
    ("2:4", {2, 3}), (":2", {0, 1}), ("4:", {4, 5}), (":", {0, 1, 2, 3, 4, 5}), ("3:3", set()),
])
def test_trace_by_ticks(capsys, game_log, ticks, expected):
    path, records = game_log
    out = run_ok(capsys, ["trace", path, "--ticks", ticks])
    assert out == [r.describe() for r in records if r.tick in expected]


def test_trace_filters_combine(capsys, game_log):
    path, _ = game_log
    out = run_ok(capsys, ["trace", path, "--type", "Shot", "--entity", "1", "--ticks", "1:5"])
    assert out == ["#5 t=2 Shot shooter=1 target=3 damage=2",
                   "#10 t=4 Shot shooter=1 target=3 damage=4"]


def test_trace_unknown_type_lists_the_types(capsys, game_log):
    path, _ = game_log
    err = run_error(capsys, ["trace", path, "--type", "Explosion"])
    assert "'Explosion'" in err
    assert "Hurt, Shot, SimulationStarted, Siren" in err
    # Lines are printed as the file is read, so the Sirens come first; the missing type still fails the command.
    assert main(["trace", str(path), "--type", "Siren", "--type", "Explosion"]) == 2
    out, err = capsys.readouterr()
    assert out.count(" Siren ") == 3 and "no records of type 'Explosion'" in err and err.count("\n") == 1


def test_trace_of_comma_separated_types_says_to_repeat_the_option(capsys, game_log):
    path, _ = game_log
    err = run_error(capsys, ["trace", path, "--type", "Siren,Shot"])
    assert "no records of type 'Siren,Shot'; give each type its own --type" in err


# -- why --------------------------------------------------------------------------------

def test_why_prints_the_chain_root_first(capsys, game_log):
    path, records = game_log
    siren = next(r for r in records if r.type == "Siren")
    out = run_ok(capsys, ["why", path, siren.offset])
    chain = [records[siren.cause - 1], records[siren.cause], siren]
    assert [r.type for r in chain] == ["Shot", "Hurt", "Siren"]
    assert out == [chain[0].describe(), "  └ " + chain[1].describe(), "    └ " + chain[2].describe()]


def test_why_of_a_root(capsys, game_log):
    path, records = game_log
    assert run_ok(capsys, ["why", path, 0]) == [records[0].describe()]


def test_why_says_when_the_file_lost_the_root(capsys, tmp_path, game_log):
    _, records = game_log
    path = tmp_path / "tail.jsonl"
    hurt, siren = records[-2:]
    codec.save([hurt, siren], path)   # the Shot that caused the Hurt is not in the file
    out = run_ok(capsys, ["why", path, siren.offset])
    assert out == [hurt.describe(), "  └ " + siren.describe(),
                   f"(chain continues before offset {hurt.offset}, which the file no longer holds)"]


def test_why_unknown_offset(capsys, game_log):
    path, records = game_log
    err = run_error(capsys, ["why", path, 999])
    assert f"no record at offset 999 (offsets in file: 0..{records[-1].offset})" in err


# -- stats -------------------------------------------------------------------------------

def test_stats(capsys, game_log):
    path, records = game_log
    out = run_ok(capsys, ["stats", path, "--bucket", "4"])
    assert out[0] == f"{len(records)} records, offsets 0..{len(records) - 1}, ticks 0..5"
    counts = {line.split()[0]: int(line.split()[1]) for line in out[2:6]}
    assert counts == {"Shot": 6, "Hurt": 6, "Siren": 3, "SimulationStarted": 1}
    assert out[2].split()[0] in ("Hurt", "Shot")   # most frequent first
    assert out[7] == "records per 4 ticks:"
    buckets = [line.split() for line in out[8:]]
    assert [(b[0], int(b[1])) for b in buckets] == [("0..3", 1 + 8 + 1), ("4..7", 4 + 2)]


def test_stats_of_an_empty_log(capsys, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    assert run_ok(capsys, ["stats", path]) == [f"{path}: empty log"]


# -- user mistakes: one line on stderr, exit 2 -----------------------------------------------

@pytest.mark.parametrize(("argv", "words"), [
    ([], "no command given"),
    (["explode"], "invalid choice"),
    (["trace"], "required"),
    (["why", "{log}"], "required"),
    (["why", "{log}", "three"], "invalid int value"),
    (["trace", "{log}", "--entity", "bob"], "invalid int value"),
    (["trace", "{log}", "--ticks", "5"], "expected a tick range A:B"),
    (["trace", "{log}", "--ticks", "a:b"], "whole numbers"),
    (["trace", "{log}", "--bogus"], "unrecognized arguments"),
    (["stats", "{log}", "--bucket", "0"], "expected a number of at least 1, got '0'"),
    (["stats", "{log}", "--bucket", "-5"], "expected a number of at least 1, got '-5'"),
])
def test_bad_arguments(capsys, game_log, argv, words):
    path, _ = game_log
    err = run_error(capsys, [a.format(log=path) for a in argv])
    assert words in err


@pytest.mark.parametrize("command", [["trace"], ["why", "0"], ["stats"]])
def test_missing_file(capsys, tmp_path, command):
    path = tmp_path / "nope.jsonl"
    err = run_error(capsys, [command[0], path, *command[1:]])
    assert err == f"error: {path}: no such file"


def test_directory_instead_of_a_file(capsys, tmp_path):
    err = run_error(capsys, ["trace", tmp_path])
    assert "is a directory" in err


def test_binary_file(capsys, tmp_path):
    path = tmp_path / "image.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    err = run_error(capsys, ["stats", path])
    assert "not a text file" in err


@pytest.mark.parametrize("command", ["trace", "stats", "why"])
def test_corrupt_line_is_named(capsys, tmp_path, game_log, command):
    source, records = game_log
    text = source.read_text(encoding="utf-8").splitlines(keepends=True)
    text[4] = text[4][:20] + "\n"
    path = tmp_path / "corrupt.jsonl"
    path.write_text("".join(text), encoding="utf-8")
    status = main([command, str(path), *(["0"] if command == "why" else [])])
    out, err = capsys.readouterr()
    assert status == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {path}:5: not valid JSON")
    # trace streams: what it printed before the bad line stays printed (changed on purpose: it no longer
    # loads the whole file first); stats and why print nothing.
    assert out.splitlines() == ([r.describe() for r in records[:4]] if command == "trace" else [])


@pytest.mark.parametrize("command", ["trace", "stats", "why"])
def test_a_cut_off_last_line_is_reported_and_the_rest_shown(capsys, tmp_path, game_log, command):
    # Changed on purpose: a file whose last line is cut (a killed run) is read up to it, with a warning.
    source, records = game_log
    data = source.read_bytes()
    path = tmp_path / "truncated.jsonl"
    path.write_bytes(data[: len(data) - 30])
    status = main([command, str(path), *(["1"] if command == "why" else [])])
    out, err = capsys.readouterr()
    assert status == 0
    assert err == (f"warning: {path}:{len(records)}: the last line is cut off (the file ends in the middle of "
                   "it, as when the run writing it was killed); the records before it are whole\n")
    whole = records[:-1]
    expected = {"trace": [r.describe() for r in whole], "why": [records[1].describe()],
                "stats": [f"{len(whole)} records, offsets 0..{len(whole) - 1}, ticks 0..{whole[-1].tick}"]}
    assert out.splitlines()[: len(expected[command])] == expected[command]


def test_a_last_line_without_its_newline_is_still_a_record(capsys, tmp_path, game_log):
    source, records = game_log
    path = tmp_path / "no-newline.jsonl"
    path.write_bytes(source.read_bytes().rstrip(b"\n"))
    assert run_ok(capsys, ["trace", path]) == [r.describe() for r in records]


def test_help_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in ("trace", "why", "stats"):
        assert name in out


# -- a real process -------------------------------------------------------------------------

def python_m_engine(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "engine", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)


def test_python_m_engine_why_and_error(game_log, tmp_path):
    path, records = game_log
    siren = next(r for r in records if r.type == "Siren")
    done = python_m_engine("why", path, siren.offset)
    assert (done.returncode, done.stderr) == (0, "")
    assert [line.lstrip(" └") for line in lines(done.stdout)] == [
        r.describe() for r in (records[siren.offset - 2], records[siren.offset - 1], siren)]

    missing = python_m_engine("trace", tmp_path / "missing.jsonl")
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert "Traceback" not in missing.stderr
    assert lines(missing.stderr) == [f"error: {tmp_path / 'missing.jsonl'}: no such file"]


def test_a_cause_that_is_not_earlier_is_a_corrupt_line(tmp_path, capsys):
    log = tmp_path / "loop.jsonl"
    log.write_text('{"offset": 0, "tick": 0, "type": "A", "cause": null, "data": {}}\n'
                   '{"offset": 1, "tick": 0, "type": "B", "cause": 1, "data": {}}\n')
    assert main(["why", str(log), "1"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {log}:2: cause 1 is not an earlier offset than 1"


def test_a_reversed_tick_range_is_refused(tmp_path, capsys):
    log = tmp_path / "a.jsonl"
    log.write_text('{"offset": 0, "tick": 0, "type": "A", "cause": null, "data": {}}\n')
    assert main(["trace", str(log), "--ticks", "10:5"]) == 2
    assert "ends before it starts" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_one_line_and_exit_1(game_log):
    path, _ = game_log
    with open("/dev/full", "w") as full:
        # Buffered, as stdout is by default when it is no terminal (PYTHONUNBUFFERED would hide the case).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        run = subprocess.run([sys.executable, "-m", "engine", "trace", str(path)], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=60, env=env)
    assert run.returncode == 1
    assert run.stderr == "error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("command", [["why", "{log}", "0", "--forward"], ["trace", "{log}"],
                                     ["trace", "{log}", "--full"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path, command):
    """`... | head -1`: the pipe closes under the command, which stops with no message (was 'Broken pipe', exit 2)."""
    log = tmp_path / "fan.jsonl"
    with log.open("w", encoding="utf-8") as out:
        out.write('{"offset": 0, "tick": 0, "type": "Root", "cause": null, "data": {}}\n')
        for offset in range(1, 20_000):
            out.write(f'{{"offset": {offset}, "tick": 0, "type": "Leaf", "cause": 0, "data": {{"n": {offset}}}}}\n')
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "engine", *(str(log) if a == "{log}" else a for a in command)]
    reader = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.readline()
    reader.stdout.close()          # as `head -1` does after its line
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=60) == 0, err
    assert err == ""
