"""What the full screens draw with: fonts, shaded backdrops, panels, centred text, menu lists.

Text is rendered once per (font, text, colour) and kept, so a screen that
stays up allocates nothing per frame.
"""

from __future__ import annotations

import pygame

from engine.pg.text import displayable
from game.pg.menu import Menu

WHITE = (240, 240, 240)
DIM = (170, 175, 185)
GOLD = (255, 205, 70)
RED = (235, 60, 50)
SHADOW = (0, 0, 0)
#: The selected menu item's bar.
HIGHLIGHT = (255, 205, 70, 70)
PANEL = (10, 12, 20, 200)
#: Height of one menu line (logical pixels).
ITEM_HEIGHT = 48
#: Font sizes by role (pygame's bundled default font: present everywhere, headless too).
SIZES = {"title": 150, "heading": 72, "item": 42, "text": 28, "small": 22}


class Painter:
    """Draws text and panels onto a logical frame; one per window."""

    def __init__(self) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.fonts = {role: pygame.font.Font(None, size) for role, size in SIZES.items()}
        self._text: dict[tuple[str, str, tuple[int, ...]], pygame.Surface] = {}
        self._panels: dict[tuple[tuple[int, int], tuple[int, ...]], pygame.Surface] = {}

    def text(self, role: str, text: str, colour: tuple[int, ...] = WHITE) -> pygame.Surface:
        """``text`` in the font for ``role``, with a drop shadow so it reads over any scene."""
        key = (role, text, colour)
        image = self._text.get(key)
        if image is None:
            font = self.fonts[role]
            shown = displayable(font, text)
            front = font.render(shown, True, colour)
            back = font.render(shown, True, SHADOW)
            offset = max(1, font.get_height() // 20)
            image = pygame.Surface((front.get_width() + offset, front.get_height() + offset), pygame.SRCALPHA)
            image.blit(back, (offset, offset))
            image.blit(front, (0, 0))
            self._text[key] = image
        return image

    def centred(self, surface: pygame.Surface, role: str, text: str, y: int,
                colour: tuple[int, ...] = WHITE, x: int | None = None) -> pygame.Rect:
        """Draw ``text`` centred on (``x`` or the middle, ``y``); the rect it took."""
        image = self.text(role, text, colour)
        rect = image.get_rect(center=(surface.get_width() // 2 if x is None else x, y))
        surface.blit(image, rect)
        return rect

    def shade(self, surface: pygame.Surface, alpha: int) -> None:
        """Darken the whole frame (as black at ``alpha`` over it would), so a screen reads over the game."""
        # A multiplying fill, not a blit of a translucent black surface: the same
        # picture at a third of the cost (no per-pixel alpha to read).
        keep = 255 - max(0, min(255, alpha))
        surface.fill((keep, keep, keep), special_flags=pygame.BLEND_RGB_MULT)

    def panel(self, surface: pygame.Surface, rect: pygame.Rect, colour: tuple[int, ...] = PANEL) -> None:
        """A translucent box with rounded corners behind a screen's text."""
        key = (rect.size, colour)
        box = self._panels.get(key)
        if box is None:
            box = pygame.Surface(rect.size, pygame.SRCALPHA)
            pygame.draw.rect(box, colour, box.get_rect(), border_radius=14)
            pygame.draw.rect(box, (255, 255, 255, 40), box.get_rect(), width=2, border_radius=14)
            self._panels[key] = box
        surface.blit(box, rect)

    def menu(self, surface: pygame.Surface, menu: Menu, labels: dict[str, str], top: int,
             width: int = 420) -> dict[str, pygame.Rect]:
        """Draw ``menu``'s items from ``top`` down, the selected one on a gold bar; each item's rect."""
        rects: dict[str, pygame.Rect] = {}
        centre_x = surface.get_width() // 2
        for index, item in enumerate(menu.items):
            row = pygame.Rect(0, 0, width, ITEM_HEIGHT - 6)
            row.center = (centre_x, top + index * ITEM_HEIGHT + ITEM_HEIGHT // 2)
            selected = index == menu.selected
            if selected:
                self.panel(surface, row, HIGHLIGHT)
            label = labels.get(item, item)
            self.centred(surface, "item", f"> {label} <" if selected else label, row.centery,
                         GOLD if selected else WHITE)
            rects[item] = row
        return rects

    def lines(self, surface: pygame.Surface, rows: list[tuple[str, ...]], top: int,
              split: int | None = None, column: int = 290) -> int:
        """Rows of a right-aligned name left of ``split``, then values left-aligned in
        columns ``column`` pixels apart (the last one dimmer); the y below them."""
        split = surface.get_width() // 2 if split is None else split
        y = top
        for name, *values in rows:
            left = self.text("text", name, DIM)
            surface.blit(left, left.get_rect(midright=(split - 14, y)))
            for index, value in enumerate(values):
                colour = GOLD if index and index == len(values) - 1 else WHITE
                image = self.text("text", value, colour)
                surface.blit(image, image.get_rect(midleft=(split + 14 + index * column, y)))
            y += 32
        return y
