"""Benchmark: replay stops at the first difference instead of simulating the whole log.

Run from the repository root::

    python benchmarks/bench_replay.py               # readable table
    python benchmarks/bench_replay.py --seconds 40 --repeats 5

What is measured
----------------
One headless autopilot run of ``--seconds`` of game time is made once; its
log's lines are replayed ``--repeats`` times in each variant, and the
median CPU time of each (``time.process_time``: the replay is
single-threaded, and other work on the machine does not count) is printed,
with its ratio
to the untouched log's replay (same run, same machine, so the ratio is
what to compare):

``untouched``
    the log as written: every tick is simulated and every line compared.
``early-edit``
    the same log with the record on line 20 given tick 10**18: the replay
    stops at that line, after a few ticks (before, replay computed
    ``range(last_tick + 1)`` up front and would simulate 10**18 ticks).
``late-edit``
    the same log with its last but one record (an input) given tick 10**18:
    the replay runs to the end, as the untouched one does, then looks
    ``LOOK_AHEAD`` seconds of game time further for the record it writes
    instead (so the ratio is a little over 1).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

# Run as a script, this folder is first on sys.path: put the repository root there instead.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.ending import end_run
from engine.logbytes import canonical_line, split_lines
from engine.replay import replay_lines
from game.build import build_game
from game.headless import run_headless


def log_lines(seconds: float) -> list[bytes]:
    """The lines of a headless autopilot run of ``seconds`` of game time."""
    game = build_game(seed=0, npcs=40)
    try:
        run_headless(game, seconds)
        end_run(game.world)
        return [canonical_line(record) for record in game.world.log]
    finally:
        game.world.close()


def with_tick(lines: list[bytes], index: int, tick: int) -> list[bytes]:
    """``lines`` with the record at ``index`` given another tick."""
    edited = re.sub(rb'"tick": \d+', b'"tick": %d' % tick, lines[index], count=1)
    return [*lines[:index], edited, *lines[index + 1:]]


def median_seconds(data: bytes, repeats: int) -> float:
    """The median wall time of replaying ``data``, checking it differs or not as expected."""
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        replay_lines(split_lines(data))
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="game time of the run replayed (default 40)")
    parser.add_argument("--repeats", type=int, default=5, help="replays per variant (default 5)")
    args = parser.parse_args()
    lines = log_lines(args.seconds)
    variants = {
        "untouched": lines,
        "early-edit": with_tick(lines, 19, 10**18),
        "late-edit": with_tick(lines, len(lines) - 2, 10**18),
    }
    base = None
    print(f"{len(lines)} lines, {args.seconds:g} s of game time; median of {args.repeats} replays")
    for name, variant in variants.items():
        seconds = median_seconds(b"".join(variant), args.repeats)
        base = base or seconds
        print(f"{name:<11} {seconds * 1000:9.1f} ms  {seconds / base:6.3f}x")


if __name__ == "__main__":
    main()
