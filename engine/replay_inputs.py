"""What a replay feeds back: the input records of a log, told apart from the derived ones."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Its inputs (TriggersLoaded, TriggersReloadFailed) are in the log of any game
# with triggers: import it so their classes are loaded even if the game's
# factory did not, and EventTypes can find them.
import engine.scripting.events  # noqa: F401
from engine.events import Event, Input, defined_event_types, from_data
from engine.record import Record
from engine.scripting.shapes import declared_fields
from engine.world import World

#: Field types an input's value is held to when it is rebuilt from a log (others are taken as they are).
_SCALARS: dict[object, tuple[type, ...]] = {int: (int,), float: (int, float), str: (str,), bool: (bool,)}


class ReplayError(ValueError):
    """The log cannot be replayed (bad start record, unknown game or input type, options the game refuses)."""


@dataclass(frozen=True)
class EventTypes:
    """The event classes a replay can meet in a log, to tell inputs from the rest.

    The world's own types (those its bus has seen) come first; then every
    event class loaded, so an input the game never subscribes to, such as
    ``TriggersReloadFailed``, is still recognised.
    """

    world: dict[str, type]
    loaded: dict[str, tuple[type[Event], ...]]

    @classmethod
    def of(cls, world: World) -> EventTypes:
        """The types known to ``world`` and to this process, now."""
        return cls(world.bus.event_types, defined_event_types())

    def input_type(self, record: Record) -> type[Input] | None:
        """The Input class to rebuild ``record`` with, or None if it is derived (not an input).

        Raises :class:`ReplayError` for a type name no event class has, or one
        that several classes share when any of them is an input.
        """
        kind = self.world.get(record.type)
        if kind is not None:
            return kind if issubclass(kind, Input) else None
        candidates = self.loaded.get(record.type, ())
        inputs = [k for k in candidates if issubclass(k, Input)]
        if not candidates:
            raise ReplayError(f"offset {record.offset}: unknown event type {record.type!r}: no event class of "
                              "that name is loaded, so it cannot be told apart from an input")
        if len(inputs) == 1 and len(candidates) == 1:
            return inputs[0]
        if inputs:
            names = ", ".join(sorted(f"{k.__module__}.{k.__qualname__}" for k in candidates))
            raise ReplayError(f"offset {record.offset}: event type {record.type!r} is ambiguous ({names})")
        return None


def inputs_by_tick(records: Iterable[Record], types: EventTypes) -> dict[int, list[Record]]:
    """The input records of a log, grouped by the tick they were fed in.

    Raises :class:`ReplayError` for a record whose type is unknown: silently
    skipping it would drop an input and make the replay differ for no visible reason.
    """
    grouped: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        if record.type == "SimulationStarted":
            continue
        if record.event is not None:  # a live record: its class says it all
            is_input = isinstance(record.event, Input)
        else:
            is_input = types.input_type(record) is not None
        if is_input:
            grouped[record.tick].append(record)
    return grouped


def feed(world: World, records: Sequence[Record], types: EventTypes | None = None) -> None:
    """Emit recorded input events into ``world`` (rebuilt from their data).

    ``types`` defaults to ``EventTypes.of(world)``; pass the one used to
    group the inputs to avoid looking the classes up again.
    """
    for record in records:
        if record.event is not None:
            world.emit(record.event)
            continue
        if types is None:
            types = EventTypes.of(world)
        kind = types.input_type(record)
        if kind is None:
            raise ReplayError(f"offset {record.offset}: {record.type} is not an input; only inputs can be fed")
        misfit = _misfit(kind, record.data)
        if misfit is not None:
            raise ReplayError(f"offset {record.offset}: cannot rebuild {record.type}: {misfit}")
        try:
            world.emit(from_data(kind, record.data))
        except TypeError as error:
            raise ReplayError(f"offset {record.offset}: cannot rebuild {record.type}: {error}") from None


def _misfit(kind: type[Input], data: dict) -> str | None:
    """Why a field of ``data`` cannot be ``kind``'s (a string for a number: a hand-edited log), or None.

    Fed as it is, such an input would run, fail in whatever handler reads it first, and the
    replay would report the difference records later, far from the line at fault."""
    for name, declared in declared_fields(kind).items():
        allowed = _SCALARS.get(declared)
        if allowed is None or name not in data:
            continue
        value = data[name]
        if not isinstance(value, allowed) or (isinstance(value, bool) and declared is not bool):
            return f"field {name!r} is {value!r}, where {kind.__name__} declares {declared.__name__}"
    return None
