"""Movement: velocities move entities, walls stop them, cars hit people."""

from __future__ import annotations

import math

import esper

from engine import World
from game.city import City
from game.components import Corpse, Motion, Position, Vehicle, Velocity
from game.events import PedestrianHit
from game.motion_table import motion_table
from game.passability import passability
from game.spatial import CELL_SHIFT, SpatialIndex, spatial_index
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
        if the body now stands in another cell of the spatial index: index.place(...)

    It runs for every body every tick (5,000 pedestrians make it the hottest
    loop of the game), so it is shaped for speed, giving the same positions:

    * ``city.blocked`` is a lookup in the precomputed table for the body's
      radius (:mod:`game.passability`), fetched again only when the radius
      differs from the last body's;
    * "is the pixel on the map" is one test, ``not (px | py) >> shift``,
      in a table widened with blocked pixels to a power-of-two square
      (a negative pixel fails it too), instead of four comparisons;
    * each whole pixel is computed once and serves the table lookup and
      the spatial index's cell;
    * attributes are read once into locals, and the query is over
      :class:`Motion` alone (see there why).

    Anything the fast path cannot take (a NaN or infinite coordinate, a
    body of radius 0, for which a coordinate between -1 and 0 would round
    onto the map) takes :func:`_plain_step`.  Order does not matter (no
    randomness, no events).
    """
    city = game_state(world).city
    dt = world.dt
    index = spatial_index(world)
    cell_of, place = index.cell_of, index.place
    # The plain version is ``for entity, motion in esper.get_component(Motion)``.
    # But esper forgets its query results whenever any entity is created or
    # deleted (a shot's tracer, a police unit, each departure and arrival),
    # and rebuilding this one makes a list of a tuple a body, whose garbage
    # collection comes with it: about 1 ms at 1,000 bodies on a busy 2-core
    # machine, in exactly the ticks that are already the busiest.  So the loop
    # walks esper's own set of the bodies, the same entities in the same order
    # as that query, building nothing, and finds each one's Motion in the
    # world's MotionTable (see there why not in esper's ``_entities[entity]``).
    # (esper<4 is pinned; time travel reads the same tables.)
    owners, motions = motion_table(world).current()
    radius = rows = shift = None
    for entity in owners:
        motion = motions[entity]
        position, previous = motion.position, motion.previous
        x = previous.x = position.x
        y = previous.y = position.y
        velocity = motion.velocity
        vx, vy = velocity.x, velocity.y
        if not vx and not vy:
            continue
        if motion.body.radius != radius:
            radius = motion.body.radius
            table = passability(city, radius) if radius > 0 else None
            rows, shift = (table.padded_rows, table.bound_shift) if table is not None else (None, None)
        if rows is None:
            _plain_step(city, entity, motion, dt, index)
            continue
        nx, ny = x + vx * dt, y + vy * dt
        try:
            px, py = int(nx), int(y)
            if not (px | py) >> shift and not rows[py][px]:
                x = position.x = nx
            else:
                px = int(x)
            qy = int(ny)
            if not (px | qy) >> shift and not rows[qy][px]:
                y = position.y = ny
                py = qy
        except (ValueError, OverflowError):  # int() of NaN or of an infinity
            position.x, position.y = previous.x, previous.y
            _plain_step(city, entity, motion, dt, index)
            continue
        # index.place(entity, x, y), called only when the body changed cells (rarely: cells are 128 px).
        if cell_of.get(entity) != (px >> CELL_SHIFT, py >> CELL_SHIFT):
            place(entity, x, y)
    # Drivers ride along inside their cars.
    for _car, (vehicle, car_position) in esper.get_components(Vehicle, Position):
        if vehicle.driver is not None and esper.entity_exists(vehicle.driver):
            driver = esper.component_for_entity(vehicle.driver, Position)
            driver.x, driver.y = car_position.x, car_position.y
            place(vehicle.driver, driver.x, driver.y)
    # Who was despawned before this point is out of esper's queries from the next step on.
    index.gone.clear()


def _plain_step(city: City, entity: int, motion: Motion, dt: float, index: SpatialIndex) -> None:
    """The movement rule for one body, written plainly (``previous`` already set)."""
    position, velocity = motion.position, motion.velocity
    blocked = passability(city, motion.body.radius).blocked
    nx = position.x + velocity.x * dt
    if not blocked(nx, position.y):
        position.x = nx
    ny = position.y + velocity.y * dt
    if not blocked(position.x, ny):
        position.y = ny
    x, y = position.x, position.y
    if x == x and y == y and abs(x) != math.inf and abs(y) != math.inf:  # a cell needs whole pixels
        index.place(entity, x, y)


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
