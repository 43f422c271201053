"""Driving on the road grid: the middle lanes form a graph of intersections.

Police cars and the autopilot drive from intersection to neighbouring
intersection along lane centres, which keeps them off the buildings without
a general path finder.
"""

from __future__ import annotations

import math

from game.city import City


def nearest_node(city: City, x: float, y: float) -> tuple[int, int]:
    """Grid index (i, j) of the intersection nearest to a point."""
    count = city.blocks + 1
    i = min(range(count), key=lambda k: abs(City.road_center(k) - x))
    j = min(range(count), key=lambda k: abs(City.road_center(k) - y))
    return i, j


def node_point(i: int, j: int) -> tuple[float, float]:
    """World point of intersection (i, j)."""
    return (City.road_center(i), City.road_center(j))


def neighbours(city: City, i: int, j: int) -> list[tuple[int, int]]:
    """Intersections one block away, in a fixed order (right, down, left, up)."""
    count = city.blocks + 1
    out = []
    for di, dj in ((1, 0), (0, 1), (-1, 0), (0, -1)):
        ni, nj = i + di, j + dj
        if 0 <= ni < count and 0 <= nj < count:
            out.append((ni, nj))
    return out


def step_toward(city: City, x: float, y: float, goal: tuple[float, float]) -> tuple[float, float]:
    """The next intersection to drive to, heading for ``goal`` (greedy on the grid)."""
    i, j = nearest_node(city, x, y)
    here = node_point(i, j)
    if math.dist(here, (x, y)) > 8:
        return here
    best = min(neighbours(city, i, j), key=lambda n: math.dist(node_point(*n), goal))
    if math.dist(node_point(*best), goal) >= math.dist(here, goal):
        return goal
    return node_point(*best)


def step_away(city: City, x: float, y: float, threat: tuple[float, float],
              previous: tuple[int, int] | None = None) -> tuple[float, float]:
    """The next intersection to drive to, getting away from ``threat``; never straight back."""
    i, j = nearest_node(city, x, y)
    options = [n for n in neighbours(city, i, j) if n != previous] or neighbours(city, i, j)
    best = max(options, key=lambda n: math.dist(node_point(*n), threat))
    return node_point(*best)


def axis_direction(x: float, y: float, goal: tuple[float, float], slack: float = 4.0) -> tuple[int, int]:
    """Eight-way direction (dx, dy) toward ``goal``; 0 on an axis already within ``slack``."""
    gx, gy = goal
    dx = 0 if abs(gx - x) <= slack else (1 if gx > x else -1)
    dy = 0 if abs(gy - y) <= slack else (1 if gy > y else -1)
    return dx, dy
