"""Sinks: where a run's records go outside the process, as the run goes.

A :class:`LogSink` is anything that takes records in offset order: the
``--events-out`` file, a Redis stream, a test's list.  A :class:`LogTap`
is the reader that feeds sinks: it holds a :class:`~engine.log.Reader`
cursor on the log (like a Kafka consumer), and each :meth:`LogTap.drain`,
called between ticks or frames and never inside one, hands the sinks what
was appended since, and tells them when time travel cut the log back.

The simulation never waits for a sink: sinks are fed from the loop, outside
the tick, so a slow disk or server costs frame time, not determinism.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from engine.log import EventLog
from engine.record import Record


@runtime_checkable
class LogSink(Protocol):
    """Somewhere records are written, in offset order, as a run goes."""

    def write(self, records: Sequence[Record]) -> None:
        """Append ``records`` (consecutive offsets, following the last written)."""

    def truncate(self, offset: int) -> None:
        """Time travel cut the log back: forget every record from ``offset`` on.

        The records that follow are the new timeline, starting at ``offset``."""

    def flush(self) -> None:
        """Make what was written so far durable or visible to others."""

    def close(self) -> None:
        """Flush and release the sink; it is not written again."""


class LogTap:
    """Feeds a log's records to sinks through a reader of its own.

    ``start`` is the first offset to hand over (default 0: the whole log,
    so a tap made after the world was built still writes its first records).
    """

    def __init__(self, log: EventLog, sinks: Iterable[LogSink], start: int = 0) -> None:
        self.log = log
        self.sinks = list(sinks)
        self.reader = log.reader(start)
        #: Records handed to the sinks so far (a record re-written after a truncation counts again).
        self.written = 0
        #: Records retention dropped before the tap could read them (should stay 0).
        self.missed = 0
        self._closed = False

    def drain(self) -> int:
        """Hand the sinks everything appended since the last drain, then flush them.

        Returns how many records were handed over."""
        if self._closed:
            return 0
        batch = self.reader.poll()
        if batch.truncated is not None:
            for sink in self.sinks:
                sink.truncate(batch.truncated)
        self.missed += batch.missed
        if batch.records:
            for sink in self.sinks:
                sink.write(batch.records)
            self.written += len(batch.records)
        for sink in self.sinks:
            sink.flush()
        return len(batch.records)

    def close(self) -> None:
        """Drain what is left and close every sink."""
        if self._closed:
            return
        try:
            self.drain()
        finally:
            self._closed = True
            for sink in self.sinks:
                sink.close()
