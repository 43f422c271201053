"""The registry: what trigger files may name.

A game (or any user) registers its event types, its behaviours and the
named world state that expressions may read.  ``python -m engine check``
validates trigger files against a registry without running anything.

    registry = Registry()
    registry.events(Shot, HealthChanged)

    @registry.behaviour(emits=[HealthChanged])
    def damage(world: World, target: Entity, amount: int) -> None:
        \"\"\"Lower the target's health by amount.\"\"\"

    registry.state("wanted", lambda world: world.resources["wanted"],
                   changed_by=[WantedLevelChanged])
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NewType, get_args, get_origin, get_type_hints

from engine.events import Event
from engine.scripting.events import SCRIPTING_EVENTS

#: The type of a behaviour parameter that names an entity.
Entity = NewType("Entity", int)

#: Parameter types a behaviour may declare, by the name shown in messages.
PARAM_TYPES: dict[Any, str] = {int: "int", float: "number", bool: "bool", str: "string", Entity: "entity"}


class BuiltinNameError(ValueError):
    """An extension tried to register a name the game already has built in."""


@dataclass(frozen=True)
class Param:
    """One typed parameter of a behaviour."""

    name: str
    type: Any
    required: bool
    default: Any = None
    #: The only values allowed, for a parameter annotated ``Literal["a", "b"]``.
    choices: tuple[Any, ...] | None = None

    @property
    def type_name(self) -> str:
        """The type as named in messages: int, number, bool, string, entity, or the choices."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return PARAM_TYPES[self.type]

    def accepts(self, value: Any) -> bool:
        """True if ``value`` is a valid value of this parameter's type."""
        if value is None:
            return not self.required and self.default is None
        if self.choices is not None:
            return value in self.choices and type(value) is self.type
        if self.type in (int, Entity):
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type is float:
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return isinstance(value, self.type)


@dataclass(frozen=True)
class Behaviour:
    """A named reaction: ``function(world, **params)``.

    ``emits`` are the event types it may emit (besides the ``BehaviourRan``
    that records each call), as declared when it was registered; ``check``
    follows them to find loops of triggers.  None: not declared (taken as
    emitting nothing).  ``validate``, if given, is called by the loader with
    the call's parameters that are constants in the file, and raises
    ``ValueError`` (its message one line) for values the behaviour would
    refuse when it runs, so ``check`` reports them instead.
    """

    name: str
    function: Callable[..., Any]
    params: dict[str, Param]
    doc: str = ""
    emits: tuple[type, ...] | None = None
    validate: Callable[[dict[str, Any]], None] | None = None


@dataclass(frozen=True)
class StateName:
    """Named world state for expressions (``wanted.level``), and the event
    types that change it (used to find what flipped an alarm).

    ``field_changes`` says, field by field, which event types change it
    (an empty tuple: the field changes without an event, as a position moves
    every tick, or never); None when only ``changed_by`` is known for the
    state as a whole.
    """

    name: str
    read: Callable[[Any], Any]
    changed_by: tuple[type, ...] = ()
    doc: str = ""
    field_changes: Mapping[str, tuple[type, ...]] | None = None

    def changers(self, fields: Iterable[str] | None = None) -> tuple[type, ...]:
        """The event types that change any of ``fields`` (None: any field)."""
        if self.field_changes is None or fields is None:
            return self.changed_by
        found: list[type] = []
        for name in fields:
            for event_type in self.field_changes.get(name, ()):
                if event_type not in found:
                    found.append(event_type)
        return tuple(found)

    @property
    def fields(self) -> list[str] | None:
        """The fields ``name.X`` may read, when ``read`` is annotated to return a dataclass."""
        try:
            returned = get_type_hints(self.read).get("return")
        except Exception:  # annotations that do not resolve: the fields stay unknown
            return None
        if isinstance(returned, type) and dataclasses.is_dataclass(returned):
            return [f.name for f in dataclasses.fields(returned)]
        return None


@dataclass
class Registry:
    """Event types, behaviours and state names known to trigger files."""

    event_types: dict[str, type] = field(default_factory=dict)
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    states: dict[str, StateName] = field(default_factory=dict)
    #: Names that may not be registered again, by kind (see :meth:`seal`).
    builtin: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.events(*SCRIPTING_EVENTS)

    def __deepcopy__(self, memo: dict[int, Any]) -> Registry:
        # A registry is configuration shared by every world that uses it.
        return self

    def events(self, *types: type) -> None:
        """Register event types so trigger files can name them in ``on``."""
        for event_type in types:
            if not (isinstance(event_type, type) and issubclass(event_type, Event)):
                raise TypeError(f"{event_type!r} is not an Event subclass")
            self._refuse_clash(event_type)
            self.event_types.setdefault(event_type.__name__, event_type)

    def _refuse_clash(self, event_type: type) -> None:
        """Raise if another event type known here (named in ``on`` or emitted by a behaviour) has this name.

        A type's name is its topic on the bus, so a second ``Shot`` would
        fail at run time, in the tick that emits it; refused here, ``check``
        names the extension's line instead.
        """
        name = event_type.__name__
        if any(t.__name__ == name and t is not event_type for t in self.known_event_types()):
            self._refuse_builtin("event type", name)
            raise ValueError(f"two event types are named {name!r}; a type's name is its topic: rename one")

    def known_event_types(self) -> set[type]:
        """Every event type a trigger can name or a behaviour declares it emits."""
        known = set(self.event_types.values())
        for behaviour in self.behaviours.values():
            known.update(behaviour.emits or ())
        return known

    def behaviour(self, function: Callable[..., Any] | None = None, *, name: str | None = None,
                  emits: Iterable[type] | None = None,
                  validate: Callable[[dict[str, Any]], None] | None = None) -> Any:
        """Decorator: register ``function(world, **params)`` as a behaviour.

        Parameters after ``world`` must be annotated with ``int``, ``float``,
        ``bool``, ``str``, :data:`Entity`, or a ``Literal[...]`` of allowed
        values; those with defaults are optional.  ``emits`` lists the event
        types it may emit (``@registry.behaviour(emits=[HealthChanged])``), so
        that ``check`` can find triggers that keep firing each other;
        ``validate`` checks constant parameters at load time (see :class:`Behaviour`).
        """
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            self.add_behaviour(func, name, emits, validate)
            return func
        return register(function) if function is not None else register

    def add_behaviour(self, function: Callable[..., Any], name: str | None = None,
                      emits: Iterable[type] | None = None,
                      validate: Callable[[dict[str, Any]], None] | None = None) -> Behaviour:
        """Register a behaviour (the non-decorator form); returns it."""
        behaviour_name = name or function.__name__
        self._refuse_builtin("behaviour", behaviour_name)
        declared = None if emits is None else tuple(emits)
        for event_type in declared or ():
            if not (isinstance(event_type, type) and issubclass(event_type, Event)):
                raise TypeError(f"behaviour {behaviour_name!r}: emits {event_type!r}, which is not an Event subclass")
            self._refuse_clash(event_type)
        hints = get_type_hints(function)
        signature = inspect.signature(function)
        params: dict[str, Param] = {}
        for index, (pname, p) in enumerate(signature.parameters.items()):
            if index == 0:
                continue  # the world
            ptype = hints.get(pname)
            choices = None
            if get_origin(ptype) is Literal:
                # Literal["siren", "gunshot"]: a closed set, checked when files are loaded.
                choices = get_args(ptype)
                ptype = type(choices[0])
            if ptype not in PARAM_TYPES:
                raise TypeError(f"behaviour {behaviour_name!r}: parameter {pname!r} needs a type annotation "
                                f"among {', '.join(PARAM_TYPES.values())}, found {ptype!r}")
            required = p.default is inspect.Parameter.empty
            params[pname] = Param(pname, ptype, required, None if required else p.default, choices)
        behaviour = Behaviour(behaviour_name, function, params, inspect.getdoc(function) or "", declared, validate)
        self.behaviours[behaviour_name] = behaviour
        return behaviour

    def state(self, name: str, read: Callable[[Any], Any],
              changed_by: Iterable[type] | Mapping[str, Iterable[type]] = (), doc: str = "") -> None:
        """Expose world state to expressions as ``name``; ``read(world)`` returns it.

        ``changed_by`` lists the event types that change it, or maps each of
        its fields to them (``{"health": [HealthChanged], "x": []}``), so an
        alarm on one field names the record that changed that field.  A
        mapping must name every field of the dataclass ``read`` returns.
        """
        self._refuse_builtin("state", name)
        if isinstance(changed_by, Mapping):
            per_field = {f: tuple(types) for f, types in changed_by.items()}
            union = tuple(dict.fromkeys(t for types in per_field.values() for t in types))
            state = StateName(name, read, union, doc, per_field)
            fields = state.fields
            if fields is not None and set(fields) != set(per_field):
                missing = sorted(set(fields) - set(per_field))
                extra = sorted(set(per_field) - set(fields))
                raise ValueError(f"state {name!r}: changed_by must name every field "
                                 f"(missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'})")
        else:
            state = StateName(name, read, tuple(changed_by), doc)
        for event_type in state.changed_by:
            if not (isinstance(event_type, type) and issubclass(event_type, Event)):
                raise TypeError(f"state {name!r}: changed by {event_type!r}, which is not an Event subclass")
        self.states[name] = state

    # -- built-in names and copies -----------------------------------------------
    def seal(self) -> None:
        """Mark every name registered so far as built in: registering another
        event type, behaviour or state under one of them raises ValueError
        (an extension may add names, not redefine the game's)."""
        self.builtin = {"event type": set(self.event_types), "behaviour": set(self.behaviours),
                        "state": set(self.states)}

    def _refuse_builtin(self, kind: str, name: str) -> None:
        if name in self.builtin.get(kind, ()):
            raise BuiltinNameError(f"{kind} {name!r} is built in; an extension cannot redefine it "
                                   "(choose another name)")

    def copy(self) -> Registry:
        """A new registry holding the same names (and built-in marks), to add to
        without touching this one."""
        twin = Registry(dict(self.event_types), dict(self.behaviours), dict(self.states))
        twin.builtin = {kind: set(names) for kind, names in self.builtin.items()}
        return twin

    def describe(self) -> str:
        """A readable listing of everything registered, for ``check --list``."""
        lines = ["events: " + ", ".join(sorted(self.event_types))]
        lines.append("behaviours:")
        for b in sorted(self.behaviours.values(), key=lambda b: b.name):
            params = ", ".join(f"{p.name}: {p.type_name}" + ("" if p.required else f" = {p.default!r}")
                               for p in b.params.values())
            emits = f" -> {', '.join(sorted(t.__name__ for t in b.emits))}" if b.emits else ""
            summary = " ".join(b.doc.split("\n\n")[0].split())  # the first paragraph, on one line
            lines.append(f"  {b.name}({params}){emits} — {summary}")
        lines.append("state:" if self.states else "state: none")
        for state in sorted(self.states.values(), key=lambda s: s.name):
            fields = state.fields
            shown = ", ".join(f"{state.name}.{f}" for f in fields) if fields else state.doc
            lines.append(f"  {state.name}: {shown}")
        return "\n".join(lines)
