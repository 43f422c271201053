"""The rules of the five wanted levels, checked over a game's whole log (shared by the tests)."""

from __future__ import annotations

from engine.record import Record
from game.build import Game

#: The reasons a score may fall for: each a penalty the busted triggers state.
PENALTIES = {"busted": "busted_penalty", "wasted": "wasted_penalty"}


def chain_types(game: Game, record: Record) -> list[str]:
    return [r.type for r in game.world.why(record.offset)]


def assert_the_rules_held(game: Game) -> None:
    """Stars 0-5, falling only when unseen (or reset by busted and wasted); health in bounds;
    the score falling only by a stated penalty."""
    tuning = game.state.tuning
    for record in game.world.log:
        data = record.data
        if record.type == "WantedLevelChanged":
            assert 0 <= data["after"] <= 5
            if data["after"] < data["before"]:
                assert data["after"] == 0
                causes = game.world.why(record.offset)
                reset = [c for c in causes if c.type in ("EscapedRadar", "Busted")
                         or (c.type == "BehaviourRan" and c.data["behaviour"] == "wasted")]
                assert reset, [c.type for c in causes]
        elif record.type == "EscapedRadar":
            assert data["seconds"] >= tuning.escape_seconds  # fell only when unseen that long
        elif record.type == "HealthChanged":
            assert 0 <= data["after"] <= 100
        elif record.type == "ScoreChanged" and data["after"] < data["before"]:
            assert data["reason"] in PENALTIES, data
            penalty = getattr(tuning, PENALTIES[data["reason"]])
            assert data["before"] - data["after"] == min(data["before"], penalty)
            assert {"Busted", "PlayerWasted"} & set(chain_types(game, record))  # the fall it punishes
        elif record.type == "ScoreChanged":
            assert data["after"] >= 0
