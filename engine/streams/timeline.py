"""Rebuild a run's current timeline from its stream's entries, in order."""

from __future__ import annotations

from collections.abc import Iterable

from engine.record import Record
from engine.streams.entries import StreamEntry, StreamEntryError


class Timeline:
    """The records a stream says the run ended with, after its truncations.

    Feed it every entry in stream order (:meth:`add`).  Entries trimmed away
    by retention are not silently skipped: :attr:`missed` counts the records
    before the first one the stream still holds.
    """

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.lines: list[str] = []
        self.records: list[Record] = []
        #: Records the stream no longer holds (trimmed by MAXLEN): offsets before the first kept.
        self.missed = 0
        #: Truncation entries applied.
        self.truncations = 0

    @property
    def next_offset(self) -> int | None:
        """The offset the next record must have (None before the first)."""
        if self.records:
            return self.records[-1].offset + 1
        return None if not self.truncations and not self.missed else self.missed

    def add(self, entry: StreamEntry) -> None:
        """Apply one entry; raises :class:`StreamEntryError` if it breaks the order."""
        if entry.truncated is not None:
            self._cut(entry)
        else:
            self._append(entry)

    def extend(self, entries: Iterable[StreamEntry]) -> Timeline:
        """Apply entries in order; returns self."""
        for entry in entries:
            self.add(entry)
        return self

    def _append(self, entry: StreamEntry) -> None:
        record = entry.record
        assert record is not None and entry.line is not None
        expected = self.next_offset
        if expected is None:
            self.missed = record.offset  # a trimmed stream starts later than offset 0
        elif record.offset != expected:
            raise StreamEntryError(f"stream {self.stream!r} entry {entry.id}: offset {record.offset} does not "
                                   f"follow offset {expected - 1}; the stream is not one run's log in order")
        if self.records and record.tick < self.records[-1].tick:
            raise StreamEntryError(f"stream {self.stream!r} entry {entry.id}: tick {record.tick} goes back from "
                                   f"tick {self.records[-1].tick}; ticks never decrease in a log")
        self.records.append(record)
        self.lines.append(entry.line)

    def _cut(self, entry: StreamEntry) -> None:
        offset = entry.truncated
        assert offset is not None
        end = self.next_offset
        self.truncations += 1
        if end is None:
            # The stream's first entry is a truncation: what came before it was trimmed.
            self.missed = offset
            return
        if offset > end:
            raise StreamEntryError(f"stream {self.stream!r} entry {entry.id}: truncation to offset {offset} is "
                                   f"past the end of the log (offset {end})")
        keep = max(0, offset - self.missed)
        del self.records[keep:]
        del self.lines[keep:]
        # Cut back before the first record kept: the trimmed records before the cut are all that is missing.
        self.missed = min(self.missed, offset)
