"""Streaming the log tools: chunks read alone give what the whole file gives, errors keep their line,
and the limits (line length, nesting, tick span) hold."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import World, codec, logscan
from engine.cli import main
from engine.logtools import StatsTool, TraceTool, WhyTool
from engine.record import Record
from engine.tickhist import TickHistogram
from tests.test_cli import run_game


@pytest.fixture(scope="module")
def log_file(tmp_path_factory):
    world: World = run_game(ticks=12)
    try:
        path = tmp_path_factory.mktemp("scan") / "run.jsonl"
        codec.save(world.log, path)
        return path, codec.load(path)
    finally:
        world.close()


def traced(path, **kwargs) -> str:
    return "".join(text for text, _, _ in logscan.scan(str(path), TraceTool, **kwargs))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3000))
def test_any_chunk_size_gives_the_same_records(log_file, chunk_bytes):
    path, records = log_file
    state = logscan.Scan()
    assert traced(path, workers=1, chunk_bytes=chunk_bytes, state=state) == "".join(
        r.describe() + "\n" for r in records)
    assert (state.records, state.first, state.last) == (len(records), (0, 0), (records[-1].offset, records[-1].tick))
    positions = [p for chunk in logscan.scan(str(path), WhyTool, workers=1, chunk_bytes=chunk_bytes) for p in chunk]
    data = path.read_bytes()
    assert positions == [0] + [i + 1 for i, b in enumerate(data[:-1]) if b == ord("\n")]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 60), st.sampled_from(["drop", "swap", "garble"]))
def test_an_error_names_the_same_line_whatever_the_chunks(tmp_path_factory, log_file, chunk_bytes, line, damage):
    source, _ = log_file
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    index = line % (len(lines) - 2) + 1
    if damage == "drop":
        del lines[index]
    elif damage == "swap":
        lines[index], lines[index + 1] = lines[index + 1], lines[index]
    else:
        lines[index] = lines[index][: len(lines[index]) // 2] + "\n"
    path = tmp_path_factory.mktemp("damaged") / "run.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(codec.LogFormatError) as whole:
        codec.load(path)
    with pytest.raises(codec.LogFormatError) as streamed:
        traced(path, workers=1, chunk_bytes=chunk_bytes)
    assert str(streamed.value) == str(whole.value)


def test_worker_processes_give_what_one_process_gives(log_file):
    path, records = log_file
    assert traced(path, workers=2, chunk_bytes=200) == traced(path, workers=1)
    stats = [chunk for chunk in logscan.scan(str(path), partial(StatsTool, 4), workers=2, chunk_bytes=300)]
    total = StatsTool(4)
    for chunk in stats:
        total.merge(chunk)
    counts, other, ticks = total.result()
    assert counts == {t: sum(r.type == t for r in records) for t in {r.type for r in records}} and other == 0
    assert [n for _, _, n in ticks.rows()] == [sum(a <= r.tick <= b for r in records) for a, b, _ in ticks.rows()]


# -- tick ranges: bounded rows --------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 10**20), min_size=1, max_size=60).map(sorted), st.integers(1, 700),
       st.integers(1, 30), st.integers(0, 60))
def test_tick_ranges_stay_few_and_count_every_record(ticks, width, max_rows, split):
    whole = TickHistogram(width, max_rows)
    for tick in ticks:
        whole.add(tick)
    left, right = TickHistogram(width, max_rows), TickHistogram(width, max_rows)
    for tick in ticks[:split]:
        left.add(tick)
    for tick in ticks[split:]:
        right.add(tick)
    left.merge(right)
    for histogram in (whole, left):
        rows = histogram.rows()
        assert 1 <= len(rows) <= max_rows
        assert histogram.width % width == 0
        assert sum(n for _, _, n in rows) == len(ticks)
        for start, end, n in rows:
            assert n == sum(start <= t <= end for t in ticks)
    assert whole.rows() == left.rows()


def test_stats_of_an_absurd_tick_is_short(tmp_path, capsys):
    path = tmp_path / "far.jsonl"
    codec.save([Record(0, 0, None, None, type="A", data={}), Record(1, 10**18, None, None, type="B", data={}),
                Record(2, 10**18 + 5, 1, None, type="B", data={})], path)
    assert main(["stats", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(out) if line.startswith("records per "))
    assert "widened to show at most 100 rows" in out[header]
    assert 2 <= len(out) - header - 1 <= 100


# -- limits: one line naming the line, never a blow-up ----------------------------------------

def write_lines(tmp_path, *lines: bytes) -> str:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"".join(lines))
    return str(path)


def first_line() -> bytes:
    return (codec.encode(Record(0, 0, None, None, type="A", data={})) + "\n").encode()


@pytest.mark.parametrize("command", [["trace"], ["stats"], ["why", "0"]])
def test_a_huge_line_is_refused_after_reading_a_bounded_part(tmp_path, capsys, command):
    huge = b'{"offset": 1, "data": "' + b"x" * (codec.MAX_LINE_BYTES + 10) + b'"}\n'
    path = write_lines(tmp_path, first_line(), huge)
    assert main([command[0], path, *command[1:]]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {path}:2: line longer than 16 MiB; a log line holds one record (is this a log file?)\n"


@pytest.mark.parametrize(("depth", "words"), [(5000, "nested too deeply"), (150, "nests more than 100")])
def test_deep_nesting_is_one_line_naming_it(tmp_path, capsys, depth, words):
    data = "[" * depth + "]" * depth
    line = f'{{"offset": 1, "tick": 0, "type": "B", "cause": null, "data": {{"x": {data}}}}}\n'.encode()
    path = write_lines(tmp_path, first_line(), line)
    for command in (["trace"], ["stats"], ["why", "0"]):
        assert main([command[0], path, *command[1:]]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {path}:2: ") and words in err and err.count("\n") == 1


def test_nesting_within_the_limit_is_read_and_printed(tmp_path, capsys):
    data = "[" * 97 + "]" * 97   # with the record and its data: 99 deep
    line = f'{{"offset": 1, "tick": 0, "type": "B", "cause": null, "data": {{"x": {data}}}}}\n'.encode()
    assert main(["trace", write_lines(tmp_path, first_line(), line)]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("#1 t=0 B x=((((")


@pytest.mark.parametrize(("content", "words"), [
    (b"\xef\xbb\xbf" + first_line(), ":1: the file starts with a byte order mark"),
    (first_line() + b'{"offset": 1, "tick": 0, "type": "\xff", "cause": null, "data": {}}\n',
     ":2: not a text file (byte 0xff at column 35 is not UTF-8)"),
    (first_line() + b'{"offset": 1, "tick": 0, "type": "No such", "cause": null, "data": {}}\n',
     ":2: 'type' must be an event type name"),
    (first_line() + b'{"offset": 1, "tick": 0, "type": "B", "cause": null, "data": {"n": 1e999}}\n',
     ":2: 1e999 is not a finite number"),
])
def test_odd_bytes_are_one_line(tmp_path, capsys, content, words):
    path = write_lines(tmp_path, content)
    assert main(["stats", path]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_a_line_cut_inside_a_character_is_a_cut_off_line(tmp_path, capsys):
    whole = '{"offset": 1, "tick": 0, "type": "B", "cause": null, "data": {"name": "é"}}\n'.encode()
    path = write_lines(tmp_path, first_line(), whole[: whole.index(b"\xa9")])
    assert main(["trace", path]) == 0
    captured = capsys.readouterr()
    assert captured.out == "#0 t=0 A\n" and f"{path}:2: the last line is cut off" in captured.err


def test_the_benchmark_log_is_valid_and_the_same_every_time(tmp_path):
    import subprocess
    import sys

    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    for path in paths:
        script = Path(__file__).resolve().parent.parent / "benchmarks" / "make_big_log.py"
        subprocess.run([sys.executable, str(script), str(path), "--records", "3000"], check=True,
                       capture_output=True, timeout=60)
    records = codec.load(paths[0])
    assert [r.offset for r in records] == list(range(3000))
    assert any(r.cause is not None for r in records)
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_trace_and_stats_read_a_pipe(log_file):
    import subprocess
    import sys

    path, records = log_file
    root = Path(__file__).resolve().parent.parent
    for command, first in (("trace", records[0].describe()), ("stats", f"{len(records)} records, offsets 0..")):
        with open(path, "rb") as log:
            done = subprocess.run([sys.executable, "-m", "engine", command, "/dev/stdin"], stdin=log, cwd=root,
                                  capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stderr == ""
        assert done.stdout.startswith(first)
