"""What a step back in time costs, and how much of it the log's readers add.

Run from the repository root::

    python benchmarks/bench_timetravel.py            # readable table
    python benchmarks/bench_timetravel.py --json     # one JSON object, nothing else
    python benchmarks/bench_timetravel.py --ticks 1500 --repeats 15

The game (seed 0, autopilot) plays ``--ticks`` ticks through a
:class:`~engine.timetravel.TimeMachine`.  Then, ``--repeats`` times, one
sample is taken of each:

``back_1s``
    ``machine.back(60)`` (what **Shift+B** does): restore the nearest
    snapshot and re-simulate up to one second before; then ``forward(60)``
    puts the world back along the recorded future (not timed).
``readers_after_back``
    after such a step back (which cut the log: the snapshot is older), one poll of every reader a window has: the HUD
    ticker, the shown F1 inspector's model, the audio reader (on a mixer
    that does nothing) and a LogTap into a sink that keeps nothing.  They
    were told of the cut (``Batch.truncated``) and resync.
``readers_per_frame``
    the same readers polled after one ordinary tick: their cost per frame.

Reported: the median of each (ms) and the ratios ``readers_after_back /
back_1s`` (how much the readers add to a step back) and
``readers_per_frame / frame_budget`` (of a 60 fps frame, 16.7 ms).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.logview import LogView
from engine.sink import LogTap
from engine.timetravel import TimeMachine
from game.audio_reader import AudioReader
from game.autopilot import Autopilot
from game.build import build_game
from game.pg.ticker import Ticker

FRAME_MS = 1000 / 60


class QuietMixer:
    """A mixer that plays nothing: the reader's own cost is measured, not a device's."""

    def play(self, sound: str) -> None: ...
    def loop(self, sound: str) -> None: ...
    def stop(self, sound: str) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...


class NullSink:
    """A sink that keeps nothing."""

    def write(self, records: object) -> None: ...
    def truncate(self, offset: int) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


def measure(ticks: int, repeats: int) -> dict[str, float]:
    game = build_game(seed=0)
    world, pilot = game.world, Autopilot(game)
    machine = TimeMachine(world)
    for _ in range(ticks):
        for e in pilot.inputs():
            world.emit(e)
        machine.step()
    readers = [Ticker(world).update, LogView(world.log).update, AudioReader(world, QuietMixer()).update,
               LogTap(world.log, [NullSink()]).drain]

    def poll_all() -> float:
        start = time.perf_counter()
        for poll in readers:
            poll()
        return 1000 * (time.perf_counter() - start)

    poll_all()
    back, after_back, per_frame = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        machine.back(world.tick_rate)
        back.append(1000 * (time.perf_counter() - start))
        after_back.append(poll_all())
        machine.forward(world.tick_rate)
        poll_all()
        for e in pilot.inputs():
            world.emit(e)
        machine.step()
        per_frame.append(poll_all())
    result = {"back_1s_ms": statistics.median(back), "readers_after_back_ms": statistics.median(after_back),
              "readers_per_frame_ms": statistics.median(per_frame)}
    result["readers_after_back_over_back_1s"] = result["readers_after_back_ms"] / result["back_1s_ms"]
    result["readers_per_frame_over_frame_budget"] = result["readers_per_frame_ms"] / FRAME_MS
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=1500, help="ticks played before measuring (default 1500)")
    parser.add_argument("--repeats", type=int, default=15, help="samples of each (default 15)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.ticks < 120 or args.repeats < 1:
        parser.error("--ticks must be at least 120 and --repeats at least 1")
    result = measure(args.ticks, args.repeats)
    if args.json:
        print(json.dumps(result))
    else:
        for name, value in result.items():
            print(f"{name:40} {value:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
