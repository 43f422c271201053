"""The source protocol: what ``fetch`` and ``follow`` read a stream through.

Publishing has :class:`~engine.sink.LogSink`; reading has these two.  They
speak in :class:`~engine.streams.entries.StreamEntry` values and the
server's entry IDs, so an adapter for another log server (Kafka, NATS
JetStream) maps its own calls onto them and the commands work unchanged:

================  ==========================  ==============================
protocol call     Redis Streams               Kafka
================  ==========================  ==============================
``entries()``     ``XRANGE`` in chunks        a consumer without a group,
                                              from the earliest offset
``read(after)``   ``XREAD BLOCK``             ``poll()`` without a group
``join(start)``   ``XGROUP CREATE``           ``subscribe`` with a group id
``pending()``     ``XREADGROUP ... 0``        (uncommitted offsets re-read)
``claim()``       ``XAUTOCLAIM``              rebalancing
``poll()``        ``XREADGROUP ... >``        ``poll()``
``ack()``         ``XACK``                    ``commitSync()``
``lag()``         ``XINFO GROUPS`` lag        consumer lag
================  ==========================  ==============================
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from engine.streams.entries import StreamEntry

#: Where a new consumer group starts: the oldest entry, only new ones, or a record's offset.
Start = str | int
EARLIEST = "earliest"
LATEST = "latest"


class StreamError(Exception):
    """The server or the stream cannot be used (down, refused, wrong password, missing); one line."""


@runtime_checkable
class LogSource(Protocol):
    """A whole stream, read in order (``fetch``)."""

    stream: str

    def entries(self) -> Iterator[StreamEntry]:
        """Every entry the stream holds, oldest first.  Raises :class:`StreamError`
        if the stream does not exist, :class:`~engine.streams.entries.StreamEntryError`
        at the first entry that is not ours."""

    def read(self, after: str, count: int, block_ms: int | None) -> list[StreamEntry]:
        """Up to ``count`` entries after the entry ID ``after`` (``"0-0"``: from the
        start), waiting at most ``block_ms`` for the first (``--spectate`` tails a live run)."""

    def close(self) -> None:
        """Release the connection."""


@runtime_checkable
class GroupReader(Protocol):
    """One consumer in a consumer group (``follow``): entries are shared among
    the group's consumers, each delivered to one of them until acknowledged."""

    stream: str
    group: str
    consumer: str

    def join(self, start: Start = EARLIEST) -> bool:
        """Join the group, creating it at ``start`` if it does not exist yet.

        Returns True if the group was created; an existing group continues
        where it left off, whatever ``start`` says."""

    def pending(self, count: int) -> list[StreamEntry]:
        """Entries delivered to this consumer before (a previous run) but not acknowledged."""

    def claim(self, min_idle_ms: int, count: int) -> list[StreamEntry]:
        """Take over entries another consumer left unacknowledged for ``min_idle_ms``."""

    def poll(self, count: int, block_ms: int) -> list[StreamEntry]:
        """New entries for this consumer, waiting at most ``block_ms`` for the first."""

    def ack(self, entries: Sequence[StreamEntry]) -> None:
        """Acknowledge handled entries: the group will not deliver them again."""

    def lag(self) -> int | None:
        """Entries the group has not been delivered yet (None if the server cannot tell)."""

    def close(self) -> None:
        """Release the connection."""
