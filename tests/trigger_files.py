"""Hypothesis strategies for valid trigger files over a game's registry.

Everything is drawn from the registry itself: the event types and their
fields, the behaviours and their typed parameters, the state names and their
fields, so a file is valid by construction (the tests check that it is).
Every trigger has a cooldown or fires once: a generated trigger may well
react to what its own behaviours emit, and the budget that bounds a runaway
cascade is not what these tests are about.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from engine.scripting import Entity, Registry

#: Event fields that name an entity (the others are numbers, strings or positions).
ENTITY_FIELDS = ("entity", "target", "shooter", "driver", "vehicle")


def _number_fields(kind: type) -> list[str]:
    return [f.name for f in dataclasses.fields(kind) if f.type in ("int", "float", int, float)
            and f.name not in ENTITY_FIELDS]


def _entity_fields(kind: type) -> list[str]:
    return [f.name for f in dataclasses.fields(kind) if f.name in ENTITY_FIELDS]


def _toml(value: Any) -> str:
    """A TOML value: strings as basic strings (JSON's escapes are TOML's), booleans and numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


@st.composite
def state_condition(draw: st.DrawFn, registry: Registry) -> str:
    """A condition over a state name's numeric field, such as ``wanted.level >= 2``."""
    name = draw(st.sampled_from(sorted(registry.states)))
    fields = [f for f in registry.states[name].fields or [] if f not in ("id", "in_vehicle")]
    field = draw(st.sampled_from(fields))
    op = draw(st.sampled_from([">", ">=", "<", "<=", "==", "!="]))
    return f"{name}.{field} {op} {draw(st.integers(0, 100))}"


@st.composite
def event_condition(draw: st.DrawFn, registry: Registry, event_type: str) -> str | None:
    """A condition on the event's fields or the world's state, or None (no ``when``)."""
    numbers = _number_fields(registry.event_types[event_type])
    choices = ["none", "state"] + (["event"] if numbers else [])
    kind = draw(st.sampled_from(choices))
    if kind == "none":
        return None
    if kind == "state":
        return draw(state_condition(registry))
    field = draw(st.sampled_from(numbers))
    return f"event.{field} {draw(st.sampled_from(['>', '<', '>=']))} {draw(st.integers(0, 60))}"


@st.composite
def call(draw: st.DrawFn, registry: Registry, event_type: str | None) -> str:
    """One behaviour call as an inline table, its parameters drawn from their types."""
    behaviour = registry.behaviours[draw(st.sampled_from(sorted(registry.behaviours)))]
    entities = ["player.id"] + ([f"event.{f}" for f in _entity_fields(registry.event_types[event_type])]
                                if event_type else [])
    parts = [f"behaviour = {_toml(behaviour.name)}"]
    constants: dict[str, object] = {}
    for param in behaviour.params.values():
        if not param.required and draw(st.booleans()):
            continue
        if param.choices is not None:
            raw = draw(st.sampled_from(param.choices))
        elif param.type is Entity:
            value = _toml(draw(st.sampled_from(entities)))
            parts.append(f"{param.name} = {value}")
            continue
        elif param.type is bool:
            raw = draw(st.booleans())
        elif param.type is int:
            raw = draw(st.integers(0, 80))
        elif param.type is float:
            raw = draw(st.sampled_from([0.1, 0.25, 0.5, 0.75, 1.0]))
        else:
            raw = draw(st.sampled_from(["assault", "speeding", "theft"]))
        constants[param.name] = raw
        parts.append(f"{param.name} = {_toml(raw)}")
    if behaviour.validate is not None:
        # A valid set only: constants the behaviour's own load-time check refuses (a tune out of range) are not drawn.
        try:
            behaviour.validate(constants)
        except ValueError:
            assume(False)
    return "{ " + ", ".join(parts) + " }"


def _calls(draw: st.DrawFn, registry: Registry, event_type: str | None, least: int = 1) -> str:
    count = draw(st.integers(least, 3))
    return "[" + ", ".join(draw(call(registry, event_type)) for _ in range(count)) + "]"


@st.composite
def trigger_table(draw: st.DrawFn, registry: Registry, name: str) -> str:
    """A ``[[trigger]]`` table on any of the registry's events, with a cooldown or ``once``."""
    on = draw(st.sampled_from(sorted(registry.event_types)))
    lines = ["[[trigger]]", f"name = {_toml(name)}", f"on = {_toml(on)}"]
    when = draw(event_condition(registry, on))
    if when is not None:
        lines.append(f"when = {_toml(when)}")
    if draw(st.booleans()):
        lines.append("once = true")
    else:
        lines.append(f"cooldown = {draw(st.sampled_from([0.05, 0.25, 1, 2.5]))}")
    lines.append(f"do = {_calls(draw, registry, on)}")
    return "\n".join(lines)


@st.composite
def alarm_table(draw: st.DrawFn, registry: Registry, name: str) -> str:
    """An ``[[alarm]]`` table: a state condition, maybe a hold, enter and maybe exit behaviours."""
    lines = ["[[alarm]]", f"name = {_toml(name)}", f"when = {_toml(draw(state_condition(registry)))}"]
    if draw(st.booleans()):
        lines.append(f"for = {draw(st.sampled_from([0.1, 0.5, 1]))}")
    lines.append(f"enter = {_calls(draw, registry, None)}")
    if draw(st.booleans()):
        lines.append(f"exit = {_calls(draw, registry, None)}")
    return "\n".join(lines)


@st.composite
def trigger_file(draw: st.DrawFn, registry: Registry, prefix: str = "gen") -> str:
    """A whole valid trigger file: one to four triggers and up to two alarms, uniquely named."""
    tables = [draw(trigger_table(registry, f"{prefix}-trigger-{i}")) for i in range(draw(st.integers(1, 4)))]
    tables += [draw(alarm_table(registry, f"{prefix}-alarm-{i}")) for i in range(draw(st.integers(0, 2)))]
    return "\n\n".join(tables) + "\n"
