"""How the log stores records: columns, records built when first read, trims while the bus is idle.

What a user sees must not depend on it: a record read from the log is the
same object every time, a record returned by emit keeps its fields for as
long as it is held, and retention is exactly ``capacity`` records.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Event, EventBus, EventLog, event


@event
class Tick(Event):
    """Handlers react to it while ``ttl`` is positive."""

    ttl: int


def test_a_record_returned_by_emit_and_held_keeps_its_fields():
    bus = EventBus()
    held = [bus.emit(Tick(i)) for i in range(5)]
    assert [r.offset for r in held] == [0, 1, 2, 3, 4]
    assert [r.event.ttl for r in held] == [0, 1, 2, 3, 4]
    assert len({id(r) for r in held}) == 5
    assert [bus.log[r.offset] for r in held] == held


def test_a_record_dropped_by_its_caller_may_be_filled_again_but_one_held_is_not():
    bus = EventBus()
    bus.emit(Tick(0))          # dropped at once
    first = bus.emit(Tick(1))  # may reuse the object of offset 0: nobody holds it
    second = bus.emit(Tick(2))
    assert (first.offset, first.event.ttl, second.offset, second.event.ttl) == (1, 1, 2, 2)
    assert first is not second
    assert first.type == "Tick" and first.data == {"ttl": 1}
    assert bus.log[0].event.ttl == 0


def test_a_record_read_from_the_log_is_the_same_object_every_time():
    bus = EventBus()
    for i in range(3):
        bus.emit(Tick(i))
    assert bus.log[1] is bus.log[1] is bus.log.get(1)
    assert list(bus.log)[2] is bus.log[2]
    # Once the log is being read, the record emit returns is the one the log keeps.
    record = bus.emit(Tick(9))
    assert bus.log[record.offset] is record


def test_the_current_record_is_the_logs_record():
    bus = EventBus()
    seen = []
    bus.subscribe(Tick, lambda e: seen.append(bus.current))
    emitted = [bus.emit(Tick(i)) for i in range(3)]
    bus.pump()
    assert [r.offset for r in seen] == [0, 1, 2]
    assert all(bus.log[r.offset] is r for r in seen)
    assert seen == emitted


def test_records_past_retention_stay_deliverable_until_the_bus_is_idle():
    bus = EventBus(EventLog(capacity=2))
    seen = []

    def react(e: Tick) -> None:
        current = bus.current
        seen.append((e.ttl, current.offset, current.cause, current.depth))
        if e.ttl:
            bus.emit(Tick(e.ttl - 1))

    bus.subscribe(Tick, react)
    for _ in range(10):
        bus.emit(Tick(1))
    assert bus.log.oldest == 8 and len(bus.log) == 2   # retention is exact at once
    bus.pump()
    assert seen == [(1, i, None, 0) for i in range(10)] + [(0, 10 + i, i, 1) for i in range(10)]
    assert [r.offset for r in bus.log] == [18, 19]
    assert bus.log._first >= 18 - 2 // 8 - 1   # and the memory was given back once idle


ops = st.lists(st.sampled_from(["emit", "emit_now", "pump", "read", "drop", "get"]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(capacity=st.integers(1, 6), program=ops, ttl=st.integers(0, 2))
def test_what_is_read_does_not_depend_on_when_it_is_built(capacity, program, ttl):
    bus = EventBus(EventLog(capacity))
    held = []  # (record, what it said when returned)

    def react(e: Tick) -> None:
        if e.ttl:
            record = bus.emit(Tick(e.ttl - 1))
            held.append((record, record.as_dict(), record.depth))

    bus.subscribe(Tick, react)
    for op in program:
        if op in ("emit", "emit_now"):
            record = getattr(bus, op)(Tick(ttl))
            held.append((record, record.as_dict(), record.depth))
        elif op == "pump":
            bus.pump()
        elif op == "read":
            assert [r.offset for r in bus.log] == list(range(bus.log.oldest, bus.log.next_offset))
        elif op == "drop" and held:
            held.pop(0)
        elif op == "get":
            bus.log.get(bus.log.next_offset - 1)
    bus.pump()
    for record, said, depth in held:
        assert (record.as_dict(), record.depth) == (said, depth)
        kept = bus.log.get(record.offset)
        if kept is not None:
            assert (kept.as_dict(), kept.depth) == (said, depth)
    assert len(bus.log) == min(capacity, bus.log.next_offset)
    assert all(b.cause is None or b.cause < b.offset for b in bus.log)
