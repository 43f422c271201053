"""Pedestrians wander the sidewalks and flee from gunfire; goons shoot."""

from __future__ import annotations

import math

import esper

from engine import World, on
from game.components import Corpse, Goon, Heading, Pedestrian, Player, Position, Velocity
from game.events import ShotFired
from game.state import game_state
from game.systems.combat import fire

WALK = 45.0
RUN = 150.0
HEARING = 380.0
GOON_RANGE = 240.0
GOON_INTERVAL = 60  # ticks between a goon's shots (plus up to 30 more, at random)


class Pedestrians:
    """Civilians: stroll between sidewalk points; run from gunshots."""

    @on(ShotFired)
    def hear(self, event: ShotFired) -> None:
        for _, (ped, position) in esper.get_components(Pedestrian, Position):
            if math.dist((position.x, position.y), event.origin) <= HEARING:
                ped.flee_ticks = 180
                ped.flee_from = event.origin

    def update(self, world: World) -> None:
        city = game_state(world).city
        rng = world.rng
        for entity, (ped, position, velocity) in sorted(esper.get_components(Pedestrian, Position, Velocity)):
            if esper.has_component(entity, Corpse):
                velocity.x = velocity.y = 0.0
                continue
            if ped.flee_ticks > 0:
                ped.flee_ticks -= 1
                away = math.atan2(position.y - ped.flee_from[1], position.x - ped.flee_from[0])
                velocity.x, velocity.y = math.cos(away) * RUN, math.sin(away) * RUN
                ped.goal = None
                continue
            if ped.goal is None or math.dist(ped.goal, (position.x, position.y)) < 6 or rng.random() < 0.002:
                ped.goal = _nearby_sidewalk(city, position, rng)
            angle = math.atan2(ped.goal[1] - position.y, ped.goal[0] - position.x)
            velocity.x, velocity.y = math.cos(angle) * WALK, math.sin(angle) * WALK


def _nearby_sidewalk(city, position: Position, rng) -> tuple[float, float]:
    for _ in range(8):
        angle = rng.uniform(-math.pi, math.pi)
        distance = rng.uniform(40, 160)
        x, y = position.x + math.cos(angle) * distance, position.y + math.sin(angle) * distance
        if city.on_sidewalk(x, y):
            return (x, y)
    return (position.x, position.y)


def goons(world: World) -> None:
    """System: goons turn on the player when he comes near, and shoot."""
    state = game_state(world)
    player_position = esper.component_for_entity(state.player, Position)
    in_car = esper.component_for_entity(state.player, Player).vehicle is not None
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
            else:
                velocity.x = velocity.y = 0.0
