"""The Redis side of publishing: a :class:`~engine.streams.publisher.Transport`, and the sink built on it."""

from __future__ import annotations

from collections.abc import Sequence

import redis
from redis import exceptions as rex

from engine.streams.address import StreamAddress
from engine.streams.entries import record_fields, record_id, truncation_fields, truncation_id
from engine.streams.publisher import DEFAULT_CAPACITY, BufferedPublisher, Outgoing, TransportDown
from engine.streams.redis_stream import append_entries, client, explain
from engine.streams.source import StreamError

#: A live game's sends give up on a silent server sooner than the commands do.
LIVE_REPLY_TIMEOUT = 2.0


class RedisTransport:
    """XADDs entries to one stream, in pipelined batches, with the ``EPOCH-(OFFSET+1)`` IDs."""

    def __init__(self, address: StreamAddress, reply_timeout: float = LIVE_REPLY_TIMEOUT,
                 connection: redis.Redis | None = None) -> None:
        self.address = address
        self.stream = address.needs_stream()
        self.target = str(address)
        self.connection: redis.Redis = connection if connection is not None else client(address, reply_timeout)
        self._checked = False
        try:
            self.connection.ping()
        except (rex.ConnectionError, rex.TimeoutError) as error:
            if _is_auth(error):
                raise StreamError(explain(error, address)) from None
            raise TransportDown(explain(error, address)) from None
        except rex.RedisError as error:
            raise StreamError(explain(error, address)) from None

    def send(self, entries: Sequence[Outgoing]) -> list[str | None]:
        """Append ``entries``; a resent entry is recognised by its ID and not added twice."""
        try:
            if not self._checked:
                self._refuse_another_run(entries[0])
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

    def _refuse_another_run(self, first: Outgoing) -> None:
        """Raise if the stream's first entry is another run's: its IDs would hide ours as "duplicates"."""
        if first.record is not None and first.epoch == 0:
            entry_id, fields = self._wire(first)
            found = self.connection.xrange(self.stream, entry_id, entry_id)
            if found and found[0][1].get("record") != fields["record"]:
                raise StreamError(f"{self.target}: the stream already holds another run (entry {entry_id} "
                                  "differs); publish to a new stream name")
        self._checked = True

    def close(self) -> None:
        """Release the connection."""
        self.connection.close()


def _is_auth(error: Exception) -> bool:
    text = str(error)
    return isinstance(error, rex.AuthenticationError) or any(
        word in text for word in ("WRONGPASS", "NOAUTH", "authenticated"))


def redis_sink(address: StreamAddress, capacity: int = DEFAULT_CAPACITY, close_timeout: float = 3.0,
               retry: tuple[float, float] = (0.05, 1.0)) -> BufferedPublisher:
    """A live-run sink publishing to ``address``'s stream: feed it with a :class:`~engine.sink.LogTap`."""
    address.needs_stream()
    return BufferedPublisher(str(address), lambda: RedisTransport(address), capacity, close_timeout, retry)
