"""What the inspector shows, without pygame: the stream, the selection, why, and the problems.

:class:`Inspection` is the F1 inspector's model.  It reads the log through a
:class:`~engine.logview.LogView` (the model the HUD ticker shares), so it
resyncs after time travel, and keeps what the panel shows:

* the **stream**: the latest records, optionally without noisy inputs (the F filter);
* the **selection**: the record at a held offset, or the newest (following);
* **why**: the selected record's causal chain back to its root, root first;
* **problems**: dead letters, cut cascades and the latest refused trigger reload.

When time travel cuts the log back, what it derived from the undone future
goes: a selection past the new end moves to the newest record, a chain in
the undone future is let go, and problems from there on are read again.
The pygame overlay (:class:`engine.pg.inspector.Inspector`) draws it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from engine.events import Input
from engine.failures import FailureTally
from engine.log import EventLog, Reader
from engine.logview import LogView, describe, failure_line, safe_str
from engine.record import Record
from engine.scripting.events import TriggersLoaded, TriggersReloadFailed
from engine.world import World

#: Records kept for the stream view.
HISTORY = 500
#: Dead letters and cut cascades kept for the problems section.
FAILURES = 6
#: Inputs shown even when noisy inputs are hidden: rare and worth seeing.
NOT_NOISY = frozenset({TriggersLoaded, TriggersReloadFailed})


class Problem(NamedTuple):
    """A record for the problems section and the lines that describe it."""

    record: Record
    lines: tuple[str, ...]


#: Consequences kept for the inspector's why section (the rest are counted).
CONSEQUENCES_SHOWN = 40
#: How far after a record the inspector looks for what it caused: consequences follow their cause
#: within a few ticks, and asking must stay instant however long the log is.
CONSEQUENCE_HORIZON = 20_000


def consequences_of(log: EventLog, offset: int) -> tuple[list[tuple[int, Record]], int]:
    """What the record at ``offset`` caused, directly or not: the first :data:`CONSEQUENCES_SHOWN`
    as (depth, record) in tree order, and how many there are within :data:`CONSEQUENCE_HORIZON` records."""
    if not log.oldest <= offset < log.next_offset:
        return [], 0
    depth = {offset: 0}
    children: dict[int, list[Record]] = {offset: []}
    for later in range(offset + 1, min(log.next_offset, offset + 1 + CONSEQUENCE_HORIZON)):
        record = log[later]
        if record.cause in depth:
            depth[later] = depth[record.cause] + 1
            children[record.cause].append(record)
            children[later] = []
    shown: list[tuple[int, Record]] = []
    stack = list(reversed(children[offset]))
    while stack and len(shown) < CONSEQUENCES_SHOWN:
        record = stack.pop()
        shown.append((depth[record.offset], record))
        stack.extend(reversed(children[record.offset]))
    return shown, len(depth) - 1


def is_noisy_input(record: Record) -> bool:
    """The default filter: inputs (keys, frame times) other than trigger (re)loads."""
    event = record.event
    return isinstance(event, Input) and type(event) not in NOT_NOISY


class Inspection:
    """The inspector's state over ``world``'s log: ``history`` records kept, ``failures`` dead letters,
    ``noisy`` says which records the F filter hides."""

    def __init__(self, world: World, *, history: int = HISTORY, failures: int = FAILURES,
                 noisy: Callable[[Record], bool] = is_noisy_input) -> None:
        self.world = world
        self.noisy = noisy
        self.history = history
        #: True while the F filter hides noisy records from the stream.
        self.filtered = False
        #: "stream" (a long stream, a short chain) or "why" (a short stream, the chain with every field).
        self.pane = "stream"
        #: The records read and the failures among them (the model the HUD ticker shares).
        #: It starts a little in the past, so the first look already shows what led up to now.
        self.view = LogView(world.log, history=history, failures=failures)
        #: Every dead letter of the current timeline, counted by where it happened.
        self.tally = FailureTally(world.log)
        #: The latest refused trigger reload: kept apart, so a flood of dead letters cannot push it out.
        self.refused_reload: Problem | None = None
        self._refusals: list[int] = []  # offsets of the refused reloads of the current timeline
        #: Offset of the selected record; None follows the newest.
        self.selected: int | None = None
        #: The causal chain shown in the why section, root first (empty: none asked for).
        self.chain: list[Record] = []
        #: Offset of the record whose chain is shown.
        self.chain_offset: int | None = None
        #: What that record caused, as (depth, record) in tree order (depth 1: caused directly).
        self.consequences: list[tuple[int, Record]] = []
        #: How many records it caused in all (more than :data:`CONSEQUENCES_SHOWN` are counted, not kept).
        self.consequence_count = 0
        self._chain_note = ""
        self._reloaded_at: int | None = None  # offset of the latest good (re)load of triggers
        self._visible_records: list[Record] = []
        self._visible_offsets: list[int] = []
        self._visible_stale = True
        self._top_offset: int | None = None  # first stream row while the selection is held
        self._dirty = True  # something shown changed since the panel was last built

    def toggle_filter(self) -> None:
        """Hide or show noisy records in the stream (F); a held selection stays put."""
        self.filtered = not self.filtered
        self._visible_stale = True
        self._dirty = True

    def select(self, offset: int | None) -> None:
        """Hold the selection on the record at ``offset`` (None: follow the newest)."""
        self.selected = offset
        if offset is None:
            self._top_offset = None
        self._dirty = True

    def move(self, delta: int) -> None:
        """Move the selection ``delta`` records (negative: older); past the newest it follows again."""
        visible = self.visible_records
        if not visible:
            return
        last = len(visible) - 1
        index = last if self.selected is None else self._index_at_or_before(self.selected)
        target = min(max(index + delta, 0), last)
        self.select(None if target == last and delta > 0 else visible[target].offset)

    def explain(self) -> None:
        """Show the selected record's causal chain (Enter): root first, via the log's ``why``."""
        record = self.selected_record
        if record is None:
            return
        self.selected = record.offset  # asking why holds the selection, even while following
        self._show_chain(record.offset)
        self.pane = "why"
        self._dirty = True

    def _show_chain(self, offset: int) -> None:
        self.consequences, self.consequence_count = consequences_of(self.world.log, offset)
        try:
            self.chain = self.world.log.why(offset)
        except KeyError:
            self.chain, self.chain_offset = [], None
            self._chain_note = f"#{offset} is no longer in the log"
            return
        self.chain_offset = offset
        root = self.chain[0]
        if root.cause is not None:
            self._chain_note = f"starts at #{root.offset}: its cause #{root.cause} was dropped by retention"
        elif isinstance(root.event, Input):
            self._chain_note = f"root #{root.offset} is an input ({root.type})"
        else:
            self._chain_note = f"root #{root.offset} came from a system's tick ({root.type})"

    @property
    def reader(self) -> Reader:
        """The cursor the inspector reads the log with (its view's)."""
        return self.view.reader

    @property
    def records(self) -> deque[Record]:
        """Every record read, the last ``history`` of them, oldest first."""
        return self.view.records

    @property
    def dropped(self) -> int:
        """Records retention dropped before the inspector got to them."""
        return self.view.missed

    @property
    def failures(self) -> list[Problem]:
        """The latest dead letters and cut cascades, oldest first."""
        return [Problem(record, (failure_line(record),)) for record in self.view.failures]

    @property
    def failing(self) -> list[str]:
        """Each failing handler once, with how often it failed (``FILE: trigger 'NAME': do[0].amount: ...``)."""
        return self.tally.summary()

    @property
    def dead_letters(self) -> int:
        """Dead letters and cut cascades in the current timeline."""
        return self.view.failure_count

    @property
    def reload_failures(self) -> int:
        """Refused trigger reloads in the current timeline."""
        return len(self._refusals)

    @property
    def visible_records(self) -> list[Record]:
        """The stream as shown: the records read, less noisy ones while filtered."""
        if self._visible_stale:
            records = [r for r in self.records if not self.noisy(r)] if self.filtered else list(self.records)
            self._visible_records = records
            self._visible_offsets = [r.offset for r in records]
            self._visible_stale = False
        return self._visible_records

    @property
    def selected_record(self) -> Record | None:
        """The record under the selection (the newest shown while following)."""
        visible = self.visible_records
        if not visible:
            return None
        if self.selected is None:
            return visible[-1]
        return visible[self._index_at_or_before(self.selected)]

    @property
    def problem_lines(self) -> list[str]:
        """The problems section's lines: the refused reload's first, then the failures, oldest first."""
        return [line for problem in self.problems for line in problem.lines]

    @property
    def problems(self) -> list[Problem]:
        """The latest refused reload (if any), then the latest dead letters and cut cascades."""
        return [self.refused_reload, *self.failures] if self.refused_reload else list(self.failures)

    def _index_at_or_before(self, offset: int) -> int:
        # A held offset the filter hides (or that left the deque) selects its nearest older neighbour.
        return max(0, bisect_right(self._visible_offsets, offset) - 1)

    def update(self) -> None:
        """Pull the records written since the last update (done by :meth:`draw` while shown)."""
        dropped = self.view.missed
        self.tally.poll()
        change = self.view.update()
        if change.truncated is not None:
            self._forget_from(change.truncated)
        if self.view.missed != dropped:
            self._dirty = True
        if not change.records:
            return
        for record in change.records:
            # Classes, not names: a cheap test on what may be thousands of records after a long time hidden.
            kind = type(record.event)
            if kind is TriggersReloadFailed:
                self._refuse(record)
            elif kind is TriggersLoaded:
                self._reloaded_at = record.offset
        self._visible_stale = True
        self._dirty = True

    def _refuse(self, record: Record) -> None:
        self._refusals.append(record.offset)
        try:
            errors = [line for error in record.data["errors"] for line in safe_str(error).splitlines()]
        except Exception:  # an odd record must not break the panel: show it as it is
            errors = [describe(record)]
        head = f"#{record.offset} t={record.tick} trigger reload failed, kept the last good set:"
        self.refused_reload = Problem(record, (head, *errors))

    def _forget_from(self, cut: int) -> None:
        """Time travel cut the log back to ``cut``: what the inspector derived from there on is undone.

        The view has forgotten its records from ``cut`` on and is reading the
        new timeline from there; the selection, the chain and the problems follow.
        """
        log = self.world.log
        del self._refusals[bisect_left(self._refusals, cut):]
        if self.refused_reload is not None and self.refused_reload.record.offset >= cut:
            self.refused_reload = None
        if self._reloaded_at is not None and self._reloaded_at >= cut:
            self._reloaded_at = None
        self._visible_stale = True
        self._dirty = True
        self._clamp_selection(log.next_offset)
        if self.chain_offset is not None and any(log.get(r.offset) is not r for r in self.chain):
            if self.chain_offset < log.next_offset:
                self._show_chain(self.chain_offset)  # the same offset in the new timeline
            else:
                self.chain, self.chain_offset = [], None
                self._chain_note = "that record is in a future time travel undid"

    def _clamp_selection(self, end: int) -> None:
        if self.selected is not None and self.selected >= end:
            newest = self.records[-1].offset if self.records else None
            self.select(newest)
        if self._top_offset is not None and self._top_offset >= end:
            self._top_offset = None
