"""The programs in examples/ run, stay deterministic and show what they teach."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def run(path: Path) -> str:
    # This checkout's engine, not whichever one is installed: a script's own folder comes first on sys.path.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, str(path.relative_to(ROOT))], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return {path.stem: run(path) for path in EXAMPLES}


def test_there_are_examples():
    assert {"thermostat", "payments"} <= {p.stem for p in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_says_what_it_teaches(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and "teaches" in doc
    assert f"python examples/{path.name}" in doc


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_deterministic(path, outputs):
    assert run(path) == outputs[path.stem]


def test_thermostat_heats_when_too_cold_and_explains_why(outputs):
    out = outputs["thermostat"]
    lines = out.splitlines()
    on = [line for line in lines if line.endswith("heater ON")]
    off = [line for line in lines if line.endswith("heater off")]
    assert len(on) >= 2 and len(off) >= 2
    assert lines.index(on[0]) < lines.index(off[0])
    assert any("window opened" in line for line in lines)
    assert any("notified: a window is open" in line for line in lines)
    why = out.split("why did the heater turn on at ")[1].splitlines()[1:]
    types = [re.search(r"t=\d+ (\w+)", line).group(1) for line in why]
    assert types == ["TemperatureRead", "AlarmEntered", "BehaviourRan", "HeaterSwitched"]
    reading = float(re.search(r"celsius=([\d.]+)", why[0]).group(1))
    assert reading < 18                          # the reading that made it "too cold"
    ticks = [int(re.search(r"t=(\d+)", line).group(1)) for line in why]
    assert ticks[1] - ticks[0] == 300            # for = 300: five minutes later
    assert "on=True" in why[-1]


def test_payments_blocks_cards_by_push_and_reports_by_pull(outputs):
    out = outputs["payments"]
    lines = out.splitlines()
    blocked = [line for line in lines if "push  CardBlocked" in line]
    assert [re.search(r"card=(\d+)", line).group(1) for line in blocked] == ["41", "42"]
    assert any("FraudSuspected(card=41, reason='4 payments within 60 s')" in line for line in lines)
    assert any("FraudSuspected(card=42, reason='large payment abroad')" in line for line in lines)
    # Blocked in the same tick as the suspicion; every later attempt is declined.
    assert blocked[0].split()[0] == next(line for line in lines if "card=41" in line).split()[0]
    assert any("PaymentDeclined(card=42, amount=900.0" in line for line in lines)
    reports = [line for line in lines if "pull  report:" in line]
    assert [line.split()[0] for line in reports] == ["0:10:00", "0:20:00", "0:30:00"]
    assert all(int(re.search(r"(\d+) records waited", line).group(1)) > 0 for line in reports)
    why = out.split("why was card 42 blocked?")[1].strip().splitlines()
    assert "PaymentRequested card=42 amount=2400" in why[0]
    assert "CardBlocked" in why[-1]


@pytest.mark.parametrize("name", ["thermostat", "payments"])
def test_example_trigger_files_pass_check_with_their_own_registry(name):
    # As documented in docs/reference/cli.md: the example module is the registry.
    result = subprocess.run([sys.executable, "-m", "engine", "check", "--registry", f"examples.{name}",
                             f"examples/{name}.toml"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "all trigger files are valid"), result.stderr
