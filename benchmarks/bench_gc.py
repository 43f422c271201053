"""Full garbage-collection pauses with a long log in memory, with and without freezing.

A world fills its log with ``--records`` records (1,000,000 by default) by
stepping: each tick a system emits events that a handler reacts to, like a
game.  Then ``gc.collect()`` (a full collection) is timed ``--collections``
times, and again when the log has grown by another 100,000 records minus a
tick (for the frozen world: just before its next freeze, the most records a
full collection can find unfrozen).  Variants:

* ``frozen``: the default world, whose :class:`~engine.gcfreeze.GcFreezer`
  freezes the live objects every 100,000 records, between ticks;
* ``plain``: ``World(gc_freeze_every=None)``, every record tracked.

Each variant runs in a fresh subprocess (freezing is process-wide), the
variants alternate ``--repeats`` times, and the medians are compared.  Also
reported: the longest full collection the collector made by itself while
the log was filling (measured with ``gc.callbacks``), which is the pause a
player would see.

    python benchmarks/bench_gc.py                  # about a minute
    python benchmarks/bench_gc.py --records 200000 --repeats 2
    python benchmarks/bench_gc.py --json
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the repository root is importable

from engine import Event, World, event  # noqa: E402

VARIANTS = ("plain", "frozen")
#: The frozen world's freeze interval (the engine's default) and the events a tick makes.
FREEZE_EVERY = 100_000
PER_TICK = 50


@event
class Moved(Event):
    entity: int
    x: float
    y: float


@event
class Noticed(Event):
    entity: int
    seen: tuple[int, ...]


class PauseWatch:
    """The longest full (generation 2) collection the collector runs by itself."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.count = 0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._start)
            self.count += 1


def game_like(world: World) -> World:
    """A system that emits ``PER_TICK / 2`` events a tick, each causing one reaction."""
    def movers(w: World) -> None:
        for entity in range(PER_TICK // 2):
            w.emit(Moved(entity, w.tick * 0.5, entity * 2.0))

    world.subscribe(Moved, lambda e: world.emit(Noticed(e.entity, (e.entity, e.entity + 1))))
    world.add_system(movers)
    return world


def fill(world: World, records: int) -> None:
    """Step ``world`` until its log holds ``records`` records."""
    while world.log.next_offset < records:
        world.step()


def full_collection_ms(collections: int) -> float:
    """The median time of ``collections`` full collections, in ms."""
    pauses = []
    for _ in range(collections):
        start = time.perf_counter()
        gc.collect()
        pauses.append(time.perf_counter() - start)
    return statistics.median(pauses) * 1e3


def one_run(variant: str, records: int, collections: int) -> dict[str, Any]:
    """Measure one variant in this process: at ``records`` records (the frozen
    world has just frozen), and again just before its next freeze is due
    (the most records a full collection can find unfrozen)."""
    watch = PauseWatch()
    gc.callbacks.append(watch)
    world = World(log_capacity=2 * records + FREEZE_EVERY, gc_freeze_every=None if variant == "plain" else FREEZE_EVERY)
    start = time.perf_counter()
    fill(game_like(world), records)
    filled = time.perf_counter() - start
    gc.callbacks.remove(watch)
    at_records = full_collection_ms(collections)
    fill(world, world.log.next_offset + FREEZE_EVERY - 2 * PER_TICK)
    return {"variant": variant, "records": records, "full_collect_ms": at_records,
            "full_collect_worst_ms": full_collection_ms(collections), "worst_records": world.log.next_offset,
            "longest_auto_full_ms": watch.longest * 1e3, "auto_full_collections": watch.count,
            "fill_s": filled, "frozen_objects": gc.get_freeze_count()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the log (default 1000000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each variant, alternating (default 3)")
    parser.add_argument("--collections", type=int, default=5, help="timed full collections per run (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object of medians")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)  # one run, in a subprocess
    args = parser.parse_args(argv)
    if args.records < 1 or args.repeats < 1 or args.collections < 1:
        parser.error("--records, --repeats and --collections must be at least 1")
    if args.variant:
        print(json.dumps(one_run(args.variant, args.records, args.collections)))
        return 0

    runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
    for _ in range(args.repeats):
        for variant in VARIANTS:
            command = [sys.executable, __file__, "--variant", variant, "--records", str(args.records),
                       "--collections", str(args.collections)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            runs[variant].append(json.loads(done.stdout))
    medians = {variant: {key: statistics.median(run[key] for run in results)
                         for key in ("full_collect_ms", "full_collect_worst_ms", "longest_auto_full_ms", "fill_s")}
               for variant, results in runs.items()}
    ratio = medians["plain"]["full_collect_ms"] / max(medians["frozen"]["full_collect_ms"], 1e-3)
    worst_ratio = medians["plain"]["full_collect_worst_ms"] / max(medians["frozen"]["full_collect_worst_ms"], 1e-3)
    if args.json:
        print(json.dumps({"medians": medians, "plain_over_frozen": ratio, "worst_plain_over_frozen": worst_ratio}))
        return 0
    print(f"{args.records:,} records, {args.repeats} runs per variant (alternating), "
          f"{args.collections} timed full collections per run")
    worst = runs["frozen"][0]["worst_records"]
    print(f"{'variant':<8}{'full gc ms at ' + format(args.records, ','):>26}{'at ' + format(worst, ','):>16}"
          f"{'longest automatic ms':>22}{'fill s':>8}")
    for variant in VARIANTS:
        m = medians[variant]
        print(f"{variant:<8}{m['full_collect_ms']:>26.1f}{m['full_collect_worst_ms']:>16.1f}"
              f"{m['longest_auto_full_ms']:>22.1f}{m['fill_s']:>8.1f}")
    at_records = (f"{ratio:.0f}x" if medians["frozen"]["full_collect_ms"] >= 0.05
                  else "frozen under 0.05 ms (all but a tick's records frozen)")
    print(f"full collection at {args.records:,} records, plain / frozen: {at_records}; at {worst:,} "
          f"(frozen: just before its next freeze) = {worst_ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
