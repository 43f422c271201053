"""The player's sound keys: M mutes, - and + step the master volume; a short note says what changed.

Works on any mixer with ``master_volume``, ``set_master_volume`` and
``toggle_mute`` (:class:`game.pg.audio.PygameAudio`).  The note is counted
in frames drawn, not read from a clock, and is drawn over the frame (the
HUD reads only the world; the volume is not part of it).
"""

from __future__ import annotations

from typing import Protocol

import pygame

#: How much one press of - or + changes the master volume.
STEP = 0.1
#: Frames the note stays on screen (about 1.5 s at 60 frames a second).
NOTE_FRAMES = 90
LOWER = frozenset({pygame.K_MINUS, pygame.K_KP_MINUS})
RAISE = frozenset({pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS})  # + is shift-= on most keyboards
NOTE_COLOUR = (240, 240, 240)
#: Where the note's top is: under the developer readouts' line.
NOTE_TOP = 48


class Volume(Protocol):
    """What the keys change."""

    master_volume: float
    muted: bool

    def set_master_volume(self, volume: float) -> None:
        """Set the master volume (0..1)."""

    def toggle_mute(self) -> bool:
        """Mute or unmute; True if now muted."""


def has_volume(mixer: object) -> bool:
    """True if ``mixer`` has a master volume and mute the keys can change."""
    return all(hasattr(mixer, name) for name in ("master_volume", "set_master_volume", "toggle_mute"))


class VolumeKeys:
    """Handles M, - and + for ``volume``; :meth:`draw` shows the new setting for a moment."""

    def __init__(self, volume: Volume) -> None:
        self.volume = volume
        #: Frames the note still shows.
        self.showing = 0
        self._font: pygame.font.Font | None = None
        self._note: tuple[str, pygame.Surface] | None = None

    def handle_key(self, key: int) -> bool:
        """Act on a sound key (True: it was one)."""
        volume = self.volume
        if key == pygame.K_m:
            volume.toggle_mute()
        elif key in LOWER:
            volume.set_master_volume(volume.master_volume - STEP)
        elif key in RAISE:
            volume.set_master_volume(volume.master_volume + STEP)
        else:
            return False
        self.showing = NOTE_FRAMES
        return True

    def text(self) -> str:
        """What the note says: "Sound muted" or "Volume 70%"."""
        if self.volume.muted:
            return "Sound muted  (M)"
        return f"Volume {round(self.volume.master_volume * 100)}%  (- / +)"

    def draw(self, surface: pygame.Surface) -> None:
        """Once a frame: the note, top centre (clear of the ticker and the minimap), while it shows."""
        if self.showing <= 0:
            return
        self.showing -= 1
        text = self.text()
        if self._note is None or self._note[0] != text:
            if self._font is None:
                if not pygame.font.get_init():
                    pygame.font.init()
                self._font = pygame.font.Font(None, 30)
            self._note = (text, self._font.render(text, True, NOTE_COLOUR))
        image = self._note[1]
        width = surface.get_width()
        box = image.get_rect(midtop=(width // 2, NOTE_TOP)).inflate(20, 10)
        surface.fill((0, 0, 0), box)
        surface.blit(image, image.get_rect(center=box.center))
