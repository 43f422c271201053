"""Stream URLs, the entry format and the timeline rebuild: no server needed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import codec
from engine.record import Record
from engine.streams import StreamAddressError, StreamEntryError, parse_address
from engine.streams.entries import (
    decode_entry,
    record_fields,
    record_id,
    truncation_fields,
    truncation_id,
)
from engine.streams.timeline import Timeline


def _record(offset: int, tick: int | None = None, n: int = 0) -> Record:
    return Record(offset, offset if tick is None else tick, None, None, type="Pinged", data={"n": n})


def test_a_full_url_is_parsed():
    address = parse_address("redis://:s3cret@example.org:6390/2?stream=wanted:0:run&maxlen=500")
    assert (address.host, address.port, address.db) == ("example.org", 6390, 2)
    assert (address.stream, address.maxlen, address.password) == ("wanted:0:run", 500, "s3cret")
    assert "s3cret" not in str(address) and str(address) == "redis://example.org:6390/2?stream=wanted:0:run"


def test_defaults_are_redis_ones():
    address = parse_address("redis://localhost")
    assert (address.port, address.db, address.stream, address.maxlen) == (6379, 0, None, None)


@pytest.mark.parametrize(("url", "says"), [
    ("http://localhost:6379", "expected a redis://HOST:PORT URL, found http://"),
    ("localhost:6379", "expected a redis://HOST:PORT URL"),
    ("redis://:6379", "no host"),
    ("redis://localhost:99999", "not a valid URL"),
    ("redis://localhost:6379/x", "database number"),
    ("redis://localhost?strem=x", "unknown query key 'strem'"),
    ("redis://localhost?stream=a&stream=b", "given 2 times"),
    ("redis://localhost?stream=a b", "printable characters"),
    ("redis://localhost?maxlen=0", "maxlen must be a whole number of at least 1"),
    ("redis://:pw@localhost?maxlen=x", "maxlen"),
])
def test_a_bad_url_is_refused_naming_the_part(url, says):
    with pytest.raises(StreamAddressError, match=says) as error:
        parse_address(url)
    assert "\n" not in str(error.value)
    assert ":pw@" not in str(error.value)   # a password is never printed


@given(st.integers(0, 10**9), st.integers(0, 50))
def test_entry_ids_grow_with_offset_within_an_epoch_and_with_the_epoch(offset, epoch):
    def key(entry_id):
        return tuple(map(int, entry_id.split("-")))

    assert key(record_id(epoch, offset)) < key(record_id(epoch, offset + 1))
    assert key(record_id(epoch, offset)) < key(truncation_id(epoch + 1)) < key(record_id(epoch + 1, 0))


def test_an_entry_round_trips_with_its_line_unchanged():
    record = _record(7, n=3)
    entry = decode_entry("s", record_id(0, 7), record_fields(record))
    assert entry.line == codec.encode(record) and entry.record == record
    assert entry.describe() == record.describe()
    cut = decode_entry("s", truncation_id(2), truncation_fields(40))
    assert cut.truncated == 40 and "cut the log back to offset 40 (epoch 2)" in cut.describe()


@pytest.mark.parametrize(("entry_id", "fields", "says"), [
    ("1700000000000-0", {"msg": "hello"}, "not a Wanted record (no 'record' field; fields: msg)"),
    ("0-1", {"record": "{not json"}, "not a Wanted record: not valid JSON"),
    ("0-1", {"record": '{"offset": 0}'}, "record lacks"),
    ("0-5", record_fields(_record(7)), "holds offset 7, but the ID says offset 4"),
    ("abc", record_fields(_record(0)), "not an entry ID"),
    ("0-0", truncation_fields(3), "truncation entry must have the ID EPOCH-0 with EPOCH >= 1"),
    ("1-0", {"truncate": "x"}, "'truncate' must be an offset"),
    # fetch wrote such an entry as a line that trace, why, stats and replay then refused
    ("0-1", {"record": codec.encode(Record(0, 0, None, None, type="Pinged", data={"n": "x" * codec.MAX_LINE_BYTES}))},
     "not a Wanted record: longer than the 16 MiB a log line may hold"),
])
def test_an_entry_that_is_not_ours_is_named(entry_id, fields, says):
    with pytest.raises(StreamEntryError, match=re.escape(says)) as error:
        decode_entry("runs", entry_id, fields)
    assert str(error.value).startswith(f"stream 'runs' entry {entry_id}: ")


def _entries(events):
    """Entries for a list of ("r", offset) and ("cut", offset) steps, with the epochs a publisher gives."""
    epoch, out = 0, []
    for kind, offset in events:
        if kind == "cut":
            epoch += 1
            out.append(decode_entry("s", truncation_id(epoch), truncation_fields(offset)))
        else:
            out.append(decode_entry("s", record_id(epoch, offset), record_fields(_record(offset, n=epoch))))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 100)), min_size=1, max_size=6), st.integers(0, 30))
def test_the_timeline_is_the_log_after_its_truncations(steps, skip):
    """Whatever mix of appends and cuts a run makes, the timeline is what the log ends with;
    dropping the first entries (trimming) is reported as missed records, not hidden."""
    log: list[int] = []
    events: list[tuple[str, int]] = []
    for grow, cut in steps:
        for _ in range(grow):
            events.append(("r", len(log)))
            log.append(len(log))
        cut = min(cut, len(log))
        if cut < len(log):
            events.append(("cut", cut))
            del log[cut:]
    entries = _entries(events)
    timeline = Timeline("s").extend(entries)
    assert [r.offset for r in timeline.records] == log
    # MAXLEN trims the oldest entries, never all of them.
    trimmed = Timeline("s").extend(entries[min(skip, len(entries) - 1):])
    assert [r.offset for r in trimmed.records] == log[trimmed.missed:]


def test_a_gap_or_a_tick_going_back_is_refused():
    good = _entries([("r", 0), ("r", 1)])
    with pytest.raises(StreamEntryError, match="offset 3 does not follow offset 1"):
        Timeline("s").extend([*good, decode_entry("s", "0-4", record_fields(_record(3)))])
    with pytest.raises(StreamEntryError, match="tick 0 goes back from tick 1"):
        Timeline("s").extend([*good, decode_entry("s", "0-3", record_fields(_record(2, tick=0)))])
    with pytest.raises(StreamEntryError, match="past the end of the log"):
        Timeline("s").extend([*good, decode_entry("s", "1-0", truncation_fields(5))])
