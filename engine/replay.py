"""Replay: run a simulation again from its log and check it comes out the same.

A log holds everything needed: its first record, ``SimulationStarted``,
carries the seed and the run's options, and every :class:`~engine.Input`
record is something that came from outside.  Everything else is derived, so
feeding the inputs back in at their ticks must give the same log, byte for
byte.  ``python -m engine replay LOG.jsonl`` checks exactly that: it
compares the file's own bytes with the lines the replay writes, as it
goes (:mod:`engine.replay_run`), and a run that ended says so in its last
record (:mod:`engine.ending`), so a file cut short is not taken for a
shorter run.

A game says how to rebuild its world through an entry point in the
``wanted.games`` group: a function ``factory(seed, options) -> World`` that
builds the world without feeding it any input.  The run's options name the
entry point under the key ``"game"``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from engine import codec
from engine.cli import CommandSpec, UsageError
from engine.failures import failures_once
from engine.logbytes import EXCERPT, LogLine, canonical_line, excerpt, first_differing_byte, parse_record, read_lines
from engine.record import Record
from engine.replay_inputs import EventTypes, ReplayError, feed, inputs_by_tick
from engine.replay_run import DEFAULT_MAX_GAP, Difference, ReplayRun
from engine.world import World

__all__ = ["DEFAULT_MAX_GAP", "Difference", "EventTypes", "ReplayError", "ReplayResult", "feed", "find_factory",
           "inputs_by_tick", "prepare", "replay", "replay_file", "replay_lines", "start_of"]

ENTRY_POINT_GROUP = "wanted.games"

Factory = Callable[[int, dict[str, Any]], World]


@dataclass
class ReplayResult:
    """The outcome: the records the replay wrote (up to where it stopped) and the first difference, if any."""

    records: list[Record]
    difference: Difference | None
    lines: int

    @property
    def identical(self) -> bool:
        """True if the replay wrote the log's bytes exactly."""
        return self.difference is None


def find_factory(name: str) -> Factory:
    """The world factory a game declared under ``name`` in ``wanted.games``."""
    for point in entry_points(group=ENTRY_POINT_GROUP):
        if point.name == name:
            return point.load()
    known = ", ".join(sorted(p.name for p in entry_points(group=ENTRY_POINT_GROUP))) or "none installed"
    raise ReplayError(f"no game named {name!r} to replay with (known: {known}); is it installed?")


def replay(records: Sequence[Record], factory: Factory | None = None, max_gap: float | None = None) -> ReplayResult:
    """Re-run the simulation that ``records`` describe and compare, as
    :func:`replay_lines` does, with the lines a log file of them would hold."""
    lines, start = [], 0
    for number, record in enumerate(records, start=1):
        raw = canonical_line(record)
        lines.append(LogLine(number, start, raw))
        start += len(raw)
    return replay_lines(lines, factory, max_gap=max_gap)


def replay_file(path: str | Path, factory: Factory | None = None, max_gap: float | None = None) -> ReplayResult:
    """Re-run the log file at ``path`` and compare it with its own bytes.

    Raises ``OSError`` if it cannot be read, and what :func:`replay_lines` raises.
    """
    return replay_lines(read_lines(path), factory, str(path), max_gap)


def replay_lines(lines: Sequence[LogLine], factory: Factory | None = None, source: str = "<log>",
                 max_gap: float | None = None) -> ReplayResult:
    """Re-run the simulation a log's lines describe, comparing as it goes.

    Each record the replay writes is compared at once with the next line's
    bytes, and the run stops at the first difference.  ``max_gap`` is the
    most game time, in seconds, simulated between two records of the log
    (default :data:`DEFAULT_MAX_GAP`).  Raises :class:`~engine.codec.LogFormatError`
    if the first line is no record, and :class:`ReplayError` if the log
    cannot be replayed: no valid ``SimulationStarted`` record, an unknown
    game, options the game refuses, an input type that no loaded class has,
    or a gap longer than ``max_gap``.
    """
    world, parsed, gap = prepare(lines, factory, source, max_gap)
    try:
        run = ReplayRun(world, lines, parsed, gap)
        difference = run.run()
    finally:
        world.close()
    return ReplayResult(run.records, difference, len(lines))


def prepare(lines: Sequence[LogLine], factory: Factory | None = None, source: str = "<log>",
            max_gap: float | None = None, edit_options: Callable[[dict[str, Any]], dict[str, Any]] | None = None
            ) -> tuple[World, list[Record | codec.LogFormatError], int]:
    """The world a log's first line describes, built and not yet stepped, the
    lines parsed, and ``max_gap`` in ticks: what a :class:`ReplayRun` needs.

    ``edit_options`` may change the run's options before the world is built
    (a what-if replay loads other extensions).  Raises what
    :func:`replay_lines` raises; the caller closes the world."""
    parsed = _parse_lines(lines, source)
    first = parsed[0] if parsed else None
    if isinstance(first, codec.LogFormatError):
        raise first
    seed, options = start_of([first] if first is not None else [])
    game = options.get("game")
    if factory is None:
        if game is None:
            raise ReplayError("SimulationStarted names no game in its options; cannot rebuild the world")
        factory = find_factory(game)
    if edit_options is not None:
        options = edit_options(options)
    world = _build_world(factory, game or getattr(factory, "__name__", "?"), seed, options)
    rate = first.data.get("tick_rate")  # type: ignore[union-attr]
    if rate is not None and rate != world.tick_rate:
        world.close()
        # Steps of another length would diverge at once; say why instead of "differs at line 2".
        raise ReplayError(f"SimulationStarted (offset 0): the log was recorded at {_shown(rate)} ticks/s, "
                          f"but the game rebuilds its world at {world.tick_rate}")
    gap = round((DEFAULT_MAX_GAP if max_gap is None else max_gap) * world.tick_rate)
    return world, parsed, gap


def _parse_lines(lines: Sequence[LogLine], source: str) -> list[Record | codec.LogFormatError]:
    """Each line's record, or the error that says why it holds none."""
    parsed: list[Record | codec.LogFormatError] = []
    for line in lines:
        try:
            parsed.append(parse_record(line, source))
        except codec.LogFormatError as error:
            parsed.append(error)
    return parsed


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


def _replay_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")
    p.add_argument("--max-gap", type=_seconds, default=DEFAULT_MAX_GAP, metavar="SECONDS",
                   help=f"most game time simulated between two records of the log (default {DEFAULT_MAX_GAP:g})")
    p.add_argument("--triggers", metavar="DIR",
                   help="what-if: re-run the recorded inputs under the trigger files and extensions in DIR "
                        "instead of the run's, and report what changed")


#: The most ``--max-gap`` may be: about 30 years of game time, as trigger files bound their seconds.
MAX_GAP_SECONDS = 10**9


def _seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    if value > MAX_GAP_SECONDS:   # 1e308 overflowed when turned into ticks (a traceback)
        raise argparse.ArgumentTypeError(f"expected at most {MAX_GAP_SECONDS:,} seconds, got {text!r}")
    return value


def cmd_replay(args: argparse.Namespace) -> int:
    """``replay``: re-run a log; exit 0 if identical, 1 with the first differing line and both versions.

    With ``--triggers DIR``, a what-if replay instead (:mod:`engine.whatif`): a report, exit 0."""
    if args.triggers is not None:
        # Imported here: the what-if replay is built on this module.
        from engine.whatif_report import cmd_what_if
        return cmd_what_if(args)
    try:
        with failures_once():  # a trigger that fails at every event is one stderr line, as in the game
            result = replay_file(args.log, max_gap=args.max_gap)
    except FileNotFoundError:
        raise UsageError(f"{args.log}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{args.log}: is a directory, expected a .jsonl log file") from None
    except OSError as error:
        raise UsageError(f"{args.log}: {error.strerror or error}") from None
    except codec.LogFormatError as error:
        raise UsageError(str(error)) from None
    except ReplayError as error:
        raise UsageError(f"{args.log}: {error}") from None
    if result.identical:
        print(f"replayed {result.lines} records: identical")   # at least SimulationStarted and SimulationEnded
        return 0
    for line in describe_difference(args.log, result.difference):  # type: ignore[arg-type]
        print(line)
    return 1


def describe_difference(source: str, difference: Difference) -> list[str]:
    """The report of a difference: where, why, and both versions of the line (cut when long)."""
    at = difference.byte - _line_start(difference)
    return [f"replay differs from {source} at line {difference.line} (byte {difference.byte}):",
            f"  {difference.reason}",
            f"  log:    {_version(difference.logged, at, 'the file ends before this line')}",
            f"  replay: {_version(difference.replayed, at, 'the replay writes no record here')}"]


def _line_start(difference: Difference) -> int:
    """Where the differing line starts in the file."""
    shared = difference.logged if difference.logged is not None else b""
    return difference.byte - first_differing_byte(shared, difference.replayed or b"") if shared else difference.byte


def _version(raw: bytes | None, at: int, missing: str) -> str:
    """One side's line as shown: printable, cut around byte ``at``."""
    if raw is None:
        return f"({missing})"
    # Decode only a window around the difference: a line can be many megabytes long.
    low, high = max(0, at - 2 * EXCERPT), at + 2 * EXCERPT
    shown = excerpt(raw[low:high].decode("utf-8", "backslashreplace"), at - low, byte=True)
    if low and not shown.startswith("..."):
        shown = "..." + shown
    if high < len(raw) and not shown.endswith("..."):
        shown += "..."
    return shown


#: The command defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {"replay": CommandSpec("re-run a log from its SimulationStarted and inputs; "
                                      "check it writes the same bytes", _replay_args, cmd_replay)}
