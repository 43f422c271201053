"""Redis Streams, through redis-py: connecting, appending entries, and the two sources.

One stream holds one run.  Redis gives a stream total order (it is a single
partition: there are no partitions to spread a stream over), entry IDs that
only grow, consumer groups with pending entries and acknowledgements, and
approximate trimming (``MAXLEN ~``) for retention.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import redis
from redis import exceptions as rex
from redis.backoff import NoBackoff
from redis.retry import Retry

from engine.streams.address import StreamAddress
from engine.streams.entries import StreamEntry, decode_entry, epoch_of
from engine.streams.source import EARLIEST, LATEST, Start, StreamError

#: Entries fetched per XRANGE call.
RANGE_CHUNK = 5000
#: Seconds to wait for a connection and for a reply before calling the server unreachable.
CONNECT_TIMEOUT = 2.0
REPLY_TIMEOUT = 5.0
# What Redis answers an XADD whose ID is not above the stream's last one: the entry is already there.
_DUPLICATE = "equal or smaller"


def client(address: StreamAddress, reply_timeout: float = REPLY_TIMEOUT) -> redis.Redis:
    """A client for ``address`` (not connected yet: redis-py connects on first use).

    redis-py's own retries are off: a refused connection is reported at
    once, and the live publisher does its retrying itself, so it can count."""
    return redis.Redis(host=address.host, port=address.port, db=address.db, username=address.username,
                       password=address.password, decode_responses=True, socket_connect_timeout=CONNECT_TIMEOUT,
                       socket_timeout=reply_timeout, retry=Retry(NoBackoff(), 0))


def connect(address: StreamAddress) -> redis.Redis:
    """A client that has answered a PING; raises :class:`StreamError` saying why not."""
    connection = client(address)
    try:
        connection.ping()
    except rex.RedisError as error:
        connection.close()
        raise StreamError(explain(error, address)) from None
    return connection


def explain(error: Exception, address: StreamAddress) -> str:
    """One line for a redis-py error: which server, and what went wrong."""
    text = str(error).strip().rstrip(".") or type(error).__name__
    refused = isinstance(error, rex.AuthenticationError) or any(
        word in text for word in ("WRONGPASS", "invalid password", "NOAUTH", "authenticated"))
    if refused and address.password is None:
        return f"{address.server}: the server needs a password (redis://:PASSWORD@HOST:PORT)"
    if refused:
        return f"{address.server}: wrong password or user name"
    if isinstance(error, rex.TimeoutError):
        return f"{address.server}: the server did not answer in time ({text})"
    if isinstance(error, rex.ConnectionError):
        return f"{address.server}: cannot connect ({text}); is redis-server running?"
    return f"{address.server}: {text}"


def append_entries(connection: redis.Redis, stream: str, entries: Sequence[tuple[str, dict[str, str]]],
                   maxlen: int | None = None) -> list[Exception | None]:
    """XADD each ``(entry_id, fields)`` in one pipeline (one round trip).

    Returns, per entry, None if the stream now holds it (added, or already
    there from an earlier attempt: the ID rule makes a resend harmless) or
    the server's error.  Raises redis-py's ``ConnectionError`` and
    ``TimeoutError`` when the server cannot be reached: nothing is known
    then about the entries, and sending them again is safe."""
    pipe = connection.pipeline(transaction=False)
    for entry_id, fields in entries:
        pipe.xadd(stream, fields, id=entry_id, maxlen=maxlen, approximate=True)
    results = pipe.execute(raise_on_error=False)
    outcome: list[Exception | None] = []
    for result in results:
        if isinstance(result, (rex.ConnectionError, rex.TimeoutError)):
            raise result
        duplicate = isinstance(result, rex.ResponseError) and _DUPLICATE in str(result)
        outcome.append(result if isinstance(result, Exception) and not duplicate else None)
    return outcome


def check_stream(connection: redis.Redis, address: StreamAddress) -> str:
    """The address's stream name, if the server holds a stream of that name."""
    stream = address.needs_stream()
    try:
        kind = connection.type(stream)
    except rex.RedisError as error:
        raise StreamError(explain(error, address)) from None
    if kind == "none":
        raise StreamError(f"{address.server}: no stream named {stream!r}")
    if kind != "stream":
        raise StreamError(f"{address.server}: key {stream!r} is a {kind}, not a stream")
    return stream


class RedisSource:
    """A :class:`~engine.streams.source.LogSource` over one Redis stream."""

    def __init__(self, address: StreamAddress, connection: redis.Redis | None = None) -> None:
        self.address = address
        # A connection can be handed in (a test's fakeredis); otherwise one is made and checked.
        self.connection = connection if connection is not None else connect(address)
        self.stream = check_stream(self.connection, address)

    def entries(self) -> Iterator[StreamEntry]:
        """Every entry, oldest first, in chunks of :data:`RANGE_CHUNK` (XRANGE)."""
        start = "-"
        while True:
            chunk = self._call(self.connection.xrange, self.stream, start, "+", RANGE_CHUNK)
            for entry_id, fields in chunk:
                yield decode_entry(self.stream, entry_id, fields)
            if len(chunk) < RANGE_CHUNK:
                return
            start = "(" + chunk[-1][0]  # exclusive: the entry after the last one read

    def read(self, after: str, count: int, block_ms: int | None) -> list[StreamEntry]:
        """Entries after the ID ``after`` ("0-0": from the start), waiting up to ``block_ms`` (XREAD)."""
        reply = self._call(self.connection.xread, {self.stream: after}, count, block_ms)
        return [decode_entry(self.stream, entry_id, fields)
                for _stream, found in reply or () for entry_id, fields in found]

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except rex.RedisError as error:
            raise StreamError(explain(error, self.address)) from None
        except UnicodeDecodeError:  # redis-py decodes replies itself (decode_responses), before we see them
            raise StreamError(f"{self.address.server}: stream {self.stream!r} holds an entry that is not "
                              "UTF-8 text, so not a Wanted record") from None

    def close(self) -> None:
        """Release the connection."""
        self.connection.close()


class RedisGroupReader(RedisSource):
    """A :class:`~engine.streams.source.GroupReader`: one consumer of a Redis consumer group."""

    def __init__(self, address: StreamAddress, group: str, consumer: str,
                 connection: redis.Redis | None = None) -> None:
        super().__init__(address, connection)
        self.group = group
        self.consumer = consumer
        self._claim_from = "0-0"

    def join(self, start: Start = EARLIEST) -> bool:
        """XGROUP CREATE at ``start`` unless the group exists (then it continues where it was)."""
        try:
            self.connection.xgroup_create(self.stream, self.group, id=self._start_id(start))
        except rex.ResponseError as error:
            if "BUSYGROUP" in str(error):
                return False
            raise StreamError(explain(error, self.address)) from None
        except rex.RedisError as error:
            raise StreamError(explain(error, self.address)) from None
        return True

    def _start_id(self, start: Start) -> str:
        if start == EARLIEST:
            return "0"
        if start == LATEST:
            return "$"
        assert isinstance(start, int)
        return self._id_before(start)

    def _id_before(self, offset: int) -> str:
        """The ID just before the newest entry holding the record at ``offset``."""
        last = self._call(self.connection.xrevrange, self.stream, "+", "-", 1)
        newest_epoch = epoch_of(last[0][0]) if last else 0
        for epoch in range(newest_epoch, -1, -1):
            if self._call(self.connection.xrange, self.stream, f"{epoch}-{offset + 1}", f"{epoch}-{offset + 1}"):
                return f"{epoch}-{offset}" if offset or epoch else "0"
        raise StreamError(f"{self.address.server}: stream {self.stream!r} holds no record at offset {offset}")

    def pending(self, count: int) -> list[StreamEntry]:
        """XREADGROUP from ID 0: this consumer's own delivered, unacknowledged entries."""
        return self._read("0", count, None)

    def claim(self, min_idle_ms: int, count: int) -> list[StreamEntry]:
        """XAUTOCLAIM: entries other consumers left pending for ``min_idle_ms`` or more."""
        reply = self._call(self.connection.xautoclaim, self.stream, self.group, self.consumer, min_idle_ms,
                           self._claim_from, count)
        next_id, claimed = reply[0], reply[1]
        deleted = reply[2] if len(reply) > 2 else []
        if deleted:  # pending, then trimmed away: nothing left to hand over
            self._call(self.connection.xack, self.stream, self.group, *deleted)
        self._claim_from = next_id if next_id != "0-0" else "0-0"
        return [decode_entry(self.stream, entry_id, fields) for entry_id, fields in claimed if fields is not None]

    def poll(self, count: int, block_ms: int) -> list[StreamEntry]:
        """XREADGROUP ``>``: entries never delivered to the group before."""
        return self._read(">", count, block_ms)

    def _read(self, after: str, count: int, block_ms: int | None) -> list[StreamEntry]:
        reply = self._call(self.connection.xreadgroup, self.group, self.consumer, {self.stream: after},
                           count, block_ms)
        entries: list[StreamEntry] = []
        for _stream, found in reply or ():
            for entry_id, fields in found:
                if not fields:  # delivered earlier, trimmed since: acknowledge it away
                    self._call(self.connection.xack, self.stream, self.group, entry_id)
                    continue
                entries.append(decode_entry(self.stream, entry_id, fields))
        return entries

    def ack(self, entries: Sequence[StreamEntry]) -> None:
        """XACK the entries' IDs."""
        if entries:
            self._call(self.connection.xack, self.stream, self.group, *(e.id for e in entries))

    def lag(self) -> int | None:
        """The group's lag from XINFO GROUPS (None when Redis cannot tell, e.g. after trimming)."""
        for info in self._call(self.connection.xinfo_groups, self.stream):
            if info.get("name") == self.group:
                lag = info.get("lag")
                return None if lag is None else int(lag)
        return None
