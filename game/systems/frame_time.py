"""Frame time: the renderer's measurement, fed in as an input event."""

from __future__ import annotations

from engine import World, on
from game.events import FrameTimeMeasured
from game.state import game_state


class FrameTime:
    """Keeps the latest measured frame time where the frame-rate alarm reads it."""

    def __init__(self, world: World) -> None:
        self.world = world

    @on(FrameTimeMeasured)
    def measured(self, event: FrameTimeMeasured) -> None:
        game_state(self.world).frame_ms = event.ms


def synthetic_frame_ms(entities: int) -> float:
    """A deterministic stand-in for headless runs: a fixed cost plus a cost per entity.

    Calibrated loosely on the pygame renderer (about 0.25 ms per drawn
    sprite on a modest machine), so more pedestrians mean slower frames.
    """
    return round(9.0 + 0.25 * entities, 2)
