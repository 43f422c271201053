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
    Traffic,
    Vehicle,
    Velocity,
    motion_of,
)
from game.state import game_state

#: Collision radii: people, pedestrians, cars.
PERSON, PEDESTRIAN, CAR = 9, 8, 20
BODY_RADII = (PERSON, PEDESTRIAN, CAR)


def _placed(x: float, y: float, angle: float = 0.0) -> tuple[Position, PreviousPosition, Heading, Velocity]:
    return Position(x, y), PreviousPosition(x, y), Heading(angle), Velocity()


def _create(world: World, x: float, y: float, *components: object) -> int:
    """Create a body at (x, y) with its Motion, placed in the world's spatial index (if it has one)."""
    entity = world.create_entity(*components, motion_of(*components))
    index = world.resources.get("spatial")
    if index is not None:
        index.place(entity, x, y)
    return entity


def spawn_player(world: World, x: float, y: float) -> int:
    """The hero."""
    return _create(world, x, y, *_placed(x, y), Body(PERSON), Health(100), Appearance("player"), Player())


def spawn_car(world: World, x: float, y: float, angle: float = 0.0, police: bool = False) -> int:
    """A parked car (or a police car)."""
    sprite = "police_car" if police else f"car_{world.rng.randrange(4)}"
    return _create(world, x, y, *_placed(x, y, angle), Body(CAR), Appearance(sprite), Vehicle(police=police))


#: How many colours traffic cars come in (sprites traffic_car_0.png, ...).
TRAFFIC_COLOURS = 3


def spawn_traffic_car(world: World, x: float, y: float, angle: float, traffic: Traffic) -> int:
    """A civilian car that drives the roads by itself (game.traffic drives it)."""
    sprite = f"traffic_car_{world.rng.randrange(TRAFFIC_COLOURS)}"
    return _create(world, x, y, *_placed(x, y, angle), Body(CAR), Appearance(sprite), Vehicle(), traffic)


def spawn_goon(world: World, x: float, y: float) -> int:
    """A hostile gunman guarding his corner."""
    return _create(world, x, y, *_placed(x, y, math.pi), Body(PERSON), Health(40), Appearance("goon"),
                   Goon(home=(x, y)))


def spawn_pedestrian(world: World, x: float, y: float) -> int:
    """A civilian."""
    sprite = f"pedestrian_{world.rng.randrange(4)}"
    angle = world.rng.uniform(-math.pi, math.pi)
    entity = _create(world, x, y, *_placed(x, y, angle), Body(PEDESTRIAN), Health(30), Appearance(sprite), Pedestrian())
    world.activate()
    game_state(world).crowd.join(entity, world.tick)  # picks a goal on its first tick
    return entity


def spawn_police_car(world: World, x: float, y: float) -> int:
    """A police unit: a police car that drives itself."""
    return _create(world, x, y, *_placed(x, y), Body(CAR), Appearance("police_car"), Vehicle(police=True),
                               Police(), Health(80))
