"""Menus: a list of items with one selected, driven alike by keys, mouse and gamepads.

:class:`MenuInput` turns a pygame event into a menu *action* ("up", "down",
"left", "right", "select", "back", a mouse "hover" or "click" at a logical
position), so the title, the pause menu and the game-over screen each say
what an action does and none of them cares which device it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game.pg.gamepad import FIRE_BUTTON, PAUSE_BUTTONS, STICK_X, STICK_Y, USE_BUTTON, lean

Point = tuple[float, float]

#: Keys and the action each means in a menu.
KEY_ACTIONS: dict[int, str] = {
    pygame.K_UP: "up", pygame.K_w: "up", pygame.K_DOWN: "down", pygame.K_s: "down",
    pygame.K_LEFT: "left", pygame.K_a: "left", pygame.K_RIGHT: "right", pygame.K_d: "right",
    pygame.K_RETURN: "select", pygame.K_KP_ENTER: "select", pygame.K_SPACE: "select",
    pygame.K_ESCAPE: "back", pygame.K_p: "back",
}
#: Pad buttons and their actions: A chooses, B goes back, Start (or Back) closes the menu.
BUTTON_ACTIONS: dict[int, str] = {FIRE_BUTTON: "select", USE_BUTTON: "back",
                                  **dict.fromkeys(PAUSE_BUTTONS, "back")}


@dataclass(frozen=True)
class Action:
    """One thing the player asked of a menu; ``pos`` (logical pixels) for the mouse's."""

    name: str
    pos: Point | None = None


@dataclass
class Menu:
    """Items (short ids) with one selected; moving past either end wraps around."""

    items: tuple[str, ...]
    selected: int = 0

    @property
    def current(self) -> str:
        """The selected item's id."""
        return self.items[self.selected]

    def move(self, step: int) -> None:
        """Select the item ``step`` places down (negative: up)."""
        self.selected = (self.selected + step) % len(self.items)

    def select(self, item: str) -> None:
        """Select ``item`` by its id."""
        self.selected = self.items.index(item)


class MenuInput:
    """Pygame events to menu :class:`Action` s; ``to_logical`` maps the mouse through the letterbox.

    A stick is a menu's arrow key when it *crosses* the dead zone, so leaning
    on it moves the selection once, not once a frame.
    """

    def __init__(self, to_logical: Callable[[Point], Point] | None = None) -> None:
        self.to_logical = to_logical or (lambda pos: pos)
        self._leaning: dict[tuple[int, int], int] = {}

    def action(self, event: pygame.event.Event) -> Action | None:
        """The action ``event`` means in a menu, or None (a key release, a small stick move...)."""
        kind = event.type
        if kind == pygame.KEYDOWN:
            name = KEY_ACTIONS.get(event.key)
            return Action(name) if name else None
        if kind == pygame.JOYBUTTONDOWN:
            name = BUTTON_ACTIONS.get(event.button)
            return Action(name) if name else None
        if kind == pygame.JOYHATMOTION:
            x, y = event.value
            return Action("up" if y > 0 else "down") if y else Action("left" if x < 0 else "right") if x else None
        if kind == pygame.JOYAXISMOTION and event.axis in (STICK_X, STICK_Y):
            return self._stick(event)
        if kind == pygame.MOUSEMOTION:
            return Action("hover", self.to_logical(event.pos))
        if kind == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return Action("click", self.to_logical(event.pos))
        return None

    def _stick(self, event: pygame.event.Event) -> Action | None:
        key = (getattr(event, "instance_id", 0), event.axis)
        before = self._leaning.get(key, 0)
        now = lean(event.value, before)
        self._leaning[key] = now
        if now == 0 or now == before:
            return None
        if event.axis == STICK_Y:
            return Action("down" if now > 0 else "up")
        return Action("right" if now > 0 else "left")


def is_press(event: pygame.event.Event) -> bool:
    """True for a key press, a mouse click or a pad button: what "press any key" waits for."""
    return event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.JOYBUTTONDOWN)
