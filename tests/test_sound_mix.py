"""Sound that behaves: the mix's headroom, ducking under voices, master volume and mute, remembered."""

from __future__ import annotations

import json
import math
import wave
from pathlib import Path

import numpy as np
import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import sound_settings
from game.mix import DUCK, ENGINE_BANDS, HEADROOM, LOOPS, VOICES, gain, loudest_sum
from game.pg.audio import ONE_SHOT_CHANNELS
from game.sound_settings import SoundSettings, clamp_volume

SOUNDS = Path(__file__).resolve().parent.parent / "assets" / "sounds"


def peaks() -> dict[str, float]:
    """Each committed sound file's peak, 0..1."""
    found = {}
    for path in sorted(SOUNDS.glob("*.wav")):
        with wave.open(str(path), "rb") as wav:
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        found[path.stem] = float(np.abs(samples.astype(np.int32)).max()) / 32768
    return found


# -- the mix plan --------------------------------------------------------------------


def test_the_loudest_moment_of_a_chase_stays_under_full_scale():
    files = peaks()
    assert set(files) >= LOOPS | VOICES | {"gunshot", *ENGINE_BANDS}
    assert loudest_sum(files) <= HEADROOM


def test_one_volume_for_every_sound_would_clip(monkeypatch):
    import game.mix

    monkeypatch.setattr(game.mix, "GAINS", {})
    monkeypatch.setattr(game.mix, "DEFAULT_GAIN", 0.7)  # what the game played everything at before
    assert loudest_sum(peaks()) > 1.0


def test_voices_are_heard_over_the_ducked_loops_and_gunfire_over_the_loops():
    files = peaks()
    ducked = max(files[name] * gain(name) * DUCK for name in LOOPS)
    assert all(files[voice] * gain(voice) > 2 * ducked for voice in VOICES)
    assert files["gunshot"] * gain("gunshot") > max(files[name] * gain(name) for name in LOOPS)


# -- the settings file ----------------------------------------------------------------


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_volume_is_always_held_to_0_1(volume):
    held = clamp_volume(volume)
    assert 0.0 <= held <= 1.0
    if math.isfinite(volume) and 0 <= volume <= 1:
        assert abs(held - volume) <= 0.005


@given(st.floats(0, 1), st.booleans())
def test_settings_come_back_as_saved(tmp_path_factory, volume, muted):
    path = tmp_path_factory.mktemp("sound") / "sound.json"
    assert sound_settings.save(SoundSettings(clamp_volume(volume), muted), path)
    assert sound_settings.load(path) == SoundSettings(clamp_volume(volume), muted)


def test_a_missing_file_means_the_defaults_in_silence(tmp_path, capsys):
    assert sound_settings.load(tmp_path / "none.json") == SoundSettings()
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("text, problem", [
    ("{not json", "not JSON (line 1"),
    ('{"version": 7, "volume": 0.5}', "not a version 1 sound settings file"),
    ('{"version": 1, "volume": true}', "'volume' is not a number from 0 to 1"),
    ('{"version": 1, "volume": 3}', "'volume' is not a number from 0 to 1"),
    ('{"version": 1, "volume": 0.5, "muted": "yes"}', "'muted' is not true or false"),
    ("[1, 2]", "not a version 1 sound settings file"),
])
def test_a_corrupt_file_is_ignored_with_one_line(tmp_path, capsys, text, problem):
    path = tmp_path / "sound.json"
    path.write_text(text, encoding="utf-8")
    assert sound_settings.load(path) == SoundSettings()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"sound settings: ignoring {path}: {problem}")


def test_the_file_lives_in_the_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("WANTED_DATA_DIR", str(tmp_path))
    assert sound_settings.default_path() == tmp_path / "sound.json"


# -- the real mixer on SDL's dummy driver -----------------------------------------------


@pytest.fixture
def audio(tmp_path):
    from game.pg.audio import PygameAudio

    made = PygameAudio(settings=tmp_path / "sound.json")
    assert made.enabled
    yield made
    made.close()


def test_a_firefight_never_cuts_a_loop_off(audio):
    audio.loop("siren")
    audio.loop("radio_chatter")
    siren = audio._sound("siren")
    for _ in range(3 * len(ONE_SHOT_CHANNELS)):
        audio.play("gunshot")
    assert pygame.mixer.Channel(audio._loops["siren"]).get_sound() is siren
    assert all(pygame.mixer.Channel(i).get_busy() for i in ONE_SHOT_CHANNELS)


def channel_volume(audio, sound: str) -> float:
    return pygame.mixer.Channel(audio._loops[sound]).get_volume()


def test_master_volume_and_mute_reach_every_channel_and_loops_go_on(audio):
    audio.loop("siren")
    audio.play("gunshot")
    audio.set_master_volume(0.5)
    assert audio.master_volume == 0.5 and channel_volume(audio, "siren") == pytest.approx(0.5, abs=0.01)
    assert audio.toggle_mute() is True
    assert channel_volume(audio, "siren") == 0.0 and audio.looping == {"siren"}
    audio.play("heal")  # a one-shot while muted is silent too
    busy = [pygame.mixer.Channel(i) for i in ONE_SHOT_CHANNELS if pygame.mixer.Channel(i).get_busy()]
    assert busy and all(channel.get_volume() == 0.0 for channel in busy)
    assert audio.toggle_mute() is False
    assert channel_volume(audio, "siren") == pytest.approx(0.5, abs=0.01)
    audio.set_master_volume(7)
    assert audio.master_volume == 1.0
    audio.set_master_volume(-1)
    assert audio.master_volume == 0.0


def test_the_setting_is_remembered_between_runs(tmp_path):
    from game.pg.audio import PygameAudio

    path = tmp_path / "sound.json"
    first = PygameAudio(settings=path)
    first.set_master_volume(0.3)
    first.toggle_mute()
    first.close()
    assert json.loads(path.read_text()) == {"version": 1, "volume": 0.3, "muted": True}
    second = PygameAudio(settings=path)
    assert (second.master_volume, second.muted) == (0.3, True)
    second.close()
    transient = PygameAudio(settings=None)
    transient.set_master_volume(0.9)
    transient.close()
    assert json.loads(path.read_text())["volume"] == 0.3


def test_the_siren_and_chatter_duck_while_a_voice_plays(audio):
    audio.set_master_volume(1.0)
    audio.loop("siren")
    audio.loop("radio_chatter")
    audio.engine("engine_1", 1.0)
    audio.play("radio_pursuit")
    assert audio.ducking
    assert channel_volume(audio, "siren") == pytest.approx(DUCK, abs=0.01)
    assert channel_volume(audio, "radio_chatter") == pytest.approx(DUCK, abs=0.01)
    audio._engine.ramp = 1.0  # faded in
    audio._engine.apply()
    assert pygame.mixer.Channel(audio._engine.channel).get_volume() == pytest.approx(1.0, abs=0.01)
    audio.update()
    assert audio.ducking, "the voice still plays"
    audio.loop("siren")  # restarted by a resync while ducked: still ducked
    assert channel_volume(audio, "siren") == pytest.approx(DUCK, abs=0.01)
    for channel, _clip in audio._voices:
        channel.stop()  # the line is over
    audio.update()
    assert not audio.ducking
    assert channel_volume(audio, "siren") == pytest.approx(1.0, abs=0.01)


def test_a_voice_whose_channel_another_sound_took_ends_the_duck(audio):
    audio.loop("siren")
    audio.play("radio_we_lost_him")
    (channel, _clip), = audio._voices
    channel.play(audio._sound("gunshot"))
    audio.update()
    assert not audio.ducking


def test_while_paused_no_one_shot_starts(audio):
    audio.pause()
    audio.play("gunshot")
    assert not any(pygame.mixer.Channel(i).get_busy() for i in ONE_SHOT_CHANNELS)
    audio.resume()
    audio.play("gunshot")
    assert any(pygame.mixer.Channel(i).get_busy() for i in ONE_SHOT_CHANNELS)


def test_keys_m_minus_and_plus_change_the_sound_in_the_window(tmp_path):
    from game.build import build_game
    from game.pg.audio import PygameAudio
    from game.pg.play import run_window

    world = build_game(seed=0, npcs=5).world
    audio = PygameAudio(settings=tmp_path / "sound.json")
    audio.set_master_volume(0.5)
    keys = [pygame.K_MINUS, pygame.K_MINUS, pygame.K_EQUALS, pygame.K_m]
    frames = [0]

    def between_frames() -> None:
        frames[0] += 1
        if frames[0] == 1:
            for key in keys:
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    try:
        run_window(world, seconds=10, between_frames=between_frames, mixer=audio)
    finally:
        audio.close()
    assert (audio.master_volume, audio.muted) == (0.4, True)
    assert sound_settings.load(tmp_path / "sound.json") == SoundSettings(0.4, True)


def test_the_note_says_what_changed():
    from game.pg.volume_keys import NOTE_FRAMES, VolumeKeys

    class Knob:
        master_volume, muted = 0.7, False

        def set_master_volume(self, volume: float) -> None:
            self.master_volume = clamp_volume(volume)

        def toggle_mute(self) -> bool:
            self.muted = not self.muted
            return self.muted

    keys = VolumeKeys(Knob())
    assert not keys.handle_key(pygame.K_a)
    assert keys.handle_key(pygame.K_KP_PLUS) and keys.text() == "Volume 80%  (- / +)"
    assert keys.handle_key(pygame.K_m) and keys.text() == "Sound muted  (M)"
    surface = pygame.Surface((640, 360))
    for _ in range(NOTE_FRAMES):
        keys.draw(surface)
    assert keys.showing == 0
    assert surface.get_at((320, 52))[:3] == (0, 0, 0)


def test_p_pauses_the_real_mixer_and_p_again_resumes_it(tmp_path, monkeypatch):
    from game.build import build_game
    from game.pg.audio import PygameAudio
    from game.pg.play import run_window

    world = build_game(seed=0, npcs=5).world
    world.resources["audio"].play(world, "siren", loop=True)  # as the police-chase alarm would
    audio = PygameAudio(settings=tmp_path / "sound.json")
    heard: list[str] = []
    real_pause, real_unpause = pygame.mixer.pause, pygame.mixer.unpause
    monkeypatch.setattr(pygame.mixer, "pause", lambda: (heard.append("pause"), real_pause())[1])
    monkeypatch.setattr(pygame.mixer, "unpause", lambda: (heard.append("unpause"), real_unpause())[1])
    frames = [0]

    def press(key: int) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))

    def between_frames() -> None:
        frames[0] += 1
        if frames[0] == 2:
            press(pygame.K_p)
        elif frames[0] == 3:
            assert audio.paused and audio.looping == {"siren"}, "held, not stopped"
            press(pygame.K_p)
        elif frames[0] == 4:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    try:
        app = run_window(world, seconds=10, between_frames=between_frames, mixer=audio)
    finally:
        audio.close()
    assert not app.paused and not audio.paused
    assert heard == ["pause", "unpause"]


OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("volume"), st.floats(-0.5, 1.5)),
    st.tuples(st.just("mute"), st.none()),
    st.tuples(st.sampled_from(["loop", "stop"]), st.sampled_from(["siren", "radio_chatter"])),
    st.tuples(st.just("play"), st.sampled_from(["gunshot", "radio_pursuit", "radio_shots_fired", "heal"])),
    st.tuples(st.just("voice_over"), st.none()),
    st.tuples(st.sampled_from(["pause", "resume", "update"]), st.none()),
), max_size=25)


@settings(max_examples=30, deadline=None)
@given(OPERATIONS)
def test_every_channel_always_plays_at_the_level_the_settings_and_the_duck_say(tmp_path_factory, operations):
    from game.pg.audio import PygameAudio

    audio = PygameAudio(settings=tmp_path_factory.mktemp("sound") / "sound.json")
    try:
        for name, argument in operations:
            if name == "volume":
                audio.set_master_volume(argument)
            elif name == "mute":
                audio.toggle_mute()
            elif name == "voice_over":
                for channel, _clip in audio._voices:
                    channel.stop()
            elif argument is None:
                getattr(audio, name)()
            else:
                getattr(audio, name)(argument)
            assert 0.0 <= audio.master_volume <= 1.0
            for sound, index in audio._loops.items():
                assert pygame.mixer.Channel(index).get_volume() == pytest.approx(audio.channel_level(sound), abs=0.01)
            for index in ONE_SHOT_CHANNELS:
                assert pygame.mixer.Channel(index).get_volume() == pytest.approx(audio.level, abs=0.01)
        audio.update()
        voices_playing = any(channel.get_busy() and channel.get_sound() is clip for channel, clip in audio._voices)
        assert audio.ducking == voices_playing
    finally:
        audio.close()
