"""Bodies an extension moved off the map, onto NaN or an infinity: the city's
rules answer "a wall" there, and no system fails (a system that raises is a
HandlerFailed every tick, and every body after the odd one in its loop is left
undone: the crowd stopped walking)."""

from __future__ import annotations

import math

import esper
from hypothesis import given, settings
from hypothesis import strategies as st

from game.build import build_game
from game.city import TILE, City
from game.components import Body, Position, Velocity

CITY = City(seed=3)
EDGE = CITY.size_px
ODD = [(-5000.0, 10.0), (1e300, 1e300), (math.nan, 100.0), (math.inf, -math.inf), (-0.5, -0.5),
       (EDGE - 0.1, EDGE - 0.1), (float(EDGE), 10.0), (-1e-300, 5.0), (100.0, math.nan), (-math.inf, 3.0)]
ANY = st.one_of(st.floats(-100, EDGE + 100), st.floats(allow_nan=True, allow_infinity=True),
                st.sampled_from([0.0, -0.0, EDGE - 1e-9, float(EDGE)]))


@settings(max_examples=300, deadline=None)
@given(ANY, ANY)
def test_off_the_map_and_nan_are_walls_and_nothing_raises(x: float, y: float) -> None:
    inside = 0 <= x < EDGE and 0 <= y < EDGE
    kind = CITY.kind_at(x, y)
    assert kind == (CITY.tiles[int(y // TILE)][int(x // TILE)] if inside else "building_0")
    assert CITY.solid_at(x, y) == (not inside or bool(CITY.solid_tiles[int(y // TILE) * CITY.size + int(x // TILE)]))
    assert CITY.on_sidewalk(x, y) == (kind == "sidewalk")


def test_pedestrians_teleported_anywhere_make_no_system_fail_and_the_others_walk_on() -> None:
    game = build_game(seed=3, npcs=60)
    world = game.world
    world.run(5)
    world.activate()
    people = sorted(game.state.crowd.members)
    odd, ordinary = people[:len(ODD)], people[len(ODD):]
    for entity, (x, y) in zip(odd, ODD, strict=True):
        position = esper.component_for_entity(entity, Position)
        position.x, position.y = x, y   # as an extension might, the spatial index not told
    velocity = esper.component_for_entity(odd[0], Velocity)
    velocity.x, velocity.y = 1e308, -1e308
    before = {e: (esper.component_for_entity(e, Position).x, esper.component_for_entity(e, Position).y)
              for e in ordinary}
    world.run(240)
    world.activate()
    assert [r.data for r in world.log if r.type == "HandlerFailed"] == []
    moved = [e for e in ordinary if esper.entity_exists(e)
             and (esper.component_for_entity(e, Position).x, esper.component_for_entity(e, Position).y) != before[e]]
    assert len(moved) > len(ordinary) // 2


def test_a_car_looking_ahead_meets_a_body_the_index_still_has_near_but_moved_far_away() -> None:
    from game.spatial import spatial_index
    from game.traffic import _in_the_way

    game = build_game(seed=3, npcs=0, triggers=None)
    world = game.world
    world.activate()
    x, y = game.state.city.sidewalks[0][0] * TILE + 32.0, game.state.city.sidewalks[0][1] * TILE + 32.0
    body = world.create_entity(Position(x, y), Body(8))
    spatial_index(world).place(body, x, y)
    esper.component_for_entity(body, Position).x = 1e300   # ** 2 of that raised OverflowError
    assert _in_the_way(world, -1, (x, y), impatient=False) is False
    world.close()
