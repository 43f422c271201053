"""Civilian traffic: cars that drive the roads on their own, and leave during a chase.

Each car drives in the right-hand lane of a road (:data:`LANE` off the
middle line), from intersection to intersection of the road grid
(:mod:`game.roads`), and at each one goes straight on or turns, chosen by
the world's seeded RNG (never straight back: every intersection of the
grid has two or more roads).  Going from lane to lane through the
intersection's corner keeps a car on its side of the road.  A car looks
ahead for something in its way (a person, another car, the player) and
stops rather than drive through it; one kept waiting long enough squeezes
past cars nobody drives (other traffic, a parked car, a wreck), so two cars
at a corner cannot wait for each other for ever, nor a queue behind a wreck.

The city keeps :attr:`~game.tuning.Tuning.traffic_cars` of them.  Like the
pedestrians, they leave the streets when a chase starts (``clear_traffic``,
in the police-chase alarm of assets/triggers/police.toml) and come back
when it is over (``restore_traffic``): one car every :data:`ARRIVAL_TICKS`,
out of the player's sight, each :class:`TrafficSpawned` caused by the
behaviour that let them come back.  A car the player takes, or a wreck, is
no longer traffic, and another one comes instead.

The work per tick is a few lines per car (a dozen cars): the velocity is
set only when a car reaches a corner, stops or starts again, and each car
looks ahead once every :data:`LOOK_EVERY` ticks, not every tick.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import esper

from engine import World
from game.booking import Booking, book
from game.camera import Camera
from game.city import City
from game.components import Body, Corpse, Heading, Motion, Position, Traffic, Vehicle
from game.events import TrafficDespawned, TrafficSpawned
from game.passability import passability
from game.roads import neighbours, node_point
from game.spatial import spatial_index
from game.state import game_state
from game.systems.spawning import CAR, spawn_traffic_car

#: A lane's middle is this far right of the road's middle line: clear of the
#: middle (where police units and the autopilot drive) and of the cars parked
#: at the kerb (:data:`game.build.KERB`), a car's width (24 px) from each.
LANE = 48.0
#: A driver looks this far ahead of the car's centre, for a body that reaches within :data:`LOOK_RADIUS`
#: of that point (half a car's width: what is beside the lane, a parked car, is not in the way).
LOOK_AHEAD = 46.0
LOOK_RADIUS = 12.0
#: Each car looks ahead once every this many ticks (staggered by entity id).
LOOK_EVERY = 4
#: A car kept waiting this long (2 s) squeezes past cars nobody drives.
PATIENCE = 120
#: While the traffic comes back, one car arrives every this many ticks (a quarter second).
ARRIVAL_TICKS = 15
#: New cars appear out of the player's sight (with this margin around the screen) and this far from other cars.
SIGHT_MARGIN = 48
ROOM = 70.0
#: Places tried for one new car before giving up until the next arrival.
TRIES = 12


@dataclass(eq=False)
class TrafficFlow:
    """The traffic of one world (a system; build_game adds it as the ``traffic`` resource).

    A dataclass so that its repr shows its state (time travel compares states as text).
    """

    #: True while a chase keeps the traffic off the streets.
    cleared: bool = False
    #: Offset of the record that let the traffic come back: the cause of the arrivals, until all are back.
    cause: int | None = None
    #: From clear_traffic until a later tick's update sends the driverless cars away (game.booking).
    clearing: Booking | None = None

    def update(self, world: World) -> None:
        """Send the traffic away if the roads were cleared since the last tick; drive every
        traffic car, let a stolen car go, and bring in one more car every
        :data:`ARRIVAL_TICKS` while there are fewer than wanted."""
        state = game_state(world)
        tick, dt = world.tick, world.dt
        gone: set[int] = set()
        if self.clearing is not None and self.clearing.due(world):
            with world.bus.handling(self.clearing.asked(world)):
                gone = _leave(world)
            self.clearing = None
        speed = state.tuning.traffic_speed
        # In entity order: a car at a corner draws from the seeded RNG.
        cars = sorted(esper.get_components(Traffic, Motion, Vehicle))
        if gone:  # esper deletes them at the next step: its query still lists them now
            cars = [found for found in cars if found[0] not in gone]
        stolen = []
        for car, (traffic, motion, vehicle) in cars:
            if vehicle.driver is not None:
                stolen.append(car)
                continue
            _drive(world, car, traffic, motion, speed * dt, speed, (tick + car) % LOOK_EVERY == 0)
        for car in stolen:
            esper.remove_component(car, Traffic)  # the player's now: it is driven by the keys
        count = len(cars) - len(stolen)
        wanted = 0 if self.cleared else state.tuning.traffic_cars
        if count >= wanted:
            self.cause = None  # all back: a later replacement has no behaviour to thank
        elif tick % ARRIVAL_TICKS == 0:
            with world.bus.handling(world.log.get(self.cause) if self.cause is not None else None):
                arrive(world)


def traffic_flow(world: World) -> TrafficFlow:
    """The world's :class:`TrafficFlow`."""
    return world.resources["traffic"]


def _drive(world: World, car: int, traffic: Traffic, motion: Motion, step: float, speed: float,
           look: bool) -> None:
    position, velocity = motion.position, motion.velocity
    goal = traffic.goal
    if goal is None:
        return
    dx, dy = goal[0] - position.x, goal[1] - position.y
    if dx * dx + dy * dy <= step * step:
        position.x, position.y = goal  # at the corner: on to the next one
        _next_corner(world, traffic)
        goal = traffic.goal
        dx, dy = goal[0] - position.x, goal[1] - position.y
        traffic.moving = False  # set off again below, in the new direction
        look = True
    if look:
        length = math.hypot(dx, dy) or 1.0
        # Not past the corner: beyond it the road turns (or the map ends).
        reach = min(LOOK_AHEAD, length) / length
        ahead = (position.x + dx * reach, position.y + dy * reach)
        if not _in_the_way(world, car, ahead, impatient=False):
            traffic.waiting = 0
        elif traffic.waiting < PATIENCE or _in_the_way(world, car, ahead, impatient=True):
            traffic.waiting += LOOK_EVERY
            velocity.x = velocity.y = 0.0
            traffic.moving = False
            return
        # else: squeezing past a car nobody drives, still impatient until the way is clear
        if not traffic.moving:
            velocity.x, velocity.y = dx / length * speed, dy / length * speed
            esper.component_for_entity(car, Heading).angle = math.atan2(dy, dx)
            traffic.moving = True


def _in_the_way(world: World, car: int, ahead: tuple[float, float], impatient: bool) -> bool:
    """Is there a body (or a wall) at ``ahead``?  An impatient driver squeezes past
    cars nobody drives (other traffic, a parked car, a wreck), never a person or a driven car."""
    state = game_state(world)
    x, y = ahead
    if passability(state.city, CAR).blocked(x, y):
        return True
    for other in spatial_index(world).near(x, y, LOOK_RADIUS):
        if other == car:
            continue
        found = esper.try_components(other, Position, Body)
        if found is None or (impatient and _nobody_drives(other)):
            continue
        there, body = found
        reach = LOOK_RADIUS + body.radius
        dx, dy = there.x - x, there.y - y  # squared by multiplying: ** 2 of 1e300 raises, this is inf
        if dx * dx + dy * dy < reach * reach and not esper.has_component(other, Corpse):
            return True
    return False


def _nobody_drives(entity: int) -> bool:
    """A car with nobody at the wheel (traffic drives itself, but will not run anyone over)."""
    vehicle = esper.try_component(entity, Vehicle)
    return vehicle is not None and (vehicle.driver is None and not vehicle.police)


def _lane(start: tuple[int, int], end: tuple[int, int]) -> tuple[float, float]:
    """The offset of the right-hand lane of the road from ``start`` to ``end`` (screen y points down)."""
    di, dj = end[0] - start[0], end[1] - start[1]
    return -dj * LANE, di * LANE


def corner(before: tuple[int, int], at: tuple[int, int], after: tuple[int, int]) -> tuple[float, float]:
    """Where a car coming from ``before`` turns at intersection ``at`` toward
    ``after``: where its lane meets the next one (straight on: its own lane at the crossing)."""
    x, y = node_point(*at)
    ox, oy = _lane(before, at)
    if (at[0] - before[0], at[1] - before[1]) == (after[0] - at[0], after[1] - at[1]):
        return x + ox, y + oy
    nx, ny = _lane(at, after)
    return x + ox + nx, y + oy + ny


def _onward(world: World, city: City, came: tuple[int, int], at: tuple[int, int]) -> tuple[int, int]:
    """The next intersection after ``at`` (never straight back), seeded."""
    options = [n for n in neighbours(city, *at) if n != came]
    return world.rng.choice(options)


def _next_corner(world: World, traffic: Traffic) -> None:
    city = game_state(world).city
    came, at = traffic.towards, traffic.after
    after = _onward(world, city, came, at)
    traffic.towards, traffic.after = at, after
    traffic.goal = corner(came, at, after)


def arrive(world: World, in_sight: bool = False) -> int | None:
    """One more traffic car, on a road out of the player's sight (``in_sight``:
    anywhere) and clear of other cars (None: no such place found this time);
    records TrafficSpawned."""
    state = game_state(world)
    world.activate()
    city, rng = state.city, world.rng
    here = esper.component_for_entity(state.player, Position)
    camera = Camera()
    camera.follow(here.x, here.y, city.size_px, city.size_px)
    count = city.blocks + 1
    index = spatial_index(world)
    for _ in range(TRIES):
        start = (rng.randrange(count), rng.randrange(count))
        end = rng.choice(neighbours(city, *start))
        share = rng.uniform(0.2, 0.8)
        (sx, sy), (ex, ey) = node_point(*start), node_point(*end)
        ox, oy = _lane(start, end)
        x, y = sx + (ex - sx) * share + ox, sy + (ey - sy) * share + oy
        if (not in_sight and camera.sees(x, y, margin=SIGHT_MARGIN)) or any(
                esper.has_component(e, Vehicle) for e in index.near(x, y, ROOM)):
            continue
        after = _onward(world, city, start, end)
        angle = math.atan2(ey - sy, ex - sx)
        entity = spawn_traffic_car(world, x, y, angle, Traffic(goal=corner(start, end, after), towards=end,
                                                               after=after))
        world.emit(TrafficSpawned(entity, (round(x, 1), round(y, 1))))
        return entity
    return None


def fill(world: World) -> None:
    """Every traffic car the city wants, at once (the city waking up, before the first tick)."""
    for _ in range(game_state(world).tuning.traffic_cars):
        arrive(world, in_sight=True)


def clear_traffic(world: World) -> None:
    """Empty the roads: every traffic car leaves (at the start of the next tick), and
    none come back until ``restore_traffic``.

    The cars go in a later tick than the one that asked (:mod:`game.booking`):
    a chase's first tick is its slowest.
    """
    flow = traffic_flow(world)
    flow.cleared, flow.cause = True, None
    flow.clearing = book(world, flow.clearing)


def _leave(world: World) -> set[int]:
    """Every traffic car nobody drives leaves (records TrafficDespawned); returns those cars."""
    world.activate()
    gone = set()
    for car, (_traffic, vehicle) in sorted(esper.get_components(Traffic, Vehicle)):
        if vehicle.driver is None:
            world.emit(TrafficDespawned(car, "a chase empties the streets"))
            world.despawn(car)
            gone.add(car)
    return gone


def restore_traffic(world: World) -> None:
    """Let the traffic come back to the roads, a car at a time, out of the player's sight."""
    flow = traffic_flow(world)
    flow.cleared, flow.clearing = False, None  # a clearing not yet done is called off
    current = world.bus.current
    flow.cause = current.offset if current is not None else None
