"""The event bus: subscriptions, delivery order, emit/pump/emit_now, failures, cascades."""

from __future__ import annotations

import itertools
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CascadeCut, Event, EventBus, HandlerFailed, Subscription, World, event
from engine.bus import DEFAULT_CASCADE_LIMIT, EventTypeError, handler_name


@event
class Ping(Event):
    n: int = 0


@event
class Pong(Event):
    n: int = 0


@event
class Hit(Event):
    target: int
    amount: int = 1


@event
class CriticalHit(Hit):
    pass


@event
class Tagged(Event):
    entity: int


@event
class Weather(Event):
    rain: float = 0.0


def types_in(bus: EventBus) -> list[str]:
    return [r.type for r in bus.log]


# -- subscribing -----------------------------------------------------------------

def test_subscribe_returns_a_subscription_and_delivers():
    bus = EventBus()
    seen = []
    sub = bus.subscribe(Ping, seen.append)
    assert isinstance(sub, Subscription)
    assert sub.active and sub.event_type is Ping and sub.priority == 0 and sub.entity is None
    bus.emit_now(Ping(1))
    assert seen == [Ping(1)]


def test_cancel_unsubscribes_and_is_idempotent():
    bus = EventBus()
    seen = []
    sub = bus.subscribe(Ping, seen.append)
    bus.emit_now(Ping(1))
    sub.cancel()
    assert not sub.active
    bus.emit_now(Ping(2))
    sub.cancel()  # again: nothing happens
    assert seen == [Ping(1)]


def test_subscription_is_a_context_manager():
    bus = EventBus()
    seen = []
    with bus.subscribe(Ping, seen.append) as sub:
        bus.emit_now(Ping(1))
        assert sub.active
    assert not sub.active
    bus.emit_now(Ping(2))
    assert seen == [Ping(1)]


def test_context_manager_unsubscribes_on_error():
    bus = EventBus()
    seen = []
    with pytest.raises(RuntimeError), bus.subscribe(Ping, seen.append):
        raise RuntimeError("leaving early")
    bus.emit_now(Ping(1))
    assert seen == []


def test_subscribing_to_a_non_event_is_a_type_error():
    bus = EventBus()
    with pytest.raises(TypeError):
        bus.subscribe(int, print)
    with pytest.raises(TypeError):
        bus.subscribe(Ping(1), print)


def test_subscribing_to_a_base_class_sees_subclasses():
    bus = EventBus()
    hits, crits, everything = [], [], []
    bus.subscribe(Hit, hits.append)
    bus.subscribe(CriticalHit, crits.append)
    bus.subscribe(Event, everything.append)
    bus.emit_now(Hit(1))
    bus.emit_now(CriticalHit(2))
    bus.emit_now(Ping(3))
    assert hits == [Hit(1), CriticalHit(2)]
    assert crits == [CriticalHit(2)]
    assert everything == [Hit(1), CriticalHit(2), Ping(3)]


def test_handler_subscribed_twice_runs_twice():
    bus = EventBus()
    seen = []
    bus.subscribe(Ping, seen.append)
    bus.subscribe(Event, seen.append)
    bus.emit_now(Ping(1))
    assert seen == [Ping(1), Ping(1)]


# -- delivery order --------------------------------------------------------------

def test_higher_priority_first_then_subscription_order():
    bus = EventBus()
    order = []
    bus.subscribe(Ping, lambda e: order.append("a0"))
    bus.subscribe(Ping, lambda e: order.append("b5"), priority=5)
    bus.subscribe(Event, lambda e: order.append("c0"))
    bus.subscribe(Ping, lambda e: order.append("d-1"), priority=-1)
    bus.subscribe(Event, lambda e: order.append("e5"), priority=5)
    bus.emit_now(Ping())
    assert order == ["b5", "e5", "a0", "c0", "d-1"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.sampled_from([Event, Hit, CriticalHit])),
                min_size=0, max_size=12))
def test_delivery_order_is_priority_then_subscription_order(subs):
    bus = EventBus()
    order = []
    for index, (priority, event_type) in enumerate(subs):
        bus.subscribe(event_type, lambda e, i=index: order.append(i), priority=priority)
    bus.emit_now(CriticalHit(1))
    # Python's sort is stable: equal priorities keep subscription order.
    assert order == sorted(range(len(subs)), key=lambda i: -subs[i][0])
    order.clear()
    bus.emit_now(Hit(1))
    expected = [i for i in sorted(range(len(subs)), key=lambda i: -subs[i][0]) if subs[i][1] is not CriticalHit]
    assert order == expected


def test_order_is_kept_after_unsubscribing_in_the_middle():
    bus = EventBus()
    order = []
    subs = [bus.subscribe(Ping, lambda e, i=i: order.append(i), priority=i % 2) for i in range(6)]
    subs[3].cancel()
    bus.emit_now(Ping())
    assert order == [1, 5, 0, 2, 4]


# -- unsubscribing during dispatch -------------------------------------------------

def test_handler_can_cancel_itself_during_dispatch():
    bus = EventBus()
    order = []
    subs: dict[str, Subscription] = {}

    def once(e):
        order.append("once")
        subs["once"].cancel()

    bus.subscribe(Ping, lambda e: order.append("first"), priority=1)
    subs["once"] = bus.subscribe(Ping, once)
    bus.subscribe(Ping, lambda e: order.append("last"), priority=-1)
    bus.emit_now(Ping(1))
    bus.emit_now(Ping(2))
    assert order == ["first", "once", "last", "first", "last"]


def test_handler_can_cancel_a_later_handler_during_dispatch():
    bus = EventBus()
    order = []
    subs: dict[str, Subscription] = {}

    def killer(e):
        order.append("killer")
        subs["victim"].cancel()

    bus.subscribe(Ping, killer, priority=1)
    subs["victim"] = bus.subscribe(Ping, lambda e: order.append("victim"))
    bus.subscribe(Ping, lambda e: order.append("bystander"))
    bus.emit_now(Ping())
    bus.emit_now(Ping())
    assert order == ["killer", "bystander", "killer", "bystander"]


def test_handler_can_cancel_everyone_during_a_nested_emit_now():
    bus = EventBus()
    order = []
    subs: list[Subscription] = []

    def on_ping(e):
        order.append(("ping", e.n))
        bus.emit_now(Pong(e.n))
        order.append(("after pong", e.n))

    def on_pong(e):
        order.append(("pong", e.n))
        for sub in subs:
            sub.cancel()

    subs.append(bus.subscribe(Ping, on_ping))
    subs.append(bus.subscribe(Pong, on_pong))
    subs.append(bus.subscribe(Ping, lambda e: order.append(("late", e.n))))
    bus.emit_now(Ping(1))
    bus.emit_now(Ping(2))
    assert order == [("ping", 1), ("pong", 1), ("after pong", 1)]
    assert types_in(bus) == ["Ping", "Pong", "Ping"]


def test_subscribing_during_dispatch_takes_effect_for_the_next_event():
    bus = EventBus()
    seen = []

    def recruiter(e):
        seen.append(("recruiter", e.n))
        if e.n == 1:
            bus.subscribe(Ping, lambda e: seen.append(("recruit", e.n)), priority=10)

    bus.subscribe(Ping, recruiter)
    bus.emit_now(Ping(1))
    bus.emit_now(Ping(2))
    assert seen == [("recruiter", 1), ("recruit", 2), ("recruiter", 2)]


# -- entity filter -----------------------------------------------------------------

def test_entity_filter_sees_only_its_target():
    bus = EventBus()
    mine, all_hits = [], []
    bus.subscribe(Hit, mine.append, entity=3)
    bus.subscribe(Hit, all_hits.append)
    for target in (1, 3, 4, 3):
        bus.emit_now(Hit(target))
    bus.emit_now(CriticalHit(3, 9))
    assert mine == [Hit(3), Hit(3), CriticalHit(3, 9)]
    assert len(all_hits) == 5


def test_entity_filter_uses_entity_field_and_skips_untargeted_events():
    bus = EventBus()
    seen = []
    bus.subscribe(Event, seen.append, entity=2)
    bus.emit_now(Tagged(2))
    bus.emit_now(Tagged(5))
    bus.emit_now(Weather(2.0))
    bus.emit_now(Ping(2))
    assert seen == [Tagged(2)]


def test_unsubscribe_entity_cancels_only_that_entity():
    bus = EventBus()
    seen = []
    a = bus.subscribe(Hit, lambda e: seen.append("a"), entity=1)
    b = bus.subscribe(Hit, lambda e: seen.append("b"), entity=2)
    c = bus.subscribe(Hit, lambda e: seen.append("c"))
    bus.unsubscribe_entity(1)
    assert (a.active, b.active, c.active) == (False, True, True)
    bus.emit_now(Hit(1))
    bus.emit_now(Hit(2))
    assert seen == ["c", "b", "c"]


# -- emit, pump, trigger ---------------------------------------------------------------

def test_emit_queues_until_pump_fifo():
    bus = EventBus()
    seen = []
    bus.subscribe(Event, seen.append)
    records = [bus.emit(Ping(i)) for i in range(3)]
    assert seen == []
    assert bus.pending == 3
    assert [r.offset for r in records] == [0, 1, 2]
    assert types_in(bus) == ["Ping"] * 3     # recorded at emit time
    assert bus.pump() == 3
    assert seen == [Ping(0), Ping(1), Ping(2)]
    assert bus.pending == 0
    assert bus.pump() == 0


def test_emissions_during_pump_are_delivered_in_the_same_pump_after_the_queue():
    bus = EventBus()
    seen = []

    def echo(e):
        if e.n < 2:
            bus.emit(Pong(e.n + 10))

    bus.subscribe(Ping, echo)
    bus.subscribe(Event, seen.append)
    bus.emit(Ping(0))
    bus.emit(Ping(1))
    bus.emit(Ping(2))
    assert bus.pump() == 5
    assert seen == [Ping(0), Ping(1), Ping(2), Pong(10), Pong(11)]
    assert bus.pending == 0
    assert [r.cause for r in bus.log] == [None, None, None, 0, 1]


def test_an_error_that_is_not_a_handlers_failure_leaves_the_rest_queued_in_order():
    """KeyboardInterrupt and the like go through pump (they are not dead
    letters), and what was not delivered yet stays queued, FIFO."""
    bus = EventBus()
    seen = []

    def stop_at_one(e):
        if e.n == 1:
            bus.emit(Pong(10))  # emitted meanwhile: after the rest of the batch
            raise KeyboardInterrupt
        seen.append(e)

    bus.subscribe(Ping, stop_at_one)
    bus.subscribe(Pong, seen.append)
    for i in range(4):
        bus.emit(Ping(i))
    with pytest.raises(KeyboardInterrupt):
        bus.pump()
    assert bus.current is None
    assert bus.pending == 3
    assert bus.pump() == 3
    assert seen == [Ping(0), Ping(2), Ping(3), Pong(10)]


def test_emit_now_dispatches_immediately_and_nests():
    bus = EventBus()
    order = []

    def on_ping(e):
        order.append("ping start")
        record = bus.emit_now(Pong(e.n))
        order.append(f"ping end (pong was #{record.offset})")

    bus.subscribe(Ping, on_ping)
    bus.subscribe(Pong, lambda e: order.append("pong"))
    record = bus.emit_now(Ping(7))
    assert record.offset == 0 and record.event == Ping(7)
    assert order == ["ping start", "pong", "ping end (pong was #1)"]
    assert [(r.type, r.cause) for r in bus.log] == [("Ping", None), ("Pong", 0)]


def test_trigger_inside_pump_is_delivered_before_queued_events():
    bus = EventBus()
    order = []
    bus.subscribe(Ping, lambda e: (order.append(f"ping{e.n}"), bus.emit_now(Pong(e.n))))
    bus.subscribe(Pong, lambda e: order.append(f"pong{e.n}"))
    bus.emit(Ping(1))
    bus.emit(Ping(2))
    bus.pump()
    assert order == ["ping1", "pong1", "ping2", "pong2"]


def test_events_without_subscribers_are_still_recorded():
    bus = EventBus()
    bus.emit_now(Ping(1))
    bus.emit(Pong(2))
    bus.pump()
    assert types_in(bus) == ["Ping", "Pong"]
    assert bus.log[1].event == Pong(2)


def test_current_is_the_record_being_handled():
    bus = EventBus()
    seen = []
    bus.subscribe(Ping, lambda e: seen.append(bus.current.offset))
    assert bus.current is None
    bus.emit_now(Pong())
    bus.emit_now(Ping())
    assert seen == [1]
    assert bus.current is None


def test_handling_credits_a_record_as_cause():
    bus = EventBus()
    root = bus.emit_now(Ping())
    with bus.handling(root):
        child = bus.emit(Pong())
    after = bus.emit(Pong())
    assert (child.cause, child.depth) == (root.offset, 1)
    assert after.cause is None


# -- failing handlers ---------------------------------------------------------------

def broken(event):
    raise ValueError(f"boom {event.n}")


class Grumpy:
    def on_ping(self, event):
        raise KeyError("grr")


def test_failing_handler_becomes_a_dead_letter_and_others_still_run():
    bus = EventBus()
    after = []
    bus.subscribe(Ping, lambda e: after.append("before"), priority=1)
    bus.subscribe(Ping, broken)
    bus.subscribe(Ping, lambda e: after.append("after"), priority=-1)
    bus.emit_now(Pong())
    record = bus.emit_now(Ping(4))
    assert after == ["before", "after"]
    assert bus.failures == 1
    letters = [r for r in bus.log if r.type == "HandlerFailed"]
    assert len(letters) == 1
    letter = letters[0]
    assert letter.cause == record.offset == 1
    assert letter.offset == 2
    assert letter.event == HandlerFailed(
        handler=f"{broken.__module__}.broken", offset=1, event_type="Ping", error="ValueError: boom 4")
    assert letter.data["handler"].endswith("test_bus.broken")


def test_dead_letter_names_a_bound_method():
    bus = EventBus()
    grumpy = Grumpy()
    bus.subscribe(Ping, grumpy.on_ping)
    bus.emit(Ping())
    bus.pump()
    letter = bus.log[1]
    assert letter.type == "HandlerFailed"
    assert letter.data["handler"] == f"{Grumpy.__module__}.Grumpy.on_ping"
    assert letter.data["error"] == "KeyError: 'grr'"
    assert handler_name(grumpy.on_ping) == letter.data["handler"]


def test_failing_handler_does_not_stop_the_world():
    world = World(seed=3)
    try:
        handled = []
        world.subscribe(Ping, broken, priority=1)
        world.subscribe(Ping, lambda e: handled.append(e.n))
        world.add_system(lambda w: w.emit(Ping(w.tick)))
        world.run(5)
        assert world.tick == 5
        assert handled == [0, 1, 2, 3, 4]
        letters = world.log.select(HandlerFailed)
        assert [r.data["error"] for r in letters] == [f"ValueError: boom {i}" for i in range(5)]
        assert [world.log[r.cause].type for r in letters] == ["Ping"] * 5
        assert [r.tick for r in letters] == [0, 1, 2, 3, 4]
        assert world.bus.failures == 5
    finally:
        world.close()


def test_failing_handler_emissions_before_the_error_are_kept():
    bus = EventBus()

    def half_done(e):
        bus.emit(Pong(1))
        raise RuntimeError("halfway")

    bus.subscribe(Ping, half_done)
    bus.emit_now(Ping())
    bus.pump()
    assert [(r.type, r.cause) for r in bus.log] == [("Ping", None), ("Pong", 0), ("HandlerFailed", 0)]


# -- cascades ------------------------------------------------------------------------

def frames() -> int:
    frame, n = sys._getframe(), 0
    while frame is not None:
        frame, n = frame.f_back, n + 1
    return n


def ping_pong(bus: EventBus, publish: str, probe: list[int] | None = None) -> None:
    """Ping -> Pong -> Ping ... for ever, unless the bus cuts it."""
    def on_ping(e):
        if probe is not None:
            probe.append(frames())
        getattr(bus, publish)(Pong(e.n + 1))

    def on_pong(e):
        if probe is not None:
            probe.append(frames())
        getattr(bus, publish)(Ping(e.n + 1))

    bus.subscribe(Ping, on_ping)
    bus.subscribe(Pong, on_pong)


@pytest.mark.parametrize("publish", ["emit", "emit_now"])
@pytest.mark.parametrize("limit", [1, 5, DEFAULT_CASCADE_LIMIT])
def test_endless_cascade_is_cut_at_the_limit(publish, limit):
    bus = EventBus(cascade_limit=limit)
    ping_pong(bus, publish)
    getattr(bus, publish)(Ping(0))
    bus.pump()
    records = list(bus.log)
    chain = [r for r in records if r.type in ("Ping", "Pong")]
    # Depths 0..limit are allowed: limit + 1 records, alternating.
    assert len(chain) == limit + 1
    assert [r.event.n for r in chain] == list(range(limit + 1))
    assert [r.depth for r in chain] == list(range(limit + 1))
    cuts = [r for r in records if r.type == "CascadeCut"]
    assert len(cuts) == 1
    cut = cuts[0]
    assert cut.cause == chain[-1].offset
    assert cut.event.depth == limit + 1
    assert records[-1] is cut
    assert bus.cascades_cut == 1
    assert bus.pending == 0
    # Each link's cause is the link before it.
    assert [r.cause for r in chain] == [None, *[r.offset for r in chain[:-1]]]


@pytest.mark.parametrize("publish", ["emit", "emit_now"])
def test_cascade_cut_lists_the_types_of_the_loop(publish):
    bus = EventBus()
    ping_pong(bus, publish)
    getattr(bus, publish)(Ping(0))
    bus.pump()
    cut = bus.log.select(CascadeCut)[0].event
    # The loop, closed: it starts and ends with the same type.
    assert cut.types in (("Ping", "Pong", "Ping"), ("Pong", "Ping", "Pong"))
    assert cut.depth == DEFAULT_CASCADE_LIMIT + 1


def test_cascade_cut_with_a_three_type_loop():
    @event
    class Rock(Event):
        pass

    @event
    class Paper(Event):
        pass

    @event
    class Scissors(Event):
        pass

    bus = EventBus(cascade_limit=20)
    bus.subscribe(Rock, lambda e: bus.emit(Paper()))
    bus.subscribe(Paper, lambda e: bus.emit(Scissors()))
    bus.subscribe(Scissors, lambda e: bus.emit(Rock()))
    bus.emit(Rock())
    bus.pump()
    cut = bus.log.select(CascadeCut)[0].event
    assert len(cut.types) == 4
    assert cut.types[0] == cut.types[-1]
    assert set(cut.types) == {"Rock", "Paper", "Scissors"}
    follows = {"Rock": "Paper", "Paper": "Scissors", "Scissors": "Rock"}
    assert all(follows[a] == b for a, b in itertools.pairwise(cut.types))
    assert len(bus.log) == 21 + 1   # depths 0..20, then the cut


def test_trigger_cascade_at_the_default_limit_leaves_stack_to_spare():
    bus = EventBus()
    probe: list[int] = []
    ping_pong(bus, "emit_now", probe)
    start = frames()
    bus.emit_now(Ping(0))
    used = max(probe) - start
    assert len(probe) == DEFAULT_CASCADE_LIMIT + 1
    # A handful of frames per link; far below Python's recursion limit.
    assert used < 6 * (DEFAULT_CASCADE_LIMIT + 1)
    assert used < sys.getrecursionlimit() // 3
    assert bus.failures == 0   # no RecursionError turned into dead letters


def test_trigger_cascade_through_a_world_is_cut_without_recursion_error():
    world = World(seed=0)
    try:
        world.subscribe(Ping, lambda e: world.emit_now(Pong(e.n + 1)))
        world.subscribe(Pong, lambda e: world.emit_now(Ping(e.n + 1)))
        world.add_system(lambda w: w.emit_now(Ping(0)) if w.tick == 0 else None)
        world.run(2)
        assert world.bus.cascades_cut == 1
        assert world.bus.failures == 0
        assert len(world.log.select(Ping)) + len(world.log.select(Pong)) == DEFAULT_CASCADE_LIMIT + 1
    finally:
        world.close()


def test_cascade_limit_is_per_chain_not_per_tick():
    bus = EventBus(cascade_limit=3)
    bus.subscribe(Ping, lambda e: bus.emit(Pong()) if e.n == 0 else None)
    for _ in range(10):
        bus.emit(Ping(0))
    bus.pump()
    assert bus.cascades_cut == 0
    assert len(bus.log) == 20


def test_a_branching_cascade_is_cut_by_the_reaction_budget_not_left_to_hang():
    # Each Ping makes two more: the depth limit alone would allow 2**64 of them.
    world = World(reaction_budget=1000)
    try:
        world.subscribe(Ping, lambda e: (world.emit(Ping(e.n + 1)), world.emit(Ping(e.n + 1))))
        world.emit(Ping(0))
        world.step()
        cuts = world.log.select(CascadeCut)
        assert len(cuts) == 1  # recorded once; the tick's later reactions are only counted
        assert cuts[0].event.reason == "reactions" and cuts[0].event.types[-1] == "Ping"
        assert len(world.log.select(Ping)) == 1 + 1000
        assert world.bus.cascades_cut > 1
        # The next tick starts with a fresh budget.
        world.subscribe(Pong, lambda e: world.emit(Ping(99)) if e.n == 0 else None)
        world.emit(Pong(0))
        world.step()
        assert len(world.log.select(CascadeCut)) == 2
    finally:
        world.close()


@settings(max_examples=30, deadline=None)
@given(fan_out=st.integers(1, 4), budget=st.integers(1, 300), roots=st.integers(1, 5))
def test_reactions_in_one_tick_never_exceed_the_budget(fan_out, budget, roots):
    bus = EventBus(reaction_budget=budget)
    bus.subscribe(Ping, lambda e: [bus.emit(Ping(e.n + 1)) for _ in range(fan_out)])
    for _ in range(roots):
        bus.emit(Ping(0))
    bus.pump()
    caused = [r for r in bus.log if r.cause is not None and r.type == "Ping"]
    assert len(caused) <= budget
    # A cut is recorded at most once per reason a tick: a chain can reach the
    # depth limit in the same tick the budget runs out (fan_out=1, budget=253, roots=4).
    reasons = [r.data["reason"] for r in bus.log.select(CascadeCut)]
    assert len(reasons) == len(set(reasons))


@event
class Hop(Event):
    n: int = 0


def test_a_runaway_spends_the_budget_of_its_tick_as_a_whole():
    # Changed on purpose: the budget was per root cascade, so a runaway fed by
    # many roots (or one with many cascades in a tick) multiplied it.  Now the
    # tick as a whole has one budget: other chains of that tick are cut too,
    # and the next tick runs them in full.
    world = World(reaction_budget=100)
    try:
        world.subscribe(Ping, lambda e: (world.emit(Ping(e.n + 1)), world.emit(Ping(e.n + 1))))
        world.subscribe(Hop, lambda e: world.emit(Hop(e.n + 1)) if e.n < 12 else None)
        world.emit(Ping(0))
        world.emit(Hop(0))
        world.step()
        assert world.bus.cascades_cut > 1
        hops = [r.event.n for r in world.log.select(Hop)]
        assert hops == list(range(len(hops))) and len(hops) < 13
        [cut] = world.log.select(CascadeCut)
        assert cut.event.reason == "reactions"
        world.emit(Hop(0))
        world.step()
        assert [r.event.n for r in world.log.select(Hop)][len(hops):] == list(range(13))
    finally:
        world.close()


def test_the_budget_of_a_finished_tick_is_not_held_against_later_work():
    world = World(reaction_budget=50)
    try:
        world.subscribe(Ping, lambda e: (world.emit(Ping(e.n + 1)), world.emit(Ping(e.n + 1))))
        runaway = world.emit(Ping(0))
        world.step()
        world.step()                      # nothing queued: an empty pump
        with world.bus.handling(runaway):  # later system code crediting that old record
            assert world.emit(Pong(1)) is not None
    finally:
        world.close()


def test_setting_the_tick_gives_a_bare_bus_a_fresh_budget():
    bus = EventBus(reaction_budget=3)
    bus.subscribe(Ping, lambda e: bus.emit(Pong()) if e.n == 0 else None)
    for tick in range(5):
        bus.tick = tick
        for _ in range(3):
            bus.emit(Ping(0))
        bus.pump()
    assert bus.cascades_cut == 0 and len(bus.log.select(Pong)) == 15
    bus.emit(Ping(0))
    bus.pump()
    assert bus.cascades_cut == 1


def test_a_budget_or_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        EventBus(reaction_budget=0)
    with pytest.raises(ValueError, match="at least 1"):
        EventBus(cascade_limit=0)


# -- routes ----------------------------------------------------------------------
def test_prepared_types_are_routed_before_their_first_emit(monkeypatch):
    bus = EventBus()
    seen = []
    bus.subscribe(Hit, lambda e: seen.append(("hit", e.target)))
    bus.subscribe(CriticalHit, lambda e: seen.append(("critical", e.target)), priority=1)
    bus.prepare([Hit, CriticalHit, Ping])
    routed = []
    original = EventBus._route
    monkeypatch.setattr(EventBus, "_route", lambda self, cls: routed.append(cls) or original(self, cls))
    bus.emit(CriticalHit(3))
    bus.emit(Ping())
    bus.pump()
    assert routed == [] and seen == [("critical", 3), ("hit", 3)]
    bus.subscribe(Ping, lambda e: seen.append(("ping", e.n)))  # a new subscription forgets the routes
    bus.emit(Ping(1))
    bus.pump()
    assert routed == [Ping] and seen[-1] == ("ping", 1)


def test_preparing_a_type_whose_name_clashes_leaves_the_error_to_its_emit():
    bus = EventBus()
    bus.emit(Ping())
    clash = event(type("Ping", (Event,), {"__annotations__": {"n": int}, "n": 0}))
    bus.prepare([clash, Pong])  # no error here: nobody emitted the clashing type
    assert Pong in bus._routes and clash not in bus._routes
    with pytest.raises(EventTypeError):
        bus.emit(clash())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["sub", "cancel", "unsub"]), st.one_of(st.none(), st.integers(1, 4))),
                max_size=30))
def test_unsubscribe_entity_cancels_exactly_that_entitys_subscriptions(steps):
    bus = EventBus()
    subs = []
    for op, entity in steps:
        if op == "sub":
            subs.append(bus.subscribe(Tagged, lambda e: None, entity=entity))
        elif op == "cancel" and subs:
            subs[(entity or 0) % len(subs)].cancel()
        elif op == "unsub" and entity is not None:
            bus.unsubscribe_entity(entity)
            assert not any(s.active and s.entity == entity for s in subs)
    assert bus._entity_subs == sum(1 for s in subs if s.active and s.entity is not None)
    assert [s for s in bus._subs] == [s for s in subs if s.active]
