"""The yardstick for bench_city.py: a crowd written in plain esper, as a student would.

People wander between nearby sidewalk points of the same tile map as the
game, collide with its buildings one axis at a time (the four corners of
their square against the tiles), and run away from gunshots that go off
at a random point every two seconds.  No bus, no log, no triggers, no
tricks: esper processors, dataclasses and plain Python.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import esper

TILE = 64
SOLID = {"building_0", "building_1", "building_2", "hospital"}
WALK, RUN = 45.0, 150.0
HEARING = 380.0


@dataclass
class Position:
    x: float
    y: float


@dataclass
class Velocity:
    x: float = 0.0
    y: float = 0.0


@dataclass
class Body:
    radius: float


@dataclass
class Walker:
    goal: tuple[float, float] | None = None
    flee: int = 0
    flee_from: tuple[float, float] = (0.0, 0.0)


class TileMap:
    def __init__(self, tiles: list[list[str]]) -> None:
        self.tiles = tiles
        self.size = len(tiles)

    def solid(self, x: float, y: float) -> bool:
        if x < 0 or y < 0:
            return True
        tx, ty = int(x // TILE), int(y // TILE)
        if tx >= self.size or ty >= self.size:
            return True
        return self.tiles[ty][tx] in SOLID

    def blocked(self, x: float, y: float, r: float) -> bool:
        return (self.solid(x - r, y - r) or self.solid(x + r, y - r)
                or self.solid(x - r, y + r) or self.solid(x + r, y + r))

    def sidewalk(self, x: float, y: float) -> bool:
        if x < 0 or y < 0 or x >= self.size * TILE or y >= self.size * TILE:
            return False
        return self.tiles[int(y // TILE)][int(x // TILE)] == "sidewalk"


class Wander(esper.Processor):
    def __init__(self, tiles: TileMap, rng: random.Random) -> None:
        self.tiles = tiles
        self.rng = rng

    def process(self, dt: float) -> None:
        for _, (pos, vel, walker) in esper.get_components(Position, Velocity, Walker):
            if walker.flee > 0:
                walker.flee -= 1
                angle = math.atan2(pos.y - walker.flee_from[1], pos.x - walker.flee_from[0])
                vel.x, vel.y = math.cos(angle) * RUN, math.sin(angle) * RUN
                walker.goal = None
                continue
            if walker.goal is None or math.dist(walker.goal, (pos.x, pos.y)) < 6 or self.rng.random() < 0.002:
                walker.goal = self.new_goal(pos)
            angle = math.atan2(walker.goal[1] - pos.y, walker.goal[0] - pos.x)
            vel.x, vel.y = math.cos(angle) * WALK, math.sin(angle) * WALK

    def new_goal(self, pos: Position) -> tuple[float, float]:
        for _ in range(8):
            angle = self.rng.uniform(-math.pi, math.pi)
            distance = self.rng.uniform(40, 160)
            x, y = pos.x + math.cos(angle) * distance, pos.y + math.sin(angle) * distance
            if self.tiles.sidewalk(x, y):
                return (x, y)
        return (pos.x, pos.y)


class Movement(esper.Processor):
    def __init__(self, tiles: TileMap) -> None:
        self.tiles = tiles

    def process(self, dt: float) -> None:
        for _, (pos, vel, body) in esper.get_components(Position, Velocity, Body):
            nx = pos.x + vel.x * dt
            if not self.tiles.blocked(nx, pos.y, body.radius):
                pos.x = nx
            ny = pos.y + vel.y * dt
            if not self.tiles.blocked(pos.x, ny, body.radius):
                pos.y = ny


class Gunshots(esper.Processor):
    def __init__(self, size_px: float, rng: random.Random) -> None:
        self.size_px = size_px
        self.rng = rng
        self.ticks = 0

    def process(self, dt: float) -> None:
        self.ticks += 1
        if self.ticks % 120:
            return
        shot = (self.rng.uniform(0, self.size_px), self.rng.uniform(0, self.size_px))
        for _, (pos, walker) in esper.get_components(Position, Walker):
            if math.dist((pos.x, pos.y), shot) <= HEARING:
                walker.flee = 180
                walker.flee_from = shot


def build(tiles: list[list[str]], people: int, seed: int = 0) -> None:
    """Fill esper's current world with ``people`` walkers on random sidewalk tiles, and the processors."""
    rng = random.Random(seed)
    tile_map = TileMap(tiles)
    sidewalks = [(tx, ty) for ty, row in enumerate(tiles) for tx, kind in enumerate(row) if kind == "sidewalk"]
    for _ in range(people):
        tx, ty = rng.choice(sidewalks)
        esper.create_entity(Position(tx * TILE + rng.uniform(16, 48), ty * TILE + rng.uniform(16, 48)),
                            Velocity(), Body(8), Walker())
    esper.add_processor(Gunshots(len(tiles) * TILE, rng), priority=2)
    esper.add_processor(Wander(tile_map, rng), priority=1)
    esper.add_processor(Movement(tile_map))
