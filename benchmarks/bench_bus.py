"""Micro-benchmark: nanoseconds per event for our bus and for other dispatchers.

Run from the repository root::

    python benchmarks/bench_bus.py                 # readable table
    python benchmarks/bench_bus.py --json          # one JSON object, nothing else
    python benchmarks/bench_bus.py --events 20000 --repeats 15

What is measured
----------------
Every variant delivers one pre-built event instance (a frozen, slotted
``Shot`` dataclass, built once, outside the timing) ``N`` times to no-op
handlers.  One *sample* is the wall time of a batch of ``N`` events
(``time.perf_counter_ns``) divided by ``N``.  Variants:

``ours_emit_pump_1`` / ``ours_emit_pump_10``
    ``EventBus.emit(ev)`` ``N`` times, then one ``EventBus.pump()`` that
    delivers the ``N`` queued records to 1 (or 10) handlers.  This is the
    engine's normal path: a system emits, the world pumps after the system.
``ours_emit_pump_each_1``
    ``emit(ev); pump()`` per event: the worst case, a pump for every event.
``ours_emit_now_1``
    ``EventBus.emit_now(ev)``: recorded and delivered at once, 1 handler.
``esper_dispatch_1``
    esper 3.9's module-level ``esper.dispatch_event(name, ev)``, 1 handler
    registered with ``esper.set_handler`` (esper keeps a weak reference, so
    the handler is a module-level function, which stays alive).
``blinker_send_1``
    ``blinker.Signal.send(ev)``, 1 receiver connected the default way.
``pypubsub_send_1``
    ``pubsub.pub.sendMessage(topic, ev=ev)``, 1 listener.
``floor_bus_1``
    The least a queued, logged and causal bus can do in plain Python,
    written here for comparison (:func:`floor_bus`): ``emit(ev)`` is one
    Python call that builds an exact tuple ``(offset, tick, cause, event)``
    (the cheapest object CPython allocates), appends it to a bounded list
    (the log) and to the queue; ``pump()`` takes the queue whole, remembers
    the record being handled (so what a handler emits could name its cause)
    and calls the handlers of the event's type.  No entity filters, no
    cascade limits, no dead letters, no record API: what is left is the
    price of keeping one record per event.
``dict_of_lists_1``
    A bare ``for h in handlers[type(ev)]: h(ev)`` loop: the least a
    type-routed dispatcher can do in Python.
``direct_call_1``
    ``h(ev)``: the floor.

Every variant's batch runs inside its own ``for _ in range(N)`` loop, so the
loop overhead (a few ns) is in every number, the floor included.

Why the comparison is fair (and where it favours the others)
------------------------------------------------------------
Our bus does strictly more work per event than the others: each emit builds
a :class:`~engine.record.Record` (offset, tick, cause, depth), appends it to
the :class:`~engine.log.EventLog` and to the queue; delivery sets and
restores the "current record" (for causality), checks that each subscription
is still active and whether it filters by entity, and catches handler errors
(dead letters).  esper's ``dispatch_event`` only looks a name up in a dict
and calls weak references; it neither logs nor queues.  blinker and pypubsub
also deliver at once and keep no history.  Nobody gets a free lunch: all
variants get the same event object, the same kind of no-op handler and the
same loop.

The log keeps records: it is built as ``EventLog(capacity)`` with
``--capacity`` (default 100_000), so memory stays bounded and the cost of
retention (trimming the oldest records, amortised) is part of our numbers.

Method
------
Before timing, each variant runs once with a counting handler to check it
really delivers ``N`` (or ``10 N``) calls, and a record built by ``emit``
(which skips ``Record.__init__`` for speed) is compared field by field
with one built by ``Record(...)``.  Then one warm-up round, then
``R`` rounds; in each round every variant runs one batch, round-robin, so
machine noise (frequency changes, other processes) hits all variants alike.
The cyclic garbage collector is **on** during a batch by default, as it is
in a game: young collections (every 700 new tracked objects) walk what a
batch made and kept, a cost only the variants that keep something per event
pay (the floor keeps a tuple per event; our log keeps columns of objects
that exist already and builds ``Record`` objects only once the log is
read, see :class:`~engine.log.EventLog`).  A full collection
runs between batches (so one variant's garbage is not charged to another)
and what survives it is frozen (``gc.freeze()``, as the game's ``World``
does every 100,000 records), so the logs of earlier batches are not walked
again.  ``--gc off`` switches the collector off during a batch instead, as
``timeit`` does (the way this benchmark measured before).  ``--clock cpu``
times batches in this thread's CPU time instead of real time, which leaves
out the moments the core is given to other processes.  The report gives the
MEDIAN ns/event per variant (robust to outliers) and two ratios for the
targets: ``ours_emit_pump_1 / esper_dispatch_1`` (target: at most 2) and
``blinker_send_1 / ours_emit_pump_1`` (target: at least 4), and how far
both our bus and esper are from the floor: ``floor_bus_1 / esper_dispatch_1``
and ``ours_emit_pump_1 / floor_bus_1``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script from anywhere: make the repository root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import blinker
import esper
from pubsub import pub

from engine.bus import EventBus
from engine.events import Event, event
from engine.log import EventLog
from engine.record import Record


@event
class Shot(Event):
    """The benchmark's event: three ints, one of them the target entity."""

    shooter: int
    target: int
    damage: int


EVENT = Shot(shooter=1, target=2, damage=3)
TOPIC = "bench_shot"

#: A batch runner: deliver the event ``n`` times.
Runner = Callable[[int], None]


def noop(ev: object) -> None:
    """The handler for every variant: does nothing, returns None."""


def noop_pubsub(ev: object) -> None:
    """pypubsub matches message data by argument name, so it needs ``ev``."""


class Sink:
    """A system-like object whose bound method is the handler (how games subscribe)."""

    def on(self, ev: object) -> None:
        """Does nothing."""


SINK = Sink()


class Counter:
    """A handler that counts calls, to check each variant before timing."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, ev: object) -> None:
        self.calls += 1

    def method(self, ev: object) -> None:
        self.calls += 1


# -- variants ---------------------------------------------------------------
# Each builder takes the handler to use and returns a runner.  Builders keep
# what they create alive in the runner's closure (esper, blinker and pypubsub
# hold only weak references to handlers).

def ours_emit_pump(handler: Callable[[object], None], handlers: int, capacity: int) -> Runner:
    bus = EventBus(EventLog(capacity))
    for _ in range(handlers):
        bus.subscribe(Shot, handler)

    def run(n: int, emit=bus.emit, pump=bus.pump, ev=EVENT) -> None:
        for _ in range(n):
            emit(ev)
        pump()
    return run


def ours_emit_pump_each(handler: Callable[[object], None], capacity: int) -> Runner:
    bus = EventBus(EventLog(capacity))
    bus.subscribe(Shot, handler)

    def run(n: int, emit=bus.emit, pump=bus.pump, ev=EVENT) -> None:
        for _ in range(n):
            emit(ev)
            pump()
    return run


def ours_emit_now(handler: Callable[[object], None], capacity: int) -> Runner:
    bus = EventBus(EventLog(capacity))
    bus.subscribe(Shot, handler)

    def run(n: int, emit_now=bus.emit_now, ev=EVENT) -> None:
        for _ in range(n):
            emit_now(ev)
    return run


def esper_dispatch(handler: Callable[[object], None], topic: str = TOPIC) -> Runner:
    esper.event_registry.pop(topic, None)
    esper.set_handler(topic, handler)

    def run(n: int, dispatch=esper.dispatch_event, name=topic, ev=EVENT, keep=handler) -> None:
        for _ in range(n):
            dispatch(name, ev)
    return run


def blinker_send(handler: Callable[[object], None]) -> Runner:
    signal = blinker.Signal()
    signal.connect(handler)

    def run(n: int, send=signal.send, ev=EVENT, keep=handler) -> None:
        for _ in range(n):
            send(ev)
    return run


def pypubsub_send(handler: Callable[..., None]) -> Runner:
    if pub.getDefaultTopicMgr().getTopic(TOPIC, okIfNone=True) is not None:
        pub.unsubAll(TOPIC)
    pub.subscribe(handler, TOPIC)

    def run(n: int, send=pub.sendMessage, name=TOPIC, ev=EVENT, keep=handler) -> None:
        for _ in range(n):
            send(name, ev=ev)
    return run


def floor_bus(handler: Callable[[object], None], capacity: int) -> Runner:
    """The least a queued, logged, causal bus can do in plain Python (see the module docs).

    Closures and ``nonlocal`` instead of a class, because reading a cell is
    the cheapest state access CPython has; records are exact tuples because
    a tuple is the cheapest object to allocate.  A real bus needs more
    (a record API, entity filters, cascade limits, dead letters); this is
    the yardstick for how much those cost.
    """
    log: list[tuple] = []
    queue: list[tuple] = []
    handlers = {Shot: (handler,)}
    offset = 0
    tick = 0
    current: tuple | None = None
    trim_at = capacity + (capacity >> 3)

    def emit(ev: object) -> None:
        nonlocal offset, trim_at
        record = (offset, tick, None if current is None else current[0], ev)
        offset += 1
        log.append(record)
        queue.append(record)
        if offset >= trim_at:  # bounded retention, trimmed in chunks
            del log[:len(log) - capacity]
            trim_at = offset + (capacity >> 3)

    def pump() -> None:
        nonlocal queue, current
        while queue:
            batch, queue = queue, []
            for record in batch:
                current = record
                ev = record[3]
                for h in handlers[ev.__class__]:
                    h(ev)
        current = None

    def run(n: int, emit=emit, pump=pump, ev=EVENT) -> None:
        for _ in range(n):
            emit(ev)
        pump()
    run.log = log  # for check(): what the floor kept
    return run


def dict_of_lists(handler: Callable[[object], None]) -> Runner:
    handlers = {Shot: [handler]}

    def run(n: int, handlers=handlers, ev=EVENT) -> None:
        for _ in range(n):
            for h in handlers[type(ev)]:
                h(ev)
    return run


def direct_call(handler: Callable[[object], None]) -> Runner:
    def run(n: int, h=handler, ev=EVENT) -> None:
        for _ in range(n):
            h(ev)
    return run


def build(capacity: int, counter: Counter | None = None) -> dict[str, tuple[Runner, int]]:
    """Every variant as ``name -> (runner, handler calls per event)``.

    With ``counter``, every handler is the counter (a bound method where a
    weak reference is taken, and kept alive by ``counter``'s caller).
    """
    h = noop if counter is None else counter
    hp = noop_pubsub if counter is None else counter.method
    he = noop if counter is None else counter.method
    return {
        "ours_emit_pump_1": (ours_emit_pump(h, 1, capacity), 1),
        "ours_emit_pump_10": (ours_emit_pump(h, 10, capacity), 10),
        "ours_emit_pump_each_1": (ours_emit_pump_each(h, capacity), 1),
        "ours_emit_now_1": (ours_emit_now(h, capacity), 1),
        "esper_dispatch_1": (esper_dispatch(he), 1),
        # Bound-method handlers (esper holds them as WeakMethod): the usual case in a game.
        "ours_emit_pump_method_1": (ours_emit_pump(counter.method if counter else SINK.on, 1, capacity), 1),
        "esper_dispatch_method_1": (esper_dispatch(counter.method if counter else SINK.on, TOPIC + "_method"), 1),
        "blinker_send_1": (blinker_send(he), 1),
        "pypubsub_send_1": (pypubsub_send(hp), 1),
        "floor_bus_1": (floor_bus(h, capacity), 1),
        "dict_of_lists_1": (dict_of_lists(h), 1),
        "direct_call_1": (direct_call(h), 1),
    }


def check(events: int, capacity: int) -> None:
    """Fail loudly if a variant does not deliver what it claims, or if the
    bus's fast record construction differs from ``Record(...)``."""
    bus = EventBus(EventLog(capacity))
    bus.tick = 7
    fast = bus.emit(EVENT)
    slow = Record(0, 7, None, EVENT, 0)
    # Compare what a reader sees; the private caches behind ``type`` and ``data`` may be unset.
    for name in ("offset", "tick", "cause", "event", "depth", "type", "data"):
        if getattr(fast, name) != getattr(slow, name):
            raise SystemExit(f"emit builds Record.{name} = {getattr(fast, name)!r}, Record() = {getattr(slow, name)!r}")
    floor = floor_bus(noop, capacity)
    floor(3)
    if [record[0] for record in floor.log] != [0, 1, 2]:  # type: ignore[attr-defined]
        raise SystemExit("floor_bus_1 does not log its records")
    counter = Counter()
    for name, (runner, per_event) in build(capacity, counter).items():
        before = counter.calls
        runner(events)
        expected = events * per_event
        if counter.calls - before != expected:
            raise SystemExit(f"{name}: expected {expected} handler calls, got {counter.calls - before}")


#: Batch clocks, in nanoseconds: real time, or this thread's CPU time.
CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}


def measure(events: int, repeats: int, capacity: int, collector: str = "on",
            clock_name: str = "wall") -> dict[str, list[float]]:
    """ns/event samples per variant, round-robin, after one warm-up round.

    ``collector`` "on" leaves the garbage collector on during a batch (as in
    a game); "off" switches it off during a batch (as ``timeit`` does).
    Either way a full collection runs between batches, and with "on" what
    survives it is frozen (see the module docs).
    """
    runners = build(capacity)
    samples: dict[str, list[float]] = {name: [] for name in runners}
    clock = CLOCKS[clock_name]
    gc_was_enabled = gc.isenabled()
    try:
        for round_ in range(repeats + 1):
            for name, (run, _) in runners.items():
                gc.collect()
                if collector == "on":
                    gc.freeze()  # earlier batches' records: out of every later collection
                    gc.enable()
                else:
                    gc.disable()
                start = clock()
                run(events)
                elapsed = clock() - start
                gc.enable()
                if round_:  # round 0 is the warm-up
                    samples[name].append(elapsed / events)
    finally:
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
        else:
            gc.disable()
    return samples


def ratios(medians: dict[str, float]) -> dict[str, float]:
    ours = medians["ours_emit_pump_1"]
    return {
        "ours_emit_pump_1 / esper_dispatch_1": ours / medians["esper_dispatch_1"],
        "blinker_send_1 / ours_emit_pump_1": medians["blinker_send_1"] / ours,
        "floor_bus_1 / esper_dispatch_1": medians["floor_bus_1"] / medians["esper_dispatch_1"],
        "ours_emit_pump_1 / floor_bus_1": ours / medians["floor_bus_1"],
        "ours_emit_pump_method_1 / esper_dispatch_method_1":
            medians["ours_emit_pump_method_1"] / medians["esper_dispatch_method_1"],
    }


def table(samples: dict[str, list[float]], medians: dict[str, float], args: argparse.Namespace) -> str:
    floor = medians["direct_call_1"]
    lines = [
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"esper {getattr(esper, '__version__', '?')}, blinker {_version('blinker')}, "
        f"pypubsub {_version('pypubsub')}",
        f"{args.events} events per batch, {args.repeats} batches per variant (round-robin), "
        f"log capacity {args.capacity}, garbage collector {args.gc} during a batch, {args.clock} clock",
        "",
        f"{'variant':<26}{'median ns/ev':>12}{'min':>10}{'max':>10}{'x direct':>10}",
        "-" * 68,
    ]
    for name, values in samples.items():
        lines.append(f"{name:<26}{medians[name]:>12.1f}{min(values):>10.1f}{max(values):>10.1f}"
                     f"{medians[name] / floor:>10.1f}")
    r = ratios(medians)
    lines += [
        "",
        f"ours_emit_pump_1 / esper_dispatch_1 = {r['ours_emit_pump_1 / esper_dispatch_1']:.2f}  "
        f"(target <= 2: {'met' if r['ours_emit_pump_1 / esper_dispatch_1'] <= 2 else 'MISSED'})",
        f"blinker_send_1 / ours_emit_pump_1   = {r['blinker_send_1 / ours_emit_pump_1']:.2f}  "
        f"(target >= 4: {'met' if r['blinker_send_1 / ours_emit_pump_1'] >= 4 else 'MISSED'})",
        f"floor_bus_1 / esper_dispatch_1    = {r['floor_bus_1 / esper_dispatch_1']:.2f}  "
        "(the least a queued, logged, causal bus costs, against esper)",
        f"ours_emit_pump_1 / floor_bus_1    = {r['ours_emit_pump_1 / floor_bus_1']:.2f}  (how close we are to it)",
        f"with bound-method handlers: ours / esper = "
        f"{r['ours_emit_pump_method_1 / esper_dispatch_method_1']:.2f}  (no target; esper calls a WeakMethod)",
    ]
    return "\n".join(lines)


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=20_000, help="events per timed batch (default 20000)")
    parser.add_argument("--repeats", type=int, default=15, help="timed batches per variant (default 15)")
    parser.add_argument("--capacity", type=int, default=100_000,
                        help="EventLog capacity for our bus (default 100000; bounds memory)")
    parser.add_argument("--gc", choices=("on", "off"), default="on",
                        help="the garbage collector during a batch: on, as in a game (default), or off, as in timeit")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="time batches in real time (wall, default) or in this thread's CPU time (cpu)")
    parser.add_argument("--json", action="store_true", help="print one JSON object {variant: median ns/event}")
    args = parser.parse_args(argv)
    if args.events < 1 or args.repeats < 1:
        parser.error("--events and --repeats must be at least 1")

    check(min(args.events, 1000), args.capacity)
    samples = measure(args.events, args.repeats, args.capacity, args.gc, args.clock)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    if args.json:
        print(json.dumps({name: round(value, 2) for name, value in medians.items()}))
    else:
        print(table(samples, medians, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
