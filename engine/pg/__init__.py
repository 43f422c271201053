"""The engine's pygame adapter: run a :class:`~engine.World` in a window.

This is the only part of ``engine`` that imports pygame, so the core stays
headless.  :class:`PygameApp` knows nothing of any game: the game hands it a
``render`` function and a ``translate`` function for input.
"""

from engine.pg.app import PygameApp
from engine.pg.display import display_available

__all__ = ["PygameApp", "display_available"]
