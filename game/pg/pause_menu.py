"""The pause menu: resume, restart, controls, volume, quit.

It only draws and keeps its selection; :class:`~game.pg.screens.Screens`
decides what choosing an item does.  The volume item works on any mixer the
volume keys work on (:func:`game.pg.volume_keys.has_volume`: ``PygameAudio``),
so what it sets is remembered as theirs is; without one it says there is no sound.
"""

from __future__ import annotations

import pygame

from game.pg.menu import Action, Menu, Point
from game.pg.panels import DIM, Painter
from game.pg.title import control_rows
from game.pg.volume_keys import has_volume

ITEMS = ("resume", "restart", "controls", "volume", "quit")
LABELS = {"resume": "Resume", "restart": "Restart", "controls": "Controls", "quit": "Quit"}
#: One press of left or right changes the volume by this much (of 1.0).
VOLUME_STEP = 0.1
#: What :meth:`PauseMenu.act` says of an action it leaves to the paused game.
PASS = "pass"
#: Under the menu: what else works while the game is paused.
HINT = "N / B step a tick forward / back   ·   F1 inspector   ·   F3 readouts   ·   P or Esc resume"
#: Under the menu while the volume item is selected.
VOLUME_HINT = "Left / right turn the volume   ·   Enter mutes   ·   P or Esc resume"


def volume_label(mixer: object) -> str:
    """The volume item's text: the level as a bar and a percentage, muted or not."""
    if not has_volume(mixer):
        return "Volume: no sound"
    level = max(0.0, min(1.0, float(mixer.master_volume)))  # type: ignore[attr-defined]
    bar = "|" * round(level * 10) + "." * (10 - round(level * 10))
    state = "muted" if getattr(mixer, "muted", False) else f"{round(level * 100)}%"
    return f"Volume  {bar}  {state}"


class PauseMenu:
    """The menu's selection and whether the controls page is open over it."""

    def __init__(self) -> None:
        self.menu = Menu(ITEMS)
        #: True while the controls page replaces the menu (any press goes back).
        self.showing_controls = False
        self._rects: dict[str, pygame.Rect] = {}

    def reset(self) -> None:
        """As it opens: Resume selected, the menu (not the controls page) showing."""
        self.menu.selected = 0
        self.showing_controls = False

    def item_at(self, pos: Point) -> str | None:
        """The item drawn at ``pos`` (logical pixels) in the last frame, if any."""
        return next((item for item, rect in self._rects.items() if rect.collidepoint(pos)), None)

    def act(self, action: Action, mixer: object) -> str:
        """Do what ``action`` asks of the menu; what is left to do: "resume", "restart", "quit",
        "" (nothing), or :data:`PASS` (not the menu's: ← / → off the volume item step time)."""
        menu, name = self.menu, action.name
        if name in ("left", "right"):
            if menu.current != "volume":
                return PASS
            self.adjust_volume(mixer, 1 if name == "right" else -1)
        elif name in ("up", "down"):
            menu.move(-1 if name == "up" else 1)
        elif name == "back":
            return "resume"
        elif name in ("hover", "click"):
            item = self.item_at(action.pos) if action.pos is not None else None
            if item is not None:
                menu.select(item)
                if name == "click":
                    return self.choose(item, mixer)
        elif name == "select":
            return self.choose(menu.current, mixer)
        return ""

    def choose(self, item: str, mixer: object) -> str:
        """Choose ``item``: the controls page and mute happen here; the rest is returned to do."""
        if item == "controls":
            self.showing_controls = True
            return ""
        if item == "volume":
            if has_volume(mixer):
                mixer.toggle_mute()  # type: ignore[attr-defined]
            return ""
        return item

    def adjust_volume(self, mixer: object, steps: int) -> None:
        """Turn the volume ``steps`` notches up (negative: down); a muted mixer is unmuted by turning up."""
        if not has_volume(mixer):
            return
        if steps > 0 and getattr(mixer, "muted", False):
            mixer.toggle_mute()  # type: ignore[attr-defined]
        level = float(mixer.master_volume) + steps * VOLUME_STEP  # type: ignore[attr-defined]
        mixer.set_master_volume(round(max(0.0, min(1.0, level)), 2))  # type: ignore[attr-defined]

    def draw(self, surface: pygame.Surface, painter: Painter, mixer: object) -> None:
        """Draw the menu (or the controls page) over the paused game."""
        width, height = surface.get_size()
        painter.shade(surface, 140)
        painter.centred(surface, "heading", "PAUSED", height // 6)
        if self.showing_controls:
            self._rects = {}
            rows = control_rows()
            box = pygame.Rect(0, 0, 940, 32 * len(rows) + 24)
            box.midtop = (width // 2, height // 6 + 60)
            painter.panel(surface, box)
            painter.lines(surface, rows, box.top + 28, split=box.left + 320)
            painter.centred(surface, "text", "Press any key to go back", box.bottom + 40, DIM)
            return
        box = pygame.Rect(0, 0, 520, 48 * len(ITEMS) + 40)
        box.midtop = (width // 2, height // 6 + 60)
        painter.panel(surface, box)
        labels = {**LABELS, "volume": volume_label(mixer)}
        self._rects = painter.menu(surface, self.menu, labels, box.top + 20, width=480)
        hint = VOLUME_HINT if self.menu.current == "volume" and has_volume(mixer) else HINT
        painter.centred(surface, "small", hint, box.bottom + 30, DIM)
