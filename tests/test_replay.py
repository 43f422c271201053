"""Replay: a log re-runs to itself, byte for byte; a tampered one is caught."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from game_runs import autopilot_run

from engine import codec
from engine.cli import main
from engine.replay import replay

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_autopilot_logs_replay_identically(seed: int) -> None:
    game, _ = autopilot_run(seed)
    records = list(game.world.log)
    result = replay(records)
    assert result.identical, result.first_difference
    assert len(result.records) == len(records)


def test_replay_command_reports_the_first_difference(tmp_path: Path, capsys) -> None:
    game, _ = autopilot_run(0)
    good = tmp_path / "good.jsonl"
    codec.save(game.world.log, good)
    assert main(["replay", str(good)]) == 0
    assert "identical" in capsys.readouterr().out

    lines = good.read_text().splitlines()
    for index, line in enumerate(lines):
        record = json.loads(line)
        if record["type"] == "MoveInput" and record["data"]["dx"] != 0:
            record["data"]["dx"] = -record["data"]["dx"]
            lines[index] = json.dumps(record)
            tampered_at = record["offset"]
            break
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(bad)]) == 1
    out = capsys.readouterr().out
    first = int(out.split("at offset ")[1].split(":")[0])
    assert first > tampered_at


def test_replay_of_a_log_without_a_start_is_a_clear_error(tmp_path: Path) -> None:
    game, _ = autopilot_run(0)
    log = tmp_path / "cut.jsonl"
    codec.save(list(game.world.log)[5:50], log)
    run = subprocess.run([sys.executable, "-m", "engine", "replay", str(log)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert run.returncode == 2
    assert "SimulationStarted" in run.stderr and "Traceback" not in run.stderr
