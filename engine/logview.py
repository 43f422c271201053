"""A log view: the recent records of a log, kept true through time travel.

The HUD ticker and the F1 inspector both show "what just happened" from the
log.  Each is a *consumer*: it pulls records with a :class:`~engine.log.Reader`
at its own pace.  :class:`LogView` is the part they share:

* it keeps the last ``history`` records read, and the last dead letters
  (:class:`~engine.events.HandlerFailed`) and cut cascades
  (:class:`~engine.events.CascadeCut`), with how many there are;
* when time travel cut the log back (the reader's ``Batch.truncated``), it
  forgets what it kept from the cut on and reads the new timeline from
  there, so it never shows a record of an abandoned future nor skips a
  re-simulated one;
* it turns records into text safely: :func:`describe` and
  :func:`failure_line` never raise, whatever a record's event does.

It knows no game and no pygame: what to *show* is the ticker's or the
inspector's business; :meth:`LogView.update` tells them what changed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from typing import NamedTuple

from engine.events import CascadeCut, HandlerFailed
from engine.log import EventLog
from engine.record import Record

#: Records a view keeps by default.
HISTORY = 500
#: Dead letters and cut cascades a view keeps by default.
FAILURES = 6
#: Longest text :func:`describe` returns (a record may hold a huge value).
MAX_CHARS = 500
#: Event classes whose records are failures.
FAILURE_TYPES = (HandlerFailed, CascadeCut)


class Change(NamedTuple):
    """What one :meth:`LogView.update` read.

    ``records`` are the new records, oldest first; ``truncated`` is the
    offset time travel cut the log back to (the view forgot what it kept
    from there on, and ``records`` start there), or None; ``missed`` counts
    records retention dropped before they could be read.
    """

    records: list[Record]
    truncated: int | None = None
    missed: int = 0


class LogView:
    """The last ``history`` records of ``log`` and its latest failures, read through a reader.

    A new view starts ``look_back`` records in the past (default: ``history``),
    so its first look already shows what led up to now.
    """

    def __init__(self, log: EventLog, history: int = HISTORY, failures: int = FAILURES,
                 look_back: int | None = None) -> None:
        self.log = log
        self.history = history
        self.look_back = history if look_back is None else look_back
        #: The cursor this view reads with.
        self.reader = log.reader(self._start())
        #: The records read, the last ``history`` of them, oldest first.
        self.records: deque[Record] = deque(maxlen=history)
        #: The latest dead letters and cut cascades, oldest first.
        self.failures: deque[Record] = deque(maxlen=failures)
        # Offsets of every failure read in the current timeline: rare records, and a
        # truncation must uncount the ones it cut.
        self._failure_offsets: list[int] = []
        #: Records retention dropped before the view could read them (``Batch.missed``, summed).
        self.missed = 0
        #: How many times time travel made the view forget records.
        self.truncations = 0
        self._described: dict[int, str] = {}

    def _start(self) -> int:
        log = self.log
        return max(log.oldest, log.next_offset - self.look_back)

    @property
    def failure_count(self) -> int:
        """Dead letters and cut cascades read so far in the current timeline."""
        return len(self._failure_offsets)

    def update(self) -> Change:
        """Read what was appended since the last update (and resync after time travel)."""
        reader = self.reader
        batch = reader.poll()
        truncated = batch.truncated
        if truncated is None and reader.offset > self.log.next_offset:
            # Only a seek can put a cursor past the end: read again from near the end.
            reader.seek(self._start())
            truncated = reader.offset
            batch = reader.poll()
        if truncated is not None:
            self._forget_from(truncated)
        self.missed += batch.missed
        records = batch.records
        for record in records:
            if isinstance(record.event, FAILURE_TYPES):
                self.failures.append(record)
                self._failure_offsets.append(record.offset)
        # The deque keeps only the newest anyway; slicing first skips pushing thousands through it.
        self.records.extend(records[-self.history:])
        return Change(records, truncated, batch.missed)

    def _forget_from(self, offset: int) -> None:
        """Drop everything kept from ``offset`` on: those offsets belong to another timeline now."""
        self.truncations += 1
        records = self.records
        while records and records[-1].offset >= offset:
            records.pop()
        while self.failures and self.failures[-1].offset >= offset:
            self.failures.pop()
        del self._failure_offsets[bisect_left(self._failure_offsets, offset):]
        self._described = {k: v for k, v in self._described.items() if k < offset}

    def describe(self, record: Record) -> str:
        """:func:`describe`, cached by offset: a view redraws the same records frame after frame."""
        text = self._described.get(record.offset)
        if text is None:
            if len(self._described) > 2 * self.history:
                self._described.clear()
            text = self._described[record.offset] = describe(record)
        return text


def safe_str(value: object, limit: int = MAX_CHARS) -> str:
    """``str(value)``, cut to ``limit`` characters; never raises (a broken ``__str__`` says so)."""
    try:
        text = str(value)
    except Exception as error:  # a view must survive any value
        text = f"<{type(value).__name__} that cannot be shown: {type(error).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def describe(record: Record) -> str:
    """``record.describe()``, one line, at most :data:`MAX_CHARS`; never raises.

    A record whose event cannot be described (a scripter's event with a
    broken ``__repr__``, say) is shown by offset, tick and type, and why.
    """
    try:
        text = record.describe()
    except Exception as error:  # one bad record must not break the view
        text = f"#{record.offset} t={record.tick} {_type(record)} (cannot describe it: {safe_str(error, 120)})"
    return safe_str(text).replace("\n", "⏎")


def failure_line(record: Record) -> str:
    """A dead letter or cut cascade as one line: ``#12 t=30 burn failed on Shot #11: boom``; never raises."""
    head = f"#{record.offset} t={record.tick} "
    try:
        d = record.data
        if record.type == "HandlerFailed":
            text = f"{head}{d['handler']} failed on {d['event_type']} #{d['offset']}: {d['error']}"
        elif record.type == "CascadeCut":
            # By trigger names when triggers formed the loop (older logs have none).
            why = "over the tick's reaction budget" if d.get("reason") == "reactions" else f"at depth {d['depth']}"
            text = f"{head}cascade cut {why}: {' -> '.join(map(str, d.get('triggers') or d['types']))}"
        else:
            return describe(record)
    except Exception:  # a failure must be shown even if its fields are odd
        return describe(record)
    return safe_str(text).replace("\n", "⏎")


def _type(record: Record) -> str:
    try:
        return record.type
    except Exception:
        return type(record.event).__name__
