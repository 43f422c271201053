"""The audio layer's simulation side: what plays, recorded as events.

The simulation never touches a sound device.  :class:`SilentAudio` is the
``audio`` resource behaviours talk to (``play_sound``, ``stop_sound``): it
records ``SoundStarted`` and ``SoundStopped`` and remembers which looping
sounds play now.  That set is part of the world's state, so a time-travel
snapshot holds it and a replay rebuilds it.  What is *heard* is decided
outside the tick by a log reader (:class:`game.audio_reader.AudioReader`),
which plays what the log says started, when the frame showing it is drawn.
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
    """Records what plays, and which loops play now; plays nothing itself."""

    def __init__(self) -> None:
        #: Looping sounds playing now (in the simulation's story of the world).
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

    def stop(self, world: World, sound: str) -> None:
        """Stop a looping sound; does nothing if it is not playing."""
        if sound not in self.looping:
            return
        self.looping.discard(sound)
        world.emit(SoundStopped(sound))
