"""Components: plain data attached to entities (esper style).

Every component is a ``slots=True`` dataclass: its fields live in the
object itself, not in a dictionary (or values array) of their own.  That
is half the memory a component takes and half the places the processor has
to fetch it from, and a busy tick touches thousands of them (the movement
loop reads and writes four per body, 5,000 bodies at a time): the median
tick of a 5,000-pedestrian game fell from 8.3 to 6.3 ms with nothing else
changed (per-tick floor of 3 interleaved 40 s runs).  A slotted component
takes no attribute it was not declared with, which catches a misspelt field.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any


class _Values:
    """Mixin for components whose fields are all immutable values (numbers,
    strings, tuples, None): a deep copy is a copy of the fields.

    Time travel deep-copies every component of the world for each snapshot;
    ``copy.deepcopy``'s general path (``__reduce_ex__`` and a copy of each
    field) costs about a second for 5,000 pedestrians, this one a tenth.
    Every subclass is a ``slots=True`` dataclass (see the module's docstring).
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        cls = type(self)
        twin = object.__new__(cls)
        slots, own = _copy_plan(cls)
        if own:
            # One of ours: every field is set and immutable, so the copy may share the values.
            for name in slots:
                object.__setattr__(twin, name, getattr(self, name))
            return twin
        # An extension's subclass: a field may hold a list or a dict, or be left unset, so each
        # is deep-copied (through the memo, which knows the twin first, should a field point back).
        memo[id(self)] = twin
        deepcopy = copy.deepcopy
        for name in slots:
            value = getattr(self, name, _UNSET)
            if value is not _UNSET:
                object.__setattr__(twin, name, deepcopy(value, memo))
        fields = getattr(self, "__dict__", None)  # an unslotted subclass's (or a "__dict__" slot's)
        if fields:
            twin.__dict__.update(deepcopy(fields, memo))
        return twin


_UNSET = object()


@functools.cache
def _copy_plan(cls: type) -> tuple[tuple[str, ...], bool]:
    """The slots of ``cls`` and its bases, as attribute names, and whether ``cls`` is one of this module's.

    A class's ``__slots__`` names only its own slots, may be one string, and
    spells a private ``__name`` unmangled; ``__dict__`` and ``__weakref__``
    are not fields (the dictionary is copied on its own).
    """
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        declared = klass.__dict__.get("__slots__", ())
        for name in (declared,) if isinstance(declared, str) else declared:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__") and klass.__name__.strip("_"):
                name = f"_{klass.__name__.lstrip('_')}{name}"
            names.append(name)
    return tuple(names), cls.__module__ == __name__


@dataclass(slots=True)
class Position(_Values):
    """Where an entity is, in world pixels."""

    x: float
    y: float


@dataclass(slots=True)
class PreviousPosition(_Values):
    """Position at the previous tick, so rendering can interpolate with alpha."""

    x: float
    y: float


@dataclass(slots=True)
class Velocity(_Values):
    """Pixels per second."""

    x: float = 0.0
    y: float = 0.0


@dataclass(slots=True)
class Heading(_Values):
    """Facing direction in radians (0 = +x, pi/2 = +y, screen down)."""

    angle: float = 0.0


@dataclass(slots=True)
class Body(_Values):
    """Collision circle radius in pixels."""

    radius: float


@dataclass(eq=False, slots=True)
class Motion:
    """What the movement system needs of a moving body, in one component.

    The components are the entity's own (the same objects), gathered so that
    the movement system's query is over one component type: esper forgets
    its query results whenever any entity is created or deleted (each shot
    makes a tracer), and rebuilds a one-type query about ten times faster
    than a four-type one (0.7 ms against 7-10 ms at 5,000 bodies).  Make it
    with :func:`motion_of`, from the components you give the entity.
    """

    position: Position
    previous: PreviousPosition
    velocity: Velocity
    body: Body

    def __deepcopy__(self, memo: dict[int, Any]) -> Motion:
        # Through the memo, so the copy points at the copies of the entity's own components.
        return Motion(copy.deepcopy(self.position, memo), copy.deepcopy(self.previous, memo),
                      copy.deepcopy(self.velocity, memo), copy.deepcopy(self.body, memo))


def motion_of(*components: object) -> Motion:
    """The :class:`Motion` of an entity with these components (which must include
    a Position, a PreviousPosition, a Velocity and a Body)."""
    found = {type(c): c for c in components}
    return Motion(found[Position], found[PreviousPosition], found[Velocity], found[Body])


@dataclass(slots=True)
class Health(_Values):
    """Hit points, 0..maximum."""

    current: int
    maximum: int = 100


@dataclass(slots=True)
class Appearance(_Values):
    """Which sprite draws the entity (a file name under assets/sprites, without .png)."""

    sprite: str


@dataclass(slots=True)
class Player:
    """The one the human (or the autopilot) controls."""

    vehicle: int | None = None
    move: tuple[int, int] = (0, 0)
    firing: bool = False
    aim: float | None = None
    fire_cooldown: int = 0
    #: Offset of the FireInput record that pulled the trigger: the cause of the shots.
    fire_cause: int | None = None
    #: A press not yet answered by a shot: a tap shorter than a frame still fires once.
    fire_pending: bool = False


@dataclass(slots=True)
class Pedestrian(_Values):
    """A civilian walking the sidewalks; flees from gunfire."""

    goal: tuple[float, float] | None = None
    flee_ticks: int = 0
    flee_from: tuple[float, float] = (0.0, 0.0)
    #: The tick the pedestrian system next looks at this one (see game.crowd).
    due: int = -1


@dataclass(slots=True)
class Goon(_Values):
    """A hostile: shoots the player when near."""

    home: tuple[float, float] = (0.0, 0.0)
    cooldown: int = 0


@dataclass(slots=True)
class Police:
    """A police unit chasing the player; ``vision`` is its radar radius in pixels."""

    vision: float = 360.0
    cooldown: int = 0
    #: Where the unit is searching when it cannot see the player.
    goal: tuple[float, float] | None = None
    #: The intersection it is driving to now.
    waypoint: tuple[float, float] | None = None


@dataclass(slots=True)
class Vehicle:
    """A car. ``driver`` is the entity driving it, if any."""

    driver: int | None = None
    police: bool = False
    #: The car's own health: bullets and crashes lower it, and at 0 it is wrecked.
    health: int = 100
    max_health: int = 100
    #: True once the car has healed the player: it heals only on the first entry.
    healed: bool = False
    wrecked: bool = False
    #: How fast it really went in the last tick, px/s (kept for driven cars: a crash is measured by it).
    speed: float = 0.0


@dataclass(slots=True)
class Traffic(_Values):
    """A civilian car driving the roads on its own (it leaves during a chase, like pedestrians; game.traffic)."""

    #: The corner it drives to now: where its lane meets the next one at intersection ``towards``.
    goal: tuple[float, float] | None = None
    #: The intersection it is driving to, and the one it goes on to after it (grid indices, game.roads).
    towards: tuple[int, int] = (0, 0)
    after: tuple[int, int] = (0, 0)
    #: Ticks it has waited for something in its way; True while it drives (its velocity is set).
    waiting: int = 0
    moving: bool = False


@dataclass(slots=True)
class Cash(_Values):
    """Money lying in the street: collected on foot or by car, it adds ``value`` to the score."""

    value: int


@dataclass(slots=True)
class Roadblock(_Values):
    """A police roadblock across a road (four stars and up)."""

    ttl: int = 0


@dataclass(slots=True)
class Helicopter:
    """The police helicopter (five stars): its radar sees over buildings."""

    vision: float = 520.0
    goal: tuple[float, float] | None = None


@dataclass(slots=True)
class Tracer:
    """A visible bullet path that fades after ``ttl`` ticks."""

    start: tuple[float, float]
    end: tuple[float, float]
    ttl: int = 6
    hostile: bool = False


@dataclass(slots=True)
class Corpse:
    """Marks a body lying on the ground for a while."""

    ttl: int = 240
