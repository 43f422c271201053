"""Freezing old records out of full garbage collections, at safe points between ticks."""

from __future__ import annotations

import gc
import weakref

import pytest

from engine import Event, World, event
from engine.gcfreeze import GcFreezer


@event
class Filled(Event):
    n: int


class Thing:
    """A field value that a weak reference can watch."""


@event
class Carried(Event):
    thing: Thing


@pytest.fixture
def unfrozen():
    """Leave the process as it was: nothing frozen after the test."""
    yield
    gc.unfreeze()


def test_a_freezer_freezes_only_when_its_records_are_due(unfrozen):
    freezer = GcFreezer(every=100)
    assert not freezer.at_safe_point(99)
    assert freezer.at_safe_point(100)
    assert gc.get_freeze_count() > 0 and freezer.freezes == 1
    assert freezer.due_at == 200
    assert not freezer.at_safe_point(150)
    freezer.release()
    assert gc.get_freeze_count() == 0 and freezer.freezes == 0


def test_a_freezer_at_start_freezes_at_the_first_safe_point(unfrozen):
    freezer = GcFreezer(every=100, at_start=True)
    assert freezer.at_safe_point(3) and freezer.due_at == 100
    assert not freezer.at_safe_point(99)
    freezer.release()


def test_a_world_freezes_between_ticks_and_close_unfreezes(unfrozen):
    world = World(gc_freeze_every=200)
    try:
        seen: list[tuple[int, int]] = []
        world.add_system(lambda w: seen.append((w.tick, w.gc_freezer.freezes)))
        world.add_system(lambda w: [w.emit(Filled(n)) for n in range(29)] + [w.emit(Carried(Thing()))])
        world.add_system(lambda w: seen.append((w.tick, w.gc_freezer.freezes)))
        world.run(20)   # 601 records: due at the first safe point (what was built), 200, 400, 600
        assert world.gc_freezer.freezes == 4
        # Never inside a tick: the first and the last system of a tick see the same count.
        assert all(seen[i] == seen[i + 1] for i in range(0, len(seen), 2))
        assert seen[-1][1] == 3
        assert gc.get_freeze_count() > 0
        # A frozen old record is still an ordinary record: readable, and it
        # is freed by reference counting when retention or time travel drops it.
        old = world.log[30]
        assert old.type == "Carried"
        gone = weakref.ref(old.event.thing)
        del old
        world.log.truncate(3)
        assert gone() is None
    finally:
        world.close()
    assert gc.get_freeze_count() == 0


def test_a_world_without_a_freezer_never_freezes(unfrozen):
    gc.unfreeze()
    world = World(gc_freeze_every=None)
    try:
        world.add_system(lambda w: [w.emit(Filled(n)) for n in range(50)])
        world.run(10)
        assert world.gc_freezer is None and gc.get_freeze_count() == 0
    finally:
        world.close()


def test_frozen_records_are_left_out_of_a_full_collection(unfrozen):
    gc.unfreeze()
    world = World(gc_freeze_every=1000)
    try:
        world.add_system(lambda w: [w.emit(Filled(n)) for n in range(100)])
        world.run(30)   # 3,000 records and their events, all frozen at the last tick
        tracked_objects = len(gc.get_objects())
        assert world.gc_freezer.freezes == 4  # the first safe point, then every 1,000 records
        assert gc.get_freeze_count() >= 2 * 3000
        # Frozen objects are not in any generation, so a full collection does not walk them.
        assert tracked_objects < gc.get_freeze_count()
    finally:
        world.close()


def test_a_freeze_interval_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        GcFreezer(every=0)
