"""The per-tick reaction budget: any fan-out costs a bounded amount per tick,
each loop's cut is recorded once per tick, and reported once with a count."""

from __future__ import annotations

import logging
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CascadeCut, Event, World, event
from engine.cascade import CutTally, Loop, repeating
from engine.events import reactor_of


@event
class A(Event):
    n: int = 0


@event
class B(Event):
    n: int = 0


@event
class C(Event):
    n: int = 0


@event
class Reacted(Event):
    """A reaction record naming who reacted, like the trigger runtime's BehaviourRan."""

    reactor_field = "name"
    name: str = ""


TYPES = (A, B, C)
# For each type: what each of its handlers publishes ("emit" or "emit_now", type index).
shapes = st.lists(st.lists(st.tuples(st.sampled_from(["emit", "emit_now"]), st.integers(0, 2)),
                           min_size=1, max_size=3), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, budget=st.integers(1, 400), roots=st.integers(1, 4), ticks=st.integers(1, 3),
       limit=st.integers(2, 40))
def test_any_fan_out_costs_at_most_the_budget_per_tick(shape, budget, roots, ticks, limit):
    world = World(reaction_budget=budget, cascade_limit=limit)
    try:
        for type_index, actions in enumerate(shape):
            def handler(e, actions=actions):
                for kind, target in actions:
                    getattr(world, kind)(TYPES[target](e.n + 1))
            world.subscribe(TYPES[type_index], handler)

        def feed(w):
            for _ in range(roots):
                w.emit(A())
        world.add_system(feed)
        world.run(ticks)
        assert world.tick == ticks  # the world kept stepping
        per_tick = Counter(r.tick for r in world.log if r.cause is not None and r.type != "CascadeCut")
        assert all(count <= budget for count in per_tick.values())
        cuts = world.log.select(CascadeCut)
        keys = [(r.tick, r.event.reason, r.event.types, r.event.triggers) for r in cuts]
        assert len(keys) == len(set(keys))  # each loop once per tick
        assert all(sum(1 for k in keys if k[0] == t and k[1] == "reactions") <= 1 for t in range(ticks))
        # The tally counts each tick once per loop: never more ticks than were run.
        assert all(count.ticks <= ticks for count in world.bus.cuts.loops.values())
        assert (world.bus.cascades_cut > 0) == bool(cuts)
    finally:
        world.close()


def fan_out(world: World, name: str) -> None:
    """A trigger-like handler: every Reacted makes two more, named ``name``."""
    def react(e):
        for _ in range(2):
            world.emit_now(Reacted(name))
    world.subscribe(Reacted, react)


def test_a_runaway_fed_every_tick_is_cut_once_a_tick_and_warned_about_once(caplog):
    world = World(reaction_budget=500)
    try:
        fan_out(world, "echo-forever")
        world.add_system(lambda w: w.emit_now(Reacted("root")))
        with caplog.at_level(logging.WARNING, logger="engine.bus"):
            world.run(30)
        cuts = world.log.select(CascadeCut)
        # Depth-first (trigger), it goes too deep and spends the budget: one record per reason a tick.
        assert sorted((r.tick, r.event.reason) for r in cuts) == [
            (tick, reason) for tick in range(30) for reason in ("depth", "reactions")]
        assert {r.event.triggers for r in cuts} == {("echo-forever", "echo-forever")}
        per_tick = Counter(r.tick for r in world.log)
        assert max(per_tick.values()) <= 500 + 3   # the root and the cut records
        warnings = [r.getMessage() for r in caplog.records]
        # Warned at the 1st and the 10th tick: a count, not a line per tick.
        assert len(warnings) == 2
        assert "in 1 tick so far" in warnings[0] and "echo-forever -> echo-forever" in warnings[0]
        assert "in 10 ticks so far" in warnings[1]
        [line] = world.bus.cuts.summary()
        assert line.startswith("cascade cut in 30 ticks: echo-forever -> echo-forever (")
    finally:
        world.close()


def test_a_loop_of_two_triggers_is_named_by_both():
    world = World(cascade_limit=10)
    try:
        def ping(e):
            if e.name in ("root", "pong"):
                world.emit(Reacted("ping"))
            else:
                world.emit(Reacted("pong"))
        world.subscribe(Reacted, ping)
        world.emit(Reacted("root"))
        world.step()
        [cut] = world.log.select(CascadeCut)
        assert cut.event.reason == "depth"
        assert cut.event.triggers in (("ping", "pong", "ping"), ("pong", "ping", "pong"))
        assert world.bus.cuts.summary()[0].split(" (")[0].endswith(" -> ".join(cut.event.triggers))
    finally:
        world.close()


def test_a_loop_of_plain_handlers_is_named_by_its_event_types():
    world = World(cascade_limit=6)
    try:
        world.subscribe(A, lambda e: world.emit(B()))
        world.subscribe(B, lambda e: world.emit(A()))
        world.emit(A())
        world.step()
        [cut] = world.log.select(CascadeCut)
        assert cut.event.triggers == ()
        assert world.bus.cuts.summary()[0].startswith("cascade cut in 1 tick: ")
        assert " -> ".join(cut.event.types) in world.bus.cuts.summary()[0]
    finally:
        world.close()


def test_repeating_finds_the_cycle_even_past_a_last_side_effect():
    assert repeating(["Shot", "Ran", "Ran", "Ran", "Sound"]) == ["Ran", "Ran"]
    assert repeating(["a", "b", "a", "b"]) == ["a", "b", "a"]
    assert repeating(["x", "y", "z"]) == ["x", "y", "z"]
    assert repeating([]) == []


def test_the_tally_counts_a_tick_once_even_when_two_reasons_cut_it(caplog):
    tally = CutTally()
    deep, spent = Loop("depth", ("A", "A"), ("t", "t")), Loop("reactions", ("A", "A"), ("t", "t"))
    with caplog.at_level(logging.WARNING, logger="engine.bus"):
        for tick in range(100):
            tally.count(deep, tick)
            tally.count(spent, tick)
    assert tally.ticks == 100
    assert len(caplog.records) == 3   # 1, 10, 100
    [line] = tally.summary()
    assert line == ("cascade cut in 100 ticks: t -> t (deeper than the cascade limit and over the "
                    "tick's reaction budget; ticks 0..99)")


def test_reactor_of_names_only_reaction_events():
    assert reactor_of(Reacted("alarm-x")) == "alarm-x"
    assert reactor_of(A()) is None
    assert reactor_of(None) is None
