"""``python -m game``: headless runs, determinism, bad options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_same_seed_gives_a_byte_identical_log(tmp_path: Path, capsys) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert main(["--headless", "--seconds", "20", "--seed", "4", "--events-out", str(a)]) == 0
    assert main(["--headless", "--seconds", "20", "--seed", "4", "--events-out", str(b)]) == 0
    assert main(["--headless", "--seconds", "20", "--seed", "5", "--events-out", str(c)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    out = capsys.readouterr().out
    assert "final health" in out and "wanted level" in out


def test_the_log_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    logs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}.jsonl"
        subprocess.run([sys.executable, "-m", "game", "--headless", "--seconds", "12", "--npcs", "300",
                        "--events-out", str(out)], check=True, capture_output=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "SDL_VIDEODRIVER": "dummy", "PYTHONHASHSEED": hash_seed})
        logs.append(out.read_bytes())
    assert logs[0] == logs[1]


def test_bad_options_give_one_line_and_exit_2() -> None:
    for args in (["--seconds", "soon"], ["--npcs", "-3"], ["--seed", "x"], ["--bogus"],
                 ["--events-out", "log.txt"], ["--screenshot", "/no/such/dir/x.png"], ["--npcs", "5001"],
                 ["--frame-ms", "0"], ["--frame-ms", "fast"]):
        run = subprocess.run([sys.executable, "-m", "game", "--headless", *args], capture_output=True, text=True,
                             cwd=ROOT, env={**os.environ, "SDL_VIDEODRIVER": "dummy"}, timeout=60)
        assert run.returncode == 2, args
        assert "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_summary_that_cannot_be_written_is_one_line_and_exit_1() -> None:
    # Buffered, as stdout is by default when it is no terminal (PYTHONUNBUFFERED would hide the case).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["SDL_VIDEODRIVER"] = "dummy"
    with open("/dev/full", "w") as full:
        run = subprocess.run([sys.executable, "-m", "game", "--headless", "--seconds", "2"], stdout=full,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 1
    assert run.stderr == "error: cannot write the output: No space left on device\n"


def test_without_a_display_it_says_so_and_runs_headless(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["SDL_VIDEODRIVER"] = "dummy"
    env["SDL_AUDIODRIVER"] = "dummy"
    run = subprocess.run([sys.executable, "-m", "game", "--seconds", "5"], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    first = run.stdout.splitlines()[0]
    assert "no display" in first and "headless" in first
    assert "final health" in run.stdout


def test_an_output_path_that_is_a_folder_is_refused_before_the_run(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "log.jsonl"
    folder.mkdir()
    try:
        main(["--headless", "--seconds", "1", "--events-out", str(folder)])
    except SystemExit as exit_:
        assert exit_.code == 2
    else:
        raise AssertionError("a folder as --events-out was accepted")
    err = capsys.readouterr().err
    assert "is a folder" in err and len(err.strip().splitlines()) == 1


def test_an_output_that_cannot_be_written_is_one_line_and_exit_1(tmp_path: Path, capsys, monkeypatch) -> None:
    # The file is written as the run goes: a full disk is reported once and the run goes on.
    from engine.logfile import LogFile

    def refuse(self, records):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LogFile, "write", refuse)
    assert main(["--headless", "--seconds", "1", "--events-out", str(tmp_path / "run.jsonl")]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == (f"error: cannot write {str(tmp_path / 'run.jsonl')!r}: No space left on device; "
                                    "the game goes on without it")
    assert "final health" in captured.out


def test_a_broken_trigger_file_stops_the_game_with_its_problems_not_a_traceback(tmp_path: Path, capsys,
                                                                                monkeypatch) -> None:
    import shutil

    import game.build

    triggers = tmp_path / "triggers"
    shutil.copytree(game.build.TRIGGERS, triggers)
    (triggers / "my_first.toml").write_text(
        '[[trigger]]\nname = "engine-starts"\non = "EnteredVehicle"\ndo = [{ behaviour = "play_sond" }]\n')
    monkeypatch.setattr(game.build, "TRIGGERS", triggers)
    assert main(["--headless", "--seconds", "1"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert err[0].endswith("my_first.toml: trigger 'engine-starts': do[0].behaviour: "
                           "unknown behaviour 'play_sond' (did you mean 'play_sound'?)")
    assert err[1].startswith("error: the game's trigger files or extensions are not valid")


def test_a_window_refuses_a_simulated_frame_time(monkeypatch, capsys) -> None:
    import engine.pg.display

    monkeypatch.setattr(engine.pg.display, "display_available", lambda: True)
    assert main(["--frame-ms", "40"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--frame-ms is for --headless runs" in err[0]


def test_a_trigger_folder_with_nothing_to_load_is_refused_as_check_refuses_it(tmp_path: Path, capsys) -> None:
    """It played a game without any rules, exit 0, where `engine check` says the folder is empty."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "dir" / "x.toml").mkdir(parents=True)   # a folder named like a trigger file is not one
    for folder in (tmp_path / "empty", tmp_path / "dir"):
        try:
            status = main(["--headless", "--seconds", "1", "--triggers", str(folder)])
        except SystemExit as stop:   # argparse refuses it itself
            status = stop.code
        assert status == 2
        err = capsys.readouterr().err
        assert "no .toml trigger files or .py extensions in this folder" in err and err.count("\n") == 1
