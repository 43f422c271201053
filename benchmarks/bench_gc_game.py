"""Benchmark: every garbage-collector pause of a long game with a crowd.

``bench_gc.py`` measures full collections against a synthetic log of a
million records; this one plays the real game, the way a player would leave
it running: ``build_game(seed, npcs=N)`` driven headless by the autopilot
for ``--seconds`` of game time (10 minutes and 1,000 pedestrians by default:
36,000 ticks, chase after chase), with the collector on as in a game.

Every collection the collector runs by itself inside the tick loop is seen
through ``gc.callbacks`` and timed; the report gives, per generation, how
many ran and the worst pause, and for full collections (generation 2) the
pause against the number of records in the log at that moment, first and
last, so that a cost that grows with the log shows.  Also the median and
worst tick, for scale.

    python benchmarks/bench_gc_game.py                       # 600 s at 1,000 pedestrians, a few minutes
    python benchmarks/bench_gc_game.py --seconds 120 --npcs 1000 --clock cpu --json

``--clock cpu`` times pauses and ticks in this thread's CPU time (a shared
machine's other processes then do not inflate them); real time by default.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the repository root is importable

from game.autopilot import Autopilot  # noqa: E402
from game.build import build_game  # noqa: E402

CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}


class Collections:
    """Every collection while installed: (generation, pause in ms, tick, records in the log)."""

    def __init__(self, clock: Any, where: Any) -> None:
        self.clock = clock
        self.where = where  # () -> (tick, records): read at the end of each collection
        self.seen: list[tuple[int, float, int, int]] = []
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = self.clock()
        else:
            self.seen.append((info["generation"], (self.clock() - self._start) * 1e3, *self.where()))


def play(seconds: float, npcs: int, seed: int, clock: Any) -> dict[str, Any]:
    """Play the game headless; time every tick and every collection inside the tick loop."""
    game = build_game(seed=seed, npcs=npcs)
    world, pilot = game.world, Autopilot(game)
    watch = Collections(clock, lambda: (world.tick, world.log.next_offset))
    ticks = []
    gc.collect()  # start from a clean heap, as a game that just loaded
    inside = False

    def only_in_ticks(phase: str, info: dict[str, Any]) -> None:
        if inside:
            watch(phase, info)

    gc.callbacks.append(only_in_ticks)
    try:
        for _ in range(round(seconds * world.tick_rate)):
            for event in pilot.inputs():
                world.emit(event)
            inside = True
            start = clock()
            world.step()
            ticks.append((clock() - start) * 1e3)
            inside = False
    finally:
        gc.callbacks.remove(only_in_ticks)
    records = world.log.next_offset
    freezes = world.gc_freezer.freezes if world.gc_freezer is not None else 0
    world.close()
    report: dict[str, Any] = {"seconds": seconds, "npcs": npcs, "ticks": len(ticks), "records": records,
                              "freezes": freezes, "median_tick_ms": round(statistics.median(ticks), 3),
                              "worst_tick_ms": round(max(ticks), 3)}
    for generation in (0, 1, 2):
        pauses = [(ms, tick, at) for gen, ms, tick, at in watch.seen if gen == generation]
        report[f"gen{generation}"] = {
            "count": len(pauses),
            "worst_ms": round(max((ms for ms, _, _ in pauses), default=0.0), 3),
            "median_ms": round(statistics.median([ms for ms, _, _ in pauses]), 3) if pauses else 0.0,
        }
    full = [(ms, tick, at) for gen, ms, tick, at in watch.seen if gen == 2]
    if full:
        half = len(full) // 2 or 1
        report["gen2"]["first_half_median_ms"] = round(statistics.median(ms for ms, _, _ in full[:half]), 3)
        report["gen2"]["second_half_median_ms"] = round(statistics.median(ms for ms, _, _ in full[half:] or full), 3)
        report["gen2"]["pauses"] = [(round(ms, 2), tick, at) for ms, tick, at in full]
    report["worst_pause_ms"] = max(report[f"gen{g}"]["worst_ms"] for g in (0, 1, 2))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="game time to play (default 600)")
    parser.add_argument("--npcs", type=int, default=1000, help="pedestrians (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="time in real time (wall, default) or this thread's CPU time (cpu)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or not 1 <= args.npcs <= 5000:
        parser.error("--seconds must be positive and --npcs between 1 and 5000")
    report = play(args.seconds, args.npcs, args.seed, CLOCKS[args.clock])
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['seconds']:.0f} s of game time at {report['npcs']:,} pedestrians: {report['ticks']:,} ticks, "
          f"{report['records']:,} records, {report['freezes']} freezes; median tick {report['median_tick_ms']} ms, "
          f"worst {report['worst_tick_ms']} ms ({args.clock} clock)")
    for generation in (0, 1, 2):
        figures = report[f"gen{generation}"]
        print(f"generation {generation}: {figures['count']:>6} collections in the tick loop, "
              f"median {figures['median_ms']} ms, worst {figures['worst_ms']} ms")
    if "pauses" in report["gen2"]:
        first, last = report["gen2"]["pauses"][0], report["gen2"]["pauses"][-1]
        print(f"full collections: first {first[0]} ms at {first[2]:,} records, last {last[0]} ms at "
              f"{last[2]:,} records; medians of the first and second half "
              f"{report['gen2']['first_half_median_ms']} / {report['gen2']['second_half_median_ms']} ms")
    print(f"worst pause: {report['worst_pause_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
