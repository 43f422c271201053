"""Solution to the game-loop exercises: a looser clamp, and the same simulation at any frame rate."""

from fractions import Fraction

from engine import FixedStepLoop


class FakeClock:
    """Real time that we control."""

    def __init__(self) -> None:
        self.now = Fraction(0)

    def __call__(self) -> Fraction:
        return self.now

    def wait(self, ms: Fraction) -> None:
        self.now += Fraction(ms) / 1000


def steps_for(frames_ms: list[Fraction], max_frame_time: float = 0.25) -> tuple[int, int]:
    """Steps run and steps dropped for frames of these durations."""
    clock = FakeClock()
    loop = FixedStepLoop(step=lambda: None, dt=1 / 60, clock=clock, max_frame_time=max_frame_time)
    loop.frame()
    for ms in frames_ms:
        clock.wait(ms)
        loop.frame()
    return loop.steps, loop.dropped_steps


# Exercise 1: with max_frame_time=1.0 the long frame of 1000 ms runs all its 60 steps instead of 15.
for clamp in (0.25, 1.0):
    print(f"max_frame_time {clamp}: the 1000 ms frame runs {steps_for([Fraction(1000)], clamp)[0]} steps")
assert steps_for([Fraction(1000)], 1.0) == (60, 0) and steps_for([Fraction(1000)])[0] == 15

# Exercise 2: two seconds of frames at 30, 60 and 144 frames a second all run the same 120 steps.
for fps in (30, 60, 144):
    ran, dropped = steps_for([Fraction(1000, fps)] * (2 * fps))
    print(f"{fps:3} fps for 2 s: {ran} steps, {dropped} dropped")
    assert (ran, dropped) == (120, 0)
