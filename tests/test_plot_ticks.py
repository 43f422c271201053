"""``plot --ticks A:B``: a zoomed timeline, and one tick's chain drawn in offset order."""

from __future__ import annotations

import pytest

from engine import Event, World, codec, event
from engine.cli import main
from engine.plot_chain import MAX_BOXES, chain_boxes

pytest.importorskip("matplotlib")


@event
class Rang(Event):
    n: int


def rung(tmp_path, width: int = 2) -> tuple[World, str]:
    world = World(seed=2)
    world.subscribe(Rang, lambda e: [world.emit(Rang(e.n + 1)) for _ in range(width)] if e.n < 2 else None)
    world.add_system(lambda w: w.emit(Rang(0)) if w.tick in (3, 5) else None)
    world.run(8)
    path = tmp_path / "run.jsonl"
    with path.open("w", encoding="utf-8") as out:
        codec.write(world.log, out)
    return world, str(path)


def test_boxes_are_in_offset_order_each_one_row_under_its_cause(tmp_path):
    world, _ = rung(tmp_path)
    tick = [r for r in world.log if r.tick == 3]
    boxes = chain_boxes(list(reversed(tick)))
    assert [b.offset for b in boxes] == sorted(r.offset for r in tick)
    assert [b.column for b in boxes] == list(range(len(tick)))
    depth = {b.offset: b.depth for b in boxes}
    for box in boxes:
        assert box.depth == (0 if box.cause is None else depth[box.cause] + 1)
    assert max(depth.values()) == 2


def test_a_huge_tick_draws_the_first_boxes_only():
    from engine.record import Record

    records = [Record(i, 1, i - 1 if i else None, None, type="Rang", data={"n": i}) for i in range(MAX_BOXES + 7)]
    assert len(chain_boxes(records)) == MAX_BOXES


def test_one_tick_and_a_window_write_images(tmp_path, capsys):
    _, path = rung(tmp_path)
    one, window = tmp_path / "tick.png", tmp_path / "window.svg"
    assert main(["plot", path, "--ticks", "3:4", "-o", str(one)]) == 0
    assert "tick 3: 7 records, 7 drawn in offset order" in capsys.readouterr().out
    assert one.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", path, "--ticks", "2:6", "-o", str(window)]) == 0
    assert window.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_window_zooms_the_time_axis_to_its_ticks(tmp_path, capsys):
    from engine.plot import timeline

    world, path = rung(tmp_path)
    assert main(["plot", path, "--ticks", "2:6", "-o", str(tmp_path / "w.png")]) == 0
    assert "0.0..0.1 s of game time" in capsys.readouterr().out   # ticks 2..6 at 60 a second
    kept = [r for r in world.log if 2 <= r.tick < 6]
    line = timeline(kept, window=(2, 6), tick_rate=60)
    assert (line.start, line.end) == (2 / 60, 6 / 60)
    assert timeline(list(world.log)).start == 0.0


@pytest.mark.parametrize(("ticks", "message"), [
    ("50:60", "no records in ticks 50:60 (the log holds ticks 0..5)"),
    ("6:2", "ends before it starts"),
    ("a:b", "A:B"),
])
def test_bad_windows_are_one_line_and_exit_2(tmp_path, capsys, ticks, message):
    _, path = rung(tmp_path)
    try:
        status = main(["plot", path, "--ticks", ticks, "-o", str(tmp_path / "x.png")])
    except SystemExit as stop:   # argparse refuses a malformed range itself
        status = stop.code
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "Traceback" not in err and err.count("\n") <= 1
