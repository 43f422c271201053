"""Cars: a car heals once, takes damage from bullets and crashes, and can be wrecked."""

from __future__ import annotations

import math

import esper
from hypothesis import given, settings
from hypothesis import strategies as st

from game.build import build_game
from game.components import Health, Player, Position, Vehicle
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
