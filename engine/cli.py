"""``python -m engine``: look into event logs from the command line.

Commands: ``trace`` (print records), ``why`` (causal chain of a record) and
``stats`` (counts per type and tick range).  They stream the file (see
:mod:`engine.logscan`): memory stays bounded and big files use every core.  Other modules add theirs through
:data:`COMMANDS`.  User mistakes get one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import stat
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NoReturn

from engine import codec, logscan
from engine.logscan import ChunkTool
from engine.logtools import MAX_TYPES, ConsequencesTool, StatsTool, TraceTool, WhyTool, consequences
from engine.query import causal_chain
from engine.record import Record

USAGE_ERROR = 2


class UsageError(Exception):
    """A mistake of the user's: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


@contextlib.contextmanager
def log_problems(path: str) -> Iterator[None]:
    """Turn any problem reading the log at ``path`` into a one-line :class:`UsageError`."""
    try:
        yield
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected a .jsonl log file") from None
    except codec.LogFormatError as error:
        raise UsageError(str(error)) from None
    except BrokenPipeError:
        raise   # stdout's reader went away (`| head`): not the log's fault; main() ends quietly
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def load_log(path: str, cut_ok: bool = False) -> list[Record]:
    """Read a log file for a command; any problem becomes a one-line :class:`UsageError`.

    ``cut_ok``: a last line cut off (a run killed while writing) is a one-line
    warning, and the records before it are returned, as :func:`scan_log` does."""
    with log_problems(path), open(path, "rb") as file:
        records = codec.read_file(file, path)
        return list(before_the_cut(records) if cut_ok else records)


def before_the_cut(records: Iterator[Record]) -> Iterator[Record]:
    """``records`` up to a last line cut off, which is a one-line warning on stderr instead of an error."""
    try:
        yield from records
    except codec.CutOffLine as cut:
        print(f"warning: {cut}", file=sys.stderr)


def scan_log(path: str, make_tool: Callable[[], ChunkTool], state: logscan.Scan) -> Iterator[Any]:
    """Stream the log at ``path`` through a tool (see :func:`engine.logscan.scan`).

    A problem is a one-line :class:`UsageError`; a last line cut off is a
    one-line warning on stderr, and the values of every whole line before it
    are still handed out (the exit status stays 0)."""
    with log_problems(path):
        try:
            yield from logscan.scan(path, make_tool, state=state)
        except codec.CutOffLine as cut:
            print(f"warning: {cut}", file=sys.stderr)


def parse_ticks(text: str) -> tuple[int | None, int | None]:
    """``A:B`` → ``(A, B)``; either side may be empty."""
    lo, sep, hi = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected a tick range A:B (one tick T is T:T+1), got {text!r}")
    try:
        start, end = (int(lo) if lo.strip() else None, int(hi) if hi.strip() else None)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers in the tick range A:B, got {text!r}") from None
    if start is not None and end is not None and end < start:
        raise argparse.ArgumentTypeError(f"the tick range {text!r} ends before it starts")
    return start, end


def cmd_trace(args: argparse.Namespace) -> int:
    """``trace``: print the records that match the filters, one a line, as the file is read."""
    state = logscan.Scan()
    types: set[str] = set()
    type_seen: set[str] = set()
    write = sys.stdout.write
    for text, seen, found in scan_log(args.log, partial(TraceTool, args.type, args.entity, args.ticks, args.full),
                                      state):
        write(text)
        type_seen |= found
        if len(types) < MAX_TYPES:
            types |= seen
    missing = [t for t in args.type or () if t not in type_seen]
    if missing:
        listed = sorted(types)
        more = f" and {len(listed) - 30} more" if len(listed) > 30 else ""
        hint = "; give each type its own --type" if "," in missing[0] else ""
        raise UsageError(f"{args.log}: no records of type {missing[0]!r}{hint} "
                         f"(types present: {', '.join(listed[:30]) or 'none'}{more})")
    return 0


#: ``why`` indents each record under its cause, up to this depth (a chain can be as long as the log).
MAX_INDENT = 32


def cmd_why(args: argparse.Namespace) -> int:
    """``why``: print a record's causal chain, root first.

    One pass over the file keeps where each line starts; the chain's lines are then read back."""
    with log_problems(args.log):
        if not stat.S_ISREG(os.stat(args.log).st_mode):
            raise UsageError(f"{args.log}: not a regular file; why reads the chain's lines back, so it needs a file")
    state = logscan.Scan()
    positions: array[int] = array("q")
    causes: array[int] = array("q")
    if args.forward:
        for chunk_positions, chunk_causes in scan_log(args.log, ConsequencesTool, state):
            positions.extend(chunk_positions)
            causes.extend(chunk_causes)
    else:
        for chunk in scan_log(args.log, WhyTool, state):
            positions.extend(chunk)
    first = state.first[0] if state.first else 0
    if not 0 <= args.offset - first < len(positions):
        span = f"{first}..{first + len(positions) - 1}" if positions else "none"
        raise UsageError(f"{args.log}: no record at offset {args.offset} (offsets in file: {span})")
    with log_problems(args.log):
        file = open(args.log, "rb")
    with file:
        def lookup(offset: int) -> Record | None:
            index = offset - first
            if not 0 <= index < len(positions):
                return None
            # Only reading is the log's problem: an error writing the tree (a closed
            # pipe, a full disk) is the output's, and main reports it as that.
            with log_problems(args.log):
                file.seek(positions[index])
                number, text, _ = next(codec.lines_of(file, args.log))
                return codec.decode_line(text, args.log, number)
        if args.forward:
            _print_consequences(args.offset, consequences(args.offset, first, causes), lookup)
            return 0
        chain = causal_chain(args.offset, lookup)
    for depth, record in enumerate(chain):
        print(("  " * min(depth, MAX_INDENT) + ("└ " if depth else "")) + record.describe())
    if chain[0].cause is not None:
        print(f"(chain continues before offset {chain[0].offset}, which the file no longer holds)")
    return 0


#: ``why --forward`` prints at most this many records of the tree, then says how many more there are.
MAX_CONSEQUENCES = 500


def _print_consequences(offset: int, children: dict[int, list[int]],
                        lookup: Callable[[int], Record | None]) -> None:
    """The tree of what the record at ``offset`` caused, the record first, each record under its cause."""
    stack, printed = [(offset, 0)], 0
    while stack and printed < MAX_CONSEQUENCES:
        current, depth = stack.pop()
        record = lookup(current)
        if record is None:
            continue
        print(("  " * min(depth, MAX_INDENT) + ("└ " if depth else "")) + record.describe())
        printed += 1
        stack.extend((child, depth + 1) for child in reversed(children[current]))
    if len(children) > printed:
        print(f"... and {len(children) - printed} more records it caused (the tree is cut at {MAX_CONSEQUENCES})")
    elif len(children) == 1:
        print("(it caused nothing)")


def cmd_stats(args: argparse.Namespace) -> int:
    """``stats``: counts per event type and per tick range, in a bounded number of rows."""
    state = logscan.Scan()
    total = StatsTool(args.bucket)
    for chunk in scan_log(args.log, partial(StatsTool, args.bucket), state):
        total.merge(chunk)
    if not state.records:
        print(f"{args.log}: empty log")
        return 0
    counts, other, ticks = total.result()
    if other:
        counts = Counter({**counts, f"(types past the first {MAX_TYPES})": other})
    width = max(len(t) for t in counts)
    (first_offset, first_tick), (last_offset, last_tick) = state.first, state.last  # type: ignore[misc]
    print(f"{state.records} records, offsets {first_offset}..{last_offset}, ticks {first_tick}..{last_tick}")
    print()
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{name:<{width}}  {count:>8}")
    print()
    if ticks.width == args.bucket:
        print(f"records per {args.bucket} ticks:")
    else:
        print(f"records per {ticks.width} ticks ({args.bucket} asked; widened to show at most {ticks.max_rows} rows):")
    rows = ticks.rows()
    biggest = max(n for _, _, n in rows)
    for start, end, n in rows:
        bar = "#" * max(0, round(40 * n / biggest))
        print(f"{start:>8}..{end:<8} {n:>7} {bar}")
    return 0


Command = Callable[[argparse.Namespace], int]
ArgumentAdder = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class CommandSpec:
    """One CLI command: its help, the function that adds its arguments, the function to run."""

    help: str
    add_arguments: ArgumentAdder
    run: Command


#: Every command, by name -> the module whose ``CLI_COMMANDS`` defines it.
#: A plain table: importing a module registers nothing anywhere, and a
#: module is imported only when the command line is built.
COMMANDS: dict[str, str] = {
    "trace": "engine.cli", "why": "engine.cli", "stats": "engine.cli",
    "check": "engine.scripting.cli", "replay": "engine.replay", "at": "engine.state_at", "plot": "engine.plot",
    "graph": "engine.graph_cli",
    "publish": "engine.streams.cli", "fetch": "engine.streams.cli", "follow": "engine.streams.cli",
}


def load_commands() -> dict[str, CommandSpec]:
    """The commands of :data:`COMMANDS` whose module can be imported (an
    optional part that is not installed leaves its command out)."""
    found: dict[str, CommandSpec] = {}
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name is None or not module_name.startswith(error.name):
                raise
            continue
        found[name] = module.CLI_COMMANDS[name]
    return found


def _trace_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")
    p.add_argument("--type", metavar="T", action="append",
                   help="only records of this event type (may be given again: records of any of them)")
    p.add_argument("--entity", metavar="E", type=int, help="only records naming this entity")
    p.add_argument("--ticks", metavar="A:B", type=parse_ticks, help="only ticks A <= tick < B")
    p.add_argument("--full", action="store_true", help="show values whole (long text is cut with ... otherwise)")


def _why_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")
    p.add_argument("offset", metavar="OFFSET", type=int)
    p.add_argument("--forward", action="store_true",
                   help="print what the record caused (its consequences, as a tree) instead of its causes")


def _stats_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")
    p.add_argument("--bucket", type=positive_int, default=600, metavar="TICKS", help="tick range size (default 600)")


#: The commands defined here (see :data:`COMMANDS`).
CLI_COMMANDS = {
    "trace": CommandSpec("print records, one a line", _trace_args, cmd_trace),
    "why": CommandSpec("print the causal chain of a record, root first", _why_args, cmd_why),
    "stats": CommandSpec("counts per event type and per tick range", _stats_args, cmd_stats),
}


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m engine`` argument parser with every registered command."""
    parser = _Parser(prog="python -m engine", description="Inspect and check Wanted event logs and triggers.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, spec in load_commands().items():
        p = sub.add_parser(name, help=spec.help, description=spec.help)
        spec.add_arguments(p)
        p.set_defaults(run=spec.run)
    return parser


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            names = ", ".join(COMMANDS)
            raise UsageError(f"no command given; one of: {names} (see 'python -m engine --help')")
        return finish_output(args.run(args))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # output that cannot be written (a full disk, say): still one line
        return _cannot_write(error)


def finish_output(status: int) -> int:
    """``status``, once what is left in stdout's buffer is written (for a command's ``main``).

    stdout is block-buffered when it is not a terminal, so a command's last
    output is written at exit, where a failure is an "Exception ignored"
    report and exit status 120.  Flushed here instead: a reader that went
    away (``| head``) ends it quietly, output that cannot be written (a full
    disk) is one line and exit status 1.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as error:
        return _cannot_write(error)
    return status


def _cannot_write(error: OSError) -> int:
    """Say in one line that the output cannot be written; the exit status for it."""
    _silence_stdout()
    print(f"error: cannot write the output: {error.strerror or error}", file=sys.stderr)
    return 1


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at /dev/null keeps that
    # second failure from printing an "Exception ignored" report.
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
