"""Where the bodies are: a grid of square cells, kept up to date as things move.

Shots, hearing, running people over and drawing only care about bodies
near a point, and a scan of every entity is what made a crowded city slow.
The index answers "who might be in this rectangle" from the cells it
overlaps; callers then test the exact condition on those few.

It is kept up to date where positions change: the spawn functions place
new bodies, the movement system re-places what it moved (and the drivers
riding along), the player's control re-places the player every tick (he
can be moved by behaviours: wasted, out of a car), and :class:`Despawned`
removes.  A body moved some other way is found again once it moves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engine import World, on
from engine.events import Despawned

#: Cell side in pixels, as a shift: 128 px, two tiles.
CELL_SHIFT = 7


def cell(x: float, y: float) -> tuple[int, int]:
    """The cell of a point (monotonic in x and y, which is all range queries need)."""
    return int(x) >> CELL_SHIFT, int(y) >> CELL_SHIFT


@dataclass(eq=False)
class SpatialIndex:
    """Entities by cell (a system for its :class:`Despawned` handler; a dataclass so its repr shows its state)."""

    cells: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    cell_of: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Despawned lately: esper lists them in queries until the next step, and they must
    #: not be placed again meanwhile.  The movement system empties it once it has run.
    gone: set[int] = field(default_factory=set)

    def __deepcopy__(self, memo: dict[int, Any]) -> SpatialIndex:
        # All ints: copying the containers is a deep copy (quick, for time-travel snapshots).
        return SpatialIndex({key: set(members) for key, members in self.cells.items()}, dict(self.cell_of),
                            set(self.gone))

    def place(self, entity: int, x: float, y: float) -> None:
        """Record that ``entity`` is at (x, y) now (unless it was despawned)."""
        if entity in self.gone:
            return
        key = (int(x) >> CELL_SHIFT, int(y) >> CELL_SHIFT)
        old = self.cell_of.get(entity)
        if old == key:
            return
        if old is not None:
            self._leave(entity, old)
        self.cells.setdefault(key, set()).add(entity)
        self.cell_of[entity] = key

    @on(Despawned)
    def despawned(self, event: Despawned) -> None:
        self.remove(event.entity)
        self.gone.add(event.entity)

    def remove(self, entity: int) -> None:
        """Forget ``entity`` (no error if it was not indexed)."""
        old = self.cell_of.pop(entity, None)
        if old is not None:
            self._leave(entity, old)

    def _leave(self, entity: int, key: tuple[int, int]) -> None:
        members = self.cells[key]
        members.discard(entity)
        if not members:
            del self.cells[key]

    def within(self, left: float, top: float, right: float, bottom: float) -> list[int]:
        """Entities that may be in the rectangle (all in it are), by entity id."""
        found: list[int] = []
        for members in self._cells_over(left, top, right, bottom):
            found.extend(members)
        found.sort()  # a fixed order: what callers do with them may draw random numbers
        return found

    def within_set(self, left: float, top: float, right: float, bottom: float) -> set[int]:
        """The same entities as :meth:`within`, as a set: for set arithmetic, where no order is
        needed (a sort of every candidate costs more than the rest of such a query)."""
        found: set[int] = set()
        for members in self._cells_over(left, top, right, bottom):
            found |= members
        return found

    def _cells_over(self, left: float, top: float, right: float, bottom: float) -> Iterator[set[int]]:
        """The non-empty cells the rectangle overlaps."""
        x0, y0 = cell(left, top)
        x1, y1 = cell(right, bottom)
        cells = self.cells
        for cy in range(y0, y1 + 1):
            for cx in range(x0, x1 + 1):
                members = cells.get((cx, cy))
                if members:
                    yield members

    def near(self, x: float, y: float, radius: float) -> list[int]:
        """Entities that may be within ``radius`` of (x, y) (all that are), by entity id."""
        return self.within(x - radius, y - radius, x + radius, y + radius)


def spatial_index(world: World) -> SpatialIndex:
    """The world's index (build_game adds it as the ``spatial`` resource)."""
    return world.resources["spatial"]
