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
