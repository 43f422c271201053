"""Movement: velocities move entities, walls stop them, cars hit people."""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Body, Corpse, Heading, Pedestrian, Player, Position, PreviousPosition, Vehicle, Velocity
from game.events import PedestrianHit
from game.state import game_state


def move(world: World) -> None:
    """System: remember last positions, integrate velocities with wall sliding."""
    city = game_state(world).city
    dt = world.dt
    for _, (position, previous) in esper.get_components(Position, PreviousPosition):
        previous.x, previous.y = position.x, position.y
    for _, (position, velocity, body) in sorted(esper.get_components(Position, Velocity, Body)):
        if not velocity.x and not velocity.y:
            continue
        # Move one axis at a time so an entity slides along a wall instead of sticking.
        nx = position.x + velocity.x * dt
        if not city.blocked(nx, position.y, body.radius):
            position.x = nx
        ny = position.y + velocity.y * dt
        if not city.blocked(position.x, ny, body.radius):
            position.y = ny
    # Drivers ride along inside their cars.
    for _car, (vehicle, car_position) in esper.get_components(Vehicle, Position):
        if vehicle.driver is not None and esper.entity_exists(vehicle.driver):
            driver = esper.component_for_entity(vehicle.driver, Position)
            driver.x, driver.y = car_position.x, car_position.y


def run_over(world: World) -> None:
    """System: a moving car driven by the player knocks down pedestrians it touches."""
    player = game_state(world).player
    for _car, (vehicle, position, velocity) in esper.get_components(Vehicle, Position, Velocity):
        if vehicle.driver != player or math.hypot(velocity.x, velocity.y) < 60:
            continue
        for ped, (_, ped_position) in sorted(esper.get_components(Pedestrian, Position)):
            if esper.has_component(ped, Corpse):
                continue
            if math.dist((position.x, position.y), (ped_position.x, ped_position.y)) < 24:
                world.emit(PedestrianHit(player, ped))


def face_motion(world: World) -> None:
    """System: non-player characters face the way they move."""
    for entity, (velocity, heading) in esper.get_components(Velocity, Heading):
        if esper.has_component(entity, Player):
            continue
        if velocity.x or velocity.y:
            heading.angle = math.atan2(velocity.y, velocity.x)
