"""How ``python -m engine replay`` rebuilds this game's world (an entry point)."""

from __future__ import annotations

from typing import Any

from engine import World
from game.build import build_game


def replay_game(seed: int, options: dict[str, Any]) -> World:
    """A fresh game world for a replay: same seed and options, no trigger files
    (the log's ``TriggersLoaded`` input installs the ones the run had)."""
    extra = {k: v for k, v in options.items() if k not in ("game", "npcs")}
    game = build_game(seed=seed, npcs=int(options.get("npcs", 40)), triggers=None, options=extra)
    return game.world
