"""The minimap, drawn to a surface and read back by pixel colour at known places."""

from __future__ import annotations

import pygame
import pytest

from engine import World
from game.city import TILE, City
from game.components import Cash, Helicopter, Player, Police, Position, Roadblock, Vehicle
from game.pg import minimap as mm
from game.pg.minimap import Minimap, map_rect
from game.state import GameState

SCREEN = (1280, 720)


def scene(player_at=(100.0, 100.0)):
    """A world with a city and a player, and nothing else: each test adds what it looks for."""
    world = World(seed=1)
    state = GameState(city=City())
    world.resources["game"] = state
    state.player = world.create_entity(Position(*player_at), Player())
    return world, state


def draw(world) -> tuple[pygame.Surface, Minimap, pygame.Rect]:
    surface = pygame.Surface(SCREEN)
    surface.fill((1, 2, 3))
    minimap = Minimap(world)
    rect = minimap.draw(surface)
    return surface, minimap, rect


def colour(surface, point) -> tuple[int, int, int]:
    return tuple(surface.get_at(point))[:3]


def tile_centre(tx: int, ty: int) -> tuple[float, float]:
    return (tx + 0.5) * TILE, (ty + 0.5) * TILE


def test_it_sits_in_the_bottom_right_corner_and_shows_the_roads_and_buildings():
    world, state = scene(player_at=tile_centre(40, 40))
    surface, minimap, rect = draw(world)
    assert rect == map_rect(SCREEN) and rect.bottomright == (SCREEN[0] - mm.MARGIN, SCREEN[1] - mm.MARGIN)
    assert colour(surface, (rect.x - 10, rect.y - 10)) == (1, 2, 3), "nothing drawn outside the map and frame"
    city = state.city
    for tx, ty in [(5, 1), (1, 5), (1, 1), (20, 10)]:  # road rows and columns, a crossing
        assert colour(surface, minimap.to_map(*tile_centre(tx, ty), rect)) == mm.ROAD, (tx, ty, city.tiles[ty][tx])
    kinds = {city.tiles[ty][tx]: (tx, ty) for ty in range(city.size) for tx in range(city.size)}
    assert colour(surface, minimap.to_map(*tile_centre(*kinds["sidewalk"]), rect)) == mm.TILE_COLOURS["sidewalk"]
    assert colour(surface, minimap.to_map(*tile_centre(*kinds["hospital"]), rect)) == mm.TILE_COLOURS["hospital"]
    station = minimap.to_map(*tile_centre(*kinds["police_station"]), rect)
    assert colour(surface, station) == mm.TILE_COLOURS["police_station"]
    building = next(kind for kind in kinds if kind.startswith("building"))
    assert colour(surface, minimap.to_map(*tile_centre(*kinds[building]), rect)) == mm.BUILDING


def test_the_player_is_a_white_dot_and_in_a_car_the_car_is_where_they_are():
    world, state = scene(player_at=tile_centre(5, 1))
    surface, minimap, rect = draw(world)
    assert colour(surface, minimap.to_map(*tile_centre(5, 1), rect)) == mm.PLAYER
    car = world.create_entity(Position(*tile_centre(30, 1)), Vehicle(driver=state.player))
    world.activate()
    import esper

    esper.component_for_entity(state.player, Player).vehicle = car
    surface, minimap, rect = draw(world)
    assert colour(surface, minimap.to_map(*tile_centre(30, 1), rect)) == mm.PLAYER
    assert colour(surface, minimap.to_map(*tile_centre(5, 1), rect)) == mm.ROAD


def test_parked_cars_are_dots_and_police_flash_with_a_radar_while_they_chase():
    world, state = scene(player_at=tile_centre(40, 40))
    parked = tile_centre(10, 1)
    unit = tile_centre(20, 19)
    world.create_entity(Position(*parked), Vehicle())
    world.create_entity(Position(*unit), Vehicle(police=True), Police(vision=360.0))
    surface, minimap, rect = draw(world)
    assert colour(surface, minimap.to_map(*parked, rect)) == mm.CAR
    assert colour(surface, minimap.to_map(*unit, rect)) == mm.POLICE
    ring = minimap.to_map(unit[0] + 360.0, unit[1], rect)
    assert colour(surface, ring) != mm.RADAR_SEARCHING, "no radar while nobody is wanted"
    state.wanted = 2
    world.tick = 0  # lights on
    surface, minimap, rect = draw(world)
    assert colour(surface, minimap.to_map(*unit, rect)) == mm.POLICE_LIGHT
    assert any(colour(surface, (ring[0] + dx, ring[1])) == mm.RADAR_SEARCHING for dx in (-1, 0, 1))
    world.tick = mm.LIGHTS_TICKS
    surface, _, _ = draw(world)
    assert colour(surface, minimap.to_map(*unit, rect)) == mm.POLICE


def test_a_unit_that_sees_the_player_has_a_red_radar():
    world, state = scene(player_at=tile_centre(20, 21))  # two tiles from the unit: inside its radar
    unit = tile_centre(20, 19)
    world.create_entity(Position(*unit), Vehicle(police=True), Police(vision=360.0))
    state.wanted = 1
    surface, minimap, rect = draw(world)
    ring = minimap.to_map(unit[0] + 360.0, unit[1], rect)
    assert any(colour(surface, (ring[0] + dx, ring[1])) == mm.RADAR_SEEING for dx in (-1, 0, 1))


def test_the_helicopter_shows_with_its_radar():
    world, state = scene(player_at=tile_centre(40, 40))
    where = tile_centre(20, 19)
    world.create_entity(Position(*where), Helicopter(vision=520.0))
    state.wanted = 5
    surface, minimap, rect = draw(world)
    assert colour(surface, minimap.to_map(*where, rect)) == mm.HELICOPTER
    ring = minimap.to_map(where[0], where[1] + 520.0, rect)
    assert any(colour(surface, (ring[0], ring[1] + dy)) == mm.RADAR_SEARCHING for dy in (-1, 0, 1))


def test_roadblocks_are_orange_bars():
    world, _ = scene(player_at=tile_centre(40, 40))
    where = tile_centre(25, 1)
    world.create_entity(Position(*where), Roadblock(ttl=100))
    surface, minimap, rect = draw(world)
    x, y = minimap.to_map(*where, rect)
    assert colour(surface, (x - 2, y)) == colour(surface, (x + 2, y)) == mm.ROADBLOCK


def test_only_the_nearest_cash_is_marked_as_the_goal():
    world, _state = scene(player_at=tile_centre(5, 1))
    near, far = tile_centre(14, 1), tile_centre(40, 37)
    world.create_entity(Position(*far), Cash(500))
    world.create_entity(Position(*near), Cash(100))
    surface, minimap, rect = draw(world)
    assert colour(surface, minimap.to_map(*near, rect)) == mm.GOAL
    assert colour(surface, minimap.to_map(*far, rect)) != mm.GOAL


def test_the_road_layer_is_made_once(monkeypatch):
    world, _ = scene()
    made = []
    real = mm.road_layer
    monkeypatch.setattr(mm, "road_layer", lambda city, size=mm.SIZE: made.append(city) or real(city, size))
    minimap = Minimap(world)
    surface = pygame.Surface(SCREEN)
    for _ in range(5):
        minimap.draw(surface)
    assert len(made) == 1


def test_the_hud_draws_it_in_a_game_frame():
    from game.build import build_game
    from game.pg.play import render_frame

    game = build_game(seed=0, npcs=5)
    game.world.run(30)
    surface = render_frame(game.world)
    rect = map_rect(surface.get_size())
    assert colour(surface, (rect.x - 2, rect.y - 2)) == mm.FRAME


@pytest.mark.parametrize("size", [(640, 360), (1920, 1080)])
def test_it_fits_any_frame_size(size):
    world, _ = scene()
    surface = pygame.Surface(size)
    rect = Minimap(world).draw(surface)
    assert surface.get_rect().contains(rect)


def test_the_map_turns_see_through_when_the_player_is_under_it():
    world, _ = scene(player_at=tile_centre(5, 1))
    surface = pygame.Surface(SCREEN)
    surface.fill((200, 0, 200))
    minimap = Minimap(world)
    rect = minimap.draw(surface)
    inside = minimap.to_map(*tile_centre(20, 10), rect)
    assert colour(surface, inside) == mm.ROAD
    surface.fill((200, 0, 200))
    minimap.avoid = (rect.centerx, rect.centery)  # the camera stopped at the city's corner: he is here
    minimap.draw(surface)
    r, g, _b = colour(surface, inside)
    assert r > mm.ROAD[0] + 20 and g < mm.ROAD[1] - 20, "the game shows through"
    minimap.avoid = (100, 100)
    minimap.draw(surface)
    assert colour(surface, inside) == mm.ROAD
