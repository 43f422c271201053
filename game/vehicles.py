"""Cars as the rules see them: a first-aid kit used once, dents, wrecks.

These are behaviours (assets/triggers/cars.toml says when they run).  A
civilian car's health is its own (``Vehicle.health``), not a
:class:`~game.components.Health` component: a car is not a person, and
``damage`` on it would otherwise make it "die" like a pedestrian.
Police cars keep their Health component and the rules of a police unit.
"""

from __future__ import annotations

import esper

from engine import World
from engine.scripting import Entity
from game.components import Appearance, Player, Position, Traffic, Vehicle, Velocity
from game.events import ExitedVehicle, VehicleDamaged, VehicleHealed, VehicleWrecked
from game.state import game_state

#: The sprite of a burnt-out car (tools/make_assets.py draws it).
WRECK_SPRITE = "car_wreck"


def civilian_car(entity: int) -> Vehicle | None:
    """The entity's Vehicle if it is a civilian car (esper context current); None otherwise."""
    vehicle = esper.try_component(entity, Vehicle) if esper.entity_exists(entity) else None
    return vehicle if vehicle is not None and not vehicle.police else None


def use_first_aid(world: World, vehicle: Entity, target: Entity, amount: int) -> None:
    """Heal ``target`` by ``amount`` from the car's first-aid kit, once per car (``Vehicle.healed``).

    Never above his maximum; a car whose kit is used up heals nothing,
    however often he gets back in."""
    from game.registry import heal  # the registry imports this module: a late import, not a cycle

    world.activate()
    car = civilian_car(vehicle)
    if car is None or car.healed:
        return
    car.healed = True
    world.emit(VehicleHealed(vehicle, target))
    heal(world, target, amount)


def damage_vehicle(world: World, vehicle: Entity, amount: int) -> None:
    """Lower a civilian car's own health by ``amount`` (never below 0); a wreck takes no more."""
    world.activate()
    car = civilian_car(vehicle)
    if car is None or car.wrecked or amount <= 0:
        return
    before = car.health
    car.health = max(0, min(car.max_health, before - amount))
    if car.health != before:
        world.emit(VehicleDamaged(vehicle, before, car.health))


def wreck_vehicle(world: World, vehicle: Entity) -> None:
    """Make the car a wreck: it stops and can never be driven again; the driver is thrown out.

    It looks burnt out (the wreck sprite), and a traffic car stops being traffic."""
    world.activate()
    car = civilian_car(vehicle)
    if car is None or car.wrecked:
        return
    car.wrecked, car.health = True, 0
    velocity = esper.component_for_entity(vehicle, Velocity)
    velocity.x = velocity.y = 0.0
    esper.component_for_entity(vehicle, Appearance).sprite = WRECK_SPRITE
    if esper.has_component(vehicle, Traffic):
        esper.remove_component(vehicle, Traffic)  # a wreck is no longer traffic: another car replaces it
    driver, car.driver = car.driver, None
    world.emit(VehicleWrecked(vehicle, driver))
    if driver is not None and esper.entity_exists(driver):
        player = esper.try_component(driver, Player)
        if player is not None:
            player.vehicle = None
            player.fire_pending = False
        position = esper.component_for_entity(driver, Position)
        position.x, position.y = exit_spot(world, esper.component_for_entity(vehicle, Position))
        world.emit(ExitedVehicle(driver, vehicle))


def exit_spot(world: World, car: Position) -> tuple[float, float]:
    """Where someone getting out of (or thrown from) a car at ``car`` lands: beside it, where there is room."""
    city = game_state(world).city
    for ox, oy in ((0, -30), (0, 30), (-40, 0), (40, 0), (0, -50), (0, 50)):
        x, y = car.x + ox, car.y + oy
        if not city.blocked(x, y, 9):
            return x, y
    return car.x, car.y

