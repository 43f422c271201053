"""What an expression's shape says about its value, before anything runs.

``check`` compares it with the type a behaviour's parameter declares: a
constant (``"'five'"`` for an int), a field whose type the event or state
view declares (``loop = "event.damage"``, an int for a bool), a whole state
view where one value is expected (``target = "player"``), and ``target`` or
``source`` on an event that has no such field.  Anything else (arithmetic,
calls, conditionals) is left to the run.
"""

from __future__ import annotations

import ast
import dataclasses
import warnings
from typing import Any, get_type_hints

from engine.scripting.namespace import SOURCE_FIELDS
from engine.scripting.registry import Entity, Param, Registry

#: The entity fields ``target`` reads, in order (see :class:`engine.scripting.namespace.Namespace`).
TARGET_FIELDS = ("target", "entity")
_KINDS = {bool: "bool", int: "int", float: "number", str: "string"}


def tree(text: str) -> ast.expr:
    """The syntax tree of an (already validated) expression, without Python's warnings on odd literals."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text.strip(), mode="eval").body


def declared_fields(kind: Any) -> dict[str, Any]:
    """A dataclass's fields and their types ({} when they cannot be resolved)."""
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
        return {}
    try:
        hints = get_type_hints(kind)
    except Exception:  # annotations that do not resolve: nothing is known
        return {}
    return {f.name: hints.get(f.name) for f in dataclasses.fields(kind)}


def missing_entity(text: str, event_type: type | None) -> str | None:
    """Why ``target``/``source`` in ``text`` can never be an entity of ``event_type``, or None."""
    fields = declared_fields(event_type)
    if not fields:
        return None
    read = {node.id for node in ast.walk(tree(text)) if isinstance(node, ast.Name)}
    for name, sources in (("target", TARGET_FIELDS), ("source", SOURCE_FIELDS)):
        if name in read and not any(f in fields for f in sources):
            return (f"{name!r} is the entity in the event's {' or '.join(repr(f) for f in sources)} field, and "
                    f"{event_type.__name__} has none; its fields are {', '.join(fields)}")  # type: ignore[union-attr]
    return None


def mismatch(param: Param, text: str, event_type: type | None, registry: Registry,
             constant: Any = ...) -> str | None:
    """Why the expression ``text`` can never give ``param`` a value of its type, or None.

    ``constant`` is its value when it reads no name (folded when compiled)."""
    if constant is not ...:
        whole = isinstance(constant, float) and constant.is_integer() and param.type in (int, Entity)
        if whole or param.accepts(constant):  # the run turns a whole 5.0 into 5, as it will here
            return None
        return f"expected {param.type_name}, found {_kind_name(type(constant))} {constant!r}: {text!r}"
    node = tree(text)
    if isinstance(node, ast.Name):
        return _whole_state(param, node.id, text, registry)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner, kind = _owner(node.value.id, event_type, registry)
        found = declared_fields(kind).get(node.attr)
        if found in _KINDS and not _fits(param, found):
            return f"expected {param.type_name}, found {owner}.{node.attr}, {_kind_name(found)}: {text!r}"
    return None


def _owner(name: str, event_type: type | None, registry: Registry) -> tuple[str, Any]:
    if name == "event":
        return (event_type.__name__ if event_type is not None else "event"), event_type
    state = registry.states.get(name)
    return name, _returned(state.read) if state is not None else None


def _whole_state(param: Param, name: str, text: str, registry: Registry) -> str | None:
    state = registry.states.get(name)
    view = _returned(state.read) if state is not None else None
    if view is None or not dataclasses.is_dataclass(view):
        return None
    fields = declared_fields(view)
    hint = next((f"; did you mean '{name}.{f}'?" for f in ("id", "level", "current") if f in fields), "")
    return (f"expected {param.type_name}, found the state {name!r} as a whole (a {view.__name__}, "
            f"fields {', '.join(fields)}){hint}: {text!r}")


def _returned(read: Any) -> Any:
    try:
        return get_type_hints(read).get("return")
    except Exception:
        return None


def _fits(param: Param, kind: type) -> bool:
    """True if a value of Python type ``kind`` can pass for ``param`` (the run converts whole numbers)."""
    if param.choices is not None:
        return kind is param.type
    if param.type in (int, Entity):
        return kind is int
    if param.type is float:
        return kind in (int, float)
    return kind is param.type


def _kind_name(kind: Any) -> str:
    names = {bool: "a bool", int: "an int", float: "a number", str: "a string", type(None): "nothing"}
    return names.get(kind, f"a {getattr(kind, '__name__', kind)}")
