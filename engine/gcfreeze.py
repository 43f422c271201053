"""Keeping a long log out of the garbage collector's full collections.

Every event, and every record once the log is read (a game's readers read
every one; see :class:`~engine.log.EventLog`), is an object the cyclic
garbage collector tracks, so a full collection walks them all: about a third of a second with
a million records in memory, a pause the player sees.  Records never form
reference cycles (a record holds its event, an event its field values), so
they are freed by reference counting when retention or time travel drops
them; the collector has nothing to find among them.

:class:`GcFreezer` therefore moves what is alive into the collector's
*permanent generation* (:func:`gc.freeze`), which collections skip, every
``every`` records, at a safe point between two ticks.  Being deliberate
about it:

* **What is frozen:** every object tracked at that moment, in the whole
  process (``gc.freeze`` knows no other scope), after a collection of the
  young generations so that their garbage is not frozen with them.
* **What it costs:** a cycle of garbage that was already in the oldest
  generation, or one that forms later among frozen objects, is not
  collected while frozen.  Reference counting still frees everything else
  (records dropped by retention or time travel included).
* **When it ends:** :meth:`GcFreezer.release` (called by
  :meth:`World.close <engine.world.World.close>`) unfreezes, so the next full
  collection finds such garbage, outside the game loop.
"""

from __future__ import annotations

import gc

#: Freeze after every this many new records: a full collection then walks at
#: most about this many records (and what else was made meanwhile).  10,000:
#: a 10-minute game with 1,000 pedestrians makes about 28,000 records, and with
#: a freeze every 100,000 the collector's own full collection came first (one
#: of 14-19 ms in that game, ``benchmarks/bench_gc_game.py``); a freeze costs a
#: young collection, 1-2 ms, three times in those 10 minutes.
DEFAULT_FREEZE_EVERY = 10_000


class GcFreezer:
    """Freezes the live objects every ``every`` records (see the module docs)."""

    def __init__(self, every: int = DEFAULT_FREEZE_EVERY, at_start: bool = False) -> None:
        """``at_start``: freeze at the first safe point too, whatever the count, so
        what was built before the first tick (a city, its crowd) is never walked."""
        if every < 1:
            raise ValueError("freeze every must be at least 1 record")
        self.every = every
        #: The log offset at which the next freeze is due.
        self.due_at = 0 if at_start else every
        #: How many times this freezer froze.
        self.freezes = 0

    def at_safe_point(self, next_offset: int) -> bool:
        """Call between ticks: freeze if ``every`` records were added since the last time."""
        if next_offset < self.due_at:
            return False
        gc.collect(1)  # the young generations' garbage is collected, not frozen
        gc.freeze()
        self.freezes += 1
        self.due_at = (next_offset // self.every + 1) * self.every  # the next multiple: no drift
        return True

    def release(self) -> None:
        """Unfreeze, if this freezer froze: frozen garbage can be collected again."""
        if self.freezes:
            gc.unfreeze()
            self.freezes = 0
