"""The autopilot's rounds, after the first minute: cash, a rampage, busted or away.

Over and over: collect cash on foot for a while; go on a rampage, shots in
public by the crowd and then at the police, to five stars (the police open
fire, put up roadblocks and send the helicopter) and give up to be busted
(odd rounds), or, with a car parked by the crowd first, to three stars and
get away by car (even rounds).  Being wasted or busted starts the next
round.  :class:`Rounds` is mixed into :class:`game.autopilot.Autopilot`,
whose helpers (``_go``, ``_steer``, ``_set_fire``, ...) it uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import esper

from engine import Event
from game.components import Cash, Goon, Health, Pedestrian, Player, Police, Position, Roadblock, Vehicle
from game.roads import nearest_node, neighbours, node_point, step_toward
from game.state import GameState

if TYPE_CHECKING:
    from game.build import Game

#: Seconds spent collecting cash between two rampages (long enough that a 300 s run
#: does not use up its lives: see tuning.lives).
CRUISE_SECONDS = 25.0
#: The first rampage waits for the first minute to be over: the first minute plays the
#: classic scenario alone (the docs and lessons read 40 and 60 s runs), and the
#: escalation still comes well within two minutes.
FIRST_RAMPAGE_AT = 62.0
#: A rampage ends at this many stars (or after RAMPAGE_LIMIT seconds): five before a
#: surrender (everything the police have), three before a getaway (one can get away).
RAMPAGE_STARS = 5
GETAWAY_STARS = 3
RAMPAGE_LIMIT = 50.0
#: How close the rampage walks to a pedestrian before shooting (they are the witnesses), and
#: how close a police unit must be to be shot at.
WITNESS_DISTANCE = 260.0
SHOOT_POLICE_DISTANCE = 300.0
#: Waiting to be busted gives up after this long (then it tries to get away).
SURRENDER_LIMIT = 30.0
#: A driver who moved less than this (pixels) in STUCK_TICKS is stuck (a roadblock, a wall).
STUCK_DISTANCE = 12.0
STUCK_TICKS = 40

#: Give up waiting in a phase after this many seconds of game time.
PHASE_LIMIT = 25.0


class Rounds:
    """The round phases of the autopilot, and its ways of getting about (a mixin)."""

    game: Game
    move: tuple[int, int]
    waypoint: tuple[float, float] | None
    previous_node: tuple[int, int] | None
    car: int | None
    rampages: int
    stuck_check: tuple[int, float, float] | None

    def _cruise(self, here: Position, health: Health, player: Player, state: GameState,
                out: list[Event]) -> None:
        self._set_fire(False, None, out)
        if player.vehicle is not None:
            self._set_move((0, 0), out)
            self._use(out)  # cash is collected on foot: no running people over by accident
            return
        world = self.game.world
        late_enough = world.tick * world.dt >= FIRST_RAMPAGE_AT
        if self._elapsed() > CRUISE_SECONDS and late_enough and state.wanted == 0 and not state.run_over:
            self.rampages += 1
            # Before a getaway round, a car to get away in: parked by the people to be scared.
            self._go("rampage" if self.rampages % 2 else "fetch car")
            return
        goal = nearest_cash(here)
        if goal is None:
            self._set_move((0, 0), out)
        else:
            self._walk(here, goal, out)

    def _fetch_car(self, here: Position, health: Health, player: Player, state: GameState,
                   out: list[Event]) -> None:
        if player.vehicle is not None:
            self.car = player.vehicle
            self._go("drive to crowd")
            return
        car = self._nearest(Vehicle, here, free_cars=True)
        if car is None or self._elapsed() > 2 * PHASE_LIMIT:
            self._go("rampage")
            return
        _, position = car
        self._get_in(here, position, out, self._walk)

    def _drive_to_crowd(self, here: Position, health: Health, player: Player, state: GameState,
                        out: list[Event]) -> None:
        person = self._nearest_person(here)
        near = person is not None and math.dist((person[1].x, person[1].y), (here.x, here.y)) <= WITNESS_DISTANCE - 40
        if person is None or near or state.wanted > 0 or self._elapsed() > PHASE_LIMIT:
            self._set_move((0, 0), out)
            self._go("rampage")  # which gets out of the car first
            return
        self._walk(here, (person[1].x, person[1].y), out)

    def _rampage(self, here: Position, health: Health, player: Player, state: GameState,
                 out: list[Event]) -> None:
        if player.vehicle is not None:
            self._set_move((0, 0), out)
            self._use(out)
            return
        enough = RAMPAGE_STARS if self.rampages % 2 else GETAWAY_STARS
        if state.wanted >= enough or self._elapsed() > RAMPAGE_LIMIT:
            self._set_fire(False, None, out)
            self._set_move((0, 0), out)
            self._go("surrender" if self.rampages % 2 else "getaway")
            return
        police = self._nearest(Police, here)
        if police is not None and math.dist((police[1].x, police[1].y), (here.x, here.y)) <= SHOOT_POLICE_DISTANCE:
            _, position = police
            self._set_move((0, 0), out)
            self._set_fire(True, math.atan2(position.y - here.y, position.x - here.x), out)
            return
        if state.wanted >= 1:
            # They are coming: wait for them where the crime was, firing into the air.
            self._set_move((0, 0), out)
            self._set_fire(True, -math.pi / 2, out)
            return
        goon = self._nearest(Goon, here)
        if goon is not None and math.dist((goon[1].x, goon[1].y), (here.x, here.y)) <= WITNESS_DISTANCE:
            self._set_move((0, 0), out)
            self._set_fire(True, math.atan2(goon[1].y - here.y, goon[1].x - here.x), out)
            return
        target = self._nearest_person(here)
        if target is None:
            self._set_fire(False, None, out)
            self._set_move((0, 0), out)
            return
        _, position = target
        if math.dist((position.x, position.y), (here.x, here.y)) > WITNESS_DISTANCE:
            self._set_fire(False, None, out)
            self._walk(here, (position.x, position.y), out)
        else:
            # Shots in public, over their heads (away from them): the witnesses call the police.
            self._set_move((0, 0), out)
            self._set_fire(True, math.atan2(here.y - position.y, here.x - position.x), out)

    def _surrender(self, here: Position, health: Health, player: Player, state: GameState,
                   out: list[Event]) -> None:
        self._set_fire(False, None, out)
        self._set_move((0, 0), out)
        if state.wanted == 0 or self._elapsed() > SURRENDER_LIMIT:
            self._go("cruise" if state.wanted == 0 else "getaway")

    def _getaway(self, here: Position, health: Health, player: Player, state: GameState,
                 out: list[Event]) -> None:
        self._set_fire(False, None, out)
        if state.wanted == 0:
            self._go("cruise")
        elif player.vehicle is not None:
            self._go("flee")
        else:
            self._go("back to car")

    # -- getting about on foot ----------------------------------------------------------
    def _get_in(self, here: Position, car: Position, out: list[Event],
                go: Callable[[Position, tuple[float, float], list[Event]], None]) -> None:
        """Beside the car (within 40 px): stop and press use; else ``go`` toward it (walk or steer)."""
        if math.dist((car.x, car.y), (here.x, here.y)) <= 40:
            self._set_move((0, 0), out)
            self._use(out)
        else:
            go(here, (car.x, car.y), out)

    def _walk(self, here: Position, goal: tuple[float, float], out: list[Event]) -> None:
        """Walk toward ``goal`` along the roads: straight when close, else from crossing to crossing."""
        city = self.game.state.city
        if self._stuck(here):
            self.waypoint = node_point(*nearest_node(city, here.x, here.y))  # unstick at the nearest crossing
        if self.waypoint is not None and math.dist(self.waypoint, (here.x, here.y)) >= 8:
            self._steer(here, self.waypoint, out)
            return
        self.waypoint = None
        if nearest_node(city, here.x, here.y) == nearest_node(city, *goal):
            self._steer(here, goal, out)
            return
        self.waypoint = step_toward(city, here.x, here.y, goal)
        self._steer(here, self.waypoint, out)

    def _stuck(self, here: Position) -> bool:
        """True when the player has hardly moved over the last STUCK_TICKS while trying to."""
        tick = self.game.world.tick
        if self.move == (0, 0):
            self.stuck_check = None
            return False
        if self.stuck_check is None:
            self.stuck_check = (tick, here.x, here.y)
            return False
        start, x, y = self.stuck_check
        if tick - start < STUCK_TICKS:
            return False
        self.stuck_check = (tick, here.x, here.y)
        return math.dist((x, y), (here.x, here.y)) < STUCK_DISTANCE

    def _nearest_person(self, here: Position) -> tuple[int, Position] | None:
        return self._nearest(Pedestrian, here)

    def _escape_route(self, here: Position, threat: tuple[float, float]) -> tuple[float, float]:
        """The next crossing to drive to, away from ``threat``: not straight back, and not
        down a road a roadblock closes (as a driver sees one ahead)."""
        city = self.game.state.city
        options = neighbours(city, *nearest_node(city, here.x, here.y))
        blocks = [(p.x, p.y) for _, (_, p) in esper.get_components(Roadblock, Position)]
        open_roads = [n for n in options if not any(_near_segment(b, (here.x, here.y), node_point(*n), 110)
                                                     for b in blocks)]
        preferred = [n for n in open_roads if n != self.previous_node] or open_roads or options
        return node_point(*max(preferred, key=lambda n: math.dist(node_point(*n), threat)))


def _near_segment(point: tuple[float, float], a: tuple[float, float], b: tuple[float, float],
                  distance: float) -> bool:
    """True if ``point`` lies within ``distance`` of the segment from ``a`` to ``b``."""
    (px, py), (ax, ay), (bx, by) = point, a, b
    length = (bx - ax) ** 2 + (by - ay) ** 2
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length))
    return math.dist(point, (ax + t * (bx - ax), ay + t * (by - ay))) <= distance


def nearest_cash(here: Position) -> tuple[float, float] | None:
    """Where the nearest cash lies (None: there is none): the autopilot collects it
    when it has nothing better to do."""
    spots = [(math.dist((p.x, p.y), (here.x, here.y)), e, (p.x, p.y))
             for e, (_, p) in esper.get_components(Cash, Position)]
    return min(spots)[2] if spots else None
