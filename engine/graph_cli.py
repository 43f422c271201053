"""``python -m engine graph [DIR] -o graph.svg|png|dot [--log LOG]``: draw the trigger graph.

The folder's trigger files and Python extensions are loaded as ``check``
loads them (against the installed games' registry), so whatever ``check``
refuses is refused here with the same line.  Without a folder, the graph
is of the trigger folder an installed game declares as its own (the
``wanted.triggers`` entry point group), or, given ``--log``, of the files
that run loaded (its first ``TriggersLoaded`` record).  With ``--log``,
each edge is weighted by how often it fired in that run.

Writing ``.dot`` needs nothing more; ``.svg`` and ``.png`` run Graphviz's
``dot`` program (Debian: ``apt-get install graphviz``), bounded in time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from importlib.metadata import entry_points
from pathlib import Path

from engine import codec
from engine.cli import CommandSpec, UsageError, before_the_cut, log_problems
from engine.graph import TriggerGraph, build, to_dot, weigh
from engine.logbytes import read_lines
from engine.scripting.cli import find_registry
from engine.scripting.extensions import extension_files, load_extensions
from engine.scripting.loader import TriggerFileError, load_sources, read_sources, trigger_files
from engine.scripting.model import TriggerSet
from engine.scripting.registry import Registry
from engine.scripting.runtime import TriggerRuntime

ENTRY_POINT_GROUP = "wanted.triggers"
FORMATS = ("svg", "png", "dot")
#: Longest ``dot`` may take to lay out a graph, in seconds (a folder of thousands of triggers).
DOT_TIMEOUT = 60
#: Most nodes drawn as a picture; a bigger graph is refused for svg/png (its .dot can still be written).
MAX_DRAWN_NODES = 1500


def shipped_folder() -> Path:
    """The trigger folder the installed game declares (``wanted.triggers``); a one-line error if none or several."""
    found = list(entry_points(group=ENTRY_POINT_GROUP))
    if len(found) != 1:
        names = ", ".join(sorted(p.name for p in found)) or "none installed"
        raise UsageError(f"name a trigger folder (games declaring one in '{ENTRY_POINT_GROUP}': {names})")
    return Path(found[0].load())


def load_folder(folder: Path, registry_module: str | None) -> tuple[TriggerSet, object]:
    """The folder's triggers (files and extensions) and the registry they were checked against.

    ``folder`` may also be one ``.toml`` trigger file or ``.py`` extension, as ``check`` takes."""
    if not folder.is_dir() and not (folder.is_file() and folder.suffix in (".toml", ".py")):
        raise UsageError(f"{folder}: not a folder, a .toml trigger file or a .py extension")
    if not trigger_files([folder]) and not extension_files([folder]):
        raise UsageError(f"{folder}: no .toml trigger files or .py extensions in this folder")
    registry = find_registry(registry_module)
    try:
        extensions = load_extensions([folder], registry)
        sources, problems = read_sources([folder])
        if problems:
            raise TriggerFileError(problems)
        loaded = load_sources(sources, extensions.registry, taken=extensions.triggers, endless_loops=True)
    except TriggerFileError as error:
        raise UsageError(_first_problem(error, f"python -m engine check {folder}")) from None
    return loaded + extensions.triggers, extensions.registry


def load_logged(log: str, registry_module: str | None) -> tuple[TriggerSet, object]:
    """The triggers of the run at ``log``: its first ``TriggersLoaded`` files and the extensions it loaded.

    The world the log's first line describes is built (not stepped), as a
    replay builds it, so the run's recorded extensions are loaded and
    checked as replay checks them; with ``registry_module`` only the files
    are read, against that registry."""
    with log_problems(log), open(log, "rb") as file:
        for record in codec.read_file(file, log):
            if record.type == "TriggersLoaded":
                sources = record.data.get("sources")
                break
        else:
            raise UsageError(f"{log}: the run loaded no trigger files (no TriggersLoaded record); name a folder")
    if not isinstance(sources, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in sources.items()):
        raise UsageError(f"{log}: its TriggersLoaded record holds no table of file texts")
    if registry_module is not None:
        registry, code = find_registry(registry_module), TriggerSet()
    else:
        registry, code = _run_registry(log)
    try:
        return load_sources(sources, registry, taken=code, endless_loops=True) + code, registry
    except TriggerFileError as error:
        raise UsageError(_first_problem(error, "that run's files")) from None


def _run_registry(log: str) -> tuple[Registry, TriggerSet]:
    """The registry and Python triggers of the world the run at ``log`` was built with."""
    from engine.replay import ReplayError, prepare

    with log_problems(log):
        try:
            world, _, _ = prepare(read_lines(log), source=log)
        except ReplayError as error:
            raise UsageError(f"{log}: cannot rebuild the run's world to read its triggers: {error}") from None
    try:
        runtime = next((s for s in world.systems if isinstance(s, TriggerRuntime)), None)
        if runtime is None:
            raise UsageError(f"{log}: the run's world has no trigger runtime; name a folder")
        return runtime.registry, runtime.code_set
    finally:
        world.close()


def _first_problem(error: TriggerFileError, where: str) -> str:
    more = f" (and {len(error.problems) - 1} more: {where} lists them)" if len(error.problems) > 1 else ""
    return f"{error.problems[0]}{more}"


def write(graph: TriggerGraph, title: str, out: Path) -> None:
    """Write the graph to ``out``, as DOT source or laid out by ``dot`` as the suffix asks."""
    fmt = out.suffix.lstrip(".").lower()
    source = to_dot(graph, title).source
    if fmt == "dot":
        _write_bytes(out, source.encode("utf-8"))
        return
    if len(graph.nodes) > MAX_DRAWN_NODES:
        raise UsageError(f"{out}: the graph has {len(graph.nodes)} nodes, too many to lay out as a picture "
                         f"(at most {MAX_DRAWN_NODES}); write it with -o FILE.dot instead")
    dot = shutil.which("dot")
    if dot is None:
        raise UsageError("the dot program of Graphviz is not installed (Debian: apt-get install graphviz); "
                         "-o FILE.dot writes the graph without it")
    try:
        done = subprocess.run([dot, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
                              timeout=DOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise UsageError(f"dot took over {DOT_TIMEOUT} s to lay out the graph; write it with -o FILE.dot") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"dot failed: {message[-1] if message else f'exit status {done.returncode}'}")
    _write_bytes(out, done.stdout)


def _write_bytes(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as error:
        raise UsageError(f"{out}: cannot write: {error.strerror or error}") from None


def _output(text: str) -> Path:
    path = Path(text)
    if path.suffix.lstrip(".").lower() not in FORMATS:
        raise argparse.ArgumentTypeError(f"expected a file ending in .svg, .png or .dot, got {text!r}")
    return path


def _graph_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", metavar="DIR", type=Path,
                   help="trigger folder (default: the installed game's own, or with --log the run's files)")
    p.add_argument("-o", "--output", type=_output, default=Path("graph.svg"), metavar="FILE",
                   help="where to write: .svg, .png (laid out by Graphviz's dot) or .dot (default graph.svg)")
    p.add_argument("--log", metavar="LOG.jsonl", help="weight each edge by how often it fired in this run")
    p.add_argument("--registry", metavar="MODULE", help="module holding the registry (default: installed games)")


def cmd_graph(args: argparse.Namespace) -> int:
    """``graph``: write the trigger graph; print what it holds."""
    if args.folder is not None:
        triggers, registry = load_folder(args.folder, args.registry)
        title = f"triggers in {args.folder}"
    elif args.log is not None:
        triggers, registry = load_logged(args.log, args.registry)
        title = f"triggers of the run {args.log}"
    else:
        folder = shipped_folder()
        triggers, registry = load_folder(folder, args.registry)
        title = f"triggers in {folder.name}"
    graph = build(triggers, registry)  # type: ignore[arg-type]
    weighed = ""
    if args.log is not None:
        with log_problems(args.log), open(args.log, "rb") as file:
            records = weigh(graph, before_the_cut(codec.read_file(file, args.log)))
        title += f", weighted by {args.log} ({records:,} records)"
        weighed = f", weighted by the {records:,} records of {args.log}"
    write(graph, title, args.output)
    loops = len({e for e in graph.endless | graph.breakable if e[0].startswith("reactor/")})
    print(f"wrote {args.output}: {_count(len(triggers.triggers), 'trigger')}, {_count(len(triggers.alarms), 'alarm')}, "
          f"{len(graph.nodes)} nodes, {len(graph.edges)} edges{weighed}")
    if graph.endless:
        print("red: a loop nothing can break (check, the game and replay refuse these files)")
    if graph.breakable:
        print(f"orange: {loops} trigger(s) in loops that a condition, cooldown or once can break")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


#: The command defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {"graph": CommandSpec("draw event types -> triggers -> behaviours -> event types (Graphviz)",
                                     _graph_args, cmd_graph)}
