"""Safe expression language for trigger files.

Trigger files (TOML) contain small expressions such as::

    condition = "event.damage > 0 and player.health < 50"
    amount    = "min(player.health + 25, player.max_health)"
    when      = "distance(event.source, player) < 200 and wanted.level >= 1"

This module turns such text into :class:`Expression` objects without ever
handing user text to Python's ``eval``/``exec``/``compile``.  The text is
parsed with ``ast.parse(source, mode="eval")``, the tree is checked against a
small whitelist *once*, at load time, and the checked tree is translated into
a tree of plain Python closures that is called for every event.

Why not ``simpleeval`` (or a similar package)?  A self-contained whitelisted
``ast`` walker lets us

* validate everything statically when the trigger file is loaded: unknown
  root names (with "did you mean ...?" suggestions), unknown functions,
  private attributes, forbidden syntax and constant sub-expressions such as
  ``9**9**9`` are all reported before the game runs;
* evaluate quickly: compiling to closures does the dispatch on node types
  once instead of on every evaluation, and constant sub-expressions are
  folded at compile time;
* keep the security surface small and auditable (no third-party dependency,
  one file, a whitelist rather than a blacklist).

Security model: only the constructs listed in :func:`compile_expression` are
accepted.  Names and attributes starting with ``_`` are refused, only
whitelisted functions may be called (never methods or values from the
namespace), and the size of the source, the tree, the exponents, integers and
repeated sequences is bounded so an expression cannot hang or exhaust memory.
Evaluation only reads the namespace; it has no side effects of its own (the
objects in the namespace can of course run code in their own properties and
operators).
"""

from __future__ import annotations

import ast
import difflib
import math
import numbers
import operator
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NoReturn

__all__ = [
    "DEFAULT_FUNCTIONS",
    "Expression",
    "ExpressionError",
    "compile_expression",
]

#: Longest accepted expression text, in characters.
MAX_SOURCE_LENGTH = 500
#: Most syntax-tree nodes an expression may have.
MAX_NODES = 200
#: Deepest nesting of sub-expressions.
MAX_DEPTH = 32
#: Largest accepted ``|exponent|`` of ``**``.
MAX_EXPONENT = 100
#: Largest accepted length of the result of ``sequence * int``.
MAX_SEQUENCE_LENGTH = 10_000
#: Largest accepted integer magnitude (literals and results).
MAX_INT = 10**100
#: Largest accepted ``|ndigits|`` for ``round``.
MAX_ROUND_DIGITS = 100
#: Longest message text taken over from a foreign exception.
_MAX_DETAIL = 200

#: Attribute names that are refused even though they do not start with ``_``:
#: they lead from ordinary objects to interpreter internals (frames, code).
_FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "ag_await", "ag_code", "ag_frame",
        "cr_await", "cr_code", "cr_frame", "cr_origin",
        "f_back", "f_builtins", "f_code", "f_globals", "f_locals", "f_trace",
        "gi_code", "gi_frame", "gi_yieldfrom",
        "tb_frame", "tb_next",
        "func_globals", "func_code", "mro",
    }
)  # fmt: skip

Evaluator = Callable[[Mapping[str, Any]], Any]


class ExpressionError(ValueError):
    """A rejected or failed expression.

    ``str(err)`` is one line saying what was wrong, e.g.
    ``"unknown name 'wantd'; did you mean 'wanted'? (known: event, player, wanted)"``
    or ``"'__class__' is not allowed: names starting with '_' are private"``.
    The message is ``args[0]``; the expression text is :attr:`source`.
    """

    source: str

    def __init__(self, message: str, source: str = "") -> None:
        """Create an error; *message* is flattened to a single line."""
        super().__init__(" ".join(str(message).splitlines()))
        self.source = source

    @property
    def message(self) -> str:
        """The one-line description of the problem (same as ``str(self)``)."""
        return self.args[0]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle support that keeps :attr:`source`."""
        return (type(self), (self.args[0], self.source))


class _Refused(Exception):
    """Internal: an operation refused by a safety limit (message is final)."""


# --------------------------------------------------------------------------
# Functions available to expressions
# --------------------------------------------------------------------------


def clamp(x: Any, lo: Any, hi: Any) -> Any:
    """Return *x* limited to the closed range ``[lo, hi]``."""
    if hi < lo:
        raise ValueError(f"clamp(): lo ({lo!r}) is greater than hi ({hi!r})")
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


_MISSING = object()
_FLOATS = (int, float)


def _coordinates(point: Any, which: str, nested: bool = False) -> tuple[float, float]:
    """Extract ``(x, y)`` from a pair, a mapping, an object with x/y or .position."""
    tp = type(point)
    if tp is tuple or tp is list or isinstance(point, (tuple, list)):
        if len(point) != 2:
            raise ValueError(f"distance(): {which} point must have 2 coordinates, got {len(point)}")
        x, y = point
    elif tp is dict or _MAPPING_TYPES[tp]:
        if "x" in point and "y" in point:
            x, y = point["x"], point["y"]
        elif "position" in point and not nested:
            return _coordinates(point["position"], which, nested=True)
        else:
            raise TypeError(f"distance(): {which} argument has neither 'x'/'y' nor 'position' keys")
    else:
        x = getattr(point, "x", _MISSING)
        y = getattr(point, "y", _MISSING)
        if x is _MISSING or y is _MISSING:
            position = getattr(point, "position", _MISSING)
            if position is _MISSING or nested:
                raise TypeError(
                    f"distance(): {which} argument ({tp.__name__}) has no position;"
                    " expected (x, y), an object with .x/.y or one with .position"
                )
            return _coordinates(position, which, nested=True)
    if type(x) not in _FLOATS or type(y) not in _FLOATS:
        if not (isinstance(x, numbers.Real) and isinstance(y, numbers.Real)):
            raise TypeError(f"distance(): {which} point has non-numeric coordinates ({x!r}, {y!r})")
    return float(x), float(y)


def distance(a: Any, b: Any) -> float:
    """Euclidean distance between two points.

    Each point may be an ``(x, y)`` tuple/list, a mapping or object with
    ``x``/``y``, or a mapping or object whose ``position`` is one of those.
    """
    ax, ay = _coordinates(a, "first")
    bx, by = _coordinates(b, "second")
    return math.hypot(ax - bx, ay - by)


def _round(number: Any, ndigits: Any = None) -> Any:
    """Like :func:`round`, but refuses ``|ndigits| > 100`` (which could hang)."""
    if ndigits is None:
        return round(number)
    if not isinstance(ndigits, int):
        raise TypeError(f"round(): ndigits must be an integer, not {type(ndigits).__name__}")
    if abs(ndigits) > MAX_ROUND_DIGITS:
        raise _Refused(f"round(): ndigits {ndigits} is out of range (max {MAX_ROUND_DIGITS})")
    return round(number, ndigits)


_round.__name__ = "round"
_round.__qualname__ = "round"

#: Functions callable from expressions unless ``compile_expression`` is given
#: its own ``functions``.  ``str`` is deliberately absent.
DEFAULT_FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        "abs": abs,
        "bool": bool,
        "clamp": clamp,
        "distance": distance,
        "float": float,
        "int": int,
        "len": len,
        "max": max,
        "min": min,
        "round": _round,
    }
)


# --------------------------------------------------------------------------
# Safe operators
# --------------------------------------------------------------------------

_SEQUENCES = (str, bytes, bytearray, list, tuple)
_STRINGS = (str, bytes, bytearray)


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _check_repeat(seq: Any, count: Any) -> None:
    """Refuse ``seq * count`` results that are too long or that nest containers.

    Repeating a list of lists multiplies sizes: ``[[[0]*10000]*10000]*10000``
    is short, but comparing two of them takes 10**12 steps.
    """
    if isinstance(seq, _SEQUENCES) and isinstance(count, int):
        size = len(seq) * count
        if size > MAX_SEQUENCE_LENGTH:
            raise _Refused(f"repetition result is too long ({size} items, max {MAX_SEQUENCE_LENGTH})")
        if count > 1 and isinstance(seq, (list, tuple)) and any(isinstance(e, _CONTAINERS) for e in seq):
            raise _Refused("repeating a list or tuple that contains containers is not allowed")


def _mul(a: Any, b: Any) -> Any:
    if type(a) is not int or type(b) is not int:
        _check_repeat(a, b)
        _check_repeat(b, a)
    return a * b


def _mod(a: Any, b: Any) -> Any:
    if isinstance(a, _STRINGS):
        raise _Refused("string formatting with '%' is not allowed")
    return a % b


def _pow(a: Any, b: Any) -> Any:
    if isinstance(b, numbers.Real) and abs(b) > MAX_EXPONENT:
        raise _Refused(f"exponent {b!r} is too large (max {MAX_EXPONENT})")
    if type(a) is int and (a > MAX_INT or a < -MAX_INT):
        raise _Refused(f"base of '**' is too large (max 10**{len(str(MAX_INT)) - 1})")
    return a**b


def _contains(a: Any, b: Any) -> Any:
    return a in b


def _not_contains(a: Any, b: Any) -> Any:
    return a not in b


_BINARY_OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: _mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: _mod,
    ast.Pow: _pow,
}

_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: _contains,
    ast.NotIn: _not_contains,
}

_OPERATOR_SYMBOLS: dict[type[ast.AST], str] = {
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<",
    ast.RShift: ">>", ast.MatMult: "@", ast.Invert: "~",
}  # fmt: skip

_REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda functions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions and generator expressions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "assignment expressions (':=') are not allowed",
    ast.Dict: "dict literals are not allowed",
    ast.Set: "set literals are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Slice: "slices are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}

_NOT_CONSTANT = object()
_IGNORED_FOR_SIZE = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _too_big() -> _Refused:
    return _Refused(f"integer result is too large (more than {len(str(MAX_INT)) - 1} digits)")


def _detail(exc: BaseException) -> str:
    """A short description of a foreign exception."""
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, OverflowError):
        return "numeric overflow"
    try:
        text = str(exc)
    except Exception:  # a broken __str__ must not escape
        text = ""
    if not isinstance(exc, (_Refused, TypeError, ValueError)) or not text:
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if len(text) > _MAX_DETAIL:
        text = text[: _MAX_DETAIL - 3] + "..."
    return text


def _failed(exc: BaseException, label: str, source: str) -> ExpressionError:
    """Wrap an exception raised while evaluating the sub-expression *label*."""
    error = ExpressionError(f"{_detail(exc)} in `{label}`", source)
    error.__cause__ = exc
    return error


class _MappingTypes(dict[type, bool]):
    """Cache ``type -> issubclass(type, Mapping)``; ``cache[tp]`` is a fast C lookup."""

    def __missing__(self, tp: type) -> bool:
        result = self[tp] = issubclass(tp, Mapping)
        return result


_MAPPING_TYPES = _MappingTypes()


def _is_mapping(tp: type) -> bool:
    """``issubclass(tp, Mapping)``, cached (ABC checks are slow)."""
    return _MAPPING_TYPES[tp]


def _suggest(name: str, candidates: Iterable[Any]) -> str:
    """``"; did you mean 'x'?"`` or ``""``."""
    words = sorted({c for c in candidates if isinstance(c, str) and not c.startswith("_")})
    close = difflib.get_close_matches(name, words, n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def _listing(words: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(words)
    if len(ordered) > limit:
        return ", ".join(ordered[:limit]) + ", ..."
    return ", ".join(ordered)


def _missing_field(obj: Any, attr: str, label: str, source: str) -> ExpressionError:
    if obj is None:
        return ExpressionError(f"{label!r} has no field {attr!r} (it is None)", source)
    try:
        fields = list(obj.keys()) if _is_mapping(type(obj)) else dir(obj)
    except Exception:
        fields = []
    return ExpressionError(f"{label!r} has no field {attr!r}{_suggest(attr, fields)}", source)


def _missing_name(name: str, namespace: Any, source: str) -> ExpressionError:
    try:
        available = [k for k in namespace if isinstance(k, str)]
    except Exception:
        available = []
    return ExpressionError(
        f"name {name!r} is not available here{_suggest(name, available)}"
        f" (available: {_listing(available) or 'nothing'})",
        source,
    )


# --------------------------------------------------------------------------
# Compiler: validated ast -> closures
# --------------------------------------------------------------------------


class _Compiler:
    """Validates an expression tree and turns it into closures.

    ``compile`` returns ``(evaluator, constant)``; *constant* is the folded
    value when the sub-expression does not depend on the namespace, else
    ``_NOT_CONSTANT``.
    """

    def __init__(self, source: str, text: str, names: frozenset[str] | None, functions: Mapping[str, Any]) -> None:
        self.source = source  # what the user wrote (for ExpressionError.source)
        self.text = text  # what was parsed (for source segments)
        self.names = names
        self.functions = functions
        self.used: set[str] = set()
        # > 0 while compiling operands that may never be evaluated (right side
        # of and/or, branches of if/else, later links of a comparison chain)
        self.conditional = 0

    # -- helpers -------------------------------------------------------

    def fail(self, message: str) -> NoReturn:
        raise ExpressionError(message, self.source)

    def label(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.text, node)
        if segment is None:
            segment = ast.unparse(node)
        return " ".join(segment.split())

    def check_public(self, name: str, what: str = "names") -> None:
        if name.startswith("_"):
            self.fail(f"{name!r} is not allowed: {what} starting with '_' are private")

    def fold(self, fn: Evaluator, *constants: Any) -> tuple[Evaluator, Any]:
        """Evaluate *fn* now if all its operands are constants.

        A failing constant sub-expression (``1/0``, ``9**9**9``) is a compile
        error when it is always evaluated.  Where Python would skip it
        (``x and 1/0``), the error is deferred to evaluation so that the
        semantics stay those of Python.
        """
        if any(c is _NOT_CONSTANT for c in constants):
            return fn, _NOT_CONSTANT
        try:
            value = fn({})
        except ExpressionError as exc:
            if not self.conditional:
                raise
            message, source = exc.args[0], self.source

            def deferred(ns: Mapping[str, Any]) -> NoReturn:
                raise ExpressionError(message, source)

            return deferred, _NOT_CONSTANT
        return _constant(value), value

    def compile_conditional(self, node: ast.AST, depth: int) -> tuple[Evaluator, Any]:
        """Compile an operand that is only evaluated under some condition."""
        self.conditional += 1
        try:
            return self.compile(node, depth)
        finally:
            self.conditional -= 1

    def compile(self, node: ast.AST, depth: int) -> tuple[Evaluator, Any]:
        if depth > MAX_DEPTH:
            self.fail(f"expression is nested too deeply (max depth {MAX_DEPTH})")
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            message = _REFUSED_NODES.get(type(node))
            if message is None:
                message = f"{type(node).__name__} expressions are not allowed"
            self.fail(message)
        return method(node, depth + 1)

    # -- leaves --------------------------------------------------------

    def visit_Constant(self, node: ast.Constant, depth: int) -> tuple[Evaluator, Any]:
        value = node.value
        if value is not None and not isinstance(value, (bool, int, float, str)):
            self.fail(f"{type(value).__name__} literals are not allowed")
        if type(value) is int and (value > MAX_INT or value < -MAX_INT):
            self.fail(f"integer literal is too large (more than {len(str(MAX_INT)) - 1} digits)")
        return _constant(value), value

    def visit_Name(self, node: ast.Name, depth: int) -> tuple[Evaluator, Any]:
        name = node.id
        self.check_public(name)
        if self.names is not None and name not in self.names:
            if name in self.functions:
                self.fail(f"{name!r} is a function; call it like {name}(...)")
            self.fail(f"unknown name {name!r}{_suggest(name, self.names)} (known: {_listing(self.names) or 'nothing'})")
        self.used.add(name)
        source = self.source

        def load(ns: Mapping[str, Any]) -> Any:
            try:
                return ns[name]
            except KeyError:
                raise _missing_name(name, ns, source) from None

        return load, _NOT_CONSTANT

    # -- containers ----------------------------------------------------

    def _elements(self, node: ast.Tuple | ast.List, depth: int) -> tuple[list[Evaluator], list[Any]]:
        fns, consts = [], []
        for element in node.elts:
            fn, const = self.compile(element, depth)
            fns.append(fn)
            consts.append(const)
        return fns, consts

    def visit_Tuple(self, node: ast.Tuple, depth: int) -> tuple[Evaluator, Any]:
        fns, consts = self._elements(node, depth)
        if all(c is not _NOT_CONSTANT for c in consts):
            value = tuple(consts)
            return _constant(value), value
        return (lambda ns: tuple([fn(ns) for fn in fns])), _NOT_CONSTANT

    def visit_List(self, node: ast.List, depth: int) -> tuple[Evaluator, Any]:
        fns, consts = self._elements(node, depth)
        if all(c is not _NOT_CONSTANT for c in consts):
            # never fold into one shared (mutable) list
            return (lambda ns: list(consts)), _NOT_CONSTANT
        return (lambda ns: [fn(ns) for fn in fns]), _NOT_CONSTANT

    # -- access --------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute, depth: int) -> tuple[Evaluator, Any]:
        attr = node.attr
        self.check_public(attr)
        if attr in _FORBIDDEN_ATTRIBUTES:
            self.fail(f"{attr!r} is not allowed: it exposes interpreter internals")
        value, const = self.compile(node.value, depth)
        label = self.label(node.value)
        source = self.source
        is_mapping = _MAPPING_TYPES

        # The two closures below differ only in how `obj` is obtained: `root.attr`
        # (the most common shape, e.g. `event.damage`) reads the namespace directly,
        # saving one Python call per evaluation.
        if isinstance(node.value, ast.Name):
            root = node.value.id

            def get(ns: Mapping[str, Any]) -> Any:
                try:
                    obj = ns[root]
                except KeyError:
                    raise _missing_name(root, ns, source) from None
                tp = type(obj)
                if tp is dict or is_mapping[tp]:
                    try:
                        return obj[attr]
                    except KeyError:
                        raise _missing_field(obj, attr, label, source) from None
                    except Exception as exc:
                        raise _failed(exc, f"{label}.{attr}", source) from exc
                try:
                    return getattr(obj, attr)
                except AttributeError:
                    raise _missing_field(obj, attr, label, source) from None
                except Exception as exc:
                    raise _failed(exc, f"{label}.{attr}", source) from exc

        else:

            def get(ns: Mapping[str, Any]) -> Any:
                obj = value(ns)
                tp = type(obj)
                if tp is dict or is_mapping[tp]:
                    try:
                        return obj[attr]
                    except KeyError:
                        raise _missing_field(obj, attr, label, source) from None
                    except Exception as exc:
                        raise _failed(exc, f"{label}.{attr}", source) from exc
                try:
                    return getattr(obj, attr)
                except AttributeError:
                    raise _missing_field(obj, attr, label, source) from None
                except Exception as exc:
                    raise _failed(exc, f"{label}.{attr}", source) from exc

        return self.fold(get, const)

    def visit_Subscript(self, node: ast.Subscript, depth: int) -> tuple[Evaluator, Any]:
        value, const = self.compile(node.value, depth)
        _, key = self.compile(node.slice, depth)
        if key is _NOT_CONSTANT:
            self.fail(f"subscript keys must be constants, like a['x'] or a[0] (got {self.label(node)!r})")
        if not isinstance(key, (str, int)):
            self.fail(f"subscript keys must be strings or integers, not {type(key).__name__}")
        if isinstance(key, str):
            self.check_public(key, "keys")
        label = self.label(node.value)
        whole = self.label(node)
        source = self.source

        def item(ns: Mapping[str, Any]) -> Any:
            obj = value(ns)
            try:
                return obj[key]
            except (KeyError, IndexError):
                kind = "index" if isinstance(key, int) and not _is_mapping(type(obj)) else "key"
                raise ExpressionError(f"{label!r} has no {kind} {key!r}", source) from None
            except Exception as exc:
                raise _failed(exc, whole, source) from exc

        return self.fold(item, const)

    def visit_Call(self, node: ast.Call, depth: int) -> tuple[Evaluator, Any]:
        func = node.func
        known = _listing(self.functions, limit=100)
        if not isinstance(func, ast.Name):
            self.compile(func, depth)  # report private attributes etc. first
            self.fail(
                f"calling {self.label(func)!r} is not allowed: only functions can be called"
                f" ({known}), not methods or values"
            )
        name = func.id
        self.check_public(name)
        if name not in self.functions:
            self.fail(f"unknown function {name!r}{_suggest(name, self.functions)} (known: {known})")
        for keyword in node.keywords:
            if keyword.arg is None:
                self.fail("'**' unpacking is not allowed")
            self.fail(f"keyword arguments are not allowed ({keyword.arg}=...)")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail("'*' unpacking is not allowed")
        compiled = [self.compile(arg, depth) for arg in node.args]
        args = [fn for fn, _ in compiled]
        function = self.functions[name]
        label = self.label(node)
        source = self.source

        def checked(result: Any) -> Any:
            if type(result) is int and (result > MAX_INT or result < -MAX_INT):
                raise _failed(_too_big(), label, source)
            return result

        if len(args) == 1:
            (a0,) = args

            def call(ns: Mapping[str, Any]) -> Any:
                x = a0(ns)
                try:
                    result = function(x)
                except Exception as exc:
                    raise _failed(exc, label, source) from exc
                return checked(result)

        elif len(args) == 2:
            a0, a1 = args

            def call(ns: Mapping[str, Any]) -> Any:
                x, y = a0(ns), a1(ns)
                try:
                    result = function(x, y)
                except Exception as exc:
                    raise _failed(exc, label, source) from exc
                return checked(result)

        else:

            def call(ns: Mapping[str, Any]) -> Any:
                values = [fn(ns) for fn in args]
                try:
                    result = function(*values)
                except Exception as exc:
                    raise _failed(exc, label, source) from exc
                return checked(result)

        if DEFAULT_FUNCTIONS.get(name) is function:  # known to be pure: fold
            return self.fold(call, *(c for _, c in compiled))
        return call, _NOT_CONSTANT

    # -- operators -----------------------------------------------------

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> tuple[Evaluator, Any]:
        op = type(node.op)
        if op in _OPERATOR_SYMBOLS:
            self.fail(f"operator {_OPERATOR_SYMBOLS[op]!r} is not allowed")
        operand, const = self.compile(node.operand, depth)
        if op is ast.Not:
            return self.fold(lambda ns: not operand(ns), const)
        function = operator.neg if op is ast.USub else operator.pos
        label = self.label(node)
        source = self.source

        def unary(ns: Mapping[str, Any]) -> Any:
            x = operand(ns)
            try:
                return function(x)
            except Exception as exc:
                raise _failed(exc, label, source) from exc

        return self.fold(unary, const)

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> tuple[Evaluator, Any]:
        op = type(node.op)
        if op not in _BINARY_OPERATORS:
            self.fail(f"operator {_OPERATOR_SYMBOLS.get(op, op.__name__)!r} is not allowed")
        function = _BINARY_OPERATORS[op]
        left, lconst = self.compile(node.left, depth)
        right, rconst = self.compile(node.right, depth)
        label = self.label(node)
        source = self.source

        if rconst is not _NOT_CONSTANT:
            constant = rconst

            def binary(ns: Mapping[str, Any]) -> Any:
                a = left(ns)
                try:
                    result = function(a, constant)
                except Exception as exc:
                    raise _failed(exc, label, source) from exc
                if type(result) is int and (result > MAX_INT or result < -MAX_INT):
                    raise _failed(_too_big(), label, source)
                return result

        else:

            def binary(ns: Mapping[str, Any]) -> Any:
                a = left(ns)
                b = right(ns)
                try:
                    result = function(a, b)
                except Exception as exc:
                    raise _failed(exc, label, source) from exc
                if type(result) is int and (result > MAX_INT or result < -MAX_INT):
                    raise _failed(_too_big(), label, source)
                return result

        return self.fold(binary, lconst, rconst)

    def visit_Compare(self, node: ast.Compare, depth: int) -> tuple[Evaluator, Any]:
        left, lconst = self.compile(node.left, depth)
        functions = [_COMPARISONS[type(op)] for op in node.ops]
        compiled = [self.compile(node.comparators[0], depth)]
        compiled += [self.compile_conditional(c, depth) for c in node.comparators[1:]]
        rights = [fn for fn, _ in compiled]
        label = self.label(node)
        source = self.source

        if len(functions) == 1:
            (function,) = functions
            right, rconst = compiled[0]
            target = node.left
            if rconst is not _NOT_CONSTANT and isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                # `root.attr <op> constant` (e.g. `event.damage > 0`) is the most
                # common condition: do it in one closure.  Same logic as visit_Attribute.
                constant = rconst
                root, attr, obj_label = target.value.id, target.attr, self.label(target.value)
                is_mapping = _MAPPING_TYPES

                def compare(ns: Mapping[str, Any]) -> Any:
                    try:
                        obj = ns[root]
                    except KeyError:
                        raise _missing_name(root, ns, source) from None
                    tp = type(obj)
                    if tp is dict or is_mapping[tp]:
                        try:
                            a = obj[attr]
                        except KeyError:
                            raise _missing_field(obj, attr, obj_label, source) from None
                        except Exception as exc:
                            raise _failed(exc, f"{obj_label}.{attr}", source) from exc
                    else:
                        try:
                            a = getattr(obj, attr)
                        except AttributeError:
                            raise _missing_field(obj, attr, obj_label, source) from None
                        except Exception as exc:
                            raise _failed(exc, f"{obj_label}.{attr}", source) from exc
                    try:
                        return function(a, constant)
                    except Exception as exc:
                        raise _failed(exc, label, source) from exc

            elif rconst is not _NOT_CONSTANT:
                constant = rconst

                def compare(ns: Mapping[str, Any]) -> Any:
                    a = left(ns)
                    try:
                        return function(a, constant)
                    except Exception as exc:
                        raise _failed(exc, label, source) from exc

            else:

                def compare(ns: Mapping[str, Any]) -> Any:
                    a = left(ns)
                    b = right(ns)
                    try:
                        return function(a, b)
                    except Exception as exc:
                        raise _failed(exc, label, source) from exc

        else:
            pairs = list(zip(functions, rights, strict=True))

            def compare(ns: Mapping[str, Any]) -> Any:
                a = left(ns)
                result: Any = True
                for function, right in pairs:
                    b = right(ns)
                    try:
                        result = function(a, b)
                    except Exception as exc:
                        raise _failed(exc, label, source) from exc
                    if not result:
                        return result
                    a = b
                return result

        return self.fold(compare, lconst, *(c for _, c in compiled))

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> tuple[Evaluator, Any]:
        compiled = [self.compile(node.values[0], depth)]
        compiled += [self.compile_conditional(v, depth) for v in node.values[1:]]
        fns = [fn for fn, _ in compiled]
        is_and = isinstance(node.op, ast.And)
        if len(fns) == 2:
            a, b = fns
            if is_and:
                fn: Evaluator = lambda ns: a(ns) and b(ns)  # noqa: E731
            else:
                fn = lambda ns: a(ns) or b(ns)  # noqa: E731
        elif is_and:

            def fn(ns: Mapping[str, Any]) -> Any:
                for f in fns:
                    value = f(ns)
                    if not value:
                        return value
                return value

        else:

            def fn(ns: Mapping[str, Any]) -> Any:
                for f in fns:
                    value = f(ns)
                    if value:
                        return value
                return value

        return self.fold(fn, *(c for _, c in compiled))

    def visit_IfExp(self, node: ast.IfExp, depth: int) -> tuple[Evaluator, Any]:
        test, tconst = self.compile(node.test, depth)
        body, bconst = self.compile_conditional(node.body, depth)
        orelse, oconst = self.compile_conditional(node.orelse, depth)
        return self.fold(lambda ns: body(ns) if test(ns) else orelse(ns), tconst, bconst, oconst)


def _constant(value: Any) -> Evaluator:
    """An evaluator that always returns *value*."""
    return lambda ns: value


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expression:
    """A validated, compiled expression.

    Immutable and hashable (equality and hash use ``source`` and ``names``).
    Create instances with :func:`compile_expression`.
    """

    source: str
    """The expression text as written."""
    names: frozenset[str]
    """Root names the expression reads from the namespace, e.g. ``{"event", "player"}``."""
    _evaluator: Evaluator = field(repr=False, compare=False)

    def evaluate(self, namespace: Mapping[str, Any]) -> Any:
        """Evaluate against *namespace* (root name -> value).

        Raises :class:`ExpressionError`, and never anything else, when
        evaluation fails: a name missing from the namespace, a missing field,
        a type error such as ``"a" + 1``, division by zero, a safety limit...
        """
        try:
            return self._evaluator(namespace)
        except ExpressionError:
            raise
        except Exception as exc:  # safety net: e.g. a namespace that is not a mapping
            if not isinstance(namespace, Mapping):
                message = f"the namespace must be a mapping of names to values, not {type(namespace).__name__}"
            else:
                message = f"evaluation failed: {_detail(exc)}"
            raise ExpressionError(message, self.source) from exc


def _parse(source: str) -> ast.expr:
    """``ast.parse`` that only ever raises ExpressionError."""
    text = source.strip()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        line, column = exc.lineno or 1, exc.offset or 0
        if column < 1:  # reported at the end of the input
            lines = text.splitlines() or [""]
            column = len(lines[min(max(line, 1), len(lines)) - 1]) + 1
        lead = source[: len(source) - len(source.lstrip())]
        if line == 1:
            column += len(lead) - (lead.rfind("\n") + 1)
        line += lead.count("\n")
        where = f"column {column}" if "\n" not in source.rstrip() else f"line {line}, column {column}"
        raise ExpressionError(f"syntax error at {where}: {exc.msg}", source) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is nested too deeply", source) from None
    except Exception as exc:  # ValueError (null bytes), UnicodeError (surrogates), ...
        raise ExpressionError(f"cannot parse expression: {_detail(exc)}", source) from None
    return tree.body


def compile_expression(
    source: str | int | float | bool,
    *,
    names: Iterable[str] | None = None,
    functions: Mapping[str, Callable[..., Any]] | None = None,
) -> Expression:
    """Validate and compile *source* into an :class:`Expression`.

    Allowed: literals (int, float, str, bool, None), tuples and lists,
    names, attribute access ``a.b.c`` (for mappings ``a.b`` reads key
    ``"b"``), subscripts with constant keys ``a["x"]``/``a[0]``/``a[-1]``,
    unary ``not - +``, binary ``+ - * / // % **``, (chained) comparisons
    including ``in``/``is``, ``and``/``or``, ``x if c else y`` and calls of the
    whitelisted *functions* with positional arguments.

    Refused (with :class:`ExpressionError`): names, attributes and keys
    starting with ``_``, lambdas, comprehensions, f-strings, ``:=``, dict/set
    literals, slices, method calls, calls of anything not in *functions*,
    keyword arguments, ``*``/``**`` unpacking, bitwise operators, text longer
    than 500 characters, more than 200 nodes or nesting deeper than 32.
    Constant sub-expressions are evaluated now, so ``9**9**9`` or ``1/0`` is
    reported at compile time.

    Args:
        source: the expression text.  An int, float or bool (TOML values may
            be literals) compiles to a constant expression.
        names: if given, the root names the namespace will provide; any other
            name is rejected now, with a "did you mean ...?" suggestion.
        functions: callable functions by name; defaults to
            :data:`DEFAULT_FUNCTIONS` (pass ``{**DEFAULT_FUNCTIONS, ...}`` to
            extend it).  Only default functions are folded at compile time.

    Raises:
        ExpressionError: if the expression is malformed or not allowed.
    """
    if isinstance(source, (bool, int, float)):
        if type(source) is int and (source > MAX_INT or source < -MAX_INT):
            raise ExpressionError("integer literal is too large", str(source)[:50] + "...")
        return Expression(repr(source), frozenset(), _constant(source))
    if not isinstance(source, str):
        raise ExpressionError(
            f"an expression must be text or a number, not {type(source).__name__}",
            repr(source)[:MAX_SOURCE_LENGTH],
        )
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"expression is too long ({len(source)} characters, max {MAX_SOURCE_LENGTH})", source)
    if not source.strip():
        raise ExpressionError("empty expression", source)

    body = _parse(source)
    size = sum(1 for n in ast.walk(body) if not isinstance(n, _IGNORED_FOR_SIZE))
    if size > MAX_NODES:
        raise ExpressionError(f"expression is too complex ({size} nodes, max {MAX_NODES})", source)

    compiler = _Compiler(
        source,
        source.strip(),
        None if names is None else frozenset(names),
        DEFAULT_FUNCTIONS if functions is None else functions,
    )
    evaluator, _ = compiler.compile(body, 1)
    return Expression(source, frozenset(compiler.used), evaluator)
