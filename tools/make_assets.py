"""Generate every sprite and sound used by the "Wanted" demo game.

All art is drawn procedurally with pygame (sprites are drawn at 4x resolution
and box-filtered down for clean anti-aliased edges) and all sound effects are
synthesised with numpy.  The police radio voice lines are spoken by
``espeak-ng`` and pushed through a walkie-talkie chain with ``sox``
(band-pass 300-3000 Hz, compression, overdrive) before squelch clicks and
static bursts are added in Python.

Every random generator uses a fixed seed, so re-running the script produces
identical files.  Character and vehicle sprites face RIGHT (+x); the game
rotates them at runtime.

Usage::

    python tools/make_assets.py [--out DIR]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np
import pygame

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "assets"

SS = 4  # supersampling factor for sprites
SR = 22050  # audio sample rate
TILE = 64

Color = tuple[int, ...]
Point = tuple[float, float]


# ---------------------------------------------------------------------------
# Sprite drawing helpers
# ---------------------------------------------------------------------------


class Pen:
    """Draws on a supersampled transparent canvas using sprite-pixel units."""

    def __init__(self, width: int, height: int, scale: int = SS) -> None:
        self.width = width
        self.height = height
        self.scale = scale
        self.surf = pygame.Surface((width * scale, height * scale), pygame.SRCALPHA)
        self.surf.fill((0, 0, 0, 0))

    def _p(self, x: float, y: float) -> tuple[int, int]:
        return round(x * self.scale), round(y * self.scale)

    def _rect(self, x: float, y: float, w: float, h: float) -> pygame.Rect:
        x0, y0 = self._p(x, y)
        x1, y1 = self._p(x + w, y + h)
        return pygame.Rect(x0, y0, max(1, x1 - x0), max(1, y1 - y0))

    def rect(self, color: Color, x: float, y: float, w: float, h: float, radius: float = 0) -> None:
        pygame.draw.rect(self.surf, color, self._rect(x, y, w, h), border_radius=round(radius * self.scale))

    def ellipse(self, color: Color, cx: float, cy: float, rx: float, ry: float) -> None:
        pygame.draw.ellipse(self.surf, color, self._rect(cx - rx, cy - ry, 2 * rx, 2 * ry))

    def circle(self, color: Color, cx: float, cy: float, r: float) -> None:
        self.ellipse(color, cx, cy, r, r)

    def polygon(self, color: Color, points: Sequence[Point]) -> None:
        pygame.draw.polygon(self.surf, color, [self._p(x, y) for x, y in points])

    def line(self, color: Color, p0: Point, p1: Point, width: float) -> None:
        pygame.draw.line(self.surf, color, self._p(*p0), self._p(*p1), max(1, round(width * self.scale)))

    def thick_segment(self, color: Color, p0: Point, p1: Point, width: float) -> None:
        """A line segment with round caps (used for limbs)."""
        self.line(color, p0, p1, width)
        self.circle(color, p0[0], p0[1], width / 2)
        self.circle(color, p1[0], p1[1], width / 2)

    def blend_ellipse(self, color: Color, cx: float, cy: float, rx: float, ry: float) -> None:
        """Alpha-blend a translucent ellipse over what is already drawn."""
        layer = pygame.Surface(self.surf.get_size(), pygame.SRCALPHA)
        pygame.draw.ellipse(layer, color, self._rect(cx - rx, cy - ry, 2 * rx, 2 * ry))
        self.surf.blit(layer, (0, 0))

    def finish(self, outline: Color | None = None) -> pygame.Surface:
        """Optionally add a dark outline, then downsample to the final size."""
        rgb = pygame.surfarray.array3d(self.surf).astype(np.float64)
        alpha = pygame.surfarray.array_alpha(self.surf).astype(np.float64) / 255.0
        if outline is not None:
            rgb, alpha = add_outline(rgb, alpha, outline, self.scale)
        return downsample(rgb, alpha, self.scale)


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Binary dilation of a 2-D mask with a disc of the given radius."""
    out = mask.copy()
    w, h = mask.shape
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            if dx * dx + dy * dy > radius * radius:
                continue
            src = mask[max(0, -dx) : w - max(0, dx), max(0, -dy) : h - max(0, dy)]
            out[max(0, dx) : w - max(0, -dx), max(0, dy) : h - max(0, -dy)] |= src
    return out


def add_outline(rgb: np.ndarray, alpha: np.ndarray, color: Color, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """Composite the sprite over a dilated silhouette (a 1 px outline)."""
    ring = dilate(alpha > 0.5, scale).astype(np.float64) * (color[3] / 255.0 if len(color) > 3 else 1.0)
    out_a = alpha + ring * (1.0 - alpha)
    col = np.array(color[:3], dtype=np.float64)
    safe = np.where(out_a > 0, out_a, 1.0)
    out_rgb = (rgb * alpha[..., None] + col * (ring * (1.0 - alpha))[..., None]) / safe[..., None]
    return out_rgb, out_a


def downsample(rgb: np.ndarray, alpha: np.ndarray, scale: int) -> pygame.Surface:
    """Box-filter a supersampled image with premultiplied alpha."""
    w, h = alpha.shape[0] // scale, alpha.shape[1] // scale
    pre = rgb * alpha[..., None]
    pre = pre.reshape(w, scale, h, scale, 3).mean(axis=(1, 3))
    a = alpha.reshape(w, scale, h, scale).mean(axis=(1, 3))
    safe = np.where(a > 0, a, 1.0)
    col = np.clip(pre / safe[..., None], 0, 255)
    surf = pygame.Surface((w, h), pygame.SRCALPHA)
    pygame.surfarray.pixels3d(surf)[...] = np.round(col).astype(np.uint8)
    pygame.surfarray.pixels_alpha(surf)[...] = np.round(a * 255).astype(np.uint8)
    return surf


def shade(color: Color, factor: float) -> Color:
    """Darken (factor < 1) or lighten (factor > 1) an RGB colour."""
    if factor <= 1.0:
        return tuple(int(c * factor) for c in color[:3])
    return tuple(int(c + (255 - c) * (factor - 1.0)) for c in color[:3])


# ---------------------------------------------------------------------------
# People (24x24, facing +x)
# ---------------------------------------------------------------------------

OUTLINE = (18, 18, 22, 210)


@dataclass(frozen=True)
class PersonStyle:
    jacket: Color
    skin: Color
    hair: Color
    armed: bool = False
    long_hair: bool = False
    backpack: Color | None = None
    cap: Color | None = None
    bandana: Color | None = None
    collar: Color | None = None
    epaulettes: Color | None = None


def draw_arms(pen: Pen, style: PersonStyle) -> None:
    """Arms: relaxed at the sides (hands just ahead), or both forward on a gun."""
    sleeve = shade(style.jacket, 0.9)
    if style.armed:
        for sy, hy in ((6.0, 11.0), (18.0, 13.0)):
            pen.thick_segment(shade(sleeve, 0.7), (11.0, sy), (16.0, hy), 3.8)
            pen.thick_segment(sleeve, (11.0, sy), (16.0, hy), 2.8)
        pen.rect((30, 30, 34), 15.6, 10.8, 7.6, 2.4, radius=0.5)  # slide/barrel
        pen.rect((96, 96, 106), 17.0, 11.2, 5.8, 0.6)  # glint on the slide
        for hy in (11.0, 13.0):
            pen.circle(shade(style.skin, 0.7), 16.4, hy, 1.7)
            pen.circle(style.skin, 16.4, hy, 1.3)
    else:
        for sy, hy in ((4.7, 4.6), (19.3, 19.4)):
            pen.thick_segment(shade(sleeve, 0.7), (10.5, sy), (14.0, hy), 3.8)
            pen.thick_segment(sleeve, (10.5, sy), (14.0, hy), 2.8)
            pen.circle(shade(style.skin, 0.7), 15.6, hy, 1.7)
            pen.circle(style.skin, 15.6, hy, 1.3)


def draw_torso(pen: Pen, style: PersonStyle) -> None:
    """Shoulders seen from above, with simple shading and trims."""
    if style.backpack is not None:
        pen.rect(shade(style.backpack, 0.7), 4.0, 7.0, 5.0, 10.0, radius=1.6)
        pen.rect(style.backpack, 4.6, 7.6, 3.8, 8.8, radius=1.2)
        pen.rect(shade(style.backpack, 1.3), 5.0, 8.4, 1.2, 7.2, radius=0.5)
    pen.ellipse(shade(style.jacket, 0.7), 11.3, 12.0, 5.3, 8.3)
    pen.ellipse(style.jacket, 11.3, 12.0, 4.6, 7.6)
    pen.ellipse(shade(style.jacket, 1.2), 11.8, 10.6, 2.6, 4.8)
    if style.epaulettes is not None:
        pen.rect(style.epaulettes, 9.6, 4.7, 3.0, 1.6, radius=0.5)
        pen.rect(style.epaulettes, 9.6, 17.7, 3.0, 1.6, radius=0.5)
    if style.collar is not None:
        pen.ellipse(style.collar, 12.4, 12.0, 3.9, 4.9)


def draw_head(pen: Pen, style: PersonStyle) -> None:
    """Head: face at the front (+x), hair / cap / bandana on top."""
    cx, cy, r = 12.2, 12.0, 3.7
    if style.long_hair:
        pen.ellipse(shade(style.hair, 0.8), 9.8, 12.0, 4.0, 4.2)
    pen.circle(shade(style.skin, 0.75), cx, cy, r + 0.5)
    pen.circle(style.skin, cx, cy, r)
    if style.bandana is not None:
        band = style.bandana
        pen.polygon(shade(band, 0.75), [(9.0, 11.4), (5.4, 9.6), (6.0, 12.2)])
        pen.polygon(shade(band, 0.75), [(9.0, 12.6), (5.6, 14.6), (6.4, 12.0)])
        pen.circle(band, cx - 0.8, cy, r)
        pen.circle(shade(band, 1.3), cx - 0.6, cy - 1.1, 1.5)
        for dx, dy in ((-2.4, 1.4), (-0.4, 2.4), (0.4, -2.2), (-2.0, -1.8)):
            pen.circle((245, 235, 225), cx + dx, cy + dy, 0.45)
        return
    if style.cap is not None:
        pen.ellipse((10, 10, 14), cx + 2.8, cy, 2.4, 3.4)  # visor over the face
        pen.circle(shade(style.cap, 0.6), cx - 0.4, cy, r + 0.5)
        pen.circle(style.cap, cx - 0.4, cy, r)
        pen.circle(shade(style.cap, 1.5), cx - 1.0, cy - 1.0, 1.4)
        pen.circle((240, 200, 70), cx + 2.2, cy, 0.9)  # cap badge
        return
    pen.circle(style.hair, cx - 1.0, cy, r - 0.1)
    pen.circle(shade(style.hair, 1.4), cx - 1.6, cy - 1.1, 1.3)


def make_person(style: PersonStyle) -> pygame.Surface:
    pen = Pen(24, 24)
    draw_arms(pen, style)
    draw_torso(pen, style)
    draw_head(pen, style)
    return pen.finish(outline=OUTLINE)


PLAYER = PersonStyle(
    jacket=(46, 178, 64),
    skin=(232, 190, 150),
    hair=(92, 58, 30),
    collar=(28, 120, 44),
)
PEDESTRIANS = (
    PersonStyle(jacket=(52, 96, 190), skin=(241, 200, 160), hair=(225, 190, 95)),
    PersonStyle(jacket=(196, 52, 122), skin=(140, 92, 62), hair=(28, 22, 20), long_hair=True),
    PersonStyle(
        jacket=(232, 170, 40),
        skin=(205, 160, 120),
        hair=(60, 40, 26),
        backpack=(70, 80, 90),
    ),
    PersonStyle(jacket=(120, 84, 160), skin=(236, 196, 168), hair=(170, 170, 172)),
)
GOON = PersonStyle(
    jacket=(44, 44, 48),
    skin=(196, 150, 112),
    hair=(20, 20, 20),
    armed=True,
    bandana=(206, 26, 32),
)
POLICE = PersonStyle(
    jacket=(34, 56, 132),
    skin=(226, 182, 140),
    hair=(40, 30, 22),
    armed=True,
    cap=(26, 30, 62),
    epaulettes=(214, 178, 62),
)


# ---------------------------------------------------------------------------
# Vehicles (48x24, facing +x)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CarStyle:
    body: Color
    rear_glass: float = 12.0  # x where the rear window starts
    roof: tuple[float, float] = (15.0, 28.0)  # roof x-range
    front_glass: float = 32.5  # x where the windscreen meets the hood
    stripe: Color | None = None


GLASS = (34, 46, 62)
GLASS_HI = (130, 160, 185)


def draw_wheels(pen: Pen) -> None:
    for x in (7.0, 34.0):
        for y in (1.6, 19.4):
            pen.rect((14, 14, 16), x, y, 8.0, 3.0, radius=1.2)
            pen.rect((70, 70, 76), x + 2.0, y + (0.5 if y < 12 else 1.9), 4.0, 0.6)


def draw_body(pen: Pen, style: CarStyle, body: Color) -> None:
    """Body shell: rounder nose at +x, squarer tail, mirrors at the A-pillars."""
    dark = shade(body, 0.6)
    pen.rect(dark, 1.4, 3.0, 40.0, 18.0, radius=3.0)
    pen.rect(dark, 8.0, 3.0, 38.6, 18.0, radius=6.0)
    pen.rect(body, 2.2, 3.8, 38.0, 16.4, radius=2.6)
    pen.rect(body, 8.0, 3.8, 37.8, 16.4, radius=5.4)
    panel = shade(body, 1.12)
    pen.rect(panel, style.front_glass + 1.0, 5.6, 43.6 - style.front_glass, 12.8, radius=3.0)
    pen.rect(panel, 3.0, 5.6, style.rear_glass - 4.0, 12.8, radius=1.6)
    for my in (2.5, 21.5):
        pen.ellipse(dark, style.front_glass - 2.0, my, 1.5, 1.0)  # mirrors


def draw_lights(pen: Pen) -> None:
    for y in (4.9, 15.5):
        pen.rect((120, 110, 70), 44.0, y, 2.6, 3.6, radius=1.2)
        pen.rect((255, 250, 210), 44.6, y + 0.4, 1.8, 2.8, radius=0.9)
        pen.rect((210, 26, 26), 1.4, y + 0.2, 1.8, 3.2, radius=0.6)


def draw_cabin(pen: Pen, style: CarStyle, roof: Color) -> None:
    """Greenhouse: raked windscreen (wide at the hood), rear window, roof panel."""
    r0, r1 = style.roof
    fg, rg = style.front_glass, style.rear_glass
    pen.polygon(GLASS, [(r1 - 0.5, 6.0), (fg - 0.8, 4.8), (fg, 5.8), (fg, 18.2), (fg - 0.8, 19.2), (r1 - 0.5, 18.0)])
    pen.polygon(GLASS, [(r0 + 0.5, 6.0), (rg + 0.6, 5.0), (rg, 6.0), (rg, 18.0), (rg + 0.6, 19.0), (r0 + 0.5, 18.0)])
    pen.rect(GLASS, r0, 5.0, r1 - r0, 1.4)  # side windows
    pen.rect(GLASS, r0, 17.6, r1 - r0, 1.4)
    pen.line(GLASS_HI, (r1 + 1.2, 8.0), (fg - 1.0, 10.6), 0.7)  # reflections
    pen.line(GLASS_HI, (rg + 0.8, 8.6), (rg + 0.8, 10.6), 0.5)
    pen.rect(shade(roof, 0.82), r0, 6.2, r1 - r0, 11.6, radius=1.8)
    pen.rect(roof, r0 + 0.4, 6.6, r1 - r0 - 0.8, 10.8, radius=1.5)
    pen.rect(shade(roof, 1.15), r0 + 1.6, 8.0, r1 - r0 - 3.2, 3.2, radius=1.0)


def draw_car(style: CarStyle) -> Pen:
    """A civilian car's wheels, body, lights, stripes and cabin, not yet finished."""
    pen = Pen(48, 24)
    draw_wheels(pen)
    draw_body(pen, style, style.body)
    draw_lights(pen)
    if style.stripe is not None:
        pen.rect(style.stripe, 2.6, 10.4, 43.0, 1.2)
        pen.rect(style.stripe, 2.6, 12.4, 43.0, 1.2)
    draw_cabin(pen, style, style.body)
    return pen


def make_car(style: CarStyle) -> pygame.Surface:
    return draw_car(style).finish(outline=OUTLINE)


CARS = (
    CarStyle(body=(196, 34, 38)),
    CarStyle(body=(44, 96, 196), rear_glass=8.0, roof=(10.5, 27.0), front_glass=31.5),
    CarStyle(body=(234, 188, 36), stripe=(30, 30, 30), rear_glass=14.0, roof=(17.0, 28.0)),
    CarStyle(body=(200, 204, 210), rear_glass=11.0, roof=(14.0, 28.5), front_glass=33.0),
)


#: Civilian traffic (game/traffic.py): colours the parked cars do not have, so the
#: cars that drive themselves read as traffic at a glance.
TRAFFIC = (
    CarStyle(body=(58, 150, 84), rear_glass=9.0, roof=(12.0, 27.5), front_glass=32.0),
    CarStyle(body=(128, 64, 160), stripe=(236, 220, 250)),
    CarStyle(body=(232, 120, 36), rear_glass=13.0, roof=(16.0, 29.0), front_glass=33.5),
)


def make_traffic_car(style: CarStyle) -> pygame.Surface:
    """A traffic car: a plain car with a taxi-style roof light left off (a small pale box)."""
    pen = draw_car(style)
    r0, r1 = style.roof
    mid = (r0 + r1) / 2
    pen.rect(shade(style.body, 0.55), mid - 2.2, 9.2, 4.4, 5.6, radius=0.8)
    pen.rect((236, 232, 214), mid - 1.6, 9.8, 3.2, 4.4, radius=0.6)
    return pen.finish(outline=OUTLINE)


def make_wreck() -> pygame.Surface:
    """A burnt-out car: charred shell, rust and soot, the glass gone, no lights."""
    rng = np.random.default_rng(11)
    pen = Pen(48, 24)
    style = CarStyle(body=(58, 52, 48))
    draw_wheels(pen)
    draw_body(pen, style, style.body)
    r0, r1 = style.roof
    fg, rg = style.front_glass, style.rear_glass
    hole = (16, 14, 14)
    pen.polygon(hole, [(r1 - 0.5, 6.0), (fg, 5.8), (fg, 18.2), (r1 - 0.5, 18.0)])  # windows burnt out
    pen.polygon(hole, [(r0 + 0.5, 6.0), (rg, 6.0), (rg, 18.0), (r0 + 0.5, 18.0)])
    pen.rect((40, 36, 34), r0, 6.2, r1 - r0, 11.6, radius=1.8)  # the roof, sagging
    pen.rect((70, 60, 52), r0 + 1.0, 7.4, r1 - r0 - 2.0, 2.0, radius=0.8)
    for _ in range(9):  # rust and scorch marks
        x, y = rng.uniform(4.0, 44.0), rng.uniform(5.0, 19.0)
        colour = (128, 64, 30, 170) if rng.random() < 0.5 else (20, 18, 18, 190)
        pen.blend_ellipse(colour, x, y, rng.uniform(1.0, 2.6), rng.uniform(0.8, 1.8))
    pen.line((96, 90, 84), (34.0, 6.0), (44.0, 9.0), 0.6)  # a buckled bonnet
    pen.line((96, 90, 84), (34.0, 18.0), (43.0, 14.5), 0.6)
    return pen.finish(outline=OUTLINE)


def draw_light_bar(pen: Pen, red_lit: bool) -> None:
    """Roof light bar: red half at -y, blue half at +y, one side lit."""
    red = (255, 50, 44) if red_lit else (96, 14, 18)
    blue = (70, 120, 255) if not red_lit else (14, 26, 96)
    pen.rect((24, 24, 28), 19.6, 4.4, 4.4, 15.2, radius=1.2)
    pen.rect(red, 20.2, 5.0, 3.2, 6.6, radius=1.0)
    pen.rect(blue, 20.2, 12.4, 3.2, 6.6, radius=1.0)
    cy = 8.3 if red_lit else 15.7
    glow = (255, 60, 50, 70) if red_lit else (80, 130, 255, 70)
    pen.blend_ellipse(glow, 21.8, cy, 4.2, 4.6)
    pen.rect((255, 200, 190) if red_lit else (190, 210, 255), 21.2, cy - 1.4, 1.2, 2.8, radius=0.6)


def make_police_car(red_lit: bool) -> pygame.Surface:
    """Black-and-white: black nose and tail, white doors and roof, light bar."""
    pen = Pen(48, 24)
    black = (30, 30, 34)
    white = (236, 236, 240)
    style = CarStyle(body=black)
    draw_wheels(pen)
    draw_body(pen, style, black)
    pen.rect(shade(white, 0.7), 12.5, 3.0, 21.0, 18.0)  # white doors
    pen.rect(white, 12.5, 3.8, 21.0, 16.4)
    draw_lights(pen)
    draw_cabin(pen, style, white)
    for by in (4.4, 19.6):
        pen.circle((214, 176, 60), 17.5, by, 0.9)  # door badges
    draw_light_bar(pen, red_lit)
    return pen.finish(outline=OUTLINE)


def make_helicopter() -> pygame.Surface:
    """The police helicopter's body, nose at +x: cabin bubble, tail boom, skids (the rotor is its own sprite)."""
    pen = Pen(64, 40)
    navy, white = (28, 40, 78), (232, 234, 240)
    for sy in (9.0, 31.0):  # landing skids
        pen.rect((40, 40, 44), 20.0, sy - 1.2, 28.0, 2.4, radius=1.2)
    pen.rect(navy, 2.0, 18.2, 26.0, 3.6, radius=1.8)  # tail boom
    pen.rect(navy, 1.0, 12.5, 5.0, 15.0, radius=1.5)  # tail fin
    pen.rect((200, 200, 205), 2.4, 11.0, 1.6, 18.0, radius=0.8)  # tail rotor, seen edge on
    pen.ellipse(navy, 38.0, 20.0, 16.0, 10.5)  # fuselage
    pen.ellipse(white, 37.0, 20.0, 11.0, 7.5)  # white band: POLICE livery
    pen.ellipse(GLASS, 48.0, 20.0, 6.5, 7.0)  # cockpit bubble
    pen.ellipse(GLASS_HI, 50.0, 17.5, 2.5, 2.0)
    pen.rect((255, 60, 50), 32.5, 11.0, 3.0, 2.4, radius=1.0)  # beacons
    pen.rect((70, 120, 255), 32.5, 26.6, 3.0, 2.4, radius=1.0)
    pen.circle((60, 60, 66), 38.0, 20.0, 2.6)  # rotor hub
    return pen.finish(outline=OUTLINE)


def make_helicopter_rotor() -> pygame.Surface:
    """Two long blades through the hub, a little blurred: turned every frame over the body."""
    pen = Pen(72, 72)
    for angle in (0.0, math.pi / 2):
        dx, dy = 34 * math.cos(angle), 34 * math.sin(angle)
        pen.line((30, 30, 34, 90), (36 - dx, 36 - dy), (36 + dx, 36 + dy), 5.0)  # motion blur
        pen.line((40, 40, 46, 235), (36 - dx, 36 - dy), (36 + dx, 36 + dy), 2.4)
    pen.circle((70, 70, 76), 36.0, 36.0, 3.0)
    return pen.finish()


def make_roadblock() -> pygame.Surface:
    """A barrier across three lanes (long along x): striped boards on trestles, amber lamps."""
    pen = Pen(192, 24)
    for x in (10.0, 62.0, 114.0, 166.0):  # trestle feet
        pen.rect((70, 70, 74), x, 2.0, 16.0, 20.0, radius=2.0)
    pen.rect((236, 236, 236), 2.0, 7.0, 188.0, 10.0, radius=2.0)
    stripe = 12.0
    x = 2.0
    while x < 190.0:  # red diagonal stripes
        pen.polygon((214, 34, 36), [(x, 17.0), (x + 6, 7.0), (x + 12, 7.0), (x + 6, 17.0)])
        x += stripe * 2
    for x in (6.0, 96.0, 186.0):  # amber lamps
        pen.circle((255, 176, 40), x, 12.0, 3.2)
        pen.blend_ellipse((255, 200, 60, 80), x, 12.0, 6.0, 6.0)
    return pen.finish(outline=OUTLINE)


# ---------------------------------------------------------------------------
# Effects and HUD
# ---------------------------------------------------------------------------


def make_bullet() -> pygame.Surface:
    pen = Pen(6, 6)
    pen.ellipse((255, 150, 30, 110), 3.0, 3.0, 3.0, 2.0)
    pen.ellipse((255, 210, 80, 230), 3.2, 3.0, 2.4, 1.2)
    pen.ellipse((255, 255, 230), 3.8, 3.0, 1.4, 0.8)
    return pen.finish()


def star_points(cx: float, cy: float, r_out: float, r_in: float, n: int, rot: float) -> list[Point]:
    pts: list[Point] = []
    for i in range(2 * n):
        r = r_out if i % 2 == 0 else r_in
        a = rot + math.pi * i / n
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def make_muzzle_flash() -> pygame.Surface:
    """Directional star-burst, the long spike pointing +x."""
    pen = Pen(12, 12)
    spikes = [(0.0, 8.0), (0.5, 5.8), (-0.5, 5.8), (1.1, 4.4), (-1.1, 4.4), (1.9, 3.2), (-1.9, 3.2), (math.pi, 2.4)]
    layers = ((1.0, (255, 120, 20, 210)), (0.72, (255, 210, 60, 240)), (0.45, (255, 255, 220)))
    cx, cy = 3.4, 6.0
    for scale, color in layers:
        pts: list[Point] = []
        for ang, length in sorted(spikes):
            base = 2.2 * scale
            for a, r in ((ang - 0.3, base), (ang, length * scale), (ang + 0.3, base)):
                pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
        pen.polygon(color, pts)
        pen.circle(color, cx, cy, 2.4 * scale)
    return pen.finish()


def make_star(full: bool) -> pygame.Surface:
    pen = Pen(20, 20)
    rot = -math.pi / 2
    pen.polygon((60, 40, 10) if full else (25, 25, 28, 230), star_points(10, 10.6, 9.6, 4.2, 5, rot))
    if full:
        pen.polygon((250, 190, 30), star_points(10, 10.6, 8.0, 3.4, 5, rot))
        pen.polygon((255, 232, 120), star_points(9.4, 9.6, 4.2, 1.8, 5, rot))
    else:
        pen.polygon((170, 170, 176), star_points(10, 10.6, 8.0, 3.4, 5, rot))
        pen.polygon((60, 60, 66, 200), star_points(10, 10.6, 6.4, 2.7, 5, rot))
    return pen.finish()


def make_heart() -> pygame.Surface:
    pen = Pen(16, 16)
    for color, grow in (((90, 8, 16), 1.0), ((222, 32, 48), 0.0)):
        pen.circle(color, 5.0, 6.0, 3.6 + grow)
        pen.circle(color, 11.0, 6.0, 3.6 + grow)
        pen.polygon(color, [(1.4 - grow * 0.9, 7.4), (14.6 + grow * 0.9, 7.4), (8.0, 14.0 + grow * 1.1)])
    pen.ellipse((255, 170, 170), 4.4, 5.0, 1.4, 1.0)
    return pen.finish()


def make_cash() -> pygame.Surface:
    """A bundle of green banknotes with a paper band, seen from above."""
    pen = Pen(18, 14)
    pen.rect((22, 70, 30), 1.0, 1.5, 16.0, 11.0, radius=1.5)
    pen.rect((70, 160, 70), 2.0, 2.5, 14.0, 9.0, radius=1.0)
    pen.ellipse((140, 210, 130), 9.0, 7.0, 3.0, 2.6)
    pen.ellipse((40, 110, 45), 9.0, 7.0, 1.6, 1.4)
    pen.rect((235, 225, 190), 5.0, 1.5, 2.2, 11.0)
    return pen.finish(outline=(10, 30, 12))


def make_icon() -> pygame.Surface:
    """The window icon: a gold wanted star on a dark badge under a red-and-blue light bar."""
    pen = Pen(32, 32)
    pen.rect((14, 18, 30), 1, 1, 30, 30, radius=6)
    pen.rect((38, 48, 78), 2.5, 2.5, 27, 27, radius=5)
    pen.rect((220, 36, 44), 5, 4, 10, 4, radius=1.5)
    pen.rect((40, 96, 235), 17, 4, 10, 4, radius=1.5)
    rot = -math.pi / 2
    pen.polygon((60, 40, 10), star_points(16, 18.5, 11.5, 5.0, 5, rot))
    pen.polygon((250, 190, 30), star_points(16, 18.5, 9.8, 4.2, 5, rot))
    pen.polygon((255, 232, 120), star_points(15.2, 17.4, 5.0, 2.1, 5, rot))
    return pen.finish()


# ---------------------------------------------------------------------------
# Tiles (64x64, opaque, seamless)
# ---------------------------------------------------------------------------


def smooth_noise(rng: np.random.Generator, size: int, sigma: float) -> np.ndarray:
    """Tileable smooth noise in roughly [-1, 1] (circular Gaussian blur)."""
    white = rng.standard_normal((size, size))
    f = np.fft.fftfreq(size)
    g = np.exp(-2 * (math.pi * sigma) ** 2 * (f[:, None] ** 2 + f[None, :] ** 2))
    out = np.real(np.fft.ifft2(np.fft.fft2(white) * g))
    return out / (np.abs(out).max() + 1e-9)


def to_surface(img: np.ndarray) -> pygame.Surface:
    """(x, y, 3) float array -> opaque Surface."""
    surf = pygame.Surface(img.shape[:2])
    pygame.surfarray.blit_array(surf, np.clip(np.round(img), 0, 255).astype(np.uint8))
    return surf


def asphalt(rng: np.random.Generator) -> np.ndarray:
    base = np.full((TILE, TILE, 3), (62.0, 63.0, 68.0))
    grain = rng.normal(0, 4.0, (TILE, TILE))[..., None]
    blotch = 5.0 * smooth_noise(rng, TILE, 6.0)[..., None]
    specks = (rng.random((TILE, TILE)) > 0.985)[..., None] * 22.0
    return base + grain + blotch + specks


def paint(img: np.ndarray, mask: np.ndarray, color: Color, rng: np.random.Generator, wear: float) -> np.ndarray:
    """Paint road markings with a little wear/noise."""
    strength = np.clip(1.0 - wear * rng.random(mask.shape), 0, 1) * mask
    col = np.array(color, dtype=np.float64)
    return img * (1 - strength[..., None]) + col * strength[..., None]


def make_road(seed: int, line: str | None) -> pygame.Surface:
    rng = np.random.default_rng(seed)
    img = asphalt(rng)
    if line is not None:
        x = np.arange(TILE)
        dash = ((x % 32) >= 8) & ((x % 32) < 24)
        mask = np.zeros((TILE, TILE))
        if line == "h":
            mask[dash, 31:33] = 1.0
        else:
            mask[31:33, dash] = 1.0
        img = paint(img, mask, (238, 196, 52), rng, 0.35)
    return to_surface(img)


def make_crossing() -> pygame.Surface:
    """Zebra crossing: bars run along x, stacked along y (tiles vertically)."""
    rng = np.random.default_rng(11)
    img = asphalt(rng)
    mask = np.zeros((TILE, TILE))
    for y0 in range(4, TILE, 16):
        mask[10:54, y0 : y0 + 8] = 1.0
    return to_surface(paint(img, mask, (236, 236, 232), rng, 0.3))


def make_sidewalk() -> pygame.Surface:
    rng = np.random.default_rng(21)
    img = np.zeros((TILE, TILE, 3))
    slab = 16
    for sx in range(0, TILE, slab):
        for sy in range(0, TILE, slab):
            tone = 168 + rng.normal(0, 6)
            img[sx : sx + slab, sy : sy + slab] = (tone, tone - 2, tone - 8)
            img[sx + 1 : sx + slab, sy + 1] += 14  # lit top edge
            img[sx + 1, sy + 1 : sy + slab] += 10  # lit left edge
            img[sx + 1 : sx + slab, sy + slab - 1] -= 12
            img[sx + slab - 1, sy + 1 : sy + slab] -= 10
    img += rng.normal(0, 3.5, (TILE, TILE))[..., None]
    img += 4.0 * smooth_noise(rng, TILE, 4.0)[..., None]
    grout = (np.arange(TILE) % slab) == 0
    img[grout, :] = (96, 94, 90)
    img[:, grout] = (96, 94, 90)
    for _ in range(3):  # gum / stains
        x, y = rng.integers(2, TILE - 2, 2)
        img[x - 1 : x + 1, y - 1 : y + 1] -= 30
    return to_surface(img)


def make_grass() -> pygame.Surface:
    rng = np.random.default_rng(31)
    img = np.full((TILE, TILE, 3), (72.0, 132.0, 52.0))
    big = smooth_noise(rng, TILE, 7.0)
    img += big[..., None] * np.array([10.0, 18.0, 6.0])
    img += rng.normal(0, 6.0, (TILE, TILE))[..., None] * np.array([0.6, 1.0, 0.5])
    for _ in range(140):  # blades: short strokes, wrapped for tiling
        x, y = rng.integers(0, TILE, 2)
        length = int(rng.integers(2, 4))
        tone = np.array([30.0, 50.0, 18.0]) * (1 if rng.random() < 0.5 else -0.8)
        for k in range(length):
            img[(x + (k if rng.random() < 0.3 else 0)) % TILE, (y + k) % TILE] += tone
    for _ in range(4):  # a few tiny flowers
        x, y = rng.integers(0, TILE, 2)
        img[x, y] = (250, 240, 120) if rng.random() < 0.5 else (245, 245, 245)
    return to_surface(img)


def roof_base(rng: np.random.Generator, color: Color, parapet: Color, grain: float) -> np.ndarray:
    img = np.full((TILE, TILE, 3), np.array(color, dtype=np.float64))
    img += rng.normal(0, grain, (TILE, TILE))[..., None]
    img += 6.0 * smooth_noise(rng, TILE, 5.0)[..., None]
    p = np.array(parapet, dtype=np.float64)
    for k, f in ((0, 0.7), (1, 1.15), (2, 1.0), (3, 0.85)):
        ring = p * f
        img[k, k : TILE - k] = ring
        img[TILE - 1 - k, k : TILE - k] = ring * 0.9
        img[k : TILE - k, k] = ring
        img[k : TILE - k, TILE - 1 - k] = ring * 0.9
    img[4 : TILE - 4, 4] -= 18  # inner shadow under the parapet
    img[4, 4 : TILE - 4] -= 18
    return img


ROOF_SHADOW = (92, 89, 84)


def draw_ac_unit(surf: pygame.Surface, x: int, y: int) -> None:
    pygame.draw.rect(surf, ROOF_SHADOW, (x + 3, y + 3, 16, 12))  # shadow
    pygame.draw.rect(surf, (186, 188, 192), (x, y, 16, 12))
    pygame.draw.rect(surf, (140, 142, 148), (x, y, 16, 12), 1)
    pygame.draw.circle(surf, (70, 72, 78), (x + 8, y + 6), 5)
    pygame.draw.circle(surf, (110, 112, 118), (x + 8, y + 6), 5, 1)
    for a in range(0, 180, 45):
        dx = round(4 * math.cos(math.radians(a)))
        dy = round(4 * math.sin(math.radians(a)))
        pygame.draw.line(surf, (120, 122, 128), (x + 8 - dx, y + 6 - dy), (x + 8 + dx, y + 6 + dy))
    pygame.draw.circle(surf, (160, 162, 168), (x + 8, y + 6), 1)


def draw_vent(surf: pygame.Surface, x: int, y: int, r: int, shadow: Color = ROOF_SHADOW) -> None:
    pygame.draw.circle(surf, shadow, (x + 2, y + 2), r)
    pygame.draw.circle(surf, (178, 180, 184), (x, y), r)
    pygame.draw.circle(surf, (118, 120, 126), (x, y), r - 1)
    pygame.draw.circle(surf, (70, 72, 78), (x, y), max(1, r - 2))


def make_building_concrete() -> pygame.Surface:
    rng = np.random.default_rng(41)
    surf = to_surface(roof_base(rng, (150, 146, 136), (118, 114, 108), 3.0))
    draw_ac_unit(surf, 34, 10)
    draw_vent(surf, 16, 46, 4)
    draw_vent(surf, 26, 50, 3)
    pygame.draw.rect(surf, ROOF_SHADOW, (13, 14, 11, 11))  # roof hatch shadow
    pygame.draw.rect(surf, (104, 100, 96), (10, 11, 11, 11))
    pygame.draw.rect(surf, (130, 126, 120), (10, 11, 11, 11), 1)
    pygame.draw.line(surf, (80, 78, 74), (10, 16), (20, 16))
    pygame.draw.line(surf, (125, 120, 112), (36, 44), (56, 44), 1)  # seams
    pygame.draw.line(surf, (125, 120, 112), (36, 50), (56, 50), 1)
    return surf


def make_building_tar() -> pygame.Surface:
    rng = np.random.default_rng(42)
    img = roof_base(rng, (74, 74, 80), (140, 138, 134), 7.0)
    img += (rng.random((TILE, TILE)) > 0.93)[..., None] * 18.0  # gravel
    surf = to_surface(img)
    for x, y in ((10, 12), (10, 36)):
        pygame.draw.rect(surf, (30, 30, 34), (x + 2, y + 2, 18, 14))
        pygame.draw.rect(surf, (170, 172, 176), (x, y, 18, 14))
        pygame.draw.rect(surf, (60, 96, 140), (x + 2, y + 2, 14, 10))
        pygame.draw.line(surf, (150, 190, 225), (x + 3, y + 9), (x + 9, y + 3), 2)
        pygame.draw.line(surf, (170, 172, 176), (x + 9, y + 2), (x + 9, y + 11))
    pygame.draw.circle(surf, (30, 30, 34), (47, 46), 10)  # water tank
    pygame.draw.circle(surf, (128, 92, 60), (45, 44), 10)
    pygame.draw.circle(surf, (150, 112, 76), (45, 44), 7)
    pygame.draw.circle(surf, (108, 76, 48), (45, 44), 10, 1)
    pygame.draw.circle(surf, (90, 64, 40), (45, 44), 2)
    draw_vent(surf, 46, 16, 3, shadow=(36, 36, 40))
    return surf


def make_building_tiles() -> pygame.Surface:
    """Pitched roof of barrel clay tiles: ridge along x, sunlit upper slope."""
    rng = np.random.default_rng(43)
    xs, ys = np.meshgrid(np.arange(TILE), np.arange(TILE), indexing="ij")
    barrel = 0.72 + 0.4 * np.sin(math.pi * ((xs % 6) + 0.5) / 6)
    course = (ys % 7) / 6.0  # each course darkens toward the tile above it
    upper = ys < 32
    course = np.where(upper, course, 1.0 - ((ys - 34) % 7) / 6.0)
    light = np.where(upper, 1.05, 0.8) * barrel * (0.82 + 0.2 * course)
    tint = 1.0 + 0.06 * rng.standard_normal((TILE // 6 + 1, TILE // 7 + 2))
    light *= tint[xs // 6, ys // 7]
    img = np.array([184.0, 84.0, 56.0]) * light[..., None]
    img += rng.normal(0, 3.0, (TILE, TILE))[..., None]
    ridge_shape = 0.75 + 0.45 * np.sin(math.pi * (np.arange(29, 35) - 28.5) / 6)
    img[:, 29:35] = np.array([196.0, 104.0, 76.0]) * ridge_shape[None, :, None]
    img[:, 0:2] *= 0.55  # eaves
    img[:, TILE - 2 :] *= 0.55
    img[0:2, :] *= 0.6
    img[TILE - 2 :, :] *= 0.6
    surf = to_surface(img)
    pygame.draw.rect(surf, (50, 34, 30), (45, 13, 10, 10))  # chimney shadow
    pygame.draw.rect(surf, (150, 76, 60), (42, 10, 10, 10))
    pygame.draw.rect(surf, (104, 52, 40), (42, 10, 10, 10), 1)
    pygame.draw.rect(surf, (28, 24, 24), (45, 13, 4, 4))
    return surf


def make_hospital() -> pygame.Surface:
    rng = np.random.default_rng(44)
    surf = to_surface(roof_base(rng, (212, 214, 210), (170, 172, 170), 2.5))
    c = (32, 32)
    pygame.draw.circle(surf, (150, 152, 150), (c[0] + 1, c[1] + 1), 26)
    pygame.draw.circle(surf, (78, 84, 90), c, 26)
    pygame.draw.circle(surf, (240, 240, 240), c, 24, 2)
    red = (214, 30, 36)
    pygame.draw.rect(surf, red, (c[0] - 7, c[1] - 19, 14, 38))
    pygame.draw.rect(surf, red, (c[0] - 19, c[1] - 7, 38, 14))
    white = (250, 250, 250)
    pygame.draw.rect(surf, white, (c[0] - 5, c[1] - 6, 3, 12))  # the "H"
    pygame.draw.rect(surf, white, (c[0] + 2, c[1] - 6, 3, 12))
    pygame.draw.rect(surf, white, (c[0] - 2, c[1] - 1, 4, 2))
    return surf


def make_police_station() -> pygame.Surface:
    """The police station's roof: dark blue, with the gold star badge a player looks for."""
    rng = np.random.default_rng(45)
    surf = to_surface(roof_base(rng, (52, 70, 112), (112, 122, 146), 2.5))
    c = (32, 32)
    pygame.draw.circle(surf, (30, 40, 66), (c[0] + 1, c[1] + 2), 25)
    pygame.draw.circle(surf, (232, 234, 240), c, 25)
    pygame.draw.circle(surf, (38, 56, 104), c, 22)
    gold = (236, 190, 60)
    points = star_points(c[0], c[1], 17, 7.5, 5, -math.pi / 2)
    pygame.draw.polygon(surf, (150, 112, 30), [(x + 1, y + 1) for x, y in points])
    pygame.draw.polygon(surf, gold, points)
    pygame.draw.circle(surf, (255, 230, 140), c, 4)
    return surf


# ---------------------------------------------------------------------------
# Audio helpers
# ---------------------------------------------------------------------------


def write_wav(path: Path, samples: np.ndarray) -> None:
    """Write mono float samples in [-1, 1] as 16-bit PCM at SR."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SR)
        wav.writeframes(pcm.tobytes())


def seconds(n: float) -> int:
    return round(n * SR)


def timeline(n: int) -> np.ndarray:
    return np.arange(n) / SR


def band(x: np.ndarray, lo: float | None, hi: float | None, circular: bool = False, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth-magnitude filter applied in the frequency domain."""
    n = len(x)
    padded = x if circular else np.concatenate([x, np.zeros(n)])
    freqs = np.fft.rfftfreq(len(padded), 1.0 / SR)
    gain = np.ones_like(freqs)
    safe = np.maximum(freqs, 1e-6)
    if lo is not None:
        gain /= np.sqrt(1.0 + (lo / safe) ** (2 * order))
    if hi is not None:
        gain /= np.sqrt(1.0 + (safe / hi) ** (2 * order))
    out = np.fft.irfft(np.fft.rfft(padded) * gain, len(padded))
    return out[:n]


def decay(n: int, tau: float, delay: float = 0.0) -> np.ndarray:
    t = timeline(n) - delay
    return np.where(t >= 0, np.exp(-np.maximum(t, 0) / tau), 0.0)


def fade(x: np.ndarray, fade_in: float, fade_out: float) -> np.ndarray:
    out = x.copy()
    a, b = seconds(fade_in), seconds(fade_out)
    if a:
        out[:a] *= np.linspace(0, 1, a) ** 2
    if b:
        out[-b:] *= np.linspace(1, 0, b) ** 2
    return out


def normalize(x: np.ndarray, peak: float) -> np.ndarray:
    return x * (peak / (np.abs(x).max() + 1e-12))


# ---------------------------------------------------------------------------
# Sound effects
# ---------------------------------------------------------------------------


def sweep_segment(n: int, cycles: int, f_lo: float, f_hi: float, skew: float) -> np.ndarray:
    """Instantaneous frequency: `cycles` rise/fall sweeps, starting and ending low."""
    u = (np.arange(n) / n * cycles) % 1.0
    shape = np.sin(math.pi * u**skew) ** 2
    return f_lo + (f_hi - f_lo) * shape


def make_siren() -> np.ndarray:
    """US wail (one slow sweep) followed by yelp (fast sweeps); loops seamlessly.

    The total phase is an exact multiple of 2*pi and the waveform has zero slope
    at its zero crossings, so the first and last samples sit at (almost) zero.
    """
    wail = sweep_segment(seconds(1.8), 1, 640.0, 1420.0, 0.7)
    yelp = sweep_segment(seconds(1.5), 5, 640.0, 1480.0, 0.8)
    freq = np.concatenate([wail, yelp])
    cycles = freq.sum() / SR
    freq *= round(cycles) / cycles
    phase = 2 * math.pi * np.concatenate([[0.0], np.cumsum(freq)[:-1]]) / SR
    # sin(p) - 0.45 sin(3p) + 0.07 sin(5p): slope 1 - 1.35 + 0.35 = 0 at zero crossings.
    wave_ = np.sin(phase) - 0.45 * np.sin(3 * phase) + 0.07 * np.sin(5 * phase)
    wave_ = np.tanh(0.9 * wave_)
    return normalize(wave_, 0.6)


def make_gunshot(rng: np.random.Generator) -> np.ndarray:
    n = seconds(0.4)
    t = timeline(n)
    noise = rng.standard_normal(n)
    crack = band(noise, 1500, None) * decay(n, 0.006) * 1.6
    body = band(noise, 250, 3500) * decay(n, 0.035)
    f = 45 + 110 * np.exp(-t / 0.03)
    thump = np.sin(2 * math.pi * np.cumsum(f) / SR) * decay(n, 0.07) * 1.1
    tail = band(rng.standard_normal(n), 150, 1400) * decay(n, 0.12, 0.01) * 0.35
    x = np.tanh(2.2 * (crack + body + thump + tail))
    return normalize(fade(x, 0.0, 0.04), 0.95)


def bell(n: int, freq: float, start: float, tau: float) -> np.ndarray:
    t = timeline(n) - start
    on = t >= 0
    tt = np.maximum(t, 0)
    env = np.where(on, np.exp(-tt / tau) * np.minimum(1, tt / 0.007), 0.0)
    partials = ((1.0, 1.0), (2.0, 0.28), (3.01, 0.1), (4.2, 0.04))
    tone = sum(a * np.sin(2 * math.pi * freq * k * tt) * np.exp(-tt * k * 0.8) for k, a in partials)
    return env * tone


def make_heal() -> np.ndarray:
    n = seconds(0.6)
    notes = ((1046.5, 0.0, 0.18), (1318.5, 0.1, 0.2), (1568.0, 0.2, 0.3))
    x = sum(bell(n, f, start, tau) for f, start, tau in notes)
    x += 0.35 * bell(n, 2093.0, 0.2, 0.25)  # sparkle an octave up
    return normalize(fade(x, 0.0, 0.08), 0.8)


def make_wasted(rng: np.random.Generator) -> np.ndarray:
    """Deep impact plus a minor chord gliding down an octave through a closing filter."""
    n = seconds(1.2)
    t = timeline(n)
    glide = 2.0 ** (-1.3 * (t / 1.2) ** 1.4)
    cutoff = 2400 * np.exp(-t / 0.45) + 250
    x = np.zeros(n)
    for root in (110.0, 130.8, 164.8, 55.0):
        for detune in (0.995, 1.005):
            f = root * detune * glide
            phase = 2 * math.pi * np.cumsum(f) / SR
            for k in range(1, 25):
                amp = (1.0 / k) / (1.0 + (k * f / cutoff) ** 4)
                x += amp * np.sin(k * phase)
    env = np.minimum(1, t / 0.01) * np.exp(-t / 0.7)
    x = normalize(x * env, 1.0)
    boom_f = 30 + 60 * np.exp(-t / 0.08)
    boom = np.sin(2 * math.pi * np.cumsum(boom_f) / SR) * decay(n, 0.25)
    hit = band(rng.standard_normal(n), 60, 800) * decay(n, 0.05) * 0.6
    y = np.tanh(1.2 * (0.8 * x + boom + hit))
    return normalize(fade(y, 0.0, 0.15), 0.9)


def make_car_door(rng: np.random.Generator) -> np.ndarray:
    n = seconds(0.3)
    t = timeline(n)
    latch = band(rng.standard_normal(n), 2000, 8000) * decay(n, 0.003) * 0.8
    latch += band(rng.standard_normal(n), 1500, 6000) * decay(n, 0.004, 0.045) * 0.3
    thunk = (np.sin(2 * math.pi * 78 * t) + 0.5 * np.sin(2 * math.pi * 151 * t)) * decay(n, 0.045, 0.004)
    panel = band(rng.standard_normal(n), 180, 700) * decay(n, 0.03, 0.004) * 1.4
    x = np.tanh(1.5 * (latch + thunk + panel))
    return normalize(fade(x, 0.0, 0.05), 0.9)


def circular_conv(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    k = np.zeros_like(x)
    k[: len(kernel)] = kernel
    return np.real(np.fft.ifft(np.fft.fft(x) * np.fft.fft(k)))


def make_engine(rng: np.random.Generator, rate: int = 28, pitch: float = 1.0) -> np.ndarray:
    """Engine loop: ``rate`` firing pulses per second, built circularly so it loops.

    The defaults are the idle rumble (engine.wav); the speed bands fire
    faster and ring higher (``pitch`` scales the pulse's tones), so the game
    can follow a car's speed by crossfading between a few pre-rendered loops
    instead of resampling sound every frame.
    """
    n = seconds(1.0)
    pulses = np.zeros(n)
    count = rate
    for i in range(count):
        pos = round(i * n / count + rng.normal(0, 12 / pitch)) % n
        pulses[pos] += 1.0 + rng.normal(0, 0.15)
    kn = seconds(0.045)
    kt = timeline(kn)
    kernel = np.sin(2 * math.pi * 62 * pitch * kt) * np.exp(-kt / (0.012 / pitch))
    kernel += 0.6 * np.sin(2 * math.pi * 118 * pitch * kt) * np.exp(-kt / (0.006 / pitch))
    kernel += 0.5 * band(rng.standard_normal(kn), 80 * pitch, 500 * pitch) * np.exp(-kt / (0.008 / pitch))
    x = circular_conv(pulses, kernel)
    hum = 0.25 * np.sin(2 * math.pi * round(56 * pitch) * timeline(n))  # whole cycles a second: seamless
    rough = 0.15 * band(rng.standard_normal(n), 40, 300 * pitch, circular=True)
    x = band(x + hum + rough, 30, 900 * pitch, circular=True)
    return normalize(np.tanh(1.8 * normalize(x, 1.0)), 0.75)


#: The engine's speed bands above idle: file -> (seed, firing pulses a second, pitch).
ENGINE_BANDS = {
    "engine_1.wav": (5, 40, 1.25),
    "engine_2.wav": (6, 54, 1.55),
    "engine_3.wav": (7, 70, 1.9),
}


# ---------------------------------------------------------------------------
# Radio voice lines (espeak-ng + sox)
# ---------------------------------------------------------------------------

RADIO_SOX_CHAIN = [
    "sinc",
    "300-3000",
    "compand",
    "0.005,0.12",
    "6:-70,-70,-40,-16,-20,-8,0,-4",
    "-4",
    "overdrive",
    "14",
    "15",
    "sinc",
    "300-3000",
    "norm",
    "-1",
]


def have_voice_tools() -> bool:
    return shutil.which("espeak-ng") is not None and shutil.which("sox") is not None


def speak(text: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    """Speak `text` with espeak-ng and run it through the sox radio chain."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "voice.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(raw), text],
            check=True,
            capture_output=True,
        )
        proc = subprocess.run(
            [
                "sox",
                "-R",
                str(raw),
                "-t",
                "raw",
                "-e",
                "floating-point",
                "-b",
                "32",
                "-c",
                "1",
                "-r",
                str(SR),
                "-",
                *RADIO_SOX_CHAIN,
            ],
            check=True,
            capture_output=True,
        )
    x = np.frombuffer(proc.stdout, dtype=np.float32).astype(np.float64)
    return trim_silence(x)


def trim_silence(x: np.ndarray, threshold: float = 0.02) -> np.ndarray:
    loud = np.nonzero(np.abs(x) > threshold)[0]
    if len(loud) == 0:
        return x
    pad = seconds(0.02)
    return x[max(0, loud[0] - pad) : loud[-1] + pad]


def static(rng: np.random.Generator, n: int, level: float, circular: bool = False) -> np.ndarray:
    """Radio static: band-limited hiss with sparse crackle pops, peak <= level."""
    hiss = band(rng.standard_normal(n), 400, 3500, circular=circular)
    hiss /= hiss.std() + 1e-12
    pops = (rng.random(n) > 0.996) * rng.uniform(-1.0, 1.0, n) * 8.0
    pops = band(pops, 600, 4500, circular=circular)
    return level * band(np.tanh(0.4 * hiss + pops), 300, 4000, circular=circular)


def squelch(rng: np.random.Generator, length: float, closing: bool) -> np.ndarray:
    """Squelch click plus a short static burst (the click is at the end when closing)."""
    n = seconds(length)
    env = np.ones(n)
    ramp = seconds(0.008)
    env[:ramp] = np.linspace(0, 1, ramp)
    env[-ramp:] = np.linspace(1, 0, ramp)
    swell = np.linspace(1.0, 0.55, n) if closing else np.linspace(0.55, 1.0, n)
    x = static(rng, n, 0.7) * env * swell
    cn = seconds(0.006)
    click = band(rng.standard_normal(cn), 700, 5000)
    click = 0.8 * click / np.abs(click).max() * np.exp(-np.arange(cn) / (cn / 4))
    if closing:
        x[-cn:] += click[::-1]
    else:
        x[:cn] += click
    return x


def garble(rng: np.random.Generator, speech: np.ndarray, dropouts: int) -> np.ndarray:
    """Short signal dropouts filled with static, as on a weak channel."""
    out = speech.copy()
    for _ in range(dropouts):
        length = seconds(rng.uniform(0.03, 0.07))
        if len(out) <= length * 3:
            break
        start = int(rng.integers(length, len(out) - 2 * length))
        win = np.hanning(length)
        out[start : start + length] *= 1.0 - 0.85 * win
        out[start : start + length] += static(rng, length, 0.35) * win
    return out


def radio_transmission(rng: np.random.Generator, speech: np.ndarray) -> np.ndarray:
    """Squelch open + speech over hiss + static tail and squelch close."""
    bed = static(rng, len(speech), 0.08)
    body = np.tanh(1.6 * (speech + bed)) / math.tanh(1.6)
    x = np.concatenate([squelch(rng, 0.12, False), body, squelch(rng, 0.16, True)])
    return band(x, 250, 3600)


def make_radio_line(seed: int, text: str, voice: str, pitch: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    speech = speak(text, voice, 168, pitch)
    return normalize(radio_transmission(rng, speech), 0.9)


CHATTER = (
    ("Unit twelve, copy?", "en-us+f3", 200, 60),
    ("Ten four, suspect heading north.", "en-us+m3", 205, 40),
    ("Copy that.", "en-us+f3", 200, 60),
)


def make_radio_chatter() -> np.ndarray:
    """A ~5 s loop: circular hiss bed with three garbled transmissions on top."""
    rng = np.random.default_rng(7)
    parts = [garble(rng, speak(text, voice, speed, pitch), 2) for text, voice, speed, pitch in CHATTER]
    clips = [radio_transmission(rng, p) for p in parts]
    gap_lead, gap_mid = seconds(0.15), seconds(0.3)
    n = gap_lead * 2 + sum(len(c) for c in clips) + gap_mid * (len(clips) - 1)
    n = max(n, seconds(4.0))
    out = static(rng, n, 0.07, circular=True)
    pos = gap_lead
    for clip in clips:
        out[pos : pos + len(clip)] += clip
        pos += len(clip) + gap_mid
    return normalize(out, 0.85)


RADIO_LINES = {
    "radio_pursuit.wav": (101, "All units, suspect is armed, we are in pursuit.", "en-us+m3", 38),
    "radio_we_lost_him.wav": (102, "All units stand down, we lost him.", "en-us+m7", 45),
    "radio_shots_fired.wav": (103, "Shots fired! Shots fired! Requesting backup!", "en-us+m3", 55),
}


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def sprite_jobs() -> dict[str, Callable[[], pygame.Surface]]:
    jobs: dict[str, Callable[[], pygame.Surface]] = {
        "player.png": lambda: make_person(PLAYER),
        "goon.png": lambda: make_person(GOON),
        "police.png": lambda: make_person(POLICE),
        "police_car.png": lambda: make_police_car(True),
        "police_car_lights.png": lambda: make_police_car(False),
        "tile_road.png": lambda: make_road(1, None),
        "tile_road_line_h.png": lambda: make_road(2, "h"),
        "tile_road_line_v.png": lambda: make_road(3, "v"),
        "tile_crossing.png": make_crossing,
        "tile_sidewalk.png": make_sidewalk,
        "tile_grass.png": make_grass,
        "tile_building_0.png": make_building_concrete,
        "tile_building_1.png": make_building_tar,
        "tile_building_2.png": make_building_tiles,
        "tile_hospital.png": make_hospital,
        "tile_police_station.png": make_police_station,
        "helicopter.png": make_helicopter,
        "helicopter_rotor.png": make_helicopter_rotor,
        "roadblock.png": make_roadblock,
        "bullet.png": make_bullet,
        "muzzle_flash.png": make_muzzle_flash,
        "star_full.png": lambda: make_star(True),
        "star_empty.png": lambda: make_star(False),
        "heart.png": make_heart,
        "cash.png": make_cash,
        "icon.png": make_icon,
    }
    for i, style in enumerate(PEDESTRIANS):
        jobs[f"pedestrian_{i}.png"] = lambda s=style: make_person(s)
    for i, car in enumerate(CARS):
        jobs[f"car_{i}.png"] = lambda c=car: make_car(c)
    for i, car in enumerate(TRAFFIC):
        jobs[f"traffic_car_{i}.png"] = lambda c=car: make_traffic_car(c)
    jobs["car_wreck.png"] = make_wreck
    return jobs


def sound_jobs(with_voices: bool) -> dict[str, Callable[[], np.ndarray]]:
    jobs: dict[str, Callable[[], np.ndarray]] = {
        "siren.wav": make_siren,
        "gunshot.wav": lambda: make_gunshot(np.random.default_rng(1)),
        "heal.wav": make_heal,
        "wasted.wav": lambda: make_wasted(np.random.default_rng(2)),
        "car_door.wav": lambda: make_car_door(np.random.default_rng(3)),
        "engine.wav": lambda: make_engine(np.random.default_rng(4)),
        **{name: lambda a=args: make_engine(np.random.default_rng(a[0]), a[1], a[2])
           for name, args in ENGINE_BANDS.items()},
    }
    if with_voices:
        jobs["radio_chatter.wav"] = make_radio_chatter
        for name, (seed, text, voice, pitch) in RADIO_LINES.items():
            jobs[name] = lambda a=(seed, text, voice, pitch): make_radio_line(*a)
    return jobs


def generate(out: Path, only: Sequence[str] = ()) -> None:
    """Write every asset under ``out`` (or only the files named in ``only``).

    PNG and espeak-ng output differ between library versions, so a full run
    may rewrite committed files that did not change in meaning; ``only``
    adds or remakes just the files a change is about.
    """
    sprites, sounds = out / "sprites", out / "sounds"
    sprites.mkdir(parents=True, exist_ok=True)
    sounds.mkdir(parents=True, exist_ok=True)
    wanted = set(only)
    sprite_list, sound_list = sprite_jobs(), sound_jobs(have_voice_tools())
    unknown = wanted - set(sprite_list) - set(sound_list)
    if unknown:
        print(f"error: no asset named {', '.join(sorted(unknown))}", file=sys.stderr)
        raise SystemExit(2)
    for name, build in sorted(sprite_list.items()):
        if not wanted or name in wanted:
            pygame.image.save(build(), str(sprites / name))
            print(f"sprite  {name}")
    if not have_voice_tools():
        print("warning: espeak-ng/sox not found; radio voice lines skipped", file=sys.stderr)
    for name, build in sorted(sound_list.items()):
        if not wanted or name in wanted:
            write_wav(sounds / name, build())
            print(f"sound   {name}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: repo assets/)")
    parser.add_argument("--only", nargs="+", default=(), metavar="FILE",
                        help="make only these files (e.g. engine_1.wav tile_road.png)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    generate(args.out, args.only)


if __name__ == "__main__":
    main()
