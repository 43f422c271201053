"""Cars: a car heals once, takes damage from bullets and crashes, and can be wrecked."""

from __future__ import annotations

import math

import esper
from hypothesis import given, settings
from hypothesis import strategies as st

from game.build import build_game
from game.components import Health, Player, Position, PreviousPosition, Vehicle
from game.events import UsePressed


def _beside_a_car(game, hurt: int = 70) -> int:
    """Put the hurt player next to the nearest parked car; returns the car."""
    world = game.world
    world.activate()
    here = esper.component_for_entity(game.player, Position)
    car = min((e for e, v in esper.get_component(Vehicle) if not v.police),
              key=lambda e: math.dist(_xy(e), (here.x, here.y)))
    x, y = _xy(car)
    here.x, here.y = x, y - 30
    esper.component_for_entity(game.player, Health).current = 100 - hurt
    return car


def _xy(entity: int) -> tuple[float, float]:
    p = esper.component_for_entity(entity, Position)
    return p.x, p.y


def _use(game) -> None:
    game.world.emit(UsePressed())
    game.world.run(2)
    game.world.activate()


def test_a_car_heals_on_the_first_entry_only() -> None:
    game = build_game(seed=1, npcs=0)
    world = game.world
    world.run(1)
    car = _beside_a_car(game)
    _use(game)
    assert esper.component_for_entity(game.player, Player).vehicle == car
    assert esper.component_for_entity(game.player, Health).current == 90   # 30 + tuning.heal_amount
    assert esper.component_for_entity(car, Vehicle).healed
    _use(game)                                                            # out
    esper.component_for_entity(game.player, Health).current = 20
    _use(game)                                                            # in again: no second heal
    assert esper.component_for_entity(game.player, Player).vehicle == car
    assert esper.component_for_entity(game.player, Health).current == 20
    entered = [r for r in world.log if r.type == "EnteredVehicle"]
    assert [r.data["healed"] for r in entered] == [False, True]
    healed = [r for r in world.log if r.type == "VehicleHealed"]
    assert len(healed) == 1
    # Why was he healed? The kit, because he got in, because he pressed E.
    chain = [r.type for r in world.why(next(r.offset for r in world.log if r.type == "HealthChanged"))]
    assert chain[0] == "UsePressed" and "EnteredVehicle" in chain
    sounds = [r.data["sound"] for r in world.log if r.type == "SoundStarted"]
    assert sounds.count("heal") == 1 and sounds.count("car_door") == 3


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=12))
def test_however_often_he_gets_in_and_out_one_car_heals_at_most_once(pauses: list[int]) -> None:
    game = build_game(seed=3, npcs=0)
    world = game.world
    world.run(1)
    car = _beside_a_car(game, hurt=90)
    for pause in pauses:
        world.emit(UsePressed())
        world.run(pause)
        world.activate()
        esper.component_for_entity(game.player, Health).current = 10   # hurt again, every time
    heals = [r for r in world.log if r.type == "VehicleHealed"]
    assert len(heals) <= 1 and all(r.data["vehicle"] == car for r in heals)
    rises = [r for r in world.log if r.type == "HealthChanged" and r.data["after"] > r.data["before"]]
    assert len(rises) == len(heals)


def _park_by_a_building(game, car: int) -> None:
    """Move the car (and its driver) onto the first sidewalk tile with a building west of it."""
    from game.city import SOLID, TILE

    city = game.state.city
    tx, ty = next((tx, ty) for tx, ty in city.sidewalks if city.tiles[ty][tx - 1] in SOLID)
    for entity in (car, game.player):
        for kind in (Position, PreviousPosition):
            place = esper.component_for_entity(entity, kind)
            place.x, place.y = (tx + 0.9) * TILE, (ty + 0.5) * TILE


def _drive_into(game, car: int, dx: int, dy: int, ticks: int) -> None:
    from game.events import MoveInput

    game.world.emit(MoveInput(dx, dy))
    game.world.run(ticks)
    game.world.activate()


def test_a_crash_into_a_wall_dents_the_car_and_says_why() -> None:
    game = build_game(seed=1, npcs=0)
    world = game.world
    world.run(1)
    car = _beside_a_car(game)
    _use(game)
    _park_by_a_building(game, car)
    _drive_into(game, car, -1, 0, 60)      # west, into the building
    crashes = [r for r in world.log if r.type == "VehicleCrashed"]
    assert crashes and crashes[0].data["other"] is None and crashes[0].data["speed"] >= 150
    assert len(crashes) == 1, "pressing on against the wall is no second crash"
    dents = [r for r in world.log if r.type == "VehicleDamaged"]
    assert dents and dents[0].data["before"] == 100 and dents[0].data["after"] == 100 - round(
        crashes[0].data["speed"] * 0.06)
    chain = [r.type for r in world.why(dents[0].offset)]
    assert chain[0] == "VehicleCrashed" and chain[-1] == "VehicleDamaged"
    assert esper.component_for_entity(car, Vehicle).health == dents[-1].data["after"]


def test_bullets_dent_a_car_and_a_wreck_throws_the_driver_out() -> None:
    from game.events import Shot

    game = build_game(seed=1, npcs=0)
    world = game.world
    world.run(1)
    car = _beside_a_car(game)
    _use(game)
    for _ in range(6):
        world.emit(Shot(shooter=0, target=game.player, damage=20, vehicle=car))
        world.run(1)
    world.activate()
    vehicle = esper.component_for_entity(car, Vehicle)
    assert vehicle.wrecked and vehicle.health == 0 and vehicle.driver is None
    assert esper.component_for_entity(game.player, Player).vehicle is None
    wrecked = [r for r in world.log if r.type == "VehicleWrecked"]
    assert len(wrecked) == 1 and wrecked[0].data == {"vehicle": car, "driver": game.player}
    assert next(r.type for r in world.why(wrecked[0].offset)) == "Shot"
    assert [r.data["after"] for r in world.log if r.type == "VehicleDamaged"] == [80, 60, 40, 20, 0]
    from game.components import Appearance

    assert esper.component_for_entity(car, Appearance).sprite == "car_wreck"
    _use(game)                                # a wreck cannot be driven
    assert esper.component_for_entity(game.player, Player).vehicle is None


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["shot", "crash", "tick"]), st.integers(-50, 300)), max_size=30))
def test_a_car_s_health_stays_in_bounds(actions: list[tuple[str, int]]) -> None:
    from game.events import Shot, VehicleCrashed

    game = build_game(seed=2, npcs=0)
    world = game.world
    world.run(1)
    world.activate()
    car = min(e for e, v in esper.get_component(Vehicle) if not v.police)
    for kind, amount in actions:
        if kind == "shot":
            world.emit(Shot(shooter=0, target=car, damage=amount, vehicle=car))
        elif kind == "crash":
            world.emit(VehicleCrashed(car, float(amount)))
        world.run(1)
        world.activate()
        vehicle = esper.component_for_entity(car, Vehicle)
        assert 0 <= vehicle.health <= vehicle.max_health
        assert vehicle.wrecked == (vehicle.health == 0)
    assert all(0 <= r.data["after"] < r.data["before"] <= 100 for r in world.log if r.type == "VehicleDamaged")
    assert sum(1 for r in world.log if r.type == "VehicleWrecked") <= 1


def test_running_into_another_car_dents_both_and_stops_the_car_once() -> None:
    game = build_game(seed=1, npcs=0)
    world = game.world
    world.run(1)
    car = _beside_a_car(game)
    _use(game)
    world.activate()
    here = esper.component_for_entity(car, Position)
    other = next(e for e, v in sorted(esper.get_component(Vehicle)) if e != car and not v.police)
    for kind in (Position, PreviousPosition):
        place = esper.component_for_entity(other, kind)
        place.x, place.y = here.x, here.y + 120      # parked on the road, south of him
    game.world.resources["spatial"].place(other, here.x, here.y + 120)
    _drive_into(game, car, 0, 1, 40)
    crashes = [r for r in world.log if r.type == "VehicleCrashed"]
    assert [r.data["other"] for r in crashes] == [other], "one crash, into that car"
    dented = {r.data["vehicle"] for r in world.log if r.type == "VehicleDamaged"}
    assert dented == {car, other}
    assert {r.data["trigger"] for r in world.log if r.type == "BehaviourRan"} >= {
        "crashes-dent-cars", "crashes-dent-the-other-car"}
