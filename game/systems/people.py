"""Pedestrians wander the sidewalks and flee from gunfire; goons shoot."""

from __future__ import annotations

import math

import esper

from engine import World, on
from game.city import point_in_tile
from game.components import Corpse, Goon, Heading, Pedestrian, Player, Position, Velocity
from game.events import GoonsAlerted, ShotFired
from game.spatial import spatial_index
from game.state import game_state
from game.systems.combat import fire

WALK = 45.0
RUN = 150.0
HEARING = 380.0
GOON_RANGE = 240.0
GOON_INTERVAL = 60  # ticks between a goon's shots (plus up to 30 more, at random)
#: How long a pedestrian runs from a shot (3 s), plus up to half a second
#: (by entity id), so that the hundreds who heard one shot do not all stop
#: and pick a new goal in the same tick.
FLEE_TICKS = 180
FLEE_SPREAD = 30
#: A walker this close to its goal is there.
ARRIVED = 6.0
#: A walker keeps its goal for another tick with these odds (1 in 500 it gets bored).
LOG_STAYS_INTERESTED = math.log(1 - 0.002)


class Pedestrians:
    """Civilians: stroll between sidewalk points; run from gunshots.

    The plain version looks at every walker every tick: flee if fleeing,
    pick a new goal when the old one is reached (or, with a chance of 1 in
    500 a tick, out of boredom), and aim at the goal.  A walker's velocity
    only changes at those moments, so each walker is instead looked at when
    the next one is due (:class:`game.crowd.Crowd` books it): when it will
    reach its goal, when boredom strikes (drawn once per goal, with the same
    odds), or when it stops fleeing.
    """

    def __init__(self, world: World) -> None:
        self.world = world

    @on(ShotFired)
    def hear(self, event: ShotFired) -> None:
        world = self.world
        crowd = game_state(world).crowd
        ox, oy = event.origin
        for entity in crowd.standing_near(spatial_index(world), event.origin, HEARING):
            position = esper.component_for_entity(entity, Position)
            ped = esper.component_for_entity(entity, Pedestrian)
            ped.flee_ticks = FLEE_TICKS + entity % FLEE_SPREAD
            ped.flee_from = event.origin
            ped.goal = None
            away = math.atan2(position.y - oy, position.x - ox)
            _walk(entity, math.cos(away) * RUN, math.sin(away) * RUN, away)
            crowd.look_at(entity, world.tick + ped.flee_ticks)

    def update(self, world: World) -> None:
        state = game_state(world)
        city, rng, crowd, tick = state.city, world.rng, state.crowd, world.tick
        step = WALK * world.dt
        for entity, ped in crowd.due(tick):
            ped.flee_ticks = 0
            position = esper.component_for_entity(entity, Position)
            goal = ped.goal = _nearby_sidewalk(city, position, rng)
            dx, dy = goal[0] - position.x, goal[1] - position.y
            distance = math.hypot(dx, dy)
            if not distance >= ARRIVED:  # NaN too (moved onto NaN by an extension): stand, look again next tick
                _walk(entity, 0.0, 0.0, None)
                crowd.look_at(entity, tick + 1)
                continue
            angle = math.atan2(dy, dx)
            _walk(entity, math.cos(angle) * WALK, math.sin(angle) * WALK, angle)
            # Arrival if nothing is in the way; a walker stuck against a wall is due then too.
            arrival = math.ceil(distance / step)
            bored = 1 + int(math.log(1.0 - rng.random()) / LOG_STAYS_INTERESTED)
            crowd.look_at(entity, tick + min(arrival, bored))


def _walk(entity: int, vx: float, vy: float, angle: float | None) -> None:
    """Set a walker's velocity, facing the way it goes (``angle``: None keeps its heading)."""
    velocity = esper.component_for_entity(entity, Velocity)
    velocity.x, velocity.y = vx, vy
    if angle is not None:
        esper.component_for_entity(entity, Heading).angle = angle


def _nearby_sidewalk(city, position: Position, rng) -> tuple[float, float]:
    """A sidewalk point 40 to 160 px away in a random direction (8 tries); else a point
    of the nearest sidewalk tile (else, off the map, where he stands).

    Without that fallback, a walker who fled into a crossing or onto the
    roads along the map's edge (no sidewalk within 160 px) would stand there
    for good, trying 8 points every tick (at 5,000 people, four of five
    walkers looked at in a tick were such).

    ``rng.uniform(a, b)`` is ``a + (b - a) * rng.random()`` (the standard
    library's definition); it is written out here, the same numbers in the
    same order, because a crowd makes this hundreds of tries a tick.
    """
    random, on_sidewalk, cos, sin = rng.random, city.on_sidewalk, math.cos, math.sin
    x0, y0 = position.x, position.y
    for _ in range(8):
        angle = -math.pi + (math.pi - -math.pi) * random()
        distance = 40 + (160 - 40) * random()
        x, y = x0 + cos(angle) * distance, y0 + sin(angle) * distance
        if on_sidewalk(x, y):
            return (x, y)
    tile = city.nearest_sidewalk(x0, y0)
    if tile is None:
        return (x0, y0)
    return point_in_tile(*tile, rng)


def goons(world: World) -> None:
    """System: goons turn on the player when he comes near, and shoot."""
    state = game_state(world)
    player_position = esper.component_for_entity(state.player, Position)
    in_car = esper.component_for_entity(state.player, Player).vehicle is not None
    if not state.goons_alerted:
        reason = _alert_reason(world, player_position)
        if reason is None:
            return  # onboarding: the goons stand their corner and wait
        state.goons_alerted = True
        world.emit(GoonsAlerted(reason))
    for entity, (goon, position, heading, velocity) in sorted(esper.get_components(Goon, Position, Heading,
                                                                                    Velocity)):
        if esper.has_component(entity, Corpse):
            velocity.x = velocity.y = 0.0
            continue
        distance = math.dist((position.x, position.y), (player_position.x, player_position.y))
        if goon.cooldown > 0:
            goon.cooldown -= 1
        if distance <= GOON_RANGE:
            velocity.x = velocity.y = 0.0
            heading.angle = math.atan2(player_position.y - position.y, player_position.x - position.x)
            if goon.cooldown == 0:
                goon.cooldown = GOON_INTERVAL + world.rng.randrange(30)
                fire(world, entity, (position.x, position.y), heading.angle, damage=(6, 11),
                     accuracy=state.tuning.goon_accuracy_in_car if in_car else state.tuning.goon_accuracy)
        else:
            # Drift back to their corner.
            hx, hy = goon.home
            if math.dist((hx, hy), (position.x, position.y)) > 6:
                angle = math.atan2(hy - position.y, hx - position.x)
                velocity.x, velocity.y = math.cos(angle) * WALK, math.sin(angle) * WALK
                heading.angle = angle  # facing the way he walks
            else:
                velocity.x = velocity.y = 0.0


def _alert_reason(world: World, player: Position) -> str | None:
    """Why the waiting goons turn on the player now (None: they keep waiting)."""
    state = game_state(world)
    tuning = state.tuning
    if esper.component_for_entity(state.player, Player).firing:
        return "the player opened fire"
    for _, (_, position) in sorted(esper.get_components(Goon, Position)):
        if math.dist((position.x, position.y), (player.x, player.y)) <= tuning.goon_alert_range:
            return "the player came close"
    if world.tick * world.dt >= tuning.goon_grace_seconds:
        return "the grace time ran out"
    return None
