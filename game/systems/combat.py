"""Gunfire: hitscan shots, tracers, and the crimes they make."""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Body, Corpse, Goon, Health, Pedestrian, Player, Police, Position, Tracer, Vehicle
from game.events import CrimeCommitted, Shot, ShotFired
from game.spatial import spatial_index
from game.state import game_state
from game.systems.spawning import BODY_RADII

RANGE = 320.0
#: How far away a pedestrian or police unit notices the player shooting.
WITNESS_RADIUS = 420.0
#: The largest body radius (a car's): how far from a bullet's path a hit can be.
REACH = max(BODY_RADII)
#: How far from a car's centre a bullet still hits it (cars are 48 by 24 px; any side counts as the long one).
CAR_HALF_WIDTH = 18


def fire(world: World, shooter: int, origin: tuple[float, float], angle: float,
         damage: tuple[int, int], accuracy: float) -> int | None:
    """Fire one bullet; returns the entity hit, if any.

    Records ``ShotFired`` always, ``Shot`` on a hit (naming the car it went
    into, if it hit one), and ``CrimeCommitted``
    when the player shoots where someone can see.  A miss scatters the aim,
    decided by the world's seeded RNG.
    """
    rng = world.rng
    if rng.random() > accuracy:
        angle += rng.choice((-1, 1)) * rng.uniform(0.12, 0.3)
    hit, car, end = _trace(world, shooter, origin, angle)
    world.create_entity(Tracer(origin, end, hostile=shooter != game_state(world).player))
    world.emit(ShotFired(shooter, origin, end))
    if hit is not None:
        world.emit(Shot(shooter, hit, rng.randint(*damage), vehicle=car))
    if shooter == game_state(world).player:
        _report_crime(world, origin, hit)
    return hit


def _trace(world: World, shooter: int, origin: tuple[float, float], angle: float
           ) -> tuple[int | None, int | None, tuple[float, float]]:
    """The first living body or civilian car along the ray (or the wall it stops
    at): (who is hit, the car the bullet went into or None, where it stopped).
    A car stops the bullet; whoever drives it is the one hit, or the car itself
    when nobody does."""
    city = game_state(world).city
    cos, sin = math.cos(angle), math.sin(angle)
    wall = RANGE
    for step in range(8, int(RANGE), 8):
        if city.solid_at(origin[0] + cos * step, origin[1] + sin * step):
            wall = step
            break
    best, best_t = None, wall
    drivers = {v.driver for _, v in esper.get_component(Vehicle) if v.driver is not None}
    # Only bodies near the path can be hit: ask the index for the path's box, widened by the largest body.
    ex, ey = origin[0] + cos * wall, origin[1] + sin * wall
    near = spatial_index(world).within(min(origin[0], ex) - REACH, min(origin[1], ey) - REACH,
                                       max(origin[0], ex) + REACH, max(origin[1], ey) + REACH)
    for entity in near:
        found = esper.try_components(entity, Position, Body, Health)
        if found is None or entity == shooter or esper.has_component(entity, Corpse):
            continue
        position, body, _health = found
        if entity in drivers and esper.has_component(entity, Player):
            continue  # a driver is hit through the car: the car is the target below
        px, py = position.x - origin[0], position.y - origin[1]
        t = px * cos + py * sin
        if t <= 0 or t >= best_t:
            continue
        miss = abs(px * sin - py * cos)
        if miss <= body.radius:
            best, best_t = entity, t
    best_car = None
    for car, (vehicle, position) in sorted(esper.get_components(Vehicle, Position)):
        if vehicle.police or vehicle.driver == shooter or car == shooter:
            continue  # police cars are bodies with health, found above; nobody shoots his own car
        px, py = position.x - origin[0], position.y - origin[1]
        t = px * cos + py * sin
        if 0 < t < best_t and abs(px * sin - py * cos) <= CAR_HALF_WIDTH:
            best, best_car, best_t = (vehicle.driver if vehicle.driver is not None else car), car, t
    return best, best_car, (origin[0] + cos * best_t, origin[1] + sin * best_t)


def _report_crime(world: World, origin: tuple[float, float], hit: int | None) -> None:
    # Cheapest question first: whom the shot hit decides most crimes; only a shot that hit
    # no pedestrian or police needs witnesses, and one witness is enough.
    if hit is not None and esper.has_component(hit, Police):
        world.emit(CrimeCommitted("shooting police", 2, origin))
    elif hit is not None and esper.has_component(hit, Pedestrian):
        world.emit(CrimeCommitted("shooting a civilian", 2, origin))
    elif ((hit is not None and esper.has_component(hit, Goon))
          or any(math.dist((pos.x, pos.y), origin) <= WITNESS_RADIUS
                 for _, (_police, pos) in esper.get_components(Police, Position))
          or game_state(world).crowd.anyone_standing_near(spatial_index(world), origin, WITNESS_RADIUS)):
        world.emit(CrimeCommitted("shooting in public", 1, origin))


def fade_tracers(world: World) -> None:
    """System: tracers fade, corpses are cleared away after a while."""
    for entity, tracer in esper.get_component(Tracer):
        tracer.ttl -= 1
        if tracer.ttl <= 0:
            esper.delete_entity(entity)
    for entity, corpse in esper.get_component(Corpse):
        corpse.ttl -= 1
        if corpse.ttl <= 0:
            world.despawn(entity)
