"""``python -m engine at LOG TICK``: the game's state at a past tick, rebuilt from the log.

Event sourcing's temporal query: the log holds every input, so the state at
any tick is the state a replay reaches there.  The replay is checked line
by line against the file as it goes (:class:`~engine.replay_run.ReplayRun`),
so the values printed are the run's, or the command says the log does not
replay.  Each value is shown with the record that last changed it (the
event types a state name declares as its changers, see
:meth:`engine.scripting.registry.Registry.state`), so "why is the wanted
level 2 here?" leads straight to ``why``.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine import codec
from engine.cli import CommandSpec, UsageError, log_problems
from engine.ending import is_end
from engine.logbytes import read_lines
from engine.record import Record
from engine.replay import ReplayError, prepare
from engine.replay_run import ReplayRun
from engine.scripting.registry import StateName
from engine.scripting.runtime import TriggerRuntime
from engine.world import World


@dataclass(frozen=True)
class Value:
    """One state value at the tick: ``name`` as trigger expressions spell it
    (``wanted.level``), and the record that last changed it (None: no
    record did, or the value changes without one, as a position does)."""

    name: str
    value: Any
    changed_by: Record | None


@dataclass(frozen=True)
class StateAt:
    """The values of every state name at the end of ``tick``."""

    tick: int
    seconds: float
    values: list[Value]


def state_at(path: str, tick: int) -> StateAt:
    """Replay the log at ``path`` up to the end of ``tick`` and read every state name.

    Raises :class:`ReplayError` when the log cannot be replayed up to there
    (the replay differs, or the tick is outside the run), and what
    :func:`engine.replay.replay_lines` raises for an unreadable log."""
    lines = read_lines(path)
    world, parsed, gap = prepare(lines, source=path)
    try:
        records = [r for r in parsed if isinstance(r, Record)]
        last = _last_tick(records)
        if not 0 <= tick <= last:
            raise ReplayError(f"tick {tick} is outside the run, which has ticks 0 to {last}")
        run = ReplayRun(world, lines, parsed, gap)
        difference = run.run(until_tick=tick)
        if difference is not None:
            raise ReplayError(f"the replay differs from the log at line {difference.line}, before the end of "
                              f"tick {tick}, so the values would not be the run's (python -m engine replay "
                              "says more)")
        if world.tick <= tick:
            raise ReplayError(f"the log ends at tick {world.tick - 1}, before tick {tick}")
        return StateAt(tick, (tick + 1) / world.tick_rate, _values(world, records, tick))
    finally:
        world.close()


def _last_tick(records: Sequence[Record]) -> int:
    """The last tick the run stepped: the one before its end record, or its last record's."""
    if not records:
        return -1
    end = records[-1]
    return end.tick - 1 if is_end(end) else end.tick


def _values(world: World, records: Sequence[Record], tick: int) -> list[Value]:
    runtime = next((s for s in world.systems if isinstance(s, TriggerRuntime)), None)
    if runtime is None:
        raise ReplayError("the rebuilt world has no trigger runtime, so it names no state to show")
    latest = _latest_of_each_type(records, tick)
    values: list[Value] = []
    for state in sorted(runtime.registry.states.values(), key=lambda s: s.name):
        try:
            read = state.read(world)
        except Exception as error:  # a game's state view failing is still one line, not a traceback
            raise ReplayError(f"state {state.name!r} cannot be read: {type(error).__name__}: {error}") from None
        if dataclasses.is_dataclass(read) and not isinstance(read, type):
            for field in dataclasses.fields(read):
                values.append(Value(f"{state.name}.{field.name}", getattr(read, field.name),
                                    _changed(state, [field.name], latest)))
        else:
            values.append(Value(state.name, read, _changed(state, None, latest)))
    return values


def _latest_of_each_type(records: Sequence[Record], tick: int) -> dict[str, Record]:
    latest: dict[str, Record] = {}
    for record in records:
        if record.tick > tick:
            break
        latest[record.type] = record
    return latest


def _changed(state: StateName, fields: list[str] | None, latest: dict[str, Record]) -> Record | None:
    found = [latest[t.__name__] for t in state.changers(fields) if t.__name__ in latest]
    return max(found, key=lambda r: r.offset) if found else None


# -- the command ------------------------------------------------------------------

#: Values longer than this are cut in the table (the whole value is in the log).
MAX_VALUE = 40


def _at_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")
    p.add_argument("tick", metavar="TICK", type=_tick, help="the tick to look at (its end: after its records)")
    p.add_argument("--state", action="append", metavar="NAME",
                   help="show only this state name (wanted, player, ...; may be given again)")


def _tick(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of ticks, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a tick of 0 or more, got {text!r}")
    return value


def cmd_at(args: argparse.Namespace) -> int:
    """``at``: print every state value at the end of a tick, each with the record that last changed it."""
    try:
        with log_problems(args.log):
            found = state_at(args.log, args.tick)
    except ReplayError as error:
        raise UsageError(f"{args.log}: {error}") from None
    except codec.LogFormatError as error:
        raise UsageError(str(error)) from None
    values = found.values
    if args.state:
        names = {v.name.partition(".")[0] for v in values}
        unknown = [name for name in args.state if name not in names]
        if unknown:
            raise UsageError(f"--state {unknown[0]}: no such state name (known: {', '.join(sorted(names))})")
        values = [v for v in values if v.name.partition(".")[0] in args.state]
    print(f"{args.log} at the end of tick {found.tick} ({found.seconds:.2f} s), rebuilt by replaying its inputs:")
    width = max((len(v.name) for v in values), default=0)
    shown = [_shown(v.value) for v in values]
    value_width = max((len(s) for s in shown), default=0)
    for value, text in zip(values, shown, strict=True):
        changed = value.changed_by
        since = f"  last changed by #{changed.offset} {changed.type} at tick {changed.tick}" if changed else ""
        print(f"  {value.name:<{width}}  {text:<{value_width}}{since}".rstrip())
    return 0


def _shown(value: Any) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 3] + "..."


#: The command defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {"at": CommandSpec("the value of each game state at a tick, rebuilt from the log", _at_args, cmd_at)}
