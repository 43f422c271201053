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


def test_bench_city_floor_is_each_ticks_least_time_with_the_chase_ticks_of_the_runs() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_city import Run, floor_run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    runs = [Run([1.0, 5.0, 3.0, 7.0, 2.0], chase=(1, 2), spread_ends=(2, 4)),
            Run([2.0, 4.0, 9.0, 6.0, 1.0], chase=(1, 2), spread_ends=(2, 4))]
    floor = floor_run(runs)
    assert floor.ticks == [1.0, 4.0, 3.0, 6.0, 1.0]
    assert floor.spikes == {"despawn_ms": 4.0, "after_despawn_ms": 3.0, "respawn_ms": 3.0, "after_respawn_ms": 6.0,
                            "departures_worst_ms": 4.0, "arrivals_worst_ms": 6.0}
    assert floor.figures()["median_ms"] == 3.0
