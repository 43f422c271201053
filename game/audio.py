"""The audio layer's simulation side: what plays, recorded as events.

:class:`SilentAudio` is the headless stand-in: it records ``SoundStarted``
and ``SoundStopped`` exactly as the real player does, and plays nothing.
``game.pg.audio.PygameAudio`` adds real playback through ``pygame.mixer``.
Both record the same events, so a log does not depend on the machine.
"""

from __future__ import annotations

from typing import Literal, get_args

from engine import World
from game.events import SoundStarted, SoundStopped

#: Every sound the game may play (files under assets/sounds/NAME.wav).
Sound = Literal["siren", "gunshot", "heal", "radio_chatter", "radio_pursuit", "radio_we_lost_him",
                "radio_shots_fired", "wasted", "car_door", "engine"]
SOUNDS: tuple[str, ...] = get_args(Sound)


class SilentAudio:
    """Records what would play; subclasses make it heard."""

    def __init__(self) -> None:
        #: Looping sounds playing now.
        self.looping: set[str] = set()

    def play(self, world: World, sound: str, loop: bool = False) -> None:
        """Start ``sound`` (a looping one already playing is left alone)."""
        if sound not in SOUNDS:
            raise ValueError(f"unknown sound {sound!r}; known: {', '.join(SOUNDS)}")
        if loop:
            if sound in self.looping:
                return
            self.looping.add(sound)
        world.emit(SoundStarted(sound, loop))
        self._start(sound, loop)

    def stop(self, world: World, sound: str) -> None:
        """Stop a looping sound; does nothing if it is not playing."""
        if sound not in self.looping:
            return
        self.looping.discard(sound)
        world.emit(SoundStopped(sound))
        self._stop(sound)

    def _start(self, sound: str, loop: bool) -> None:
        """Backend hook: actually start playing."""

    def _stop(self, sound: str) -> None:
        """Backend hook: actually stop."""

    def close(self) -> None:
        """Release the audio device, if any."""
