"""The pedestrian population: keep the streets as full as the game wants.

A chase empties the streets (``streets_cleared``); the frame-rate alarm
thins them (``thinning``).  :func:`reconcile` decides at once who leaves
(the farthest first) or where newcomers appear, and records
:class:`PopulationChanged`.  What the player can see happens at once; the
rest, out of sight, is spread over the next ticks (:func:`arrive_and_leave`,
at most :func:`out_of_sight_per_tick` people a tick), so a chase emptying a
street of 5,000 people does not stall one tick for ten.  Newcomers appear
out of the player's sight (off screen, in a ring around him).  Each of those later
records still names the behaviour that asked for the change as its cause.
"""

from __future__ import annotations

import math

import esper

from engine import World
from game.camera import Camera
from game.city import TILE
from game.components import Position
from game.events import NPCDespawned, NPCSpawned, PopulationChanged
from game.spatial import spatial_index
from game.state import GameState, game_state
from game.systems.spawning import spawn_pedestrian

#: People appear out of the player's sight, but not far from him.
SPAWN_MIN, SPAWN_MAX = 320.0, 1400.0
#: Around the screen, what counts as in sight: someone leaving later may walk this far meanwhile.
SIGHT_MARGIN = 32


def out_of_sight_per_tick(state: GameState) -> int:
    """How many people may leave or arrive out of sight in one tick: a
    twentieth of the normal crowd (a change of any size takes about 20 ticks)."""
    return max(20, state.population_normal // 20)


def reconcile(world: World, reason: str, limit: int | None = None, spread: bool = True) -> None:
    """Spawn or despawn pedestrians until the target is met (at most ``limit`` changes).

    Work still pending from an earlier call is dropped first: this call
    decides again from who is standing now.  ``spread=False`` does it all
    at once, newcomers in sight too (the city waking up, before the first tick).
    """
    state = game_state(world)
    crowd = state.crowd
    world.activate()
    crowd.leaving, crowd.arriving = [], []
    living = crowd.standing()
    target = state.population_target
    changes = abs(target - len(living)) if limit is None else min(limit, abs(target - len(living)))
    if changes and limit is None:
        world.emit(PopulationChanged(len(living), target, reason))
    if not changes:
        return
    current = world.bus.current
    crowd.cause = current.offset if current is not None else None
    here = esper.component_for_entity(state.player, Position)
    sight = _sight(state, here)
    if len(living) > target:
        going = living if changes == len(living) else _farthest(living, here, changes)
        seen = _in_sight(world, going, sight)
        crowd.leaving = [e for e in going if e not in seen]
        for entity in going:
            if entity in seen:
                despawn_pedestrian(world, entity)
        done = len(seen)
    else:
        crowd.arriving = spawn_points(world, changes, avoid=sight if spread else None)
        done = 0
    if not spread:
        arrive_and_leave(world, budget=changes)
        return
    # A first share now, so the change starts in the tick that asked for it.
    arrive_and_leave(world, budget=out_of_sight_per_tick(state) - done)


def _farthest(living: list[int], here: Position, count: int) -> list[int]:
    """The ``count`` pedestrians farthest from ``here`` (ties: lower id first), farthest first."""
    def distance(entity: int) -> float:
        p = esper.component_for_entity(entity, Position)
        return math.dist((p.x, p.y), (here.x, here.y))
    return sorted(living, key=lambda e: (-distance(e), e))[:count]


def arrive_and_leave(world: World, budget: int | None = None) -> None:
    """System: the out-of-sight part of the last :func:`reconcile`, ``budget``
    people a tick (default :func:`out_of_sight_per_tick`), as it caused them."""
    state = game_state(world)
    crowd = state.crowd
    if not crowd.leaving and not crowd.arriving:
        return
    world.activate()
    budget = out_of_sight_per_tick(state) if budget is None else max(0, budget)
    leaving, crowd.leaving = crowd.leaving[:budget], crowd.leaving[budget:]
    arriving, crowd.arriving = crowd.arriving[:budget - len(leaving)], crowd.arriving[budget - len(leaving):]
    with world.bus.handling(world.log.get(crowd.cause) if crowd.cause is not None else None):
        for entity in leaving:
            despawn_pedestrian(world, entity)
        for x, y in arriving:
            _arrive(world, x, y)


def _arrive(world: World, x: float, y: float) -> None:
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
    """Remove every pedestrian, the fallen too: those standing as :func:`reconcile`
    spreads it, the fallen at once."""
    state = game_state(world)
    world.activate()
    leaving = set(state.crowd.leaving)
    for entity in sorted(state.crowd.members):
        if entity not in leaving:
            despawn_pedestrian(world, entity)


def spawn_points(world: World, count: int, avoid: tuple[float, float, float, float] | None = None
                 ) -> list[tuple[float, float]]:
    """``count`` sidewalk points at a comfortable distance from the player,
    out of the rectangle ``avoid`` (what he sees), seeded.

    The sidewalk tiles in that ring are listed once, then each point is one
    choice among them (plain version: pick random sidewalk points until one
    falls in the ring, up to 30 tries per person).
    """
    state = game_state(world)
    here = esper.component_for_entity(state.player, Position)
    city, rng = state.city, world.rng
    middle = TILE / 2
    ring = [(tx, ty) for tx, ty in city.sidewalks
            if SPAWN_MIN <= math.dist((tx * TILE + middle, ty * TILE + middle), (here.x, here.y)) <= SPAWN_MAX]
    if avoid is not None:
        # A tile counts as out of sight if no point of it is in the rectangle.
        left, top, right, bottom = avoid
        ring = [(tx, ty) for tx, ty in ring if not (left - TILE <= tx * TILE <= right
                                                    and top - TILE <= ty * TILE <= bottom)]
    tiles = ring or city.sidewalks
    points = []
    for _ in range(count):
        tx, ty = rng.choice(tiles)
        points.append((tx * TILE + rng.uniform(16, 48), ty * TILE + rng.uniform(16, 48)))
    return points


def _sight(state: GameState, here: Position) -> tuple[float, float, float, float]:
    camera = Camera()
    camera.follow(here.x, here.y, state.city.size_px, state.city.size_px)
    return (camera.x - SIGHT_MARGIN, camera.y - SIGHT_MARGIN,
            camera.x + camera.width + SIGHT_MARGIN, camera.y + camera.height + SIGHT_MARGIN)


def _in_sight(world: World, people: list[int], sight: tuple[float, float, float, float]) -> set[int]:
    """Those of ``people`` in ``sight``: the spatial index's candidates for the rectangle, tested exactly."""
    chosen = set(people)
    return {e for e in spatial_index(world).within(*sight)
            if e in chosen and _seen(sight, esper.component_for_entity(e, Position))}


def _seen(sight: tuple[float, float, float, float], where: Position) -> bool:
    left, top, right, bottom = sight
    return left <= where.x <= right and top <= where.y <= bottom


def keep_population(world: World) -> None:
    """System: once a second, bring back one missing pedestrian (replacing the fallen)."""
    if world.tick % world.tick_rate == 0:
        reconcile(world, "replacing the fallen", limit=1)
