"""The crowd: which pedestrians exist, and when each one next needs a look.

Counting the people on their feet used to mean sorting every pedestrian and
asking esper about each one, every tick (the frame alarm reads the count).
Instead the crowd is kept up to date where it changes: a pedestrian joins
when spawned and leaves when despawned (:class:`Despawned` is delivered at
once), and the few who have fallen are subtracted when asked.

A walker's velocity only changes when it picks a goal, hears a shot or
stops fleeing, so the pedestrian system does not look at every walker
every tick: :meth:`Crowd.look_at` books a walker for a later tick and
:meth:`Crowd.due` hands out those booked for now.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import esper

from engine import on
from engine.events import Despawned
from game.booking import Booking
from game.components import Corpse, Pedestrian, Position
from game.spatial import SpatialIndex

#: Newcomers pick their first goal spread over this many ticks (half a second).
FIRST_LOOK_SPREAD = 30


@dataclass(eq=False)
class Crowd:
    """The pedestrians of one world (a system: add it with ``world.add_system``).

    A dataclass so that its repr shows its state (time travel compares states as text).
    """

    #: Pedestrians that exist, fallen or not.
    members: set[int] = field(default_factory=set)
    #: tick -> pedestrians to look at then (in booking order; an entry is stale
    #: if the pedestrian was booked again for another tick since).
    booked: dict[int, list[int]] = field(default_factory=dict)
    #: The last tick handed out by due(): a booking for it or earlier moves to the next tick.
    handed_out: int = -1
    #: Work a reconcile left for later ticks (game.population): who leaves (in order, those
    #: in sight first), how many are still to arrive, and the offset of the record that asked
    #: (their cause).
    leaving: list[int] = field(default_factory=list)
    arriving: int = 0
    cause: int | None = None
    #: How many at the head of ``leaving`` the player could see when they were chosen.
    in_sight: int = 0
    #: A change reconcile booked, for arrive_and_leave to decide in a later tick:
    #: (reason, limit, batch) and when and by whom it was asked.
    booked_change: tuple[tuple[str, int | None, bool], Booking] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Crowd:
        # All ints: copying the containers is a deep copy (and far
        # quicker than copy.deepcopy element by element, for a time-travel snapshot).
        return Crowd(set(self.members), {tick: list(who) for tick, who in self.booked.items()}, self.handed_out,
                     list(self.leaving), self.arriving, self.cause, self.in_sight, self.booked_change)

    def join(self, entity: int, tick: int) -> None:
        """A new pedestrian, first looked at within :data:`FIRST_LOOK_SPREAD` ticks
        of ``tick`` (so a thousand newcomers do not all pick a goal in one tick)."""
        self.members.add(entity)
        self.look_at(entity, tick + entity % FIRST_LOOK_SPREAD)

    @on(Despawned)
    def left(self, event: Despawned) -> None:
        self.members.discard(event.entity)

    def look_at(self, entity: int, tick: int) -> None:
        """Book ``entity`` for ``tick`` (replacing its earlier booking); a tick
        already handed out (a pedestrian spawned after the pedestrian system ran) means the next one."""
        tick = max(tick, self.handed_out + 1)
        esper.component_for_entity(entity, Pedestrian).due = tick
        self.booked.setdefault(tick, []).append(entity)

    def due(self, tick: int) -> list[tuple[int, Pedestrian]]:
        """The standing pedestrians booked for ``tick``, in booking order (esper context current)."""
        self.handed_out = tick
        booked = self.booked.pop(tick, None)
        if not booked:
            return []
        out = []
        for entity in booked:
            if entity not in self.members or esper.has_component(entity, Corpse):
                continue
            ped = esper.component_for_entity(entity, Pedestrian)
            if ped.due == tick:
                ped.due = -1  # booked twice for this tick: looked at once
                out.append((entity, ped))
        return out

    def standing(self) -> list[int]:
        """Pedestrians on their feet, by entity id (esper context current)."""
        fallen = {entity for entity, _ in esper.get_component(Corpse)}
        return sorted(self.members - fallen)

    def standing_near(self, index: SpatialIndex, origin: tuple[float, float], radius: float) -> list[int]:
        """Standing pedestrians within ``radius`` of ``origin``, by entity id (esper context current)."""
        return list(self._standing_among(index.near(origin[0], origin[1], radius), origin, radius))

    def anyone_standing_near(self, index: SpatialIndex, origin: tuple[float, float], radius: float) -> bool:
        """Whether :meth:`standing_near` would list anyone, stopping at the first (a crime's
        witnesses: one is enough, and a shot near a crowd has hundreds; no sort either)."""
        ox, oy = origin
        candidates = index.within_set(ox - radius, oy - radius, ox + radius, oy + radius)
        return any(True for _ in self._standing_among(candidates, origin, radius))

    def _standing_among(self, candidates: Iterable[int], origin: tuple[float, float], radius: float
                        ) -> Iterator[int]:
        """Those of ``candidates`` who are standing pedestrians within ``radius`` of ``origin``."""
        members = self.members
        for entity in candidates:
            if entity not in members or esper.has_component(entity, Corpse):
                continue
            position = esper.component_for_entity(entity, Position)
            if math.dist((position.x, position.y), origin) <= radius:
                yield entity

    def standing_count(self) -> int:
        """How many pedestrians are on their feet (esper context current): the
        members less the fallen ones, who are few (corpses are cleared away)."""
        members = self.members
        return len(members) - sum(1 for entity, _ in esper.get_component(Corpse) if entity in members)
