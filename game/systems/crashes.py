"""Crashes: a driven car that runs into a wall or another car at speed.

The movement system slides bodies along walls and lets them pass through
each other; a car someone drives is held to a little more: running into a
wall or another car fast stops it, and is a
:class:`~game.events.VehicleCrashed` that the trigger files turn into
damage (assets/triggers/cars.toml).  Only driven civilian cars are looked
at (the traffic stops for what is ahead of it, police units are bodies of
their own), so this costs one or two cars a tick, not the crowd.
"""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Position, PreviousPosition, Vehicle, Velocity
from game.events import VehicleCrashed
from game.spatial import spatial_index
from game.state import game_state

#: Two cars whose centres are closer than this touch (cars are 48 by 24 px:
#: side by side they are 24 apart, nose to tail 48; this is in between).
CONTACT = 30.0
#: A car that goes on at less than this share of the speed it was given was stopped by something.
STOPPED_SHARE = 0.5


def crashes(world: World) -> None:
    """System (after movement): a fast driven car stopped by a wall, or that
    ran into another car (and is stopped by it), records a crash, with its speed before it."""
    state = game_state(world)
    threshold = state.tuning.crash_speed
    dt = world.dt
    index = spatial_index(world)
    for car, vehicle in esper.get_component(Vehicle):
        if vehicle.driver is None or vehicle.police or vehicle.wrecked:
            vehicle.speed = 0.0  # parked: the next driver starts from standstill
            continue
        position = esper.component_for_entity(car, Position)
        previous = esper.component_for_entity(car, PreviousPosition)
        was = vehicle.speed
        other = _car_run_into(index, car, position, previous) if was >= threshold else None
        if other is not None:
            # The crash stops it where it was (and its driver with it); slowly, it may edge past.
            position.x, position.y = previous.x, previous.y
            _ride_along(vehicle.driver, position)
            index.place(car, position.x, position.y)
        moved = math.dist((position.x, position.y), (previous.x, previous.y)) / dt
        vehicle.speed = moved
        velocity = esper.component_for_entity(car, Velocity)
        meant = math.hypot(velocity.x, velocity.y)
        # Fast before, still pressing on, and held back: a crash (braking or turning is none).
        if was >= threshold and (other is not None or moved < STOPPED_SHARE * meant):
            world.emit(VehicleCrashed(car, round(was, 1), other))


def _car_run_into(index, car: int, position: Position, previous: PreviousPosition) -> int | None:
    """The car this one ran into in this tick's move (None: none): one it
    touches now and did not touch before the move.  Cars it already touched
    it may pass (the plain rule "never overlap" would let a car that starts
    beside another, or a police unit that drives up to it, hold it for ever)."""
    for other in index.near(position.x, position.y, CONTACT):
        if other == car or not esper.has_component(other, Vehicle):
            continue
        there = esper.component_for_entity(other, Position)
        if (math.dist((position.x, position.y), (there.x, there.y)) < CONTACT
                <= math.dist((previous.x, previous.y), (there.x, there.y))):
            return other
    return None


def _ride_along(driver: int, car: Position) -> None:
    if esper.entity_exists(driver):
        seat = esper.component_for_entity(driver, Position)
        seat.x, seat.y = car.x, car.y
