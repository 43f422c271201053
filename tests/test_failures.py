"""Run-time failures name file, trigger and field in check's words, and are reported once with a count."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from engine.failures import FailureTally, OncePerHandler, failures_once
from game.build import build_game
from game.events import Shot

BAD = '''[[trigger]]
name = "divide"
on = "Shot"
do = [{ behaviour = "damage", target = "event.target", amount = "event.damage // (event.damage - event.damage)" }]
'''
WHERE = "bad.toml: trigger 'divide': do[0].amount"
ERROR = "ExpressionError: division by zero in `event.damage // (event.damage - event.damage)`"


def shot_game(tmp_path: Path, shots: int):
    folder = tmp_path / "triggers"
    folder.mkdir(exist_ok=True)
    (folder / "bad.toml").write_text(BAD, encoding="utf-8")
    game = build_game(seed=0, npcs=2, triggers=None)
    game.runtime.load_files([folder], relative_to=folder)
    for _ in range(shots):
        game.world.emit(Shot(shooter=0, target=game.player, damage=5))
        game.world.step()
    return game


def test_a_failing_trigger_is_one_line_with_its_count(tmp_path: Path) -> None:
    game = shot_game(tmp_path, 7)
    letters = [r for r in game.world.log if r.type == "HandlerFailed"]
    assert len(letters) == 7 and {r.data["handler"] for r in letters} == {WHERE}
    assert FailureTally(game.world.log).summary() == [f"{WHERE}: {ERROR} (failed 7 times)"]
    game.world.close()


def test_the_tally_follows_time_travel(tmp_path: Path) -> None:
    game = shot_game(tmp_path, 3)
    tally = FailureTally(game.world.log)
    assert tally.summary() == [f"{WHERE}: {ERROR} (failed 3 times)"]
    second = [r for r in game.world.log if r.type == "HandlerFailed"][1]
    game.world.log.truncate(second.offset)   # back before the second failure
    assert tally.summary() == [f"{WHERE}: {ERROR} (failed once)"]
    game.world.close()


def test_the_bus_warns_once_per_failing_handler_while_failures_once_lasts(tmp_path: Path) -> None:
    logger = logging.getLogger("engine.bus")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        with failures_once() as once:
            assert isinstance(once, OncePerHandler)
            shot_game(tmp_path, 4).world.close()
        shot_game(tmp_path, 2).world.close()   # the filter is gone: every failure is logged again
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3 and all(line.startswith(f"handler {WHERE} failed on #") for line in lines)


def test_the_inspector_shows_each_failure_once_with_its_count(tmp_path: Path) -> None:
    from engine.inspection import Inspection

    game = shot_game(tmp_path, 2)
    inspection = Inspection(game.world)
    inspection.update()
    assert inspection.failing == [f"{WHERE}: {ERROR} (failed 2 times)"]
    assert inspection.dead_letters == 2
    game.world.close()


def test_the_replay_command_warns_once_per_failing_trigger(tmp_path: Path, caplog) -> None:
    import shutil

    from engine import codec
    from engine.cli import main as engine_main
    from engine.ending import end_run
    from game.build import TRIGGERS
    from game.headless import run_headless
    folder = tmp_path / "triggers"
    shutil.copytree(TRIGGERS, folder)
    (folder / "bad.toml").write_text('[[trigger]]\nname = "bad-tune"\non = "Shot"\n'
                                     'do = [{ behaviour = "tune", name = "goons", value = "tick * 0 + 99" }]\n',
                                     encoding="utf-8")
    game = build_game(seed=0, triggers=folder)
    with failures_once():
        run_headless(game, 20.0)   # seed 0: the player shoots several times in 20 s
    end_run(game.world)
    records = list(game.world.log)
    assert sum(r.type == "HandlerFailed" for r in records) > 1
    log = tmp_path / "bad.jsonl"
    codec.save(records, log)
    caplog.clear()
    assert engine_main(["replay", str(log)]) == 0
    assert sum("failed on #" in r.getMessage() for r in caplog.records) == 1


def test_a_failure_outside_any_record_is_warned_without_a_record_offset(caplog) -> None:
    from engine import World
    world = World(seed=0)
    with failures_once():
        world.bus.record_failure("a.toml: alarm 'h': when", None, RuntimeError("boom"))
    assert [r.getMessage() for r in caplog.records] == [
        "handler a.toml: alarm 'h': when failed in its own tick code: RuntimeError: boom"]
