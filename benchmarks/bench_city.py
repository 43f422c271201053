"""Benchmark: the whole game tick with a crowd, against a plain esper crowd.

Run from the repository root::

    python benchmarks/bench_city.py                  # readable table, a few minutes
    python benchmarks/bench_city.py --json           # the table, then one JSON object on the last line
    python benchmarks/bench_city.py --rounds 5 --seconds 60

What is measured
----------------
``game N``: the demo game built by ``build_game(seed, npcs=N)`` and played
headless by the autopilot for ``--seconds`` of game time, as ``python -m
game --headless --npcs N`` does: every system, the bus, the log, the
triggers and alarms.  A sample is the wall time of one ``world.step()``
(the autopilot's input, the player's side, is outside it).  The scenario's
chase empties the streets and brings the people back, so four ticks are
picked out: the tick the chase starts (``despawn``), the one after it, the
tick the chase ends and the people come back (``respawn``), and the one
after it; and, since the people leave (arrive) in shares from the second
tick after, the worst tick from the chase's start to the last departure
(``departures_worst``) and from its end to the last arrival
(``arrivals_worst``).  Each run is checked: the chase happened, no frame time was
reported (headless runs keep the whole crowd) and no pedestrian was lost
to the frame-budget alarm.

``raw N``: ``raw_esper_city.py``, the same kind of work written the plain
way: N walkers on the same tile map, wandering between sidewalk points,
colliding with the buildings one axis at a time, running from a gunshot
every two seconds.  A sample is one ``esper.process(dt)``; a run is
``--raw-ticks`` ticks (its ticks all look alike, and at 5,000 walkers a
tick takes the reference ~25 ms).

``--clock cpu`` times with this thread's CPU time instead of real time: on a
machine shared with other busy processes, real time includes the moments
the core was taken away, which no code change can remove.

Method
------
``--rounds`` rounds; in each, every variant runs once, in an order that
rotates from round to round, so the machine's noise hits all of them
alike.  Per run: the median tick, the 99th percentile, the worst tick and
the four chase ticks, and the worst garbage-collector pause seen inside the
tick loop (``gc.callbacks``; the collector stays on, as in a game).  The
table shows, per figure, the median over rounds and the range.  Ratios are
of medians of the same rounds.

A game run is deterministic, so tick ``i`` does the same work in every
round: the ``floor`` figures (``"floor"`` in the JSON) are those of one run
made of each tick's least time over the rounds.  On a shared machine a
single run's p99 and its chase ticks are often the moments another process
took the core; the floor keeps what the code costs.  Quote both.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import esper  # noqa: E402
import raw_esper_city  # noqa: E402

from game.autopilot import Autopilot  # noqa: E402
from game.build import build_game  # noqa: E402
from game.city import City  # noqa: E402

SPIKES = ("despawn_ms", "after_despawn_ms", "respawn_ms", "after_respawn_ms", "departures_worst_ms",
          "arrivals_worst_ms")
#: How a tick is timed: real time, or the CPU time of this thread (which leaves out the time
#: other processes of a shared machine take the core away; everything here runs in one thread).
CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}
clock = time.perf_counter


@dataclass
class Run:
    """One run's tick times (ms) and the ticks worth a look."""

    ticks: list[float]
    spikes: dict[str, float] = field(default_factory=dict)
    gc_worst_ms: float = 0.0
    #: The ticks the chase started and ended in (game runs only).
    chase: tuple[int, int] | None = None
    #: The last tick of the departures after the chase's start, and of the arrivals after its end.
    spread_ends: tuple[int, int] | None = None

    def figures(self) -> dict[str, float]:
        ordered = sorted(self.ticks)
        return {"median_ms": statistics.median(ordered), "p99_ms": ordered[int(0.99 * (len(ordered) - 1))],
                "worst_ms": ordered[-1], **self.spikes, "gc_worst_ms": self.gc_worst_ms}


class GcPauses:
    """The longest garbage collection while it is installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = clock()
        else:
            self.worst = max(self.worst, (clock() - self._started) * 1000)

    def __enter__(self) -> GcPauses:
        gc.collect()  # start each run from the same heap state
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def run_game(npcs: int, seconds: float, seed: int) -> Run:
    game = build_game(seed=seed, npcs=npcs)
    world, pilot = game.world, Autopilot(game)
    ticks = []
    with GcPauses() as pauses:
        for _ in range(round(seconds * world.tick_rate)):
            for event in pilot.inputs():
                world.emit(event)
            start = clock()
            world.step()
            ticks.append((clock() - start) * 1000)
    log = list(world.log)
    world.close()
    kinds = {r.type for r in log}
    if "FrameTimeMeasured" in kinds:
        raise SystemExit("error: a headless run reported a frame time; the crowd may have been thinned")
    reasons = [r.data["reason"] for r in log if r.type == "PopulationChanged"]
    if "frame budget exceeded" in reasons:
        raise SystemExit("error: the frame-budget alarm thinned the crowd in a headless run")
    chase = [r.tick for r in log if r.type in ("AlarmEntered", "AlarmExited") and r.data["alarm"] == "police-chase"]
    if len(chase) < 2:
        raise SystemExit(f"error: no whole chase in {seconds} s at {npcs} pedestrians; use more --seconds")
    begin, end = chase[0], chase[1]
    spread_ends = (_spread_end({r.tick for r in log if r.type == "NPCDespawned"}, begin),
                   _spread_end({r.tick for r in log if r.type == "NPCSpawned"}, end))
    return Run(ticks, _spikes(ticks, (begin, end), spread_ends), pauses.worst, (begin, end), spread_ends)


def _spread_end(ticks_with: set[int], start: int) -> int:
    """The last tick of the unbroken run of ticks holding a departure (or an arrival)
    that begins within three ticks of ``start`` (``start`` if none does)."""
    last = next((t for t in range(start, start + 4) if t in ticks_with), start)
    while last + 1 in ticks_with:
        last += 1
    return last


def _spikes(ticks: list[float], chase: tuple[int, int], spread_ends: tuple[int, int]) -> dict[str, float]:
    """The chase's ticks worth a look: its first tick and the one after, its last and the one
    after, and the worst tick from its start (end) to the last departure (arrival)."""
    begin, end = chase
    return {"despawn_ms": ticks[begin], "after_despawn_ms": ticks[begin + 1],
            "respawn_ms": ticks[end], "after_respawn_ms": ticks[end + 1],
            "departures_worst_ms": max(ticks[begin:spread_ends[0] + 1]),
            "arrivals_worst_ms": max(ticks[end:spread_ends[1] + 1])}


def floor_run(runs: list[Run]) -> Run:
    """Each tick's least time over the rounds, as one run.

    A game run is deterministic: tick ``i`` does the same work in every
    round, so its least time is what that work costs, and what the shared
    machine took from it in the other rounds is gone.  Its median, p99 and
    chase ticks tell a spike of the code from one of the machine.
    """
    ticks = [min(times) for times in zip(*(run.ticks for run in runs), strict=True)]
    return Run(ticks, _spikes(ticks, runs[0].chase, runs[0].spread_ends), min(run.gc_worst_ms for run in runs),
               runs[0].chase, runs[0].spread_ends)


def run_raw(people: int, ticks: int, seed: int) -> Run:
    name = f"raw-esper-{people}"
    previous = esper.current_world
    esper.switch_world(name)
    raw_esper_city.build(City(seed=seed).tiles, people, seed)
    times = []
    with GcPauses() as pauses:
        for _ in range(ticks):
            start = clock()
            esper.process(1 / 60)
            times.append((clock() - start) * 1000)
    esper.switch_world(previous)
    esper.delete_world(name)
    return Run(times, gc_worst_ms=pauses.worst)


def measure(args: argparse.Namespace) -> tuple[dict[str, list[dict[str, float]]], dict[str, dict[str, float]]]:
    """Per variant the figures of each round, and per game variant those of its :func:`floor_run`."""
    variants = [(f"game {n}", lambda n=n: run_game(n, args.seconds, args.seed)) for n in args.npcs]
    variants += [(f"raw {n}", lambda n=n: run_raw(n, args.raw_ticks, args.seed)) for n in args.raw]
    runs: dict[str, list[Run]] = {name: [] for name, _ in variants}
    for round_ in range(args.rounds):
        shift = round_ % len(variants)
        for name, run in variants[shift:] + variants[:shift]:
            runs[name].append(run())
            print(f"round {round_ + 1}/{args.rounds}: {name} done", file=sys.stderr, flush=True)
    results = {name: [run.figures() for run in done] for name, done in runs.items()}
    floors = {name: floor_run(done).figures() for name, done in runs.items() if name.startswith("game")}
    return results, floors


def summary(results: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per variant and figure: the median over rounds."""
    return {name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            for name, runs in results.items()}


def table(results: dict[str, list[dict[str, float]]], floors: dict[str, dict[str, float]]) -> str:
    medians = summary(results)
    keys = ["median_ms", "p99_ms", "worst_ms", *SPIKES, "gc_worst_ms"]
    lines = [f"{'variant':<11}" + "".join(f"{key[:-3]:>20}" for key in keys)]
    for name, runs in results.items():
        cells = []
        for key in keys:
            if key not in runs[0]:
                cells.append(f"{'-':>20}")
                continue
            values = [run[key] for run in runs]
            cells.append(f"{medians[name][key]:>8.2f} [{min(values):.2f}-{max(values):.2f}]".rjust(20))
        lines.append(f"{name:<11}" + "".join(cells))
    lines.append("")
    lines.append("(ms; median over rounds [range over rounds])")
    for name, figures in medians.items():
        if not name.startswith("game"):
            continue
        median = figures["median_ms"]
        spikes = ", ".join(f"{key[:-3]} {figures[key] / median:.2f}x" for key in SPIKES)
        lines.append(f"{name}: p99 {figures['p99_ms'] / median:.2f}x median; {spikes}")
        raw = medians.get(name.replace("game", "raw"))
        if raw is not None:
            lines.append(f"{name} / {name.replace('game', 'raw')} = {median / raw['median_ms']:.2f}")
    lines.append("")
    lines.append("floor: each tick's least time over the rounds (what the work of that tick costs):")
    for name, figures in floors.items():
        median = figures["median_ms"]
        spikes = ", ".join(f"{key[:-3]} {figures[key] / median:.2f}x" for key in SPIKES)
        lines.append(f"{name}: median {median:.2f} ms, p99 {figures['p99_ms'] / median:.2f}x; {spikes}")
    return "\n".join(lines)


def as_json(results: dict[str, list[dict[str, float]]], floors: dict[str, dict[str, float]]) -> dict[str, object]:
    medians = summary(results)
    games = {name.split()[1]: {k: round(v, 3) for k, v in figures.items() if k != "gc_worst_ms"}
             for name, figures in medians.items() if name.startswith("game")}
    raws = {name.split()[1]: round(figures["median_ms"], 3) for name, figures in medians.items()
            if name.startswith("raw")}
    gc_worst = max(run["gc_worst_ms"] for name, runs in results.items() if name.startswith("game") for run in runs)
    floor = {name.split()[1]: {k: round(v, 3) for k, v in figures.items() if k != "gc_worst_ms"}
             for name, figures in floors.items()}
    return {"npcs": games, "raw_esper": raws, "gc_worst_ms": round(gc_worst, 3), "floor": floor,
            "rounds": len(next(iter(results.values()))), "clock": "cpu" if clock is time.thread_time else "wall"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--seconds", type=float, default=60.0, help="game time per run (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the game and of the reference (default 0)")
    parser.add_argument("--npcs", type=int, nargs="+", default=[40, 1000, 5000], help="game crowd sizes")
    parser.add_argument("--raw", type=int, nargs="+", default=[1000, 5000], help="reference crowd sizes")
    parser.add_argument("--raw-ticks", type=int, default=900, help="ticks per reference run (default 900)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="time ticks in real time (wall, the default) or in this thread's CPU time (cpu)")
    parser.add_argument("--json", action="store_true", help="also print one JSON object on the last line")
    args = parser.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]
    results, floors = measure(args)
    print(table(results, floors))
    if args.json:
        print(json.dumps(as_json(results, floors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
