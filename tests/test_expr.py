"""Tests for engine.expr, the safe expression language used by trigger files."""

from __future__ import annotations

import ast
import dataclasses
import math
import pickle
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.expr import DEFAULT_FUNCTIONS, Expression, ExpressionError, compile_expression


class Event:
    """A plain object, like the engine's events."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)
        self._secret = "hidden"

    def method(self) -> str:
        return "called"


class Exploding:
    """An object whose property raises something that is not an AttributeError."""

    @property
    def boom(self) -> int:
        raise RuntimeError("kaboom")


@pytest.fixture
def ns() -> dict[str, Any]:
    return {
        "event": Event(damage=5, target="bob", source=(0.0, 0.0), kind="hit", zero=0, none=None),
        "player": {"health": 40, "max_health": 100, "position": (3.0, 4.0), "items": ["key", "map"]},
        "wanted": SimpleNamespace(level=2, stars=[1, 2]),
        "boom": Exploding(),
    }


def ev(source: str, namespace: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return compile_expression(source, **kwargs).evaluate(namespace or {})


# --------------------------------------------------------------------------
# Allowed constructs
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # literals
        ("42", 42),
        ("2.5", 2.5),
        ("'text'", "text"),
        ('"double"', "double"),
        ("True", True),
        ("None", None),
        ("(1, 'a', None)", (1, "a", None)),
        ("[1, 2.5, False]", [1, 2.5, False]),
        ("()", ()),
        # names, attributes (objects and mappings), subscripts
        ("event.damage", 5),
        ("event.target", "bob"),
        ("player.health", 40),
        ("wanted.level", 2),
        ("player['health']", 40),
        ("player.items[0]", "key"),
        ("player.items[-1]", "map"),
        ("wanted.stars[1]", 2),
        ("player.position[0]", 3.0),
        ("event.target[0]", "b"),
        # unary
        ("-event.damage", -5),
        ("+event.damage", 5),
        ("not event.damage", False),
        ("not event.zero", True),
        # binary
        ("event.damage + 1", 6),
        ("event.damage - 10", -5),
        ("event.damage * 3", 15),
        ("event.damage / 2", 2.5),
        ("event.damage // 2", 2),
        ("event.damage % 3", 2),
        ("event.damage ** 2", 25),
        ("2 ** -1", 0.5),
        ("event.target + '!'", "bob!"),
        ("event.target * 2", "bobbob"),
        ("[0] * 3", [0, 0, 0]),
        ("player.items + ['x']", ["key", "map", "x"]),
        # comparisons, chained, membership, identity
        ("event.damage > 0", True),
        ("event.damage >= 5", True),
        ("event.damage < 5", False),
        ("event.damage <= 4", False),
        ("event.damage == 5", True),
        ("event.damage != 5", False),
        ("0 < event.damage < 10", True),
        ("0 < event.damage < 3", False),
        ("1 < 2 > 0 != 3", True),
        ("'key' in player.items", True),
        ("'sword' not in player.items", True),
        ("event.none is None", True),
        ("event.target is not None", True),
        ("event.kind == 'hit'", True),
        # boolean operators keep Python's value semantics
        ("event.damage > 0 and player.health < 50", True),
        ("event.damage > 0 and player.health < 10", False),
        ("event.zero or 'fallback'", "fallback"),
        ("event.damage and event.target", "bob"),
        ("event.zero and event.missing_field", 0),  # short-circuit: right side never read
        ("event.damage or event.missing_field", 5),
        ("0 or 0 or 3", 3),
        ("1 and 2 and 0 and 4", 0),
        # conditional
        ("'low' if player.health < 50 else 'ok'", "low"),
        ("'low' if player.health < 10 else 'ok'", "ok"),
        ("event.missing_field if False else 1", 1),
        # containers with non-constant parts
        ("(event.damage, player.health)", (5, 40)),
        ("[event.damage, 1]", [5, 1]),
        # functions
        ("min(player.health + 25, player.max_health)", 65),
        ("max(player.health, 50)", 50),
        ("min([3, 1, 2])", 1),
        ("abs(-event.damage)", 5),
        ("round(2.567, 2)", 2.57),
        ("round(2.5)", 2),
        ("len(player.items)", 2),
        ("clamp(150, 0, 100)", 100),
        ("clamp(-5, 0, 100)", 0),
        ("clamp(event.damage, 0, 100)", 5),
        ("int(2.9)", 2),
        ("int('12')", 12),
        ("float(event.damage)", 5.0),
        ("bool(event.zero)", False),
        ("distance(event.source, player)", 5.0),
        ("distance(event.source, player) < 200", True),
        ("distance((0, 0), (3, 4))", 5.0),
        ("distance([1, 1], [1, 1])", 0.0),
        # the examples from the design brief
        ("wanted.level >= 1", True),
        # whitespace and line breaks inside brackets
        ("  event.damage  ", 5),
        ("(event.damage >\n 0)", True),
    ],
)
def test_allowed_constructs(source: str, expected: Any, ns: dict[str, Any]) -> None:
    result = ev(source, ns)
    assert result == expected
    assert type(result) is type(expected)


def test_mapping_keys_win_over_methods() -> None:
    # for mappings `a.b` reads key "b"; a dict's own methods are never reachable
    assert ev("d.keys", {"d": {"keys": 7}}) == 7
    with pytest.raises(ExpressionError, match="'d' has no field 'items'"):
        ev("d.items", {"d": {"keys": 7}})


def test_custom_mapping_types_use_keys() -> None:
    from types import MappingProxyType

    assert ev("m.level", {"m": MappingProxyType({"level": 3})}) == 3


def test_distance_accepts_points_objects_and_positions() -> None:
    point = SimpleNamespace(x=3, y=4)
    holder = SimpleNamespace(position=(6, 8))
    holder_of_point = SimpleNamespace(position=point)
    namespace = {"a": point, "b": holder, "c": holder_of_point, "d": {"x": 0, "y": 0}, "e": {"position": (3, 4)}}
    assert ev("distance(a, b)", namespace) == 5.0
    assert ev("distance(c, (0, 0))", namespace) == 5.0
    assert ev("distance(d, e)", namespace) == 5.0
    assert isinstance(ev("distance(a, a)", namespace), float)
    with pytest.raises(ExpressionError, match="no position"):
        ev("distance(a, x)", {"a": point, "x": 5})
    with pytest.raises(ExpressionError, match="2 coordinates"):
        ev("distance((1, 2, 3), (0, 0))")
    with pytest.raises(ExpressionError, match="non-numeric"):
        ev("distance(('a', 'b'), (0, 0))")


def test_clamp_rejects_inverted_bounds() -> None:
    with pytest.raises(ExpressionError, match="lo"):
        ev("clamp(x, 10, 0)", {"x": 5})


def test_default_functions() -> None:
    assert set(DEFAULT_FUNCTIONS) == {
        "min", "max", "abs", "round", "len", "clamp", "distance", "int", "float", "bool",
    }  # fmt: skip
    assert "str" not in DEFAULT_FUNCTIONS
    with pytest.raises(TypeError):
        DEFAULT_FUNCTIONS["eval"] = eval  # type: ignore[index]


def test_custom_functions_are_called_each_time_and_not_folded() -> None:
    calls = []

    def roll() -> int:
        calls.append(1)
        return len(calls)

    expr = compile_expression("roll() + 1", functions={**DEFAULT_FUNCTIONS, "roll": roll})
    assert calls == []  # impure user functions are not evaluated at compile time
    assert expr.evaluate({}) == 2
    assert expr.evaluate({}) == 3
    with pytest.raises(ExpressionError, match="unknown function 'min'"):
        compile_expression("min(1, 2)", functions={"roll": roll})


# --------------------------------------------------------------------------
# Literal sources, Expression objects
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 7, -3, 2.5, True, False])
def test_literal_sources_compile_to_constants(value: Any) -> None:
    expr = compile_expression(value)
    assert expr.evaluate({}) == value
    assert type(expr.evaluate({})) is type(value)
    assert expr.names == frozenset()
    assert compile_expression(expr.source).evaluate({}) == value  # source round-trips


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, b"1", 10**101])
def test_other_sources_are_rejected(value: Any) -> None:
    with pytest.raises(ExpressionError):
        compile_expression(value)


def test_expression_names_hash_and_immutability() -> None:
    expr = compile_expression("event.damage > 0 and player.health < min(50, wanted.level)")
    assert expr.names == frozenset({"event", "player", "wanted"})
    assert compile_expression("min(1, 2)").names == frozenset()
    same = compile_expression("event.damage > 0 and player.health < min(50, wanted.level)")
    assert expr == same and hash(expr) == hash(same)
    assert len({expr, same, compile_expression("1")}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        expr.source = "1"  # type: ignore[misc]
    assert "event.damage" in repr(expr)


def test_evaluation_is_deterministic_and_returns_fresh_lists() -> None:
    expr = compile_expression("[1, 2]")
    first = expr.evaluate({})
    first.append(3)
    assert expr.evaluate({}) == [1, 2]
    expr = compile_expression("[x, 2]")
    assert expr.evaluate({"x": 1}) == expr.evaluate({"x": 1}) == [1, 2]


def test_constant_subexpressions_are_checked_at_compile_time() -> None:
    with pytest.raises(ExpressionError, match="division by zero"):
        compile_expression("1 / 0")
    expr = compile_expression("event.zero and 1 / event.zero")  # only fails when evaluated
    assert expr.evaluate({"event": {"zero": 0}}) == 0
    with pytest.raises(ExpressionError, match="division by zero"):
        compile_expression("x / 0").evaluate({"x": 1})


def test_error_pickles_with_source() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("wantd.level", names=["wanted"])
    clone = pickle.loads(pickle.dumps(info.value))
    assert str(clone) == str(info.value)
    assert clone.source == "wantd.level"
    assert isinstance(clone, ValueError)


# --------------------------------------------------------------------------
# Name checking at compile time
# --------------------------------------------------------------------------

NAMES = ["event", "player", "wanted"]


def test_unknown_name_is_reported_with_suggestion() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("wantd.level >= 1", names=NAMES)
    message = str(info.value)
    assert "unknown name 'wantd'" in message
    assert "did you mean 'wanted'?" in message
    assert "known: event, player, wanted" in message
    assert "\n" not in message
    assert info.value.source == "wantd.level >= 1"


def test_unknown_name_without_close_match() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("zzz > 1", names=NAMES)
    assert "unknown name 'zzz'" in str(info.value)
    assert "did you mean" not in str(info.value)


def test_unknown_function_is_reported_with_suggestion() -> None:
    with pytest.raises(ExpressionError, match=r"unknown function 'mni'; did you mean 'min'\?"):
        compile_expression("mni(1, 2)", names=NAMES)


def test_known_names_and_functions_compile() -> None:
    expr = compile_expression("min(player.health + 25, player.max_health)", names=NAMES)
    assert expr.names == {"player"}
    with pytest.raises(ExpressionError, match="'min' is a function"):
        compile_expression("min + 1", names=NAMES)


def test_names_are_not_checked_without_names_but_fail_at_evaluation() -> None:
    expr = compile_expression("plyer.health")
    with pytest.raises(ExpressionError) as info:
        expr.evaluate({"player": {"health": 1}})
    assert "'plyer'" in str(info.value) and "did you mean 'player'?" in str(info.value)


# --------------------------------------------------------------------------
# Escape attempts and resource bombs
# --------------------------------------------------------------------------

ESCAPES = [
    ("().__class__.__bases__[0].__subclasses__()", "private"),
    ("().__class__", "'__class__' is not allowed: names starting with '_' are private"),
    ("__import__('os').system('ls')", "'__import__' is not allowed"),
    ("__import__('os')", "private"),
    ("event.__class__", "'__class__' is not allowed"),
    ("event.__dict__", "'__dict__' is not allowed"),
    ("event._secret", "'_secret' is not allowed"),
    ("event['__class__']", "private"),
    ("_", "private"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("getattr(event, 'x')", "unknown function 'getattr'"),
    ("event.method()", "only functions can be called"),
    ("player.items.copy()", "only functions can be called"),
    ("(lambda: 1)()", "lambda"),
    ("lambda: 1", "lambda"),
    ("[x for x in range(3)]", "comprehension"),
    ("min(x for x in (1, 2))", "comprehension"),
    ("{x: 1 for x in 'ab'}", "comprehension"),
    ("9**9**9", "exponent"),
    ("'a'*10**9", "too long"),
    ("10**9*'a'", "too long"),
    ("[0]*10**9", "too long"),
    ("[[[0]*10000]*10000]*10000 == [[[0]*10000]*10000]*10000", "contains containers"),
    ("10000 * [(0,) * 10000]", "contains containers"),
    ("10**10**10", "exponent"),
    ("(10**100)**2", "too large"),
    ("10**100 * 10", "too large"),
    ("2.0 ** 10000", "exponent"),
    ("1e300 ** 2", "overflow"),
    ("round(10**100, -10**9)", "ndigits"),
    ("'%*d' % (10**9, 1)", "'%'"),
    ("1 << 10**9", "'<<' is not allowed"),
    ("~1", "'~' is not allowed"),
    ("(" * 5000 + ")" * 5000, "too long"),
    ("(" * 240 + "1" + ")" * 240, "syntax error"),  # Python's own parenthesis limit
    ("-" * 10000 + "1", "too long"),
    ("-" * 100 + "1", "nested too deeply"),
    ("not " * 1000 + "1", "too long"),
    ("not " * 40 + "1", "nested too deeply"),
    ("a" + ".b" * 40, "nested too deeply"),
    ("(" + "1," * 201 + ")", "too complex"),
    ("1 + " * 200 + "1", "too long"),
    ('f"{event}"', "f-string"),
    ("(x := 1)", "':='"),
    ("{'a': 1}", "dict"),
    ("{1}", "set"),
    ("player.items[0:1]", "slice"),
    ("player.items[event.damage]", "constant"),
    ("min(*player.items)", "unpacking"),
    ("min(key=abs)", "keyword"),
    ("min(**player)", "unpacking"),
    ("b'bytes'", "bytes"),
    ("1j", "complex"),
    ("...", "ellipsis"),
    ("gen.gi_frame.f_globals", "internals"),
    ("(yield)", "yield"),
    ("await x", "await"),
    ("x if y", "syntax error"),
    ("import os", "syntax error"),
    ("1; 2", "syntax error"),
    ("x = 1", "syntax error"),
    ("", "empty"),
    ("   ", "empty"),
    ("\x00", "null"),
    ("'\ud800'", "surrogate"),
]


@pytest.mark.parametrize(("source", "cause"), ESCAPES, ids=[repr(s)[:40] for s, _ in ESCAPES])
def test_escape_attempts_are_refused(source: str, cause: str, ns: dict[str, Any]) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source).evaluate(ns)
    message = str(info.value)
    assert cause.lower() in message.lower(), message
    assert "\n" not in message
    assert info.value.source == source


def test_private_names_are_refused_even_if_whitelisted() -> None:
    with pytest.raises(ExpressionError, match="private"):
        compile_expression("__import__('os')", functions={"__import__": __import__})


def test_source_length_limit_is_500_characters() -> None:
    ok = "1" + " " * 499
    assert compile_expression(ok).evaluate({}) == 1
    with pytest.raises(ExpressionError, match=r"too long \(501 characters, max 500\)"):
        compile_expression(ok + " ")


def test_exponent_limit_is_checked_at_evaluation_too() -> None:
    expr = compile_expression("x ** y")
    assert expr.evaluate({"x": 2, "y": 100}) == 2**100
    with pytest.raises(ExpressionError, match="exponent"):
        expr.evaluate({"x": 9, "y": 9**9})
    with pytest.raises(ExpressionError, match="too long"):
        compile_expression("s * n").evaluate({"s": "ab", "n": 5001})
    assert len(compile_expression("s * n").evaluate({"s": "ab", "n": 5000})) == 10_000


def test_module_never_calls_eval_exec_or_compile() -> None:
    source = (Path(__file__).parents[1] / "engine" / "expr.py").read_text()
    called = {
        node.func.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__"}


# --------------------------------------------------------------------------
# Syntax and runtime errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("event.damage >", "syntax error at column 15:"),
        ("a b", "syntax error at column 3:"),
        ("  a b", "syntax error at column 5:"),
        ("(1", "syntax error at column 1: '(' was never closed"),
        ("1 +\n 2", "syntax error at line 1, column 4:"),
    ],
)
def test_syntax_errors_report_the_column(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert str(info.value).startswith(message), str(info.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("player.helth", "'player' has no field 'helth'; did you mean 'health'"),
        ("event.damge > 0", "'event' has no field 'damge'; did you mean 'damage'?"),
        ("wanted.levle", "'wanted' has no field 'levle'; did you mean 'level'?"),
        ("event.none.health", "'event.none' has no field 'health' (it is None)"),
        ("player.items[5]", "'player.items' has no index 5"),
        ("player['nope']", "'player' has no key 'nope'"),
        ("missing + 1", "name 'missing' is not available"),
        ("event.target + 1", "can only concatenate str"),
        ("event.target - 1", "unsupported operand"),
        ("event.damage < 'a'", "not supported between"),
        ("event.damage / event.zero", "division by zero in `event.damage / event.zero`"),
        ("event.damage % event.zero", "division by zero"),
        ("-event.target", "bad operand type"),
        ("len(event.damage)", "has no len()"),
        ("min(event.damage)", "not iterable"),
        ("event.damage[0]", "not subscriptable"),
        ("boom.boom", "RuntimeError: kaboom"),
        ("boom.boom > 1", "RuntimeError: kaboom"),
        ("int(event.target)", "invalid literal"),
        ("x ** 0.5 if False else event.damage ** event.none", "unsupported operand"),
        ("event.damage * 10**100", "too large"),
    ],
)
def test_runtime_errors_name_the_problem(source: str, message: str, ns: dict[str, Any]) -> None:
    expr = compile_expression(source)
    with pytest.raises(ExpressionError) as info:
        expr.evaluate(ns)
    assert message in str(info.value), str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("namespace", [None, 5, [], "event", {"event": None}])
def test_bad_namespaces_raise_expression_error(namespace: Any) -> None:
    with pytest.raises(ExpressionError):
        compile_expression("event.damage > 0").evaluate(namespace)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

_LIMIT_MESSAGES = ("too large", "too long", "nested too deeply", "too complex", "exponent")


def _arithmetic() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.integers(-12, 12).map(lambda i: f"({i})" if i < 0 else str(i)),
        st.sampled_from(["True", "False", "0.5"]),
    )

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "//", "%"]), children)
        comparisons = st.lists(
            st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), children), min_size=1, max_size=3
        )
        return st.one_of(
            binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(children, st.integers(0, 3)).map(lambda t: f"({t[0]} ** {t[1]})"),
            st.tuples(children, comparisons).map(lambda t: "(" + t[0] + "".join(f" {o} {c}" for o, c in t[1]) + ")"),
            st.tuples(st.sampled_from(["-", "+", "not "]), children).map(lambda t: f"({t[0]}{t[1]})"),
            st.tuples(children, st.sampled_from(["and", "or"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(st.sampled_from(["min", "max"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            children.map(lambda c: f"abs({c})"),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@settings(max_examples=150, deadline=None, database=None)
@given(_arithmetic())
def test_arithmetic_matches_python(source: str) -> None:
    # The oracle: Python itself, on generated text known to be harmless
    # (small integers, exponents 0..3, no names).
    try:
        expected: Any = eval(source, {"__builtins__": {}, "min": min, "max": max, "abs": abs})
        python_failed = False
    except Exception:
        python_failed = True
    try:
        result = compile_expression(source).evaluate({})
    except ExpressionError as exc:
        assert python_failed or any(m in str(exc) for m in _LIMIT_MESSAGES), (source, str(exc))
        return
    assert not python_failed, source
    assert _same(result, expected), (source, result, expected)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=80))
def test_arbitrary_text_compiles_or_raises_expression_error(source: str) -> None:
    try:
        expr = compile_expression(source)
    except ExpressionError:
        return
    assert isinstance(expr, Expression)
    try:
        expr.evaluate({})
    except ExpressionError:
        pass


_TOKENS = [
    "event", "player", "wanted", "x", "s", "items", ".", ".damage", ".health", ".level", ".x", ".items", ".boom",
    ".__class__", "._x", "(", ")", "[", "]", "[0]", "['health']", ",", "0", "1", "-1", "2.5", "100", "10", "'a'",
    "None", "True", "+", "-", "*", "/", "//", "%", "**", "<", "<=", "==", "!=", "in", "not", "and", "or", "if",
    "else", "is", "min", "max", "abs", "round", "len", "clamp", "distance", "int", "float", "bool", "lambda", ":",
]  # fmt: skip

_ATOMS = [
    "event", "player", "wanted", "x", "s", "items", "event.damage", "player.health", "wanted.level", "x.y",
    "player.position", "player.items[0]", "event['damage']", "items[-1]", "event.boom", "0", "1", "-1", "2.5",
    "'a'", "''", "None", "True", "[1, 2]", "(1, 2)", "10 ** 50", "1e308",
]  # fmt: skip


def _name_expressions() -> st.SearchStrategy[str]:
    """Well-formed expressions over namespace names: they compile, so evaluation gets exercised."""

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        operators = ["+", "-", "*", "/", "//", "%", "**", "<", ">=", "==", "!=", "in", "is", "and", "or"]
        functions = sorted(DEFAULT_FUNCTIONS)
        return st.one_of(
            st.tuples(children, st.sampled_from(operators), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["-", "not "]), children).map(lambda t: f"({t[0]}{t[1]})"),
            st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(st.sampled_from(functions), st.lists(children, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.tuples(children, st.sampled_from([".x", ".health", "[0]", "['y']"])).map(lambda t: f"({t[0]}){t[1]}"),
        )

    return st.recursive(st.sampled_from(_ATOMS), extend, max_leaves=6)


_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**120), 10**120),
        st.floats(),
        st.text(max_size=3),
        st.sampled_from([Exploding(), Event(x=1, y=2), ("a",) * 3, 10**100]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.tuples(children, children),
        st.dictionaries(
            st.sampled_from(["damage", "health", "level", "x", "y", "position", "boom"]), children, max_size=3
        ),
        st.builds(SimpleNamespace, x=children, y=children, health=children),
    ),
    max_leaves=4,
)
_ROOTS = ["event", "player", "wanted", "x", "s", "items"]
_namespaces = st.one_of(
    st.fixed_dictionaries({name: _values for name in _ROOTS}),
    st.dictionaries(st.sampled_from(_ROOTS), _values, max_size=6),
    st.sampled_from([None, 0, [], "text"]),
)


def _only_expression_errors(source: str, namespace: Any) -> None:
    try:
        expr = compile_expression(source)
    except ExpressionError as exc:
        assert "\n" not in str(exc)
        return
    try:
        expr.evaluate(namespace)
    except ExpressionError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=80, deadline=None, database=None)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=14).map(" ".join), _namespaces)
def test_token_soup_only_raises_expression_error(source: str, namespace: Any) -> None:
    _only_expression_errors(source, namespace)


@settings(max_examples=120, deadline=None, database=None)
@given(_name_expressions(), _namespaces)
def test_evaluation_on_arbitrary_namespaces_only_raises_expression_error(source: str, namespace: Any) -> None:
    _only_expression_errors(source, namespace)
