"""``python -m engine at LOG TICK``: the game's state at a past tick, rebuilt from the log.

Event sourcing's temporal query: the log holds every input, so the state at
any tick is the state a replay reaches there.  The replay is checked line
by line against the file as it goes (:class:`~engine.replay_run.ReplayRun`),
so the values printed are the run's, or the command says the log does not
replay.  Each value is shown with the record that last changed it, so "why
is the wanted level 2 here?" leads straight to ``why``: the replay reads
every value at the end of each tick, finds the last tick in which it
differed from the tick before, and names the last record of that tick whose
type the state name declares as a changer (see
:meth:`engine.scripting.registry.Registry.state`).  A value that changed in a
tick without such a record (a timer counting up, a position) names the tick
only.
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
from engine.logbytes import LogLine, read_lines
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
    #: The last tick at whose end the value differed from the tick before
    #: (None: it has had this value since the world was built).
    changed_tick: int | None = None


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
        _check_order(lines, parsed, path)
        records = [r for r in parsed if isinstance(r, Record)]
        last = _last_tick(records)
        if not 0 <= tick <= last:
            raise ReplayError(f"tick {tick} is outside the run, which has ticks 0 to {last}")
        runtime = next((s for s in world.systems if isinstance(s, TriggerRuntime)), None)
        if runtime is None:
            raise ReplayError("the rebuilt world has no trigger runtime, so it names no state to show")
        states = sorted(runtime.registry.states.values(), key=lambda s: s.name)
        run = ReplayRun(world, lines, parsed, gap)
        history = _History(_read_all(world, states))
        while world.tick <= tick:
            stepped = world.tick
            difference = run.run(until_tick=stepped)
            if difference is not None:
                raise ReplayError(f"the replay differs from the log at line {difference.line}, before the end of "
                                  f"tick {tick}, so the values would not be the run's (python -m engine replay "
                                  "says more)")
            if world.tick == stepped:   # the log's lines ran out without stepping this tick
                raise ReplayError(f"the log ends at tick {world.tick - 1}, before tick {tick}")
            history.saw(stepped, _read_all(world, states))
        return StateAt(tick, (tick + 1) / world.tick_rate, _values(states, history, records))
    finally:
        world.close()


def _check_order(lines: Sequence[LogLine], parsed: Sequence[Record | codec.LogFormatError], path: str) -> None:
    """Raise :class:`~engine.codec.LogFormatError` for records that do not follow each other, up to the first
    line that holds none (the replay reports that one when it gets there).

    The inputs are scheduled from every record: two logs joined into one file
    fed tick 0 its inputs twice, and the answer was "the replay differs"."""
    whole = []
    for line, record in zip(lines, parsed, strict=True):
        if isinstance(record, codec.LogFormatError):
            break
        whole.append((line.number, record))
    for _ in codec.in_log_order(whole, path):
        pass


def _last_tick(records: Sequence[Record]) -> int:
    """The last tick the run stepped: the one before its end record, or its last record's."""
    if not records:
        return -1
    end = records[-1]
    return end.tick - 1 if is_end(end) else end.tick


def _read_all(world: World, states: Sequence[StateName]) -> dict[str, Any]:
    """Every state value as ``name.field`` (or ``name`` for a view that is not a dataclass)."""
    values: dict[str, Any] = {}
    for state in states:
        try:
            read = state.read(world)
        except Exception as error:  # a game's state view failing is still one line, not a traceback
            raise ReplayError(f"state {state.name!r} cannot be read: {type(error).__name__}: {error}") from None
        if dataclasses.is_dataclass(read) and not isinstance(read, type):
            for field in dataclasses.fields(read):
                values[f"{state.name}.{field.name}"] = getattr(read, field.name)
        else:
            values[state.name] = read
    return values


class _History:
    """The latest values, and the last tick in which each of them changed."""

    def __init__(self, built: dict[str, Any]) -> None:
        self.values = built
        self.changed: dict[str, int] = {}

    def saw(self, tick: int, values: dict[str, Any]) -> None:
        """Take the values at the end of ``tick``."""
        for name, value in values.items():
            if name not in self.values or _differs(self.values[name], value):
                self.changed[name] = tick
        self.values = values


def _differs(before: Any, after: Any) -> bool:
    try:
        return bool(before != after)
    except Exception:  # a value whose comparison fails (an array, say) counts as changed
        return True


def _values(states: Sequence[StateName], history: _History, records: Sequence[Record]) -> list[Value]:
    by_tick: dict[int, list[Record]] = {}
    for record in records:
        by_tick.setdefault(record.tick, []).append(record)
    values: list[Value] = []
    for state in states:
        for name, value in history.values.items():
            head, _, field = name.partition(".")
            if head != state.name:
                continue
            tick = history.changed.get(name)
            changers = {t.__name__ for t in state.changers([field] if field else None)}
            changed_by = None
            if tick is not None:
                changed_by = next((r for r in reversed(by_tick.get(tick, ())) if r.type in changers), None)
            values.append(Value(name, value, changed_by, tick))
    return values


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
        # A state name (wanted) or one value as the table prints it (wanted.level).
        def chosen(value: Value, name: str) -> bool:
            return value.name == name or value.name.partition(".")[0] == name
        unknown = [name for name in args.state if not any(chosen(v, name) for v in values)]
        if unknown:
            names = sorted({v.name.partition(".")[0] for v in values})
            raise UsageError(f"--state {unknown[0]}: no such state name (known: {', '.join(names)}; "
                             "or one value as shown, such as wanted.level)")
        values = [v for v in values if any(chosen(v, name) for name in args.state)]
    print(f"{args.log} at the end of tick {found.tick} ({found.seconds:.2f} s), rebuilt by replaying its inputs:")
    width = max((len(v.name) for v in values), default=0)
    shown = [_shown(v.value) for v in values]
    value_width = max((len(s) for s in shown), default=0)
    for value, text in zip(values, shown, strict=True):
        since = _since(value)
        print(f"  {value.name:<{width}}  {text:<{value_width}}{since}".rstrip())
    return 0


def _since(value: Value) -> str:
    changed = value.changed_by
    if changed is not None:
        return f"  last changed by #{changed.offset} {changed.type} at tick {changed.tick}"
    if value.changed_tick is not None:
        return f"  last changed at tick {value.changed_tick}, by no record"
    return ""


def _shown(value: Any) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 3] + "..."


#: The command defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {"at": CommandSpec("the value of each game state at a tick, rebuilt from the log", _at_args, cmd_at)}
