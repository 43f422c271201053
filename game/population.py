"""The pedestrian population: keep the streets as full as the game wants.

A chase empties the streets (``streets_cleared``); the frame-rate alarm
thins them (``thinning``).  :func:`reconcile` adds or removes people at once,
so the events it records belong to the behaviour that asked for the change.
"""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Pedestrian, Position
from game.events import NPCDespawned, NPCSpawned, PopulationChanged
from game.state import game_state, living_pedestrians
from game.systems.spawning import spawn_pedestrian

#: People appear out of the player's sight, but not far from him.
SPAWN_MIN, SPAWN_MAX = 320.0, 1400.0


def reconcile(world: World, reason: str, limit: int | None = None) -> None:
    """Spawn or despawn pedestrians until the target is met (at most ``limit`` changes)."""
    state = game_state(world)
    world.activate()
    living = living_pedestrians()
    target = state.population_target
    changes = abs(target - len(living)) if limit is None else min(limit, abs(target - len(living)))
    if changes and limit is None:
        world.emit(PopulationChanged(len(living), target, reason))
    if len(living) > target:
        # The farthest go first, so the player sees the streets thin out at the edges.
        here = esper.component_for_entity(state.player, Position)
        def distance(entity: int) -> float:
            p = esper.component_for_entity(entity, Position)
            return math.dist((p.x, p.y), (here.x, here.y))
        for entity in sorted(living, key=lambda e: (-distance(e), e))[:changes]:
            despawn_pedestrian(world, entity)
    else:
        for _ in range(changes):
            x, y = spawn_point(world)
            entity = spawn_pedestrian(world, x, y)
            world.emit(NPCSpawned(entity, (round(x, 1), round(y, 1))))


def despawn_pedestrian(world: World, entity: int) -> None:
    """Remove one pedestrian, recording why (once: esper deletes at the next
    step, so one already removed this tick is still listed by its queries)."""
    if not esper.entity_exists(entity):
        return
    world.emit(NPCDespawned(entity))
    world.despawn(entity)


def clear_all(world: World) -> None:
    """Remove every pedestrian, the fallen too."""
    world.activate()
    for entity, _ in sorted(esper.get_component(Pedestrian)):
        despawn_pedestrian(world, entity)


def spawn_point(world: World) -> tuple[float, float]:
    """A sidewalk point at a comfortable distance from the player (seeded)."""
    state = game_state(world)
    here = esper.component_for_entity(state.player, Position)
    point = state.city.random_sidewalk_point(world.rng)
    for _ in range(30):
        if SPAWN_MIN <= math.dist(point, (here.x, here.y)) <= SPAWN_MAX:
            break
        point = state.city.random_sidewalk_point(world.rng)
    return point


def keep_population(world: World) -> None:
    """System: once a second, bring back one missing pedestrian (replacing the fallen)."""
    if world.tick % world.tick_rate == 0:
        reconcile(world, "replacing the fallen", limit=1)
