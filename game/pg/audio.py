"""Real sound through ``pygame.mixer``: the :class:`~game.audio_reader.Mixer` the game plays on.

:class:`PygameAudio` is driven by a :class:`~game.audio_reader.AudioReader`,
outside the tick: the simulation only records ``SoundStarted`` and
``SoundStopped``.  Without a sound device it says so once and stays silent:
sound is never a reason for the game to stop.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pygame

SOUNDS_DIR = Path(__file__).resolve().parents[2] / "assets" / "sounds"
CHANNELS = 16
#: Channels kept for looping sounds (siren, engine...), so one-shots never cut them off.
LOOP_CHANNELS = 4


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration.

    Without a sound card, libasound (under SDL) writes a dozen ``ALSA lib``
    lines straight to the process's stderr before SDL gives up; the one line
    that matters is SDL's error, which pygame raises and we print ourselves.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable stderr: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class PygameAudio:
    """Plays ``assets/sounds/<name>.wav``: loops on a channel of their own,
    one-shots on any free channel (stealing the oldest when all are busy)."""

    def __init__(self, directory: Path = SOUNDS_DIR, frequency: int = 22050, volume: float = 0.7) -> None:
        self.directory = Path(directory)
        self.volume = volume
        #: False when there is no sound device: everything is then silent.
        self.enabled = False
        #: True between :meth:`pause` and :meth:`resume`.
        self.paused = False
        #: The player's volume for every sound, 0..1 (the pause menu turns it: :meth:`set_master_volume`).
        self.master_volume = 1.0
        #: True while :meth:`toggle_mute` has silenced everything (the volume is kept).
        self.muted = False
        self._sounds: dict[str, pygame.mixer.Sound | None] = {}
        #: Looping sound -> the reserved channel index it plays on.
        self._loops: dict[str, int] = {}
        self._opened = False
        try:
            if not pygame.mixer.get_init():
                # The files are mono; a stereo mixer plays them in both ears.
                with _native_stderr_silenced():
                    pygame.mixer.init(frequency, -16, 2, 512)
                self._opened = True
            pygame.mixer.set_num_channels(CHANNELS)
            pygame.mixer.set_reserved(LOOP_CHANNELS)
            self.enabled = True
        except (pygame.error, OSError) as error:
            print(f"audio: no sound device ({error}), playing silently")

    @property
    def looping(self) -> set[str]:
        """The looping sounds that hold a channel now."""
        return set(self._loops)

    def play(self, sound: str) -> None:
        """Play ``sound`` once, on any channel."""
        self._start(sound, False)

    def loop(self, sound: str) -> None:
        """Loop ``sound`` on a reserved channel until :meth:`stop` (held at once while paused)."""
        self._start(sound, True)

    def stop(self, sound: str) -> None:
        """Stop the looping ``sound``."""
        self._stop(sound)

    def pause(self) -> None:
        """Hold every channel where it is."""
        self.paused = True
        if self.enabled:
            with contextlib.suppress(pygame.error):
                pygame.mixer.pause()

    def resume(self) -> None:
        """Go on with what :meth:`pause` held."""
        self.paused = False
        if self.enabled:
            with contextlib.suppress(pygame.error):
                pygame.mixer.unpause()

    def set_master_volume(self, volume: float) -> None:
        """Set the volume of everything, 0..1 (clamped), heard at once."""
        self.master_volume = max(0.0, min(1.0, float(volume)))
        self._apply_volume()

    def toggle_mute(self) -> bool:
        """Silence everything, or bring it back at the volume it had; True if now muted."""
        self.muted = not self.muted
        self._apply_volume()
        return self.muted

    def _level(self) -> float:
        return 0.0 if self.muted else self.volume * self.master_volume

    def _apply_volume(self) -> None:
        # A Sound's volume holds for every channel playing it, now and later (a channel's own is reset on play).
        for sound in self._sounds.values():
            if sound is not None:
                with contextlib.suppress(pygame.error):
                    sound.set_volume(self._level())

    def _sound(self, name: str) -> pygame.mixer.Sound | None:
        if name not in self._sounds:
            try:
                sound = pygame.mixer.Sound(str(self.directory / f"{name}.wav"))
                sound.set_volume(self._level())
            except (pygame.error, OSError, FileNotFoundError) as error:
                print(f"audio: cannot load {name}.wav ({error}), skipping it")
                sound = None
            self._sounds[name] = sound
        return self._sounds[name]

    def _start(self, sound: str, loop: bool) -> None:
        if not self.enabled:
            return
        try:
            clip = self._sound(sound)
            if clip is None:
                return
            if loop:
                index = self._loops.get(sound)
                if index is None:
                    index = self._free_loop_channel()
                if index is None:
                    return
                self._loops[sound] = index
                channel = pygame.mixer.Channel(index)
                channel.play(clip, loops=-1)
                if self.paused:
                    channel.pause()  # a loop that began on a stepped tick waits for the game to go on
            else:
                channel = pygame.mixer.find_channel(True)
                if channel is not None:
                    channel.play(clip)
        except (pygame.error, OSError, ValueError):
            pass  # a sound that fails to play must not stop the game

    def _free_loop_channel(self) -> int | None:
        taken = set(self._loops.values())
        return next((index for index in range(LOOP_CHANNELS) if index not in taken), None)

    def _stop(self, sound: str) -> None:
        index = self._loops.pop(sound, None)
        if index is None or not self.enabled:
            return
        try:
            pygame.mixer.Channel(index).stop()
        except pygame.error:
            pass

    def close(self) -> None:
        """Stop everything and release the device if this object opened it."""
        if not self.enabled:
            return
        try:
            pygame.mixer.stop()
            if self._opened:
                pygame.mixer.quit()
        except pygame.error:
            pass
        self.enabled = False
        self._loops.clear()
        self._sounds.clear()
