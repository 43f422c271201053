"""The log's epochs and the sink protocol: readers are told when time travel cuts the log."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine import Event, World, event
from engine.log import EventLog
from engine.record import Record
from engine.sink import LogSink, LogTap


@event
class Ticked(Event):
    n: int


def _filled(count: int) -> EventLog:
    log = EventLog()
    for n in range(count):
        log.append(Record(log.next_offset, n, None, Ticked(n)))
    return log


class ListSink:
    def __init__(self) -> None:
        self.records: list[Record] = []
        self.flushes = 0
        self.closed = False

    def write(self, records):
        assert not self.records or records[0].offset == self.records[-1].offset + 1
        self.records.extend(records)

    def truncate(self, offset):
        self.records = [r for r in self.records if r.offset < offset]

    def flush(self):
        self.flushes += 1

    def close(self):
        self.closed = True


def test_truncate_starts_an_epoch_only_when_it_drops_records():
    log = _filled(5)
    log.truncate(5)
    assert log.epoch == 0
    log.truncate(3)
    assert log.epoch == 1 and log.next_offset == 3


def test_a_reader_past_the_cut_is_told_and_moved_back():
    log = _filled(10)
    reader = log.reader(0)
    assert len(reader.poll().records) == 10
    log.truncate(4)
    assert reader.lag == 0
    log.append(Record(log.next_offset, 4, None, Ticked(99)))
    batch = reader.poll()
    assert batch.truncated == 4
    assert [r.offset for r in batch.records] == [4]
    assert batch.records[0].event == Ticked(99)
    assert reader.poll().truncated is None


def test_a_reader_before_the_cut_sees_no_signal():
    log = _filled(10)
    reader = log.reader(2)
    log.truncate(6)
    batch = reader.poll()
    assert batch.truncated is None and [r.offset for r in batch.records] == [2, 3, 4, 5]


def test_a_tap_keeps_a_sink_equal_to_the_log():
    world = World(seed=3)
    sink = ListSink()
    assert isinstance(sink, LogSink)
    tap = LogTap(world.log, [sink])
    for n in range(5):
        world.emit(Ticked(n))
    tap.drain()
    world.log.truncate(3)
    world.emit(Ticked(7))
    tap.close()
    assert [r.as_dict() for r in sink.records] == [r.as_dict() for r in world.log]
    assert sink.closed and tap.missed == 0


@given(st.lists(st.one_of(st.integers(1, 5).map(lambda n: ("append", n)),
                          st.integers(0, 30).map(lambda n: ("cut", n)),
                          st.just(("poll", 0))), max_size=40))
def test_readers_never_skip_and_never_lag_below_zero(operations):
    """Whatever mix of appends, time-travel cuts and polls: a reader's copy is the log, lag is never negative."""
    log = EventLog()
    reader = log.reader(0)
    copy: list[Record] = []
    for operation, n in operations:
        if operation == "append":
            for _ in range(n):
                log.append(Record(log.next_offset, 0, None, Ticked(log.next_offset)))
        elif operation == "cut":
            log.truncate(n)
        assert reader.lag >= 0
        if operation == "poll":
            batch = reader.poll()
            if batch.truncated is not None:
                copy = [r for r in copy if r.offset < batch.truncated]
            copy.extend(batch.records)
            assert [r.offset for r in copy] == list(range(len(copy)))
    batch = reader.poll()
    if batch.truncated is not None:
        copy = [r for r in copy if r.offset < batch.truncated]
    copy.extend(batch.records)
    assert copy == list(log)
    assert reader.lag == 0
