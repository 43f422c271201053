"""The trigger runtime: runs triggers and alarms inside a world.

Triggers are event handlers; alarms are evaluated by the runtime's own
system, once per tick (or every ``every`` seconds).  Each behaviour call is
recorded as :class:`BehaviourRan`, and whatever the behaviour emits names it
as cause, so ``why`` reads: Shot → BehaviourRan(damage) → HealthChanged.

**How an alarm names its cause.**  The registry says which event types
change each state name (``changed_by``).  When an alarm's condition starts
to differ from its state, the runtime takes the latest record, since the
alarm last looked, of a type that changes a state name the condition reads;
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
from engine.scripting.loader import TriggerFileError, build, load_sources
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
        self._changes: dict[str, Record] = {}
        self.errors: list[str] = []
        world.subscribe(TriggersLoaded, self._on_loaded, priority=1000)
        for state in registry.states.values():
            for event_type in state.changed_by:
                world.subscribe(event_type, self._change_watcher(state.name), priority=-1000)
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
        loaded = load_sources(sources, self.registry)
        self.world.emit(TriggersLoaded(sources, len(loaded.triggers), len(loaded.alarms)))
        return loaded

    def _on_loaded(self, event: TriggersLoaded) -> None:
        # Validated before it was emitted; validated again so a replayed or
        # hand-made record cannot install a broken set.
        self.file_set = load_sources(event.sources, self.registry)
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

    # -- triggers --------------------------------------------------------------------
    def _trigger_handler(self, item: Trigger) -> _TriggerHandler:
        return _TriggerHandler(self, item, self._triggers[item.name])

    def run_calls(self, owner: str, calls: Iterable[Call], namespace: Namespace, file: str = "") -> None:
        """Run behaviour calls, each recorded as a :class:`BehaviourRan` that its effects name as cause.

        A parameter whose value a record could not hold (NaN, infinity, huge
        text; see :mod:`engine.scripting.values`) is a dead letter naming the
        trigger, the call, the behaviour's parameter and ``file``; the call is skipped."""
        bus = self.world.bus
        for call_ in calls:
            behaviour = self.registry.behaviours[call_.behaviour]
            label = f"{owner!r} {call_.where}"
            try:
                params = self._params(behaviour, call_, namespace)
            except (ExpressionError, TypeError) as error:
                bus.record_failure(label, bus.current, error)
                continue
            except _Refused as refused:
                where = f" in {file}" if file and file != "<python>" else ""
                bus.record_failure(f"{label} {behaviour.name}.{refused.param}{where}", bus.current, refused.error)
                continue
            record = bus.trigger(BehaviourRan(owner, behaviour.name, params))
            if record is None:
                continue  # cut by the cascade guard, which recorded why
            with bus.handling(record):
                try:
                    behaviour.function(self.world, **params)
                except Exception as error:
                    bus.record_failure(f"{label} {behaviour.name}", record, error)

    @staticmethod
    def _params(behaviour: Any, call_: Call, namespace: Namespace) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for param in behaviour.params.values():
            given = call_.params.get(param.name)
            value = param.default if given is None else given.evaluate(namespace)
            if isinstance(value, EntityView):
                value = value.id
            if param.type is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if param.type in (int, Entity) and isinstance(value, float) and value.is_integer():
                value = int(value)
            if given is not None and not param.accepts(value):
                raise TypeError(f"{param.name} = {given.source!r} gave {shown(value)}, expected {param.type_name}")
            if given is not None:
                try:
                    checked(value)
                except ValueRefused as error:
                    raise _Refused(param.name, error) from None
            params[param.name] = value
        return params

    # -- alarms --------------------------------------------------------------------------
    def _change_watcher(self, name: str) -> _ChangeWatcher:
        return _ChangeWatcher(self, name)

    def update(self, world: World) -> None:
        """Evaluate every alarm (the runtime's system, once per tick)."""
        if not self._alarm_list:
            return
        namespace = Namespace(world, self.registry)
        for item in self._alarm_list:
            self._evaluate(item, self._alarms[item.name], namespace)

    def _evaluate(self, item: Alarm, state: _AlarmState, namespace: Namespace) -> None:
        world, bus = self.world, self.world.bus
        rate = world.tick_rate
        every = max(1, round(item.every * rate))
        if world.tick % every:
            return
        try:
            value = bool(item.when.evaluate(namespace))
        except Exception as error:  # a Python condition may raise anything; the game goes on
            if state.failing != str(error):  # record once, not every tick
                state.failing = str(error)
                bus.record_failure(f"alarm {item.name!r} when", None, error)
            return
        state.failing = None
        looked_at, state.looked_at = state.looked_at, world.log.next_offset
        if value == state.active:
            state.pending_since = state.pending_cause = None
            return
        if state.pending_since is None:
            state.pending_since = world.tick
            state.pending_cause = self._latest_change(item, looked_at)
        if world.tick - state.pending_since < round(item.hold * rate):
            return
        state.active = value
        cause, state.pending_since, state.pending_cause = state.pending_cause, None, None
        with bus.handling(cause):
            record = bus.trigger(AlarmEntered(item.name) if value else AlarmExited(item.name))
        if record is None:
            return
        if value:
            self._triggers.setdefault(item.name, _TriggerState()).fired += 1
        with bus.handling(record):
            self.run_calls(item.name, item.enter if value else item.exit, namespace, item.source)

    def _latest_change(self, item: Alarm, since: int) -> Record | None:
        names = getattr(item.when, "names", None)
        candidates = (self._changes.get(n) for n in (names if names is not None else self._changes))
        found = [r for r in candidates if r is not None and r.offset >= since]
        return max(found, key=lambda r: r.offset) if found else None


class _Refused(Exception):
    """A parameter's value refused by :func:`engine.scripting.values.checked`."""

    def __init__(self, param: str, error: ValueRefused) -> None:
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
                world.bus.record_failure(f"trigger {item.name!r} when", world.bus.current, error)
                return
        state.fired += 1
        state.ready_at = world.tick + self.cooldown
        runtime.run_calls(item.name, item.do, namespace, item.source)


class _ChangeWatcher:
    """Remembers the latest record that changed a state name (for alarm causes)."""

    def __init__(self, runtime: TriggerRuntime, name: str) -> None:
        self.runtime = runtime
        self.name = name
        self.__qualname__ = f"state {name!r} watcher"
        self.__module__ = ""

    def __call__(self, event: Any) -> None:
        current = self.runtime.world.bus.current
        if current is not None:
            self.runtime._changes[self.name] = current


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
