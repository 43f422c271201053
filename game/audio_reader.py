"""Sound follows the log: a reader that plays what the log says, frame by frame.

:class:`AudioReader` is a consumer of the log like the HUD ticker and the
inspector: once per rendered frame it polls its :class:`~engine.Reader` and
tells a :class:`Mixer` what the new records say (a ``SoundStarted`` plays,
a ``SoundStopped`` stops a loop).  So

* pausing pauses the mixer (looping sounds hold, one-shots of stepped ticks
  stay silent) and resuming resumes it;
* after time travel the reader is told where the log was cut
  (``Batch.truncated``): it plays none of the re-simulated records (no
  gunshot twice) and makes the loops exactly those the simulation says play
  at the present tick (``SilentAudio.looping``, restored with the snapshot);
* a world nobody made an ``AudioReader`` for (headless, a replay) is silent.

The mixer is a protocol, so tests use a fake one and the game uses
``game.pg.audio.PygameAudio``.  A mixer may also have an ``update()``
method, called once a frame after the records are played (the real mixer
ends its ducking there when a voice line is over), and an
``engine(band, level)`` method, told once a frame what the engine of the
player's car sounds like (:mod:`game.engine_sound`: read from the world's
state, not from the log, as it is no event).
"""

from __future__ import annotations

from typing import Protocol

from engine import World
from game.engine_sound import EngineSound


class Mixer(Protocol):
    """What an :class:`AudioReader` drives: a sound device, or a test's fake."""

    def play(self, sound: str) -> None:
        """Play ``sound`` once."""

    def loop(self, sound: str) -> None:
        """Start looping ``sound`` until :meth:`stop`."""

    def stop(self, sound: str) -> None:
        """Stop the looping ``sound``."""

    def pause(self) -> None:
        """Hold every sound where it is."""

    def resume(self) -> None:
        """Go on with the sounds :meth:`pause` held."""


class AudioReader:
    """Plays ``world``'s sound records on ``mixer`` as the frames showing them are drawn.

    It starts at the end of the log (what was played before it existed is
    not played again) with the loops the simulation says play now.
    """

    def __init__(self, world: World, mixer: Mixer) -> None:
        self.world = world
        self.mixer = mixer
        self.reader = world.log.reader()
        #: The loops the mixer was told to play, as this reader knows them.
        self.loops: set[str] = set()
        #: True while the game is paused: the mixer is held, one-shots are not played.
        self.paused = False
        #: One-shots played, and how many times the reader resynced after time travel.
        self.played = 0
        self.resyncs = 0
        # Optional: a fake mixer in a test need not have them.
        self._mixer_frame = getattr(mixer, "update", None)
        self._engine_out = getattr(mixer, "engine", None)
        #: The engine note of the player's car, followed frame by frame.
        self.engine = EngineSound(world)
        self.resync()

    def update(self) -> None:
        """Play what was recorded since the last frame (call once per rendered frame)."""
        self._play_news()
        if self._engine_out is not None:
            self._engine_out(*self.engine.update())
        if self._mixer_frame is not None:
            self._mixer_frame()

    def _play_news(self) -> None:
        batch = self.reader.poll()
        if batch.truncated is not None or batch.missed:
            # Time travel (or records lost to retention): the records read now are the past
            # re-simulated, not news; what matters is which loops play at the present tick.
            self.resyncs += 1
            self.resync()
            return
        for record in batch.records:
            kind = record.type
            if kind == "SoundStarted":
                self._started(record.data["sound"], bool(record.data["loop"]))
            elif kind == "SoundStopped":
                self._stop(record.data["sound"])

    def resync(self) -> None:
        """Make the mixer's loops those the simulation says play now."""
        audio = self.world.resources.get("audio")
        wanted = set(getattr(audio, "looping", ()))
        for sound in sorted(self.loops - wanted):
            self._stop(sound)
        for sound in sorted(wanted - self.loops):
            self._started(sound, True)

    def set_paused(self, paused: bool) -> None:
        """:meth:`pause` or :meth:`resume` (a window's pause hook)."""
        if paused:
            self.pause()
        else:
            self.resume()

    def pause(self) -> None:
        """The game paused: hold the loops."""
        if not self.paused:
            self.paused = True
            self.mixer.pause()

    def resume(self) -> None:
        """The game goes on: the held loops go on too."""
        if self.paused:
            self.paused = False
            self.mixer.resume()

    def _started(self, sound: str, loop: bool) -> None:
        if loop:
            if sound not in self.loops:
                self.loops.add(sound)
                self.mixer.loop(sound)
        elif not self.paused:
            self.played += 1
            self.mixer.play(sound)

    def _stop(self, sound: str) -> None:
        if sound in self.loops:
            self.loops.discard(sound)
            self.mixer.stop(sound)
