"""Cascade cuts: which loop a cut chain formed, and telling the user once.

When the bus cuts a chain of reactions (too deep, or the tick's reaction
budget is spent) it walks the chain's causes back to its root to name what
looped: the event types, and the triggers and alarms (the events that record
a reaction, see :func:`~engine.events.reactor_of`).  A runaway trigger is cut
in every tick it runs, so :class:`CutTally` counts the ticks per loop and
logs a warning the first time and then only at 10, 100, 1000... ticks, never
once per tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from engine.events import CascadeCut, Event, reactor_of
from engine.record import Record

log = logging.getLogger("engine.bus")


@dataclass(frozen=True)
class Loop:
    """What formed a cut chain: its types and triggers (repeating part, root first)."""

    reason: str
    types: tuple[str, ...]
    triggers: tuple[str, ...]

    def describe(self) -> str:
        """``a -> b -> a`` by trigger names, or by event types when no trigger took part."""
        return " -> ".join(self.triggers or self.types)


def find_loop(event: Event, parent: Record, get: Callable[[int], Record | None], reason: str,
              longest: int) -> Loop:
    """The loop of the chain ``root ... parent -> event``, walking at most
    ``longest`` causes back (the cascade limit bounds a chain's length)."""
    types = [event.__class__.__name__]
    triggers: list[str] = []
    record: Record | None = parent
    while record is not None and len(types) <= longest:
        types.append(record.type)
        name = reactor_of(record.event)
        if name is not None:
            triggers.append(name)
        record = get(record.cause) if record.cause is not None else None
    types.reverse()
    triggers.reverse()
    return Loop(reason, tuple(repeating(types)), tuple(repeating(triggers)))


def repeating(names: list[str]) -> list[str]:
    """The shortest cycle at the end of a chain of names, closed (``a, b, a``);
    the whole chain when nothing repeats.

    The last name may stand outside the cycle (a loop of ``BehaviourRan``
    cut at the ``SoundStarted`` one of them emits), so the chain without it
    is tried too.
    """
    for chain in (names, names[:-1]):
        for size in range(1, len(chain) // 2 + 1):
            if chain[-size:] == chain[-2 * size:-size]:
                return [*chain[-size:], chain[-size]]
    return names


@dataclass
class LoopCount:
    """How often one loop was cut: in how many ticks, the first and the last, and why."""

    ticks: int
    first_tick: int
    last_tick: int
    reasons: list[str]


class CutTally:
    """Every loop cut so far (by its description), with the ticks it was cut in."""

    def __init__(self) -> None:
        self.loops: dict[str, LoopCount] = {}

    def count(self, loop: Loop, tick: int) -> None:
        """Count ``loop`` as cut in ``tick`` (once per tick); warn at 1, 10, 100... ticks."""
        name = loop.describe()
        seen = self.loops.get(name)
        if seen is None:
            seen = self.loops[name] = LoopCount(0, tick, tick, [])
        if loop.reason not in seen.reasons:
            seen.reasons.append(loop.reason)
        if seen.ticks and seen.last_tick == tick:
            return  # cut again in the same tick (another reason): one tick counts once
        seen.ticks += 1
        seen.last_tick = tick
        if _is_power_of_ten(seen.ticks):
            log.warning("cascade cut in %d tick%s so far (%s), first in tick %d: %s", seen.ticks,
                        "" if seen.ticks == 1 else "s", _why(seen.reasons), seen.first_tick, name)

    @property
    def ticks(self) -> int:
        """Ticks counted over all loops (a tick that cut two loops counts twice)."""
        return sum(count.ticks for count in self.loops.values())

    def summary(self) -> list[str]:
        """One line per loop, most ticks first: ``cascade cut in N ticks: a -> b -> a (...)``."""
        ordered = sorted(self.loops.items(), key=lambda item: (-item[1].ticks, item[1].first_tick))
        return [f"cascade cut in {count.ticks} tick{'' if count.ticks == 1 else 's'}: {name} "
                f"({_why(count.reasons)}; ticks {count.first_tick}..{count.last_tick})"
                for name, count in ordered]


class CutRecorder:
    """Decides which cuts of a tick become records: each loop once per tick,
    and of the budget's overflow only the first (its later reactions are
    dropped without a walk of their causes, so a runaway's cost stays small)."""

    def __init__(self) -> None:
        #: Reactions dropped by cuts so far.
        self.dropped = 0
        self.tally = CutTally()
        self._loops: set[Loop] = set()  # recorded in this tick
        self._budget_cut = False  # the tick's budget overflow is recorded

    def new_tick(self) -> None:
        """Forget what this tick recorded."""
        self._budget_cut = False
        if self._loops:
            self._loops.clear()

    def cut(self, event: Event, parent: Callable[[], Record], reason: str, get: Callable[[int], Record | None],
            longest: int, tick: int) -> CascadeCut | None:
        """Count one dropped reaction; the :class:`CascadeCut` to record, if this tick has none for its loop.

        ``parent()`` gives the record being handled; it is called only when
        the chain must be walked (the bus may have to build that record)."""
        self.dropped += 1
        if reason == "reactions":
            if self._budget_cut:
                return None
            self._budget_cut = True
        handled = parent()
        loop = find_loop(event, handled, get, reason, longest)
        if loop in self._loops:
            return None
        self._loops.add(loop)
        self.tally.count(loop, tick)
        return CascadeCut(handled.depth + 1, loop.types, reason, loop.triggers)


def _why(reasons: list[str]) -> str:
    words = {"depth": "deeper than the cascade limit", "reactions": "over the tick's reaction budget"}
    return " and ".join(words.get(reason, reason) for reason in reasons)


def _is_power_of_ten(n: int) -> bool:
    while n % 10 == 0:
        n //= 10
    return n == 1
