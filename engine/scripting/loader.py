"""Load and validate trigger files (TOML) into :class:`TriggerSet` objects.

Every problem is reported as one line naming the file, the trigger or alarm,
the field, what was found and what was expected::

    police.toml: alarm 'police-chase': enter[1].behaviour: unknown behaviour 'despawn_npc' (did you mean ...?)

Loading never runs code from a file: conditions and values are safe
expressions (:mod:`engine.expr`), checked here against the registry.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.expr import DEFAULT_FUNCTIONS, ExpressionError, compile_expression
from engine.scripting.model import Alarm, Call, Evaluable, Literal, Trigger, TriggerSet
from engine.scripting.registry import Entity, Param, Registry
from engine.scripting.shapes import mismatch, missing_entity, tree
from engine.scripting.sources import (
    MAX_TOTAL_BYTES,
    UnreadableFile,
    display_name,
    name_problem,
    printable_name,
    read_trigger_file,
    trigger_files,
)
from engine.scripting.values import MAX_ITEMS, brief, refusal, shown

#: Names every trigger expression may read, besides the registry's state names.
TRIGGER_NAMES = ("event", "target", "source", "tick", "time")
#: Names every alarm expression may read, besides the registry's state names.
ALARM_NAMES = ("tick", "time")
#: Longest accepted cooldown, ``for`` or ``every``, in seconds (about 31 years of game time).
MAX_SECONDS = 10**9

TRIGGER_FIELDS = {"name": "string", "on": "event type name", "when": "condition", "do": "list of behaviour calls",
                  "once": "bool", "cooldown": "seconds", "priority": "int", "enabled": "bool",
                  "description": "string"}
ALARM_FIELDS = {"name": "string", "when": "condition", "enter": "list of behaviour calls",
                "exit": "list of behaviour calls", "for": "seconds", "every": "seconds", "enabled": "bool",
                "description": "string"}


@dataclass(frozen=True)
class Problem:
    """One validation problem, printable as one line."""

    file: str
    message: str
    kind: str = ""   # "trigger" or "alarm"
    name: str = ""
    field: str = ""
    #: A warning (a loop that can be broken): ``check`` passes unless ``--strict``.
    warning: bool = False

    def __str__(self) -> str:
        parts = [self.file]
        if self.kind:
            parts.append(f"{self.kind} {shown(self.name)}" if self.name else self.kind)
        if self.field:
            parts.append(self.field if len(self.field) <= 100 else self.field[:97] + "...")
        text = ": ".join(parts) + (": warning: " if self.warning else ": ") + self.message
        # A quoted TOML key (or a file name) may hold a newline: escape it so a problem stays one line.
        return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class TriggerFileError(ValueError):
    """Trigger files failed validation; ``problems`` lists every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else ``""``."""
    if len(word) > 100:
        return ""  # no name is that long, and comparing a huge word with each would be slow
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _type_name(value: Any) -> str:
    return {bool: "bool", int: "int", float: "number", str: "string", list: "list",
            dict: "table"}.get(type(value), type(value).__name__)


#: Names declared in one file: (file, kind, name) for each entry that has a name.
Declared = list[tuple[str, str, str]]


class _Checks:
    """Checks expressions and behaviour calls against the registry, reporting
    problems in one file (the part of validation that a value goes through)."""

    def __init__(self, registry: Registry, file: str, problems: list[Problem]) -> None:
        self.registry = registry
        self.file = file
        self.problems = problems
        self.kind = ""
        self.name = ""

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, message, self.kind, self.name, field))

    def expression(self, text: str, field: str, names: Iterable[str], event_type: type | None) -> Evaluable | None:
        try:
            expression = compile_expression(text, names=names, functions=DEFAULT_FUNCTIONS)
        except ExpressionError as error:
            self.problem(field, f"bad expression {shown(text)}: {error}")
            return None
        no_entity = missing_entity(text, event_type)
        if no_entity is not None:
            self.problem(field, no_entity)
            return None
        if event_type is not None and dataclasses.is_dataclass(event_type):
            fields = [f.name for f in dataclasses.fields(event_type)]
            for attr in attributes_read(text, "event"):
                if attr not in fields:
                    self.problem(field, f"{event_type.__name__} has no field {attr!r}{did_you_mean(attr, fields)}; "
                                        f"its fields are {', '.join(fields) or 'none'}")
                    return None
        for name in expression.names if hasattr(expression, "names") else ():
            state = self.registry.states.get(name)
            known = state.fields if state is not None else None
            for attr in attributes_read(text, name) if known is not None else ():
                if attr not in known:
                    self.problem(field, f"{name!r} has no field {attr!r}{did_you_mean(attr, known)}; "
                                        f"its fields are {', '.join(known)}")
                    return None
        return expression

    def call(self, item: Any, where: str, names: Iterable[str], event_type: type | None) -> Call | None:
        if not isinstance(item, dict):
            self.problem(where, f"expected a table like {{ behaviour = \"...\" }}, "
                                f"found {_type_name(item)} {shown(item)}")
            return None
        name = item.get("behaviour")
        if not isinstance(name, str):
            self.problem(f"{where}.behaviour", f"missing; expected the name of a behaviour "
                                               f"(one of {', '.join(sorted(self.registry.behaviours))})")
            return None
        behaviour = self.registry.behaviours.get(name)
        if behaviour is None:
            hint = did_you_mean(name, self.registry.behaviours)
            self.problem(f"{where}.behaviour", f"unknown behaviour {shown(name)}{hint}")
            return None
        ok = True
        params: dict[str, Evaluable] = {}
        for pname, value in item.items():
            if pname == "behaviour":
                continue
            param = behaviour.params.get(pname)
            if param is None:
                expected = ", ".join(behaviour.params) or "none"
                self.problem(f"{where}.{pname}", f"behaviour {name!r} has no parameter {shown(pname)}"
                                                 f"{did_you_mean(pname, behaviour.params)}; its parameters: {expected}")
                ok = False
                continue
            evaluable = self.param_value(param, value, f"{where}.{pname}", names, event_type)
            if evaluable is None:
                ok = False
            else:
                params[pname] = evaluable
        for param in behaviour.params.values():
            if param.required and param.name not in item:
                self.problem(f"{where}.{param.name}", f"missing parameter {param.name!r} of behaviour {name!r} "
                                                      f"(expected {param.type_name})")
                ok = False
        if ok and behaviour.validate is not None:
            constants = {key: value.value for key, value in params.items() if isinstance(value, Literal)}
            try:
                behaviour.validate(constants)
            except ValueError as error:
                self.problem(where, f"behaviour {name!r}: {error}")
                ok = False
        return Call(name, params, where) if ok else None

    def checked_expression(self, param: Param, text: str, field: str, names: Iterable[str],
                           event_type: type | None) -> Evaluable | None:
        """An expression for ``param``, refused when its shape already shows the wrong type."""
        expression = self.expression(text, field, names, event_type)
        if expression is None:
            return None
        kind = _result_kind(text)
        numeric = param.type in (int, float, Entity)
        if (kind == "bool" and numeric) or (kind == "number" and param.type is bool) \
                or (kind == "float" and param.type in (int, Entity)):
            found = {"bool": "a condition (true or false)", "number": "a number",
                     "float": "a fractional number"}[kind]
            self.problem(field, f"expected {param.type_name}, found {found}: {text!r}")
            return None
        constant = ...
        if not expression.names:
            # It reads nothing, so its value is known now (constants are folded when compiled).
            constant = expression.evaluate({})
            refused = refusal(constant)
            if refused is not None:
                self.problem(field, f"{refused}: {text!r} is always {shown(constant)}")
                return None
        wrong = mismatch(param, text, event_type, self.registry, constant)
        if wrong is not None:
            self.problem(field, wrong)
            return None
        return expression

    def param_value(self, param: Param, value: Any, field: str, names: Iterable[str],
                    event_type: type | None) -> Evaluable | None:
        # A string is an expression unless the parameter is itself a string;
        # {expr = "..."} makes anything an expression.
        if isinstance(value, dict):
            if set(value) != {"expr"} or not isinstance(value["expr"], str):
                self.problem(field, f"expected a literal or {{ expr = \"...\" }}, found table {shown(value)}")
                return None
            return self.checked_expression(param, value["expr"], field, names, event_type)
        if isinstance(value, str) and param.type is not str:
            return self.checked_expression(param, value, field, names, event_type)
        if not param.accepts(value):
            hint = did_you_mean(value, map(str, param.choices)) if param.choices and isinstance(value, str) else ""
            self.problem(field, f"expected {param.type_name}, found {_type_name(value)} {shown(value)}{hint}")
            return None
        refused = refusal(value)
        if refused is not None:
            self.problem(field, f"{refused}: {shown(value)}")
            return None
        return Literal(value)


class _Builder(_Checks):
    """Validates one document (a parsed file) and builds its triggers and alarms."""

    def __init__(self, registry: Registry, file: str, problems: list[Problem]) -> None:
        super().__init__(registry, file, problems)
        #: Every entry with a usable name, built or not, so a duplicate name
        #: is reported even when the entry has other problems.
        self.declared: Declared = []

    # -- documents -------------------------------------------------------
    def document(self, doc: Mapping[str, Any]) -> tuple[list[Trigger], list[Alarm]]:
        triggers: list[Trigger] = []
        alarms: list[Alarm] = []
        for key in doc:
            if key not in ("trigger", "alarm"):
                hint = did_you_mean(key, ["trigger", "alarm"])
                self.problem(key, f"unknown table {shown(key)}; expected [[trigger]] or [[alarm]]{hint}")
        for kind, build, into in (("trigger", self.trigger, triggers), ("alarm", self.alarm, alarms)):
            entries = doc.get(kind, [])
            if not isinstance(entries, list):
                self.problem(kind, f"expected an array of tables [[{kind}]], found {_type_name(entries)}")
                continue
            if len(entries) > MAX_ITEMS:
                self.problem(kind, f"too many entries ({len(entries):,} [[{kind}]] tables, max {MAX_ITEMS:,})")
                continue
            for index, entry in enumerate(entries):
                self.kind, self.name = kind, ""
                if not isinstance(entry, dict):
                    self.problem(f"[{index}]", f"expected a table, found {_type_name(entry)}")
                    continue
                built = build(entry, index)
                if built is not None:
                    into.append(built)  # type: ignore[arg-type]
        self.kind = self.name = ""
        return triggers, alarms

    def _common(self, entry: Mapping[str, Any], index: int, fields: Mapping[str, str]) -> str | None:
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            self.name = ""
            self.kind = f"{self.kind} #{index + 1}"
            found = "nothing" if name is None else f"{_type_name(name)} {shown(name)}"
            self.problem("name", f"expected a non-empty string, found {found}")
            name = None
        elif refusal(name) is not None:
            self.name = ""
            self.kind = f"{self.kind} #{index + 1}"
            self.problem("name", f"{refusal(name)}: {shown(name)}")
            name = None
        else:
            self.name = name
            self.declared.append((self.file, self.kind, name))
        for key in entry:
            if key not in fields:
                self.problem(key, f"unknown field{did_you_mean(key, fields)}; expected one of {', '.join(fields)}")
        return name

    def trigger(self, entry: Mapping[str, Any], index: int) -> Trigger | None:
        before = len(self.problems)
        name = self._common(entry, index, TRIGGER_FIELDS)
        on = entry.get("on")
        event_type = None
        if isinstance(on, type):
            # A class given in Python is used as it is; validation never adds to the registry.
            event_type = on
        elif not isinstance(on, str):
            self.problem("on", f"expected an event type name, found {'nothing' if on is None else _type_name(on)}")
        elif on not in self.registry.event_types:
            self.problem("on", f"unknown event type {shown(on)}{did_you_mean(on, self.registry.event_types)}")
        else:
            event_type = self.registry.event_types[on]
        names = (*TRIGGER_NAMES, *self.registry.states)
        when = self.condition(entry, "when", names, event_type, required=False)
        do = self.calls(entry, "do", names, event_type, required=True)
        once = self.option(entry, "once", bool, False)
        cooldown = self.seconds(entry, "cooldown")
        priority = self.option(entry, "priority", int, 0)
        enabled = self.option(entry, "enabled", bool, True)
        description = self.option(entry, "description", str, "")
        if len(self.problems) > before or name is None or event_type is None:
            return None
        return Trigger(name, event_type, tuple(do), when, once, cooldown, priority, enabled, description, self.file)

    def alarm(self, entry: Mapping[str, Any], index: int) -> Alarm | None:
        before = len(self.problems)
        name = self._common(entry, index, ALARM_FIELDS)
        names = (*ALARM_NAMES, *self.registry.states)
        when = self.condition(entry, "when", names, None, required=True)
        enter = self.calls(entry, "enter", names, None, required=False)
        exit_ = self.calls(entry, "exit", names, None, required=False)
        if not enter and not exit_ and "enter" not in entry and "exit" not in entry:
            self.problem("enter", "an alarm needs 'enter' or 'exit' behaviours (or both)")
        hold = self.seconds(entry, "for")
        every = self.seconds(entry, "every")
        enabled = self.option(entry, "enabled", bool, True)
        description = self.option(entry, "description", str, "")
        if len(self.problems) > before or name is None or when is None:
            return None
        return Alarm(name, when, tuple(enter), tuple(exit_), hold, every, enabled, description, self.file)

    # -- fields ------------------------------------------------------------
    def option(self, entry: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
        value = entry.get(key, default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(key, f"expected {_type_name(kind())}, found {_type_name(value)} {shown(value)}")
            return default
        refused = refusal(value)
        if refused is not None:
            self.problem(key, f"{refused}: {shown(value)}")
            return default
        return value

    def seconds(self, entry: Mapping[str, Any], key: str) -> float:
        value = entry.get(key, 0)
        # Bounded: inf (valid TOML) or an astronomic number would overflow when turned into ticks.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SECONDS:
            self.problem(key, f"expected a number of seconds from 0 to {MAX_SECONDS}, "
                              f"found {_type_name(value)} {shown(value)}")
            return 0.0
        return float(value)

    def condition(self, entry: Mapping[str, Any], key: str, names: Iterable[str], event_type: type | None,
                  required: bool) -> Evaluable | None:
        if key not in entry:
            if required:
                self.problem(key, "missing; expected a condition such as \"wanted.level >= 1\"")
            return None
        value = entry[key]
        if callable(value) and not isinstance(value, str):
            from engine.scripting.model import PythonCondition
            return PythonCondition(value)
        if isinstance(value, bool):
            return Literal(value)
        if not isinstance(value, str):
            self.problem(key, f"expected a condition (string expression), found {_type_name(value)} {shown(value)}")
            return None
        return self.expression(value, key, names, event_type)

    def calls(self, entry: Mapping[str, Any], key: str, names: Iterable[str], event_type: type | None,
              required: bool) -> list[Call]:
        raw = entry.get(key)
        if raw is None:
            if required:
                self.problem(key, "missing; expected a list of behaviour calls like [{ behaviour = \"heal\", ... }]")
            return []
        if isinstance(raw, dict):
            raw = [raw]
        if not isinstance(raw, list):
            self.problem(key, f"expected a list of behaviour calls, found {_type_name(raw)}")
            return []
        if required and not raw:
            self.problem(key, "empty; expected at least one behaviour call")
        if len(raw) > MAX_ITEMS:
            self.problem(key, f"too many behaviour calls ({len(raw):,}, max {MAX_ITEMS:,})")
            return []
        calls = []
        for index, item in enumerate(raw):
            call = self.call(item, f"{key}[{index}]", names, event_type)
            if call is not None:
                calls.append(call)
        return calls


def _result_kind(text: str) -> str | None:
    """What an (already validated) expression evidently yields, from its shape
    alone: "bool" for a comparison or ``not`` (``a or b`` yields an operand,
    so it is left alone), "float" for arithmetic with a
    fractional literal or true division, "number" for other arithmetic; None
    when only running it can tell (a field, a function call...)."""
    node = tree(text)
    if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return "bool"
    if isinstance(node, ast.BinOp):
        return "float" if _fractional(node) else "number"
    return None


def _fractional(node: ast.expr) -> bool:
    """True if arithmetic evidently makes a fraction: a true division or a
    fractional literal among its operands.  It does not look inside calls or
    conditionals: ``round(x * 1.5)`` and ``x + (1 if y < 0.5 else 0)`` are whole."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, float)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Div) or _fractional(node.left) or _fractional(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _fractional(node.operand)
    return False


@functools.lru_cache(maxsize=1024)
def attributes_read(text: str, root: str) -> frozenset[str]:
    """Fields read as ``root.X`` in an (already validated) expression.

    Remembered: an alarm asks it of its condition in the tick it fires (to
    name the record that made it fire), and parsing the text again there
    cost a tenth of a millisecond in the busiest tick of a chase."""
    found = set()
    for node in ast.walk(tree(text)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == root:
            found.add(node.attr)
    return frozenset(found)


# -- public functions ------------------------------------------------------------

def build(doc: Mapping[str, Any], registry: Registry, file: str = "<python>",
          problems: list[Problem] | None = None) -> TriggerSet:
    """Validate a parsed document (dict as from TOML) and build its trigger set.

    Problems are appended to ``problems`` when given; otherwise the first
    call with problems raises :class:`TriggerFileError`.
    """
    collect = problems if problems is not None else []
    before = len(collect)
    result, _ = _build(doc, registry, file, collect)
    if problems is None and len(collect) > before:
        raise TriggerFileError(collect[before:])
    return result


def _build(doc: Mapping[str, Any], registry: Registry, file: str,
           problems: list[Problem]) -> tuple[TriggerSet, Declared]:
    builder = _Builder(registry, file, problems)
    triggers, alarms = builder.document(doc)
    return TriggerSet(tuple(triggers), tuple(alarms)), builder.declared


def loads(text: str, registry: Registry, file: str = "<string>") -> TriggerSet:
    """Parse and validate TOML text; raises :class:`TriggerFileError`."""
    problems: list[Problem] = []
    result, declared = _parse(text, registry, file, problems)
    _check_duplicates(declared, problems)
    if problems:
        raise TriggerFileError(problems)
    return result


def _parse(text: str, registry: Registry, file: str, problems: list[Problem]) -> tuple[TriggerSet, Declared]:
    try:
        doc = tomllib.loads(text)
    except Exception as error:  # the parser's own limits raise more than TOMLDecodeError
        problems.append(Problem(file, _parse_problem(error)))
        return TriggerSet(sources={file: text}), []
    result, declared = _build(doc, registry, file, problems)
    return dataclasses.replace(result, sources={file: text}), declared


def _parse_problem(error: Exception) -> str:
    """One line for a file the TOML parser refused."""
    if isinstance(error, tomllib.TOMLDecodeError):
        return f"TOML syntax error: {error}"
    if isinstance(error, RecursionError):
        return "TOML nested too deeply to read (arrays or tables inside each other hundreds of levels deep)"
    if isinstance(error, ValueError) and "integer string conversion" in str(error):
        return f"a whole number has more than {sys.get_int_max_str_digits():,} digits"
    if isinstance(error, MemoryError):
        return "too large to read"
    return f"TOML value cannot be read: {type(error).__name__}: {brief(str(error))}"


def read_sources(paths: Iterable[str | Path], relative_to: str | Path | None = None
                 ) -> tuple[dict[str, str], list[Problem]]:
    """Read trigger files' text, keyed by path (relative to ``relative_to``
    when given, so logs name files alike on every machine); unreadable files
    become problems."""
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    total = 0
    for path in trigger_files(paths):
        name = display_name(path, relative_to)
        bad_name = name_problem(name)
        if bad_name is not None:
            problems.append(Problem(printable_name(name), bad_name))
            continue
        try:
            text = read_trigger_file(path)
        except UnreadableFile as error:
            problems.append(Problem(name, str(error)))
            continue
        total += len(text.encode("utf-8", "surrogatepass")) + len(name.encode("utf-8", "surrogatepass"))
        if total > MAX_TOTAL_BYTES:
            # Their text is recorded in one TriggersLoaded line, which a log reader must accept.
            problems.append(Problem(name, f"the trigger files together are too large (over "
                                          f"{MAX_TOTAL_BYTES:,} bytes with this one; the game's "
                                          "own are about 10 kB)"))
            break
        sources[name] = text
    return sources, problems


def load_sources(sources: Mapping[str, str], registry: Registry, taken: TriggerSet | None = None,
                 endless_loops: bool = False) -> TriggerSet:
    """Validate several files' text together (names must be unique across them,
    and not be a name of ``taken``: the Python triggers already installed).

    A loop nothing can break is refused too, unless ``endless_loops`` (for
    ``graph``, which draws such a loop instead of running it)."""
    problems: list[Problem] = []
    parsed = [_parse(text, registry, file, problems) for file, text in sources.items()]
    _check_duplicates(declared_in(taken) + [entry for _, declared in parsed for entry in declared], problems)
    if problems:
        raise TriggerFileError(problems)
    result = TriggerSet()
    for part, _ in parsed:
        result = result + part
    # A loop nothing can break is refused here too, not only by `check`: the game,
    # hot reload and replay accept exactly what `check` accepts.
    from engine.scripting.cycles import cycle_problems, find_cycles  # cycles builds on this module

    endless = [problem for problem in cycle_problems(find_cycles(result, registry)) if not problem.warning]
    if endless and not endless_loops:
        raise TriggerFileError(endless)
    return result


def load(paths: Iterable[str | Path], registry: Registry) -> TriggerSet:
    """Read and validate trigger files and folders; raises :class:`TriggerFileError`."""
    sources, problems = read_sources(paths)
    if problems:
        raise TriggerFileError(problems)
    return load_sources(sources, registry)


def check(paths: Iterable[str | Path], registry: Registry) -> list[Problem]:
    """Every problem in the files and folders given (empty when all are valid)."""
    sources, problems = read_sources(paths)
    try:
        load_sources(sources, registry)
    except TriggerFileError as error:
        problems.extend(error.problems)
    return problems


def declared_in(triggers: TriggerSet | None) -> Declared:
    """The names a built trigger set declares, as :func:`_check_duplicates` takes them."""
    if triggers is None:
        return []
    return ([(t.source, "trigger", t.name) for t in triggers.triggers]
            + [(a.source, "alarm", a.name) for a in triggers.alarms])


def _check_duplicates(declared: Declared, problems: list[Problem]) -> None:
    # Triggers and alarms share one namespace: records and `once` state go by name.
    seen: dict[str, str] = {}
    for file, kind, name in declared:
        if name in seen:
            problems.append(Problem(file, f"duplicate name; already used in {seen[name]}", kind, name, "name"))
        else:
            seen[name] = file
