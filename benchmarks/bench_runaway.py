"""Benchmark: what a runaway trigger costs a tick, under the sized reaction budget.

Run from the repository root::

    python benchmarks/bench_runaway.py                   # 3 interleaved rounds, about a minute
    python benchmarks/bench_runaway.py --clock cpu --json

What is measured
----------------
The trigger of ``tests/test_runaway_trigger.py`` (every behaviour that runs
plays two more sounds, each of them a behaviour that runs: it fans out for
ever) is loaded into the demo game at ``--npcs`` pedestrians, which the
autopilot plays headless for ``--seconds`` (the first shot, and with it the
runaway, comes within a second on seed 0).  Per run: the worst tick, the
number of ticks the bus cut, and for scale the median tick of the same
game without the runaway trigger, run in the same round.  Two budgets are
compared in the same rounds: the game's (``reaction_budget_for``) and the
one it replaced (20 reactions a pedestrian, at least 2,000).

Rounds are interleaved (every variant once per round, the order rotating);
each figure is the median over rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from game.autopilot import Autopilot  # noqa: E402
from game.build import TRIGGERS, build_game, reaction_budget_for  # noqa: E402

FAN_OUT = """
[[trigger]]
name = "echo-forever"
description = "Every behaviour that runs plays two more sounds: each of them a behaviour that runs."
on = "BehaviourRan"
do = [{ behaviour = "play_sound", sound = "siren" },
      { behaviour = "play_sound", sound = "radio_pursuit" }]
"""

#: The budget before it was sized from measurements (kept here to compare).
def old_budget(npcs: int) -> int:
    """20 reactions a pedestrian, at least 2,000: the budget this one replaced."""
    return max(2_000, 20 * npcs)


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.thread_time}


def run(npcs: int, seconds: float, folder: Path | None, budget: int | None,
        clock: Callable[[], float]) -> dict[str, float]:
    """One game: its tick times (ms) and how many ticks the bus cut."""
    game = build_game(seed=0, npcs=npcs)
    world = game.world
    if budget is not None:
        world.bus.reaction_budget = budget
    if folder is not None:
        game.runtime.load_files([TRIGGERS, folder])
    pilot = Autopilot(game)
    ticks = []
    for _ in range(round(seconds * world.tick_rate)):
        for event in pilot.inputs():
            world.emit(event)
        start = clock()
        world.step()
        ticks.append((clock() - start) * 1000)
    cut_ticks = len({r.tick for r in world.log.select("CascadeCut")})
    world.close()
    return {"median_ms": statistics.median(ticks), "worst_ms": max(ticks), "cut_ticks": cut_ticks}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=float, default=4.0, help="game time per run (default 4)")
    parser.add_argument("--npcs", type=int, nargs="+", default=[40, 5000], help="crowd sizes (default 40 5000)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="real time (wall) or CPU time")
    parser.add_argument("--json", action="store_true", help="also print one JSON object on the last line")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0 or min(args.npcs) < 1:
        parser.error("--rounds, --seconds and --npcs must be positive")
    clock = CLOCKS[args.clock]
    folder = Path(tempfile.mkdtemp(prefix="runaway-"))
    (folder / "echo.toml").write_text(FAN_OUT)
    variants: list[tuple[str, int, Path | None, int | None]] = []
    for npcs in args.npcs:
        variants += [(f"normal {npcs}", npcs, None, None),
                     (f"runaway {npcs} budget {reaction_budget_for(npcs)}", npcs, folder, None),
                     (f"runaway {npcs} old budget {old_budget(npcs)}", npcs, folder, old_budget(npcs))]
    results: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in variants}
    for round_ in range(args.rounds):
        shift = round_ % len(variants)
        for name, npcs, trigger_folder, budget in variants[shift:] + variants[:shift]:
            results[name].append(run(npcs, args.seconds, trigger_folder, budget, clock))
    medians = {name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
               for name, runs in results.items()}
    print(f"{'variant':<36} {'median tick':>12} {'worst tick':>11} {'cut ticks':>10}   ({args.clock} ms)")
    for name, figures in medians.items():
        print(f"{name:<36} {figures['median_ms']:>12.2f} {figures['worst_ms']:>11.2f} {figures['cut_ticks']:>10.0f}")
    if args.json:
        print(json.dumps({name: {k: round(v, 3) for k, v in figures.items()} for name, figures in medians.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
