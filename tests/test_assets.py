"""Sanity checks for the generated sprites and sounds in assets/.

These tests only read the committed files; they never run espeak-ng or sox.
Regenerate the assets with ``python tools/make_assets.py``.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import array
import itertools
import math
import sys
import wave
from pathlib import Path

import pygame
import pytest

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SPRITES = ASSETS / "sprites"
SOUNDS = ASSETS / "sounds"

PERSON = (24, 24)
CAR = (48, 24)
TILE = (64, 64)

SPRITE_SIZES: dict[str, tuple[int, int]] = {
    "player.png": PERSON,
    **{f"pedestrian_{i}.png": PERSON for i in range(4)},
    "goon.png": PERSON,
    "police.png": PERSON,
    **{f"car_{i}.png": CAR for i in range(4)},
    "police_car.png": CAR,
    "police_car_lights.png": CAR,
    "tile_road.png": TILE,
    "tile_road_line_h.png": TILE,
    "tile_road_line_v.png": TILE,
    "tile_crossing.png": TILE,
    "tile_sidewalk.png": TILE,
    "tile_grass.png": TILE,
    **{f"tile_building_{i}.png": TILE for i in range(3)},
    "tile_hospital.png": TILE,
    "bullet.png": (6, 6),
    "muzzle_flash.png": (12, 12),
    "star_full.png": (20, 20),
    "star_empty.png": (20, 20),
    "heart.png": (16, 16),
    "cash.png": (18, 14),
}

# name -> (min seconds, max seconds)
SOUND_LENGTHS: dict[str, tuple[float, float]] = {
    "siren.wav": (2.0, 4.0),
    "gunshot.wav": (0.2, 0.6),
    "heal.wav": (0.3, 1.0),
    "radio_chatter.wav": (4.0, 6.0),
    "radio_pursuit.wav": (1.5, 6.0),
    "radio_we_lost_him.wav": (1.0, 6.0),
    "radio_shots_fired.wav": (1.5, 6.0),
    "wasted.wav": (0.8, 1.6),
    "car_door.wav": (0.15, 0.5),
    "engine.wav": (0.5, 1.5),
    **{f"engine_{band}.wav": (0.5, 1.5) for band in (1, 2, 3)},
}


def read_pcm(path: Path) -> tuple[wave._wave_params, array.array]:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        frames = wav.readframes(params.nframes)
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return params, samples


@pytest.mark.parametrize("name", sorted(SPRITE_SIZES))
def test_sprite(name: str) -> None:
    path = SPRITES / name
    assert path.is_file(), f"missing {path}"
    surf = pygame.image.load(str(path))
    assert surf.get_size() == SPRITE_SIZES[name]
    rgba = pygame.image.tobytes(surf, "RGBA")
    pixels = {rgba[i : i + 4] for i in range(0, len(rgba), 4)}
    assert any(p[3] > 0 for p in pixels), "sprite is fully transparent"
    visible = {p[:3] for p in pixels if p[3] > 0}
    assert len(visible) > 1, "sprite is a single flat colour"
    if name.startswith("tile_"):
        assert all(p[3] == 255 for p in pixels), "tiles must be opaque"


@pytest.mark.parametrize("name", sorted(SOUND_LENGTHS))
def test_sound(name: str) -> None:
    path = SOUNDS / name
    assert path.is_file(), f"missing {path}"
    params, samples = read_pcm(path)
    assert params.framerate == 22050
    assert params.nchannels == 1
    assert params.sampwidth == 2
    seconds = params.nframes / params.framerate
    lo, hi = SOUND_LENGTHS[name]
    assert lo <= seconds <= hi, f"{name} is {seconds:.2f}s"
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768
    assert rms > 0.02, f"{name} is (nearly) silent: rms={rms:.4f}"


def test_siren_loops_at_zero_crossing() -> None:
    _, samples = read_pcm(SOUNDS / "siren.wav")
    assert abs(samples[0]) < 330  # ~1% of full scale
    assert abs(samples[-1]) < 330
    assert abs(samples[-1] - samples[0]) < 330


def test_total_sound_size_is_small() -> None:
    total = sum(p.stat().st_size for p in SOUNDS.glob("*.wav"))
    assert total < 3 * 1024 * 1024


@pytest.mark.parametrize("name", ["engine.wav", "engine_1.wav", "engine_2.wav", "engine_3.wav"])
def test_engine_bands_loop_without_a_click(name: str) -> None:
    _, samples = read_pcm(SOUNDS / name)
    largest = max(abs(b - a) for a, b in itertools.pairwise(samples))
    # The seam (last sample to first) is a step like those inside the sound, not a click.
    assert abs(samples[0] - samples[-1]) <= largest
