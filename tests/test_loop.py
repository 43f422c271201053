"""The fixed-step loop: accumulator, clamping, catch-up cap, alpha, fake clocks."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine import FixedStepLoop, World


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> None:
        self.n += 1


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


frame_times = st.one_of(
    st.just(0.0),
    st.floats(0, 1e-9),                       # tiny
    st.floats(0, 0.05),                       # ordinary frames
    st.sampled_from([1 / 60, 1 / 30, 0.25, 0.2500001, 1 / 144]),
    st.floats(0.05, 1.0),                     # slow frames, some over the clamp
    st.floats(1.0, 1e9),                      # huge (a debugger pause)
    st.floats(-1.0, 0.0),                     # a clock that went backwards
    st.fractions(0, 1, max_denominator=1000),
)
configs = st.sampled_from([
    (1 / 60, 0.25, None),
    (1 / 30, 0.25, None),
    (0.01, 0.1, None),
    (1 / 144, 0.05, None),
    (1 / 60, 0.25, 3),      # a tight catch-up cap that the clamp alone does not enforce
    (1 / 60, 0.25, 1),
    (0.1, 1.0, 2),
])


# -- the exact semantics -----------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(configs, st.lists(frame_times, max_size=40))
@example((1 / 60, 0.25, None), [0.0, 1e-12, 1e9, 0.25, 1 / 60, 1 / 60])
@example((1 / 60, 0.25, 3), [0.25, 0.25, 0.0, 1 / 60])
def test_steps_follow_the_accumulator_exactly(config, times):
    dt_float, max_frame_time, cap = config
    step = Counter()
    loop = FixedStepLoop(step, dt=dt_float, max_frame_time=max_frame_time, max_steps=cap)
    dt = Fraction(dt_float).limit_denominator(1_000_000)
    assert loop.dt == dt
    clamp = Fraction(max_frame_time)
    max_steps = cap if cap is not None else int(clamp / dt) + 1
    assert loop.max_steps == max_steps

    clamped_total = Fraction(0)
    clamp_dropped = Fraction(0)     # time thrown away by the frame clamp
    cap_dropped_steps = 0           # whole steps thrown away by the catch-up cap
    for elapsed in times:
        exact = max(Fraction(elapsed), Fraction(0))
        clamped = min(exact, clamp)
        clamp_dropped += exact - clamped
        clamped_total += clamped
        due = math.floor(clamped_total / dt) - step.n - cap_dropped_steps
        ran = loop.advance(elapsed)
        assert ran == min(due, max_steps)
        assert ran <= loop.max_steps
        cap_dropped_steps += due - ran
        assert step.n == loop.steps
        assert loop.last_frame_time == float(exact)
        # The remainder is always less than one step.
        assert loop.accumulator == clamped_total - (step.n + cap_dropped_steps) * dt
        assert 0 <= loop.alpha < 1
        # alpha is the ratio as a float, kept below 1 when the ratio is a hair below 1.
        assert loop.alpha == min(float(loop.accumulator / dt), math.nextafter(1.0, 0.0))
        assert loop.dropped_steps == math.floor((clamp_dropped + cap_dropped_steps * dt) / dt)

    assert loop.frames == len(times)
    # Total steps: whole steps in the clamped time, minus those the cap dropped.
    assert step.n == math.floor(clamped_total / dt) - cap_dropped_steps
    if cap is None:
        # With the default cap a clamped frame is always caught up in full.
        assert cap_dropped_steps == 0
        assert step.n == math.floor(clamped_total / dt)


def test_no_drift_over_many_frames():
    loop = FixedStepLoop(Counter(), dt=1 / 60)
    for _ in range(6000):
        loop.advance(1 / 60)
    # 6000 float frames of ~1/60 s: exactly 6000 steps, or one fewer if the float sum fell short.
    assert loop.steps in (5999, 6000)
    exact = FixedStepLoop(Counter(), dt=1 / 60)
    for _ in range(6000):
        exact.advance(Fraction(1, 60))
    assert exact.steps == 6000
    assert exact.accumulator == 0 and exact.alpha == 0.0


def test_alpha_stays_below_one_when_a_hair_short_of_a_step():
    loop = FixedStepLoop(Counter(), dt=1 / 60)
    # The float 1/60 is a little less than the exact 1/60 the loop steps by.
    assert loop.advance(1 / 60) == 0
    assert 0 < loop.dt - loop.accumulator < Fraction(1, 10**17)
    assert 0.99 < loop.alpha < 1.0


def test_alpha_between_steps():
    loop = FixedStepLoop(Counter(), dt=0.1)
    assert loop.alpha == 0.0
    assert loop.advance(Fraction(1, 40)) == 0
    assert loop.alpha == 0.25
    assert loop.advance(Fraction(1, 10)) == 1
    assert loop.alpha == 0.25
    assert loop.advance(Fraction(3, 40)) == 1
    assert loop.alpha == 0.0


def test_slow_frame_is_clamped_and_counted():
    step = Counter()
    loop = FixedStepLoop(step, dt=Fraction(1, 10), max_frame_time=Fraction(1, 2))
    assert loop.advance(3) == 5              # 3 s clamped to 0.5 s: 5 steps
    assert loop.dropped_steps == 25          # the other 2.5 s
    assert loop.advance(Fraction(1, 20)) == 0
    assert loop.advance(Fraction(11, 20)) == 5   # 0.05 + 0.5 (clamped from 0.55)
    assert loop.accumulator == Fraction(1, 20)
    assert loop.dropped_steps == 25          # 0.05 s more dropped: not a whole step yet
    assert loop.advance(Fraction(11, 20)) == 5
    assert loop.dropped_steps == 26          # 2.6 s dropped in all
    assert step.n == 15


def test_catch_up_cap_drops_whole_steps_and_keeps_the_remainder():
    step = Counter()
    loop = FixedStepLoop(step, dt=Fraction(1, 10), max_frame_time=1, max_steps=3)
    assert loop.advance(Fraction(75, 100)) == 3   # 7.5 steps due, 3 run, 4 dropped
    assert loop.dropped_steps == 4
    assert loop.accumulator == Fraction(1, 20)
    assert loop.alpha == 0.5
    assert loop.advance(Fraction(5, 100)) == 1
    assert step.n == 4


def test_negative_elapsed_counts_as_zero():
    loop = FixedStepLoop(Counter(), dt=0.1)
    loop.advance(0.05)
    assert loop.advance(-5) == 0
    assert loop.accumulator == Fraction(0.05)
    assert loop.last_frame_time == 0.0
    assert loop.dropped_steps == 0


# -- with a fake clock -------------------------------------------------------------------

def test_frame_reads_the_clock():
    clock = FakeClock()
    step = Counter()
    loop = FixedStepLoop(step, dt=Fraction(1, 4), clock=clock, max_frame_time=1)
    assert loop.frame() == 0                # the first frame only starts the clock
    clock.now += 0.5
    assert loop.frame() == 2
    clock.now += 0.125
    assert loop.frame() == 0
    assert loop.alpha == 0.5
    clock.now += 0.125
    assert loop.frame() == 1
    clock.now -= 10                          # clock went backwards: nothing happens
    assert loop.frame() == 0
    clock.now += 0.25
    assert loop.frame() == 1
    assert (step.n, loop.frames, loop.dropped_steps) == (4, 6, 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 0.5), max_size=30))
def test_frame_equals_advance_of_clock_differences(gaps):
    clock = FakeClock(start=12.5)
    by_clock = FixedStepLoop(Counter(), clock=clock)
    by_hand = FixedStepLoop(Counter())
    by_clock.frame()
    by_hand.advance(0)
    for gap in gaps:
        before = clock.now
        clock.now = before + gap
        elapsed = Fraction(clock.now) - Fraction(before)
        assert by_clock.frame() == by_hand.advance(elapsed)
        assert by_clock.accumulator == by_hand.accumulator
    assert by_clock.steps == by_hand.steps
    assert by_clock.dropped_steps == by_hand.dropped_steps


def test_run_renders_with_alpha_each_frame():
    clock = FakeClock(0.0)
    step = Counter()
    loop = FixedStepLoop(step, dt=Fraction(1, 8), clock=clock)
    alphas = []

    def render(alpha):
        alphas.append(alpha)
        clock.now += 0.1875   # 1.5 steps, exact in binary

    loop.run(render=render, frames=5)
    assert loop.frames == 5
    assert alphas == [0.0, 0.5, 0.0, 0.5, 0.0]
    assert step.n == 6


def test_run_stops_when_not_running():
    frames_left = iter([True, True, True, False])
    loop = FixedStepLoop(Counter(), clock=FakeClock())
    loop.run(running=lambda: next(frames_left))
    assert loop.frames == 3


def test_loop_drives_a_world():
    world = World(tick_rate=50)
    try:
        loop = FixedStepLoop(world.step, dt=world.dt)
        for _ in range(10):
            loop.advance(0.1)
        assert world.tick == loop.steps == 50
    finally:
        world.close()
