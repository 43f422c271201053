"""Replay: run a simulation again from its log and check it comes out the same.

A log holds everything needed: its first record, ``SimulationStarted``,
carries the seed and the run's options, and every :class:`~engine.Input`
record is something that came from outside.  Everything else is derived, so
feeding the inputs back in at their ticks must give the same log, byte for
byte.  ``python -m engine replay LOG.jsonl`` checks exactly that.

A game says how to rebuild its world through an entry point in the
``wanted.games`` group: a function ``factory(seed, options) -> World`` that
builds the world without feeding it any input.  The run's options name the
entry point under the key ``"game"``.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

# Its inputs (TriggersLoaded, TriggersReloadFailed) are in the log of any game
# with triggers: import it so their classes are loaded even if the game's
# factory did not, and EventTypes can find them.
import engine.scripting.events  # noqa: F401
from engine import codec
from engine.cli import CommandSpec, UsageError, load_log
from engine.events import Event, Input, defined_event_types, from_data
from engine.record import Record
from engine.world import World

ENTRY_POINT_GROUP = "wanted.games"

Factory = Callable[[int, dict[str, Any]], World]


class ReplayError(ValueError):
    """The log cannot be replayed (bad start record, unknown game or input type, options the game refuses)."""


@dataclass
class ReplayResult:
    """The outcome: the new log and the first offset where it differs, if any."""

    records: list[Record]
    first_difference: int | None
    original_count: int

    @property
    def identical(self) -> bool:
        """True if the replay reproduced the log exactly."""
        return self.first_difference is None


def find_factory(name: str) -> Factory:
    """The world factory a game declared under ``name`` in ``wanted.games``."""
    for point in entry_points(group=ENTRY_POINT_GROUP):
        if point.name == name:
            return point.load()
    known = ", ".join(sorted(p.name for p in entry_points(group=ENTRY_POINT_GROUP))) or "none installed"
    raise ReplayError(f"no game named {name!r} to replay with (known: {known}); is it installed?")


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
        try:
            world.emit(from_data(kind, record.data))
        except TypeError as error:
            raise ReplayError(f"offset {record.offset}: cannot rebuild {record.type}: {error}") from None


def replay(records: Sequence[Record], factory: Factory | None = None) -> ReplayResult:
    """Re-run the simulation a log describes and compare the new log with it.

    Raises :class:`ReplayError` if the log cannot be replayed: no valid
    ``SimulationStarted`` record, an unknown game, options the game refuses,
    or an input type that no loaded class has.
    """
    seed, options = start_of(records)
    game = options.get("game")
    if factory is None:
        if game is None:
            raise ReplayError("SimulationStarted names no game in its options; cannot rebuild the world")
        factory = find_factory(game)
    world = _build_world(factory, game or getattr(factory, "__name__", "?"), seed, options)
    rate = records[0].data.get("tick_rate")
    if rate is not None and rate != world.tick_rate:
        world.close()
        # Steps of another length would diverge at once; say why instead of "differs at offset 0".
        raise ReplayError(f"SimulationStarted (offset 0): the log was recorded at {_shown(rate)} ticks/s, "
                          f"but the game rebuilds its world at {world.tick_rate}")
    try:
        types = EventTypes.of(world)
        grouped = inputs_by_tick(records, types)
        for tick in range(records[-1].tick + 1):
            feed(world, grouped.get(tick, ()), types)
            world.step()
        new_records = list(world.log)[: len(records)]
    finally:
        world.close()
    return ReplayResult(new_records, first_difference(records, new_records), len(records))


def start_of(records: Sequence[Record]) -> tuple[int, dict[str, Any]]:
    """The seed and options of a log's ``SimulationStarted`` record, checked."""
    if not records or records[0].type != "SimulationStarted" or records[0].offset != 0:
        raise ReplayError("the log does not start with a SimulationStarted record at offset 0")
    data = records[0].data
    where = "SimulationStarted (offset 0)"
    for key in ("seed", "options"):
        if key not in data:
            raise ReplayError(f"{where} has no {key!r}; cannot rebuild the world")
    seed, options = data["seed"], data["options"]
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ReplayError(f"{where}: 'seed' must be a whole number, found {_shown(seed)}")
    if not isinstance(options, dict):
        raise ReplayError(f"{where}: 'options' must be a JSON object, found {_shown(options)}")
    game = options.get("game")
    if game is not None and not isinstance(game, str):
        raise ReplayError(f"{where}: option 'game' must be the name of a game, found {_shown(game)}")
    return seed, dict(options)


def _build_world(factory: Factory, game: str, seed: int, options: dict[str, Any]) -> World:
    """Call the game's factory; options it refuses become a :class:`ReplayError`."""
    try:
        return factory(seed, dict(options))
    except (TypeError, ValueError) as error:
        # Chained (not "from None") so a bug in a factory still shows its traceback to a caller in Python.
        raise ReplayError(f"game {game!r} cannot rebuild the world from SimulationStarted (offset 0): "
                          f"{error}") from error


def _shown(value: Any) -> str:
    """A value's repr, cut short: a corrupt log can hold a huge one."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _plural(count: int, word: str) -> str:
    """``1 record``, ``2 records``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def first_difference(a: Sequence[Record], b: Sequence[Record]) -> int | None:
    """The first offset at which two logs differ as JSON Lines (or where one ends)."""
    for left, right in zip(a, b, strict=False):
        if codec.encode(left) != codec.encode(right):
            return left.offset
    if len(a) != len(b):
        shorter = a if len(a) < len(b) else b
        return (shorter[-1].offset + 1) if shorter else 0
    return None


def _replay_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")


def cmd_replay(args: argparse.Namespace) -> int:
    """``replay``: re-run a log; exit 0 if identical, 1 with the first differing offset."""
    records = load_log(args.log)
    try:
        result = replay(records)
    except ReplayError as error:
        raise UsageError(f"{args.log}: {error}") from None
    if result.identical:
        print(f"replayed {_plural(len(records), 'record')}: identical")
        return 0
    offset = result.first_difference
    print(f"replay differs from {args.log} at offset {offset}:")
    by_offset = {r.offset: r for r in records}
    new = {r.offset: r for r in result.records}
    print(f"  log:    {by_offset[offset].describe() if offset in by_offset else '(ends before this offset)'}")
    print(f"  replay: {new[offset].describe() if offset in new else '(ends before this offset)'}")
    return 1


#: The command defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {"replay": CommandSpec("re-run a log from its SimulationStarted and inputs; "
                                      "check the result is identical", _replay_args, cmd_replay)}
