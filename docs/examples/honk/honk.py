"""A Python extension: a new event and a new behaviour for the trigger files beside it.

The game loads every ``.py`` file in its triggers folder and calls its
``extend(registry)``: ``python -m game --headless --triggers DIR``.
"""

from __future__ import annotations

from engine import Event, World, event
from engine.scripting import Entity, Registry


@event
class PlayerHonked(Event):
    """The player sounded the horn ``times`` times."""

    entity: int
    times: int


def honk(world: World, target: Entity, times: int = 1) -> None:
    """Sound the horn of ``target``'s car ``times`` times (1 to 5)."""
    world.emit(PlayerHonked(target, max(1, min(5, times))))


def extend(registry: Registry) -> None:
    """Add the event and the behaviour to the game's registry."""
    registry.events(PlayerHonked)
    registry.add_behaviour(honk, emits=[PlayerHonked])
