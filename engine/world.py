"""The world: one simulation with its entities, systems, bus, log and RNG."""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import esper

from engine.bus import DEFAULT_CASCADE_LIMIT, DEFAULT_REACTION_BUDGET, EventBus, Handler, Subscription, handler_name
from engine.events import Despawned, Event, SimulationStarted
from engine.gcfreeze import DEFAULT_FREEZE_EVERY, GcFreezer
from engine.log import DEFAULT_CAPACITY, EventLog
from engine.record import Record
from engine.systems import declared_handlers

_context_names = itertools.count(1)


@contextlib.contextmanager
def _in_context(context: str) -> Iterator[None]:
    """Make ``context`` esper's current one for the block, then the caller's
    again (unless that was deleted meanwhile): a world used from inside
    another world's tick leaves that world's view alone."""
    previous = esper.current_world
    if previous != context:
        esper.switch_world(context)
    try:
        yield
    finally:
        if esper.current_world != previous and previous in esper.list_worlds():
            esper.switch_world(previous)


class World:
    """One simulation.

    It owns an esper world context (use esper's own functions for entities,
    components and queries; :meth:`activate` makes this world's context the
    current one, and :meth:`step` does so before every system and every pump),
    the event bus
    and log, the tick counter and a seeded random generator, ``world.rng``,
    which must be the only source of randomness in the simulation.

    The first record of every world is :class:`SimulationStarted`.
    """

    def __init__(self, seed: int = 0, tick_rate: int = 60, options: dict[str, Any] | None = None,
                 log_capacity: int = DEFAULT_CAPACITY, cascade_limit: int = DEFAULT_CASCADE_LIMIT,
                 reaction_budget: int = DEFAULT_REACTION_BUDGET,
                 gc_freeze_every: int | None = DEFAULT_FREEZE_EVERY) -> None:
        self.seed = seed
        self.tick_rate = tick_rate
        self.dt = 1.0 / tick_rate
        self.options = dict(options or {})
        self.rng = random.Random(seed)
        self.tick = 0
        self.log = EventLog(log_capacity)
        self.bus = EventBus(self.log, cascade_limit, reaction_budget)
        self.context = f"wanted-world-{next(_context_names)}"
        #: Singletons the game shares with systems and behaviours (audio, map...).
        self.resources: dict[str, Any] = {}
        self._systems: list[Callable[[World], Any]] = []
        self._system_objects: list[object] = []
        #: Entities observed by subscriptions, to end those when esper deletes them.
        self._watched: set[int] = set()
        self._closed = False
        #: Keeps old records out of full garbage collections (None: off); see engine.gcfreeze.
        self.gc_freezer = GcFreezer(gc_freeze_every, at_start=True) if gc_freeze_every is not None else None
        self.activate()
        self.emit(SimulationStarted(seed, tick_rate, self.options))

    # -- esper context ---------------------------------------------------
    def activate(self) -> World:
        """Make this world's esper context current, so esper calls act on it."""
        if esper.current_world != self.context:
            esper.switch_world(self.context)
        return self

    def create_entity(self, *components: Any) -> int:
        """Create an entity in this world (esper.create_entity in our context),
        whichever world is current; the current one stays current."""
        if esper.current_world == self.context:
            # Inside our own tick (the usual case) there is no world to switch
            # back to, and the context manager costs as much as the creation.
            return esper.create_entity(*components)
        with _in_context(self.context):
            return esper.create_entity(*components)

    def despawn(self, entity: int) -> None:
        """Remove ``entity``: handlers see :class:`Despawned` at once, then the
        entity's own subscriptions are cancelled and esper deletes it at the
        start of the next step (deferred, so it is safe during iteration)."""
        if esper.current_world == self.context:
            self._despawn(entity)  # inside our own tick: nothing to switch back to (see create_entity)
            return
        with _in_context(self.context):
            self._despawn(entity)

    def _despawn(self, entity: int) -> None:
        if not esper.entity_exists(entity):
            return
        self._watched.discard(entity)
        self.bus.emit_now(Despawned(entity))
        self.bus.unsubscribe_entity(entity)
        esper.delete_entity(entity)

    def close(self) -> None:
        """Delete this world's esper context (a step in progress stops after the current system),
        and unfreeze what its :attr:`gc_freezer` froze."""
        self._closed = True
        if self.gc_freezer is not None:
            self.gc_freezer.release()
        if esper.current_world == self.context:
            esper.switch_world("default")
        if self.context in esper.list_worlds():
            esper.delete_world(self.context)

    # -- events ------------------------------------------------------------
    def emit(self, event: Event) -> Record | None:
        """Queue ``event`` (buffered); see :meth:`EventBus.emit`."""
        return self.bus.emit(event)

    def emit_now(self, event: Event) -> Record | None:
        """Deliver ``event`` now (immediate); see :meth:`EventBus.emit_now`."""
        # Handlers run now, maybe outside step() or inside another world's
        # tick: esper calls in them act on this world, and the caller's world
        # is current again afterwards.
        with _in_context(self.context):
            return self.bus.emit_now(event)

    def subscribe(self, event_type: type, handler: Handler, priority: int = 0,
                  entity: int | None = None) -> Subscription:
        """Subscribe a handler; see :meth:`EventBus.subscribe`.

        With ``entity``, the subscription ends when that entity is deleted,
        by :meth:`despawn` or by ``esper.delete_entity`` (then at the next step).
        """
        subscription = self.bus.subscribe(event_type, handler, priority, entity)
        if entity is not None:
            with _in_context(self.context):
                if esper.entity_exists(entity):  # an id that is no entity here is only a filter
                    self._watched.add(entity)
        return subscription

    def why(self, offset: int) -> list[Record]:
        """The causal chain of a record, root first."""
        return self.log.why(offset)

    # -- systems -----------------------------------------------------------
    def add_system(self, system: Any) -> Any:
        """Add a system; systems run each tick in the order they were added.

        ``system`` is a function ``f(world)``, or an object with an
        ``update(world)`` method and/or ``@on`` handlers.  Returns it.
        """
        for event_type, priority, handler in declared_handlers(system):
            self.subscribe(event_type, handler, priority)
        update = getattr(system, "update", None)
        if update is None and callable(system) and not declared_handlers(system):
            update = system
        if update is not None:
            self._systems.append(update)
        self._system_objects.append(system)
        return system

    @property
    def systems(self) -> list[object]:
        """The systems added, in run order."""
        return list(self._system_objects)

    def step(self) -> None:
        """Run one tick: deliver pending input, run each system, pumping after each.

        A system that raises becomes a dead letter (a :class:`HandlerFailed`
        naming ``system <name>``) and the tick goes on with the next system.
        Each tick has its own reaction budget (see :class:`EventBus`).
        """
        bus = self.bus
        bus.tick = self.tick
        with _in_context(self.context):  # stepped from inside another world's tick, that world stays current
            esper.clear_dead_entities()
            self._forget_deleted_entities()
            bus.pump()
            context = self.context
            for system in self._systems:
                if self._closed:
                    break  # a system closed its own world: switching back would re-create its context
                if esper.current_world != context:
                    esper.switch_world(context)
                try:
                    system(self)
                except Exception as error:  # Ctrl-C and SystemExit still end the run
                    # A failing system must not stop the game: a dead letter
                    # names it, and the tick's other systems still run.
                    bus.record_failure(f"system {handler_name(system)}", None, error)
                if self._closed:
                    break
                # Again: the system may have acted on another world.
                if esper.current_world != context:
                    esper.switch_world(context)
                bus.pump()
        self.tick += 1
        bus.tick = self.tick
        freezer = self.gc_freezer
        if freezer is not None and self.log.next_offset >= freezer.due_at:
            freezer.at_safe_point(self.log.next_offset)  # between ticks: a safe point

    def _forget_deleted_entities(self) -> None:
        # despawn() cancels an entity's subscriptions itself; this catches the
        # entities deleted with esper's own delete_entity (ids are never reused).
        gone = [entity for entity in self._watched if not esper.entity_exists(entity)]
        for entity in gone:
            self._watched.discard(entity)
            self.bus.unsubscribe_entity(entity)

    def run(self, ticks: int) -> None:
        """Step ``ticks`` times, as fast as the CPU allows."""
        for _ in range(ticks):
            self.step()

    @property
    def time(self) -> float:
        """Game time in seconds: ticks elapsed times dt."""
        return self.tick * self.dt

    def records(self) -> Iterable[Record]:
        """Every retained record, oldest first."""
        return iter(self.log)
