"""Civilian traffic: cars drive the roads in their lanes, stop for what is in
their way, leave the streets in a chase and come back after it."""

from __future__ import annotations

import math

import esper
from game_runs import autopilot_run, jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from game.build import build_game
from game.city import City
from game.components import Player, Position, Traffic, Vehicle, Velocity
from game.events import UsePressed
from game.roads import node_point
from game.systems.spawning import spawn_pedestrian
from game.traffic import LANE, corner

ROADS = {"road", "road_line_h", "road_line_v", "crossing"}


def _traffic(world) -> dict[int, Traffic]:
    world.activate()
    return dict(esper.get_component(Traffic))


def test_the_city_has_its_traffic_and_it_drives_the_roads_in_lanes() -> None:
    game = build_game(seed=0, npcs=0)
    world, city = game.world, game.state.city
    first = _traffic(world)
    assert len(first) == game.state.tuning.traffic_cars == 12
    driven = dict.fromkeys(first, 0.0)
    last = {car: (p.x, p.y) for car, p in ((c, esper.component_for_entity(c, Position)) for c in first)}
    for _ in range(1200):
        world.step()
        world.activate()
        for car in first:
            p = esper.component_for_entity(car, Position)
            assert city.kind_at(p.x, p.y) in ROADS
            # In a lane: LANE off a road's middle line, on one axis or the other (or crossing an intersection).
            offsets = [abs((c - City.road_center(0)) % (9 * 64) - LANE) for c in (p.x, p.y)] + [
                abs((c - City.road_center(0)) % (9 * 64) - (9 * 64 - LANE)) for c in (p.x, p.y)]
            assert min(offsets) < 1.0
            driven[car] += math.dist(last[car], (p.x, p.y))
            last[car] = (p.x, p.y)
    assert min(driven.values()) > 1500, "every car drove most of the 20 s (140 px/s: 2,800 px)"


def test_a_turn_goes_from_lane_to_lane_on_the_right() -> None:
    x, y = node_point(2, 2)
    assert corner((1, 2), (2, 2), (3, 2)) == (x, y + LANE)          # east, straight on: the south lane
    assert corner((1, 2), (2, 2), (2, 3)) == (x - LANE, y + LANE)   # east, then right (south)
    assert corner((1, 2), (2, 2), (2, 1)) == (x + LANE, y + LANE)   # east, then left (north): across
    assert corner((2, 1), (2, 2), (2, 3)) == (x - LANE, y)          # south, straight on: the west lane


def test_a_car_stops_for_a_person_in_the_road_and_drives_on_when_he_is_gone() -> None:
    game = build_game(seed=0, npcs=0)
    world = game.world
    world.run(2)
    car, traffic = next(iter(sorted(_traffic(world).items())))
    p = esper.component_for_entity(car, Position)
    gx, gy = traffic.goal
    length = math.dist((gx, gy), (p.x, p.y))
    if length < 120:
        world.run(round(length / 140 * 60) + 5)
        world.activate()
        traffic = esper.component_for_entity(car, Traffic)
        p = esper.component_for_entity(car, Position)
        gx, gy = traffic.goal
        length = math.dist((gx, gy), (p.x, p.y))
    ux, uy = (gx - p.x) / length, (gy - p.y) / length
    person = spawn_pedestrian(world, p.x + ux * 60, p.y + uy * 60)
    esper.remove_component(person, Velocity)  # stands still in the road
    esper.add_component(person, Velocity())
    world.run(40)
    world.activate()
    v = esper.component_for_entity(car, Velocity)
    here = esper.component_for_entity(car, Position)
    there = esper.component_for_entity(person, Position)
    assert (v.x, v.y) == (0.0, 0.0) and math.dist((here.x, here.y), (there.x, there.y)) > 30
    world.despawn(person)
    world.run(10)
    world.activate()
    assert math.hypot(*(lambda v: (v.x, v.y))(esper.component_for_entity(car, Velocity))) > 0


def test_the_player_can_take_a_traffic_car() -> None:
    game = build_game(seed=0, npcs=0)
    world = game.world
    world.run(2)
    car = min(_traffic(world))
    world.activate()
    me = esper.component_for_entity(game.player, Position)
    there = esper.component_for_entity(car, Position)
    me.x, me.y = there.x, there.y - 25
    world.emit(UsePressed())
    world.run(2)
    world.activate()
    assert esper.component_for_entity(game.player, Player).vehicle == car
    assert not esper.has_component(car, Traffic), "his car now, not traffic"
    assert esper.component_for_entity(car, Vehicle).driver == game.player
    world.run(30)
    assert len(_traffic(world)) == 12, "another car came instead"


def test_in_a_chase_the_traffic_leaves_and_comes_back_after_it() -> None:
    game, report = autopilot_run()
    log = list(game.world.log)
    entered = next(r for r in log if r.type == "AlarmEntered" and r.data["alarm"] == "police-chase")
    exited = next(r for r in log if r.type == "AlarmExited" and r.data["alarm"] == "police-chase")
    gone = [r for r in log if r.type == "TrafficDespawned"]
    back = [r for r in log if r.type == "TrafficSpawned" and r.offset > exited.offset]
    assert gone and all(entered.offset < r.offset < exited.offset for r in gone)
    assert all(r.data["reason"] == "a chase empties the streets" for r in gone)
    during = [r for r in log if r.type == "TrafficSpawned" and entered.offset < r.offset < exited.offset]
    assert during == [], "no traffic while the chase is on"
    assert len(back) >= game.state.tuning.traffic_cars - 1
    # Why did they leave, why did they come back?  The chase, both ways.
    assert entered.offset in [r.offset for r in game.world.why(gone[0].offset)]
    assert exited.offset in [r.offset for r in game.world.why(back[0].offset)]
    assert report.milestones["people back"]
    # They go together at the start of the tick after the chase's (that tick is busy enough).
    assert {r.tick for r in gone} == {entered.tick + 1}


def test_clearing_the_roads_sends_the_cars_away_next_tick_unless_called_off() -> None:
    from game.traffic import clear_traffic, restore_traffic, traffic_flow

    game = build_game(seed=0, npcs=0)
    world = game.world
    world.run(3)
    asked = world.emit(UsePressed())  # a record for the next tick, standing for the behaviour's trigger
    with world.bus.handling(asked):
        clear_traffic(world)
    world.run(1)  # the tick that asked (between ticks, like an input: the next one)
    assert len(_traffic(world)) == 12 and not [r for r in world.log if r.type == "TrafficDespawned"]
    world.run(1)
    gone = [r for r in world.log if r.type == "TrafficDespawned"]
    assert len(gone) == 12 and {r.tick for r in gone} == {asked.tick + 1} and {r.cause for r in gone} == {asked.offset}
    assert traffic_flow(world).cleared and traffic_flow(world).clearing is None
    world.run(1)
    assert not _traffic(world), "esper has deleted them"

    other = build_game(seed=0, npcs=0)
    other.world.run(3)
    clear_traffic(other.world)
    restore_traffic(other.world)  # in the same tick: the latest call decides
    other.world.run(2)
    assert len(_traffic(other.world)) == 12 and not [r for r in other.world.log if r.type == "TrafficDespawned"]


def test_traffic_is_the_same_for_the_same_seed() -> None:
    first, second = build_game(seed=5, npcs=20), build_game(seed=5, npcs=20)
    for game in (first, second):
        game.world.run(600)
    assert jsonl(first) == jsonl(second)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**16), st.integers(0, 12))
def test_traffic_never_leaves_the_roads_and_never_overlaps(seed: int, cars: int) -> None:
    import dataclasses

    game = build_game(seed=seed, npcs=0, tuning=dataclasses.replace(build_game(npcs=0).state.tuning,
                                                                    traffic_cars=cars))
    world, city = game.world, game.state.city
    for _ in range(300):
        world.step()
        world.activate()
        where = [(p.x, p.y) for _, (_, p) in esper.get_components(Traffic, Position)]
        assert len(where) <= cars
        assert all(city.kind_at(x, y) in ROADS for x, y in where)


def test_a_car_kept_waiting_by_a_wreck_squeezes_past_it() -> None:
    from game.components import PreviousPosition
    from game.vehicles import wreck_vehicle

    game = build_game(seed=0, npcs=0)
    world = game.world
    world.run(2)
    world.activate()
    car, traffic = min(_traffic(world).items())
    p = esper.component_for_entity(car, Position)
    gx, gy = traffic.goal
    length = math.dist((gx, gy), (p.x, p.y))
    assert length > 80, "room for a wreck before the corner"
    x, y = p.x + (gx - p.x) / length * 60, p.y + (gy - p.y) / length * 60
    start = (p.x, p.y)
    wreck = next(e for e, v in sorted(esper.get_component(Vehicle)) if not esper.has_component(e, Traffic))
    for kind in (Position, PreviousPosition):
        place = esper.component_for_entity(wreck, kind)
        place.x, place.y = x, y
    world.resources["spatial"].place(wreck, x, y)
    wreck_vehicle(world, wreck)
    world.run(60)
    world.activate()
    assert esper.component_for_entity(car, Traffic).waiting > 0, "it stopped for the wreck"
    world.run(240)
    world.activate()
    here = esper.component_for_entity(car, Position)
    assert math.dist((here.x, here.y), start) > 100, "and then drove on past it"


def test_clearing_the_roads_every_tick_still_sends_the_cars_away_the_tick_after_the_first() -> None:
    from game.traffic import clear_traffic

    game = build_game(seed=0, npcs=0)
    world = game.world
    world.run(3)
    first = world.tick
    for _ in range(4):
        clear_traffic(world)  # between ticks, like a trigger on an input: asked again before it is done
        world.step()
    gone = [r for r in world.log if r.type == "TrafficDespawned"]
    assert len(gone) == 12 and {r.tick for r in gone} == {first + 1}
