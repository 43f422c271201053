"""Shared headless game runs for the tests (each made once per session)."""

from __future__ import annotations

import functools
import io

from engine import codec
from game.build import Game, build_game
from game.headless import RunReport, run_headless


@functools.cache
def autopilot_run(seed: int = 0, seconds: float = 60.0, npcs: int = 40) -> tuple[Game, RunReport]:
    """A headless autopilot run (cached: runs are deterministic)."""
    game = build_game(seed=seed, npcs=npcs)
    report = run_headless(game, seconds)
    return game, report


def jsonl(game: Game) -> str:
    """The game's log as JSON Lines text."""
    out = io.StringIO()
    codec.write(game.world.log, out)
    return out.getvalue()
