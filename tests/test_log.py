"""The event log: offsets, ticks, causality, retention, readers and queries."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Batch, CascadeCut, Event, EventBus, EventLog, HandlerFailed, Input, Reader, Record, World, event


@event
class E0(Event):
    ttl: int


@event
class E1(Event):
    ttl: int


@event
class E2(E1):
    pass


@event
class E3(Event):
    ttl: int


TYPES = (E0, E1, E2, E3)


@event
class Pressed(Input):
    key: str


@event
class Shot(Event):
    shooter: int
    target: int


@event
class Boarded(Event):
    entity: int
    vehicle: int


@event
class Spawned(Event):
    source: int


@event
class Noise(Event):
    level: int


def fill(log: EventLog, n: int, tick: int = 0) -> None:
    for _ in range(n):
        log.append(Record(log.next_offset, tick, None, Noise(log.next_offset)))


# -- offsets and ticks --------------------------------------------------------------

def test_empty_log():
    log = EventLog()
    assert (len(log), log.next_offset, log.oldest, list(log)) == (0, 0, 0, [])
    assert log.get(0) is None
    with pytest.raises(KeyError):
        log[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["emit", "emit_now", "pump", "tick"]), max_size=40))
def test_offsets_start_at_zero_and_grow_by_one(program):
    bus = EventBus()
    bus.subscribe(Noise, lambda e: bus.emit(Spawned(e.level)) if e.level % 2 else None)
    published = 0
    for step in program:
        if step == "tick":
            bus.tick += 1
        elif step == "pump":
            bus.pump()
        else:
            record = getattr(bus, step)(Noise(published))
            published += 1
            assert record.tick == bus.tick
    bus.pump()
    offsets = [r.offset for r in bus.log]
    assert offsets == list(range(len(offsets)))
    assert bus.log.next_offset == len(offsets)
    assert len(offsets) >= published
    assert [r.offset for r in bus.log if r.type == "Noise"] == sorted(r.offset for r in bus.log if r.type == "Noise")


def test_every_record_has_its_tick():
    world = World(seed=0)
    try:
        world.add_system(lambda w: w.emit(Noise(w.tick)))
        world.subscribe(Noise, lambda e: world.emit_now(Spawned(e.level)))
        world.run(4)
        pairs = [(r.type, r.tick) for r in world.log]
        assert pairs == [("SimulationStarted", 0)] + [
            (kind, t) for t in range(4) for kind in ("Noise", "Spawned")]
        assert all(r.data.get("level", r.data.get("source", r.tick)) == r.tick for r in world.log)
    finally:
        world.close()


# -- causality ----------------------------------------------------------------------------

def test_causes_of_input_system_and_handler_events():
    world = World(seed=0)
    try:
        world.subscribe(Pressed, lambda e: world.emit(Shot(1, 2)))
        world.subscribe(Shot, lambda e: world.emit_now(Boarded(2, 9)))
        world.add_system(lambda w: w.emit(Noise(1)) if w.tick == 0 else None)
        pressed = world.emit(Pressed("space"))   # input, between ticks
        world.step()
        records = list(world.log)
        by_type = {r.type: r for r in records}
        assert by_type["SimulationStarted"].cause is None
        assert pressed.cause is None
        assert by_type["Noise"].cause is None            # a system's own code
        assert by_type["Shot"].cause == pressed.offset
        assert by_type["Boarded"].cause == by_type["Shot"].offset
        assert [r.offset for r in world.why(by_type["Boarded"].offset)] == [
            pressed.offset, by_type["Shot"].offset, by_type["Boarded"].offset]
    finally:
        world.close()


# A program: for each event type, the handlers subscribed to it; a handler is a list of
# actions done while handling an event: ("emit"|"emit_now", type index) or ("raise", 0).
actions = st.tuples(st.sampled_from(["emit", "emit_now", "raise"]), st.integers(0, len(TYPES) - 1))
handlers = st.lists(st.lists(actions, max_size=3), max_size=2)
programs = st.fixed_dictionaries({
    "handlers": st.lists(st.tuples(st.integers(0, len(TYPES) - 1), handlers), max_size=len(TYPES)),
    "roots": st.lists(st.tuples(st.sampled_from(["emit", "emit_now", "pump"]), st.integers(0, len(TYPES) - 1)),
                      min_size=1, max_size=6),
    "ttl": st.integers(0, 3),
    "limit": st.integers(1, 5),
})


@settings(max_examples=120, deadline=None)
@given(programs)
def test_causality_property_over_random_handler_graphs(program):
    bus = EventBus(EventLog(), cascade_limit=program["limit"])
    offset_of: dict[int, int] = {}   # id(event) -> offset of its record
    emitted: list[tuple[Record | None, int | None]] = []  # (record, expected cause)

    def publish(kind, type_index, ttl, cause):
        new = TYPES[type_index](ttl)
        # Known before publishing: trigger runs the handlers before it returns.
        offset_of[id(new)] = bus.log.next_offset
        cuts_before = bus.cascades_cut
        record = getattr(bus, kind)(new)
        if record is None:
            # Cut: recorded as a CascadeCut, or (the same loop again in this
            # tick: recorded once per tick) only counted, writing nothing.
            offset = offset_of.pop(id(new))
            assert bus.cascades_cut == cuts_before + 1
            if bus.log.next_offset > offset:
                assert bus.log[offset].type == "CascadeCut"
            else:
                assert bus.log.select(CascadeCut)
        else:
            assert record.event is new
            assert record.offset == offset_of[id(new)]
        emitted.append((record, cause))

    def make_handler(steps):
        def handler(e):
            me = offset_of[id(e)]
            for kind, type_index in steps:
                if kind == "raise":
                    raise RuntimeError(f"failing on #{me}")
                if e.ttl > 0:
                    publish(kind, type_index, e.ttl - 1, me)
        return handler

    for type_index, hs in program["handlers"]:
        for steps in hs:
            bus.subscribe(TYPES[type_index], make_handler(steps))
    for kind, type_index in program["roots"]:
        if kind == "pump":
            bus.pump()
        else:
            publish(kind, type_index, program["ttl"], None)
    bus.pump()

    records = list(bus.log)
    assert [r.offset for r in records] == list(range(len(records)))
    # The cause is exactly the record being handled, or None for a root.
    for record, cause in emitted:
        if record is not None:
            assert record.cause == cause
    for record in records:
        assert record.cause is None or 0 <= record.cause < record.offset
        if record.type == "HandlerFailed":
            assert record.cause == record.data["offset"]
            assert record.data["error"] == f"RuntimeError: failing on #{record.cause}"
        chain = bus.log.why(record.offset)
        assert chain[0].cause is None
        assert chain[-1] is record
        for parent, child in itertools.pairwise(chain):
            assert child.cause == parent.offset
        assert len(chain) == record.depth + 1
    roots = [r for r in records if r.cause is None]
    assert len(roots) == sum(1 for kind, _ in program["roots"] if kind != "pump")


# -- retention -------------------------------------------------------------------------------

@pytest.mark.parametrize("capacity", [1, 2, 3, 8, 10])
@pytest.mark.parametrize("n", [0, 1, 5, 9, 10, 11, 12, 30])
def test_bounded_retention_keeps_the_newest_and_their_offsets(capacity, n):
    log = EventLog(capacity)
    fill(log, n)
    kept = list(range(max(0, n - capacity), n))
    assert [r.offset for r in log] == kept
    assert [r.event.level for r in log] == kept
    assert len(log) == len(kept)
    assert log.next_offset == n
    assert log.oldest == (kept[0] if kept else n)
    assert log.first_offset == log.oldest
    for offset in range(n):
        if offset in kept:
            assert log.get(offset).offset == offset
            assert log[offset].offset == offset
        else:
            assert log.get(offset) is None
            with pytest.raises(KeyError):
                log[offset]
    assert log.get(n) is None
    assert [r.offset for r in log.since(0)] == kept
    assert [r.offset for r in log.since(n - 1)] == kept[-1:]


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        EventLog(0)


def test_retention_in_a_world():
    world = World(seed=0, log_capacity=5)
    try:
        world.add_system(lambda w: w.emit(Noise(w.tick)))
        world.run(20)
        assert [r.offset for r in world.log] == [16, 17, 18, 19, 20]
        assert [r.event.level for r in world.log] == [15, 16, 17, 18, 19]
    finally:
        world.close()


# -- readers --------------------------------------------------------------------------------------

def test_reader_pulls_at_its_own_pace():
    log = EventLog()
    fill(log, 3)
    late = log.reader()
    early = log.reader(0)
    assert isinstance(late, Reader)
    assert (late.offset, late.lag, early.lag) == (3, 0, 3)
    assert late.poll() == Batch([], 0)
    fill(log, 2)
    batch = early.poll(max_records=2)
    assert isinstance(batch, Batch)
    assert [r.offset for r in batch.records] == [0, 1] and batch.missed == 0
    assert [r.offset for r in early.poll().records] == [2, 3, 4]
    assert [r.offset for r in late.poll().records] == [3, 4]
    assert early.poll() == Batch([], 0)
    early.seek(1)
    assert [r.offset for r in early.poll(1).records] == [1]
    assert early.offset == 2


def test_reader_that_fell_behind_gets_the_exact_number_missed():
    log = EventLog(capacity=4)
    reader = log.reader()
    fill(log, 10)
    batch = reader.poll()
    assert batch.missed == 6
    assert [r.offset for r in batch.records] == [6, 7, 8, 9]
    assert reader.missed == 6
    fill(log, 5)
    batch = reader.poll(max_records=1)
    assert (batch.missed, [r.offset for r in batch.records]) == (1, [11])
    assert reader.missed == 7
    assert [r.offset for r in reader.poll().records] == [12, 13, 14]


@settings(max_examples=150, deadline=None)
@given(capacity=st.integers(1, 12),
       prefill=st.integers(0, 15),
       start_back=st.integers(0, 20),
       ops=st.lists(st.one_of(st.tuples(st.just("append"), st.integers(1, 15)),
                              st.tuples(st.just("poll"), st.none() | st.integers(0, 6))), max_size=30))
def test_reader_property_received_plus_missed_is_appended(capacity, prefill, start_back, ops):
    log = EventLog(capacity)
    fill(log, prefill)
    start = max(0, prefill - start_back)
    reader = log.reader(start)
    received: list[int] = []
    missed = 0

    def poll(limit):
        nonlocal missed
        expected_missed = max(0, (log.next_offset - capacity) - reader.offset)
        cursor = reader.offset + expected_missed
        batch = reader.poll(limit)
        assert batch.missed == expected_missed
        offsets = [r.offset for r in batch.records]
        available = log.next_offset - cursor
        count = available if limit is None else min(limit, available)
        # Contiguous, in order, from where the cursor resumed.
        assert offsets == list(range(cursor, cursor + count))
        assert reader.offset == cursor + count
        missed += batch.missed
        received.extend(offsets)

    for op, arg in ops:
        if op == "append":
            fill(log, arg)
        else:
            poll(arg)
    poll(None)
    assert reader.lag == 0
    assert len(received) + missed == log.next_offset - start
    assert reader.missed == missed
    assert received == sorted(set(received))
    if received:
        assert received[-1] == log.next_offset - 1


@settings(max_examples=40, deadline=None)
@given(capacity=st.integers(1, 6), appends=st.lists(st.integers(0, 6), max_size=20))
def test_reader_that_keeps_up_misses_nothing(capacity, appends):
    log = EventLog(capacity)
    reader = log.reader()
    got = []
    for n in appends:
        for _ in range(min(n, capacity)):
            fill(log, 1)
        batch = reader.poll()
        assert batch.missed == 0
        got.extend(r.offset for r in batch.records)
    assert got == list(range(log.next_offset))


# -- queries --------------------------------------------------------------------------------------

@pytest.fixture
def busy_log() -> EventLog:
    bus = EventBus()
    bus.subscribe(Shot, lambda e: bus.emit(Boarded(e.target, 40)))
    for tick in range(6):
        bus.tick = tick
        bus.emit_now(Shot(shooter=tick, target=tick + 1))
        bus.emit_now(E2(tick))
        bus.emit_now(Spawned(source=tick))
        bus.pump()
    return bus.log


def test_select_by_type_includes_subclasses(busy_log):
    assert [r.type for r in busy_log.select(E1)] == ["E2"] * 6
    assert busy_log.select(E2) == busy_log.select(E1)
    assert busy_log.select("E1") == busy_log.select(E1)  # by name too, base names included
    assert len(busy_log.select(Event)) == len(busy_log) == 24
    assert busy_log.select(E0) == []
    assert [r.data for r in busy_log.select(Shot)] == [{"shooter": t, "target": t + 1} for t in range(6)]


def test_select_by_entity_looks_at_every_entity_field(busy_log):
    found = [(r.type, r.tick) for r in busy_log.select(entity=3)]
    # Shot.shooter=3 (tick 3), Shot.target=3 (tick 2), Boarded.entity=3 (tick 2), Spawned.source=3 (tick 3)
    assert sorted(found) == [("Boarded", 2), ("Shot", 2), ("Shot", 3), ("Spawned", 3)]
    assert len(busy_log.select(entity=40)) == 6   # Boarded.vehicle
    assert busy_log.select(entity=99) == []


def test_select_by_tick_range_is_half_open(busy_log):
    assert {r.tick for r in busy_log.select(ticks=(2, 4))} == {2, 3}
    assert {r.tick for r in busy_log.select(ticks=(None, 2))} == {0, 1}
    assert {r.tick for r in busy_log.select(ticks=(4, None))} == {4, 5}
    assert busy_log.select(ticks=(3, 3)) == []
    assert len(busy_log.select(ticks=(0, 1))) == 4


def test_select_combines_filters(busy_log):
    found = busy_log.select(event_type=Shot, entity=3, ticks=(3, 6))
    assert [(r.tick, r.data) for r in found] == [(3, {"shooter": 3, "target": 4})]


def test_select_sees_only_retained_records():
    log = EventLog(3)
    fill(log, 10)
    assert [r.offset for r in log.select(Noise)] == [7, 8, 9]


def test_why_is_root_first():
    bus = EventBus()
    bus.subscribe(E0, lambda e: bus.emit(E1(e.ttl)))
    bus.subscribe(E1, lambda e: bus.emit_now(E3(e.ttl)))
    bus.emit_now(Noise(0))
    bus.emit(E0(5))
    bus.pump()
    assert [(r.offset, r.type) for r in bus.log.why(3)] == [(1, "E0"), (2, "E1"), (3, "E3")]
    assert [r.offset for r in bus.log.why(1)] == [1]
    with pytest.raises(KeyError):
        bus.log.why(4)


def test_why_stops_at_the_oldest_retained_record():
    bus = EventBus(EventLog(capacity=3), cascade_limit=100)
    bus.subscribe(E0, lambda e: bus.emit(E0(e.ttl - 1)) if e.ttl else None)
    bus.emit(E0(9))
    bus.pump()
    chain = bus.log.why(9)
    assert [r.offset for r in chain] == [7, 8, 9]
    assert chain[0].cause == 6   # the root was dropped by retention
    with pytest.raises(KeyError):
        bus.log.why(2)


def test_dead_letters_are_in_the_chain():
    bus = EventBus()

    def fail(e):
        raise ZeroDivisionError("division by zero")

    bus.subscribe(E1, fail)
    bus.subscribe(E0, lambda e: bus.emit_now(E2(0)))
    bus.emit(E0(1))
    bus.pump()
    letters = bus.log.select(HandlerFailed)
    assert len(letters) == 1
    assert [r.type for r in bus.log.why(letters[0].offset)] == ["E0", "E2", "HandlerFailed"]
