"""The player's controls: inputs become intentions, movement and gunfire."""

from __future__ import annotations

import math

import esper

from engine import World, on
from game.components import Heading, Player, Position, Vehicle, Velocity
from game.events import EnteredVehicle, ExitedVehicle, FireInput, MoveInput, UsePressed
from game.spatial import spatial_index
from game.state import game_state
from game.systems.combat import fire
from game.vehicles import exit_spot

WALK_SPEED = 130.0
DRIVE_SPEED = 330.0
ENTER_DISTANCE = 48.0
FIRE_INTERVAL = 12  # ticks between shots while the trigger is held


class PlayerControl:
    """Applies the player's input: walk or drive, shoot, enter and leave cars."""

    def __init__(self, world: World) -> None:
        self.world = world

    def _player(self) -> tuple[int, Player]:
        entity = game_state(self.world).player
        return entity, esper.component_for_entity(entity, Player)

    @on(MoveInput)
    def move(self, event: MoveInput) -> None:
        _, player = self._player()
        player.move = (max(-1, min(1, event.dx)), max(-1, min(1, event.dy)))

    @on(FireInput)
    def trigger_finger(self, event: FireInput) -> None:
        _, player = self._player()
        pressed = event.held and not player.firing  # a re-aim while held is no new press
        player.firing = event.held
        player.aim = event.angle
        if pressed:
            player.fire_pending = True
        if event.held:
            current = self.world.bus.current
            player.fire_cause = current.offset if current is not None else None

    @on(UsePressed)
    def use(self, event: UsePressed) -> None:
        world = self.world
        entity, player = self._player()
        position = esper.component_for_entity(entity, Position)
        if player.vehicle is not None:
            player.fire_pending = False  # no shooting from the driver's seat
            car = player.vehicle
            esper.component_for_entity(car, Vehicle).driver = None
            esper.component_for_entity(car, Velocity).x = esper.component_for_entity(car, Velocity).y = 0.0
            player.vehicle = None
            car_pos = esper.component_for_entity(car, Position)
            # Step out on the driver's side, where there is room.
            position.x, position.y = exit_spot(world, car_pos)
            world.emit(ExitedVehicle(entity, car))
            return
        best, best_distance = None, ENTER_DISTANCE
        for car, (vehicle, car_pos) in sorted(esper.get_components(Vehicle, Position)):
            distance = math.dist((car_pos.x, car_pos.y), (position.x, position.y))
            if vehicle.driver is None and not vehicle.police and not vehicle.wrecked and distance <= best_distance:
                best, best_distance = car, distance
        if best is not None:
            vehicle = esper.component_for_entity(best, Vehicle)
            vehicle.driver = entity
            player.vehicle = best
            world.emit(EnteredVehicle(entity, best, healed=vehicle.healed))

    def update(self, world: World) -> None:
        entity, player = self._player()
        position = esper.component_for_entity(entity, Position)
        spatial_index(world).place(entity, position.x, position.y)  # behaviours may have moved him
        dx, dy = player.move
        length = math.hypot(dx, dy) or 1.0
        if player.vehicle is not None:
            player.fire_pending = False  # no shooting from the driver's seat
            car = player.vehicle
            velocity = esper.component_for_entity(car, Velocity)
            velocity.x, velocity.y = dx / length * DRIVE_SPEED, dy / length * DRIVE_SPEED
            if dx or dy:
                esper.component_for_entity(car, Heading).angle = math.atan2(dy, dx)
            return
        velocity = esper.component_for_entity(entity, Velocity)
        velocity.x, velocity.y = dx / length * WALK_SPEED, dy / length * WALK_SPEED
        heading = esper.component_for_entity(entity, Heading)
        wants_to_fire = player.firing or player.fire_pending
        if wants_to_fire and player.aim is not None:
            heading.angle = player.aim
        elif dx or dy:
            heading.angle = math.atan2(dy, dx)
        if player.fire_cooldown > 0:
            player.fire_cooldown -= 1
        elif wants_to_fire:
            player.fire_pending = False
            player.fire_cooldown = FIRE_INTERVAL
            # Each shot of a held trigger is caused by the press that started it,
            # so `why` on a crime (and the siren after it) reaches the player's input.
            pressed = world.log.get(player.fire_cause) if player.fire_cause is not None else None
            with world.bus.handling(pressed):
                fire(world, entity, (position.x, position.y), heading.angle, damage=(18, 26), accuracy=0.9)

