"""Instructions per event of one bench_bus variant, counted by valgrind's callgrind.

Run from the repository root (needs ``valgrind``)::

    python benchmarks/callgrind_bus.py ours_emit_pump_1
    python benchmarks/callgrind_bus.py esper_dispatch_1 --gc off
    python benchmarks/callgrind_bus.py caused          # a handler that emits one reaction per event

A count does not depend on the machine's load, unlike a time, so two
versions of the bus can be compared on a busy machine.  The program runs
twice under callgrind, delivering ``N`` and then ``2 N`` events after the
same warm-up (six batches of 20,000: more than the log's capacity, so
trimming is in the steady state) and a full collection and freeze (as
bench_bus does between batches); the difference of the two totals divided
by ``N`` is the cost of one event, start-up and warm-up cancelled out.
The collector is on while the events are delivered, as in bench_bus,
unless ``--gc off``.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WARM_UP_BATCHES = 6
BATCH = 20_000
CAPACITY = 100_000


def runner(variant: str):
    """The batch runner of ``variant``: a bench_bus variant, or ``caused``."""
    import bench_bus

    if variant != "caused":
        return bench_bus.build(CAPACITY)[variant][0]
    from engine.bus import EventBus
    from engine.events import Event, event
    from engine.log import EventLog

    @event
    class Echo(Event):
        n: int

    # One tick, so no reaction budget: every reaction is recorded, none is cut.
    bus = EventBus(EventLog(CAPACITY), reaction_budget=10**9)
    echo = Echo(1)
    bus.subscribe(bench_bus.Shot, lambda e, emit=bus.emit: emit(echo))
    bus.subscribe(Echo, bench_bus.noop)

    def run(n: int, emit=bus.emit, pump=bus.pump, ev=bench_bus.EVENT) -> None:
        for _ in range(n):
            emit(ev)
        pump()
    return run


def child(variant: str, events: int, collector: str) -> None:
    run = runner(variant)
    for _ in range(WARM_UP_BATCHES):
        run(BATCH)
    gc.collect()
    gc.freeze()
    if collector == "off":
        gc.disable()
    run(events)


def count(variant: str, events: int, collector: str) -> int:
    """Instructions callgrind counts for the whole child run."""
    env = dict(os.environ, PYTHONHASHSEED="0")  # the same dict layouts in both runs
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
         "--child", variant, "--events", str(events), "--gc", collector],
        capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no callgrind total in its output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", help="a bench_bus variant (ours_emit_pump_1, esper_dispatch_1, ...) or caused")
    parser.add_argument("--events", type=int, default=BATCH, help="N (default 20,000)")
    parser.add_argument("--gc", choices=("on", "off"), default="on")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.variant, args.events, args.gc)
        return 0
    once, twice = count(args.variant, args.events, args.gc), count(args.variant, 2 * args.events, args.gc)
    print(f"{args.variant} gc={args.gc}: {(twice - once) / args.events:,.0f} instructions per event")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
