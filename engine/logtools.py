"""The work of ``trace``, ``why`` and ``stats`` on one chunk of a log file (see :mod:`engine.logscan`).

Each tool is made in a worker, fed the chunk's records, and returns a small
result the command combines in file order: ``trace`` the chunk's printed
lines, ``stats`` its counts.

``why`` keeps only where each record's line starts (8 bytes a record in an
array: 8 MB for a million records, where the records themselves would take
well over 500 MB) and reads the chain's lines back from the file.
"""

from __future__ import annotations

from array import array
from collections import Counter

from engine.query import matches_type, names_entity
from engine.record import Record
from engine.tickhist import TickHistogram

#: At most this many type names are kept: to list when ``trace --type`` finds none, to count in ``stats``.
MAX_TYPES = 1000


class TraceTool:
    """``trace``: the chunk's records that match the filters, as printed lines."""

    def __init__(self, event_type: str | list[str] | None = None, entity: int | None = None,
                 ticks: tuple[int | None, int | None] | None = None, full: bool = False) -> None:
        #: ``trace --full``: values uncut (long text, every digit of a float).
        self.full = full
        #: ``--type``, which may be given more than once: records of any of these types.
        self.event_types = [event_type] if isinstance(event_type, str) else event_type
        self.event_type = event_type
        self.entity = entity
        self.lo, self.hi = ticks if ticks is not None else (None, None)
        self.lines: list[str] = []
        self.types: set[str] = set()
        #: The asked-for types some record matched.
        self.type_seen: set[str] = set()

    def visit(self, record: Record, position: int) -> None:
        """Keep the record's line if it matches."""
        if self.event_types is not None:
            if len(self.types) < MAX_TYPES:
                self.types.add(record.type)
            matched = [t for t in self.event_types if matches_type(record, t)]
            if not matched:
                return
            self.type_seen.update(matched)
        if self.entity is not None and not names_entity(record, self.entity):
            return
        if (self.lo is not None and record.tick < self.lo) or (self.hi is not None and record.tick >= self.hi):
            return
        self.lines.append(record.describe(full=self.full))

    def result(self) -> tuple[str, set[str], set[str]]:
        """The text to print, the types seen and which asked-for types matched (when filtering by type)."""
        text = "\n".join(self.lines)
        return (text + "\n" if text else ""), self.types, self.type_seen


class StatsTool:
    """``stats``: counts per type and per tick range."""

    def __init__(self, bucket: int) -> None:
        self.counts: Counter[str] = Counter()
        #: Records of types past the first :data:`MAX_TYPES` (a log made to exhaust memory, not a game's).
        self.other = 0
        self.ticks = TickHistogram(bucket)

    def visit(self, record: Record, position: int) -> None:
        """Count the record."""
        counts = self.counts
        kind = record.type
        if kind in counts or len(counts) < MAX_TYPES:
            counts[kind] += 1
        else:
            self.other += 1
        self.ticks.add(record.tick)

    def merge(self, other: tuple[Counter[str], int, TickHistogram]) -> None:
        """Add a chunk's result to this one's."""
        counts, other_count, ticks = other
        for kind, count in counts.items():
            if kind in self.counts or len(self.counts) < MAX_TYPES:
                self.counts[kind] += count
            else:
                self.other += count
        self.other += other_count
        self.ticks.merge(ticks)

    def result(self) -> tuple[Counter[str], int, TickHistogram]:
        """The counts."""
        return self.counts, self.other, self.ticks


class WhyTool:
    """``why``: where each record's line starts, so a chain's lines can be read back."""

    def __init__(self) -> None:
        self.positions = array("q")

    def visit(self, record: Record, position: int) -> None:
        """Keep where the record's line starts."""
        self.positions.append(position)

    def result(self) -> array[int]:
        """One byte position a record."""
        return self.positions


class ConsequencesTool:
    """``why --forward``: where each record's line starts and which record caused it
    (-1 for a root), so the records a record caused can be found and read back."""

    def __init__(self) -> None:
        self.positions = array("q")
        self.causes = array("q")

    def visit(self, record: Record, position: int) -> None:
        """Keep where the record's line starts, and its cause."""
        self.positions.append(position)
        self.causes.append(-1 if record.cause is None else record.cause)

    def result(self) -> tuple[array[int], array[int]]:
        """One byte position and one cause offset a record."""
        return self.positions, self.causes


def consequences(offset: int, first: int, causes: array[int]) -> dict[int, list[int]]:
    """The records caused, directly or not, by the record at ``offset``: each one's
    children, by offset.  One pass: a cause always comes before what it caused."""
    start = offset - first
    caused = bytearray(len(causes))
    caused[start] = 1
    children: dict[int, list[int]] = {offset: []}
    for index in range(start + 1, len(causes)):
        cause = causes[index] - first
        if 0 <= cause and caused[cause]:
            caused[index] = 1
            children[cause + first].append(index + first)
            children[index + first] = []
    return children
