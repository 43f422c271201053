"""Creating the game's entities: player, cars, goons, pedestrians, police."""

from __future__ import annotations

import math

from engine import World
from game.components import (
    Appearance,
    Body,
    Goon,
    Heading,
    Health,
    Pedestrian,
    Player,
    Police,
    Position,
    PreviousPosition,
    Vehicle,
    Velocity,
)


def _placed(x: float, y: float, angle: float = 0.0) -> tuple[Position, PreviousPosition, Heading, Velocity]:
    return Position(x, y), PreviousPosition(x, y), Heading(angle), Velocity()


def spawn_player(world: World, x: float, y: float) -> int:
    """The hero."""
    return world.create_entity(*_placed(x, y), Body(9), Health(100), Appearance("player"), Player())


def spawn_car(world: World, x: float, y: float, angle: float = 0.0, police: bool = False) -> int:
    """A parked car (or a police car)."""
    sprite = "police_car" if police else f"car_{world.rng.randrange(4)}"
    return world.create_entity(*_placed(x, y, angle), Body(20), Appearance(sprite), Vehicle(police=police))


def spawn_goon(world: World, x: float, y: float) -> int:
    """A hostile gunman guarding his corner."""
    return world.create_entity(*_placed(x, y, math.pi), Body(9), Health(40), Appearance("goon"), Goon(home=(x, y)))


def spawn_pedestrian(world: World, x: float, y: float) -> int:
    """A civilian."""
    sprite = f"pedestrian_{world.rng.randrange(4)}"
    angle = world.rng.uniform(-math.pi, math.pi)
    return world.create_entity(*_placed(x, y, angle), Body(8), Health(30), Appearance(sprite), Pedestrian())


def spawn_police_car(world: World, x: float, y: float) -> int:
    """A police unit: a police car that drives itself."""
    return world.create_entity(*_placed(x, y), Body(20), Appearance("police_car"), Vehicle(police=True),
                               Police(), Health(80))
