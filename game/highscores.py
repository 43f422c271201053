"""The high-score table: the best runs, kept in the player's data directory.

Pure Python (no pygame), so the game-over screen and tests share it.  The
file lives in the platform's user data directory (``platformdirs``: e.g.
``~/.local/share/wanted`` on Linux), never in the repository;
``WANTED_DATA_DIR`` points it elsewhere (tests use a temporary folder).
A missing file is an empty table; an unreadable or corrupt one is ignored
with one line on stderr and replaced on the next save, never a crash.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.datafile import read_json, write_json

#: Environment variable naming the folder for the game's saved data (overrides the platform's).
DATA_DIR_VARIABLE = "WANTED_DATA_DIR"
FILE_NAME = "highscores.json"
#: How many runs the table keeps.
TABLE_SIZE = 10
#: Bumped if the file's layout ever changes; other versions are treated as corrupt.
FORMAT_VERSION = 1
#: Beyond these a table is corrupt, not a record: no run scores a billion, and a reason is a few words.
MAX_SCORE = 10**9
MAX_REASON = 80


@dataclass(frozen=True, order=True)
class Entry:
    """One finished run: its score, the seed it was played on and how it ended."""

    score: int
    seed: int = 0
    reason: str = ""


def data_dir() -> Path:
    """Where the game keeps its data: ``$WANTED_DATA_DIR``, or the platform's user data directory."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("wanted", appauthor=False))


def default_path() -> Path:
    """The high-score file in :func:`data_dir`."""
    return data_dir() / FILE_NAME


def ranked(entries: list[Entry]) -> list[Entry]:
    """Best first; among equal scores the earlier run stays ahead; at most :data:`TABLE_SIZE`."""
    # sorted() is stable, so equal scores keep the order they were set in.
    return sorted(entries, key=lambda entry: -entry.score)[:TABLE_SIZE]


class HighScores:
    """The table in one file: :meth:`load` once, :meth:`add` each finished run (saved at once)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()
        self.entries: list[Entry] = []

    def load(self) -> HighScores:
        """Read the file (a missing one is an empty table; a bad one is reported in one line and ignored)."""
        self.entries = []
        try:
            data = read_json(self.path)
            if data is not None:
                self.entries = ranked(_parse(data))
        except ValueError as error:   # DataFileError too
            self._warn(str(error))
        return self

    def rank_of(self, score: int) -> int | None:
        """The place (1 = best) a run with ``score`` would take, or None if it would not make the table."""
        place = 1 + sum(1 for entry in self.entries if entry.score >= score)
        return place if place <= TABLE_SIZE else None

    def add(self, entry: Entry) -> int | None:
        """Put a finished run in the table and save it; its place (1 = best), or None if it did not make it."""
        place = self.rank_of(entry.score)
        if place is None:
            return None
        self.entries.insert(place - 1, entry)
        self.entries = self.entries[:TABLE_SIZE]
        self.save()
        return place

    def save(self) -> bool:
        """Write the table (via a temporary file, so a crash never leaves half a file); False if it failed."""
        data = {"version": FORMAT_VERSION,
                "scores": [{"score": e.score, "seed": e.seed, "reason": e.reason} for e in self.entries]}
        try:
            write_json(self.path, data, indent=1)
        except OSError as error:
            print(f"high scores: cannot save {self.path}: {error}", file=sys.stderr)
            return False
        return True

    def _warn(self, problem: str) -> None:
        print(f"high scores: ignoring {self.path}: {problem}", file=sys.stderr)


def _parse(data: Any) -> list[Entry]:
    """The entries of a high-score file's JSON value; ValueError naming what is wrong with it."""
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError(f"not a version {FORMAT_VERSION} high-score table")
    scores = data.get("scores")
    if not isinstance(scores, list):
        raise ValueError("'scores' is not a list")
    entries = []
    for number, item in enumerate(scores, 1):
        if not isinstance(item, dict):
            raise ValueError(f"score {number} is not a table")
        score, seed, reason = item.get("score"), item.get("seed", 0), item.get("reason", "")
        # bool is an int in Python; a score of `true` is corruption, not 1.
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (score, seed))
        if not whole or not isinstance(reason, str):
            raise ValueError(f"score {number} needs a whole-number score and seed and a text reason")
        if abs(score) > MAX_SCORE or len(reason) > MAX_REASON:
            raise ValueError(f"score {number} is out of range (a score of at most {MAX_SCORE:,}, "
                             f"a reason of at most {MAX_REASON} characters)")
        entries.append(Entry(score, seed, reason))
    return entries
