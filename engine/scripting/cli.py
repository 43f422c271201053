"""``python -m engine check PATH...``: validate trigger files without running a game.

Python extensions (``.py`` files) in the folders are loaded first, against a
copy of the registry, and the trigger files are checked against what they add.

The registry (events, behaviours, state names) comes from the entry points
in the ``wanted.registries`` group that installed games declare in their
``pyproject.toml``, or from ``--registry MODULE`` (a module with a
``registry`` attribute or a ``make_registry()`` function).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from engine.cli import CommandSpec, UsageError
from engine.scripting.cycles import cycle_problems, find_cycles
from engine.scripting.extensions import extension_files, load_extensions
from engine.scripting.loader import Problem, TriggerFileError, load_sources, read_sources, trigger_files
from engine.scripting.model import TriggerSet
from engine.scripting.registry import Registry

ENTRY_POINT_GROUP = "wanted.registries"


def registry_from(obj: object, where: str) -> Registry:
    """A registry from a module or object: ``registry``, ``make_registry()`` or itself."""
    if isinstance(obj, Registry):
        return obj
    if callable(obj) and not hasattr(obj, "__path__") and not hasattr(obj, "__file__"):
        made = _call(obj, where)
        if isinstance(made, Registry):
            return made
    for attr in ("registry", "make_registry"):
        value = getattr(obj, attr, None)
        if isinstance(value, Registry):
            return value
        if callable(value):
            made = _call(value, f"{where}: {attr}()")
            if isinstance(made, Registry):
                return made
    raise UsageError(f"{where}: has no 'registry' (a Registry) or 'make_registry()'")


def _call(make: Callable[[], object], where: str) -> object:
    # A game's own code failing is still a usage problem here: one line, not a traceback.
    try:
        return make()
    except (Exception, SystemExit) as error:  # sys.exit() in the game's code is its failure, as for an extension
        raise UsageError(f"{where} failed: {type(error).__name__}: {error}") from None


def _load(load: Callable[[], object], where: str) -> object:
    try:
        return load()
    except ModuleNotFoundError as error:
        raise UsageError(f"{where}: no module named {error.name!r}") from None
    except (Exception, SystemExit) as error:  # a module that exits on import would end check or graph with 0
        raise UsageError(f"{where}: importing it failed: {type(error).__name__}: {error}") from None


def find_registry(module: str | None) -> Registry:
    """The named module's registry, or every installed game's registries merged."""
    if module:
        return registry_from(_load(lambda: importlib.import_module(module), f"--registry {module}"), module)
    merged = Registry()
    found = list(entry_points(group=ENTRY_POINT_GROUP))
    if not found:
        raise UsageError(f"no registry found: install a game that declares a '{ENTRY_POINT_GROUP}' entry point "
                         "(pip install -e .), or name one with --registry MODULE")
    for point in sorted(found, key=lambda p: p.name):
        where = f"entry point {point.name!r}"
        registry = registry_from(_load(point.load, where), where)
        merged.event_types.update(registry.event_types)
        merged.behaviours.update(registry.behaviours)
        merged.states.update(registry.states)
        for kind, names in registry.builtin.items():
            merged.builtin.setdefault(kind, set()).update(names)
    return merged


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="trigger files (.toml) or folders of them")
    p.add_argument("--registry", metavar="MODULE", help="module holding the registry (default: installed games)")
    p.add_argument("--list", action="store_true", help="also list the events, behaviours and state names known")
    p.add_argument("--strict", action="store_true", help="treat warnings (loops that can be broken) as errors")


def cmd_check(args: argparse.Namespace) -> int:
    """``check``: validate trigger files and look for loops; exit 0 if all are
    valid (warnings allowed unless ``--strict``), 1 if not."""
    registry = find_registry(args.registry)
    for path in map(Path, args.paths):
        # A mistyped path is a usage error, not a valid (empty) set of triggers;
        # a dangling symlink or a loop is the file's problem, reported below.
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or folder")
        if path.is_dir() and not trigger_files([path]) and not extension_files([path]):
            raise UsageError(f"{path}: no .toml trigger files or .py extensions in this folder")
    try:
        extensions = load_extensions(args.paths, registry)
        found = problems_and_loops(args.paths, extensions.registry, extensions.triggers)
        registry = extensions.registry
    except TriggerFileError as error:
        found = error.problems  # trigger files are checked against the extensions they need
    if args.list:
        print(registry.describe())
    errors = [p for p in found if args.strict or not p.warning]
    warnings = [p for p in found if p not in errors]
    # Errors go to stderr; warnings, which pass, are part of the report on stdout.
    for problem in found:
        print(problem, file=sys.stderr if problem in errors else sys.stdout)
    if errors:
        print(f"{_count(len(errors), 'problem')} found", file=sys.stderr)
        return 1
    print("all trigger files are valid")
    if warnings:
        print(f"{_count(len(warnings), 'warning')} (--strict makes warnings errors)")
    return 0


def problems_and_loops(paths: list[str], registry: Registry, python: TriggerSet | None = None) -> list[Problem]:
    """Every problem of the files, then their loops (errors, then warnings);
    ``python`` adds the extensions' own triggers to the loops looked for."""
    sources, problems = read_sources(paths)
    try:
        loaded = load_sources(sources, registry, taken=python)
    except TriggerFileError as error:
        # Loops are looked for in a set that loads: a broken file's triggers are not built.
        return problems + error.problems
    return problems + cycle_problems(find_cycles(loaded + (python or TriggerSet()), registry))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


#: The command defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {"check": CommandSpec("validate trigger files and folders", _check_args, cmd_check)}
