"""Five wanted levels that feel different: the behaviours the escalation triggers call.

``assets/triggers/escalation.toml`` decides *when* (alarms on
``wanted.level`` against the thresholds in ``assets/tuning.toml``); these
behaviours say *what*: the police are ordered to shoot, a roadblock goes up
on the road ahead of the player, a helicopter comes.  Each is recorded as an
event with its cause, so ``python -m engine why`` on a roadblock leads back
to the crime that raised the wanted level.
"""

from __future__ import annotations

import math

import esper

from engine import World
from game.city import TILE, City
from game.components import Appearance, Heading, Helicopter, Player, Position, PreviousPosition, Roadblock, Velocity
from game.events import (
    HelicopterArrived,
    HelicopterLeft,
    PoliceHeldFire,
    PoliceOpenedFire,
    RoadblockCleared,
    RoadblockPlaced,
)
from game.state import game_state

#: A roadblock's half length (across the road: the three lanes) and half depth, in pixels.
ROADBLOCK_HALF_LENGTH = 1.5 * TILE
ROADBLOCK_HALF_DEPTH = 10.0
#: How far before the crossing's edge the roadblock stands, so it closes the turns too.
ROADBLOCK_BEFORE_CROSSING = 1.5 * TILE + 14
#: Where the helicopter comes from: this far from the player along each axis, up and to the right
#: (just beyond its radar, so it is in the picture at once).
HELICOPTER_ARRIVES_FROM = 300.0


def police_open_fire(world: World) -> None:
    """Order the police to shoot at the player (recorded as PoliceOpenedFire: their shots name it as cause)."""
    state = game_state(world)
    if state.police_firing:
        return
    state.police_firing = True
    state.police_fire_record = world.emit(PoliceOpenedFire(state.wanted))


def police_hold_fire(world: World) -> None:
    """Withdraw the order to shoot (recorded as PoliceHeldFire)."""
    state = game_state(world)
    if not state.police_firing:
        return
    state.police_firing = False
    state.police_fire_record = None
    world.emit(PoliceHeldFire(state.wanted))


def roadblock_extents(heading: float) -> tuple[float, float]:
    """A roadblock's half width and half height for its heading (0: long along x, across a vertical road)."""
    if abs(math.cos(heading)) >= abs(math.sin(heading)):
        return ROADBLOCK_HALF_LENGTH, ROADBLOCK_HALF_DEPTH
    return ROADBLOCK_HALF_DEPTH, ROADBLOCK_HALF_LENGTH


def roadblock_spot(city: City, x: float, y: float, angle: float, ahead: float) -> tuple[tuple[float, float], float]:
    """Where a roadblock goes for someone at (x, y) going ``angle``: at the entrance of the
    first crossing at least ``ahead`` pixels on (on the nearest road), across the road.
    Returns the point and the roadblock's heading."""
    along_x = abs(math.cos(angle)) >= abs(math.sin(angle))
    sign = (1 if math.cos(angle) >= 0 else -1) if along_x else (1 if math.sin(angle) >= 0 else -1)
    here, across = (x, y) if along_x else (y, x)
    centres = [City.road_center(k) for k in range(city.blocks + 1)]
    ahead_of = [c for c in centres if (c - here) * sign >= ahead]
    if not ahead_of:  # at the edge of the city: block the way back instead
        sign = -sign
        ahead_of = [c for c in centres if (c - here) * sign >= ahead] or centres
    crossing = min(ahead_of, key=lambda c: abs(c - here))
    road = min(centres, key=lambda c: abs(c - across))
    stand = crossing - sign * ROADBLOCK_BEFORE_CROSSING
    point = (stand, road) if along_x else (road, stand)
    # Across the way: going along x, the block lies along y.
    return point, math.pi / 2 if along_x else 0.0


def _going(world: World, player: int) -> tuple[Position, float]:
    """Where the player (or the car he drives) is and which way it is going."""
    me = esper.component_for_entity(player, Player)
    body = me.vehicle if me.vehicle is not None else player
    position = esper.component_for_entity(body, Position)
    velocity = esper.try_component(body, Velocity)
    if velocity is not None and (velocity.x or velocity.y):
        return position, math.atan2(velocity.y, velocity.x)
    return position, esper.component_for_entity(body, Heading).angle


def place_roadblock(world: World) -> None:
    """The police block the road ahead of the player for ``tuning.roadblock_seconds`` (RoadblockPlaced)."""
    state = game_state(world)
    world.activate()
    position, angle = _going(world, state.player)
    (x, y), heading = roadblock_spot(state.city, position.x, position.y, angle, state.tuning.roadblock_ahead)
    x, y = round(x, 1), round(y, 1)
    ttl = round(state.tuning.roadblock_seconds * world.tick_rate)
    entity = world.create_entity(Position(x, y), Heading(heading), Appearance("roadblock"), Roadblock(ttl))
    index = world.resources.get("spatial")
    if index is not None:
        index.place(entity, x, y)  # drawn (and found by the roadblock system) through the index
    world.emit(RoadblockPlaced(entity, (x, y)))


def clear_roadblocks(world: World) -> None:
    """Every roadblock is taken away (the chase is over): RoadblockCleared for each."""
    world.activate()
    for entity, _ in sorted(esper.get_component(Roadblock)):
        world.emit(RoadblockCleared(entity, "chase over"))
        world.despawn(entity)


def call_helicopter(world: World) -> None:
    """The police helicopter joins the chase (HelicopterArrived); game.systems.air_support flies it."""
    state = game_state(world)
    world.activate()
    if esper.get_component(Helicopter):
        return  # one is enough
    here = esper.component_for_entity(state.player, Position)
    edge = state.city.size_px
    x = round(min(edge, max(0.0, here.x + HELICOPTER_ARRIVES_FROM)), 1)
    y = round(min(edge, max(0.0, here.y - HELICOPTER_ARRIVES_FROM)), 1)
    entity = world.create_entity(Position(x, y), PreviousPosition(x, y), Heading(math.pi * 0.75),
                                 Helicopter(vision=state.tuning.helicopter_vision))
    world.emit(HelicopterArrived(entity, (x, y)))


def send_helicopter_away(world: World) -> None:
    """The helicopter flies off (HelicopterLeft)."""
    world.activate()
    for entity, _ in sorted(esper.get_component(Helicopter)):
        world.emit(HelicopterLeft(entity))
        world.despawn(entity)
