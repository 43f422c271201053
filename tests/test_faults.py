"""Faults inside the engine's own error handling: strange errors, failing systems."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Event, EventBus, HandlerFailed, World, event
from engine.bus import ERROR_TEXT_LIMIT, error_text


@event
class Poked(Event):
    n: int = 0


class UnprintableError(Exception):
    def __str__(self) -> str:
        raise ValueError("no text for you")


class HugeError(Exception):
    pass


class OddTextError(Exception):
    def __str__(self):  # type: ignore[override]
        return 42


def letters(bus: EventBus) -> list[HandlerFailed]:
    return [r.event for r in bus.log.select(HandlerFailed)]


def test_an_error_whose_str_raises_still_becomes_a_dead_letter():
    bus = EventBus()
    bus.subscribe(Poked, lambda e: (_ for _ in ()).throw(UnprintableError()))
    bus.subscribe(Poked, lambda e: None)
    bus.emit(Poked())
    bus.pump()
    [letter] = letters(bus)
    assert letter.error == "UnprintableError: <str() of the error raised ValueError>"


def test_an_error_whose_str_is_not_text_still_becomes_a_dead_letter():
    # str() itself refuses a __str__ that returns no text.
    assert error_text(OddTextError()) == "OddTextError: <str() of the error raised TypeError>"


def test_a_50_mb_message_becomes_a_bounded_dead_letter_that_says_it_was_cut():
    bus = EventBus()
    message = "x" * (50 * 1024 * 1024)

    def fail(e):
        raise HugeError(message)

    bus.subscribe(Poked, fail)
    bus.emit_now(Poked())
    [letter] = letters(bus)
    assert len(letter.error) < ERROR_TEXT_LIMIT + 100
    assert letter.error.startswith("HugeError: xxx")
    assert letter.error.endswith(f"[cut: {len('HugeError: ') + len(message):,} characters in all]")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=5000))
def test_error_text_is_bounded_and_keeps_short_messages_whole(message):
    text = error_text(RuntimeError(message))
    if len(message) + len("RuntimeError: ") <= ERROR_TEXT_LIMIT:
        assert text == f"RuntimeError: {message}"
    else:
        assert text.startswith(f"RuntimeError: {message}"[:ERROR_TEXT_LIMIT]) and "[cut: " in text
        assert len(text) < ERROR_TEXT_LIMIT + 100


def test_a_failing_system_becomes_a_dead_letter_naming_it_and_the_tick_goes_on():
    world = World()
    ran: list[str] = []

    def exploding(w):
        ran.append("exploding")
        w.emit(Poked(w.tick))
        raise ZeroDivisionError("boom")

    def after(w):
        ran.append("after")

    try:
        world.add_system(exploding)
        world.add_system(after)
        world.subscribe(Poked, lambda e: ran.append(f"poked {e.n}"))
        world.run(3)
        assert world.tick == 3
        # What the system emitted before failing is delivered; the next system runs.
        assert ran == ["exploding", "poked 0", "after", "exploding", "poked 1", "after",
                       "exploding", "poked 2", "after"]
        found = letters(world.bus)
        assert len(found) == 3 and world.bus.failures == 3
        assert found[0].handler == "system test_faults.test_a_failing_system_becomes_a_dead_letter_naming_it_" \
                                   "and_the_tick_goes_on.<locals>.exploding"
        assert found[0].offset == -1 and found[0].error == "ZeroDivisionError: boom"
        assert [r.tick for r in world.log.select(HandlerFailed)] == [0, 1, 2]
    finally:
        world.close()


def test_a_failing_system_object_is_named_by_its_update_method():
    class Radar:
        def update(self, world):
            raise KeyError("no such unit")

    world = World()
    try:
        world.add_system(Radar())
        world.step()
        [letter] = letters(world.bus)
        assert letter.handler.startswith("system ") and letter.handler.endswith("Radar.update")
        assert letter.error == "KeyError: 'no such unit'"
    finally:
        world.close()


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit])
def test_ctrl_c_and_exit_still_end_the_run(error):
    world = World()

    def stop(w):
        raise error()

    try:
        world.add_system(stop)
        with pytest.raises(error):
            world.step()
        world.subscribe(Poked, lambda e: (_ for _ in ()).throw(error()))
        with pytest.raises(error):
            world.emit_now(Poked())
        assert world.bus.failures == 0
    finally:
        world.close()


def test_a_system_failing_with_an_unprintable_huge_error_is_still_bounded():
    class Both(Exception):
        def __str__(self) -> str:
            return "y" * 10_000_000

    world = World()

    def fail(w):
        raise Both()

    try:
        world.add_system(fail)
        world.run(2)
        found = letters(world.bus)
        assert len(found) == 2 and all(len(f.error) < ERROR_TEXT_LIMIT + 100 for f in found)
    finally:
        world.close()
