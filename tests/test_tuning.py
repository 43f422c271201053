"""Tunable rules: assets/tuning.toml, read as `tuning.NAME`, changed at run time by `tune`."""

from __future__ import annotations

import dataclasses
import io
import math
from pathlib import Path

import esper
import pytest

from engine import codec
from engine.ending import end_run
from engine.replay import replay
from engine.scripting import loads
from game import tuning as tuning_module
from game.build import build_game
from game.cli import main as game_main
from game.components import Police, Velocity
from game.tuning import TUNING_FILE, Tuning, TuningError, load_tuning, tuning_from

FASTER = '''[[trigger]]
name = "faster-police-at-three-stars"
on = "WantedLevelChanged"
when = "event.after >= 3"
do = [{ behaviour = "tune", name = "police_speed", value = 320 }]
'''


def test_the_shipped_file_holds_the_defaults_so_an_untuned_run_records_none() -> None:
    assert load_tuning(TUNING_FILE) == Tuning()
    assert "tuning" not in build_game(seed=0, npcs=1, triggers=None).options


@pytest.mark.parametrize(("text", "message"), [
    ("police_accuracy = 1.5\n", "police_accuracy: expected 0 to 1, found 1.5"),
    ("goons = 2.5\n", "goons: expected a whole number, found 2.5"),
    ("police_sped = 300\n", "unknown tuning value 'police_sped'; known: police_speed, "),
    ("heal_amount = 'lots'\n", "heal_amount: expected a number, found 'lots'"),
    ("heal_amount = \n", "not a valid TOML file: "),
])
def test_a_bad_tuning_file_is_one_line_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tuning.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TuningError) as caught:
        load_tuning(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_the_games_own_tuning_file_is_named_as_the_docs_name_it(tmp_path: Path, monkeypatch) -> None:
    # docs/reference/triggers.md: `error: assets/tuning.toml: police_accuracy: expected 0 to 1, found 1.5`
    monkeypatch.setattr(tuning_module, "ROOT", tmp_path)
    path = tmp_path / "assets" / "tuning.toml"
    path.parent.mkdir()
    path.write_text("police_accuracy = 1.5\n", encoding="utf-8")
    with pytest.raises(TuningError) as caught:
        load_tuning(path)
    assert str(caught.value) == "assets/tuning.toml: police_accuracy: expected 0 to 1, found 1.5"


def test_the_game_does_not_start_with_a_bad_tuning_file(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "tuning.toml"
    path.write_text("escape_seconds = -1\n", encoding="utf-8")
    monkeypatch.setattr(tuning_module, "TUNING_FILE", path)
    assert game_main(["--headless", "--seconds", "1"]) == 1
    assert capsys.readouterr().err == f"error: {path}: escape_seconds: expected 0 to 3600, found -1.0\n"


def test_the_trigger_file_reads_the_tuning(tmp_path: Path) -> None:
    game = build_game(seed=0, npcs=2, tuning=dataclasses.replace(Tuning(), heal_amount=7))
    game.world.activate()
    runtime = game.runtime
    runtime.run_calls("probe", loads('[[trigger]]\nname = "x"\non = "Shot"\ndo = [{ behaviour = "damage", '
                                     'target = "player.id", amount = "tuning.heal_amount * 3" }]\n',
                                     runtime.registry).triggers[0].do, _namespace(game))
    assert _health(game) == 100 - 21
    game.world.close()


def _namespace(game):
    from engine.scripting.namespace import Namespace

    return Namespace(game.world, game.runtime.registry)


def _health(game) -> int:
    from game.components import Health

    game.world.activate()
    return esper.component_for_entity(game.player, Health).current


def test_three_lines_of_toml_make_the_police_faster_at_three_stars_with_the_cause_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "triggers"
    folder.mkdir()
    (folder / "faster.toml").write_text(FASTER, encoding="utf-8")
    game = build_game(seed=0, npcs=2, triggers=folder)
    world = game.world
    raise_wanted = game.runtime.registry.behaviours["raise_wanted"].function
    world.run(2)
    raise_wanted(world, 2)
    world.run(120)
    assert game.state.tuning.police_speed == 230.0
    raise_wanted(world, 1)
    world.run(120)
    (changed,) = [r for r in world.log if r.type == "TuningChanged"]
    assert changed.data == {"name": "police_speed", "before": 230.0, "after": 320.0}
    ran = world.log.get(changed.cause)
    assert (ran.type, ran.data["trigger"]) == ("BehaviourRan", "faster-police-at-three-stars")
    assert world.log.get(ran.cause).type == "WantedLevelChanged"
    world.activate()
    speeds = {round(math.hypot(v.x, v.y), 1) for _, (_, v) in esper.get_components(Police, Velocity)}
    at_three = 320.0 + 2 * game.state.tuning.police_speed_per_star  # the base, and so much a star above one
    assert speeds <= {0.0, at_three} and at_three in speeds
    world.close()


def test_a_tuned_run_records_its_values_and_replays_by_them(monkeypatch, tmp_path: Path) -> None:
    game = build_game(seed=1, npcs=5, tuning=tuning_from({"goons": 1, "police_speed": 400}))
    assert game.options["tuning"] == {"police_speed": 400.0, "goons": 1}
    game.world.run(200)
    end_run(game.world)
    out = io.StringIO()
    codec.write(game.world.log, out)
    records = list(codec.read(io.StringIO(out.getvalue())))
    game.world.close()
    # The file of today is not read by a replay: the log's values are.
    path = tmp_path / "tuning.toml"
    path.write_text("goons = 3\n", encoding="utf-8")
    monkeypatch.setattr(tuning_module, "TUNING_FILE", path)
    assert replay(records).identical


def test_tune_refuses_a_value_out_of_range_as_a_failure_naming_it() -> None:
    game = build_game(seed=0, npcs=2, triggers=None)
    tune = game.runtime.registry.behaviours["tune"].function
    with pytest.raises(TuningError, match=r"^police_accuracy: expected 0 to 1, found 2\.0$"):
        tune(game.world, "police_accuracy", 2.0)
    assert game.state.tuning == Tuning()
    game.world.close()


def test_police_drive_faster_per_star_when_tuned():
    from game.tuning import Tuning

    tuning = Tuning(police_speed=200.0, police_speed_per_star=50.0)
    assert [tuning.police_speed_at(level) for level in (1, 2, 3, 5)] == [200.0, 250.0, 300.0, 400.0]
    assert Tuning().police_speed_at(5) > Tuning().police_speed_at(1)   # shipped: faster with every star


def test_check_refuses_a_constant_tune_outside_its_range(tmp_path):
    """Limits known before the game runs are reported by `check`, naming file, trigger and call."""
    from engine.scripting import check
    from game.registry import make_registry

    (tmp_path / "goons.toml").write_text(
        '[[trigger]]\nname = "more-goons"\non = "WantedLevelChanged"\nwhen = "event.after >= 3"\n'
        'do = [{ behaviour = "tune", name = "goons", value = 9 }]\n')
    problems = [str(p) for p in check([tmp_path], make_registry())]
    assert problems == [f"{tmp_path / 'goons.toml'}: trigger 'more-goons': do[0]: behaviour 'tune': "
                        "goons: expected 0 to 3, found 9"]


def test_a_headless_run_stops_in_the_tick_its_run_ends() -> None:
    """Time up after 5 s of a 20 s run: the run stops there, as the window's game over does."""
    from game.headless import run_headless

    game = build_game(seed=0, npcs=5, tuning=dataclasses.replace(Tuning(), run_minutes=5 / 60))
    try:
        report = run_headless(game, 20.0)
        ended = [r for r in game.world.log if r.type == "RunEnded"]
        assert len(ended) == 1 and ended[0].data["reason"] == "time up"
        assert report.ticks == ended[0].tick + 1 < 20 * game.world.tick_rate
        assert report.run_over == "time up"
    finally:
        game.world.close()
