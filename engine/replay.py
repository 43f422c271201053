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

from engine import codec
from engine.cli import UsageError, add_command, load_log
from engine.events import Input, from_data
from engine.record import Record
from engine.world import World

ENTRY_POINT_GROUP = "wanted.games"

Factory = Callable[[int, dict[str, Any]], World]


class ReplayError(ValueError):
    """The log cannot be replayed (no start record, unknown game or input type)."""


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


def inputs_by_tick(records: Iterable[Record], event_types: dict[str, type]) -> dict[int, list[Record]]:
    """The input records of a log, grouped by the tick they were fed in."""
    grouped: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        if record.type == "SimulationStarted":
            continue
        kind = event_types.get(record.type)
        if kind is None:
            if record.event is not None and isinstance(record.event, Input):
                grouped[record.tick].append(record)
            continue
        if issubclass(kind, Input):
            grouped[record.tick].append(record)
    return grouped


def feed(world: World, records: Sequence[Record]) -> None:
    """Emit recorded input events into ``world`` (rebuilt from their data)."""
    types = world.bus.event_types
    for record in records:
        if record.event is not None:
            world.emit(record.event)
            continue
        kind = types.get(record.type)
        if kind is None:
            raise ReplayError(f"offset {record.offset}: input type {record.type!r} is unknown to this game")
        try:
            world.emit(from_data(kind, record.data))
        except TypeError as error:
            raise ReplayError(f"offset {record.offset}: cannot rebuild {record.type}: {error}") from None


def replay(records: Sequence[Record], factory: Factory | None = None) -> ReplayResult:
    """Re-run the simulation a log describes and compare the new log with it."""
    if not records or records[0].type != "SimulationStarted" or records[0].offset != 0:
        raise ReplayError("the log does not start with a SimulationStarted record at offset 0")
    start = records[0].data
    options = dict(start.get("options") or {})
    if factory is None:
        if "game" not in options:
            raise ReplayError("SimulationStarted names no game in its options; cannot rebuild the world")
        factory = find_factory(str(options["game"]))
    world = factory(int(start["seed"]), options)
    grouped = inputs_by_tick(records, world.bus.event_types)
    last_tick = records[-1].tick
    for tick in range(last_tick + 1):
        feed(world, grouped.get(tick, ()))
        world.step()
    new_records = list(world.log)[: len(records)] if len(list(world.log)) > len(records) else list(world.log)
    world.close()
    return ReplayResult(new_records, first_difference(records, new_records), len(records))


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
        print(f"replayed {len(records)} records: identical")
        return 0
    offset = result.first_difference
    print(f"replay differs from {args.log} at offset {offset}:")
    by_offset = {r.offset: r for r in records}
    new = {r.offset: r for r in result.records}
    print(f"  log:    {by_offset[offset].describe() if offset in by_offset else '(ends before this offset)'}")
    print(f"  replay: {new[offset].describe() if offset in new else '(ends before this offset)'}")
    return 1


add_command("replay", "re-run a log from its SimulationStarted and inputs; check the result is identical",
            _replay_args, cmd_replay)
