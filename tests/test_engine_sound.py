"""The engine sound follows the speed of the car the player drives; it is read from the world, never logged."""

from __future__ import annotations

import esper
import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import World
from game.audio_reader import AudioReader
from game.build import build_game
from game.components import Player, Position, Vehicle, Velocity
from game.engine_sound import IDLE_LEVEL, EngineSound
from game.mix import ENGINE_BANDS


def driving_world(seed: int = 0):
    """A small game with the player put in the nearest free civilian car."""
    game = build_game(seed=seed, npcs=5)
    world, state = game.world, game.state
    world.activate()
    me = esper.component_for_entity(state.player, Position)
    cars = [(abs(p.x - me.x) + abs(p.y - me.y), car) for car, (v, p) in esper.get_components(Vehicle, Position)
            if not v.police and v.driver is None]
    car = min(cars)[1]
    esper.component_for_entity(car, Vehicle).driver = state.player
    esper.component_for_entity(state.player, Player).vehicle = car
    return world, state, car


def test_on_foot_the_engine_is_silent():
    game = build_game(seed=0, npcs=5)
    assert EngineSound(game.world).update() == (None, 0.0)


def test_a_world_without_a_game_is_silent():
    assert EngineSound(World(seed=1)).update() == (None, 0.0)


def test_standing_still_it_idles_and_driving_it_revs_up_to_the_top_band():
    world, _state, car = driving_world()
    engine = EngineSound(world)
    assert engine.update() == ("engine", IDLE_LEVEL)
    levels = []
    for _ in range(60):
        world.step()
        esper.component_for_entity(car, Velocity).x = 330.0  # flat out, whatever the walls say
        esper.component_for_entity(car, Velocity).y = 0.0
        levels.append(engine.update())
    bands = [ENGINE_BANDS.index(band) for band, _ in levels]
    assert bands == sorted(bands) and bands[-1] == len(ENGINE_BANDS) - 1
    assert [level for _, level in levels] == sorted(level for _, level in levels)
    assert levels[-1][1] > 0.95
    assert levels[5][1] < 0.9, "the revs follow the speed with a lag"


def test_the_note_holds_while_no_tick_runs_and_jumps_after_time_travel():
    world, _state, car = driving_world()
    engine = EngineSound(world)
    engine.update()
    for _ in range(10):
        world.step()
        esper.component_for_entity(car, Velocity).x = 330.0
        engine.update()
    held = engine.update()
    assert engine.update() == held  # paused: frames drawn, no ticks
    world.tick -= 5  # as after stepping back: no lag, the note is the car's speed now
    band, level = engine.update()
    assert level == pytest.approx(1.0) and band == ENGINE_BANDS[-1]


def test_leaving_the_car_or_wrecking_it_silences_the_engine():
    world, state, car = driving_world()
    engine = EngineSound(world)
    assert engine.update()[0] == "engine"
    esper.component_for_entity(car, Vehicle).wrecked = True
    assert engine.update() == (None, 0.0)
    esper.component_for_entity(car, Vehicle).wrecked = False
    esper.component_for_entity(state.player, Player).vehicle = None
    assert engine.update() == (None, 0.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 800), st.integers(-3, 8)), min_size=1, max_size=40))
def test_any_drive_gives_a_band_and_a_level_in_range(drive):
    world, _state, car = driving_world()
    engine = EngineSound(world)
    for speed, ticks in drive:
        world.tick = max(0, world.tick + ticks)
        esper.component_for_entity(car, Velocity).x = speed
        band, level = engine.update()
        assert band in ENGINE_BANDS and IDLE_LEVEL <= level <= 1.0
        assert 0.0 <= engine.revs <= 1.0


def test_it_is_presentation_the_log_never_hears_of_it():
    world, _state, _car = driving_world()
    engine = EngineSound(world)
    before = len(world.log)
    for _ in range(20):
        engine.update()
    assert len(world.log) == before


class EngineMixer:
    """A fake mixer that also takes the engine note."""

    def __init__(self) -> None:
        self.notes: list[tuple[str | None, float]] = []

    def play(self, sound: str) -> None: ...
    def loop(self, sound: str) -> None: ...
    def stop(self, sound: str) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...

    def engine(self, band: str | None, level: float) -> None:
        self.notes.append((band, level))


def test_the_audio_reader_tells_the_mixer_the_note_each_frame():
    world, _state, _car = driving_world()
    mixer = EngineMixer()
    reader = AudioReader(world, mixer)
    reader.update()
    reader.update()
    assert mixer.notes == [("engine", IDLE_LEVEL)] * 2


def test_the_real_mixer_crossfades_between_bands_and_falls_silent(tmp_path):
    from game.pg.audio import ENGINE_CHANNELS, ENGINE_FADE_FRAMES, PygameAudio

    audio = PygameAudio(settings=tmp_path / "sound.json")
    try:
        audio.set_master_volume(0.5)
        audio.engine("engine", 0.5)
        first = audio._engine.channel
        assert first in ENGINE_CHANNELS and pygame.mixer.Channel(first).get_busy()
        assert pygame.mixer.Channel(first).get_volume() == 0.0, "a band fades in"
        volumes = []
        for _ in range(ENGINE_FADE_FRAMES):
            audio.engine("engine", 0.5)
            volumes.append(pygame.mixer.Channel(first).get_volume())
        assert volumes == sorted(volumes) and volumes[-1] == pytest.approx(0.25, abs=0.01)
        audio.engine("engine", 1.0)  # same band, louder: same channel
        assert audio._engine.channel == first
        assert pygame.mixer.Channel(first).get_volume() == pytest.approx(0.5, abs=0.01)
        audio.engine("engine_2", 1.0)
        second = audio._engine.channel
        assert second != first and pygame.mixer.Channel(second).get_sound() is audio._sound("engine_2")
        for _ in range(ENGINE_FADE_FRAMES):
            audio.engine("engine_2", 1.0)
        assert pygame.mixer.Channel(second).get_volume() == pytest.approx(0.5, abs=0.01)
        audio.toggle_mute()
        assert pygame.mixer.Channel(second).get_volume() == 0.0
        audio.engine(None, 0.0)
        assert audio._engine.band is None
    finally:
        audio.close()
