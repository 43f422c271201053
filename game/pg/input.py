"""Keyboard, mouse and gamepads to the game's input events.

Only *changes* become events (the movement vector changed, the trigger was
pulled or released), so the log records what the player did, not every frame
in which a key happened to be down.  Keys and pads add up: the direction is
the keys' and the sticks' together, clamped to one step each way.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pygame

from engine import Event
from game.events import FireInput, MoveInput, UsePressed
from game.pg.gamepad import FIRE_BUTTON, STICK_X, STICK_Y, USE_BUTTON, Gamepads

Point = tuple[float, float]

#: Movement keys and the direction each pushes.
MOVE_KEYS: dict[int, tuple[int, int]] = {
    pygame.K_w: (0, -1), pygame.K_UP: (0, -1),
    pygame.K_s: (0, 1), pygame.K_DOWN: (0, 1),
    pygame.K_a: (-1, 0), pygame.K_LEFT: (-1, 0),
    pygame.K_d: (1, 0), pygame.K_RIGHT: (1, 0),
}
#: The pygame events that come from gamepads.
PAD_EVENTS = frozenset({pygame.JOYAXISMOTION, pygame.JOYHATMOTION, pygame.JOYBUTTONDOWN, pygame.JOYBUTTONUP,
                        pygame.JOYDEVICEADDED, pygame.JOYDEVICEREMOVED})
#: While the mouse button is held, re-aim when the angle moves by more than this (radians).
AIM_STEP = 2 * math.pi / 64


class InputMapper:
    """Keeps which keys are held and turns pygame events into input events.

    ``to_logical`` maps a window position to the logical frame (through the
    letterbox scaling); ``origin`` says where on the logical frame the player
    is drawn (the screen centre unless the camera is held at a map edge).
    ``gamepads`` are the pads plugged in (a new, empty set by default).
    """

    def __init__(self, to_logical: Callable[[Point], Point] | None = None,
                 origin: Callable[[], Point] | None = None, logical_size: tuple[int, int] = (1280, 720),
                 gamepads: Gamepads | None = None) -> None:
        self.to_logical = to_logical or (lambda pos: pos)
        centre = (logical_size[0] / 2, logical_size[1] / 2)
        self.origin = origin or (lambda: centre)
        self.held: set[int] = set()
        self.move: tuple[int, int] = (0, 0)
        self.space = False
        self.mouse = False
        self.aim: float | None = None
        self.gamepads = gamepads if gamepads is not None else Gamepads()
        #: Whether the log was last told that a pad holds the fire button.
        self.pad_fire = False

    def translate(self, event: pygame.event.Event) -> list[Event]:
        """The input events one pygame event means (often none)."""
        kind = event.type
        if kind == pygame.KEYDOWN:
            return self._key(event.key, True)
        if kind == pygame.KEYUP:
            return self._key(event.key, False)
        if kind == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.mouse = True
            self.aim = self.angle_to(event.pos)
            return [FireInput(True, self.aim)]
        if kind == pygame.MOUSEBUTTONUP and event.button == 1 and self.mouse:
            self.mouse = False
            return [FireInput(False, self.angle_to(event.pos))]
        if kind == pygame.MOUSEMOTION and self.mouse:
            return self._reaim(event.pos)
        if kind == pygame.WINDOWFOCUSLOST:
            return self.release_all()
        if kind in PAD_EVENTS:
            use = self.observe(event)
            return [*self.resync(), *([UsePressed()] if use else [])]
        return []

    def observe(self, event: pygame.event.Event) -> bool:
        """Note what a gamepad event changes, without telling the game (a menu has it); True: B was pressed.

        :meth:`resync` tells the game afterwards what differs from what it was last told.
        """
        kind, pads = event.type, self.gamepads
        if kind == pygame.JOYDEVICEADDED:
            pads.added(event.device_index)
            return False
        if kind == pygame.JOYDEVICEREMOVED:
            pads.removed(event.instance_id)
            return False
        pad = pads.pad(event)
        if pad is None:
            return False
        if kind == pygame.JOYAXISMOTION and event.axis in (STICK_X, STICK_Y):
            pad.moved_stick(event.axis, event.value)
        elif kind == pygame.JOYHATMOTION and getattr(event, "hat", 0) == 0:
            pad.hat = tuple(event.value)  # type: ignore[assignment]
        elif kind == pygame.JOYBUTTONDOWN:
            pad.buttons.add(event.button)
            return event.button == USE_BUTTON
        elif kind == pygame.JOYBUTTONUP:
            pad.buttons.discard(event.button)
        return False

    def resync(self) -> list[Event]:
        """The events that bring the game up to what the pads (and keys) hold now."""
        events = self._moved()
        if self.gamepads.firing != self.pad_fire:
            self.pad_fire = not self.pad_fire
            events.append(FireInput(self.pad_fire, None))
        return events

    def angle_to(self, window_pos: Point) -> float:
        """Aim angle (radians, 0 = +x, y down) from the player to a window position."""
        x, y = self.to_logical(window_pos)
        ox, oy = self.origin()
        return math.atan2(y - oy, x - ox)

    def release_all(self) -> list[Event]:
        """Let go of everything (the window lost focus: its key-ups will never come)."""
        events: list[Event] = []
        self.held.clear()
        if self.move != (0, 0):
            self.move = (0, 0)
            events.append(MoveInput(0, 0))
        if self.space or self.mouse or self.pad_fire:
            self.space = self.mouse = self.pad_fire = False
            events.append(FireInput(False, None))
        for pad in self.gamepads.pads.values():
            # Not read again until the pad reports a change: what it held is forgotten too.
            pad.stick, pad.hat = (0, 0), (0, 0)
            pad.buttons.discard(FIRE_BUTTON)
        return events

    def _key(self, key: int, down: bool) -> list[Event]:
        if key in MOVE_KEYS:
            if down:
                self.held.add(key)
            else:
                self.held.discard(key)
            return self._moved()
        if key == pygame.K_SPACE:
            if self.space == down:
                return []
            self.space = down
            return [FireInput(down, None)]
        if key == pygame.K_e and down:
            return [UsePressed()]
        return []

    def _moved(self) -> list[Event]:
        pad_dx, pad_dy = self.gamepads.direction
        dx = sum(MOVE_KEYS[key][0] for key in self.held) + pad_dx
        dy = sum(MOVE_KEYS[key][1] for key in self.held) + pad_dy
        # W and Up (or the stick) together still mean "up", not "up twice".
        move = (max(-1, min(1, dx)), max(-1, min(1, dy)))
        if move == self.move:
            return []
        self.move = move
        return [MoveInput(*move)]

    def _reaim(self, window_pos: Point) -> list[Event]:
        angle = self.angle_to(window_pos)
        if self.aim is not None:
            turn = abs((angle - self.aim + math.pi) % (2 * math.pi) - math.pi)
            if turn < AIM_STEP:
                return []
        self.aim = angle
        return [FireInput(True, angle)]
