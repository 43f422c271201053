"""The event log: append-only, offsets, bounded retention, readers.

This is the Kafka idea in one process.  Every event emitted (queued or now) is
appended as a :class:`~engine.record.Record` with the next offset.  Handlers
are *pushed* records as they happen; a :class:`Reader` *pulls* them later, at
its own pace, from a cursor it keeps (Kafka's consumer offset).
"""

from __future__ import annotations

from collections.abc import Iterator
from sys import getrefcount
from typing import NamedTuple

from engine.events import Event
from engine.query import causal_chain, select
from engine.record import BlankRecord, Record

#: Enough for a 10-minute game at 60 ticks/s with plenty of events a tick.
DEFAULT_CAPACITY = 1_000_000


class EventLog:
    """An append-only sequence of records with bounded retention.

    Offsets start at 0 and grow by 1.  When more than ``capacity`` records
    are held, the oldest are dropped; offsets never change, so a record's
    offset stays its name for ever *within an epoch*.

    Time travel is the one thing that takes records out of the end of the
    log (:meth:`truncate`): it starts a new **epoch**, as a Kafka leader
    election does.  Offsets from the truncation point on may then name new
    records, so every :class:`Reader` positioned past that point is told so
    explicitly (:attr:`Batch.truncated`) and moved back, never left to skip
    records silently.

    How it is stored (why: the cost of the bus's hot path).  The log keeps
    *columns*: per offset, its event, tick, cause and depth, in four lists.
    A :class:`~engine.record.Record` is built for an offset when the record
    is first read, and kept, so reading it again gives the same object.
    Until something reads the log, appending a record therefore leaves no
    new object behind that the garbage collector tracks (the ints and the
    event are not new), and the collector's young collections have nothing
    of the log's to walk; that was half the cost of an emitted event.  Once
    the log is being read (a reader polled, ``log[offset]``), records are
    kept as they are appended, since a reader would build them anyway.  The
    plain version of all this is one list of records.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("log capacity must be at least 1")
        # The columns: index i is offset self._first + i.  An event slot holds
        # the Record instead for a record appended whole (read from a file).
        self._events: list[Event | Record] = []
        self._ticks: list[int] = []
        self._causes: list[int | None] = []
        self._depths: list[int] = []
        # The Records built so far, for the offsets from self._first on: always
        # a prefix of the columns (readers read in order).
        self._records: list[Record] = []
        # True once every record has been built: add() then keeps the records it makes.
        self._kept = False
        self._spare: Record = BlankRecord()  # see add
        self._first = 0  # offset of self._events[0]
        # Always self._first + len(self._events); kept as a counter because
        # computing it (and the trim threshold) on every append is costly.
        self._next = 0
        # A bus that uses the columns by position while it delivers defers
        # trimming to the moments it is idle (see defer_trims).
        self._deferred = False
        #: Bumped by every :meth:`truncate` that dropped records.
        self.epoch = 0
        # (epoch, offset): epoch N began when the log was cut back to offset.
        self._truncations: list[tuple[int, int]] = []
        self.capacity = capacity  # sets self._capacity and self._trim_at

    @property
    def capacity(self) -> int:
        """How many records are retained at most (the newest ones)."""
        return self._capacity

    @capacity.setter
    def capacity(self, capacity: int) -> None:
        self._capacity = capacity
        self._set_due()

    def _set_due(self) -> None:
        # Trim in chunks, when more than capacity + capacity/8 + 1 records are
        # held, so appends stay amortised O(1).  As an offset: an append of
        # offset >= self._trim_at makes the log hold too many records.
        self._trim_at = self._first + self._capacity + (self._capacity >> 3) + 1

    def defer_trims(self) -> None:
        """Trim only when :meth:`trim_if_due` is called, never in :meth:`append` (:meth:`add` never trims).

        What is retained does not change (the oldest records are past
        retention as soon as more than ``capacity`` are held); only when
        their memory is given back does.  The bus calls this: it reads the
        columns of the records it delivers by position, so they must not
        move while it delivers; it trims whenever it is idle."""
        self._deferred = True

    def trim_if_due(self) -> None:
        """Give back the memory of records past retention, if enough are held."""
        if self._next > self._trim_at:
            self._trim()

    # -- writing -------------------------------------------------------
    @property
    def next_offset(self) -> int:
        """The offset the next appended record will get."""
        return self._next

    @property
    def first_offset(self) -> int:
        """The oldest offset still retained (same as :attr:`oldest`)."""
        # Not self._first: trimming is done in chunks, so the columns may
        # still hold a few records that are past retention.
        return self.oldest

    def add(self, tick: int, cause: int | None, event: Event, depth: int = 0) -> Record:
        """Append a new record of ``event`` with the next offset and return it.

        The one place a live record is appended: the bus's emit, emit_now,
        dead letters and cascade cuts all come here.  The record returned
        equals ``log[offset]``; it is the same object once the log is being
        read (see the class docs).  Shaped for speed (the bus's hot path):
        no property, no extra call and no ``Record.__init__`` (a class call
        with a Python ``__init__`` is slow in CPython).

        It never trims (that would move the columns under a bus delivering
        from them): whoever adds calls :meth:`trim_if_due` when nothing
        reads the columns by position; the bus does it whenever it is idle.
        """
        offset = self._next
        self._next = offset + 1
        self._events.append(event)
        self._ticks.append(tick)
        self._causes.append(cause)
        self._depths.append(depth)
        if self._kept:  # the log is being read: keep the record (a reader would build it anyway)
            record = BlankRecord()
            self._records.append(record)
        else:
            # Nobody reads the log: the record goes only to the caller, and
            # most callers drop it at once.  Then the one made last time is
            # free (held only by self._spare, the local and getrefcount's
            # argument: 3) and is filled again, as CPython reuses its own
            # tuples: allocating and freeing a record was a fifth of the cost
            # of an emitted event.  A record somebody still holds is never
            # touched.  The plain version: ``record = BlankRecord()``.
            record = self._spare
            if getrefcount(record) > 3:
                record = self._spare = BlankRecord()
            else:
                record._data = None  # the cache of what it was
        # What Record.__init__ does; keep the two (and _build below) in step.
        record.offset = offset
        record.tick = tick
        record.cause = cause
        record.event = event
        record.depth = depth
        return record

    def append(self, record: Record) -> None:
        """Append a record built elsewhere (read from a file, made by a test);
        its offset must be :attr:`next_offset`."""
        if record.offset != self._next:
            raise ValueError(f"record offset {record.offset} appended where offset {self._next} is next")
        self._events.append(record)  # the record itself: it may have no event, only type and data
        self._ticks.append(record.tick)
        self._causes.append(record.cause)
        self._depths.append(record.depth)
        if self._kept:
            self._records.append(record)
        offset = self._next
        self._next = offset + 1
        if offset >= self._trim_at and not self._deferred:
            self._trim()

    def _trim(self) -> None:
        capacity = self._capacity
        drop = len(self._events) - capacity
        if drop > 0:
            for column in (self._events, self._ticks, self._causes, self._depths):
                del column[:drop]
            del self._records[:drop]
            self._first += drop
        self._set_due()

    def _build(self, end: int) -> list[Record]:
        """Build the records not built yet up to offset ``end`` (exclusive); the records list."""
        records = self._records
        first = self._first
        start = first + len(records)
        if start < end:
            events, ticks, causes, depths = self._events, self._ticks, self._causes, self._depths
            for i in range(start - first, end - first):
                event = events[i]
                if isinstance(event, Record):  # appended whole
                    records.append(event)
                    continue
                # As in add; keep them in step.
                record = BlankRecord()
                record.offset = first + i
                record.tick = ticks[i]
                record.cause = causes[i]
                record.event = event
                record.depth = depths[i]
                records.append(record)
        if end >= self._next:
            self._kept = True  # all built: from now on add() keeps what it builds
        return records

    def _at(self, offset: int) -> Record | None:
        """The record at ``offset`` if the columns still hold it, retained or not (for the bus)."""
        i = offset - self._first
        if i < 0 or offset >= self._next:
            return None
        return self._build(offset + 1)[i]

    # -- reading -------------------------------------------------------
    def __len__(self) -> int:
        return len(self._events) if len(self._events) <= self._capacity else self._capacity

    def __iter__(self) -> Iterator[Record]:
        return iter(self._retained())

    def _retained(self) -> list[Record]:
        records = self._build(self._next)
        excess = len(records) - self._capacity
        return records[excess:] if excess > 0 else records

    @property
    def oldest(self) -> int:
        """The offset of the oldest record a reader can still get."""
        return self._first + max(0, len(self._events) - self._capacity)

    def get(self, offset: int) -> Record | None:
        """The record at ``offset``, or ``None`` if not retained or not yet written."""
        if offset < self.oldest or offset >= self.next_offset:
            return None
        return self._build(offset + 1)[offset - self._first]

    def __getitem__(self, offset: int) -> Record:
        record = self.get(offset)
        if record is None:
            raise KeyError(f"no record at offset {offset} (retained: {self.oldest}..{self.next_offset - 1})")
        return record

    def truncate(self, offset: int) -> None:
        """Drop every record from ``offset`` on (time travel rewrites the future).

        If that drops anything, a new :attr:`epoch` starts; readers that had
        got past ``offset`` learn it at their next poll.
        """
        keep = max(0, offset - self._first)
        if keep >= len(self._events):
            return  # nothing dropped: the offsets handed out so far stay valid
        for column in (self._events, self._ticks, self._causes, self._depths, self._records):
            del column[keep:]
        self._next = self._first + len(self._events)
        self.epoch += 1
        self._truncations.append((self.epoch, self._next))

    def truncated_since(self, epoch: int) -> int | None:
        """The lowest offset the log was cut back to after ``epoch``, or None."""
        cuts = [offset for cut_epoch, offset in self._truncations if cut_epoch > epoch]
        return min(cuts) if cuts else None

    def since(self, offset: int) -> list[Record]:
        """Retained records from ``offset`` on."""
        start = max(offset, self.oldest) - self._first
        return self._build(self._next)[start:]

    def select(self, event_type: type | str | None = None, entity: int | None = None,
               ticks: tuple[int | None, int | None] | None = None) -> list[Record]:
        """Retained records by type (base classes too), entity and tick range ``[a, b)``."""
        return list(select(self._retained(), event_type, entity, ticks))

    def why(self, offset: int) -> list[Record]:
        """The causal chain of the record at ``offset``, root first."""
        return causal_chain(offset, self.get)

    def reader(self, offset: int | None = None) -> Reader:
        """A new cursor starting at ``offset`` (default: the next record)."""
        return Reader(self, self.next_offset if offset is None else offset)


class Batch(NamedTuple):
    """What a reader's poll returns: the records and how many it missed.

    ``truncated`` is not None when time travel cut the log back beneath the
    reader since its last poll: the reader was moved back to that offset
    (records from there on are a new timeline) and ``records`` start there.
    A reader that keeps copies of what it read drops those from that offset on.
    """

    records: list[Record]
    missed: int
    truncated: int | None = None


class Reader:
    """A cursor over the log that pulls records at its own pace.

    If the reader falls so far behind that retention dropped records it had
    not read, :meth:`poll` says how many it missed instead of skipping them
    silently; :attr:`missed` keeps the running total.  If time travel cut the
    log back beneath it, :meth:`poll` says where (:attr:`Batch.truncated`).
    """

    def __init__(self, log: EventLog, offset: int = 0) -> None:
        self.log = log
        self.offset = offset
        self.missed = 0
        #: The log's epoch this reader's position belongs to.
        self.epoch = log.epoch
        #: How many times this reader was moved back by a truncation.
        self.truncations = 0

    @property
    def lag(self) -> int:
        """How many records are waiting to be read (never negative)."""
        return max(0, self.log.next_offset - self._resync_offset())

    def _resync_offset(self) -> int:
        """Where the cursor must move back to after truncations, or its own offset."""
        if self.epoch == self.log.epoch:
            return self.offset
        cut = self.log.truncated_since(self.epoch)
        return self.offset if cut is None else min(self.offset, cut)

    def poll(self, max_records: int | None = None) -> Batch:
        """Records from the cursor on (at most ``max_records``); advances the cursor."""
        truncated = None
        if self.epoch != self.log.epoch:
            back = self._resync_offset()
            if back < self.offset:
                truncated = self.offset = back
                self.truncations += 1
            self.epoch = self.log.epoch
        missed = max(0, self.log.oldest - self.offset)
        if missed:
            self.missed += missed
            self.offset += missed
        records = self.log.since(self.offset)
        if max_records is not None:
            records = records[:max_records]
        self.offset += len(records)
        return Batch(records, missed, truncated)

    def seek(self, offset: int) -> None:
        """Move the cursor, e.g. back to 0 to re-read what is retained."""
        self.offset = offset
        self.epoch = self.log.epoch
