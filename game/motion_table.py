"""Each moving body's :class:`Motion`, by entity, kept up to date as bodies come and go.

The movement system visits every body every tick.  Asked the plain way,
``esper._entities[entity][Motion]``, each visit reads the entity's own
component dictionary first: with 5,000 bodies those dictionaries are
scattered over memory, and fetching them was a fifth of a full city's tick
(per-tick floor of 3 interleaved 40 s runs at 5,000: 6.92 ms with them,
5.56 ms with this table).  This table holds the same Motion objects in one
dictionary of its own.

It must never be stale, so it watches esper's own set of the entities that
have a Motion: the set is swapped for a :class:`MotionOwners`, a set that
notes every entity added to it or discarded from it (esper changes these
sets only with ``add`` and ``discard``; any other change empties the table).
Before each use the table refetches the Motion of each entity noted.  When
esper makes a new set (the first Motion of a world, after the last one
left, after time travel restored esper's tables) the table adopts it and
fills itself again from scratch.

The movement loop still walks esper's set, so bodies move in the order of
esper's own queries (the demo's logs did not change by a byte).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import esper

from engine import World
from game.components import Motion


class MotionOwners(set):
    """esper's set of the entities with a :class:`Motion`, noting who was added or discarded.

    ``changed`` is None when the set was changed some other way (the table
    then fills itself again from scratch).
    """

    __slots__ = ("changed",)

    def __init__(self, members: Iterable[int] = ()) -> None:
        super().__init__(members)
        self.changed: set[int] | None = set()

    def __reduce__(self) -> tuple[type, tuple[list[int]]]:
        # A copy (time travel's, pickle's) is a plain set, as esper would have made it:
        # the table of the world it is put back into adopts it.
        return set, (list(self),)

    def __repr__(self) -> str:
        return repr(set(self))  # shown as esper's own set would be (time travel compares states as text)

    def add(self, entity: int) -> None:
        if self.changed is not None:
            self.changed.add(entity)
        super().add(entity)

    def discard(self, entity: int) -> None:
        if self.changed is not None:
            self.changed.add(entity)
        super().discard(entity)


def _noting_wholesale(name: str) -> Any:
    method = getattr(set, name)

    def change(self: MotionOwners, *args: Any) -> Any:
        self.changed = None
        return method(self, *args)
    change.__name__ = name
    change.__doc__ = f"set.{name}, noting that the table must fill itself again."
    return change


# Every other way to change a set in place (esper uses none of them; a user's code might).
for _name in ("remove", "pop", "clear", "update", "difference_update", "intersection_update",
              "symmetric_difference_update", "__ior__", "__iand__", "__isub__", "__ixor__"):
    setattr(MotionOwners, _name, _noting_wholesale(_name))


class MotionTable:
    """entity -> its :class:`Motion`, for the current esper context (a world resource: see :func:`motion_table`)."""

    def __init__(self) -> None:
        self._owners: MotionOwners | None = None
        self._motions: dict[int, Motion] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> MotionTable:
        # A cache of what esper holds: a snapshot's copy starts empty and fills itself when used.
        return MotionTable()

    def __repr__(self) -> str:
        return f"MotionTable({len(self._motions)} bodies)"

    def current(self) -> tuple[set[int], dict[int, Motion]]:
        """esper's set of the entities with a Motion, and each one's Motion (esper context current)."""
        owners = esper._components.get(Motion)
        if owners is None:
            self._owners, self._motions = None, {}
            return set(), self._motions
        if owners is not self._owners or owners.changed is None:
            return self._adopt(owners)
        changed = owners.changed
        if changed:
            entities, motions = esper._entities, self._motions
            for entity in changed:
                if entity in owners:
                    motions[entity] = entities[entity][Motion]
                else:
                    motions.pop(entity, None)
            changed.clear()
        return owners, self._motions

    def _adopt(self, owners: set[int]) -> tuple[set[int], dict[int, Motion]]:
        if not isinstance(owners, MotionOwners) or owners.changed is None:
            # A copy: CPython cannot change a built-in set's class in place.  It may
            # iterate in another order than the original; from here on both the
            # movement loop and esper's queries walk the copy, and a run does the same
            # every time (the copy is made at the same point of every run).
            owners = MotionOwners(owners)
            esper._components[Motion] = owners
        entities = esper._entities
        self._owners = owners
        self._motions = {entity: entities[entity][Motion] for entity in owners}
        return owners, self._motions


def motion_table(world: World) -> MotionTable:
    """The world's :class:`MotionTable` (made at its first use)."""
    table = world.resources.get("motions")
    if table is None:
        table = world.resources["motions"] = MotionTable()
    return table
