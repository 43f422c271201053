"""Nothing is lost: the events file is written as the run goes, whatever ends the run,
and an output path that cannot be written is refused before anything is simulated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import game.build
from engine import codec
from engine.cli import main as engine_main
from game.cli import main

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYTHONPATH": str(ROOT)}


def refused(capsys, monkeypatch, option: str, path: Path | str) -> str:
    """Run the game with one output path; it must stop with one line, exit 2, before building a world."""
    def no_run(*args, **kwargs):
        raise AssertionError("the game was built before the output path was checked")

    monkeypatch.setattr(game.build, "build_game", no_run)
    with pytest.raises(SystemExit) as exit_:
        main(["--headless", "--seconds", "1", option, str(path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize("option,suffix", [("--events-out", ".jsonl"), ("--screenshot", ".png")])
def test_bad_output_paths_are_refused_before_the_run(tmp_path, capsys, monkeypatch, option, suffix):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("")
    (tmp_path / f"dangling{suffix}").symlink_to(tmp_path / "nowhere" / f"x{suffix}")
    (tmp_path / "gone").symlink_to(tmp_path / "removed-folder")
    (tmp_path / f"folder{suffix}").mkdir()
    cases = {
        a_file / f"run{suffix}": "is a file, not a folder",
        a_file / "deeper" / f"run{suffix}": "is a file, not a folder",
        tmp_path / f"dangling{suffix}": "which does not exist",
        tmp_path / "gone" / f"run{suffix}": "is a symlink to",
        tmp_path / f"folder{suffix}": "is a folder, not a file",
        tmp_path / "missing" / f"run{suffix}": "does not exist",
        Path("/proc") / f"run{suffix}": "cannot write",
    }
    for path, words in cases.items():
        err = refused(capsys, monkeypatch, option, path)
        assert words in err, (path, err)
        assert any(repr(str(part)) in err for part in (path, *path.parents)), err   # names what is wrong
    assert not (tmp_path / "missing").exists()


def test_a_good_path_is_probed_without_leaving_a_file(tmp_path):
    from game.output import check_output_path

    path = tmp_path / "run.jsonl"
    assert check_output_path(str(path), ".jsonl") == path
    assert not path.exists()
    path.write_text("keep me")
    check_output_path(str(path), ".jsonl")
    assert path.read_text() == "keep me"


def reference_log(tmp_path: Path, seconds: int) -> bytes:
    path = tmp_path / f"reference-{seconds}.jsonl"
    assert main(["--headless", "--seconds", str(seconds), "--events-out", str(path)]) == 0
    return path.read_bytes()


def start_game(out: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "game", "--headless", "--seconds", "3600",
                             "--events-out", str(out)], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def wait_for_bytes(path: Path, size: int, process: subprocess.Popen) -> None:
    """Wait (not a timed assertion: a bound against hanging) until the running game wrote ``size`` bytes."""
    deadline = time.monotonic() + 120
    while not (path.exists() and path.stat().st_size >= size):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the game wrote nothing to its events file"
        time.sleep(0.05)


def test_a_killed_game_leaves_a_log_prefix_the_tools_read(tmp_path, capsys):
    out = tmp_path / "killed.jsonl"
    game_process = start_game(out)
    try:
        wait_for_bytes(out, 20_000, game_process)
    finally:
        game_process.send_signal(signal.SIGKILL)
        game_process.wait(timeout=60)
        game_process.stderr.close()
    data = out.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    reference = reference_log(tmp_path, 40)
    common = min(len(complete), len(reference))
    assert common > 10_000
    assert complete[:common] == reference[:common]   # a prefix of the same seed's log, byte for byte
    lines = complete.count(b"\n")
    capsys.readouterr()
    assert engine_main(["stats", str(out)]) == 0
    stats = capsys.readouterr()
    assert stats.out.startswith(f"{lines} records, offsets 0..{lines - 1}")
    assert engine_main(["why", str(out), str(lines - 1)]) == 0
    why = capsys.readouterr()
    assert why.out.splitlines()[-1].lstrip(" └").startswith(f"#{lines - 1} ")   # the chain ends at the last record
    assert engine_main(["trace", str(out)]) == 0
    traced = capsys.readouterr()
    assert len(traced.out.splitlines()) == lines
    for err in (stats.err, why.err, traced.err):
        assert err == "" or ("cut off" in err and len(err.strip().splitlines()) == 1)


def test_ctrl_c_stops_between_ticks_with_the_log_written(tmp_path):
    out = tmp_path / "interrupted.jsonl"
    game_process = start_game(out)
    try:
        wait_for_bytes(out, 10_000, game_process)
        game_process.send_signal(signal.SIGINT)
        _, err = game_process.communicate(timeout=60)
    finally:
        game_process.kill()
    assert game_process.returncode == 130
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    records = codec.load(out)
    assert err.startswith("interrupted at tick ") and err.strip().endswith(f"wrote {len(records)} records to {out}")
    stopped_at = int(err.split()[3].rstrip(";"))
    # Stopped between two ticks, the run ended there: its last record says so, and it replays.
    assert records[-1].type == "SimulationEnded" and records[-1].data["ticks"] == stopped_at
    assert records[-2].tick < stopped_at
    data = out.read_bytes()
    body = data[: data.rstrip(b"\n").rfind(b"\n") + 1]
    assert body == reference_log(tmp_path, 40)[: len(body)]
    assert engine_main(["replay", str(out)]) == 0


def test_a_closed_stdout_still_leaves_the_whole_log(tmp_path):
    out = tmp_path / "piped.jsonl"
    shell = f"{sys.executable} -m game --headless --seconds 10 --events-out {out} | head -1"
    run = subprocess.run(shell, shell=True, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert len(run.stdout.splitlines()) == 1
    assert out.read_bytes() == reference_log(tmp_path, 10)


def test_a_crash_mid_run_leaves_the_log_up_to_it(tmp_path, monkeypatch):
    from game.autopilot import Autopilot

    calls = []
    real_inputs = Autopilot.inputs

    def crash(self):
        calls.append(1)
        if len(calls) == 100:   # the autopilot is asked once a tick: a bug in tick 99
            raise RuntimeError("a bug in the autopilot")
        return real_inputs(self)

    monkeypatch.setattr(Autopilot, "inputs", crash)
    out = tmp_path / "crashed.jsonl"
    with pytest.raises(RuntimeError):
        main(["--headless", "--seconds", "60", "--events-out", str(out)])
    records = codec.load(out)
    assert records and records[-1].tick > 60   # records up to the crash (in tick 99) were written, not only the first
    assert [r.offset for r in records] == list(range(len(records)))
    assert records[-1].type != "SimulationEnded"   # a crash is no ending


def test_the_window_writes_the_log_every_frame(tmp_path, monkeypatch, capsys):
    import game.pg.play
    from game.cli import build_parser, run_window_cli
    from game.output import EventsOut

    out = tmp_path / "window.jsonl"
    sizes: list[int] = []
    real_run_window = game.pg.play.run_window

    def watching(world, **kwargs):
        between = kwargs["between_frames"]

        def between_frames():
            between()
            sizes.append(out.stat().st_size)
            assert out.stat().st_size == len("".join(codec.encode(r) + "\n" for r in world.log).encode())
        kwargs["between_frames"] = between_frames
        return real_run_window(world, **kwargs)

    monkeypatch.setattr(game.pg.play, "run_window", watching)
    monkeypatch.setattr(EventsOut, "report", lambda self: "written")
    assert run_window_cli(build_parser().parse_args(["--autopilot", "--seconds", "1", "--no-hot-reload",
                                                     "--events-out", str(out)])) == 0
    assert len(sizes) > 2 and sizes[-1] > sizes[0] > 0
    assert codec.load(out)


def test_ctrl_c_in_the_window_closes_it_with_the_log_written(tmp_path, monkeypatch, capsys):
    import game.pg.play
    from game.cli import build_parser, run_window_cli

    out = tmp_path / "window.jsonl"
    frames = [0]
    real_run_window = game.pg.play.run_window

    def pressing_ctrl_c(world, **kwargs):
        between = kwargs["between_frames"]

        def between_frames():
            frames[0] += 1
            if frames[0] == 3:
                os.kill(os.getpid(), signal.SIGINT)   # held until the next frame's check
            between()
        kwargs["between_frames"] = between_frames
        return real_run_window(world, **kwargs)

    monkeypatch.setattr(game.pg.play, "run_window", pressing_ctrl_c)
    status = run_window_cli(build_parser().parse_args(["--autopilot", "--seconds", "30", "--no-hot-reload",
                                                       "--events-out", str(out)]))
    assert status == 130
    assert frames[0] == 3          # stopped at the check right after Ctrl-C, between frames, not 30 s later
    err = capsys.readouterr().err
    records = codec.load(out)
    assert records and [r.offset for r in records] == list(range(len(records)))
    assert err.count("\n") == 1 and err.startswith("interrupted at tick ")
    assert err.strip().endswith(f"wrote {len(records)} records to {out}")
