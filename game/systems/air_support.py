"""The police helicopter (five stars): it flies straight over the roofs, and its
radar, unlike a car's, sees over buildings."""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Heading, Helicopter, Position, PreviousPosition
from game.state import game_state

#: Close enough to a goal to pick the next one (pixels).
THERE = 30.0
#: While searching, the helicopter circles the last sighting this far out.
SEARCH_RADIUS = 300.0


def helicopter_sees(target: tuple[float, float]) -> bool:
    """True if a police helicopter's radar covers ``target`` (buildings do not hide it)."""
    return any(math.dist((p.x, p.y), target) <= heli.vision
               for _, (heli, p) in esper.get_components(Helicopter, Position))


def fly_helicopters(world: World) -> None:
    """System: each helicopter flies toward the player while it sees him, else
    searches around where he was last seen (points drawn from the world's rng)."""
    state = game_state(world)
    target = esper.component_for_entity(state.player, Position)
    speed = state.tuning.helicopter_speed * world.dt
    for _, (heli, position, previous, heading) in sorted(
            esper.get_components(Helicopter, Position, PreviousPosition, Heading)):
        previous.x, previous.y = position.x, position.y
        if math.dist((position.x, position.y), (target.x, target.y)) <= heli.vision:
            heli.goal = None
            goal = (target.x, target.y)
        else:
            if heli.goal is None or math.dist(heli.goal, (position.x, position.y)) < THERE:
                angle = world.rng.uniform(-math.pi, math.pi)
                seen = state.last_seen_at
                heli.goal = (round(seen[0] + math.cos(angle) * SEARCH_RADIUS, 1),
                             round(seen[1] + math.sin(angle) * SEARCH_RADIUS, 1))
            goal = heli.goal
        dx, dy = goal[0] - position.x, goal[1] - position.y
        distance = math.hypot(dx, dy)
        if distance < 1.0:
            continue
        step = min(speed, distance)
        position.x += dx / distance * step
        position.y += dy / distance * step
        heading.angle = math.atan2(dy, dx)
