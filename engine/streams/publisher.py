"""Publishing a live run: a :class:`~engine.sink.LogSink` that never makes the game wait.

:class:`BufferedPublisher` takes records from the :class:`~engine.sink.LogTap`
between frames into a bounded buffer, and a thread of its own sends them to
the server in batches (one round trip each).  If the server is slow or goes
away, the game goes on: the buffer holds what could not be sent yet, the
thread reconnects with a growing pause, and records that do not fit are
counted, never dropped silently.  :meth:`BufferedPublisher.report` says
exactly how many records were delivered and which offsets were not.

The server is behind a :class:`Transport` (Redis Streams here; Kafka or NATS
JetStream would be others), so the buffering and counting are written once.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from engine.record import Record
from engine.streams.source import StreamError

#: Records held while the server cannot take them (about 100 s of a busy game).
DEFAULT_CAPACITY = 200_000
#: Records sent in one round trip.
BATCH = 2000


class Outgoing(NamedTuple):
    """One entry to send: a record of ``epoch``, or (``record`` None) the truncation that opened it."""

    epoch: int
    offset: int
    record: Record | None


class TransportDown(Exception):
    """The server cannot be reached now; sending again later may work."""


class Transport(Protocol):
    """Sends entries to one stream on one server."""

    #: The stream's address, safe to print (no password).
    target: str

    def send(self, entries: Sequence[Outgoing]) -> list[str | None]:
        """Send in order; per entry None if the stream holds it now, or why not.

        Sending an entry the stream already holds must be harmless (idempotent).
        Raises :class:`TransportDown` if the server cannot be reached, and
        :class:`~engine.streams.source.StreamError` if it never will be (a wrong password)."""

    def close(self) -> None:
        """Release the connection."""


@dataclass
class PublishReport:
    """What a publisher delivered, and what it did not."""

    target: str
    delivered: int = 0
    undelivered: int = 0
    reconnects: int = 0
    error: str | None = None
    # Ranges in the order records were lost: overflow can come before the buffer's own.
    _lost: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def lose(self, offset: int) -> None:
        """Count the record at ``offset`` as not delivered."""
        self.undelivered += 1
        if self._lost and self._lost[-1][1] == offset - 1:
            self._lost[-1] = (self._lost[-1][0], offset)
        else:
            self._lost.append((offset, offset))

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """Offset ranges ``(first, last)`` of the records not delivered, in offset order."""
        merged: list[tuple[int, int]] = []
        for first, last in sorted(self._lost):
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
            else:
                merged.append((first, last))
        return merged

    def describe(self) -> str:
        """One line: ``published 812 of 812 records to ...``, with the gaps if any."""
        total = self.delivered + self.undelivered
        line = f"published {self.delivered} of {total} records to {self.target}"
        if self.undelivered:
            gaps = self.gaps
            shown = ", ".join(f"{a}..{b}" if a != b else str(a) for a, b in gaps[:5])
            more = f" and {len(gaps) - 5} more ranges" if len(gaps) > 5 else ""
            line += f"; {self.undelivered} not delivered (offsets {shown}{more})"
        if self.error and self.undelivered:
            line += f": {self.error}"
        return line


class BufferedPublisher:
    """A :class:`~engine.sink.LogSink` sending records through a :class:`Transport` from a thread.

    ``connect(first)`` makes a transport (it is called again after the server
    went away; ``first`` is True until one connection succeeded); ``capacity``
    bounds the records buffered; ``close_timeout`` is how long :meth:`close`
    keeps trying to deliver what is left.
    """

    def __init__(self, target: str, connect: Callable[[bool], Transport], capacity: int = DEFAULT_CAPACITY,
                 close_timeout: float = 5.0, retry: tuple[float, float] = (0.05, 1.0)) -> None:
        self.report = PublishReport(target)
        self._connect = connect
        self._capacity = capacity
        self._close_timeout = close_timeout
        self._retry = retry
        self._buffer: deque[Outgoing] = deque()
        self._buffered_records = 0
        self._epoch = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._deadline: float | None = None  # set by close(): when to give up
        self._failed = False  # a StreamError: nothing will ever be delivered
        self._connected = False  # a transport was made once: the stream is this run's
        self._thread = threading.Thread(target=self._run, name=f"publish {target}", daemon=True)
        self._thread.start()

    # -- the LogSink side, called between frames: only touches the buffer --------------
    def write(self, records: Sequence[Record]) -> None:
        """Buffer ``records``; those that do not fit are counted as not delivered."""
        with self._lock:
            room = 0 if self._failed else self._capacity - self._buffered_records
            epoch = self._epoch
            self._buffer.extend(Outgoing(epoch, r.offset, r) for r in records[:max(0, room)])
            self._buffered_records += min(len(records), max(0, room))
            for record in records[max(0, room):]:
                self.report.lose(record.offset)

    def truncate(self, offset: int) -> None:
        """Time travel cut the log back: queue a truncation entry opening the next epoch."""
        with self._lock:
            self._epoch += 1
            self._buffer.append(Outgoing(self._epoch, offset, None))

    def flush(self) -> None:
        """Wake the sending thread (it does not wait for the server)."""
        self._wake.set()

    def close(self) -> None:
        """Try for ``close_timeout`` seconds to deliver the rest; count what is left as not delivered."""
        if self._deadline is None:
            self._deadline = time.monotonic() + self._close_timeout
        self._wake.set()
        self._thread.join()
        with self._lock:
            for item in self._buffer:
                if item.record is not None:
                    self.report.lose(item.offset)
            self._buffer.clear()
            self._buffered_records = 0

    @property
    def buffered(self) -> int:
        """Records waiting to be sent."""
        return self._buffered_records

    # -- the sending thread ------------------------------------------------------------
    def _run(self) -> None:
        transport: Transport | None = None
        pause = self._retry[0]
        while True:
            self._wake.wait(0.05)
            self._wake.clear()
            with self._lock:
                batch = [self._buffer[i] for i in range(min(BATCH, len(self._buffer)))]
            closing = self._deadline is not None
            if not batch and closing:
                break
            if not batch:
                continue
            if closing and time.monotonic() > self._deadline:  # type: ignore[operator]
                break
            try:
                if transport is None:
                    transport = self._connect(not self._connected)
                    self._connected = True
                results = transport.send(batch)
            except TransportDown as error:
                self.report.error = str(error)
                if transport is not None:
                    transport.close()
                    transport = None
                    self.report.reconnects += 1
                time.sleep(pause)
                pause = min(pause * 2, self._retry[1])
                continue
            except StreamError as error:
                self._give_up(str(error))
                break
            pause = self._retry[0]
            self._settle(batch, results)
        if transport is not None:
            transport.close()

    def _settle(self, batch: list[Outgoing], results: list[str | None]) -> None:
        """Take a sent batch out of the buffer and count it."""
        with self._lock:
            for item, problem in zip(batch, results, strict=True):
                self._buffer.popleft()
                if item.record is None:
                    continue
                self._buffered_records -= 1
                if problem is None:
                    self.report.delivered += 1
                else:
                    self.report.error = problem
                    self.report.lose(item.offset)

    def _give_up(self, error: str) -> None:
        with self._lock:
            self._failed = True
            self.report.error = error
            for item in self._buffer:
                if item.record is not None:
                    self.report.lose(item.offset)
            self._buffer.clear()
            self._buffered_records = 0
