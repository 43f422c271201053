"""A trigger file that `check` accepts but fans out for ever, run in the demo game."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from game_runs import jsonl

from engine.scripting import check
from game.build import MIN_REACTION_BUDGET, TRIGGERS, build_game, reaction_budget_for
from game.headless import run_headless, summary
from game.registry import make_registry

registry = make_registry()

FAN_OUT = """
[[trigger]]
name = "echo-forever"
description = "Every behaviour that runs plays two more sounds: each of them a behaviour that runs."
on = "BehaviourRan"
when = "tick >= 0"    # a condition, so `check` calls the loop breakable (a warning): the game runs it
do = [{ behaviour = "play_sound", sound = "siren" },
      { behaviour = "play_sound", sound = "radio_pursuit" }]
"""


@pytest.fixture(scope="module")
def runaway(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runaway")
    (folder / "echo.toml").write_text(FAN_OUT)
    game = build_game(seed=0)
    game.runtime.load_files([TRIGGERS, folder])
    logger = logging.getLogger("engine.bus")
    warnings: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        report = run_headless(game, 4)   # seed 0: the first shot is fired within 1 s
    finally:
        logger.removeHandler(handler)
    yield game, report, warnings, folder
    game.world.close()


def test_the_file_is_valid(runaway):
    *_, folder = runaway
    assert not [p for p in check([TRIGGERS, folder], registry) if p.severity == "error"]


def test_the_game_keeps_stepping_with_bounded_records_per_tick(runaway):
    game, report, *_ = runaway
    assert report.ticks == 240 and game.world.tick == 240
    budget = game.world.bus.reaction_budget
    assert budget == MIN_REACTION_BUDGET
    per_tick = Counter(r.tick for r in game.world.log)
    assert max(per_tick.values()) <= budget + 50   # the tick's own roots and the cut records
    assert game.world.bus.cascades_cut > 0


def test_each_cut_names_the_trigger_and_is_recorded_at_most_once_per_reason_a_tick(runaway):
    game, *_ = runaway
    cuts = game.world.log.select("CascadeCut")
    assert cuts
    assert {tuple(r.data["triggers"]) for r in cuts} == {("echo-forever", "echo-forever")}
    assert max(Counter((r.tick, r.data["reason"]) for r in cuts).values()) == 1


def test_the_user_is_told_once_with_a_count(runaway):
    game, report, warnings, _ = runaway
    cut_ticks = {r.tick for r in game.world.log.select("CascadeCut")}
    assert len(warnings) == (2 if len(cut_ticks) >= 10 else 1)
    lines = [line for line in summary(report).splitlines() if line.startswith("cascade cut")]
    assert lines == [f"cascade cut in {len(cut_ticks)} tick{'s' if len(cut_ticks) > 1 else ''}: "
                     f"echo-forever -> echo-forever (deeper than the cascade limit and over the tick's "
                     f"reaction budget; ticks {min(cut_ticks)}..{max(cut_ticks)})"]


def test_the_budget_grows_with_the_crowd():
    assert reaction_budget_for(40) == MIN_REACTION_BUDGET
    # The biggest legitimate tick makes 132 reactions at 1,000 and 632 at 5,000: a 7-8 fold margin.
    assert reaction_budget_for(1000) == 1_000 and reaction_budget_for(5000) == 5_000


def test_a_runaway_run_is_deterministic(runaway):
    game, _, _, folder = runaway
    again = build_game(seed=0)
    try:
        again.runtime.load_files([TRIGGERS, folder])
        run_headless(again, 4)
        assert again.world.bus.cascades_cut == game.world.bus.cascades_cut
        assert jsonl(again) == jsonl(game)  # the cuts, their records and their causes, byte for byte
    finally:
        again.world.close()


def test_the_inspector_and_ticker_line_names_the_trigger(runaway):
    from engine.logview import failure_line

    game, *_ = runaway
    lines = {failure_line(r).split(" ", 2)[2] for r in game.world.log.select("CascadeCut")}
    assert lines == {"cascade cut at depth 65: echo-forever -> echo-forever",
                     "cascade cut over the tick's reaction budget: echo-forever -> echo-forever"}


def test_a_loop_nothing_can_break_is_refused_by_the_game_as_by_check(tmp_path):
    """What `check` calls an endless loop (no condition, cooldown or once) the game does not load either."""
    from engine.scripting import TriggerFileError

    (tmp_path / "echo.toml").write_text(FAN_OUT.replace('when = "tick >= 0"', ""))
    game = build_game(seed=0)
    with pytest.raises(TriggerFileError) as refused:
        game.runtime.load_files([TRIGGERS, tmp_path])
    [problem] = refused.value.problems
    assert "echo.toml: trigger 'echo-forever': an endless loop" in str(problem)
