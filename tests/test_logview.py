"""The shared log view: it reads through a reader, resyncs after time travel and never breaks on a record."""

from __future__ import annotations

import pygame

from engine import World, event
from engine.events import Event, HandlerFailed
from engine.logview import LogView, describe, failure_line, safe_str
from engine.timetravel import TimeMachine


@event
class Counted(Event):
    n: int


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no words for it")

    __repr__ = __str__


@event
class Odd(Event):
    thing: object


def counting_world(fail_every: int = 0) -> World:
    """One Counted record a tick; with ``fail_every``, a handler that raises on every n-th."""
    world = World(seed=3)
    world.add_system(lambda w: w.emit(Counted(w.tick)))
    if fail_every:
        def picky(e: Counted) -> None:
            if e.n % fail_every == 0:
                raise ValueError(f"no {e.n}")

        world.subscribe(Counted, picky)
    return world


def test_it_starts_in_the_past_and_keeps_the_newest_records():
    world = counting_world()
    world.run(50)
    view = LogView(world.log, history=10, look_back=20)
    change = view.update()
    assert [r.offset for r in change.records] == list(range(world.log.next_offset - 20, world.log.next_offset))
    assert [r.offset for r in view.records] == list(range(world.log.next_offset - 10, world.log.next_offset))
    assert change.truncated is None and view.update().records == []


def test_after_a_truncation_it_forgets_the_undone_future_and_reads_the_new_one():
    world = counting_world(fail_every=4)
    world.run(20)
    view = LogView(world.log, history=100)
    view.update()
    before = view.failure_count
    assert before == 5 and len(view.failures) == 5
    cut = world.log.select(HandlerFailed)[-2].offset  # drops the last two dead letters
    world.log.truncate(cut)
    world.run(3)
    change = view.update()
    assert change.truncated == cut
    assert change.records and change.records[0].offset == cut
    assert [r.offset for r in view.records] == list(range(world.log.next_offset))
    assert all(world.log.get(r.offset) is r for r in view.records)
    assert view.failure_count == len(world.log.select(HandlerFailed))
    assert [r.offset for r in view.failures] == [r.offset for r in world.log.select(HandlerFailed)][-6:]
    assert view.truncations == 1


def test_time_travel_back_and_forward_leaves_the_view_equal_to_the_log():
    world = counting_world(fail_every=5)
    machine = TimeMachine(world, every=10)
    view = LogView(world.log, history=1000)
    for _ in range(40):
        machine.step()
    view.update()
    machine.back(17)
    view.update()
    machine.forward(9)
    view.update()
    assert [r.offset for r in view.records] == list(range(world.log.next_offset))
    assert all(world.log.get(r.offset) is r for r in view.records)
    assert view.failure_count == len(world.log.select(HandlerFailed))


def test_a_cursor_put_past_the_end_starts_again_near_the_end():
    world = counting_world()
    world.run(5)
    view = LogView(world.log)
    view.reader.seek(world.log.next_offset + 50)
    change = view.update()
    assert change.truncated == 0
    assert [r.offset for r in view.records] == list(range(world.log.next_offset))


def test_a_record_that_cannot_be_described_is_shown_by_offset_and_type():
    world = World()
    world.emit(Odd(Unprintable()))
    world.emit(Counted(1))
    view = LogView(world.log)
    view.update()
    odd, counted = view.records[-2], view.records[-1]
    text = view.describe(odd)
    assert text.startswith(f"#{odd.offset} t=0 Odd (cannot describe it:")
    assert view.describe(counted) == counted.describe()


def test_text_is_one_bounded_line_and_failures_name_the_handler():
    world = World()
    world.emit(Counted(1))
    record = world.log[world.log.next_offset - 1]
    assert describe(record) == record.describe()
    assert len(safe_str("x" * 10_000)) == 500 and safe_str(Unprintable()).startswith("<Unprintable")
    world.subscribe(Counted, lambda e: 1 / 0)
    world.emit(Counted(2))
    world.step()
    failed = world.log.select(HandlerFailed)[-1]
    assert failure_line(failed).startswith(f"#{failed.offset} t=0 ")
    assert "failed on Counted #2" in failure_line(failed) and "division by zero" in failure_line(failed)
    # A record that only looks like a failure still gets a line.
    world.emit(Odd(Unprintable()))
    assert "cannot describe it" in failure_line(world.log[world.log.next_offset - 1])


def test_the_ticker_shows_re_simulated_records_after_stepping_back():
    from game.pg.ticker import Ticker

    world = counting_world()
    machine = TimeMachine(world, every=10)
    ticker = Ticker(world, size=3)
    for _ in range(30):
        machine.step()
    ticker.update()
    assert ticker.lines[-1].endswith("Counted n=29")
    machine.back(12)
    ticker.update()
    assert [line.split()[-1] for line in ticker.lines] == ["n=15", "n=16", "n=17"]
    machine.forward(2)
    ticker.update()
    assert [line.split()[-1] for line in ticker.lines] == ["n=17", "n=18", "n=19"]


def test_the_inspector_and_the_ticker_read_through_the_same_model():
    from engine.pg.inspector import Inspector
    from game.pg.ticker import Ticker

    pygame.font.init()
    world = counting_world()
    assert isinstance(Inspector(world).view, LogView) and isinstance(Ticker(world).view, LogView)


def test_a_record_that_cannot_be_described_does_not_break_the_ticker_or_the_inspector():
    from engine.pg.inspector import Inspector
    from game.pg.ticker import Ticker

    pygame.font.init()
    world = World()
    ticker, inspector = Ticker(world), Inspector(world)
    inspector.toggle()
    world.emit(Odd(Unprintable()))
    world.step()
    ticker.update()
    inspector.draw(pygame.Surface((1280, 720)))
    assert "cannot describe it" in ticker.lines[-1]
    assert any("Odd (cannot describe it" in row.text for row in inspector.rows)


def test_the_inspection_model_needs_no_pygame_and_follows_a_cut():
    import subprocess
    import sys

    code = "import sys, engine.inspection, engine.logview; print('pygame' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    from engine.inspection import Inspection

    world = counting_world()
    world.run(20)
    inspection = Inspection(world)
    inspection.update()
    inspection.select(world.log.next_offset - 1)
    inspection.explain()
    world.log.truncate(10)
    inspection.update()
    assert inspection.selected == 9 and inspection.selected_record is world.log[9]
    assert inspection.chain == [] and inspection.chain_offset is None
