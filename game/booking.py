"""Work a behaviour asks for in one tick and a system does in a later one.

The tick a chase starts is its slowest (the shot, the crime, the alarm and
its behaviours), so the behaviours that empty the streets only book their
work (:mod:`game.population`, :mod:`game.traffic`) and a system does it in
a later tick, under the record that asked (its cause).  Two rules make a
booking safe to ask for from anywhere:

* *Done in a later tick than the one that asked.*  A trigger on an input
  runs at the start of its tick, before the systems, so "the next system
  to run" could still be in the asking tick.
* *Asked again before it was done, the first tick that asked still
  counts.*  Otherwise a request repeated at the start of every tick would
  push the work back for ever.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import World
from engine.record import Record


@dataclass(frozen=True)
class Booking:
    """When some work was first asked for, and the offset of the record that asked last."""

    tick: int
    cause: int | None

    def due(self, world: World) -> bool:
        """Whether the work may be done now (a later tick than the one that asked)."""
        return self.tick < world.tick

    def asked(self, world: World) -> Record | None:
        """The record that asked (None: a system's own tick code, or no longer in the log)."""
        return world.log.get(self.cause) if self.cause is not None else None


def book(world: World, earlier: Booking | None) -> Booking:
    """A booking for work asked for now, while ``earlier`` (if any) is still not done."""
    current = world.bus.current
    return Booking(earlier.tick if earlier is not None else world.tick,
                   current.offset if current is not None else None)
