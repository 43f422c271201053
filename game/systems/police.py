"""The police: units join while the player is wanted, chase what they see,
shoot once ordered to (three stars and up: the police-open-fire alarm), and
give up when they lose him long enough.

A car's radar sees ``vision`` pixels around it, but not through buildings;
the helicopter's (game.systems.air_support) sees over them.
"""

from __future__ import annotations

import math

import esper

from engine import World
from game.city import City
from game.components import Heading, Police, Position, Velocity
from game.events import EscapedRadar, PoliceSpawned, SuspectSighted
from game.roads import nearest_node, neighbours, node_point, step_toward
from game.state import game_state
from game.systems.air_support import helicopter_sees
from game.systems.combat import fire
from game.systems.spawning import spawn_police_car

SHOOT_RANGE = 230.0
SHOOT_INTERVAL = 45
#: Steps along a line of sight at which a building is looked for (pixels: under half a tile).
SIGHT_STEP = 24.0
# Speed, units per star, spawn interval and accuracy are tuning (assets/tuning.toml).


class PoliceChase:
    """Spawns units, drives them, tracks whether any can see the player."""

    def __init__(self) -> None:
        self.seen = False
        self.escape_reported = False
        self.spawn_cooldown = 0

    def update(self, world: World) -> None:
        state = game_state(world)
        target = esper.component_for_entity(state.player, Position)
        units = sorted(esper.get_components(Police, Position, Velocity, Heading))
        if state.wanted <= 0:
            self.escape_reported = False
            self.seen = False
            return
        self._spawn(world, len(units), (target.x, target.y))
        seen_now = helicopter_sees((target.x, target.y))
        for entity, (police, position, velocity, heading) in units:
            distance = math.dist((position.x, position.y), (target.x, target.y))
            sees = distance <= police.vision and clear_view(state.city, (position.x, position.y),
                                                              (target.x, target.y))
            seen_now = seen_now or sees
            self._drive(world, entity, police, position, velocity, heading, (target.x, target.y), distance, sees)
        if seen_now:
            state.last_seen_tick = world.tick
            state.last_seen_at = (target.x, target.y)
            if not self.seen:
                world.emit(SuspectSighted(state.player))
            self.escape_reported = False
        self.seen = seen_now
        unseen = (world.tick - state.last_seen_tick) * world.dt
        if not seen_now and unseen >= state.lose_after and not self.escape_reported:
            self.escape_reported = True
            world.emit(EscapedRadar(round(unseen, 2)))

    def _spawn(self, world: World, count: int, near: tuple[float, float]) -> None:
        if self.spawn_cooldown > 0:
            self.spawn_cooldown -= 1
            return
        state = game_state(world)
        if count >= state.tuning.police_units(state.wanted):
            return
        city = state.city
        i, j = nearest_node(city, *near)
        # Arrive from an intersection a block or two away, out of sight at first.
        rng = world.rng
        options = [(i + di, j + dj) for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
                   if 0 <= i + di <= city.blocks and 0 <= j + dj <= city.blocks
                   and 450 <= math.dist(node_point(i + di, j + dj), near) <= 900]
        if not options:
            options = neighbours(city, i, j)
        x, y = node_point(*rng.choice(options))
        entity = spawn_police_car(world, x, y)
        self.spawn_cooldown = round(state.tuning.police_spawn_seconds * world.tick_rate)
        # A unit answers the wanted level: its record names that change as
        # cause, so `why` on a police car leads back to the crime.
        with world.bus.handling(state.wanted_record):
            world.emit(PoliceSpawned(entity, (x, y)))

    def _drive(self, world: World, entity: int, police: Police, position: Position, velocity: Velocity,
               heading: Heading, target: tuple[float, float], distance: float, sees: bool) -> None:
        state = game_state(world)
        if sees:
            goal = target
            police.goal = None
        else:
            goal = police.goal or state.last_seen_at
            if math.dist(goal, (position.x, position.y)) < 40:
                # Reached the last sighting: search the streets at random.
                options = neighbours(state.city, *nearest_node(state.city, position.x, position.y))
                police.goal = goal = node_point(*world.rng.choice(options))
        if distance < state.tuning.busted_range * 0.75:
            # Close enough to arrest (game.systems.arrest): stop beside him.
            velocity.x = velocity.y = 0.0
        else:
            if sees and distance < 160:
                waypoint = goal
            else:
                if police.waypoint is None or math.dist(police.waypoint, (position.x, position.y)) < 6:
                    police.waypoint = step_toward(state.city, position.x, position.y, goal)
                waypoint = police.waypoint
            angle = math.atan2(waypoint[1] - position.y, waypoint[0] - position.x)
            speed = state.tuning.police_speed_at(state.wanted)
            velocity.x, velocity.y = math.cos(angle) * speed, math.sin(angle) * speed
            heading.angle = angle
        if police.cooldown > 0:
            police.cooldown -= 1
        elif sees and state.police_firing and distance <= SHOOT_RANGE:
            police.cooldown = SHOOT_INTERVAL + world.rng.randrange(15)
            angle = math.atan2(target[1] - position.y, target[0] - position.x)
            # The shots answer the order to fire: `why` on one leads to PoliceOpenedFire.
            with world.bus.handling(state.police_fire_record):
                fire(world, entity, (position.x, position.y), angle, damage=(5, 10),
                     accuracy=state.tuning.police_accuracy)


def clear_view(city: City, start: tuple[float, float], end: tuple[float, float]) -> bool:
    """True if no building stands on the line from ``start`` to ``end`` (looked at every
    :data:`SIGHT_STEP` pixels: a corner may be seen past, as a real radar would not)."""
    distance = math.dist(start, end)
    steps = int(distance // SIGHT_STEP)
    if steps == 0:
        return True
    dx, dy = (end[0] - start[0]) / distance * SIGHT_STEP, (end[1] - start[1]) / distance * SIGHT_STEP
    solid_at = city.solid_at
    return not any(solid_at(start[0] + dx * k, start[1] + dy * k) for k in range(1, steps + 1))
