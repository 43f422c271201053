"""Sprites: loaded once from assets/sprites, with cached rotations and shadows.

Every sprite faces +x.  Rotations are quantised to :data:`ANGLES` steps so the
cache stays small (a few dozen surfaces a sprite) however headings vary.
"""

from __future__ import annotations

import math
from pathlib import Path

import pygame

SPRITES_DIR = Path(__file__).resolve().parents[2] / "assets" / "sprites"
#: Rotation steps in a full turn.
ANGLES = 32
#: Drop shadow colour (RGBA).
SHADOW = (0, 0, 0, 80)


def angle_index(angle: float) -> int:
    """The rotation step (0..ANGLES-1) nearest to ``angle`` radians."""
    return round(angle / (2 * math.pi) * ANGLES) % ANGLES


class Sprites:
    """Loads sprites by name (file name without ``.png``) and caches variants.

    Surfaces are converted to the display's pixel format when a display mode
    is set, which makes blits several times faster; without one (headless
    screenshots, tests) they stay as loaded, which works just the same.
    """

    def __init__(self, directory: Path = SPRITES_DIR) -> None:
        self.directory = Path(directory)
        self._plain: dict[str, pygame.Surface] = {}
        self._tiles: dict[str, pygame.Surface] = {}
        self._rotated: dict[tuple[str, int], pygame.Surface] = {}
        self._shadows: dict[tuple[str, int], pygame.Surface] = {}
        self._variants: dict[tuple[str, str], pygame.Surface] = {}

    def get(self, name: str) -> pygame.Surface:
        """The sprite ``name``; a magenta square if there is no such file."""
        surface = self._plain.get(name)
        if surface is None:
            surface = self._load(name)
            self._plain[name] = surface
        return surface

    def has(self, name: str) -> bool:
        """True if ``assets/sprites/<name>.png`` exists."""
        return name in self._plain or (self.directory / f"{name}.png").is_file()

    def tile(self, kind: str) -> pygame.Surface:
        """The 64x64 tile for a City tile kind; unknown kinds draw as grass."""
        surface = self._tiles.get(kind)
        if surface is None:
            name = f"tile_{kind}"
            surface = self._tiles[kind] = self.get(name if self.has(name) else "tile_grass")
        return surface

    def rotated(self, name: str, angle: float) -> pygame.Surface:
        """The sprite turned to face ``angle`` radians (0 = +x, pi/2 = +y, screen down)."""
        index = angle_index(angle)
        key = (name, index)
        surface = self._rotated.get(key)
        if surface is None:
            # pygame turns counter-clockwise on screen; our angles grow clockwise (y is down).
            surface = pygame.transform.rotate(self.get(name), -index * 360.0 / ANGLES)
            self._rotated[key] = surface
        return surface

    def shadow(self, name: str, angle: float) -> pygame.Surface:
        """A soft dark silhouette of :meth:`rotated`, to draw offset beneath it."""
        key = (name, angle_index(angle))
        surface = self._shadows.get(key)
        if surface is None:
            mask = pygame.mask.from_surface(self.rotated(name, angle))
            surface = mask.to_surface(setcolor=SHADOW, unsetcolor=(0, 0, 0, 0))
            self._shadows[key] = surface
        return surface

    def dimmed(self, name: str, factor: float = 0.45) -> pygame.Surface:
        """The sprite darkened (a body on the ground), alpha kept."""
        key = (name, f"dim{factor}")
        surface = self._variants.get(key)
        if surface is None:
            surface = self.get(name).copy()
            level = int(255 * factor)
            surface.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
            self._variants[key] = surface
        return surface

    def scaled(self, name: str, size: tuple[int, int]) -> pygame.Surface:
        """The sprite scaled to ``size`` (HUD icons)."""
        key = (name, f"{size[0]}x{size[1]}")
        surface = self._variants.get(key)
        if surface is None:
            surface = pygame.transform.smoothscale(self.get(name), size)
            self._variants[key] = surface
        return surface

    def _load(self, name: str) -> pygame.Surface:
        path = self.directory / f"{name}.png"
        try:
            surface = pygame.image.load(str(path))
        except (FileNotFoundError, pygame.error):
            # A missing sprite should be obvious on screen, not a crash mid-chase.
            surface = pygame.Surface((24, 24), pygame.SRCALPHA)
            surface.fill((255, 0, 255))
        if pygame.display.get_init() and pygame.display.get_surface() is not None:
            surface = surface.convert_alpha() if surface.get_flags() & pygame.SRCALPHA else surface.convert()
        return surface
