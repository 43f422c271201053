"""The publisher's buffering and counting, and the Redis adapters on fakeredis (fast; the real server is tested too)."""

from __future__ import annotations

import fakeredis
import pytest

from engine import Event, World, event
from engine.sink import LogSink, LogTap
from engine.streams import parse_address
from engine.streams.follow import Follower
from engine.streams.publisher import BufferedPublisher, Outgoing, TransportDown
from engine.streams.redis_sink import RedisTransport
from engine.streams.redis_stream import RedisGroupReader, RedisSource
from engine.streams.source import GroupReader, LogSource, StreamError
from engine.streams.timeline import Timeline

ADDRESS = parse_address("redis://fake:6379?stream=run")


@event
class Pinged(Event):
    n: int


def _world(ticks: int) -> World:
    world = World(seed=2)
    world.add_system(lambda w: w.emit(Pinged(w.tick)))
    world.run(ticks)
    return world


class FlakyTransport:
    """Stores entries in a list; down for its first ``down`` sends (each connect counts one)."""

    def __init__(self, store: list, down: list[int]) -> None:
        self.target = "flaky"
        self.store = store
        self.down = down

    def send(self, entries):
        if self.down[0] > 0:
            self.down[0] -= 1
            raise TransportDown("flaky: connection reset")
        for item in entries:
            if (item.epoch, item.offset, item.record is None) not in {(e, o, c) for e, o, c, _ in self.store}:
                self.store.append((item.epoch, item.offset, item.record is None, item.record))
        return [None] * len(entries)

    def close(self):
        pass


def test_a_publisher_rides_out_a_server_that_goes_away():
    store: list = []
    down = [3]
    publisher = BufferedPublisher("flaky", lambda first: FlakyTransport(store, down), retry=(0.001, 0.002))
    world = _world(50)
    tap = LogTap(world.log, [publisher])
    tap.drain()
    tap.close()
    assert isinstance(publisher, LogSink)
    assert publisher.report.delivered == tap.written == len(world.log)
    assert publisher.report.undelivered == 0 and publisher.report.gaps == []
    assert [offset for _, offset, _, _ in store] == list(range(len(world.log)))


def test_records_that_do_not_fit_the_buffer_are_counted_with_their_offsets():
    store: list = []
    down = [10**9]  # never comes back
    publisher = BufferedPublisher("flaky", lambda first: FlakyTransport(store, down), capacity=10, close_timeout=0.05,
                                  retry=(0.001, 0.002))
    world = _world(30)
    tap = LogTap(world.log, [publisher])
    tap.close()
    report = publisher.report
    assert report.delivered == 0 and report.undelivered == len(world.log)
    assert report.gaps == [(0, len(world.log) - 1)]
    assert f"published 0 of {len(world.log)} records to flaky; {len(world.log)} not delivered" in report.describe()
    assert "connection reset" in report.describe()


def test_a_server_that_refuses_us_for_good_stops_the_sending_not_the_game():
    class Refusing(FlakyTransport):
        def send(self, entries):
            raise StreamError("redis://x:1/0: wrong password")

    publisher = BufferedPublisher("x", lambda first: Refusing([], [0]))
    world = _world(10)
    tap = LogTap(world.log, [publisher])
    tap.drain()
    world.run(5)
    tap.close()
    assert publisher.report.undelivered == len(world.log) and publisher.report.error.endswith("wrong password")


def test_sending_the_same_entries_twice_adds_nothing():
    connection = fakeredis.FakeRedis(decode_responses=True)
    transport = RedisTransport(ADDRESS, connection=connection)
    world = _world(20)
    batch = [Outgoing(0, r.offset, r) for r in world.log]
    assert transport.send(batch) == [None] * len(batch)
    assert transport.send(batch[5:]) == [None] * (len(batch) - 5)   # a retry after a lost reply
    assert connection.xlen("run") == len(batch)
    lines = Timeline("run").extend(RedisSource(ADDRESS, connection).entries()).lines
    assert len(lines) == len(batch)


def test_a_stream_holding_another_log_is_refused():
    connection = fakeredis.FakeRedis(decode_responses=True)
    mine = list(_world(3).log)
    RedisTransport(ADDRESS, connection=connection).send([Outgoing(0, r.offset, r) for r in mine])
    RedisTransport(ADDRESS, connection=connection).refuse_another_log(mine)            # the same log again: fine
    longer = list(_world(8).log)
    RedisTransport(ADDRESS, connection=connection).refuse_another_log(longer)          # more of it: fine
    with pytest.raises(StreamError, match="already holds another log"):
        RedisTransport(ADDRESS, connection=connection).refuse_another_log(list(World(seed=99).log))
    with pytest.raises(StreamError, match="already holds another log"):
        RedisTransport(ADDRESS, connection=connection).refuse_another_log(mine[:2])   # ends before the stream's
    with pytest.raises(StreamError, match="already holds 4 entries"):
        RedisTransport(ADDRESS, connection=connection, new_stream=True)   # a live run wants a stream of its own


def _published(ticks: int) -> fakeredis.FakeRedis:
    connection = fakeredis.FakeRedis(decode_responses=True)
    RedisTransport(ADDRESS, connection=connection).send([Outgoing(0, r.offset, r) for r in _world(ticks).log])
    return connection


def test_a_group_is_created_once_and_can_start_at_an_offset():
    connection = _published(10)
    reader = RedisGroupReader(ADDRESS, "g", "c", connection)
    assert isinstance(reader, GroupReader) and isinstance(reader, LogSource)
    assert reader.join(5) is True and reader.join(0) is False
    assert [e.record.offset for e in reader.poll(3, 0)] == [5, 6, 7]
    with pytest.raises(StreamError, match="holds no record at offset 99"):
        RedisGroupReader(ADDRESS, "h", "c", connection).join(99)


def test_a_follower_acknowledges_only_what_it_handled():
    connection = _published(10)
    reader = RedisGroupReader(ADDRESS, "g", "dies", connection)
    reader.join()
    seen: list[str] = []

    def crash_on_the_fourth(entry):
        if len(seen) == 3:
            raise RuntimeError("killed")
        seen.append(entry.id)

    with pytest.raises(RuntimeError):
        Follower(reader, print_line=lambda text: None, handle=crash_on_the_fourth).run(count=5)
    assert connection.xpending("run", "g")["pending"] == 5     # read, never acknowledged
    lines: list[str] = []
    again = Follower(RedisGroupReader(ADDRESS, "g", "dies", connection), print_line=lines.append)
    again.run(idle=0.01)
    assert again.redelivered == 5 and again.handled == len(_world(10).log)
    assert connection.xpending("run", "g")["pending"] == 0


def test_a_follower_reports_the_lag_after_every_batch(monkeypatch):
    import engine.streams.follow as follow

    monkeypatch.setattr(follow, "BATCH", 4)
    connection = _published(10)
    lags: list[int | None] = []
    reader = RedisGroupReader(ADDRESS, "g", "c", connection)
    reader.join()
    Follower(reader, print_line=lambda text: None, on_batch=lambda f: lags.append(f.lag())).run(idle=0.01)
    assert lags == [7, 3, 0]   # 11 records, 4 a batch


def test_another_consumer_claims_what_a_dead_one_left_pending():
    connection = _published(10)
    dead = RedisGroupReader(ADDRESS, "g", "dead", connection)
    dead.join()
    left = dead.poll(4, 0)   # delivered, then the consumer died
    lines: list[str] = []
    heir = Follower(RedisGroupReader(ADDRESS, "g", "heir", connection), print_line=lines.append)
    heir.run(idle=0.01, claim_idle_ms=0)
    assert heir.claimed == len(left) == 4
    assert sorted(int(line.split()[0][1:]) for line in lines) == list(range(len(_world(10).log)))
