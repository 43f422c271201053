"""Can this machine open a window?  Asked before choosing windowed or headless."""

from __future__ import annotations

import os
import sys

import pygame

#: SDL video drivers that never show anything on screen.
HEADLESS_DRIVERS = frozenset({"dummy", "offscreen"})


def display_available() -> bool:
    """True if a real video driver can open a window here.

    False when ``SDL_VIDEODRIVER`` asks for a headless driver, when a Linux
    session has neither ``DISPLAY`` nor ``WAYLAND_DISPLAY``, or when SDL's
    video subsystem fails to start.  The display is left as it was found.
    """
    if os.environ.get("SDL_VIDEODRIVER", "").lower() in HEADLESS_DRIVERS:
        return False
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    was_initialised = pygame.display.get_init()
    try:
        pygame.display.init()
        return pygame.display.get_driver().lower() not in HEADLESS_DRIVERS
    except pygame.error:
        return False
    finally:
        # Only undo what we did: a caller with an open window keeps it.
        if not was_initialised:
            pygame.display.quit()
