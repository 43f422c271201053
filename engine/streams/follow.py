"""A consumer in a consumer group: handle each entry, then acknowledge it (at-least-once).

An entry is acknowledged only after it was handled (printed and flushed),
so a consumer that dies between the two leaves it *pending*: a restart
under the same name reads its own pending entries first, and any consumer
of the group claims those another consumer left idle for too long
(``XAUTOCLAIM``, Kafka's rebalancing).  An entry can therefore be handled
twice, never lost: handling must be idempotent for exactly-once results.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from engine.streams.entries import StreamEntry
from engine.streams.source import GroupReader

#: Entries asked for per read.
BATCH = 500
#: How long one poll waits for new entries (ms); also how often idleness and claims are checked.
BLOCK_MS = 200


class Follower:
    """Drives a :class:`~engine.streams.source.GroupReader`: pending first, then claims, then new entries."""

    def __init__(self, reader: GroupReader, print_line: Callable[[str], None],
                 flush: Callable[[], None] = lambda: None,
                 handle: Callable[[StreamEntry], None] | None = None,
                 on_batch: Callable[[Follower], None] | None = None) -> None:
        self.reader = reader
        # Called after every acknowledged batch (the command shows the lag live with it).
        self._on_batch = on_batch
        self._print = print_line
        self._flush = flush
        self._handle = handle
        self.handled = 0
        #: Entries taken over from other consumers (XAUTOCLAIM).
        self.claimed = 0
        #: Entries delivered to this consumer before a restart and handled again.
        self.redelivered = 0
        #: Records trimmed from the stream before this group read them.
        self.missed = 0
        self._last_offset: int | None = None
        self._remaining: int | None = None

    def run(self, count: int | None = None, idle: float | None = None, claim_idle_ms: int = 30_000,
            first_offset: int | None = None) -> None:
        """Follow until ``count`` entries were handled, ``idle`` seconds pass with nothing new, or for ever.

        ``first_offset`` is the record a new group starts at, if known, so a
        trimmed start is reported as missed."""
        self._remaining = count
        if first_offset is not None:
            self._last_offset = first_offset - 1
        while self._room() and (batch := self.reader.pending(self._room())):
            self.redelivered += self._handle_batch(batch)
        self._claim(claim_idle_ms)
        quiet_since = time.monotonic()
        while self._room():
            batch = self.reader.poll(self._room(), BLOCK_MS)
            if batch:
                self._check_gap(batch)
                self._handle_batch(batch)
                quiet_since = time.monotonic()
                continue
            if self._claim(claim_idle_ms):
                quiet_since = time.monotonic()
            elif idle is not None and time.monotonic() - quiet_since >= idle:
                return

    def _room(self) -> int:
        """How many entries may still be taken (0: stop)."""
        return BATCH if self._remaining is None else min(BATCH, self._remaining)

    def _claim(self, min_idle_ms: int) -> int:
        taken = 0
        while self._room() and (batch := self.reader.claim(min_idle_ms, self._room())):
            taken += self._handle_batch(batch)
        self.claimed += taken
        return taken

    def _check_gap(self, batch: list[StreamEntry]) -> None:
        """Report records that retention trimmed before the group got to them."""
        for entry in batch:
            if entry.truncated is not None:
                self._last_offset = entry.truncated - 1
                continue
            offset = entry.record.offset  # type: ignore[union-attr]
            if self._last_offset is not None and offset > self._last_offset + 1:
                expected = self._last_offset + 1
                gap = offset - expected
                self.missed += gap
                self._print(f"! missed {gap} records (offsets {expected}..{offset - 1}): trimmed from the stream "
                            "before this group read them")
            self._last_offset = offset

    def _handle_batch(self, batch: list[StreamEntry]) -> int:
        """Handle every entry, make the output visible, then acknowledge them all."""
        for entry in batch:
            if self._handle is not None:
                self._handle(entry)
            self._print(entry.describe())
        self._flush()
        self.reader.ack(batch)
        self.handled += len(batch)
        if self._remaining is not None:
            self._remaining -= len(batch)
        if self._on_batch is not None:
            self._on_batch(self)
        return len(batch)

    def lag(self) -> int | None:
        """The group's lag now (None if the server cannot tell, or cannot be asked)."""
        try:
            return self.reader.lag()
        except Exception:  # a status line must not hide why the follow ended
            return None

    def summary(self) -> str:
        """One line: what this consumer handled, and the group's lag."""
        reader = self.reader
        lag = self.lag()
        parts = [f"{self.claimed} claimed from other consumers", f"{self.redelivered} pending from before"]
        if self.missed:
            parts.append(f"{self.missed} missed (trimmed)")
        shown = "unknown" if lag is None else str(lag)
        return (f"follow: consumer {reader.consumer!r} of group {reader.group!r} handled {self.handled} entries "
                f"({', '.join(parts)}); lag {shown}")
