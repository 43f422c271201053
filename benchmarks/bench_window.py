"""Benchmark: whole frames in a window (simulation + render + present) with a crowd.

Needs a display; on a server, under Xvfb::

    Xvfb :91 -screen 0 1280x720x24 &
    DISPLAY=:91 python benchmarks/bench_window.py --npcs 1000 --seconds 20
    DISPLAY=:91 python benchmarks/bench_window.py --npcs 5000 --seconds 20 --json

It plays the game as ``python -m game --autopilot --npcs N`` does (the
autopilot at the controls, the measured frame time fed back to the
frame-budget alarm as ``FrameTimeMeasured`` input), in a 1280x720 window,
for ``--seconds`` of real time, and reports:

* the median and 90th percentile of whole frames: the time from one frame's
  start to the next (input, the ticks due, drawing, presenting);
* whether the frame-budget alarm fired, and if it did, how long after it
  thinned the crowd the reported frame time was back under the 16.7 ms of
  60 frames a second (``recovered_s``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.autopilot import Autopilot  # noqa: E402
from game.build import build_game  # noqa: E402
from game.events import FrameTimeMeasured  # noqa: E402
from game.pg.play import run_window  # noqa: E402

SIXTY_FPS_MS = 1000 / 60


def measure(npcs: int, seconds: float, seed: int) -> dict[str, object]:
    game = build_game(seed=seed, npcs=npcs)
    world, pilot = game.world, Autopilot(game)
    frame_starts: list[float] = []
    reports: list[tuple[float, float, float]] = []   # (time, ms, thinning)

    def between_frames() -> None:
        frame_starts.append(time.perf_counter())

    def report(ms: float) -> None:
        reports.append((time.perf_counter(), ms, game.state.thinning))
        world.emit(FrameTimeMeasured(round(ms, 2)))

    def autopilot() -> None:
        for event in pilot.inputs():
            world.emit(event)

    app = run_window(world, seconds=seconds, between_frames=between_frames, report_frame_time=report,
                     translate=lambda event: [], before_tick=autopilot)
    frames = sorted(1000 * (b - a) for a, b in itertools.pairwise(frame_starts))
    log = list(world.log)
    alarm = [r for r in log if r.type == "AlarmEntered" and r.data["alarm"] == "frame-budget"]
    thinned_at = next((t for t, _ms, thinning in reports if thinning < 1), None)
    recovered = None
    if thinned_at is not None:
        recovered = next((t - thinned_at for t, ms, _ in reports if t > thinned_at and ms <= SIXTY_FPS_MS), None)
    world.close()
    started = frame_starts[0] if frame_starts else 0.0
    return {"reports": [(round(t - started, 1), round(ms, 1), thinning) for t, ms, thinning in reports],
            "npcs": npcs, "frames": len(frames), "ticks": world.tick, "dropped_steps": app.loop.dropped_steps,
            "median_frame_ms": round(statistics.median(frames), 2),
            "p90_frame_ms": round(frames[int(0.9 * (len(frames) - 1))], 2),
            "frame_budget_alarm": bool(alarm), "recovered_s": None if recovered is None else round(recovered, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--npcs", type=int, default=1000, help="pedestrians (default 1000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="real seconds to play (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    args = parser.parse_args(argv)
    result = measure(args.npcs, args.seconds, args.seed)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            if key != "reports":
                print(f"{key:>20}: {value}")
        print("frame time reported (s since the first frame, ms, thinning):",
              " ".join(f"{t}:{ms}{'*' if thinning < 1 else ''}" for t, ms, thinning in result["reports"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
