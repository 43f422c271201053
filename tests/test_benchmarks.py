"""The benchmark scripts run and report what their READMEs describe (tiny sizes, no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_json(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args, "--json"],
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_bench_bus_measures_the_floor_with_the_collector_on_or_off() -> None:
    for collector in ("on", "off"):
        medians = run_json("bench_bus.py", "--events", "300", "--repeats", "1", "--gc", collector, "--clock", "cpu")
        assert {"ours_emit_pump_1", "esper_dispatch_1", "floor_bus_1", "direct_call_1"} <= set(medians)
        assert all(value >= 0 for value in medians.values())


def test_bench_gc_game_reports_every_generation_of_a_short_game() -> None:
    report = run_json("bench_gc_game.py", "--seconds", "2", "--npcs", "20", "--clock", "cpu")
    assert report["ticks"] == 120 and report["npcs"] == 20
    assert {"gen0", "gen1", "gen2"} <= set(report)
    assert report["worst_pause_ms"] == max(report[f"gen{g}"]["worst_ms"] for g in (0, 1, 2))


def test_bench_gc_game_refuses_a_crowd_it_cannot_build() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_gc_game.py"), "--npcs", "9000"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
