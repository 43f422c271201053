"""Busted: police who keep close to the player for a moment arrest him."""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Motion, Player, Police, Position
from game.events import Busted
from game.state import game_state
from game.systems.spawning import CAR

#: A car that moved less than this in a tick (pixels) is stopped: boxed in, or parked.
STOPPED = 0.5


class Arrests:
    """System (after movement): counts the ticks a police unit has been within
    ``tuning.busted_range`` of the player on foot (or of his car, stopped);
    after ``tuning.busted_seconds`` of it, he is busted (``Busted``: the
    busted triggers take it from there).  Any tick without police that close
    starts the count again."""

    def __init__(self) -> None:
        self.held = 0

    def update(self, world: World) -> None:
        state = game_state(world)
        officer = self._officer_at_hand(world) if state.wanted > 0 and not state.run_over else None
        if officer is None:
            self.held = 0
            return
        self.held += 1
        if self.held >= max(1, round(state.tuning.busted_seconds * world.tick_rate)):
            self.held = 0
            state.busted_count += 1  # run.busted: the Busted record is what changes it
            world.emit(Busted(state.player, officer))

    @staticmethod
    def _officer_at_hand(world: World) -> int | None:
        """The nearest police unit close enough to arrest the player now, if any."""
        state = game_state(world)
        player = esper.component_for_entity(state.player, Player)
        reach = state.tuning.busted_range
        if player.vehicle is not None:
            car = esper.component_for_entity(player.vehicle, Motion)
            if math.dist((car.position.x, car.position.y), (car.previous.x, car.previous.y)) >= STOPPED:
                return None  # a moving car cannot be stopped by standing next to it
            reach += CAR
        here = esper.component_for_entity(state.player, Position)
        best = None
        for entity, (_, position) in sorted(esper.get_components(Police, Position)):
            distance = math.dist((position.x, position.y), (here.x, here.y))
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, entity)
        return None if best is None else best[1]
