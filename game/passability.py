"""Where a body of a given radius may stand: one table per radius, one lookup per check.

:meth:`City.blocked` is the plain rule: a circle at (x, y) is blocked when
any corner of its bounding square lies on a solid tile (or off the map).
That is four tile lookups and five Python calls, and the movement system
asks it twice per moving body per tick.  For a whole-pixel radius ``r`` the
answer only depends on the whole pixel under the centre (``x - r`` and
``x + r`` fall in the same tile as ``floor(x) - r`` and ``floor(x) + r``),
so it can be computed once for every pixel of the map and looked up:
``rows[int(y)][int(x)]``.

Rows with the same pair of tile rows under them are the same ``bytes``
object, so a table costs about a hundred rows, not one per pixel.
"""

from __future__ import annotations

import functools
import math

from game.city import TILE, City


class Passability:
    """Blocked or free, per map pixel, for bodies of one radius.

    ``rows[py][px]`` is 1 where a body centred in pixel (px, py) touches a
    solid tile or the map's edge, 0 where it is free; only pixels inside the
    map, ``0 <= px, py < size_px``, are in the table.
    """

    def __init__(self, city: City, radius: float) -> None:
        #: The radius the table was made for, in whole pixels (rounded up).
        self.radius = math.ceil(radius)
        self.size_px = city.size_px
        # Cached by the map's content, so the many games a test session builds on a few seeds share tables.
        self.rows = _rows(city.solid_tiles, city.size, self.radius)
        #: ``rows`` widened with blocked pixels to a square of side ``1 << bound_shift``, the
        #: power of two at or above ``size_px``: for whole pixels ``px, py >= 0``, "inside that
        #: square" is ``not (px | py) >> bound_shift``, which the movement loop tests instead
        #: of four comparisons (anything between the map's edge and the square's is blocked).
        self.bound_shift = max(self.size_px - 1, 1).bit_length()
        self.padded_rows = _padded(self.rows, self.size_px, 1 << self.bound_shift)

    def blocked(self, x: float, y: float) -> bool:
        """The same answer as ``city.blocked(x, y, radius)``, from the table."""
        size = self.size_px
        return not (0 <= x < size and 0 <= y < size) or bool(self.rows[int(y)][int(x)])


def passability(city: City, radius: float) -> Passability:
    """The city's table for bodies of ``radius`` (made once per map and whole-pixel radius).

    Tables are kept by the whole pixels they are made for, so bodies of
    radius 7.25, 7.5 and 8 share one (keyed by the float, an extension
    giving each of 5,000 people a radius of its own made 5,000 tables of
    most of a megabyte, a frame's time each).  A radius as wide as the map,
    an infinite one and NaN are blocked everywhere (a corner is always off
    the map; NaN, like a NaN coordinate, stands nowhere): ``math.ceil`` of
    the last two raised, and the movement system stopped for every body.
    """
    tables = city.passability_tables
    table = tables.get(radius)  # a whole radius (8 or 8.0) is its own key: the movement loop's usual case
    if table is None:
        whole = _whole_radius(radius, city.size_px)
        table = tables.get(whole)
        if table is None:
            table = tables[whole] = Passability(city, whole)
    return table


def _whole_radius(radius: float, size_px: int) -> int:
    """``radius`` in whole pixels, rounded up, at most ``size_px`` (the square's half side: its sign says nothing)."""
    if not math.isfinite(radius):
        return size_px
    return min(math.ceil(abs(radius)), size_px)


@functools.lru_cache(maxsize=16)
def _rows(solid: bytes, size: int, radius: int) -> tuple[bytes, ...]:
    size_px = size * TILE
    # The tile a corner falls in, per pixel of the centre; off the map is tile `size`, always solid.
    def corner_tiles(offset: int) -> list[int]:
        out = []
        for p in range(size_px):
            tile = (p + offset) // TILE
            out.append(tile if 0 <= tile < size else size)
        return out

    low, high = corner_tiles(-radius), corner_tiles(radius)
    wall = b"\x01" * size_px
    made: dict[tuple[int, int], bytes] = {}
    rows = []
    for top, bottom in zip(low, high, strict=True):
        if top == size or bottom == size:
            rows.append(wall)
            continue
        row = made.get((top, bottom))
        if row is None:
            # A column is solid if either tile row under the square is solid there.
            columns = [solid[top * size + tx] | solid[bottom * size + tx] for tx in range(size)] + [1]
            row = made[(top, bottom)] = bytes(columns[a] | columns[b] for a, b in zip(low, high, strict=True))
        rows.append(row)
    return tuple(rows)


@functools.lru_cache(maxsize=16)
def _padded(rows: tuple[bytes, ...], size_px: int, side: int) -> tuple[bytes, ...]:
    extra = b"\x01" * (side - size_px)
    widened: dict[bytes, bytes] = {}  # rows that were one object stay one object
    out = [widened.setdefault(row, row + extra) for row in rows]
    return tuple(out) + (b"\x01" * side,) * (side - size_px)
