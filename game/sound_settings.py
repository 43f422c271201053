"""The player's sound settings (master volume, mute), remembered between runs.

Pure Python (no pygame), like :mod:`game.highscores`, whose data directory
it shares (``WANTED_DATA_DIR`` or the platform's user data directory).  A
missing file means the defaults; an unreadable or corrupt one is ignored
with one line on stderr and replaced on the next save, never a crash.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.datafile import read_json, write_json
from game.highscores import data_dir

FILE_NAME = "sound.json"
#: Bumped if the file's layout ever changes; other versions are treated as corrupt.
FORMAT_VERSION = 1
#: The master volume of a first run.
DEFAULT_VOLUME = 0.8


@dataclass(frozen=True)
class SoundSettings:
    """Master volume (0..1) and whether the sound is muted."""

    volume: float = DEFAULT_VOLUME
    muted: bool = False


def clamp_volume(volume: float) -> float:
    """``volume`` held to 0..1 (rounded to hundredths, so steps of 0.1 add up exactly)."""
    if not math.isfinite(volume):
        return DEFAULT_VOLUME
    return round(min(1.0, max(0.0, volume)), 2)


def default_path() -> Path:
    """The settings file in the game's data directory."""
    return data_dir() / FILE_NAME


def load(path: Path | None = None) -> SoundSettings:
    """The saved settings, or the defaults (a bad file is reported in one line and ignored)."""
    path = path if path is not None else default_path()
    try:
        data = read_json(path)
        return SoundSettings() if data is None else _parse(data)
    except ValueError as error:   # DataFileError too
        _warn(path, str(error))
        return SoundSettings()


def save(settings: SoundSettings, path: Path | None = None) -> bool:
    """Write ``settings`` (via a temporary file, so a crash never leaves half a file); False if it failed."""
    path = path if path is not None else default_path()
    data = {"version": FORMAT_VERSION, "volume": settings.volume, "muted": settings.muted}
    try:
        write_json(path, data)
    except OSError as error:
        print(f"sound settings: cannot save {path}: {error}", file=sys.stderr)
        return False
    return True


def _parse(data: Any) -> SoundSettings:
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError(f"not a version {FORMAT_VERSION} sound settings file")
    volume, muted = data.get("volume"), data.get("muted", False)
    # bool is an int in Python; a volume of `true` is corruption, not 1.
    if not isinstance(volume, int | float) or isinstance(volume, bool) or not 0 <= volume <= 1:
        raise ValueError("'volume' is not a number from 0 to 1")
    if not isinstance(muted, bool):
        raise ValueError("'muted' is not true or false")
    return SoundSettings(clamp_volume(float(volume)), muted)


def _warn(path: Path, problem: str) -> None:
    print(f"sound settings: ignoring {path}: {problem}", file=sys.stderr)
