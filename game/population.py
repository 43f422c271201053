"""The pedestrian population: keep the streets as full as the game wants.

A chase empties the streets (``streets_cleared``); the frame-rate alarm
thins them (``thinning``).  :func:`reconcile` records the new target
(:class:`PopulationChanged`) and books the change; none of the work is
done in the tick that asked: that tick already carries the shot, the
crime, the alarm and its behaviours, and is the slowest of a chase.  In
the next tick :func:`arrive_and_leave` decides who leaves (when some may
stay, the farthest from the player) or how many arrive; from the tick
after, it does the work in shares (:func:`changes_per_tick` people a tick
while some of those leaving are in sight, and thinner shares,
:func:`quiet_changes_per_tick`, for the rest and for newcomers), so a
chase emptying a street of 5,000 people does not stall one tick for ten,
and no tick of the spread stands out among the others.  Of those leaving,
the ones the player can see go first, so the screen empties within five
ticks (a twelfth of a second); newcomers appear out of his sight (off
screen, in a ring around him).  Each of those later records still names
the behaviour that asked for the change as its cause.

The frame-rate alarm's thinning is the exception (``batch=True``): its
frames are over budget already, every tick of a slow spread would still
carry the people about to leave, and big shares cost a third of the slow
spread in all (4,000 of 5,000 leave in about 30 ms of work, against about
170 ms of extra tick time over 37 ticks, on the benchmark machine), so
they leave in :func:`batch_changes_per_tick` shares: within five ticks of
the alarm, inside one frame of an over-budget stretch.  And it thins the screen as
much as the rest of the city (:func:`_evenly_thinned`): what a frame
costs to draw is what is in sight.
"""

from __future__ import annotations

import math

import esper

from engine import World
from engine.bus import handler_name
from game.booking import book
from game.camera import Camera
from game.city import TILE, point_in_tile
from game.components import Corpse, Position
from game.events import NPCDespawned, NPCSpawned, PopulationChanged
from game.spatial import spatial_index
from game.state import GameState, game_state
from game.systems.spawning import spawn_pedestrian

#: People appear out of the player's sight, but not far from him.
SPAWN_MIN, SPAWN_MAX = 320.0, 1400.0
#: Around the screen, what counts as in sight: someone leaving later may walk this far meanwhile.
SIGHT_MARGIN = 32


def changes_per_tick(state: GameState) -> int:
    """How many people the player can see may leave in one tick: a sixteenth
    of the normal crowd, so the screen empties within a few ticks."""
    return max(20, state.population_normal // 16)


def quiet_changes_per_tick(state: GameState) -> int:
    """How many people out of the player's sight may leave or arrive in one
    tick: a forty-eighth of the normal crowd (at least 20), so the work of
    a whole crowd is spread over about 48 ticks (0.8 s), in shares small
    enough not to stand out among the ticks (nobody sees them go or come)."""
    return max(20, state.population_normal // 48)


def batch_changes_per_tick(state: GameState) -> int:
    """How many may leave in one tick when the frame-rate alarm thins the
    crowd: a quarter of the normal crowd (at least 20).  Each departure
    makes two records (NPCDespawned, Despawned) and a tick may make one
    reaction a pedestrian (``game.build.reaction_budget_for``): a quarter
    leaves half of that budget to the rest of the tick."""
    return max(20, state.population_normal // 4)


def reconcile(world: World, reason: str, limit: int | None = None, spread: bool = True,
              batch: bool = False) -> None:
    """Bring the pedestrians to their target number (at most ``limit`` changes).

    By default this records the new target (:class:`PopulationChanged`) and
    books the change: :func:`arrive_and_leave` decides who leaves or how
    many arrive in the next tick, from who is standing then, and does the
    work in shares from the tick after.  Deciding reads every pedestrian
    (who is standing, who is in sight), and the tick that asks is already
    the slowest of a chase (the shot, the crime, the alarm and its
    behaviours); the plain version decides here and now.  The latest call
    decides: what an earlier one left undone is decided again (and work
    already under way goes on in the tick that decides again, so a change
    asked for every tick still gets done).  ``spread=False`` decides and does
    it all at once, newcomers in sight too (the city waking up, before the
    first tick); ``batch=True`` spreads it in :func:`batch_changes_per_tick`
    shares (the frame-rate alarm's thinning).
    """
    if not spread:
        game_state(world).crowd.booked_change = None  # this call decides
        _decide(world, reason, limit, batch=False, at_once=True)
        return
    state = game_state(world)
    crowd = state.crowd
    world.activate()
    # The new target is recorded now, in the tick that changed it (a count, not a walk over everyone).
    standing, target = crowd.standing_count(), state.population_target
    if limit is None and standing != target:
        world.emit(PopulationChanged(standing, target, reason))
    # Until it is decided, work under way goes on, still caused by the call that decided it.
    earlier = crowd.booked_change
    crowd.booked_change = ((reason, limit, batch), book(world, earlier[1] if earlier is not None else None))


def _decide(world: World, reason: str, limit: int | None, batch: bool, at_once: bool) -> None:
    """Who leaves (the farthest first, those in sight at the head of the list) or how
    many arrive; ``at_once`` (the city waking up) records :class:`PopulationChanged`
    (for a whole change, not a limited one) and brings the newcomers now."""
    state = game_state(world)
    crowd = state.crowd
    world.activate()
    crowd.leaving, crowd.arriving, crowd.in_sight = [], 0, 0
    state.change_share = batch_changes_per_tick(state) if batch else 0
    living = crowd.standing()
    target = state.population_target
    changes = abs(target - len(living)) if limit is None else min(limit, abs(target - len(living)))
    if at_once and changes and limit is None:
        world.emit(PopulationChanged(len(living), target, reason))
    if not changes:
        return
    current = world.bus.current
    crowd.cause = current.offset if current is not None else None
    if len(living) > target:
        here = esper.component_for_entity(state.player, Position)
        if changes == len(living):
            going = living
        elif batch:
            going = _evenly_thinned(world, living, here, changes)
        else:
            going = _farthest(living, here, changes)
        # Those the player can see go first: they are gone within the first few ticks.
        seen = _in_sight(world, going, _sight(state, here))
        if going is living:
            # By id, like living: sorting the few in sight is the same list as picking them out of everyone.
            first = sorted(seen)
        else:
            first = [e for e in going if e in seen]
        crowd.leaving = first + [e for e in going if e not in seen]
        crowd.in_sight = len(seen)
    elif at_once:
        for x, y in spawn_points(world, changes):
            _arrive(world, x, y)
    else:
        crowd.arriving = changes


def _farthest(living: list[int], here: Position, count: int) -> list[int]:
    """The ``count`` pedestrians farthest from ``here`` (ties: lower id first), farthest first."""
    def distance(entity: int) -> float:
        p = esper.component_for_entity(entity, Position)
        return math.dist((p.x, p.y), (here.x, here.y))
    return sorted(living, key=lambda e: (-distance(e), e))[:count]


def _evenly_thinned(world: World, living: list[int], here: Position, count: int) -> list[int]:
    """``count`` of ``living`` to leave, the same share in sight and out of it, evenly.

    Thinning is for frame time, and drawing costs what the screen holds: at
    5,000 about 1,150 are in sight (with the margin).  The farthest leaving
    kept 740 of them on screen and the drawing at 12 ms a frame; the screen
    thinned as much as the rest, but the ring just out of sight kept whole,
    refilled it to 340 within 1.5 s (7.6 ms); an even pick everywhere
    leaves about 210 and 4.9 ms.  Each group is taken by id, every k-th
    (ids say nothing of where people stand); those in sight first.
    """
    seen = _in_sight(world, living, _sight(game_state(world), here))
    in_sight = sorted(seen)
    out_of_sight = [e for e in living if e not in seen]
    from_sight = min(count, round(len(in_sight) * count / len(living)))
    return _every_kth(in_sight, from_sight) + _every_kth(out_of_sight, count - from_sight)


def _every_kth(people: list[int], count: int) -> list[int]:
    """``count`` of ``people`` spread evenly along the list (the middle of each of ``count`` equal runs)."""
    return [people[(2 * i + 1) * len(people) // (2 * count)] for i in range(count)]


def arrive_and_leave(world: World) -> None:
    """System: the work of the last :func:`reconcile`: in the tick after it,
    decide who leaves or how many arrive; from the tick after that,
    :func:`changes_per_tick` people a tick while some of those leaving are
    in sight, then :func:`quiet_changes_per_tick`; each record caused by the
    behaviour that asked for it.

    Newcomers' places are drawn when they arrive, out of what the player sees then."""
    state = game_state(world)
    crowd = state.crowd
    booked = crowd.booked_change
    if booked is not None and booked[1].due(world):
        (reason, limit, batch), booking = booked
        crowd.booked_change = None
        under_way = bool(crowd.leaving or crowd.arriving)
        asked = booking.asked(world)
        try:
            with world.bus.handling(asked):
                _decide(world, reason, limit, batch=batch, at_once=False)
        except Exception as error:  # recorded against the record that asked; the game goes on
            crowd.leaving, crowd.arriving, crowd.in_sight = [], 0, 0
            world.bus.record_failure(f"system {handler_name(arrive_and_leave)} deciding {reason!r}", asked, error)
            return
        if not under_way:
            return  # deciding is this tick's share of the work
    if not crowd.leaving and not crowd.arriving:
        return
    world.activate()
    budget = state.change_share or (changes_per_tick(state) if crowd.in_sight else quiet_changes_per_tick(state))
    leaving, crowd.leaving = crowd.leaving[:budget], crowd.leaving[budget:]
    crowd.in_sight = max(0, crowd.in_sight - len(leaving))
    arriving = min(crowd.arriving, budget - len(leaving))
    crowd.arriving -= arriving
    with world.bus.handling(world.log.get(crowd.cause) if crowd.cause is not None else None):
        for entity in leaving:
            despawn_pedestrian(world, entity)
        if arriving:
            here = esper.component_for_entity(state.player, Position)
            for x, y in spawn_points(world, arriving, avoid=_sight(state, here)):
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


def clear_fallen(world: World) -> None:
    """Remove the fallen pedestrians at once (those standing leave as :func:`reconcile` spreads it)."""
    world.activate()
    members = game_state(world).crowd.members
    for entity in sorted(entity for entity, _ in esper.get_component(Corpse) if entity in members):
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
    # Centres precomputed with the map: this runs on every tick of arrivals.
    where, dist = (here.x, here.y), math.dist
    ring = [tile for tile, centre in zip(city.sidewalks, city.sidewalk_centres, strict=True)
            if SPAWN_MIN <= dist(centre, where) <= SPAWN_MAX]
    if avoid is not None:
        # A tile counts as out of sight if no point of it is in the rectangle.
        left, top, right, bottom = avoid
        ring = [(tx, ty) for tx, ty in ring if not (left - TILE <= tx * TILE <= right
                                                    and top - TILE <= ty * TILE <= bottom)]
    tiles = ring or city.sidewalks
    return [point_in_tile(*rng.choice(tiles), rng) for _ in range(count)]


def _sight(state: GameState, here: Position) -> tuple[float, float, float, float]:
    camera = Camera()
    camera.follow(here.x, here.y, state.city.size_px, state.city.size_px)
    return (camera.x - SIGHT_MARGIN, camera.y - SIGHT_MARGIN,
            camera.x + camera.width + SIGHT_MARGIN, camera.y + camera.height + SIGHT_MARGIN)


def _in_sight(world: World, people: list[int], sight: tuple[float, float, float, float]) -> set[int]:
    """Those of ``people`` in ``sight``: the spatial index's candidates for the rectangle, tested exactly.

    The plain version of the test is ``_seen(sight, esper.component_for_entity(entity, Position))``;
    written out, as it runs for every candidate on screen (about 800 at 5,000 people) in the tick a chase starts.
    """
    left, top, right, bottom = sight
    tables = esper._entities  # what esper.component_for_entity reads (esper<4 is pinned)
    seen = set()
    for entity in spatial_index(world).within_set(*sight).intersection(people):
        where = tables[entity][Position]
        if left <= where.x <= right and top <= where.y <= bottom:
            seen.add(entity)
    return seen


def _seen(sight: tuple[float, float, float, float], where: Position) -> bool:
    left, top, right, bottom = sight
    return left <= where.x <= right and top <= where.y <= bottom


def keep_population(world: World) -> None:
    """System: once a second, bring back one missing pedestrian (replacing the fallen),
    unless a change is still booked or under way (asking again would decide it again,
    one person at a time)."""
    state = game_state(world)
    crowd = state.crowd
    if (world.tick % world.tick_rate == 0 and crowd.booked_change is None
            and not crowd.leaving and not crowd.arriving):
        world.activate()
        if crowd.standing_count() < state.population_target:  # a count: the usual second has nobody to replace
            reconcile(world, "replacing the fallen", limit=1)
