"""The ``arrest`` behaviour: a busted player is taken to the police station and let go.

``assets/triggers/busted.toml`` calls it on ``Busted``, with the penalty and
``clear_wanted``: the wanted level falls to 0, the chase alarm exits, the
sirens stop and the people come back, each a record whose cause leads back
to the arrest.
"""

from __future__ import annotations

import esper

from engine import World
from engine.scripting import Entity
from game.components import Player, Position, Vehicle, Velocity
from game.events import PlayerReleased
from game.state import game_state


def arrest(world: World, target: Entity) -> None:
    """Take the target out of his car and release him at the police station door (PlayerReleased)."""
    state = game_state(world)
    world.activate()
    player = esper.try_component(target, Player)
    if player is None:
        return
    if player.vehicle is not None:
        esper.component_for_entity(player.vehicle, Vehicle).driver = None
        velocity = esper.component_for_entity(player.vehicle, Velocity)
        velocity.x = velocity.y = 0.0
        player.vehicle = None
    player.firing, player.fire_pending, player.move = False, False, (0, 0)
    position = esper.component_for_entity(target, Position)
    position.x, position.y = door = state.city.police_station_door
    world.emit(PlayerReleased(target, door))
