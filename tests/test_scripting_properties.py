"""Generated trigger files: loading never fails in any way but a clear TriggerFileError.

Valid generated files load with exactly the names and fields written (and run
without crashing the world); broken ones (random fields, values, behaviour
names, expressions and plain random text) give problems that print as one
line each.
"""

from __future__ import annotations

import ast
import math
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import Event, World, event
from engine.scripting import Entity, Problem, Registry, TriggerFileError, TriggerRuntime, loads
from engine.scripting.loader import ALARM_FIELDS, TRIGGER_FIELDS


@event
class Ping(Event):
    n: int
    label: str = ""


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


registry = Registry()
registry.events(Ping, Shot)
registry.state("wanted", lambda world: {"level": world.tick % 3})


@registry.behaviour
def note(world: World, text: str) -> None:
    """Write something down."""


@registry.behaviour
def damage(world: World, target: Entity, amount: int) -> None:
    """Hurt someone."""


@registry.behaviour
def scale(world: World, fraction: float = 1.0) -> None:
    """Scale something."""


@registry.behaviour
def toggle(world: World, on: bool) -> None:
    """Switch something."""


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- a small TOML writer (the standard library only reads TOML) -------------------------------------

def toml_string(text: str) -> str:
    escaped = []
    for c in text:
        if c in '"\\':
            escaped.append("\\" + c)
        elif ord(c) < 0x20 or c == "\x7f":
            escaped.append(f"\\u{ord(c):04x}")
        else:
            escaped.append(c)
    return '"' + "".join(escaped) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def toml_document(tables: list[tuple[str, dict[str, Any]]]) -> str:
    """[[kind]] tables, in order; keys always quoted (any text is a valid quoted key)."""
    parts = []
    for kind, fields in tables:
        body = "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in fields.items())
        parts.append(f"[[{toml_string(kind) if kind not in ('trigger', 'alarm') else kind}]]\n{body}")
    return "\n".join(parts)


# -- expressions from a small grammar ---------------------------------------------------------------

def expressions(atoms: list[str]) -> st.SearchStrategy[str]:
    leaves = st.sampled_from(atoms) | st.integers(-1000, 1000).map(str)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "<", ">=", "==", "!=", "and", "or"]), inner)
        return (binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})")
                | inner.map(lambda e: f"(not {e})")
                | st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})")
                | st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"))

    return st.recursive(leaves, extend, max_leaves=4)


STATE_ATOMS = ["wanted.level", "tick", "time"]
EVENT_ATOMS = {"Ping": ["event.n"],   # Ping has no target field: `target` is an error there
               "Shot": ["event.damage", "event.target", "source", "target.health.current"]}
#: Valid expressions where each event is handled (alarms: None), built once (building strategies is slow).
VALID_EXPRESSIONS = {on: expressions(STATE_ATOMS + atoms) for on, atoms in EVENT_ATOMS.items()}
VALID_EXPRESSIONS[None] = expressions(STATE_ATOMS)
BROKEN_EXPRESSIONS = ["__import__('os')", "event.__class__", "event.dmg", "wantd.level", "1 +", "", "   ",
                      "lambda: 1", "[x for x in y]", "open('f')", "1 / 0", "9 ** 9 ** 9", "a.b.c", "x" * 600,
                      "event.n ** 1000", "(" * 100 + ")" * 100, "f'{tick}'", "{1: 2}"]

any_expression = (expressions(STATE_ATOMS + EVENT_ATOMS["Ping"] + EVENT_ATOMS["Shot"] + ["event", "player.id"])
                  | st.sampled_from(BROKEN_EXPRESSIONS)
                  | st.text(max_size=30))


# -- valid documents ---------------------------------------------------------------------------------

names = st.text("abcxyz019 _-", min_size=1, max_size=12).filter(str.strip)
seconds = st.integers(0, 10**9) | st.floats(0, 1e9, allow_nan=False)
plain_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
ENTITY_FIELDS = {"Ping": st.just("event.n"), "Shot": st.sampled_from(["event.target", "event.shooter"]),
                 None: st.nothing()}
TRIGGER_OPTIONS = {on: st.fixed_dictionaries({}, optional={
    "when": VALID_EXPRESSIONS[on] | st.booleans(), "once": st.booleans(), "cooldown": seconds,
    "priority": st.integers(-(2**63), 2**63 - 1), "enabled": st.booleans(), "description": plain_text})
    for on in EVENT_ATOMS}
ALARM_OPTIONS = st.fixed_dictionaries({}, optional={
    "for": seconds, "every": seconds, "enabled": st.booleans(), "description": plain_text})


def top_node(expression: str) -> ast.expr:
    return ast.parse(expression.strip(), mode="eval").body


def is_condition(expression: str) -> bool:
    """A comparison or ``not``: check refuses these for number parameters (and numbers for bool ones)."""
    node = top_node(expression)
    return isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not))


def constant_fits(expression: str, kinds: tuple[type, ...]) -> bool:
    """False for an expression that reads nothing and is always of another type (check knows its value)."""
    from engine.expr import compile_expression

    compiled = compile_expression(expression)
    return bool(compiled.names) or type(compiled.evaluate({})) in kinds


@st.composite
def valid_call(draw: st.DrawFn, on: str | None) -> dict[str, Any]:
    number = VALID_EXPRESSIONS[on].filter(lambda e: not is_condition(e) and constant_fits(e, (int,)))
    # A comparison or `not` is always a bool (check knows the type of other shapes only sometimes).
    condition = VALID_EXPRESSIONS[on].filter(is_condition)
    behaviour = draw(st.sampled_from(["note", "damage", "scale", "toggle"]))
    if behaviour == "note":
        # An expression here would be a number or a bool, never the string the parameter declares.
        return {"behaviour": "note", "text": draw(plain_text)}
    if behaviour == "damage":
        target = draw(st.integers(0, 2**63 - 1) | ENTITY_FIELDS[on])
        return {"behaviour": "damage", "target": target, "amount": draw(st.integers(-(2**63), 2**63 - 1) | number)}
    if behaviour == "scale":
        if draw(st.booleans()):
            return {"behaviour": "scale"}
        finite = st.floats(allow_nan=False, allow_infinity=False)   # a log cannot hold infinity: check refuses it
        return {"behaviour": "scale", "fraction": draw(finite | st.integers(-10, 10) | number)}
    return {"behaviour": "toggle", "on": draw(st.booleans() | condition.map(lambda e: {"expr": e}))}


@st.composite
def valid_trigger(draw: st.DrawFn, name: str) -> tuple[str, dict[str, Any]]:
    on = draw(st.sampled_from(["Ping", "Shot"]))
    fields = {"name": name, "on": on, "do": draw(st.lists(valid_call(on), min_size=1, max_size=2))}
    fields |= draw(TRIGGER_OPTIONS[on])
    return "trigger", fields


@st.composite
def valid_alarm(draw: st.DrawFn, name: str) -> tuple[str, dict[str, Any]]:
    calls = st.lists(valid_call(None), max_size=2)
    fields = {"name": name, "when": draw(VALID_EXPRESSIONS[None] | st.booleans())}
    fields |= draw(st.fixed_dictionaries({}, optional={"enter": calls, "exit": calls}))
    if "enter" not in fields and "exit" not in fields:
        fields["enter"] = draw(calls)
    fields |= draw(ALARM_OPTIONS)
    return "alarm", fields


@st.composite
def valid_documents(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    chosen = draw(st.lists(names, unique=True, max_size=4))
    kinds = draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)))
    return [draw(valid_trigger(n) if is_trigger else valid_alarm(n)) for n, is_trigger in zip(chosen, kinds,
                                                                                                 strict=True)]


# -- broken documents -------------------------------------------------------------------------------

wild_scalar = (st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.text(max_size=20)
               | any_expression)
wild_value = st.recursive(wild_scalar, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=4)
wild_call = st.dictionaries(
    st.sampled_from(["behaviour", "text", "target", "amount", "fraction", "on", "expr"]) | st.text(max_size=8),
    st.sampled_from(["note", "damage", "scale", "toggle", "nte", "despawn"]) | any_expression
    | st.dictionaries(st.just("expr") | st.text(max_size=4), wild_value, max_size=2) | wild_value,
    max_size=4)
KEYS = {kind: st.sampled_from(list(fields)) | st.text(max_size=10)
        for kind, fields in (("trigger", TRIGGER_FIELDS), ("alarm", ALARM_FIELDS))}
MUTATIONS = {"drop": st.nothing(), "wild": wild_value, "expression": any_expression,
             "calls": st.lists(wild_call, max_size=3) | wild_call}
KINDS = st.sampled_from(["trigger", "alarm", "triggers"]) | st.text(max_size=8)


@st.composite
def broken_documents(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """Valid documents with fields dropped, replaced by wild values, or added; and wild tables."""
    document = draw(valid_documents())
    result = []
    for kind, fields in document:
        fields = dict(fields)
        for _ in range(draw(st.integers(0, 3))):
            key = draw(KEYS[kind])
            action = draw(st.sampled_from(sorted(MUTATIONS)))
            if action == "drop":
                fields.pop(key, None)
            else:
                fields[key] = draw(MUTATIONS[action])
        result.append((kind if draw(st.booleans()) else draw(KINDS), fields))
    return result


def assert_clear(error: TriggerFileError) -> None:
    assert error.problems, "a TriggerFileError must list its problems"
    for problem in error.problems:
        assert isinstance(problem, Problem)
        line = str(problem)
        assert line and "\n" not in line and "\r" not in line and len(line.splitlines()) == 1, line
        assert line.startswith(problem.file + ": ")


def load_or_explain(text: str):
    """``loads`` either works or raises a clear TriggerFileError; nothing else may escape."""
    try:
        return loads(text, registry, "gen.toml")
    except TriggerFileError as error:
        assert_clear(error)
        return None


def run_briefly(loaded) -> None:
    """Install a loaded set and step a world a few ticks: nothing may stop it."""
    world = World(seed=0)
    try:
        target = world.create_entity()
        world.resources["notes"] = []
        world.add_system(lambda w: (w.emit(Ping(w.tick, "x")), w.emit(Shot(target, target, w.tick))))
        runtime = TriggerRuntime(world, registry)
        runtime.add(loaded)
        world.run(3)
        assert world.tick == 3
    finally:
        world.close()


# -- properties ----------------------------------------------------------------------------------------

@SETTINGS
@given(valid_documents())
def test_valid_files_round_trip(document):
    text = toml_document(document)
    loaded = loads(text, registry, "gen.toml")
    triggers = [f for kind, f in document if kind == "trigger"]
    alarms = [f for kind, f in document if kind == "alarm"]
    assert [t.name for t in loaded.triggers] == [f["name"] for f in triggers]
    assert [a.name for a in loaded.alarms] == [f["name"] for f in alarms]
    for item, fields in zip(loaded.triggers, triggers, strict=True):
        assert item.on.__name__ == fields["on"]
        assert item.once is fields.get("once", False)
        assert item.cooldown == float(fields.get("cooldown", 0))
        assert item.priority == fields.get("priority", 0)
        assert item.enabled is fields.get("enabled", True)
        assert [c.behaviour for c in item.do] == [c["behaviour"] for c in fields["do"]]
        assert item.source == "gen.toml"
    for item, fields in zip(loaded.alarms, alarms, strict=True):
        assert item.hold == float(fields.get("for", 0)) and item.every == float(fields.get("every", 0))
        assert [c.behaviour for c in item.enter] == [c["behaviour"] for c in fields.get("enter", [])]
        assert [c.behaviour for c in item.exit] == [c["behaviour"] for c in fields.get("exit", [])]
    assert loaded.sources == {"gen.toml": text}
    run_briefly(loaded)


@settings(SETTINGS, max_examples=60)
@given(broken_documents())
# valid TOML, but no number of ticks: these once crashed the world they were installed in
@example([("trigger", {"name": "x", "on": "Ping", "cooldown": math.inf, "do": [{"behaviour": "scale"}]})])
@example([("alarm", {"name": "x", "when": True, "every": 1e308, "for": math.inf, "enter": []})])
# a quoted key may hold a line break; the problem must still be one line
@example([("trigger\n", {"name": "x", "on\r": "Ping", "do": [{"behaviour": "note", "te\u2028xt": "x"}]})])
def test_broken_files_only_ever_raise_trigger_file_error(document):
    loaded = load_or_explain(toml_document(document))
    if loaded is not None:   # the mutation happened to keep it valid
        run_briefly(loaded)


@SETTINGS
@given(valid_documents(), st.data())
def test_cut_or_damaged_text_only_ever_raises_trigger_file_error(document, data):
    text = toml_document(document)
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=5))
    loaded = load_or_explain(text[:cut] + junk + text[cut + data.draw(st.integers(0, 3)):])
    if loaded is not None:
        run_briefly(loaded)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_only_ever_raises_trigger_file_error(text):
    load_or_explain(text)


@SETTINGS
@given(st.dictionaries(st.text(max_size=10), wild_value, max_size=4))
def test_random_trigger_tables_only_ever_raise_trigger_file_error(fields):
    loaded = load_or_explain(toml_document([("trigger", fields)]) + "\n" + toml_document([("alarm", fields)]))
    assert loaded is None   # a table cannot be both a valid trigger and a valid alarm
