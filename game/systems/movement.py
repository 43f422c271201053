"""Movement: velocities move entities, walls stop them, cars hit people."""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Corpse, Motion, Position, Vehicle, Velocity
from game.events import PedestrianHit
from game.passability import passability
from game.spatial import CELL_SHIFT, spatial_index
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
    the bounds test and the lookup are inlined, attributes are read once
    into locals, and the query is over :class:`Motion` alone (see there why).
    Order does not matter (no randomness, no events).
    """
    city = game_state(world).city
    dt = world.dt
    edge = city.size_px
    tables: dict[float, tuple[bytes, ...]] = {}
    index = spatial_index(world)
    cell_of, place = index.cell_of, index.place
    # The plain version is ``for entity, motion in esper.get_component(Motion)``.
    # But esper forgets its query results whenever any entity is created or
    # deleted (a shot's tracer, a police unit, each departure and arrival),
    # and rebuilding this one makes a list of a tuple a body, whose garbage
    # collection comes with it: about 1 ms at 1,000 bodies on a busy 2-core
    # machine, in exactly the ticks that are already the busiest.  So the loop
    # walks esper's own tables, the same entities in the same order as that
    # query, building nothing.  (esper<4 is pinned; time travel reads the same tables.)
    owners, components = esper._components.get(Motion, ()), esper._entities
    for entity in owners:
        motion = components[entity][Motion]
        position, previous, velocity, body = motion.position, motion.previous, motion.velocity, motion.body
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
            y = position.y = ny
        # index.place(entity, x, y), called only when the body changed cells (rarely: cells are 128 px).
        if cell_of.get(entity) != (int(x) >> CELL_SHIFT, int(y) >> CELL_SHIFT):
            place(entity, x, y)
    # Drivers ride along inside their cars.
    for _car, (vehicle, car_position) in esper.get_components(Vehicle, Position):
        if vehicle.driver is not None and esper.entity_exists(vehicle.driver):
            driver = esper.component_for_entity(vehicle.driver, Position)
            driver.x, driver.y = car_position.x, car_position.y
            place(vehicle.driver, driver.x, driver.y)
    # Who was despawned before this point is out of esper's queries from the next step on.
    index.gone.clear()


#: A car this close to a pedestrian knocks him down.
HIT_DISTANCE = 24.0


def run_over(world: World) -> None:
    """System: a moving car driven by the player knocks down pedestrians it touches."""
    state = game_state(world)
    player, crowd = state.player, state.crowd
    for _car, (vehicle, position, velocity) in esper.get_components(Vehicle, Position, Velocity):
        if vehicle.driver != player or math.hypot(velocity.x, velocity.y) < 60:
            continue
        for ped in spatial_index(world).near(position.x, position.y, HIT_DISTANCE):
            if ped not in crowd.members or esper.has_component(ped, Corpse):
                continue
            ped_position = esper.component_for_entity(ped, Position)
            if math.dist((position.x, position.y), (ped_position.x, ped_position.y)) < HIT_DISTANCE:
                world.emit(PedestrianHit(player, ped))
