"""The city's fast paths answer what the plain rules answer."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from game.city import City
from game.passability import passability

CITY = City(seed=3)
EDGE = CITY.size_px
# Points near tile edges are where a table built off by one pixel would differ.
COORDINATE = st.one_of(st.floats(-80, EDGE + 80, allow_nan=False),
                       st.integers(-2, EDGE // 64 + 2).flatmap(
                           lambda t: st.floats(t * 64 - 22, t * 64 + 22, allow_nan=False)))


@settings(max_examples=400, deadline=None)
@given(COORDINATE, COORDINATE, st.sampled_from([8, 9, 20, 1, 31, 8.0]))
def test_the_passability_table_agrees_with_blocked(x: float, y: float, radius: float) -> None:
    assert passability(CITY, radius).blocked(x, y) == CITY.blocked(x, y, radius)


def test_a_fractional_radius_is_measured_in_whole_pixels_rounded_up() -> None:
    table = passability(CITY, 8.5)
    assert table.radius == 9
    x, y = CITY.sidewalks[0][0] * 64 + 32.0, CITY.sidewalks[0][1] * 64 + 32.0
    assert table.blocked(x, y) == CITY.blocked(x, y, math.ceil(8.5))


def test_one_table_per_map_and_radius() -> None:
    assert passability(CITY, 9) is passability(CITY, 9)
    assert passability(CITY, 9).rows is passability(City(seed=3), 9).rows   # same map, same rows
    assert passability(CITY, 9).rows is not passability(CITY, 20).rows


BODIES = st.lists(st.tuples(st.floats(0, 3072, allow_nan=False), st.floats(0, 3072, allow_nan=False),
                            st.floats(-400, 400, allow_nan=False), st.floats(-400, 400, allow_nan=False),
                            st.sampled_from([8, 9, 20])), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(BODIES)
def test_move_slides_along_walls_like_the_plain_rule(bodies) -> None:
    import esper

    from game.build import build_game
    from game.components import Body, Position, PreviousPosition, Velocity, motion_of
    from game.systems.movement import move

    game = build_game(seed=3, npcs=0, triggers=None)
    world, city = game.world, game.state.city
    world.activate()
    def body(x, y, vx, vy, r):
        components = (Position(x, y), PreviousPosition(0, 0), Velocity(vx, vy), Body(r))
        return world.create_entity(*components, motion_of(*components))
    made = [body(*spec) for spec in bodies]
    move(world)
    for entity, (x, y, vx, vy, r) in zip(made, bodies, strict=True):
        ex = x + vx * world.dt if not city.blocked(x + vx * world.dt, y, r) else x
        ey = y + vy * world.dt if not city.blocked(ex, y + vy * world.dt, r) else y
        position = esper.component_for_entity(entity, Position)
        previous = esper.component_for_entity(entity, PreviousPosition)
        assert (position.x, position.y) == (ex, ey)
        assert (previous.x, previous.y) == (x, y)
    world.close()


ANY_COORDINATE = st.one_of(COORDINATE, st.floats(-1.5, 1.5), st.floats(EDGE - 2, EDGE + 2),
                           st.floats(allow_nan=True, allow_infinity=True))
ANY_SPEED = st.one_of(st.floats(-400, 400), st.floats(allow_nan=True, allow_infinity=True))
ODD_BODIES = st.lists(st.tuples(ANY_COORDINATE, ANY_COORDINATE, ANY_SPEED, ANY_SPEED,
                                st.sampled_from([8, 9, 20, 0, 0.5, 7.25])), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(ODD_BODIES)
def test_the_fast_movement_loop_gives_what_the_plain_table_rule_gives_even_off_the_map(bodies) -> None:
    """Off the map, NaN, infinities, radius 0 (whose pixel -0.5 would round onto the map): the
    widened table's single bound test and the fall-backs agree with the table rule and its
    bounds, and the spatial index ends up where the bodies are."""
    import esper

    from game.build import build_game
    from game.components import Body, Position, PreviousPosition, Velocity, motion_of
    from game.spatial import cell, spatial_index
    from game.systems.movement import move

    game = build_game(seed=3, npcs=0, triggers=None)
    world, city = game.world, game.state.city
    world.activate()
    made = []
    for x, y, vx, vy, r in bodies:
        components = (Position(x, y), PreviousPosition(0, 0), Velocity(vx, vy), Body(r))
        made.append(world.create_entity(*components, motion_of(*components)))
    move(world)
    index = spatial_index(world)
    for entity, (x, y, vx, vy, r) in zip(made, bodies, strict=True):
        ex, ey = _plain_rule(x, y, vx, vy, world.dt, passability(city, r).blocked)
        position = esper.component_for_entity(entity, Position)
        assert _same((position.x, position.y), (ex, ey))
        if (vx or vy) and all(math.isfinite(v) for v in (ex, ey)):
            assert index.cell_of[entity] == cell(ex, ey)
    world.close()


def _plain_rule(x: float, y: float, vx: float, vy: float, dt: float, blocked) -> tuple[float, float]:
    """Where the plain movement rule puts a body: each axis on its own, a body standing still stays."""
    if not vx and not vy:
        return x, y
    ex = x + vx * dt if not blocked(x + vx * dt, y) else x
    return ex, (y + vy * dt if not blocked(ex, y + vy * dt) else y)


def _same(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return all(p == q or (math.isnan(p) and math.isnan(q)) for p, q in zip(a, b, strict=True))


def test_the_renderer_looks_only_near_the_screen_and_misses_nothing_there() -> None:
    import esper

    from game.build import build_game
    from game.components import Appearance, Position
    from game.pg.render import Renderer

    game = build_game(seed=1, npcs=1000, triggers=None)
    world = game.world
    world.run(90)
    renderer = Renderer(world, hud=False)
    import pygame
    renderer.draw(pygame.Surface((1280, 720)), 1.0)
    world.activate()
    camera = renderer.camera
    looked_at = set(renderer._on_screen(game.state))
    everyone = [e for e, _ in esper.get_component(Appearance)]
    on_screen = {e for e in everyone
                 if camera.sees(esper.component_for_entity(e, Position).x, esper.component_for_entity(e, Position).y)}
    assert on_screen and on_screen <= looked_at
    assert len(looked_at) < len(everyone) / 3
    world.close()


def test_a_deep_copy_of_motion_points_at_the_copies_of_the_entitys_components() -> None:
    import copy

    from game.components import Body, Pedestrian, Position, PreviousPosition, Velocity, motion_of

    parts = (Position(1.0, 2.0), PreviousPosition(0.5, 1.5), Velocity(3.0, 4.0), Body(8), Pedestrian(goal=(5.0, 6.0)))
    entity = [*parts, motion_of(*parts)]
    twin = copy.deepcopy(entity)
    assert twin[:5] == list(parts) and all(a is not b for a, b in zip(twin, entity, strict=True))
    assert twin[5].position is twin[0] and twin[5].velocity is twin[2] and twin[5].body is twin[3]
    twin[0].x = 99.0
    assert parts[0].x == 1.0


ODD_RADIUS = st.one_of(st.sampled_from([math.nan, math.inf, -math.inf, -8.0, -7.25, 1e9, EDGE * 2.0, 1e-300]),
                       st.floats(-40, 40), st.floats(allow_nan=True, allow_infinity=True))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(COORDINATE, COORDINATE, ANY_SPEED, ANY_SPEED, ODD_RADIUS), min_size=1, max_size=8))
def test_a_body_of_any_radius_moves_by_the_plain_rule_and_stops_nobody_else(bodies) -> None:
    """An extension's body of radius NaN or infinity made ``math.ceil`` raise inside the
    movement system: a HandlerFailed every tick, and no body after it in the loop moved.
    NaN and infinite radii stand nowhere (blocked everywhere), any other is its whole
    pixels, rounded up, as the plain rule with that radius says."""
    import esper

    from game.build import build_game
    from game.components import Body, Position, PreviousPosition, Velocity, motion_of
    from game.systems.movement import move

    game = build_game(seed=3, npcs=0, triggers=None)
    world, city = game.world, game.state.city
    world.activate()
    made = []
    for x, y, vx, vy, r in [*bodies, (200.0, 200.0, 60.0, 0.0, 8)]:   # and one ordinary walker after them
        components = (Position(x, y), PreviousPosition(0, 0), Velocity(vx, vy), Body(r))
        made.append(world.create_entity(*components, motion_of(*components)))
    move(world)
    for entity, (x, y, vx, vy, r) in zip(made, [*bodies, (200.0, 200.0, 60.0, 0.0, 8)], strict=True):
        def blocked(px: float, py: float, r: float = r) -> bool:
            if not math.isfinite(r):
                return True
            return not (0 <= px < EDGE and 0 <= py < EDGE) or city.blocked(px, py, math.ceil(abs(r)))
        ex, ey = _plain_rule(x, y, vx, vy, world.dt, blocked)
        position = esper.component_for_entity(entity, Position)
        assert _same((position.x, position.y), (ex, ey))
    assert esper.component_for_entity(made[-1], Position).x == 201.0
    world.close()


def test_bodies_of_fractional_radii_share_the_table_of_their_whole_pixels() -> None:
    city = City(seed=3)
    tables = {id(passability(city, 5 + i / 100)) for i in range(1, 500)}
    assert len(tables) == 5   # 6 to 10 pixels
    assert len(city.passability_tables) == 5
