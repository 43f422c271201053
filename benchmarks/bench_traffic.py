"""Benchmark: what the traffic costs, as a share of the whole game tick.

Run from the repository root::

    python benchmarks/bench_traffic.py                 # 1,000 pedestrians, 3 rounds of 60 s
    python benchmarks/bench_traffic.py --npcs 5000 --rounds 5

The game is built as ``python -m game --headless`` builds it and played by
the autopilot (its chase clears the traffic and brings it back, as it does
the pedestrians).  Each tick is timed with this thread's CPU time, and so
is the time spent in the two systems the cars added: the traffic
(``TrafficFlow.update``: driving, looking ahead, arrivals) and the crash
check (``crashes``).  Their share of all the tick time is the figure to
watch; it is measured in the same ticks, so the machine's noise hits both
alike (a with/without comparison of two whole runs would be lost in it).
Bullets stopping at cars and the wrecks' smoke cost nothing measurable
here and are not counted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import game.build  # noqa: E402
from game.autopilot import Autopilot  # noqa: E402
from game.systems import crashes as crashes_module  # noqa: E402
from game.traffic import TrafficFlow  # noqa: E402


class Timed:
    """Accumulates the CPU time spent in a function it wraps."""

    def __init__(self, function):
        self.function, self.seconds = function, 0.0

    def __call__(self, *args):
        start = time.thread_time()
        try:
            return self.function(*args)
        finally:
            self.seconds += time.thread_time() - start


def one_run(npcs: int, seconds: float, seed: int) -> dict[str, float]:
    traffic = Timed(TrafficFlow.update)
    crashes = Timed(crashes_module.crashes)
    TrafficFlow.update = lambda self, world: traffic(self, world)
    game.build.crashes = crashes  # build_game adds the system by this name
    try:
        built = game.build.build_game(seed=seed, npcs=npcs)
        world, pilot, ticks = built.world, Autopilot(built), []
        for _ in range(round(seconds * world.tick_rate)):
            for event in pilot.inputs():
                world.emit(event)
            start = time.thread_time()
            world.step()
            ticks.append(time.thread_time() - start)
        world.close()
    finally:
        TrafficFlow.update = traffic.function
        game.build.crashes = crashes.function
    total = sum(ticks)
    cars = traffic.seconds + crashes.seconds
    return {"median_ms": statistics.median(ticks) * 1000, "traffic_us": traffic.seconds / len(ticks) * 1e6,
            "crashes_us": crashes.seconds / len(ticks) * 1e6, "share": cars / total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npcs", type=int, default=1000, help="pedestrians (default 1000)")
    parser.add_argument("--seconds", type=float, default=60.0, help="game time per run (default 60)")
    parser.add_argument("--rounds", type=int, default=3, help="runs (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    runs = [one_run(args.npcs, args.seconds, args.seed) for _ in range(args.rounds)]
    for name, unit, scale in (("median_ms", "ms", 1), ("traffic_us", "µs", 1), ("crashes_us", "µs", 1),
                              ("share", "%", 100)):
        values = [r[name] * scale for r in runs]
        print(f"{name:12} {statistics.median(values):8.3f} {unit}  [{min(values):.3f}-{max(values):.3f}]")
    print(f"(median over {args.rounds} runs [range]; {args.npcs} pedestrians, {args.seconds:g} s each; "
          "traffic_us and crashes_us are per tick, share is of all tick time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
