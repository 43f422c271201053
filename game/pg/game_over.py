"""The game-over screen: why the run ended, the score, the high-score table, play again or quit."""

from __future__ import annotations

import pygame

from game.highscores import Entry
from game.pg.menu import Action, Menu, Point
from game.pg.panels import DIM, GOLD, WHITE, Painter

ITEMS = ("again", "quit")
LABELS = {"again": "Play again", "quit": "Quit"}


class GameOver:
    """One finished run as the screen shows it.

    ``entries`` is the high-score table after this run was put in it;
    ``place`` is where it went (1 = best; None: it did not make the table,
    or it was not ranked, as the autopilot's runs are not).
    """

    def __init__(self, reason: str, score: int, entries: list[Entry], place: int | None,
                 ranked: bool = True) -> None:
        self.reason = reason
        self.score = score
        self.entries = entries
        self.place = place
        self.ranked = ranked
        self.menu = Menu(ITEMS)
        #: A line under the menu (the autopilot's countdown to its next run).
        self.note = ""
        self._rects: dict[str, pygame.Rect] = {}

    def item_at(self, pos: Point) -> str | None:
        """The item drawn at ``pos`` (logical pixels) in the last frame, if any."""
        return next((item for item, rect in self._rects.items() if rect.collidepoint(pos)), None)

    def act(self, action: Action) -> str:
        """Do what ``action`` asks of the menu; "again" or "quit" once one is chosen, else ""."""
        menu, name = self.menu, action.name
        if name in ("up", "down", "left", "right"):
            menu.move(-1 if name in ("up", "left") else 1)
        elif name == "back":
            return "quit"
        elif name in ("hover", "click"):
            item = self.item_at(action.pos) if action.pos is not None else None
            if item is not None:
                menu.select(item)
                if name == "click":
                    return item
        elif name == "select":
            return menu.current
        return ""

    def verdict(self) -> str:
        """The line under the score: the table place this run took, or why it has none."""
        if not self.ranked:
            return "The autopilot's runs are not ranked"
        if self.place is None:
            return "Not in the top ten this time"
        return "A new high score!" if self.place == 1 else f"Number {self.place} in the high scores"

    def draw(self, surface: pygame.Surface, painter: Painter) -> None:
        """Draw the screen over the frozen end of the run."""
        width, height = surface.get_size()
        painter.shade(surface, 190)
        painter.centred(surface, "heading", "GAME OVER", 70)
        painter.centred(surface, "text", f"The run is over: {self.reason}", 120, DIM)
        painter.centred(surface, "heading", f"${self.score:,}", 175, GOLD)
        painter.centred(surface, "text", self.verdict(), 222)
        box = pygame.Rect(0, 0, 620, 34 + 30 * max(1, len(self.entries)))
        box.midtop = (width // 2, 250)
        painter.panel(surface, box)
        self._table(surface, painter, box)
        self._rects = painter.menu(surface, self.menu, LABELS, box.bottom + 16, width=360)
        if self.note:
            painter.centred(surface, "small", self.note, height - 24, DIM)

    def _table(self, surface: pygame.Surface, painter: Painter, box: pygame.Rect) -> None:
        y = box.top + 30
        if not self.entries:
            painter.centred(surface, "text", "No high scores yet", y, DIM)
            return
        for rank, entry in enumerate(self.entries, 1):
            colour = GOLD if rank == self.place else WHITE
            cells = ((f"{rank}.", box.left + 60), (f"${entry.score:,}", box.left + 200),
                     (f"seed {entry.seed}", box.left + 330), (entry.reason, box.left + 500))
            for text, x in cells:
                painter.centred(surface, "text", text, y, colour, x=x)
            y += 30
