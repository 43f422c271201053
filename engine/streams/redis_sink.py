"""The Redis side of publishing: a :class:`~engine.streams.publisher.Transport`, and the sink built on it."""

from __future__ import annotations

from collections.abc import Sequence

import redis
from redis import exceptions as rex

from engine.record import Record
from engine.streams.address import StreamAddress
from engine.streams.entries import record_fields, record_id, truncation_fields, truncation_id
from engine.streams.publisher import DEFAULT_CAPACITY, BufferedPublisher, Outgoing, TransportDown
from engine.streams.redis_stream import append_entries, client, explain
from engine.streams.source import StreamError

#: A live game's sends give up on a silent server sooner than the commands do.
LIVE_REPLY_TIMEOUT = 2.0


class RedisTransport:
    """XADDs entries to one stream, in pipelined batches, with the ``EPOCH-(OFFSET+1)`` IDs.

    ``new_stream``: the stream must not hold entries yet (a live run's first
    connection; its reconnections pass False, since the stream then holds
    what this run sent before)."""

    def __init__(self, address: StreamAddress, reply_timeout: float = LIVE_REPLY_TIMEOUT,
                 connection: redis.Redis | None = None, new_stream: bool = False) -> None:
        self.address = address
        self.stream = address.needs_stream()
        self.target = str(address)
        self.connection: redis.Redis = connection if connection is not None else client(address, reply_timeout)
        try:
            self.connection.ping()
            length = self.connection.xlen(self.stream) if new_stream else 0
        except (rex.ConnectionError, rex.TimeoutError) as error:
            if _is_auth(error):
                raise StreamError(explain(error, address)) from None
            raise TransportDown(explain(error, address)) from None
        except rex.RedisError as error:  # WRONGTYPE: the key is not a stream
            raise StreamError(explain(error, address)) from None
        if length:
            raise StreamError(f"{self.target}: the stream already holds {length} entries (another run?); "
                              "each run publishes to a stream of its own")

    def send(self, entries: Sequence[Outgoing]) -> list[str | None]:
        """Append ``entries``; a resent entry is recognised by its ID and not added twice."""
        try:
            wire = [self._wire(item) for item in entries]
            results = append_entries(self.connection, self.stream, wire, self.address.maxlen)
        except (rex.ConnectionError, rex.TimeoutError) as error:
            if _is_auth(error):
                raise StreamError(explain(error, self.address)) from None
            raise TransportDown(explain(error, self.address)) from None
        except rex.RedisError as error:
            raise StreamError(explain(error, self.address)) from None
        return [None if problem is None else explain(problem, self.address) for problem in results]

    @staticmethod
    def _wire(item: Outgoing) -> tuple[str, dict[str, str]]:
        if item.record is None:
            return truncation_id(item.epoch), truncation_fields(item.offset)
        return record_id(item.epoch, item.offset), record_fields(item.record)

    def refuse_another_log(self, records: Sequence[Record]) -> None:
        """Raise unless the stream is empty or holds (part of) this very log: entries whose IDs
        ours share would otherwise be taken as already delivered.  Checks its first and last entry."""
        ends = [*self.connection.xrange(self.stream, "-", "+", 1), *self.connection.xrevrange(self.stream, "+", "-", 1)]
        by_offset = {r.offset: r for r in records} if ends else {}
        for entry_id, fields in ends:
            ours = _offset_of(entry_id)
            mine = by_offset.get(ours) if ours is not None else None
            if mine is None or fields.get("record") != record_fields(mine)["record"]:
                raise StreamError(f"{self.target}: the stream already holds another log (entry {entry_id} is not "
                                  "this file's); publish to a new stream name")

    def close(self) -> None:
        """Release the connection."""
        self.connection.close()


def _offset_of(entry_id: str) -> int | None:
    """The offset an epoch-0 record entry ID names, or None (a later epoch, a truncation, not ours)."""
    epoch, _, sequence = entry_id.partition("-")
    return int(sequence) - 1 if epoch == "0" and sequence.isdigit() and sequence != "0" else None


def _is_auth(error: Exception) -> bool:
    text = str(error)
    return isinstance(error, rex.AuthenticationError) or any(
        word in text for word in ("WRONGPASS", "NOAUTH", "authenticated"))


def redis_sink(address: StreamAddress, capacity: int = DEFAULT_CAPACITY, close_timeout: float = 3.0,
               retry: tuple[float, float] = (0.05, 1.0)) -> BufferedPublisher:
    """A live-run sink publishing to ``address``'s stream: feed it with a :class:`~engine.sink.LogTap`."""
    address.needs_stream()
    return BufferedPublisher(str(address), lambda first: RedisTransport(address, new_stream=first), capacity,
                             close_timeout, retry)
