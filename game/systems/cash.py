"""Cash in the streets: dropped around the city, picked up by the player on foot or by car."""

from __future__ import annotations

import math

import esper

from engine import World
from game.city import TILE
from game.components import Cash, Player, Position
from game.events import CashCollected
from game.score import CASH_RADIUS, place_cash
from game.state import game_state
from game.systems.spawning import CAR, PERSON


class CashDrops:
    """System: keeps ``tuning.cash_pickups`` pickups lying on the sidewalks, one new one
    every ``tuning.cash_spawn_seconds`` (at a place drawn from the world's rng)."""

    def __init__(self) -> None:
        self.next_tick = 0

    def update(self, world: World) -> None:
        tuning = game_state(world).tuning
        if world.tick < self.next_tick:
            return
        self.next_tick = world.tick + max(1, round(tuning.cash_spawn_seconds * world.tick_rate))
        lying = sum(1 for _, cash in esper.get_component(Cash) if cash.value == tuning.cash_value)
        if lying < tuning.cash_pickups:
            spot = _sidewalk_spot(world)
            if spot is not None:
                place_cash(world, *spot, tuning.cash_value)


def _sidewalk_spot(world: World) -> tuple[float, float] | None:
    city = game_state(world).city
    for _ in range(20):
        x = world.rng.uniform(TILE, city.size_px - TILE)
        y = world.rng.uniform(TILE, city.size_px - TILE)
        if city.on_sidewalk(x, y):
            return (x, y)
    return None


def collect_cash(world: World) -> None:
    """System: cash the player (or the car he drives) touches is collected (CashCollected)."""
    state = game_state(world)
    player = esper.component_for_entity(state.player, Player)
    collector = state.player if player.vehicle is None else player.vehicle
    where = esper.component_for_entity(collector, Position)
    reach = (CAR if player.vehicle is not None else PERSON) + CASH_RADIUS
    for entity, (cash, position) in sorted(esper.get_components(Cash, Position)):
        if math.dist((position.x, position.y), (where.x, where.y)) <= reach:
            world.emit(CashCollected(entity, state.player, cash.value))
            world.despawn(entity)
