"""The trigger runtime: runs triggers and alarms inside a world.

Triggers are event handlers; alarms are evaluated by the runtime's own
system, once per tick (or every ``every`` seconds).  Each behaviour call is
recorded as :class:`BehaviourRan`, and whatever the behaviour emits names it
as cause, so ``why`` reads: Shot → BehaviourRan(damage) → HealthChanged.

**How an alarm names its cause.**  The registry says which event types
change each state field (``changed_by``).  When an alarm's condition starts
to differ from its state, the runtime takes the latest record, since the
alarm last looked, of a type that changes a field the condition reads;
that record is the cause of the :class:`AlarmEntered`/:class:`AlarmExited`
record (kept through the ``for`` hold).  If no such event happened (the
state drifted on its own), the alarm record is a root (cause ``null``).

**Loading files.**  File triggers are installed by handling a
:class:`TriggersLoaded` input event that carries the files' text, so a
replay re-installs them at the same tick, and a reload is applied whole
between two systems' work, never half a file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.bus import Subscription
from engine.expr import ExpressionError
from engine.record import Record
from engine.scripting.events import AlarmEntered, AlarmExited, BehaviourRan, TriggersLoaded
from engine.scripting.loader import TriggerFileError, attributes_read, build, load_sources
from engine.scripting.model import Alarm, Call, Trigger, TriggerSet
from engine.scripting.namespace import EntityView, Namespace
from engine.scripting.registry import Entity, Registry
from engine.scripting.values import ValueRefused, checked, shown
from engine.world import World


@dataclass
class _TriggerState:
    fired: int = 0
    ready_at: int = 0  # first tick the cooldown allows


@dataclass
class _AlarmState:
    active: bool = False
    pending_since: int | None = None
    pending_cause: Record | None = None
    looked_at: int = 0  # log offset when the alarm last looked
    failing: str | None = None


class TriggerRuntime:
    """Installs a registry's triggers and alarms into a world and runs them.

    Add it after the game's own systems, so alarms see the tick's changes::

        runtime = TriggerRuntime(world, registry)
        runtime.load_files(["assets/triggers"])
    """

    def __init__(self, world: World, registry: Registry) -> None:
        self.world = world
        self.registry = registry
        self.code_set = TriggerSet()   # from Python
        self.file_set = TriggerSet()   # from TriggersLoaded
        self._subs: list[Subscription] = []
        self._triggers: dict[str, _TriggerState] = {}
        self._alarms: dict[str, _AlarmState] = {}
        self.errors: list[str] = []
        world.subscribe(TriggersLoaded, self._on_loaded, priority=1000)
        world.add_system(self)
        self._install()

    # -- what is active ----------------------------------------------------------
    @property
    def active(self) -> TriggerSet:
        """Everything installed now: Python triggers plus file triggers."""
        return self.code_set + self.file_set

    def fired(self, name: str) -> int:
        """How many times the trigger (or alarm entry) ``name`` has fired."""
        state = self._triggers.get(name)
        return state.fired if state is not None else 0

    def alarm_active(self, name: str) -> bool:
        """True while alarm ``name`` is in its entered state."""
        state = self._alarms.get(name)
        return bool(state and state.active)

    # -- loading -------------------------------------------------------------------
    def add(self, *specs: Mapping[str, Any] | TriggerSet) -> TriggerSet:
        """Add Python triggers: specs from :func:`trigger`/:func:`alarm`, or trigger sets.

        Raises :class:`TriggerFileError` (naming ``<python>``) when invalid.
        """
        added = TriggerSet()
        docs: dict[str, list[Any]] = {"trigger": [], "alarm": []}
        for spec in specs:
            if isinstance(spec, TriggerSet):
                added = added + spec
            else:
                spec = dict(spec)
                docs[spec.pop("kind")].append(spec)
        added = added + build(docs, self.registry, "<python>")
        clash = set(added.names) & set(self.active.names)
        if clash:
            from engine.scripting.loader import Problem
            raise TriggerFileError([Problem("<python>", "duplicate name; already installed", "trigger", n, "name")
                                    for n in sorted(clash)])
        self.code_set = self.code_set + added
        self._install()
        return added

    def reaction(self, on: type, when: str | Callable[..., Any] | None = None, name: str | None = None,
                 **options: Any) -> Callable[[Callable[[World, Any], Any]], Callable[[World, Any], Any]]:
        """Decorator: run ``function(world, event)`` as a trigger's behaviour.

        ``@runtime.reaction(on=Shot, when="event.damage > 50")`` — the quickest
        way to script a reaction in Python; it is recorded like any other.
        """
        def register(function: Callable[[World, Any], Any]) -> Callable[[World, Any], Any]:
            behaviour_name = name or function.__name__

            def behaviour(world: World) -> None:
                # The BehaviourRan being handled was caused by the trigger's event.
                ran = world.bus.current
                cause = world.log.get(ran.cause) if ran is not None and ran.cause is not None else None
                function(world, cause.event if cause is not None else None)
            behaviour.__name__ = behaviour_name
            behaviour.__doc__ = function.__doc__
            self.registry.add_behaviour(behaviour, behaviour_name)
            spec = trigger(behaviour_name, on=on, do=[call(behaviour_name)], when=when, **options)
            self.add(spec)
            return function
        return register

    def load_files(self, paths: Iterable[Any], relative_to: Any = None) -> TriggerSet:
        """Read and validate trigger files, and queue them as a TriggersLoaded input.

        They are installed when that input is delivered, at the next pump
        (the start of the next tick), exactly as a replay feeds the recorded
        input back: live runs and replays take the same path, so events
        queued before the files were loaded are handled before the files'
        triggers exist, in both.  Files are named relative to
        ``relative_to`` in the log, when given.  Raises
        :class:`TriggerFileError` and queues nothing when any is invalid.
        """
        from engine.scripting.loader import read_sources

        sources, problems = read_sources(paths, relative_to)
        if problems:
            raise TriggerFileError(problems)
        loaded = load_sources(sources, self.registry, taken=self.code_set)
        self.world.emit(TriggersLoaded(sources, len(loaded.triggers), len(loaded.alarms)))
        return loaded

    def _on_loaded(self, event: TriggersLoaded) -> None:
        # Validated before it was emitted; validated again so a replayed or
        # hand-made record cannot install a broken set.
        self.file_set = load_sources(event.sources, self.registry, taken=self.code_set)
        loaded = self.world.bus.current
        # Alarms look at what changed after the files were loaded: records
        # queued meanwhile (after the TriggersLoaded record) count.
        self._install(since=loaded.offset + 1 if loaded is not None else None)

    def _install(self, since: int | None = None) -> None:
        for sub in self._subs:
            sub.cancel()
        self._subs = []
        active = self.active
        for item in active.triggers:
            self._triggers.setdefault(item.name, _TriggerState())
            if item.enabled:
                self._subs.append(self.world.subscribe(item.on, self._trigger_handler(item), item.priority))
        names = {a.name for a in active.alarms}
        # Alarms keep their state across reloads (by name), so a running siren is not restarted.
        self._alarms = {n: s for n, s in self._alarms.items() if n in names}
        for alarm_ in active.alarms:
            looked_at = self.world.log.next_offset if since is None else since
            self._alarms.setdefault(alarm_.name, _AlarmState(looked_at=looked_at))
        self._alarm_list = [a for a in active.alarms if a.enabled]
        # Subscribing forgot the bus's routes: find them now, not in the tick that first emits a type.
        self.world.bus.prepare(sorted(self.registry.known_event_types(), key=lambda t: t.__name__))

    # -- triggers --------------------------------------------------------------------
    def _trigger_handler(self, item: Trigger) -> _TriggerHandler:
        return _TriggerHandler(self, item, self._triggers[item.name])

    def run_calls(self, owner: str, calls: Iterable[Call], namespace: Namespace, file: str = "",
                  kind: str = "trigger") -> None:
        """Run behaviour calls, each recorded as a :class:`BehaviourRan` that its effects name as cause.

        A failure is a dead letter whose handler names where it happened, in
        the words ``check`` uses (:func:`failure_where`): a parameter that
        cannot be computed or whose value a record could not hold (NaN,
        infinity, huge text; see :mod:`engine.scripting.values`) is
        ``FILE: trigger 'NAME': do[0].amount`` and the call is skipped; a
        behaviour that raises is ``FILE: trigger 'NAME': do[0] (damage)``."""
        bus = self.world.bus
        where = failure_where(file, kind, owner)
        for call_ in calls:
            behaviour = self.registry.behaviours[call_.behaviour]
            try:
                params = self._params(behaviour, call_, namespace)
            except _ParamFailed as failed:
                bus.record_failure(f"{where}: {call_.where}.{failed.param}", bus.current, failed.error)
                continue
            record = bus.emit_now(BehaviourRan(owner, behaviour.name, params))
            if record is None:
                continue  # cut by the cascade guard, which recorded why
            with bus.handling(record):
                try:
                    behaviour.function(self.world, **params)
                except Exception as error:
                    bus.record_failure(f"{where}: {call_.where} ({behaviour.name})", record, error)

    @staticmethod
    def _params(behaviour: Any, call_: Call, namespace: Namespace) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for param in behaviour.params.values():
            given = call_.params.get(param.name)
            try:
                value = param.default if given is None else given.evaluate(namespace)
            except (ExpressionError, TypeError) as error:
                raise _ParamFailed(param.name, error) from None
            if isinstance(value, EntityView):
                value = value.id
            if param.type is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if param.type in (int, Entity) and isinstance(value, float) and value.is_integer():
                value = int(value)
            if given is not None and not param.accepts(value):
                error = TypeError(f"{given.source!r} gave {shown(value)}, expected {param.type_name}")
                raise _ParamFailed(param.name, error)
            if given is not None:
                try:
                    checked(value)
                except ValueRefused as error:
                    raise _ParamFailed(param.name, error) from None
            params[param.name] = value
        return params

    # -- alarms --------------------------------------------------------------------------
    def update(self, world: World) -> None:
        """Evaluate every alarm (the runtime's system, once per tick)."""
        if not self._alarm_list:
            return
        namespace = Namespace(world, self.registry)
        for item in self._alarm_list:
            if self._evaluate(item, self._alarms[item.name], namespace):
                # Its behaviours changed the world: the next alarms read it afresh, not
                # as cached before (or they would see the change a tick late, and blame nothing).
                namespace = Namespace(world, self.registry)

    def _evaluate(self, item: Alarm, state: _AlarmState, namespace: Namespace) -> bool:
        """Evaluate one alarm; True if it changed state (and ran its behaviours)."""
        world, bus = self.world, self.world.bus
        rate = world.tick_rate
        every = max(1, round(item.every * rate))
        if world.tick % every:
            return False
        try:
            value = bool(item.when.evaluate(namespace))
        except Exception as error:  # a Python condition may raise anything; the game goes on
            if state.failing != str(error):  # record once, not every tick
                state.failing = str(error)
                bus.record_failure(f"{failure_where(item.source, 'alarm', item.name)}: when", None, error)
            return False
        state.failing = None
        looked_at, state.looked_at = state.looked_at, world.log.next_offset
        if value == state.active:
            state.pending_since = state.pending_cause = None
            return False
        if state.pending_since is None:
            state.pending_since = world.tick
            state.pending_cause = self._latest_change(item, looked_at)
        if world.tick - state.pending_since < round(item.hold * rate):
            return False
        state.active = value
        cause, state.pending_since, state.pending_cause = state.pending_cause, None, None
        with bus.handling(cause):
            record = bus.emit_now(AlarmEntered(item.name) if value else AlarmExited(item.name))
        if record is None:
            return False
        if value:
            self._triggers.setdefault(item.name, _TriggerState()).fired += 1
        with bus.handling(record):
            self.run_calls(item.name, item.enter if value else item.exit, namespace, item.source, "alarm")
        return True

    def _latest_change(self, item: Alarm, since: int) -> Record | None:
        """The latest record from offset ``since`` on whose type changes a field
        the alarm's condition reads.  The log is read, not the handlers' view:
        a queued event is recorded before it is handled, and its change is
        already made."""
        types = {t.__name__ for t in changers_read(item.when, self.registry)}
        log = self.world.log
        for offset in range(log.next_offset - 1, max(since, log.first_offset) - 1, -1):
            record = log.get(offset)
            if record is not None and record.type in types:
                return record
        return None


def failure_where(file: str, kind: str, name: str) -> str:
    """Where a run-time failure happened, in the words of ``check``'s messages:
    ``assets/triggers/combat.toml: trigger 'getting-shot-hurts'`` (a field follows)."""
    return f"{file or '<python>'}: {kind} {name!r}"


class _ParamFailed(Exception):
    """A parameter that could not be computed, or whose value a record could not hold."""

    def __init__(self, param: str, error: Exception) -> None:
        super().__init__(param, error)
        self.param = param
        self.error = error


# Handlers are small callable objects rather than closures so that a world,
# runtime included, can be deep-copied for time travel (closures would keep
# pointing at the original runtime).

class _TriggerHandler:
    """Runs one trigger for each event it is subscribed to."""

    def __init__(self, runtime: TriggerRuntime, item: Trigger, state: _TriggerState) -> None:
        self.runtime = runtime
        self.item = item
        self.state = state
        self.cooldown = math.ceil(item.cooldown * runtime.world.tick_rate)
        self.__qualname__ = f"trigger {item.name!r}"
        self.__module__ = ""

    def __call__(self, event: Any) -> None:
        item, state, runtime = self.item, self.state, self.runtime
        world = runtime.world
        if item.once and state.fired:
            return
        if world.tick < state.ready_at:
            return
        namespace = Namespace(world, runtime.registry, event)
        if item.when is not None:
            try:
                if not item.when.evaluate(namespace):
                    return
            except ExpressionError as error:
                where = failure_where(item.source, "trigger", item.name)
                world.bus.record_failure(f"{where}: when", world.bus.current, error)
                return
        state.fired += 1
        state.ready_at = world.tick + self.cooldown
        runtime.run_calls(item.name, item.do, namespace, item.source)


def keys_read(condition: Any, registry: Registry) -> list[str] | None:
    """The state fields a condition reads, as ``"player.health"`` (``"player"``
    for a state not declared field by field); None when it cannot be told (a
    Python condition: any change may be the cause)."""
    names = getattr(condition, "names", None)
    if names is None:
        return None
    keys: list[str] = []
    for name in names:
        state = registry.states.get(name)
        if state is None:
            continue
        if state.field_changes is None:
            keys.append(name)
            continue
        fields = attributes_read(condition.source, name) or state.field_changes  # the whole view: every field
        keys.extend(f"{name}.{f}" for f in fields)
    return keys


def changers_read(condition: Any, registry: Registry) -> tuple[type, ...]:
    """The event types that change what a condition reads (any state's, for a Python condition)."""
    keys = keys_read(condition, registry)
    if keys is None:
        return tuple(t for state in registry.states.values() for t in state.changed_by)
    found: list[type] = []
    for key in keys:
        name, _, field_name = key.partition(".")
        found.extend(registry.states[name].changers([field_name] if field_name else None))
    return tuple(dict.fromkeys(found))


# -- the Python form -----------------------------------------------------------------------

def call(behaviour: str, **params: Any) -> dict[str, Any]:
    """A behaviour call for :func:`trigger`/:func:`alarm`: ``call("heal", target="event.target", amount=25)``."""
    return {"behaviour": behaviour, **params}


def trigger(name: str, on: type | str, do: list[dict[str, Any]], when: str | Callable[..., Any] | None = None,
            **options: Any) -> dict[str, Any]:
    """A trigger spec for :meth:`TriggerRuntime.add`; same fields as a ``[[trigger]]`` table."""
    spec: dict[str, Any] = {"kind": "trigger", "name": name, "on": on, "do": do, **options}
    if when is not None:
        spec["when"] = when
    return spec


def alarm(name: str, when: str | Callable[..., Any], enter: list[dict[str, Any]] | None = None,
          exit: list[dict[str, Any]] | None = None, hold: float = 0.0, **options: Any) -> dict[str, Any]:
    """An alarm spec for :meth:`TriggerRuntime.add`; ``hold`` is the file form's ``for``."""
    spec: dict[str, Any] = {"kind": "alarm", "name": name, "when": when, **options}
    if enter is not None:
        spec["enter"] = enter
    if exit is not None:
        spec["exit"] = exit
    if hold:
        spec["for"] = hold
    return spec
