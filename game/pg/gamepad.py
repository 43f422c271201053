"""Gamepads through ``pygame.joystick``: plugged in and out while the game runs.

The joystick API, not ``pygame._sdl2.controller``: it is the same in pygame
and pygame-ce and not marked experimental, and it sees every pad SDL knows,
mapped or not, at the price of the button numbering below.

SDL numbers a pad's buttons by its driver: an Xbox-style pad is A=0, B=1,
X=2, Y=3 everywhere, but Start is 7 under Linux's xpad driver and 6 under
SDL's own HIDAPI driver (where 4 is Back).  The layout below uses what is
common to both, and lets either of 6 and 7 pause: a player pressing Back to
pause is no harm.

:class:`Gamepads` keeps the pads that are plugged in and what each one's
left stick, d-pad and buttons hold now; the input mapper turns changes of
that into the game's input events, as it does for keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pygame

#: Button numbers (see the module's docstring for why two pause).
FIRE_BUTTON = 0          # A: shoot while held
USE_BUTTON = 1           # B: get in or out of a car
PAUSE_BUTTONS = frozenset({6, 7})   # Start (HIDAPI: 6, xpad: 7); Back on xpad
#: The left stick's axes.
STICK_X, STICK_Y = 0, 1
#: How far the stick must lean (of 1.0) to count as pushed: worn sticks rest off centre.
DEADZONE = 0.4
#: Once pushed, it counts until it comes back inside this: a stick held near the
#: edge of the dead zone would otherwise flicker, and every flicker is a MoveInput in the log.
RELEASE = 0.25


class Joystick(Protocol):
    """What the game uses of a ``pygame.joystick.Joystick`` (tests pass fakes)."""

    def get_instance_id(self) -> int: ...
    def get_name(self) -> str: ...


@dataclass
class Pad:
    """One plugged-in pad and what it holds now."""

    device: Joystick
    #: Which way the left stick leans on x and y: each -1, 0 or 1 (see :func:`lean`).
    stick: tuple[int, int] = (0, 0)
    hat: tuple[int, int] = (0, 0)
    buttons: set[int] = field(default_factory=set)

    def moved_stick(self, axis: int, value: float) -> None:
        """The stick's ``axis`` (STICK_X or STICK_Y) now reads ``value``."""
        x, y = self.stick
        self.stick = (lean(value, x), y) if axis == STICK_X else (x, lean(value, y))

    @property
    def direction(self) -> tuple[int, int]:
        """Where the stick or d-pad points: each of dx, dy in {-1, 0, 1}, y down as on screen."""
        dx = self.stick[0] + self.hat[0]
        dy = self.stick[1] - self.hat[1]   # the hat's y is up, the screen's down
        return max(-1, min(1, dx)), max(-1, min(1, dy))


def lean(value: float, before: int = 0) -> int:
    """-1, 0 or 1: which way an axis reading leans, given how it leaned ``before``
    (past :data:`DEADZONE` to start leaning, back inside :data:`RELEASE` to stop)."""
    if before and value * before > RELEASE:
        return before
    return (value > DEADZONE) - (value < -DEADZONE)


class Gamepads:
    """The pads plugged in now, by SDL instance id.

    ``open`` makes a joystick from a device index (``pygame.joystick.Joystick``;
    tests pass a fake).  A pad that cannot be opened is reported in one line and
    ignored: a flaky USB cable must not stop the game.
    """

    def __init__(self, open: Callable[[int], Joystick] | None = None) -> None:
        self._open = open or _open_joystick
        self.pads: dict[int, Pad] = {}

    def added(self, device_index: int) -> Pad | None:
        """A pad was plugged in (JOYDEVICEADDED; SDL also sends it for pads present at start)."""
        try:
            device = self._open(device_index)
            pad = Pad(device)
            self.pads[device.get_instance_id()] = pad
        except (pygame.error, OSError) as error:
            print(f"gamepad: cannot open device {device_index} ({error}), ignoring it")
            return None
        return pad

    def removed(self, instance_id: int) -> Pad | None:
        """A pad was unplugged (JOYDEVICEREMOVED): forget it, and what it held."""
        return self.pads.pop(instance_id, None)

    def pad(self, event: pygame.event.Event) -> Pad | None:
        """The pad a joystick event came from (None: one we never opened)."""
        return self.pads.get(getattr(event, "instance_id", -1))

    @property
    def direction(self) -> tuple[int, int]:
        """The direction all pads push together (two players on one character add up, clamped)."""
        dx = sum(pad.direction[0] for pad in self.pads.values())
        dy = sum(pad.direction[1] for pad in self.pads.values())
        return max(-1, min(1, dx)), max(-1, min(1, dy))

    @property
    def firing(self) -> bool:
        """True while any pad holds the fire button."""
        return any(FIRE_BUTTON in pad.buttons for pad in self.pads.values())


def _open_joystick(device_index: int) -> Joystick:
    if not pygame.joystick.get_init():
        pygame.joystick.init()
    return pygame.joystick.Joystick(device_index)
