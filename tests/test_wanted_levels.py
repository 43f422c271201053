"""Five wanted levels and busted, as rules: properties over random play, and the steps one by one."""

from __future__ import annotations

import math

import esper
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wanted_rules import assert_the_rules_held, chain_types

from game.build import Game, build_game
from game.city import City
from game.components import Health, Helicopter, Player, Police, Position, Roadblock, Vehicle
from game.escalation import ROADBLOCK_HALF_DEPTH, place_roadblock, roadblock_spot
from game.events import FireInput, MoveInput, UsePressed
from game.registry import clear_wanted, raise_wanted
from game.score import add_score
from game.systems.air_support import helicopter_sees
from game.systems.police import clear_view
from game.systems.spawning import CAR, spawn_police_car
from game.tuning import tune

operations = st.lists(st.one_of(
    st.tuples(st.just("raise"), st.integers(1, 5)),
    st.tuples(st.just("run"), st.integers(1, 300)),
    st.tuples(st.just("move"), st.integers(-1, 1), st.integers(-1, 1)),
    st.tuples(st.just("fire"), st.floats(-math.pi, math.pi)),
    st.tuples(st.just("use"),),
), min_size=1, max_size=10)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_random_play_keeps_the_rules(ops) -> None:
    game = build_game(seed=1, npcs=4)
    world = game.world
    try:
        world.run(2)
        for op in ops:
            if op[0] == "raise":
                raise_wanted(world, op[1])
            elif op[0] == "run":
                world.run(op[1])
            elif op[0] == "move":
                world.emit(MoveInput(op[1], op[2]))
            elif op[0] == "fire":
                world.emit(FireInput(True, op[1]))
            else:
                world.emit(UsePressed())
            world.run(1)
            assert 0 <= game.state.wanted <= 5
            world.activate()
            health = esper.component_for_entity(game.player, Health)
            assert 0 <= health.current <= health.maximum
        assert_the_rules_held(game)
    finally:
        world.close()


def _put_police_beside(game: Game, distance: float) -> int:
    world = game.world
    world.activate()
    here = esper.component_for_entity(game.player, Position)
    return spawn_police_car(world, here.x + distance, here.y)


def _enter_the_parked_car(game: Game) -> int:
    world = game.world
    world.activate()
    car = min(e for e, v in esper.get_component(Vehicle) if not v.police)
    spot = esper.component_for_entity(car, Position)
    me = esper.component_for_entity(game.player, Position)
    me.x, me.y = spot.x + 20, spot.y
    world.emit(UsePressed())
    world.run(2)
    assert esper.component_for_entity(game.player, Player).vehicle == car
    return car


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level=st.integers(1, 5), score=st.integers(0, 2000), in_car=st.booleans())
def test_busted_clears_the_wanted_level_with_a_stated_penalty(level: int, score: int, in_car: bool) -> None:
    game = build_game(seed=2, npcs=2)
    world, state = game.world, game.state
    try:
        world.run(2)
        add_score(world, score, "probe")
        if in_car:
            _enter_the_parked_car(game)
        raise_wanted(world, level)
        _put_police_beside(game, 30.0)
        world.run(round(state.tuning.busted_seconds * world.tick_rate) + 3)
        (busted,) = [r for r in world.log if r.type == "Busted"]
        assert state.wanted == 0 and state.busted_count == 1
        world.activate()
        assert esper.component_for_entity(game.player, Player).vehicle is None
        cleared = [r for r in world.log if r.type == "WantedLevelChanged" and r.data["after"] == 0]
        assert [busted.offset in {c.offset for c in world.why(r.offset)} for r in cleared] == [True]
        (released,) = [r for r in world.log if r.type == "PlayerReleased"]
        assert tuple(released.data["position"]) == state.city.police_station_door
        fines = [r for r in world.log if r.type == "ScoreChanged" and r.data["reason"] == "busted"]
        assert state.score == max(0, score - state.tuning.busted_penalty)
        assert len(fines) == (1 if score > 0 else 0)
        assert_the_rules_held(game)
    finally:
        world.close()


def test_police_too_far_or_a_moving_car_are_not_an_arrest() -> None:
    game = build_game(seed=2, npcs=2)
    world = game.world
    try:
        world.run(2)
        car = _enter_the_parked_car(game)
        raise_wanted(world, 1)
        world.emit(MoveInput(0, 1))  # driving away down the road
        world.run(2)
        unit = _put_police_beside(game, 0.0)
        for _ in range(round(game.state.tuning.busted_seconds * world.tick_rate) + 30):
            world.activate()  # keep the unit beside the moving car
            car_at = esper.component_for_entity(car, Position)
            unit_at = esper.component_for_entity(unit, Position)
            unit_at.x, unit_at.y = car_at.x + 30, car_at.y
            world.run(1)
        assert not [r for r in world.log if r.type == "Busted"]
    finally:
        world.close()


def test_the_police_open_fire_from_three_stars_and_their_shots_name_the_order() -> None:
    game = build_game(seed=2, npcs=2)
    world = game.world
    try:
        world.run(2)
        tune(world, "busted_seconds", 30.0)  # they stand beside him: not an arrest in this test
        raise_wanted(world, 2)
        _put_police_beside(game, 150.0)
        world.run(120)
        assert not [r for r in world.log if r.type == "PoliceOpenedFire"]
        police = {e for e, _ in esper.get_component(Police)}
        assert not [r for r in world.log if r.type == "ShotFired" and r.data["shooter"] in police]
        raise_wanted(world, 1)
        world.run(120)
        (order,) = [r for r in world.log if r.type == "PoliceOpenedFire"]
        assert order.data == {"level": 3}
        assert chain_types(game, order)[-3:] == ["AlarmEntered", "BehaviourRan", "PoliceOpenedFire"]
        world.activate()
        police = {e for e, _ in esper.get_component(Police)}
        shots = [r for r in world.log if r.type == "ShotFired" and r.data["shooter"] in police]
        assert shots and all(order.offset in {c.offset for c in world.why(s.offset)} for s in shots)
    finally:
        world.close()


def test_a_roadblock_stands_across_the_road_ahead_and_stops_the_car() -> None:
    game = build_game(seed=2, npcs=0)
    world = game.world
    try:
        world.run(2)
        car = _enter_the_parked_car(game)
        world.emit(MoveInput(0, 1))  # south, down the vertical road
        world.run(5)
        place_roadblock(world)
        world.activate()
        ((_block, (_, at)),) = esper.get_components(Roadblock, Position)
        start = esper.component_for_entity(car, Position)
        assert at.y > start.y + game.state.tuning.roadblock_ahead - 200  # ahead, at the next crossing's edge
        assert at.x == City.road_center(2)  # across the road the car drives down
        world.run(5 * 60)
        world.activate()
        stopped = esper.component_for_entity(car, Position)
        assert stopped.y < at.y - ROADBLOCK_HALF_DEPTH - CAR + 1  # it never got into the block
        assert stopped.y > at.y - ROADBLOCK_HALF_DEPTH - CAR - 12  # it drove right up to it
    finally:
        world.close()


def test_roadblocks_expire_and_come_back_while_the_level_holds() -> None:
    game = build_game(seed=2, npcs=0)
    world = game.world
    try:
        world.run(2)
        tune(world, "roadblock_seconds", 1.0)
        raise_wanted(world, 4)
        world.run(70)
        placed = [r for r in world.log if r.type == "RoadblockPlaced"]
        expired = [r for r in world.log if r.type == "RoadblockCleared" and r.data["reason"] == "expired"]
        assert len(placed) == 2 and len(expired) == 1
        assert "RoadblockCleared" in chain_types(game, placed[1])
        clear_wanted(world)
        world.run(2)
        assert [r.data["reason"] for r in world.log if r.type == "RoadblockCleared"][-1] == "chase over"
        assert not esper.get_component(Roadblock)
    finally:
        world.close()


def test_the_helicopter_comes_at_five_stars_and_sees_over_buildings() -> None:
    game = build_game(seed=2, npcs=0)
    world = game.world
    city = game.state.city
    try:
        world.run(2)
        raise_wanted(world, 4)
        world.run(2)
        assert not esper.get_component(Helicopter)
        raise_wanted(world, 1)
        world.run(2)
        (arrived,) = [r for r in world.log if r.type == "HelicopterArrived"]
        assert chain_types(game, arrived)[-3:] == ["AlarmEntered", "BehaviourRan", "HelicopterArrived"]
        # Across a block whose middle is a building: a car's radar is blind through it.
        bx, by = next((i, j) for i in range(5) for j in range(5) if city.solid_at(*_middle(i, j)))
        middle = _middle(bx, by)
        west, east = (City.road_center(bx), middle[1]), (City.road_center(bx + 1), middle[1])
        assert not clear_view(city, west, east) and clear_view(city, west, (west[0], west[1] - 300))
        world.activate()
        ((_heli, (_, at)),) = esper.get_components(Helicopter, Position)
        at.x, at.y = middle
        assert helicopter_sees(east) and helicopter_sees(west)  # over the roofs
        clear_wanted(world)
        world.run(2)
        assert [r.type for r in world.log if r.type == "HelicopterLeft"] == ["HelicopterLeft"]
    finally:
        world.close()


def _middle(bx: int, by: int) -> tuple[float, float]:
    x, y = City.block_origin(bx, by)
    return x + 3 * 64, y + 3 * 64


def test_roadblock_spots_are_on_the_road_across_the_way() -> None:
    city = City(seed=0)
    (x, y), heading = roadblock_spot(city, City.road_center(1), 700.0, math.pi / 2, 420.0)  # going south
    assert x == City.road_center(1) and heading == 0.0 and y > 700 + 200
    (x, y), heading = roadblock_spot(city, 700.0, City.road_center(2), math.pi, 420.0)  # going west
    assert y == City.road_center(2) and heading == math.pi / 2 and x < 700
