"""What-if replay (``python -m engine replay LOG --triggers DIR``): the same inputs under other rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import codec
from engine.cli import main
from engine.ending import end_run
from engine.whatif import what_if
from engine.whatif_report import compare, rule_changes, summary
from game.build import TRIGGERS, build_game
from game.headless import run_headless

ROOT = Path(__file__).resolve().parent.parent


def shipped_log(folder: Path, seed: int, seconds: float) -> Path:
    game = build_game(seed=seed)
    try:
        run_headless(game, seconds)
        end_run(game.world)
        path = folder / f"seed{seed}.jsonl"
        codec.save(game.world.log, path)
    finally:
        game.world.close()
    return path


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("whatif")
    return {0: shipped_log(folder, 0, 30), 3: shipped_log(folder, 3, 40)}


def edited_triggers(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the shipped trigger folder with one text replaced in one file."""
    folder = tmp_path / "triggers"
    shutil.copytree(TRIGGERS, folder)
    path = folder / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return folder


def test_the_run_own_files_change_nothing(logs, tmp_path: Path) -> None:
    folder = tmp_path / "same"
    shutil.copytree(TRIGGERS, folder)
    run = what_if(str(logs[0]), str(folder))
    comparison = compare(run)
    assert comparison.divergence is None
    assert comparison.before == comparison.after
    assert len(run.other) == len(run.logged)


def test_a_weaker_heal_diverges_at_the_heal_and_carries_other_health(logs, tmp_path: Path) -> None:
    folder = edited_triggers(tmp_path, "combat.toml", 'amount = "tuning.heal_amount"', "amount = 20")
    run = what_if(str(logs[0]), str(folder))
    comparison = compare(run)
    logged, other = comparison.divergence
    assert (logged.type, other.type) == ("BehaviourRan", "BehaviourRan")
    assert logged.data["trigger"] == other.data["trigger"] == "vehicle-heals"
    assert (logged.data["params"]["amount"], other.data["params"]["amount"]) == (60, 20)
    # Every record before the divergence is the same, but for the trigger files themselves.
    assert [r.type for r in run.logged[:logged.offset]] == [r.type for r in run.other[:logged.offset]]
    run_health, what_if_health = next((a, b) for a, b in comparison.in_step if a.type == "HealthChanged")
    assert what_if_health.data["after"] < run_health.data["after"]
    assert rule_changes(run.sources_before, run.sources_after) == ["changed trigger 'vehicle-heals' (do)"]


def test_five_times_the_damage_gets_the_player_wasted(logs, tmp_path: Path) -> None:
    folder = edited_triggers(tmp_path, "combat.toml", 'amount = "event.damage"', 'amount = "event.damage * 5"')
    comparison = compare(what_if(str(logs[3]), str(folder)))
    assert comparison.before["PlayerWasted"] == 0 < comparison.after["PlayerWasted"]
    wasted = comparison.first_seen_after["PlayerWasted"]
    assert f"PlayerWasted happens (first at tick {wasted.tick:,})" in summary(comparison)
    chains = [" → ".join(c.steps) for c in comparison.appeared]
    assert any(chain.startswith("Shot → damage (getting-shot-hurts) → HealthChanged → wasted (wasted) → PlayerWasted")
               for chain in chains)
    hits = ("Shot", "damage (getting-shot-hurts)", "HealthChanged")
    recounted = {before.steps: (before.count, after.count) for before, after in comparison.recounted}
    run_hits = sum(1 for r in codec.load(logs[3]) if r.type == "HealthChanged")
    assert recounted[hits][1] < recounted[hits][0] <= run_hits   # the player is down after fewer hits


def test_a_python_extension_in_the_folder_is_loaded_and_its_chain_appears(logs, tmp_path: Path) -> None:
    folder = tmp_path / "honk"
    shutil.copytree(TRIGGERS, folder)
    for name in ("honk.py", "honk.toml"):
        shutil.copy(ROOT / "docs" / "examples" / "honk" / name, folder / name)
    run = what_if(str(logs[0]), str(folder))
    comparison = compare(run)
    assert comparison.before["PlayerHonked"] == 0 < comparison.after["PlayerHonked"]
    assert any(name.endswith("honk.py") for name in run.extensions_after)
    assert "added alarm 'honk-after-five-seconds-in-a-car'" in rule_changes(run.sources_before, run.sources_after)


def test_the_command_prints_the_report(logs, tmp_path: Path, capsys) -> None:
    folder = edited_triggers(tmp_path, "combat.toml", 'amount = "event.damage"', 'amount = "event.damage * 5"')
    assert main(["replay", str(logs[3]), "--triggers", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"what-if replay of {logs[3]} under the triggers in {folder} ")
    assert "  changed trigger 'getting-shot-hurts' (do)\n" in out
    assert "first divergence at tick " in out and "records per event type, where the runs differ:" in out
    assert "chains only the what-if run has (" in out and "in short: PlayerWasted happens" in out


def run_error(capsys, argv: list[str]) -> str:
    status = main(argv)
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: ")
    return err.strip()


def test_bad_folders_are_one_line_and_exit_2(logs, tmp_path: Path, capsys) -> None:
    log = str(logs[0])
    assert "not a folder" in run_error(capsys, ["replay", log, "--triggers", str(tmp_path / "none")])
    (tmp_path / "empty").mkdir()
    assert "no .toml trigger files" in run_error(capsys, ["replay", log, "--triggers", str(tmp_path / "empty")])
    broken = edited_triggers(tmp_path, "combat.toml", 'behaviour = "heal"', 'behaviour = "heel"')
    message = run_error(capsys, ["replay", log, "--triggers", str(broken)])
    assert "combat.toml" in message and "vehicle-heals" in message and "heel" in message


def test_an_endless_loop_is_refused_as_the_game_refuses_it(logs, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "loop"
    shutil.copytree(TRIGGERS, folder)
    (folder / "loop.toml").write_text('[[trigger]]\nname = "again"\non = "HealthChanged"\n'
                                      'do = [{ behaviour = "heal", target = "event.entity", amount = 1 }]\n')
    assert "an endless loop" in run_error(capsys, ["replay", str(logs[0]), "--triggers", str(folder)])


def test_bad_logs_are_one_line_and_exit_2(logs, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "same"
    shutil.copytree(TRIGGERS, folder)
    assert "no such file" in run_error(capsys, ["replay", str(tmp_path / "x.jsonl"), "--triggers", str(folder)])
    lines = logs[0].read_text().splitlines(keepends=True)
    no_triggers = tmp_path / "no_triggers.jsonl"
    no_triggers.write_text(lines[0])
    assert "loaded no trigger files" in run_error(capsys, ["replay", str(no_triggers), "--triggers", str(folder)])
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text(lines[0] + "{not json\n")
    assert str(garbage) in run_error(capsys, ["replay", str(garbage), "--triggers", str(folder)])
    far = tmp_path / "far.jsonl"
    far.write_text("".join(lines[:-1]) + lines[-1].replace('"tick": ', '"tick": 9999999', 1))
    assert "ticks after the record before it" in run_error(capsys, ["replay", str(far), "--triggers", str(folder)])
