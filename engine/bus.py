"""The event bus: publish-subscribe with a queue, a log and causality.

Two ways to publish, as in Bevy and Nystrom's *Event Queue* chapter:

* :meth:`EventBus.emit` appends a record and **queues** it; it is delivered at
  the next :meth:`EventBus.pump` (the world pumps after every system), FIFO.
* :meth:`EventBus.emit_now` appends a record and delivers it **at once**.

Either way the record's ``cause`` is the record being handled at that moment,
so causality is recorded without anybody passing it around.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from engine.cascade import CutRecorder, CutTally
from engine.events import Event, HandlerFailed, target_field
from engine.log import EventLog
from engine.record import Record

Handler = Callable[[Any], Any]
log = logging.getLogger("engine.bus")

#: Default longest chain of reactions allowed within one tick.
DEFAULT_CASCADE_LIMIT = 64
#: Default most reactions (events emitted while handling another) one tick
#: may make.  The demo's biggest legitimate tick, the chase that empties the
#: streets, makes about 100 with 40 pedestrians and 1,020 with 1,000 (about
#: one a pedestrian): 10,000 leaves a wide margin, and a game with a bigger
#: crowd passes a budget sized from it.
DEFAULT_REACTION_BUDGET = 10_000
#: Longest text of an error kept in a dead letter (a 50 MB message is cut).
ERROR_TEXT_LIMIT = 2_000


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
    """Delivers events to subscribers and records every one in the log.

    Work is bounded: a chain of reactions deeper than ``cascade_limit``, and
    the reactions of a tick beyond ``reaction_budget`` (setting :attr:`tick`
    starts a tick; a :class:`~engine.world.World` does it every step), are
    dropped and recorded as :class:`~engine.events.CascadeCut`, once per tick
    for each loop (see :mod:`engine.cascade`).
    """

    def __init__(self, log: EventLog | None = None, cascade_limit: int = DEFAULT_CASCADE_LIMIT,
                 reaction_budget: int = DEFAULT_REACTION_BUDGET) -> None:
        if reaction_budget < 1 or cascade_limit < 1:
            raise ValueError("cascade_limit and reaction_budget must be at least 1")
        self.log = log if log is not None else EventLog()
        # pump reads the events and depths of the records it delivers from the
        # log's columns, by position: the log trims only when this bus says
        # it is idle (at the end of a pump or of a delivery).
        self.log.defer_trims()
        self.cascade_limit = cascade_limit
        #: Most reactions (records emitted while handling another) one tick may make.
        self.reaction_budget = reaction_budget
        self._tick = 0
        self._spent = 0  # reactions made in this tick
        self._guard = CutRecorder()
        self.failures = 0
        self._subs: list[Subscription] = []
        # How many of them observe one entity: while none do, a despawn has nothing to cancel.
        self._entity_subs = 0
        self._seq = 0
        # The offsets of the records emitted, not yet delivered (see pump): ints,
        # not records, so a long queue gives the garbage collector nothing to walk.
        self._queue: list[int] = []
        # Per concrete event class: the matching subscriptions in delivery order,
        # and the name of its target field.  Rebuilt lazily after (un)subscribing.
        self._routes: dict[type, tuple[tuple[tuple[Subscription, Handler, int | None], ...], str | None]] = {}
        self._types: dict[str, type] = {}
        self._last_type: type | None = None  # the type emit saw last (see emit)
        # The record being handled: its offset (None: none) and depth, and the
        # Record itself when the bus has it at hand (emit_now, handling); pump
        # leaves that None and builds the record only if someone asks (current).
        self._current: int | None = None
        self._depth = 0
        self._record: Record | None = None

    @property
    def tick(self) -> int:
        """The tick stamped on new records; the world keeps it current.

        Setting it starts a new tick: a fresh reaction budget.
        """
        return self._tick

    @tick.setter
    def tick(self, tick: int) -> None:
        self._tick = tick
        self._spent = 0
        self._guard.new_tick()

    @property
    def reactions(self) -> int:
        """Reactions made so far in this tick (the budget spent)."""
        return self._spent

    @property
    def cascades_cut(self) -> int:
        """Reactions dropped by cuts so far (each one, not each record of a cut)."""
        return self._guard.dropped

    @property
    def cuts(self) -> CutTally:
        """Every loop cut so far, with the ticks it was cut in (for the end-of-run report)."""
        return self._guard.tally

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
        if entity is not None:
            self._entity_subs += 1
        self._routes.clear()
        return sub

    def _remove(self, sub: Subscription) -> None:
        # Dispatch iterates over an immutable tuple, so removing here is safe.
        self._subs.remove(sub)
        if sub.entity is not None:
            self._entity_subs -= 1
        self._routes.clear()

    def unsubscribe_entity(self, entity: int) -> None:
        """Cancel every subscription observing ``entity``."""
        if not self._entity_subs:
            return  # the usual case: no walk over every subscription for each departure
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

    def prepare(self, event_types: Iterable[type]) -> None:
        """Route ``event_types`` now, so the tick that first emits one does not pay for it.

        A route is found once per type (a walk of its bases and a sort of
        every subscription, about 17 µs with the demo's 32), and again after
        any subscription changes.  Left to the first emit, that is the tick
        a chase starts: it emits seven types never emitted before (0.12 ms,
        a tenth of a tick at 1,000 pedestrians).  A type whose name clashes
        with one already known is left to fail where it is emitted, as before.
        """
        for event_type in event_types:
            if event_type not in self._routes:
                try:
                    self._route(event_type)
                except EventTypeError:
                    continue

    # -- publishing ----------------------------------------------------
    @property
    def current(self) -> Record | None:
        """The record being handled right now, if any."""
        record = self._record
        if record is None and self._current is not None:
            # Delivered by pump: the log builds it (and keeps it: the same object as log[offset]).
            record = self.log._at(self._current)
        return record

    def _append(self, event: Event) -> Record | None:
        """Record ``event`` (unless a cut drops it), caused by the record being handled."""
        if type(event) is not self._last_type:  # see emit
            self._check_type(type(event))  # a clashing type name fails here, before it is recorded
        current = self._current
        if current is None:
            return self.log.add(self._tick, None, event, 0)
        depth = self._depth + 1
        self._spent += 1
        if depth > self.cascade_limit or self._spent > self.reaction_budget:
            self._cut(event)
            return None
        return self.log.add(self._tick, current, event, depth)

    def _check_type(self, cls: type) -> None:
        """Register ``cls`` (and its bases) as a topic unless known; raises on a name clash."""
        if cls not in self._routes:
            self._route(cls)
        self._last_type = cls

    def emit(self, event: Event) -> Record | None:
        """Record ``event`` and queue it for the next pump.  Returns its record,
        or None when a cut dropped it (too deep, or the tick's budget spent)."""
        # _append inlined (a Python call costs as much as the rest): this is
        # the engine's hottest path; the plain version is
        # ``record = self._append(event); self._queue.append(record)``.
        # type(event), not event.__class__: CPython 3.11 specialises the call
        # to type but not the load of __class__.  An identity test against
        # the type emitted last costs less than the dict lookup (a third of
        # what is left of emit); a type once routed stays registered.
        if type(event) is not self._last_type:
            self._check_type(type(event))  # a clashing type name fails here, before it is recorded
        current = self._current
        if current is None:
            # self.log.add, not a bound method kept in an attribute: CPython 3.11
            # specialises the load of a method of an instance's class, not that.
            record = self.log.add(self._tick, None, event, 0)
        else:
            depth = self._depth + 1
            self._spent += 1
            if depth > self.cascade_limit or self._spent > self.reaction_budget:
                self._cut(event)
                return None
            record = self.log.add(self._tick, current, event, depth)
        self._queue.append(record.offset)
        return record

    def emit_now(self, event: Event) -> Record | None:
        """Record ``event`` and deliver it to its handlers now.  Returns its record."""
        record = self._append(event)
        if record is not None:
            self.deliver(record)
        return record

    def pump(self) -> int:
        """Deliver queued records, FIFO, including those emitted meanwhile."""
        # deliver() inlined, with its lookups hoisted out of the loop.  The
        # queue is taken whole and a fresh list put in its place, so what the
        # handlers emit meanwhile waits for the next round: a ``for`` over a
        # list costs less a record than popping a deque until it is empty
        # (the plain version: ``while queue: self.deliver(queue.popleft())``).
        # The queue holds offsets; each record's event and depth are read
        # from the log's columns, which do not move while we deliver (the log
        # trims only when this bus is idle, see __init__).
        batch = self._queue
        if not batch:
            return 0  # the common case: the world pumps after every system
        routes = self._routes
        log = self.log
        events, depths = log._events, log._depths
        delivered = 0
        previous, previous_depth, previous_record = self._current, self._depth, self._record
        self._record = None
        offset = None
        try:
            while batch:
                self._queue = []
                first = log._first
                for offset in batch:
                    i = offset - first
                    event = events[i]
                    try:  # a subscript, not routes.get(): CPython 3.11 specialises it
                        subs, target = routes[type(event)]
                    except KeyError:
                        subs, target = self._route(type(event))
                    self._current = offset
                    self._depth = depths[i]
                    for sub, handler, entity in subs:
                        if sub.active and (entity is None or (target is not None and getattr(event, target) == entity)):
                            try:
                                handler(event)
                            except Exception as error:
                                self._dead_letter(sub, error)
                delivered += len(batch)
                batch = self._queue
        except BaseException:
            # Not a handler's failure (those are dead letters): KeyboardInterrupt
            # and the like.  What was not delivered stays queued, in order.
            undelivered = batch[batch.index(offset) + 1:]
            self._queue = undelivered + self._queue
            raise
        finally:
            self._current, self._depth, self._record = previous, previous_depth, previous_record
            if previous is None and not self._queue and log._next > log._trim_at:
                log.trim_if_due()  # idle again: the log may trim (see __init__)
        return delivered

    @property
    def pending(self) -> int:
        """How many records wait in the queue."""
        return len(self._queue)

    def deliver(self, record: Record) -> None:
        """Run the handlers of an already-recorded record (used by emit/emit_now)."""
        event = record.event
        try:  # as in pump
            subs, target = self._routes[type(event)]
        except KeyError:
            subs, target = self._route(type(event))
        if not subs:
            return
        previous, previous_depth, previous_record = self._current, self._depth, self._record
        self._current, self._depth, self._record = record.offset, record.depth, record
        try:
            for sub, handler, entity in subs:
                if not sub.active:
                    continue
                if entity is not None and (target is None or getattr(event, target) != entity):
                    continue
                try:
                    handler(event)
                except Exception as error:
                    self._dead_letter(sub, error)
        finally:
            self._current, self._depth, self._record = previous, previous_depth, previous_record
            if previous is None and not self._queue and self.log._next > self.log._trim_at:
                self.log.trim_if_due()  # idle again: the log may trim (see __init__)

    def handling(self, record: Record | None) -> _Handling:
        """Context manager: act as if handling ``record``, so what is emitted
        inside names it as cause.  Alarms use this to credit the event that
        flipped them."""
        return _Handling(self, record)

    # -- failures --------------------------------------------------------
    def _dead_letter(self, sub: Subscription, error: Exception) -> None:
        self.record_failure(sub.name, self.current, error)

    def record_failure(self, handler: str, record: Record | None, error: BaseException | str) -> None:
        """Record a dead letter: ``handler`` failed while handling ``record``
        (``None`` when it failed in its own tick code; offset is then -1).

        Never raises on a strange error: a message that cannot be turned into
        text, or a huge one, becomes a bounded text that says so.
        """
        self.failures += 1
        text = error_text(error)
        handler = _bounded(handler)
        offset, kind = (record.offset, record.type) if record is not None else (-1, "")
        if record is None:
            log.warning("handler %s failed in its own tick code: %s", handler, text)
        else:
            log.warning("handler %s failed on #%d %s: %s", handler, offset, kind, text)
        letter = HandlerFailed(handler, offset, kind, text)
        if record is None:
            self.log.add(self._tick, None, letter, 0)
        else:
            self.log.add(self._tick, record.offset, letter, record.depth + 1)

    def _cut(self, event: Event) -> None:
        """Drop ``event`` (emitted while handling ``parent``) and record why,
        once per tick for each loop.

        The depth limit stops a chain that goes round for ever; the budget
        stops a *branching* one (a handler that emits two events of its own
        type makes 2**depth of them) and bounds the work of the tick as a
        whole, however many roots feed the runaway.
        """
        depth = self._depth + 1  # only reactions are cut: a record is being handled
        reason = "depth" if depth > self.cascade_limit else "reactions"
        # The handled record is built only if the guard walks its chain: most
        # of a runaway's cuts are dropped without (see CutRecorder).
        cut = self._guard.cut(event, self._handled, reason, self.log.get, self.cascade_limit + 1, self._tick)
        if cut is not None:
            self.log.add(self._tick, self._current, cut, depth)

    def _handled(self) -> Record:
        record = self.current
        assert record is not None
        return record


def error_text(error: BaseException | str, limit: int = ERROR_TEXT_LIMIT) -> str:
    """``Type: message`` for a dead letter, at most about ``limit`` characters.

    A message whose ``str()`` raises is replaced by a note saying so; a
    longer one is cut, and the text says how long it was.
    """
    if isinstance(error, str):
        return _bounded(error, limit)
    name = type(error).__name__
    try:
        message = str(error)
    except Exception as inner:  # the engine's error handling must not fail itself
        message = f"<str() of the error raised {type(inner).__name__}>"
    return _bounded(f"{name}: {message}", limit)


def _bounded(text: str, limit: int = ERROR_TEXT_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [cut: {len(text):,} characters in all]"


class _Handling:
    __slots__ = ("bus", "record", "previous")

    def __init__(self, bus: EventBus, record: Record | None) -> None:
        self.bus = bus
        self.record = record
        self.previous: tuple[int | None, int, Record | None] = (None, 0, None)

    def __enter__(self) -> None:
        bus, record = self.bus, self.record
        self.previous = (bus._current, bus._depth, bus._record)
        if record is None:
            bus._current, bus._depth, bus._record = None, 0, None
        else:
            bus._current, bus._depth, bus._record = record.offset, record.depth, record

    def __exit__(self, *exc: object) -> None:
        self.bus._current, self.bus._depth, self.bus._record = self.previous
