"""Real sound through ``pygame.mixer``: the :class:`~game.audio_reader.Mixer` the game plays on.

:class:`PygameAudio` is driven by a :class:`~game.audio_reader.AudioReader`,
outside the tick: the simulation only records ``SoundStarted`` and
``SoundStopped``.  Without a sound device it says so once and stays silent:
sound is never a reason for the game to stop.

Three volumes multiply on each channel: the sound's own gain (the mix plan
in :mod:`game.mix`, set once on the clip), the player's master volume (0
when muted, remembered in :mod:`game.sound_settings`), and for the siren
and chatter the duck while a radio voice plays.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pygame

from game import sound_settings
from game.mix import DUCK, DUCKED, VOICES, gain
from game.sound_settings import SoundSettings, clamp_volume

SOUNDS_DIR = Path(__file__).resolve().parents[2] / "assets" / "sounds"
CHANNELS = 16
#: Channels kept for the log's looping sounds (siren, chatter...), so one-shots never cut them off.
LOOP_CHANNELS = 4
#: Two more kept for the engine, so one band fades out while the next fades in.
ENGINE_CHANNELS = (LOOP_CHANNELS, LOOP_CHANNELS + 1)
#: The channels one-shots play on (SDL's own free-channel search would also pick reserved ones).
ONE_SHOT_CHANNELS = range(LOOP_CHANNELS + len(ENGINE_CHANNELS), CHANNELS)
#: Milliseconds over which an engine band fades out when the next takes over...
ENGINE_FADE_MS = 120
#: ...and frames (about as long at 60 a second) over which the next fades in.
ENGINE_FADE_FRAMES = 7


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
    one-shots on any free channel (stealing the oldest when all are busy).

    ``settings`` is the file the master volume and mute are remembered in:
    True (the default) for the one in the game's data directory, a path for
    another, None for none (they last this run only).
    """

    def __init__(self, directory: Path = SOUNDS_DIR, frequency: int = 22050,
                 settings: Path | bool | None = True) -> None:
        self.directory = Path(directory)
        self._settings_path = sound_settings.default_path() if settings is True else (settings or None)
        saved = sound_settings.load(self._settings_path) if self._settings_path else SoundSettings()
        #: The player's volume for everything, 0..1 (see :meth:`set_master_volume`).
        self.master_volume = saved.volume
        #: True while everything is silent (the master volume is kept for unmuting).
        self.muted = saved.muted
        #: False when there is no sound device: everything is then silent.
        self.enabled = False
        #: True between :meth:`pause` and :meth:`resume`.
        self.paused = False
        #: True while a radio voice line plays: the siren and chatter are lowered.
        self.ducking = False
        self._sounds: dict[str, pygame.mixer.Sound | None] = {}
        #: Looping sound -> the reserved channel index it plays on.
        self._loops: dict[str, int] = {}
        #: (channel, clip) of each voice line started (checked each frame to end the duck).
        self._voices: list[tuple[pygame.mixer.Channel, pygame.mixer.Sound]] = []
        #: One-shot channels, least recently started first: the first is the one to steal.
        self._one_shot_order = list(ONE_SHOT_CHANNELS)
        self._engine = _EngineVoice(self)
        self._opened = False
        try:
            if not pygame.mixer.get_init():
                # The files are mono; a stereo mixer plays them in both ears.
                with _native_stderr_silenced():
                    pygame.mixer.init(frequency, -16, 2, 512)
                self._opened = True
            pygame.mixer.set_num_channels(CHANNELS)
            pygame.mixer.set_reserved(LOOP_CHANNELS + len(ENGINE_CHANNELS))
            self.enabled = True
            self._apply_levels()  # the saved volume (or mute) from the first sound on
        except (pygame.error, OSError) as error:
            print(f"audio: no sound device ({error}), playing silently")

    @property
    def looping(self) -> set[str]:
        """The looping sounds that hold a channel now."""
        return set(self._loops)

    @property
    def level(self) -> float:
        """The master level every channel gets: the volume, or 0 when muted."""
        return 0.0 if self.muted else self.master_volume

    # -- the player's controls ---------------------------------------------------------
    def set_master_volume(self, volume: float) -> None:
        """Set the master volume (held to 0..1), heard at once, and remember it."""
        self.master_volume = clamp_volume(volume)
        self._settings_changed()

    def toggle_mute(self) -> bool:
        """Mute or unmute (the volume is kept), heard at once and remembered; True if now muted."""
        self.muted = not self.muted
        self._settings_changed()
        return self.muted

    def _settings_changed(self) -> None:
        self._apply_levels()
        if self._settings_path is not None:
            sound_settings.save(SoundSettings(self.master_volume, self.muted), self._settings_path)

    # -- the Mixer protocol ----------------------------------------------------------
    def play(self, sound: str) -> None:
        """Play ``sound`` once, on any channel (not while paused: it would be heard over the pause)."""
        if not self.paused:
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

    def update(self) -> None:
        """Once a frame: end the duck when the last voice line has finished."""
        if not self._voices or not self.enabled:
            return
        try:
            # A voice's channel may have been taken by a later one-shot: then that voice is over.
            self._voices = [(channel, clip) for channel, clip in self._voices
                            if channel.get_busy() and channel.get_sound() is clip]
        except pygame.error:
            self._voices = []
        if not self._voices and self.ducking:
            self.ducking = False
            self._apply_levels()

    def engine(self, band: str | None, level: float) -> None:
        """The engine sound: loop ``band`` (a file name) at ``level`` (0..1), or none (None)."""
        if self.enabled:
            self._engine.set(band, level)

    # -- channels ----------------------------------------------------------------------
    def channel_level(self, sound: str) -> float:
        """The channel volume ``sound`` plays at now (its gain is on the clip itself)."""
        if sound in DUCKED and self.ducking:
            return self.level * DUCK
        return self.level

    def _apply_levels(self) -> None:
        """Give every playing channel the level it should have now."""
        if not self.enabled:
            return
        try:
            for sound, index in self._loops.items():
                pygame.mixer.Channel(index).set_volume(self.channel_level(sound))
            for index in ONE_SHOT_CHANNELS:
                pygame.mixer.Channel(index).set_volume(self.level)
            self._engine.apply()
        except pygame.error:
            pass

    def _sound(self, name: str) -> pygame.mixer.Sound | None:
        if name not in self._sounds:
            try:
                sound = pygame.mixer.Sound(str(self.directory / f"{name}.wav"))
                sound.set_volume(gain(name))
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
                channel.set_volume(self.channel_level(sound))
                if self.paused:
                    channel.pause()  # a loop that began on a stepped tick waits for the game to go on
            else:
                channel = self._one_shot_channel()
                channel.play(clip)
                channel.set_volume(self.level)
                if sound in VOICES:
                    self._voices.append((channel, clip))
                    if not self.ducking:
                        self.ducking = True
                        self._apply_levels()
        except (pygame.error, OSError, ValueError):
            pass  # a sound that fails to play must not stop the game

    def _one_shot_channel(self) -> pygame.mixer.Channel:
        """A free one-shot channel, or the one whose sound started longest ago (never a loop's)."""
        order = self._one_shot_order
        index = next((i for i in order if not pygame.mixer.Channel(i).get_busy()), order[0])
        order.remove(index)
        order.append(index)
        return pygame.mixer.Channel(index)

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
        self._voices.clear()
        self._sounds.clear()


class _EngineVoice:
    """The engine loop on its two reserved channels: a band change fades one out and the next in.

    The fade-in is ours (a ramp over :data:`ENGINE_FADE_FRAMES` frames), not
    SDL_mixer's: during its own fade SDL_mixer overwrites the channel's
    volume, so the level and a mute set meanwhile would be lost.
    """

    def __init__(self, audio: PygameAudio) -> None:
        self.audio = audio
        #: The band playing now (None: silent), the channel index it plays on, and its level.
        self.band: str | None = None
        self.channel = ENGINE_CHANNELS[0]
        self.level = 0.0
        #: 0 to 1: how far the band playing has faded in.
        self.ramp = 1.0

    def set(self, band: str | None, level: float) -> None:
        audio = self.audio
        self.level = min(1.0, max(0.0, level))
        try:
            if band != self.band:
                if self.band is not None:
                    pygame.mixer.Channel(self.channel).fadeout(ENGINE_FADE_MS)
                self.band = None
                clip = audio._sound(band) if band is not None else None
                if clip is not None:
                    self.channel = ENGINE_CHANNELS[1] if self.channel == ENGINE_CHANNELS[0] else ENGINE_CHANNELS[0]
                    channel = pygame.mixer.Channel(self.channel)
                    channel.set_volume(0.0)
                    channel.play(clip, loops=-1)
                    if audio.paused:
                        channel.pause()
                    self.band, self.ramp = band, 0.0
            elif self.band is not None and not audio.paused:
                self.ramp = min(1.0, self.ramp + 1.0 / ENGINE_FADE_FRAMES)
            self.apply()
        except (pygame.error, OSError, ValueError):
            pass  # a sound that fails to play must not stop the game

    def apply(self) -> None:
        if self.band is not None:
            pygame.mixer.Channel(self.channel).set_volume(self.level * self.ramp * self.audio.level)
