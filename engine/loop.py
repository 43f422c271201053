"""The game loop: fixed timestep with an accumulator ("fix your timestep").

The simulation advances in steps of exactly ``dt``; rendering happens once a
frame with ``alpha`` (how far we are between two steps) for interpolation.
A frame that took too long is clamped to ``max_frame_time`` and catch-up is
capped at ``max_steps`` a frame, so one slow frame cannot start a spiral of
death; the time thrown away is counted in :attr:`FixedStepLoop.dropped_steps`.

Time is kept as exact fractions so that the number of steps is exactly
``floor(accumulated time / dt)``, with no floating-point drift.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from fractions import Fraction

Clock = Callable[[], float]

_BELOW_ONE = math.nextafter(1.0, 0.0)


class FixedStepLoop:
    """Drives ``step()`` at a fixed rate from an injectable clock.

    Call :meth:`frame` once per rendered frame; it returns how many steps it
    ran.  Tests pass a fake clock; a headless run can call ``step`` directly.
    """

    def __init__(self, step: Callable[[], object], dt: float = 1 / 60, clock: Clock = time.perf_counter,
                 max_frame_time: float = 0.25, max_steps: int | None = None) -> None:
        self.step = step
        self.dt = Fraction(dt).limit_denominator(1_000_000)
        self.clock = clock
        self.max_frame_time = Fraction(max_frame_time)
        # Enough to catch up a clamped frame, no more.
        self.max_steps = max_steps if max_steps is not None else int(self.max_frame_time / self.dt) + 1
        self.accumulator = Fraction(0)
        self.steps = 0
        self.frames = 0
        self.dropped_steps = 0
        self._dropped_time = Fraction(0)
        self.last_frame_time = 0.0
        self._last: float | None = None

    @property
    def alpha(self) -> float:
        """How far between the last step and the next, in [0, 1): for interpolation."""
        alpha = float(self.accumulator / self.dt)
        # The exact ratio is below 1, but one a hair below 1 rounds up to 1.0 as a float.
        return alpha if alpha < 1.0 else _BELOW_ONE

    def frame(self) -> int:
        """Read the clock, add the elapsed time and run the steps now due."""
        now = self.clock()
        elapsed = Fraction(0) if self._last is None else Fraction(now) - Fraction(self._last)
        self._last = now
        return self.advance(elapsed)

    def advance(self, elapsed: float | Fraction) -> int:
        """Add ``elapsed`` seconds of real time and run the steps now due."""
        elapsed = Fraction(elapsed)
        if elapsed < 0:
            elapsed = Fraction(0)
        self.last_frame_time = float(elapsed)
        self.frames += 1
        if elapsed > self.max_frame_time:
            self._drop(elapsed - self.max_frame_time)
            elapsed = self.max_frame_time
        self.accumulator += elapsed
        ran = 0
        while self.accumulator >= self.dt and ran < self.max_steps:
            self.step()
            self.accumulator -= self.dt
            ran += 1
        if self.accumulator >= self.dt:
            excess = self.accumulator - self.accumulator % self.dt
            self.accumulator -= excess
            self._drop(excess)
        self.steps += ran
        return ran

    def _drop(self, seconds: Fraction) -> None:
        self._dropped_time += seconds
        self.dropped_steps = int(self._dropped_time / self.dt)

    def run(self, render: Callable[[float], object] | None = None,
            running: Callable[[], bool] = lambda: True, frames: int | None = None) -> None:
        """Loop: ``frame()`` then ``render(alpha)`` while ``running()`` (or for ``frames`` frames)."""
        count = 0
        while running() and (frames is None or count < frames):
            self.frame()
            if render is not None:
                render(self.alpha)
            count += 1
