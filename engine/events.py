"""Events: immutable facts that something happened.

An event type is a frozen, slotted dataclass that subclasses :class:`Event`.
Its class name is its *topic*: the log stores it as ``type`` and handlers
subscribe to the class (or any base class of it).  Names are past tense
(``Shot``, ``EnteredVehicle``) because an event records what already happened.

Use the :func:`event` decorator as shorthand for
``@dataclass(frozen=True, slots=True)``::

    @event
    class Shot(Event):
        shooter: int
        target: int
        damage: int

An event may name an entity: its *target* is the field called ``target``,
or else the one called ``entity``.  Handlers can observe one target only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

E = TypeVar("E", bound=type)

#: Field names that make an event "about" an entity, in order of preference.
TARGET_FIELDS = ("target", "entity")
#: Field names searched when querying the log by entity.
ENTITY_FIELDS = ("target", "entity", "source", "shooter", "vehicle")


#: Every event class defined in this process, by (module, qualified name).
#: ``@dataclass(slots=True)`` (hence ``@event``) replaces the class it
#: decorates with a new one; registering by name keeps the later, live one.
_DEFINED: dict[tuple[str, str], type] = {}


@dataclass(frozen=True, slots=True)
class Event:
    """Root of every event type.  Subscribing to ``Event`` sees everything."""

    #: The field that names who reacted (a trigger or an alarm), for event
    #: types that record a reaction; cascade reports name the loop by it.
    reactor_field: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super(Event, cls).__init_subclass__(**kwargs)
        _DEFINED[(cls.__module__, cls.__qualname__)] = cls


def defined_event_types() -> dict[str, tuple[type[Event], ...]]:
    """Every event class defined so far, by type name (several when modules share a name)."""
    by_name: dict[str, list[type[Event]]] = {}
    for cls in _DEFINED.values():
        by_name.setdefault(cls.__name__, []).append(cls)
    return {name: tuple(classes) for name, classes in by_name.items()}


@dataclass(frozen=True, slots=True)
class Input(Event):
    """Base of events that come from outside the simulation (keys, frame time).

    Inputs are what a replay feeds back in: everything else in a log is
    re-derived by running the simulation again.
    """


def event(cls: E) -> E:
    """Turn a subclass of :class:`Event` into a frozen, slotted dataclass."""
    if not (isinstance(cls, type) and issubclass(cls, Event)):
        raise TypeError(f"@event expects a subclass of Event, got {cls!r}")
    return dataclass(frozen=True, slots=True)(cls)  # type: ignore[return-value]


@event
class SimulationStarted(Event):
    """First record of every run: what a log file needs to describe its run."""

    seed: int
    tick_rate: int
    options: dict[str, Any] = dataclasses.field(default_factory=dict)


@event
class HandlerFailed(Event):
    """A dead letter: a handler raised while handling the record at ``offset``."""

    handler: str
    offset: int
    event_type: str
    error: str


@event
class CascadeCut(Event):
    """A chain of reactions was cut here: it went deeper than the cascade
    limit (``reason="depth"``), or the tick made more reactions than its
    reaction budget (``reason="reactions"``: the tick's later reactions are
    dropped too).  Recorded once per tick for each loop.  ``types`` is the
    chain that was cut, root first (its repeating part, for a loop), and
    ``triggers`` the names of the triggers and alarms in that loop (see
    :func:`reactor_of`), empty when plain handlers formed it."""

    depth: int
    types: tuple[str, ...]
    reason: str = "depth"
    triggers: tuple[str, ...] = ()


@event
class Despawned(Event):
    """An entity was removed from the world (its handlers are removed too)."""

    entity: int


def reactor_of(event: Event | None) -> str | None:
    """Who reacted, for an event that records a reaction (its class names the
    field in ``reactor_field``); None for any other event."""
    name = getattr(event.__class__, "reactor_field", None) if event is not None else None
    return str(getattr(event, name)) if name else None


def target_field(event_type: type) -> str | None:
    """The name of the field that names the event's target entity, if any."""
    names = {f.name for f in dataclasses.fields(event_type)} if dataclasses.is_dataclass(event_type) else set()
    for name in TARGET_FIELDS:
        if name in names:
            return name
    return None


def to_data(value: Any) -> Any:
    """Convert an event (or field value) into plain JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return value


def from_data(event_type: type[Event], data: dict[str, Any]) -> Event:
    """Rebuild an event of ``event_type`` from the data stored in a record.

    Lists become tuples again, since events are immutable.  Raises
    ``TypeError`` when the data does not fit the type's fields.
    """
    def freeze(value: Any) -> Any:
        if isinstance(value, list):
            return tuple(freeze(v) for v in value)
        return value

    names = {f.name: f for f in dataclasses.fields(event_type)}
    kwargs = {}
    for key, value in data.items():
        if key not in names:
            raise TypeError(f"{event_type.__name__} has no field {key!r}")
        kwargs[key] = value if isinstance(value, dict) else freeze(value)
    return event_type(**kwargs)
