"""Every edit of a log is caught: replay compares the file's own bytes with what it would write."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Event, Input, World, event
from engine.cli import main
from engine.ending import end_run
from engine.logbytes import canonical_line, split_lines
from engine.replay import ReplayError, replay_lines
from game.build import TRIGGERS, build_game
from game.headless import run_headless

ROOT = Path(__file__).resolve().parent.parent

Edit = Callable[[list[bytes]], list[bytes]]


@pytest.fixture(scope="module")
def log_lines(tmp_path_factory) -> list[bytes]:
    """The lines of a short autopilot run whose trigger files hold an "é" (in a comment)."""
    folder = tmp_path_factory.mktemp("edits") / "triggers"
    shutil.copytree(TRIGGERS, folder)
    (folder / "notes.toml").write_text("# Meet at the café corner.\n", encoding="utf-8")
    game = build_game(seed=2, npcs=5, triggers=folder)
    try:
        run_headless(game, 6.0, frame_ms=12.5)   # frame times: an input an edit can change without consequence
        end_run(game.world)
        return [canonical_line(record) for record in game.world.log]
    finally:
        game.world.close()


def index_of(lines: list[bytes], kind: str, test: Callable[[dict[str, Any]], bool] = lambda data: True) -> int:
    """The index of the first line holding a record of type ``kind`` whose data passes ``test``."""
    return next(i for i, line in enumerate(lines)
                if json.loads(line)["type"] == kind and test(json.loads(line)["data"]))


def rewrite(lines: list[bytes], index: int, change: Callable[[dict[str, Any]], Any]) -> list[bytes]:
    """``lines`` with the record at ``index`` changed and re-encoded canonically."""
    record = json.loads(lines[index])
    change(record)
    return [*lines[:index], json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n", *lines[index + 1:]]


def flip_dx(lines: list[bytes]) -> list[bytes]:
    at = index_of(lines, "MoveInput", lambda data: data["dx"] != 0)
    return rewrite(lines, at, lambda r: r["data"].update(dx=-r["data"]["dx"]))


def nudge_frame_time(lines: list[bytes]) -> list[bytes]:
    # 12.5 ms or 12.75 ms: far under the frame budget either way, so nothing else changes.
    at = index_of(lines, "FrameTimeMeasured")
    return rewrite(lines, at, lambda r: r["data"].update(ms=r["data"]["ms"] + 0.25))


def drop_input(lines: list[bytes]) -> list[bytes]:
    at = index_of(lines, "MoveInput")
    return lines[:at] + lines[at + 1:]


def on_line(index: int, change: Callable[[bytes], bytes]) -> Edit:
    """An edit of the raw bytes of one line."""
    def edit(lines: list[bytes]) -> list[bytes]:
        at = index % len(lines)
        return [*lines[:at], change(lines[at]), *lines[at + 1:]]
    return edit


def escape_e_acute(lines: list[bytes]) -> list[bytes]:
    at = index_of(lines, "TriggersLoaded")
    assert "é".encode() in lines[at]
    return on_line(at, lambda line: line.replace("é".encode(), b"\\u00e9"))(lines)


def reorder_keys(line: bytes) -> bytes:
    record = json.loads(line)
    return json.dumps({k: record[k] for k in reversed(list(record))}, ensure_ascii=False).encode() + b"\n"


CASES: dict[str, tuple[Edit, bool, str]] = {
    # name: (edit, encoding only?, words of the reason)
    "input-field": (flip_dx, False, ""),
    "input-field-without-consequence": (nudge_frame_time, False, "'inputs'"),
    "removed-input": (drop_input, False, "where the replay writes offset"),
    "cut-last-record": (lambda lines: lines[:-1], False, "without the SimulationEnded record"),
    "cut-mid-tick": (lambda lines: lines[:len(lines) // 2], False, "the file was cut off"),
    "extra-key": (on_line(3, lambda line: line[:-2] + b', "extra": 1}\n'), False, "other JSON"),
    "extra-data-key": (on_line(3, lambda line: line[:-3] + b', "extra": 1}}\n'), False, "'extra'"),
    "duplicated-key": (on_line(3, lambda line: line.replace(b'{"offset": 3', b'{"offset": 3, "offset": 3')),
                       False, "other JSON"),
    "crlf": (lambda lines: [line[:-1] + b"\r\n" for line in lines], True, "CR LF"),
    "no-final-newline": (on_line(-1, lambda line: line[:-1]), True, "newline"),
    "reordered-keys": (on_line(2, reorder_keys), True, "order"),
    "other-spacing": (on_line(2, lambda line: line.replace(b'": ', b'":')), True, "written differently"),
    "escaped-characters": (escape_e_acute, True, "escapes characters"),
    "float-for-int": (on_line(0, lambda line: line.replace(b'"tick_rate": 60', b'"tick_rate": 60.0e0')), True,
                      "written differently"),
    "partial-last-line": (on_line(-1, lambda line: line[:25]), False, "is not a valid record: not valid JSON"),
    "not-utf8": (on_line(4, lambda line: line.replace(b'"type"', b'"typ\xff"')), False,
                 "is not a valid record: not UTF-8"),
    # A re-encoded copy of a killed run's prefix (or of a log cut afterwards): the cut was
    # reported and the re-encoding not mentioned at all.
    "crlf-and-cut-off": (lambda lines: [line[:-1] + b"\r\n" for line in lines[:-1]], False,
                         "cut off, or its run was stopped before it ended (and line 1 before it is not in "
                         "canonical encoding)"),
    "spacing-and-half-cut": (lambda lines: on_line(2, lambda line: line.replace(b'": ', b'":'))(lines)[:50],
                             False, "(and line 3 before it is not in canonical encoding)"),
    "absurd-tick": (on_line(5, lambda line: re.sub(rb'"tick": \d+', b'"tick": 1000000000000000000', line)),
                    False, "tick"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_edited_log_is_reported_as_different(log_lines: list[bytes], name: str) -> None:
    edit, encoding_only, words = CASES[name]
    edited = edit(list(log_lines))
    assert edited != log_lines
    result = replay_lines(split_lines(b"".join(edited)))
    difference = result.difference
    assert difference is not None
    assert difference.encoding_only is encoding_only
    assert words in difference.reason
    if encoding_only:
        assert difference.reason.startswith(f"same records, but line {difference.line} is not in canonical encoding: ")


def test_a_log_cut_at_a_whole_record_says_the_lines_it_has_replay_identically(log_lines: list[bytes]) -> None:
    # A Ctrl-C or a kill leaves a log without its end: the user wants to know the rest is sound.
    for cut in (40, len(log_lines) - 1):   # inside a tick, and after the last tick (no SimulationEnded)
        difference = replay_lines(split_lines(b"".join(log_lines[:cut]))).difference
        assert difference is not None and difference.line == cut + 1
        assert f"the {cut} lines it has replay identically" in difference.reason


def test_the_report_names_the_line_and_byte_and_shows_both_versions(log_lines: list[bytes], tmp_path: Path,
                                                                    capsys) -> None:
    path = tmp_path / "edited.jsonl"
    path.write_bytes(b"".join(drop_input(list(log_lines))))
    assert main(["replay", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    at = index_of(log_lines, "MoveInput")
    # The first byte that differs: the first digit in which offset at + 1 differs from offset at.
    digit = next(i for i, (a, b) in enumerate(zip(str(at + 1), str(at), strict=False)) if a != b)
    byte = sum(map(len, log_lines[:at])) + len(b'{"offset": ') + digit
    assert out[0] == f"replay differs from {path} at line {at + 1} (byte {byte}):"
    assert out[1] == f"  the log has offset {at + 1} where the replay writes offset {at}"
    assert out[2].startswith('  log:    {"offset": ') and out[3].startswith('  replay: {"offset": ')


def test_a_long_line_is_cut_around_the_difference(log_lines: list[bytes], tmp_path: Path, capsys) -> None:
    path = tmp_path / "escaped.jsonl"
    path.write_bytes(b"".join(escape_e_acute(list(log_lines))))
    assert main(["replay", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "same records, but line" in out[1] and "escapes characters" in out[1]
    log, replayed = out[2], out[3]
    assert len(log) < 200 and log.endswith("...") and "\\u00e9" in log and "é" in replayed


def test_a_huge_gap_before_the_last_line_is_one_line_and_exit_2(log_lines: list[bytes], tmp_path: Path) -> None:
    edit = on_line(-1, lambda line: re.sub(rb'"tick": \d+', b'"tick": 1000000000000000000', line))
    path = tmp_path / "gap.jsonl"
    path.write_bytes(b"".join(edit(list(log_lines))))
    run = subprocess.run([sys.executable, "-m", "engine", "replay", str(path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.count("\n") == 1 and f"line {len(log_lines)}: tick 1000000000000000000" in run.stderr


# -- a long log of a plain engine world: cut off its last thousand records ------------------------------

@event
class Tapped(Input):
    """An input of the counting world."""

    n: int


@event
class Counted(Event):
    """What the counting world records every tick."""

    tick: int


def counting_world(seed: int, options: dict[str, Any]) -> World:
    """A world that records one event a tick, and one for each Tapped input."""
    world = World(seed=seed, options=options)
    world.add_system(lambda w: w.emit(Counted(w.tick)))
    world.subscribe(Tapped, lambda e: world.emit(Counted(-e.n)))
    return world


def counting_log() -> list[bytes]:
    world = counting_world(3, {})
    try:
        for tick in range(1500):
            if tick % 7 == 0:
                world.emit(Tapped(tick))
            world.step()
        end_run(world)
        return [canonical_line(record) for record in world.log]
    finally:
        world.close()


def test_a_log_without_its_last_thousand_records_is_different() -> None:
    lines = counting_log()
    assert len(lines) > 1500
    assert replay_lines(split_lines(b"".join(lines)), counting_world).identical
    result = replay_lines(split_lines(b"".join(lines[:-1000])), counting_world)
    assert result.difference is not None and result.difference.line == len(lines) - 999


def test_an_idle_gap_longer_than_max_gap_is_not_replayed() -> None:
    world = World(seed=1)
    try:
        world.run(600)   # ten seconds with nothing recorded
        end_run(world)
        lines = [canonical_line(record) for record in world.log]
    finally:
        world.close()

    def idle(seed: int, options: dict[str, Any]) -> World:
        return World(seed=seed, options=options)

    assert replay_lines(split_lines(b"".join(lines)), idle).identical
    with pytest.raises(ReplayError, match=r"^line 2: tick 600 is 600 ticks after .* at most 300 ticks"):
        replay_lines(split_lines(b"".join(lines)), idle, max_gap=5)
