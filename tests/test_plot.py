"""``python -m engine plot``: a timeline image from a real game log, and one-line errors."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from engine import codec
from engine.cli import main
from engine.plot import INSTALL_HINT, timeline
from engine.record import Record

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def game_log(tmp_path_factory) -> tuple[Path, list[Record]]:
    from game.build import build_game
    from game.headless import run_headless

    game = build_game(seed=0)
    try:
        run_headless(game, 40.0)
        path = tmp_path_factory.mktemp("plot") / "run.jsonl"
        codec.save(game.world.log, path)
    finally:
        game.world.close()
    return path, codec.load(path)


def run_error(capsys, argv) -> str:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("error: ")
    return err.strip()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# -- the picture -------------------------------------------------------------------------------

def test_writes_a_png_of_a_game_log(capsys, tmp_path, game_log):
    pytest.importorskip("matplotlib")
    path, _ = game_log
    out = tmp_path / "timeline.png"
    assert main(["plot", str(path), "-o", str(out)]) == 0
    printed, err = capsys.readouterr()
    assert err == ""
    assert printed.startswith(f"wrote {out} (")
    width, height = png_size(out)
    assert width >= 800 and height >= 600
    assert out.stat().st_size > 20_000   # a real picture, not an empty canvas


def test_types_entity_and_why_options(capsys, tmp_path, game_log):
    pytest.importorskip("matplotlib")
    path, records = game_log
    sound = next(r for r in records if r.type == "SoundStarted" and r.cause is not None)
    out = tmp_path / "chosen.svg"
    argv = ["plot", str(path), "-o", str(out), "--types", "Shot,SoundStarted", "--entity", "1",
            "--why", str(sound.offset)]
    assert main(argv) == 0
    capsys.readouterr()
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_default_output_is_next_to_the_log(capsys, tmp_path, game_log):
    pytest.importorskip("matplotlib")
    _, records = game_log
    log = tmp_path / "copy.jsonl"
    codec.save(records, log)
    assert main(["plot", str(log)]) == 0
    capsys.readouterr()
    png_size(tmp_path / "copy.png")


def test_without_matplotlib_says_how_to_install_it(capsys, monkeypatch, tmp_path, game_log):
    path, _ = game_log
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # "import matplotlib" now fails
    err = run_error(capsys, ["plot", path, "-o", tmp_path / "t.png"])
    assert err == f"error: {INSTALL_HINT}"
    assert not (tmp_path / "t.png").exists()


def test_other_commands_never_import_matplotlib(capsys, monkeypatch, game_log):
    path, _ = game_log
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["stats", str(path)]) == 0
    capsys.readouterr()


# -- what is drawn (no matplotlib needed) -----------------------------------------------------------

def test_timeline_data(game_log):
    _, records = game_log
    line = timeline(records)
    assert line.tick_rate == 60
    assert line.end == pytest.approx(records[-1].tick / 60)
    assert len(line.rows) == 15
    counts = [len(times) for _, times in line.rows]
    assert counts == sorted(counts, reverse=True)   # most frequent on top
    labels = [s.label for s in line.steps]
    assert "HealthChanged (entity 1)" in labels      # the player: most HealthChanged records
    assert len(labels) == 4                          # the four step types with the most records
    # In this run the cars' dents (VehicleDamaged) outnumber the stars; without them the stars show.
    line = timeline([r for r in records if r.type != "VehicleDamaged"])
    wanted = next(s for s in line.steps if s.label == "WantedLevelChanged")
    assert wanted.start == 0 and max(wanted.values) >= 1


def test_timeline_of_chosen_types_entity_and_chain(game_log):
    _, records = game_log
    sound = next(r for r in records if r.type == "SoundStarted" and r.cause is not None)
    line = timeline(records, types=["Shot"], why=sound.offset)
    names = [name for name, _ in line.rows]
    assert names[0] == "Shot"
    assert [name for name, _, _ in line.chain] == [r.type for r in _chain(records, sound)]
    assert set(names) >= {name for name, _, _ in line.chain}  # every link of the chain has a row
    other = next(r.data["entity"] for r in records if r.type == "HealthChanged" and r.data["entity"] != 1)
    steps = timeline(records, entity=other).steps
    assert f"HealthChanged (entity {other})" in [s.label for s in steps]


def _chain(records: list[Record], record: Record) -> list[Record]:
    by_offset = {r.offset: r for r in records}
    chain = [record]
    while chain[-1].cause is not None:
        chain.append(by_offset[chain[-1].cause])
    return chain[::-1]


def test_tick_rate_comes_from_simulation_started():
    records = [Record(0, 0, None, None, type="SimulationStarted", data={"seed": 0, "tick_rate": 10}),
               Record(1, 25, None, None, type="Ping", data={})]
    line = timeline(records)
    assert line.tick_rate == 10
    assert line.rows == [("Ping", [2.5]), ("SimulationStarted", [0.0])]


def test_a_change_nobody_recorded_shows_as_a_jump():
    records = [Record(0, 0, None, None, type="Level", data={"before": 0, "after": 3}),
               Record(1, 60, None, None, type="Level", data={"before": 1, "after": 2})]
    (steps,) = timeline(records).steps
    assert (steps.start, steps.befores, steps.values) == (0, [0, 1], [3, 2])


@pytest.mark.parametrize("odd", [10 ** 400, -(10 ** 400), float("nan"), float("inf")])
def test_a_value_no_float_holds_leaves_its_type_out_of_the_step_lines(odd):
    """A hand-edited ScoreChanged with a 400-digit score raised OverflowError in the plot command."""
    records = [Record(0, 0, None, None, type="ScoreChanged", data={"before": 0, "after": odd, "reason": "x"}),
               Record(1, 60, None, None, type="Level", data={"before": 1, "after": 2})]
    assert [s.label for s in timeline(records).steps] == ["Level"]


# -- user mistakes: one line, exit 2 --------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "words"), [
    (["plot"], "required"),
    (["plot", "{log}", "--types", "Shot,Explosion"], "no records of type 'Explosion' (types present: "),
    (["plot", "{log}", "--types", ","], "expected event type names"),
    (["plot", "{log}", "--entity", "9999"], "no before/after records name entity 9999"),
    (["plot", "{log}", "--why", "99999"], "no record at offset 99999"),
    (["plot", "{log}", "--top", "many"], "expected a whole number, got 'many'"),
    (["plot", "{log}", "--top", "0"], "expected a number of at least 1, got '0'"),
    (["plot", "{log}", "-o", "{tmp}/t.gif"], "expected a file name ending in .png, .svg, .pdf"),
    (["plot", "{log}", "-o", "{tmp}/no/such/folder/t.png"], "does not exist"),
])
def test_bad_arguments(capsys, tmp_path, game_log, argv, words):
    path, _ = game_log
    err = run_error(capsys, [a.format(log=path, tmp=tmp_path) for a in argv])
    assert words in err


def test_missing_file(capsys, tmp_path):
    err = run_error(capsys, ["plot", tmp_path / "nope.jsonl", "-o", tmp_path / "t.png"])
    assert err == f"error: {tmp_path / 'nope.jsonl'}: no such file"


def test_corrupt_log(capsys, tmp_path):
    log = tmp_path / "bad.jsonl"
    log.write_text('{"offset": 0, "tick": 0, "type": "A", "cause": null, "data": {}}\n{"offset": 1, "ti\n')
    err = run_error(capsys, ["plot", log, "-o", tmp_path / "t.png"])
    assert f"{log}:2: not valid JSON" in err


def test_empty_log(capsys, tmp_path):
    log = tmp_path / "empty.jsonl"
    log.write_text("")
    assert "nothing to plot" in run_error(capsys, ["plot", log, "-o", tmp_path / "t.png"])
