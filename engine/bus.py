"""The event bus: publish-subscribe with a queue, a log and causality.

Two ways to publish, as in Bevy and Nystrom's *Event Queue* chapter:

* :meth:`EventBus.emit` appends a record and **queues** it; it is delivered at
  the next :meth:`EventBus.pump` (the world pumps after every system), FIFO.
* :meth:`EventBus.trigger` appends a record and delivers it **at once**.

Either way the record's ``cause`` is the record being handled at that moment,
so causality is recorded without anybody passing it around.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from engine.events import CascadeCut, Event, HandlerFailed, target_field
from engine.log import EventLog
from engine.record import BlankRecord, Record

Handler = Callable[[Any], Any]
log = logging.getLogger("engine.bus")

#: Default longest chain of reactions allowed within one tick.
DEFAULT_CASCADE_LIMIT = 64
#: Default most reactions (events emitted by handlers) one cascade may make,
#: counted per root record.  The demo game's biggest is about a hundred (a
#: chase emptying the streets of 40 people); 1000 people make about a thousand.
DEFAULT_REACTION_LIMIT = 100_000


class EventTypeError(TypeError):
    """Two different event classes share one type name (topic) in a bus."""


class Subscription:
    """A handle for one subscription; call :meth:`cancel` (or leave its
    ``with`` block) to unsubscribe.  Safe to cancel during dispatch."""

    __slots__ = ("bus", "event_type", "handler", "priority", "entity", "seq", "active")

    def __init__(self, bus: EventBus, event_type: type, handler: Handler,
                 priority: int, entity: int | None, seq: int) -> None:
        self.bus = bus
        self.event_type = event_type
        self.handler = handler
        self.priority = priority
        self.entity = entity
        self.seq = seq
        self.active = True

    def cancel(self) -> None:
        """Unsubscribe.  Calling it again does nothing."""
        if self.active:
            self.active = False
            self.bus._remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    @property
    def name(self) -> str:
        """A readable name for the handler, as used in dead letters."""
        return handler_name(self.handler)


def handler_name(handler: Callable[..., Any]) -> str:
    """``module.qualname`` of a function or bound method."""
    func = getattr(handler, "__func__", handler)
    module = getattr(func, "__module__", None) or ""
    qual = getattr(func, "__qualname__", None) or repr(func)
    return f"{module}.{qual}" if module else qual


class EventBus:
    """Delivers events to subscribers and records every one in the log."""

    def __init__(self, log: EventLog | None = None, cascade_limit: int = DEFAULT_CASCADE_LIMIT,
                 reaction_limit: int = DEFAULT_REACTION_LIMIT) -> None:
        self.log = log if log is not None else EventLog()
        self.cascade_limit = cascade_limit
        self.reaction_limit = reaction_limit
        # The reaction budget: reactions counted per root offset (each cascade
        # its own count), forgotten at each outermost pump.
        self._reactions: dict[int, int] = {}
        #: The tick stamped on new records; the world keeps it current.
        self.tick = 0
        self.failures = 0
        self.cascades_cut = 0
        self._subs: list[Subscription] = []
        self._seq = 0
        self._queue: deque[Record] = deque()
        # Per concrete event class: the matching subscriptions in delivery order,
        # and the name of its target field.  Rebuilt lazily after (un)subscribing.
        self._routes: dict[type, tuple[tuple[tuple[Subscription, Handler, int | None], ...], str | None]] = {}
        self._types: dict[str, type] = {}
        self._current: Record | None = None

    # -- subscribing ---------------------------------------------------
    def subscribe(self, event_type: type, handler: Handler, priority: int = 0,
                  entity: int | None = None) -> Subscription:
        """Call ``handler(event)`` for every event of ``event_type`` or a subclass.

        Higher ``priority`` runs first; equal priorities run in subscription
        order.  With ``entity``, only events whose target is that entity.
        """
        if not (isinstance(event_type, type) and issubclass(event_type, Event)):
            raise TypeError(f"can only subscribe to Event subclasses, not {event_type!r}")
        self.register(event_type)
        self._seq += 1
        sub = Subscription(self, event_type, handler, priority, entity, self._seq)
        self._subs.append(sub)
        self._routes.clear()
        return sub

    def _remove(self, sub: Subscription) -> None:
        # Dispatch iterates over an immutable tuple, so removing here is safe.
        self._subs.remove(sub)
        self._routes.clear()

    def unsubscribe_entity(self, entity: int) -> None:
        """Cancel every subscription observing ``entity``."""
        for sub in [s for s in self._subs if s.entity == entity]:
            sub.cancel()

    def register(self, event_type: type) -> None:
        """Make ``event_type``'s name its topic here; a clash is an error."""
        name = event_type.__name__
        known = self._types.setdefault(name, event_type)
        if known is not event_type:
            raise EventTypeError(
                f"event type name {name!r} is used by both {known.__module__}.{known.__qualname__} "
                f"and {event_type.__module__}.{event_type.__qualname__}; type names are topics and must be unique")

    @property
    def event_types(self) -> dict[str, type]:
        """Every event type seen by this bus, by name."""
        return dict(self._types)

    def _route(self, cls: type) -> tuple[tuple[tuple[Subscription, Handler, int | None], ...], str | None]:
        for base in cls.__mro__:
            if base is Event:
                break
            self.register(base)
        subs = sorted((s for s in self._subs if issubclass(cls, s.event_type)),
                      key=lambda s: (-s.priority, s.seq))
        # (subscription, handler, entity) triples: delivery unpacks them instead of three attribute loads.
        route = (tuple((s, s.handler, s.entity) for s in subs), target_field(cls))
        self._routes[cls] = route
        return route

    # -- publishing ----------------------------------------------------
    @property
    def current(self) -> Record | None:
        """The record being handled right now, if any."""
        return self._current

    def _append(self, event: Event) -> Record | None:
        if event.__class__ not in self._routes:
            self._route(event.__class__)  # a clashing type name fails here, before it is recorded
        current = self._current
        if current is None:
            return self.log._add(self.tick, None, event, 0)
        depth = current.depth + 1
        root = _root_of(current)
        if depth > self.cascade_limit or self._over_budget(root):
            self._cut(event, current, root)
            return None
        record = self.log._add(self.tick, current.offset, event, depth)
        record._root = root
        return record

    def emit(self, event: Event) -> Record | None:
        """Record ``event`` and queue it for the next pump.  Returns its record."""
        # _append inlined (one Python call less): this is the engine's hottest path.
        if event.__class__ not in self._routes:
            self._route(event.__class__)  # a clashing type name fails here, before it is recorded
        current = self._current
        if current is None:
            cause = None
            depth = 0
        else:
            cause = current.offset
            depth = current.depth + 1
            root = _root_of(current)
            if depth > self.cascade_limit or self._over_budget(root):
                self._cut(event, current, root)
                return None
        # EventLog._add inlined too (a Python call costs as much as the rest): keep the two in step.
        log = self.log
        offset = log._next
        log._next = offset + 1
        record = BlankRecord()
        record.offset = offset
        record.tick = self.tick
        record.cause = cause
        record.event = event
        record.depth = depth
        if depth:
            record._root = root
        log._records.append(record)
        if offset >= log._trim_at:
            log._trim()
        self._queue.append(record)
        return record

    def trigger(self, event: Event) -> Record | None:
        """Record ``event`` and deliver it to its handlers now.  Returns its record."""
        record = self._append(event)
        if record is not None:
            self.deliver(record)
        return record

    def pump(self) -> int:
        """Deliver queued records, FIFO, including those emitted meanwhile."""
        # deliver() inlined, with its lookups hoisted out of the loop.
        queue = self._queue
        if self._reactions and self._current is None:
            # Not inside a handler: every cascade counted so far has ended.
            self._reactions.clear()
        if not queue:
            return 0  # the common case: the world pumps after every system
        popleft = queue.popleft
        routes = self._routes
        delivered = 0
        previous = self._current
        try:
            while queue:
                record = popleft()
                delivered += 1
                event = record.event
                subs, target = routes.get(event.__class__) or self._route(event.__class__)
                self._current = record
                for sub, handler, entity in subs:
                    if sub.active and (entity is None or (target is not None and getattr(event, target) == entity)):
                        try:
                            handler(event)
                        except Exception as error:
                            self._dead_letter(sub, record, error)
        finally:
            self._current = previous
        return delivered

    @property
    def pending(self) -> int:
        """How many records wait in the queue."""
        return len(self._queue)

    def deliver(self, record: Record) -> None:
        """Run the handlers of an already-recorded record (used by emit/trigger)."""
        event = record.event
        cls = event.__class__
        subs, target = self._routes.get(cls) or self._route(cls)
        if not subs:
            return
        previous = self._current
        self._current = record
        try:
            for sub, handler, entity in subs:
                if not sub.active:
                    continue
                if entity is not None and (target is None or getattr(event, target) != entity):
                    continue
                try:
                    handler(event)
                except Exception as error:
                    self._dead_letter(sub, record, error)
        finally:
            self._current = previous

    def handling(self, record: Record | None) -> _Handling:
        """Context manager: act as if handling ``record``, so what is emitted
        inside names it as cause.  Alarms use this to credit the event that
        flipped them."""
        return _Handling(self, record)

    # -- failures --------------------------------------------------------
    def _dead_letter(self, sub: Subscription, record: Record, error: Exception) -> None:
        self.record_failure(sub.name, record, error)

    def record_failure(self, handler: str, record: Record | None, error: Exception | str) -> None:
        """Record a dead letter: ``handler`` failed while handling ``record``
        (``None`` when it failed in its own tick code; offset is then -1)."""
        self.failures += 1
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        offset, kind = (record.offset, record.type) if record is not None else (-1, "")
        log.warning("handler %s failed on #%d %s: %s", handler, offset, kind, text)
        letter = HandlerFailed(handler, offset, kind, text)
        depth = record.depth + 1 if record is not None else 0
        self.log.append(Record(self.log.next_offset, self.tick, record.offset if record else None, letter, depth))

    def _over_budget(self, root: int) -> bool:
        """Count one more reaction of the cascade started by ``root``; True
        once it has made too many.

        The depth limit alone cannot stop a *branching* cascade (a handler
        that emits two events of its own type makes 2**depth of them): this
        budget bounds the total work one cascade can make, and leaves the
        other cascades of the tick alone.
        """
        count = self._reactions.get(root, 0) + 1
        self._reactions[root] = count
        return count > self.reaction_limit

    def _cut(self, event: Event, parent: Record, root: int) -> None:
        self.cascades_cut += 1
        reason = "depth" if parent.depth + 1 > self.cascade_limit else "reactions"
        if reason == "reactions" and self._reactions[root] > self.reaction_limit + 1:
            return  # the first overflow is recorded; the cascade's later reactions are only counted
        types: list[str] = [event.__class__.__name__]
        record: Record | None = parent
        while record is not None and len(types) <= self.cascade_limit + 1:
            types.append(record.type)
            record = self.log.get(record.cause) if record.cause is not None else None
        types.reverse()
        loop = _repeating(types)
        if reason == "depth":
            log.warning("cascade cut at depth %d in tick %d: %s", parent.depth + 1, self.tick, " -> ".join(loop))
        else:
            log.warning("cascade cut in tick %d: more than %d reactions from root #%d, this chain: %s",
                        self.tick, self.reaction_limit, root, " -> ".join(loop))
        cut = CascadeCut(parent.depth + 1, tuple(loop), reason)
        self.log.append(Record(self.log.next_offset, self.tick, parent.offset, cut, parent.depth + 1))


def _root_of(record: Record) -> int:
    """The offset of the root record of ``record``'s cascade."""
    if not record.depth:
        return record.offset
    # Records made by the bus carry their root; one from elsewhere (a file, a
    # hand-made Record given to handling()) counts as a cascade of its own.
    return getattr(record, "_root", record.offset)


def _repeating(types: list[str]) -> list[str]:
    """The shortest cycle at the end of a long chain of types, for the report."""
    for size in range(1, len(types) // 2 + 1):
        if types[-size:] == types[-2 * size:-size]:
            return [*types[-size:], types[-size]]
    return types


class _Handling:
    __slots__ = ("bus", "record", "previous")

    def __init__(self, bus: EventBus, record: Record | None) -> None:
        self.bus = bus
        self.record = record
        self.previous: Record | None = None

    def __enter__(self) -> None:
        self.previous = self.bus._current
        self.bus._current = self.record

    def __exit__(self, *exc: object) -> None:
        self.bus._current = self.previous
