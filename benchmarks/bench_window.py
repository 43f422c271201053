"""Benchmark: whole frames in a window (simulation + render + present) with a crowd.

Needs a display; on a server, under Xvfb::

    Xvfb :93 -screen 0 1280x720x24 &
    DISPLAY=:93 python benchmarks/bench_window.py --npcs 1000 --seconds 20
    DISPLAY=:93 python benchmarks/bench_window.py --npcs 5000 --seconds 20 --json

It plays the game as ``python -m game --autopilot --npcs N`` does (the
autopilot at the controls, the measured frame time fed back to the
frame-budget alarm as ``FrameTimeMeasured`` input), in a window of
``--window`` pixels (default 1280x720: the game's frame, unscaled; a
desktop of that size would otherwise get a window shrunk to 90 % and a
scaled copy every frame), for ``--seconds`` of real time, and reports:

* the median and 90th percentile of whole frames: the time from one frame's
  start to the next (input, the ticks due, drawing, presenting); the median
  of the same frames in this thread's CPU time, and ``cpu_share``, the CPU
  time over the real time of the run (under 1: the machine's other jobs,
  or Xvfb drawing our frames, had the core meanwhile);
* whether the frame-budget alarm fired, and if it did, ``recovered_s``: the
  time from the frame in which the crowd was thinned to the end of the
  first half second whose frames average 16.7 ms or less (60 frames a
  second); ``worst_after_s``: the worst half-second average of frames from
  then until the streets empty for a chase or the run ends (did the frame
  rate stay recovered?); ``population_changes``: every change of the crowd
  with its reason and when (seconds since the first frame).
"""

from __future__ import annotations

import argparse
import bisect
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
#: Seconds of frames averaged, as the window's own report does.
REPORT_S = 0.5


def measure(npcs: int, seconds: float, seed: int, window: tuple[int, int] | None = (1280, 720)
            ) -> dict[str, object]:
    game = build_game(seed=seed, npcs=npcs)
    world, pilot = game.world, Autopilot(game)
    frame_starts: list[float] = []
    thinned: list[bool] = []           # per frame start: was the crowd thinned then?
    frame_ticks: list[int] = []        # per frame start: the next tick to run
    frame_cpu: list[float] = []        # per frame start: this thread's CPU time (what other jobs cannot take)
    reports: list[tuple[float, float, float]] = []   # (time, ms, thinning)

    def between_frames() -> None:
        frame_starts.append(time.perf_counter())
        frame_cpu.append(time.thread_time())
        thinned.append(game.state.thinning < 1)
        frame_ticks.append(world.tick)

    def report(ms: float) -> None:
        reports.append((time.perf_counter(), ms, game.state.thinning))
        world.emit(FrameTimeMeasured(round(ms, 2)))

    def autopilot() -> None:
        for event in pilot.inputs():
            world.emit(event)

    app = run_window(world, seconds=seconds, between_frames=between_frames, report_frame_time=report,
                     translate=lambda event: [], before_tick=autopilot, window_size=window)
    frames = sorted(1000 * (b - a) for a, b in itertools.pairwise(frame_starts))
    log = list(world.log)
    alarm = [r for r in log if r.type == "AlarmEntered" and r.data["alarm"] == "frame-budget"]
    started = frame_starts[0] if frame_starts else 0.0
    changes = _population_changes(log, frame_starts, frame_ticks)
    recovered, worst_after = _recovery(frame_starts, thinned, changes)
    world.close()
    return {"reports": [(round(t - started, 1), round(ms, 1), thinning) for t, ms, thinning in reports],
            "npcs": npcs, "window": list(window) if window else None, "frames": len(frames), "ticks": world.tick,
            "dropped_steps": app.loop.dropped_steps,
            "median_frame_ms": round(statistics.median(frames), 2),
            "cpu_median_frame_ms": round(statistics.median(1000 * (b - a)
                                                           for a, b in itertools.pairwise(frame_cpu)), 2),
            "cpu_share": round((frame_cpu[-1] - frame_cpu[0]) / (frame_starts[-1] - frame_starts[0]), 2),
            "p90_frame_ms": round(frames[int(0.9 * (len(frames) - 1))], 2),
            "frame_budget_alarm": bool(alarm), "recovered_s": recovered, "worst_after_ms": worst_after,
            "population_changes": [(round(t - started, 2), before, after, reason)
                                   for t, before, after, reason in changes]}


def _population_changes(log: list, frame_starts: list[float], frame_ticks: list[int]
                        ) -> list[tuple[float, int, int, str]]:
    """Each PopulationChanged as (real time, before, after, reason): the start of the
    first frame after its tick ran (the frame that shows it)."""
    changes = []
    for r in log:
        if r.type == "PopulationChanged":
            at = bisect.bisect_right(frame_ticks, r.tick)
            changes.append((frame_starts[min(at, len(frame_starts) - 1)] if frame_starts else 0.0,
                            r.data["before"], r.data["after"], r.data["reason"]))
    return changes


def _recovery(frame_starts: list[float], thinned: list[bool], changes: list[tuple[float, int, int, str]]
              ) -> tuple[float | None, float | None]:
    """Seconds from the frame that first saw the crowd thinned to the end of the first half
    second of frames averaging at most 16.7 ms, and the worst half-second average after
    that until a chase empties the streets (or the run ends)."""
    start = next((i for i, flag in enumerate(thinned) if flag), None)
    if start is None:
        return None, None
    windows = _half_seconds(frame_starts, start)
    good = next(((end, ms) for begin, end, ms in windows if ms <= SIXTY_FPS_MS), None)
    if good is None:
        return None, None
    recovered_at = good[0]
    chase = next((t for t, _b, after, reason in changes if t > recovered_at and after == 0
                  and "chase" in reason), frame_starts[-1])
    after = [ms for begin, end, ms in windows if begin >= recovered_at and end <= chase]
    return round(recovered_at - frame_starts[start], 2), round(max(after), 1) if after else None


def _half_seconds(frame_starts: list[float], start: int) -> list[tuple[float, float, float]]:
    """Sliding half-second windows from frame ``start`` on, one beginning at each frame:
    (begin, end, mean frame ms) with ``end`` the first frame start at least 0.5 s later."""
    windows, j = [], start
    for i in range(start, len(frame_starts)):
        j = max(j, i + 1)
        while j < len(frame_starts) and frame_starts[j] - frame_starts[i] < REPORT_S:
            j += 1
        if j >= len(frame_starts):
            break
        span = frame_starts[j] - frame_starts[i]
        windows.append((frame_starts[i], frame_starts[j], 1000 * span / (j - i)))
    return windows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--npcs", type=int, default=1000, help="pedestrians (default 1000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="real seconds to play (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--window", default="1280x720",
                        help="window size WxH (default 1280x720), or 'fit': the game's own choice")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    args = parser.parse_args(argv)
    window = None if args.window == "fit" else tuple(int(v) for v in args.window.split("x"))
    result = measure(args.npcs, args.seconds, args.seed, window)
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
