"""The title screen: the game's name, the goal, the controls and "press any key".

It is drawn over the city as it stands at the start (dimmed); the
simulation does not tick until the player presses something.
"""

from __future__ import annotations

import pygame

from game.pg.panels import DIM, GOLD, RED, Painter
from game.pg.sprites import Sprites
from game.score import GOAL_HINT

NAME = "WANTED"
TAGLINE = "a top-down chase driven by events"
#: What the player can do: (action, keyboard and mouse, gamepad).  README's controls line says the same.
CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("Move", "WASD or arrows", "left stick or d-pad"),
    ("Shoot", "Space, or the mouse (aims)", "A"),
    ("Get in / out of a car", "E", "B"),
    ("Pause menu", "P or Esc", "Start"),
    ("Step time while paused", "N / B", ""),
    ("Volume, mute", "- / +, M", ""),
    ("Event inspector, readouts", "F1, F3", ""),
    ("Fullscreen", "F11", ""),
)
PRESS = "Press any key to start (or a button on your gamepad)"


def rules_line(minutes: float, lives: int) -> str:
    """How a run ends, in words, from the tuning's ``run_minutes`` and ``lives``."""
    clock = f"{minutes:g} minutes on the clock. " if minutes > 0 else ""
    return f"{clock}Wasted or busted {lives} times and the run is over."


def control_rows() -> list[tuple[str, ...]]:
    """The controls as rows for :meth:`Painter.lines`: a heading row, then (action, keys, pad)."""
    return [("", "keyboard and mouse", "gamepad"), *CONTROLS]


def draw_title(surface: pygame.Surface, painter: Painter, sprites: Sprites, rules: str, *, blink: bool = True,
               autopilot: bool = False) -> None:
    """Draw the title over ``surface`` (the dimmed city); ``rules`` says how a run ends
    (:func:`rules_line`); ``blink`` shows the "press" line this frame."""
    width, height = surface.get_size()
    painter.shade(surface, 170)
    name = painter.centred(surface, "title", NAME, height // 6, RED)
    star = sprites.scaled("star_full", (44, 44))
    for i in range(5):  # five stars under the name: the most wanted you can be
        surface.blit(star, star.get_rect(center=(width // 2 + (i - 2) * 54, name.bottom + 26)))
    painter.centred(surface, "text", TAGLINE, name.bottom + 66, DIM)
    painter.centred(surface, "text", GOAL_HINT, name.bottom + 112, GOLD)
    painter.centred(surface, "small", rules, name.bottom + 142)
    rows = control_rows()
    box = pygame.Rect(0, 0, 940, 32 * len(rows) + 24)
    box.midtop = (width // 2, name.bottom + 166)
    painter.panel(surface, box)
    painter.lines(surface, rows, box.top + 28, split=box.left + 320)
    if autopilot:
        painter.centred(surface, "text", "The autopilot starts in a moment (or press any key)", height - 60, DIM)
    elif blink:
        painter.centred(surface, "item", PRESS, height - 60, GOLD)
