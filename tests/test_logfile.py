"""The ``--events-out`` file sink: written as the run goes, cut back exactly by time travel."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Event, World, codec, event
from engine.log import EventLog
from engine.logfile import LogFile, RecordsMissed
from engine.record import Record
from engine.sink import LogSink, LogTap


@event
class Ticked(Event):
    n: int
    text: str = ""


def test_a_log_file_is_a_sink_and_holds_what_it_was_given(tmp_path):
    world = World(seed=1)
    path = tmp_path / "run.jsonl"
    sink = LogFile(path)
    assert isinstance(sink, LogSink)
    tap = LogTap(world.log, [sink])
    world.emit(Ticked(1, "é ünïcode"))
    tap.drain()
    # Written and visible to any reader of the file before the run ends.
    assert codec.load(path) == list(world.log)
    world.emit(Ticked(2))
    tap.close()
    assert path.read_text(encoding="utf-8") == "".join(codec.encode(r) + "\n" for r in world.log)
    assert sink.records == len(world.log) == 3


def test_truncate_cuts_the_file_where_the_offset_starts(tmp_path):
    world = World(seed=1)
    path = tmp_path / "run.jsonl"
    tap = LogTap(world.log, [LogFile(path)])
    for n in range(6):
        world.emit(Ticked(n, "x" * n))
    tap.drain()
    world.log.truncate(3)
    world.emit(Ticked(99))
    tap.drain()
    assert [r.as_dict() for r in codec.load(path)] == [r.as_dict() for r in world.log]
    assert [r.offset for r in codec.load(path)] == [0, 1, 2, 3]
    tap.close()


def test_a_gap_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "run.jsonl"
    sink = LogFile(path)
    sink.write([Record(0, 0, None, Ticked(0))])
    with pytest.raises(RecordsMissed, match=r"records 1\.\.4 never reached the file"):
        sink.write([Record(5, 0, None, Ticked(5))])
    sink.close()
    assert [r.offset for r in codec.load(path)] == [0]


def test_memory_retention_never_shortens_the_file(tmp_path):
    world = World(seed=1)
    world.log.capacity = 5
    path = tmp_path / "run.jsonl"
    tap = LogTap(world.log, [LogFile(path)])
    for n in range(40):
        world.emit(Ticked(n))
        if n % 3 == 0:
            tap.drain()
    tap.close()
    assert len(world.log) == 5
    assert [r.offset for r in codec.load(path)] == list(range(41))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(1, 6).map(lambda n: ("append", n)),
                          st.integers(0, 40).map(lambda n: ("cut", n)),
                          st.just(("drain", 0))), max_size=30),
       st.text(max_size=5))
def test_the_file_always_holds_exactly_the_current_timeline(tmp_path_factory, operations, text):
    """Appends, time-travel cuts and drains in any order: after a drain the file is the log, byte for byte."""
    path = tmp_path_factory.mktemp("logfile") / "run.jsonl"
    log = EventLog()
    tap = LogTap(log, [LogFile(path)])
    for operation, n in operations:
        if operation == "append":
            for _ in range(n):
                log.append(Record(log.next_offset, 0, None, Ticked(log.next_offset, text)))
        elif operation == "cut":
            log.truncate(n)
        else:
            tap.drain()
            assert path.read_bytes() == "".join(codec.encode(r) + "\n" for r in log).encode()
    tap.close()
    assert path.read_bytes() == "".join(codec.encode(r) + "\n" for r in log).encode()


def test_stepping_back_in_time_leaves_the_file_holding_the_new_timeline(tmp_path):
    from engine.timetravel import TimeMachine

    world = World(seed=2)
    world.add_system(lambda w: w.emit(Ticked(w.rng.randint(0, 9))) if w.tick % 3 == 0 else None)
    machine = TimeMachine(world, every=5)
    path = tmp_path / "travel.jsonl"
    tap = LogTap(world.log, [LogFile(path)])
    for _ in range(20):
        machine.step()
        tap.drain()
    machine.back(7)
    tap.drain()
    assert codec.load(path) == list(world.log)
    for _ in range(4):
        machine.step()
    world.emit(Ticked(42, "a new timeline"))
    tap.close()
    assert path.read_text(encoding="utf-8") == "".join(codec.encode(r) + "\n" for r in world.log)
    assert tap.missed == 0
