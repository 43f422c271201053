"""Roadblocks stand for a while, then go; while they stand nothing but the police gets through."""

from __future__ import annotations

import esper

from engine import World
from game.components import Heading, Motion, Police, Position, Roadblock, Vehicle
from game.escalation import roadblock_extents
from game.events import RoadblockCleared
from game.spatial import spatial_index
from game.systems.spawning import CAR


def _inside(x: float, y: float, block: Position, half_x: float, half_y: float) -> bool:
    return abs(x - block.x) < half_x and abs(y - block.y) < half_y


def roadblocks(world: World) -> None:
    """System (after movement): a roadblock whose time is up is cleared (RoadblockCleared,
    "expired"); a body that moved into a standing one is put back where it was.

    A body already inside (it stood there when the block went up) may leave: only a
    move from outside to inside is undone, so nothing is trapped.
    """
    index = spatial_index(world)
    for entity, (block, position, heading) in sorted(esper.get_components(Roadblock, Position, Heading)):
        block.ttl -= 1
        if block.ttl <= 0:
            world.emit(RoadblockCleared(entity, "expired"))
            world.despawn(entity)
            continue
        half_x, half_y = roadblock_extents(heading.angle)
        reach = max(half_x, half_y) + CAR
        for other in index.near(position.x, position.y, reach):
            motion = esper.try_component(other, Motion)
            if motion is None or esper.has_component(other, Police):
                continue
            radius = motion.body.radius
            now, before = motion.position, motion.previous
            if (_inside(now.x, now.y, position, half_x + radius, half_y + radius)
                    and not _inside(before.x, before.y, position, half_x + radius, half_y + radius)):
                now.x, now.y = before.x, before.y
                index.place(other, now.x, now.y)
                vehicle = esper.try_component(other, Vehicle)
                if vehicle is not None and vehicle.driver is not None and esper.entity_exists(vehicle.driver):
                    driver = esper.component_for_entity(vehicle.driver, Position)
                    driver.x, driver.y = now.x, now.y  # he rides along, stopped too
