"""The goal of a run: cash to collect, a score, and a run that ends.

The score changes only through :func:`add_score` (a behaviour triggers call,
recorded as :class:`~game.events.ScoreChanged` with its reason), and the run
ends once, through :func:`end_run` (recorded as :class:`~game.events.RunEnded`).
After the run has ended the score no longer changes.
"""

from __future__ import annotations

import esper

from engine import World
from engine.scripting import Entity
from game.components import Appearance, Body, Cash, Heading, Position, PreviousPosition, Velocity, motion_of
from game.events import CashAppeared, RunEnded, ScoreChanged
from game.state import game_state

#: The one-line goal the HUD shows (and fades) at the start of a run.
GOAL_HINT = "Collect the cash before time runs out -- crimes pay more, but the police will come"
#: A pickup's collision radius (the player picks it up when their bodies touch).
CASH_RADIUS = 7


def add_score(world: World, amount: int, reason: str) -> None:
    """Add ``amount`` to the score (negative: a penalty; the score never goes below 0).

    Nothing changes once the run has ended.  Recorded as ScoreChanged(before, after, reason).
    """
    state = game_state(world)
    if state.run_over:
        return
    before = state.score
    state.score = max(0, before + amount)
    if state.score != before:
        world.emit(ScoreChanged(before, state.score, reason))


def end_run(world: World, reason: str) -> None:
    """End the run (once: a second call does nothing), recorded as RunEnded(reason, score)."""
    state = game_state(world)
    if state.run_over:
        return
    state.run_over = reason
    world.emit(RunEnded(reason, state.score))


def place_cash(world: World, x: float, y: float, value: int) -> int:
    """Put cash worth ``value`` in the street at (x, y), recorded as CashAppeared."""
    x, y = round(x, 1), round(y, 1)
    components = (Position(x, y), PreviousPosition(x, y), Heading(0.0), Velocity(), Body(CASH_RADIUS),
                  Appearance("cash"), Cash(value))
    entity = world.create_entity(*components, motion_of(*components))
    index = world.resources.get("spatial")
    if index is not None:
        index.place(entity, x, y)
    world.emit(CashAppeared(entity, (x, y), value))
    return entity


def drop_cash(world: World, target: Entity, value: int) -> None:
    """The target drops cash worth ``value`` where it stands (a goon or a victim of a crime)."""
    world.activate()
    position = esper.try_component(target, Position)
    if position is not None and value > 0:
        place_cash(world, position.x, position.y, value)
