"""Python extensions: ``.py`` files beside the TOML trigger files.

An extension is a Python file in a triggers folder with a function
``extend(registry)``.  It may register event types, behaviours (typed
parameters, as the game's own) and state names in the registry it is given,
and return Python triggers and alarms (from :func:`~engine.scripting.trigger`
and :func:`~engine.scripting.alarm`) to install::

    def extend(registry):
        registry.events(PlayerHonked)
        registry.add_behaviour(honk, emits=[PlayerHonked])
        return [trigger("honk-back", on="PlayerHonked", do=[call("honk", times=1)])]

Unlike trigger files, an extension is code: it runs with the rights of the
user who runs the game.  A run records each extension's name and the
SHA-256 of its text, so a replay loads the same code or refuses.

Loading never touches the registry it is given: extensions are run against a
copy, which is returned only when every extension loaded.  A file that does
not compile, raises while loading, or redefines a built-in name is one
:class:`~engine.scripting.loader.Problem` naming the file and the line.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import sys
import traceback
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.scripting.loader import Problem, TriggerFileError, _check_duplicates, build, declared_in
from engine.scripting.model import TriggerSet
from engine.scripting.registry import BuiltinNameError, Registry
from engine.scripting.sources import UnreadableFile, display_name, read_trigger_file
from engine.scripting.values import MAX_ITEMS, brief


@dataclass(frozen=True)
class Extensions:
    """Extensions loaded together: the registry they extended, and what they return."""

    registry: Registry
    #: The registry before the extensions ran (what a reload is checked against).
    base: Registry
    #: Extension name (as recorded in the log) -> SHA-256 of its text.
    digests: dict[str, str] = field(default_factory=dict)
    #: The Python triggers and alarms the extensions returned.
    triggers: TriggerSet = field(default_factory=TriggerSet)


class ExtensionMismatch(ValueError):
    """A recorded extension is missing, or its text is not the text the run loaded."""


def extension_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.py`` files in folders (recursively, sorted; hidden names and
    ``__pycache__`` left out), and ``.py`` files named directly."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
                found.extend(Path(folder) / n for n in names if n.endswith(".py") and not n.startswith("."))
        elif path.suffix == ".py":
            found.append(path)
    # A file reached twice (a symlink beside its target, a folder given twice) is loaded once.
    seen: set[str] = set()
    unique = []
    for path in sorted(found):
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def digest(text: str) -> str:
    """The SHA-256 of an extension's text, as recorded in the log."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_extensions(paths: Iterable[str | Path], registry: Registry,
                    relative_to: str | Path | None = None) -> Extensions:
    """Run the extensions found in ``paths`` against a copy of ``registry``.

    Raises :class:`TriggerFileError` (one problem per broken file, naming its
    line) and changes nothing when any extension fails."""
    files = [(_recorded_name(path, relative_to), path) for path in extension_files(paths)]
    return _load(files, registry)


def _recorded_name(path: Path, relative_to: str | Path | None) -> str:
    """The name a log records an extension by: relative to ``relative_to`` when
    inside it, else absolute (a name relative to the working folder would be
    read relative to ``relative_to`` by the replay, and not found)."""
    return display_name(path if relative_to is None else path.absolute(), relative_to)


def load_recorded(recorded: Mapping[str, str], registry: Registry,
                  relative_to: str | Path | None = None) -> Extensions:
    """Load the extensions a run recorded (name -> SHA-256), for a replay.

    Names are read relative to ``relative_to`` (then to the working folder)
    unless absolute.  Raises
    :class:`ExtensionMismatch` when one is missing or its text changed."""
    files = []
    for name, expected in recorded.items():
        # A file outside ``relative_to`` was recorded by the name it was given
        # (relative to the working folder), so that place is tried too.
        places = [Path(name)] if Path(name).is_absolute() or relative_to is None else [Path(relative_to) / name,
                                                                                          Path(name)]
        found = {path: digest(_read(path, name)) for path in places if path.is_file()}
        if not found:
            raise ExtensionMismatch(f"extension {name!r} is missing; the run loaded it (sha256 {expected[:12]}...), "
                                    "so the replay cannot load the same code")
        same = [path for path, sha in found.items() if sha == expected]
        if not same:
            raise ExtensionMismatch(f"extension {name!r} has changed since the run (sha256 was {expected[:12]}..., "
                                    f"is {next(iter(found.values()))[:12]}...); the replay would not run the same code")
        path = same[0]
        files.append((name, path))
    return _load(files, registry)


def current_digests(paths: Iterable[str | Path], relative_to: str | Path | None = None) -> dict[str, str]:
    """The SHA-256 of each extension in ``paths`` now ("" for one that cannot be read)."""
    found = {}
    for path in extension_files(paths):
        try:
            found[_recorded_name(path, relative_to)] = digest(read_trigger_file(path))
        except UnreadableFile:
            found[_recorded_name(path, relative_to)] = ""
    return found


def _read(path: Path, name: str) -> str:
    try:
        return read_trigger_file(path)
    except UnreadableFile as error:
        raise TriggerFileError([Problem(name, str(error))]) from None


def _load(files: list[tuple[str, Path]], registry: Registry) -> Extensions:
    extended = registry.copy()
    digests: dict[str, str] = {}
    problems: list[Problem] = []
    triggers = TriggerSet()
    for name, path in files:
        try:
            text = read_trigger_file(path)
        except UnreadableFile as error:
            problems.append(Problem(name, str(error)))
            continue
        digests[name] = digest(text)
        try:
            triggers = triggers + _run(name, path, text, extended)
        except _Failed as failed:
            problems.append(failed.problem)
        except TriggerFileError as error:
            problems.extend(error.problems)
    _check_duplicates(declared_in(triggers), problems)   # records and `once` state go by name
    if problems:
        raise TriggerFileError(problems)
    return Extensions(extended, registry, digests, triggers)


class _Failed(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _run(name: str, path: Path, text: str, registry: Registry) -> TriggerSet:
    """Import one extension (once per text) and call its ``extend(registry)``."""
    try:
        code = compile(text, str(path), "exec")
    except SyntaxError as error:
        raise _Failed(Problem(f"{name}:{error.lineno or 1}", f"extension does not compile: {error.msg}")) from None
    module = _module(name, path, text, code)
    extend = getattr(module, "extend", None)
    if not callable(extend):
        raise _Failed(Problem(name, "an extension needs a function extend(registry); found none"))
    try:
        specs = extend(registry)
        if isinstance(specs, Iterable) and not isinstance(specs, (str, bytes, Mapping)):
            # Taken one past the bound, as a TOML file's tables are counted: a generator
            # that never ends would otherwise hang the load and eat all memory (and one
            # that raises while it yields is the extension's failure, as extend raising is).
            specs = list(itertools.islice(specs, MAX_ITEMS + 1))
    except (Exception, SystemExit) as error:  # sys.exit() in an extension is its failure, not the game's exit
        raise _Failed(_problem(name, path, error, "extend(registry) raised")) from None
    return _triggers(name, specs, registry)


def _module(name: str, path: Path, text: str, code: types.CodeType) -> types.ModuleType:
    # One module per extension text: a second game loading the same file gets
    # the same event classes (so a replay in the same process matches them).
    stem = re.sub(r"\W", "_", path.stem)
    module_name = f"_wanted_extension_{stem}_{digest(text)[:16]}"
    known = sys.modules.get(module_name)
    if known is not None:
        return known
    module = types.ModuleType(module_name, f"the extension {name}")
    module.__file__ = str(path)
    sys.modules[module_name] = module  # dataclasses and type hints look their module up here
    try:
        exec(code, module.__dict__)  # an extension is the user's own code, run with the user's rights
    except (Exception, SystemExit) as error:
        del sys.modules[module_name]
        raise _Failed(_problem(name, path, error, "extension failed to import")) from None
    return module


def _problem(name: str, path: Path, error: BaseException, what: str) -> Problem:
    """One line naming the extension's line where ``error`` came from."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(path)]
    where = f"{name}:{lines[-1]}" if lines and lines[-1] else name
    message = brief(str(error))
    if isinstance(error, BuiltinNameError):
        return Problem(where, message)
    return Problem(where, f"{what}: {type(error).__name__}: {message}" if message else f"{what}: "
                   f"{type(error).__name__}")


def _triggers(name: str, specs: Any, registry: Registry) -> TriggerSet:
    """The triggers and alarms ``extend`` returned, validated and named after the file."""
    if specs is None:
        return TriggerSet()
    if isinstance(specs, (str, bytes, Mapping)) or not isinstance(specs, Iterable):
        raise _Failed(Problem(name, f"extend(registry) must return a list of triggers and alarms (or nothing), "
                                    f"found {type(specs).__name__}"))
    docs: dict[str, list[Any]] = {"trigger": [], "alarm": []}
    if len(specs) > MAX_ITEMS:
        raise _Failed(Problem(name, f"extend(registry) returned more than {MAX_ITEMS:,} triggers and alarms"))
    for spec in specs:
        if not isinstance(spec, Mapping) or spec.get("kind") not in docs:
            raise _Failed(Problem(name, "extend(registry) returned something that is not a trigger(...) "
                                        f"or alarm(...): {brief(repr(spec))}"))
        entry = dict(spec)
        docs[entry.pop("kind")].append(entry)
    return build(docs, registry, name)
