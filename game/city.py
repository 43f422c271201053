"""The city map: a grid of blocks separated by three-lane roads.

Each block is ringed by sidewalk; inside are buildings, a park, the
hospital or the police station.  The road grid is the same for every seed (so the autopilot's
routes always exist); the seed picks building styles and parks.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

TILE = 64
#: Tiles per block period: 3 road rows then 6 block rows (sidewalk, 4 inside, sidewalk).
PERIOD = 9
ROAD = 3

SOLID = frozenset({"building_0", "building_1", "building_2", "hospital", "police_station"})
#: The block of the police station, where a busted player is released (the hospital is block (0, 0)).
POLICE_STATION_BLOCK = (2, 2)


@dataclass
class City:
    """The map: ``tiles[ty][tx]`` names the tile kind (a sprite name without ``tile_``)."""

    blocks: int = 5
    seed: int = 0
    tiles: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.tiles:
            self.tiles = _layout(self.blocks, random.Random(self.seed))
        self.sidewalks = [(tx, ty) for ty, row in enumerate(self.tiles) for tx, kind in enumerate(row)
                          if kind == "sidewalk"]
        #: The centre of each sidewalk tile, in step with ``sidewalks`` (spawn rings measure from them).
        self.sidewalk_centres = [(tx * TILE + TILE / 2, ty * TILE + TILE / 2) for tx, ty in self.sidewalks]
        self._size = len(self.tiles)
        self._size_px = self._size * TILE
        #: 1 per solid tile, row by row: collision is checked for every moving thing every tick.
        self.solid_tiles = bytes(kind in SOLID for row in self.tiles for kind in row)
        #: Per body radius, the table game.passability makes from solid_tiles (the map never changes).
        self.passability_tables: dict[int, Any] = {}
        #: Per tile, row by row, the nearest sidewalk tile (see nearest_sidewalk; made when first asked).
        self._nearest_sidewalks: list[tuple[int, int] | None] | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> City:
        # The map never changes during a game: snapshots share it.
        return self

    @property
    def size(self) -> int:
        """Width (= height) of the map in tiles."""
        return self._size

    @property
    def size_px(self) -> int:
        """Width (= height) of the map in pixels."""
        return self.size * TILE

    def kind_at(self, x: float, y: float) -> str:
        """Tile kind under a world point; outside the map counts as building (a wall)."""
        edge = self._size_px  # not the property: pedestrians ask this hundreds of times a tick
        # Bounds first: NaN fails them (int() of NaN or of an infinity would raise).
        if 0 <= x < edge and 0 <= y < edge:
            return self.tiles[int(y // TILE)][int(x // TILE)]
        return "building_0"

    def solid_at(self, x: float, y: float) -> bool:
        """True where nothing can walk or drive (outside the map too)."""
        edge = self._size_px
        if not (0 <= x < edge and 0 <= y < edge):  # NaN is off the map too
            return True
        return bool(self.solid_tiles[int(y // TILE) * self._size + int(x // TILE)])

    def blocked(self, x: float, y: float, radius: float) -> bool:
        """True if the square around a circle at (x, y) touches a solid tile."""
        solid_at = self.solid_at
        return (solid_at(x - radius, y - radius) or solid_at(x + radius, y - radius)
                or solid_at(x - radius, y + radius) or solid_at(x + radius, y + radius))

    def on_sidewalk(self, x: float, y: float) -> bool:
        """True on a sidewalk tile."""
        return self.kind_at(x, y) == "sidewalk"

    def nearest_sidewalk(self, x: float, y: float) -> tuple[int, int] | None:
        """The sidewalk tile (tx, ty) fewest steps from the tile under a world point,
        stepping between open tiles (None off the map, or if no sidewalk can be reached)."""
        edge = self._size_px
        if not (0 <= x < edge and 0 <= y < edge):  # NaN is off the map too
            return None
        if self._nearest_sidewalks is None:
            self._nearest_sidewalks = _nearest_sidewalks(self)
        return self._nearest_sidewalks[int(y // TILE) * self._size + int(x // TILE)]

    def random_sidewalk_point(self, rng: random.Random) -> tuple[float, float]:
        """A point in the middle region of a random sidewalk tile."""
        return point_in_tile(*rng.choice(self.sidewalks), rng)

    @staticmethod
    def road_center(index: int) -> float:
        """World coordinate of the middle lane of road number ``index`` (0 = top/left edge)."""
        return (index * PERIOD + 1.5) * TILE

    @staticmethod
    def block_origin(bx: int, by: int) -> tuple[float, float]:
        """Top-left world corner of block (bx, by), at its sidewalk."""
        return ((bx * PERIOD + ROAD) * TILE, (by * PERIOD + ROAD) * TILE)

    @property
    def hospital_door(self) -> tuple[float, float]:
        """Where a wasted player wakes up: the sidewalk south of the hospital block (0, 0)."""
        x, y = self.block_origin(0, 0)
        return (x + 3 * TILE, y + 5.5 * TILE)

    @property
    def police_station_door(self) -> tuple[float, float]:
        """Where a busted player is released: the sidewalk south of the police station's block."""
        x, y = self.block_origin(*POLICE_STATION_BLOCK)
        return (x + 3 * TILE, y + 5.5 * TILE)


def point_in_tile(tx: int, ty: int, rng: random.Random) -> tuple[float, float]:
    """A random point in the middle region of tile (tx, ty) (16 px from its edges)."""
    return (tx * TILE + rng.uniform(16, 48), ty * TILE + rng.uniform(16, 48))


def _nearest_sidewalks(city: City) -> list[tuple[int, int] | None]:
    """For every tile, row by row, its nearest sidewalk tile: one breadth-first
    search from all sidewalk tiles at once, over open tiles, four neighbours
    (in a fixed order, so ties always go the same way)."""
    size, solid = city.size, city.solid_tiles
    nearest: list[tuple[int, int] | None] = [None] * (size * size)
    frontier = deque(city.sidewalks)
    for tx, ty in frontier:
        nearest[ty * size + tx] = (tx, ty)
    while frontier:
        tx, ty = frontier.popleft()
        found = nearest[ty * size + tx]
        for nx, ny in ((tx + 1, ty), (tx - 1, ty), (tx, ty + 1), (tx, ty - 1)):
            if 0 <= nx < size and 0 <= ny < size and nearest[ny * size + nx] is None \
                    and not solid[ny * size + nx]:
                nearest[ny * size + nx] = found
                frontier.append((nx, ny))
    return nearest


def _layout(blocks: int, rng: random.Random) -> list[list[str]]:
    size = blocks * PERIOD + ROAD
    tiles = [["grass"] * size for _ in range(size)]
    for ty in range(size):
        for tx in range(size):
            rx, ry = tx % PERIOD, ty % PERIOD
            road_x, road_y = rx < ROAD, ry < ROAD
            if road_x and road_y:
                kind = "crossing"
            elif road_y:
                kind = "road_line_h" if ry == 1 else "road"
            elif road_x:
                kind = "road_line_v" if rx == 1 else "road"
            elif rx in (ROAD, PERIOD - 1) or ry in (ROAD, PERIOD - 1):
                kind = "sidewalk"
            else:
                kind = "inside"
            tiles[ty][tx] = kind
    for by in range(blocks):
        for bx in range(blocks):
            if (bx, by) == (0, 0):
                style = "hospital"
            elif rng.random() < 0.2:
                style = "grass"
            else:
                style = "building"
            if (bx, by) == POLICE_STATION_BLOCK:
                style = "police_station"  # after the draws above, so every other block looks as before
            variant = rng.randrange(3)
            for iy in range(4):
                for ix in range(4):
                    tx, ty = bx * PERIOD + ROAD + 1 + ix, by * PERIOD + ROAD + 1 + iy
                    tiles[ty][tx] = f"building_{variant}" if style == "building" else style
    return tiles
