"""A crowded city: who leaves and arrives when, the maintained counts and index, frame times."""

from __future__ import annotations

import functools
import math

import esper
import pytest
from game_runs import autopilot_run
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.ending import end_run
from engine.replay import replay
from game.build import MAX_NPCS, Game, build_game
from game.city import TILE, City
from game.components import Body, Corpse, Pedestrian, Position
from game.crowd import FIRST_LOOK_SPREAD
from game.events import UsePressed
from game.headless import run_headless
from game.population import _seen, _sight, changes_per_tick, quiet_changes_per_tick
from game.registry import despawn_npcs, respawn_npcs
from game.spatial import cell, spatial_index
from game.systems.spawning import spawn_pedestrian


def standing_by_scan() -> list[int]:
    """The plain count the crowd replaces: every pedestrian, asked one by one."""
    return [e for e, _ in sorted(esper.get_component(Pedestrian))
            if esper.entity_exists(e) and not esper.has_component(e, Corpse)]


def test_a_thousand_people_play_the_whole_scenario_and_all_are_kept() -> None:
    game, report = autopilot_run(0, seconds=60.0, npcs=1000)
    assert all(report.milestones.values()), report.milestones
    log = list(game.world.log)
    assert not [r for r in log if r.type == "FrameTimeMeasured"], "headless runs measure no frames"
    reasons = [r.data["reason"] for r in log if r.type == "PopulationChanged"]
    assert reasons == ["the city wakes up", "a chase empties the streets", "streets are safe again"]
    assert report.counts["CascadeCut"] == report.counts["HandlerFailed"] == 0


def test_a_chase_empties_the_streets_over_a_few_ticks_each_person_once_and_as_caused() -> None:
    game, _ = autopilot_run(0, seconds=60.0, npcs=1000)
    log = list(game.world.log)
    entered = next(r for r in log if r.type == "AlarmEntered" and r.data["alarm"] == "police-chase")
    exited = next(r for r in log if r.type == "AlarmExited" and r.data["alarm"] == "police-chase")
    ticks = 1000 // quiet_changes_per_tick(game.state) + 1   # those in sight go faster
    gone = [r for r in log if r.type == "NPCDespawned" and entered.tick <= r.tick < exited.tick]
    assert len(gone) == len({r.data["entity"] for r in gone}) == 1000 - 0   # nobody fell before the chase here
    # The chase's tick books the change, the next decides it, the work starts in the one after.
    assert gone[0].tick == entered.tick + 2 and gone[-1].tick <= entered.tick + 1 + ticks
    back = [r for r in log if r.type == "NPCSpawned" and r.tick >= exited.tick]
    assert len(back) == 1000 and back[0].tick == exited.tick + 2 and back[-1].tick <= exited.tick + 1 + ticks
    for record in gone[::97] + gone[-1:]:
        assert "WantedLevelChanged" in [r.type for r in game.world.why(record.offset)]
    for record in back[::97] + back[-1:]:
        assert "EscapedRadar" in [r.type for r in game.world.why(record.offset)]


def test_people_in_sight_leave_first_and_newcomers_arrive_out_of_sight() -> None:
    game = build_game(seed=2, npcs=600, triggers=None)
    world, state = game.world, game.state
    world.run(5)
    world.activate()
    here = esper.component_for_entity(state.player, Position)
    sight = _sight(state, here)
    budget = changes_per_tick(state)
    in_sight = [e for e in state.crowd.standing() if _seen(sight, esper.component_for_entity(e, Position))]
    assert budget < len(in_sight) <= 3 * budget, "the scene must show the spreading to mean anything"
    despawn_npcs(world)   # between ticks, like an input: asked in the next tick, decided in the one after
    assert state.crowd.leaving == [], "the tick that asks only books the change"
    world.run(1)
    assert state.crowd.leaving == [], "not decided in the tick that asked"
    world.run(1)
    assert state.crowd.leaving[:len(in_sight)] == in_sight   # those in sight first
    assert esper.entity_exists(in_sight[0]), "nobody leaves in the tick that decides"
    world.run(3)   # the first share goes in the tick after; two more ticks
    assert not [e for e in in_sight if esper.entity_exists(e)]
    assert state.crowd.leaving, "the people out of sight are still leaving"
    quiet = quiet_changes_per_tick(state)
    assert quiet < budget, "out of sight, people leave in thinner shares"
    world.run(600 // quiet + 1)
    assert state.crowd.standing() == [] and state.crowd.leaving == []
    start = world.log.next_offset
    respawn_npcs(world)
    world.run(600 // quiet + 2)
    arrived = [r for r in world.log.since(start) if r.type == "NPCSpawned"]
    assert len(arrived) == 600 == len(state.crowd.standing())
    assert max(sum(1 for r in arrived if r.tick == t) for t in {r.tick for r in arrived}) <= quiet
    assert not [r for r in arrived if _seen(sight, Position(*r.data["position"]))]


def test_counts_and_the_spatial_index_follow_the_game() -> None:
    game = build_game(seed=1, npcs=80)
    world = game.world
    from game.autopilot import Autopilot
    pilot = Autopilot(game)
    index = spatial_index(world)
    for tick in range(1800):
        for event in pilot.inputs():
            world.emit(event)
        world.step()
        if tick % 15:
            continue
        world.activate()
        assert game.state.crowd.standing() == standing_by_scan(), tick
        assert game.state.crowd.standing_count() == len(standing_by_scan()), tick
        for entity, (position, _body) in esper.get_components(Position, Body):
            if esper.entity_exists(entity):
                assert index.cell_of[entity] == cell(position.x, position.y), (tick, entity)
        assert set(index.cell_of) == {e for e, _ in esper.get_component(Body) if esper.entity_exists(e)}, tick


def test_a_simulated_frame_time_thins_the_crowd_and_replays_exactly() -> None:
    game = build_game(seed=1, npcs=60)
    run_headless(game, 8, frame_ms=40.0)
    end_run(game.world)
    log = list(game.world.log)
    assert [r.data["ms"] for r in log if r.type == "FrameTimeMeasured"] == [40.0] * 16
    thinned = [r for r in log if r.type == "PopulationChanged" and r.data["reason"] == "frame budget exceeded"]
    # Frames of 40 ms against a 25 ms budget: keep 0.6 * 25 / 40 = 37.5% (assets/triggers/performance.toml).
    assert thinned and (thinned[0].data["before"], thinned[0].data["after"]) == (60, 22)
    assert replay(log).identical


def test_thinning_thins_the_screen_like_the_city_in_big_shares() -> None:
    # Frames over budget already: the alarm's thinning is done within a few ticks, not 48,
    # and in sight as much as out of it (drawing costs what the screen holds).
    from game.registry import thin_population
    game = build_game(seed=2, npcs=500)
    world = game.world
    world.run(5)
    world.activate()
    sight = _sight(game.state, esper.component_for_entity(game.state.player, Position))

    seen = {e for e in game.state.crowd.standing() if _seen(sight, esper.component_for_entity(e, Position))}
    thin_population(world, 0.2)
    asked = world.tick
    world.run(6)   # asked in the next tick, decided in the one after; then a quarter of the crowd a tick
    world.activate()
    assert game.state.crowd.standing_count() == 100 and not game.state.crowd.leaving
    assert len(seen) >= 20 and len(seen & set(game.state.crowd.standing())) == len(seen) - round(len(seen) * 0.8)
    departed = [r for r in world.log if r.type == "NPCDespawned"]
    assert len(departed) == 400 and {r.tick for r in departed} == set(range(asked + 2, asked + 6))  # 400 of 500
    assert not [r for r in world.log if r.type == "CascadeCut"]   # well inside the reaction budget


def test_the_city_takes_up_to_the_most_pedestrians_and_no_more() -> None:
    with pytest.raises(ValueError, match="npcs must be 0 to 5000"):
        build_game(npcs=MAX_NPCS + 1, triggers=None)
    from game import cli
    assert cli.MAX_NPCS == MAX_NPCS
    assert cli.build_parser().parse_args(["--npcs", "5000"]).npcs == 5000


ROAD_KINDS = {"road", "road_line_h", "road_line_v", "crossing"}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 47), st.integers(0, 47))
def test_the_nearest_sidewalk_of_a_road_tile_is_the_fewest_steps_away(tx: int, ty: int) -> None:
    city = City(seed=0)
    found = city.nearest_sidewalk(tx * TILE + 10.5, ty * TILE + 60.0)
    kind = city.tiles[ty][tx]
    if kind == "sidewalk":
        assert found == (tx, ty)
    elif kind in ROAD_KINDS:
        # Roads are open and ring every block, so the fewest steps is the grid distance.
        fewest = min(abs(sx - tx) + abs(sy - ty) for sx, sy in city.sidewalks)
        assert found in city.sidewalks and abs(found[0] - tx) + abs(found[1] - ty) == fewest
    assert city.nearest_sidewalk(-1.0, 5.0) is None and city.nearest_sidewalk(math.nan, 5.0) is None


def test_a_walker_with_no_sidewalk_in_reach_walks_to_the_nearest_one() -> None:
    # The road along the map's top edge: the nearest sidewalk is 3 tiles down, out of a goal's 160 px.
    game = build_game(seed=0, npcs=0, triggers=None)
    world = game.world
    walker = spawn_pedestrian(world, 5 * TILE + 32, 20.0)  # joins the crowd: looked at within FIRST_LOOK_SPREAD
    world.run(FIRST_LOOK_SPREAD + 1)
    world.activate()
    goal = esper.component_for_entity(walker, Pedestrian).goal
    assert goal is not None and game.state.city.on_sidewalk(*goal)
    assert goal[1] - 20.0 > 160, "further than any point the 8 tries could pick"
    world.run(5 * 60)
    world.activate()
    where = esper.component_for_entity(walker, Position)
    assert game.state.city.on_sidewalk(where.x, where.y)


@functools.cache
def _crowded() -> Game:
    """300 people, every tenth fallen."""
    game = build_game(seed=4, npcs=300, triggers=None)
    game.world.activate()
    for entity in sorted(game.state.crowd.members)[::10]:
        esper.add_component(entity, Corpse())
    return game


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 29), st.floats(-30, 30), st.floats(-30, 30), st.floats(0, 600))
def test_anyone_standing_near_says_whether_standing_near_lists_anyone(fallen: int, dx: float, dy: float,
                                                                      radius: float) -> None:
    # Around one of the fallen: small circles hold only him, big ones the standing too.
    game = _crowded()
    game.world.activate()
    crowd, index = game.state.crowd, spatial_index(game.world)
    body = esper.component_for_entity(sorted(crowd.members)[::10][fallen], Position)
    origin = (body.x + dx, body.y + dy)
    assert crowd.anyone_standing_near(index, origin, radius) == bool(crowd.standing_near(index, origin, radius))


@pytest.mark.parametrize("between_ticks", [False, True])
def test_a_change_asked_for_every_tick_still_gets_done(between_ticks: bool) -> None:
    # Each call decides again; the work under way goes on in the ticks that decide.
    game = build_game(seed=1, npcs=200, triggers=None)
    world = game.world
    if not between_ticks:
        world.add_system(despawn_npcs)   # in every tick, as a trigger on a per-tick event would
    for _ in range(200 // quiet_changes_per_tick(game.state) + 10):
        if between_ticks:
            despawn_npcs(world)           # as a trigger on an input would
        world.step()
    world.activate()
    assert game.state.crowd.standing_count() == 0


def test_work_under_way_keeps_its_cause_until_a_new_request_is_decided() -> None:
    game = build_game(seed=1, npcs=300, triggers=None)
    world = game.world
    world.run(2)
    with world.bus.handling(world.emit(UsePressed())):
        despawn_npcs(world)
    world.run(300 // quiet_changes_per_tick(game.state) + 5)
    fill = world.emit(UsePressed())
    with world.bus.handling(fill):
        respawn_npcs(world)
    world.run(5)   # newcomers under way
    again = world.emit(UsePressed())   # an input's trigger: decided in the next tick
    with world.bus.handling(again):
        despawn_npcs(world)
    world.run(2)
    meanwhile = [r for r in world.log if r.tick == again.tick and r.type == "NPCSpawned"]
    assert meanwhile and {r.cause for r in meanwhile} == {fill.offset}
    departures = [r for r in world.log if r.tick == again.tick + 1 and r.type == "NPCDespawned"]
    assert departures and {r.cause for r in departures} == {again.offset}   # decided, and under way at once


def test_a_failed_decision_is_recorded_against_the_record_that_asked(monkeypatch) -> None:
    import game.population as population

    game = build_game(seed=1, npcs=50, triggers=None)
    world = game.world
    world.run(2)
    asked = world.emit(UsePressed())
    with world.bus.handling(asked):
        despawn_npcs(world)

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("no way to choose")
    monkeypatch.setattr(population, "_decide", broken)
    world.run(3)
    failed = [r for r in world.log if r.type == "HandlerFailed"]
    assert len(failed) == 1 and failed[0].cause == asked.offset and failed[0].data["offset"] == asked.offset
    assert "deciding 'a chase empties the streets'" in failed[0].data["handler"]
    assert "no way to choose" in failed[0].data["error"]
    world.activate()
    assert game.state.crowd.booked_change is None and game.state.crowd.standing_count() == 50


def test_the_fallen_are_replaced_one_a_second() -> None:
    game = build_game(seed=1, npcs=100, triggers=None)
    world = game.world
    world.run(2)
    world.activate()
    for entity in sorted(game.state.crowd.members)[:5]:
        esper.add_component(entity, Corpse())   # as a deadly shot leaves them
    start = world.log.next_offset
    world.run(3 * world.tick_rate + 1)
    world.activate()
    # Three seconds, three newcomers: each asked at a whole second, decided the tick after, come the one after.
    assert game.state.crowd.standing_count() == 98
    world.run(3 * world.tick_rate)
    world.activate()
    arrived = [r for r in world.log.since(start) if r.type == "NPCSpawned"]
    assert game.state.crowd.standing_count() == 100 and len(arrived) == 5
    assert len({r.tick // world.tick_rate for r in arrived}) == 5, "one a second"
