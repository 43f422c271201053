"""The run's clock: ``GameState.ticks_left`` counts down, and TimeRanOut says when it reaches 0."""

from __future__ import annotations

from engine import World
from game.events import TimeRanOut
from game.state import game_state


def run_clock(world: World) -> None:
    """System: count the run's ticks down (0 = no time limit; the "time-up" trigger ends the run)."""
    state = game_state(world)
    if state.ticks_left <= 0 or state.run_over:
        return
    state.ticks_left -= 1
    if state.ticks_left == 0:
        world.emit(TimeRanOut(state.tuning.run_minutes))
