"""The ``--events-out`` file: a :class:`~engine.sink.LogSink` that writes JSON Lines as the run goes.

A :class:`LogFile` is fed by a :class:`~engine.sink.LogTap` between ticks
or frames.  Each batch is encoded and handed to the operating system in one
``write`` (the file is unbuffered on our side), so a process that is killed,
crashes, or loses its stdout leaves a file whose complete lines are a valid
prefix of the log; at worst the very last line is cut off, which the log
tools report as such.

Time travel cuts the log back (:meth:`LogFile.truncate`); the file then
holds exactly the current timeline.  To cut at the right byte, the file
keeps where each offset's line starts: 8 bytes a record in an ``array``,
not a list of Python ints (a million records cost 8 MB, not 36).

In-memory retention (:attr:`engine.log.EventLog.capacity`) never shortens
the file: it holds every record from the first offset it was given on.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from pathlib import Path

from engine.codec import encode
from engine.record import Record


class RecordsMissed(RuntimeError):
    """Records were handed to the file with a gap: the file would not be a valid log.

    Raised instead of writing, so what is on disk stays a valid prefix."""


class LogFile:
    """A JSON Lines file written record by record as a run goes (a :class:`~engine.sink.LogSink`).

    The file is created (or emptied) when the object is made, so a path that
    cannot be written fails before the run, not after it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # buffering=0: every write goes to the OS at once, so flush() has
        # nothing of ours to lose and a kill leaves only whole batches.
        self._file = open(self.path, "wb", buffering=0)  # closed by close()
        self._starts = array("q")  # byte position where the line of offset first + i starts
        self._first: int | None = None
        self._size = 0
        #: Records written (a record re-written after a truncation counts again).
        self.written = 0

    @property
    def next_offset(self) -> int | None:
        """The offset the next record must have (None before the first write)."""
        return None if self._first is None else self._first + len(self._starts)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._file.closed

    @property
    def records(self) -> int:
        """Records the file holds now (after any truncation)."""
        return len(self._starts)

    @property
    def size(self) -> int:
        """Bytes in the file."""
        return self._size

    def write(self, records: Sequence[Record]) -> None:
        """Append ``records`` (consecutive offsets that follow the last one written)."""
        if not records:
            return
        if self._first is None:
            self._first = records[0].offset
        expected = self.next_offset
        if records[0].offset != expected:
            raise RecordsMissed(f"{self.path}: records {expected}..{records[0].offset - 1} never reached the file "
                                f"(the file stops before offset {expected})")
        lines = []
        position = self._size
        starts = self._starts
        for record in records:
            line = (encode(record) + "\n").encode("utf-8")
            starts.append(position)
            position += len(line)
            lines.append(line)
        self._write_all(b"".join(lines))
        self._size = position
        self.written += len(records)

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            done = self._file.write(view)
            view = view[done:]

    def truncate(self, offset: int) -> None:
        """Forget every record from ``offset`` on: cut the file where its line starts."""
        if self._first is None or offset >= self._first + len(self._starts):
            return
        keep = max(0, offset - self._first)
        self._size = self._starts[keep] if keep < len(self._starts) else self._size
        del self._starts[keep:]
        self._file.truncate(self._size)
        self._file.seek(self._size)

    def flush(self) -> None:
        """Nothing is buffered here; the operating system has every written line."""
        self._file.flush()

    def sync(self) -> None:
        """Ask the OS to put the file on disk (survives a power cut, not only a kill)."""
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file; it is not written again."""
        self._file.close()
