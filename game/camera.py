"""The camera: which part of the city the screen shows.

Plain arithmetic, no pygame: the simulation asks it too (what the player
can see decides who may leave or arrive at once, see game.population).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The screen's logical size in pixels (the window scales it to fit).
VIEW = (1280, 720)


@dataclass
class Camera:
    """A view of ``width`` x ``height`` screen pixels whose top-left corner is
    at world point (``x``, ``y``).  One world pixel is one screen pixel."""

    width: int = VIEW[0]
    height: int = VIEW[1]
    x: int = 0
    y: int = 0

    def follow(self, focus_x: float, focus_y: float, world_w: float, world_h: float) -> None:
        """Centre on a world point, but never show past the map's edges
        (a map smaller than the view is centred instead)."""
        self.x = _centred(focus_x, self.width, world_w)
        self.y = _centred(focus_y, self.height, world_h)

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        """World point to screen point."""
        return x - self.x, y - self.y

    def to_world(self, x: float, y: float) -> tuple[float, float]:
        """Screen point to world point (a mouse position, say)."""
        return x + self.x, y + self.y

    def sees(self, x: float, y: float, margin: float = 64) -> bool:
        """True if a world point is on screen, or within ``margin`` of it."""
        sx, sy = x - self.x, y - self.y
        return -margin <= sx <= self.width + margin and -margin <= sy <= self.height + margin


def _centred(focus: float, view: int, world: float) -> int:
    if world <= view:
        return round((world - view) / 2)
    # Whole pixels: a fractional camera makes the tile grid shimmer.
    return round(min(max(focus - view / 2, 0), world - view))
