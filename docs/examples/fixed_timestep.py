"""The fixed-timestep loop: steps of exactly dt, whatever the frame rate; alpha for rendering."""

from fractions import Fraction

from engine import FixedStepLoop


class FakeClock:
    """Real time that we control, so this program prints the same on every machine."""

    def __init__(self) -> None:
        self.now = Fraction(0)

    def __call__(self) -> Fraction:
        return self.now

    def wait(self, ms: int) -> None:
        self.now += Fraction(ms, 1000)


clock = FakeClock()
loop = FixedStepLoop(step=lambda: None, dt=1 / 60, clock=clock)   # 60 steps per second
loop.frame()                                                        # the first frame starts the clock
for ms in (10, 10, 20, 50, 1000):                                   # how long each frame took
    clock.wait(ms)
    ran = loop.frame()
    print(f"frame of {ms:4} ms: {ran:2} steps, alpha {loop.alpha:.2f}")
print(f"{loop.steps} steps in {loop.frames} frames; {loop.dropped_steps} steps dropped by the clamp")
