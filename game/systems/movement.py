"""Movement: velocities move entities, walls stop them, cars hit people."""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Body, Corpse, Heading, Pedestrian, Player, Position, PreviousPosition, Vehicle, Velocity
from game.events import PedestrianHit
from game.passability import passability
from game.state import game_state


def move(world: World) -> None:
    """System: remember last positions, integrate velocities with wall sliding.

    Each axis moves on its own, so a body slides along a wall instead of
    sticking.  The plain version of the loop body is::

        previous.x, previous.y = position.x, position.y
        if not city.blocked(position.x + velocity.x * dt, position.y, body.radius):
            position.x += velocity.x * dt
        if not city.blocked(position.x, position.y + velocity.y * dt, body.radius):
            position.y += velocity.y * dt

    It runs for every body every tick (a thousand pedestrians make it the
    hottest loop of the game), so ``city.blocked`` is replaced by a lookup
    in the precomputed table for the body's radius (:mod:`game.passability`),
    the bounds test and the lookup are inlined, and attributes are read
    once into locals.  Order does not matter (no randomness, no events).
    """
    city = game_state(world).city
    dt = world.dt
    edge = city.size_px
    tables: dict[float, tuple[bytes, ...]] = {}
    for _, (position, previous, velocity, body) in esper.get_components(Position, PreviousPosition, Velocity,
                                                                           Body):
        x = previous.x = position.x
        y = previous.y = position.y
        vx, vy = velocity.x, velocity.y
        if not vx and not vy:
            continue
        rows = tables.get(body.radius)
        if rows is None:
            rows = tables[body.radius] = passability(city, body.radius).rows
        nx = x + vx * dt
        if 0 <= nx < edge and 0 <= y < edge and not rows[int(y)][int(nx)]:
            x = position.x = nx
        ny = y + vy * dt
        if 0 <= ny < edge and 0 <= x < edge and not rows[int(ny)][int(x)]:
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
