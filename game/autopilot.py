"""The autopilot: plays the whole scenario from input events, like a player.

It reads the world (as a player reads the screen) and emits the same input
events the keyboard would, between ticks.  Because inputs are recorded, a
log of an autopilot run replays exactly like a human's.

The scenario: walk up to the goons and get shot; take the parked car and
heal; get out and shoot at the goons in public until wanted; get back in,
let the police see you, then drive away until they lose you; stop, get out
and watch the people come back.  Then, after the first minute, rounds
(game.autopilot_rounds): collect cash, go on a rampage, and be busted or get
away.
"""

from __future__ import annotations

import math

import esper

from engine import Event
from game.autopilot_rounds import PHASE_LIMIT, Rounds
from game.build import Game
from game.components import Corpse, Goon, Health, Player, Police, Position, Traffic, Vehicle
from game.events import FireInput, MoveInput, UsePressed
from game.roads import axis_direction, nearest_node
from game.state import GameState


class Autopilot(Rounds):
    """A scripted player: call :meth:`inputs` before every tick and emit what it returns."""

    def __init__(self, game: Game) -> None:
        self.game = game
        self.phase = "approach goons"
        self.phase_started = 0
        self.move: tuple[int, int] = (0, 0)
        self.firing = False
        self.car: int | None = None
        self.waypoint: tuple[float, float] | None = None
        self.previous_node: tuple[int, int] | None = None
        self.use_cooldown = 0
        self.wanted_at: int | None = None
        #: Rampages begun; odd ones end in surrender, even ones in a getaway.
        self.rampages = 0
        #: Falls (wasted + busted) seen so far: a new one starts the next round.
        self.falls = 0
        #: Where the player was STUCK_TICKS ago, to notice a blocked road.
        self.stuck_check: tuple[int, float, float] | None = None

    # -- helpers ----------------------------------------------------------------------
    def _go(self, phase: str) -> None:
        self.phase = phase
        self.phase_started = self.game.world.tick
        self.waypoint = None

    def _elapsed(self) -> float:
        return (self.game.world.tick - self.phase_started) * self.game.world.dt

    def _me(self) -> tuple[Position, Health, Player]:
        entity = self.game.player
        return (esper.component_for_entity(entity, Position), esper.component_for_entity(entity, Health),
                esper.component_for_entity(entity, Player))

    def _nearest(self, component: type, here: Position, free_cars: bool = False) -> tuple[int, Position] | None:
        if free_cars:
            # A parked car first: traffic drives off while the autopilot walks to it (a chase round
            # the city); a traffic car only when no parked car is left.
            return self._nearest_of(component, here, True, parked=True) or self._nearest_of(component, here, True)
        return self._nearest_of(component, here, False)

    def _nearest_of(self, component: type, here: Position, free_cars: bool,
                    parked: bool = False) -> tuple[int, Position] | None:
        best = None
        for entity, (_, position) in sorted(esper.get_components(component, Position)):
            if esper.has_component(entity, Corpse):
                continue
            if parked and esper.has_component(entity, Traffic):
                continue
            if free_cars:
                vehicle = esper.component_for_entity(entity, Vehicle)
                if vehicle.police or vehicle.driver is not None or vehicle.wrecked:
                    continue
            d = math.dist((position.x, position.y), (here.x, here.y))
            if best is None or d < best[0]:
                best = (d, entity, position)
        return None if best is None else (best[1], best[2])

    def _steer(self, here: Position, goal: tuple[float, float], out: list[Event]) -> None:
        self._set_move(axis_direction(here.x, here.y, goal, slack=5.0), out)

    def _set_move(self, move: tuple[int, int], out: list[Event]) -> None:
        if move != self.move:
            self.move = move
            out.append(MoveInput(*move))

    def _set_fire(self, held: bool, angle: float | None, out: list[Event]) -> None:
        if held != self.firing or (held and angle is not None):
            if held != self.firing or self.game.world.tick % 10 == 0:
                self.firing = held
                out.append(FireInput(held, None if angle is None else round(angle, 3)))

    def _use(self, out: list[Event]) -> None:
        if self.use_cooldown == 0:
            out.append(UsePressed())
            self.use_cooldown = 20

    # -- the scenario --------------------------------------------------------------------
    def inputs(self) -> list[Event]:
        """The input events to emit before the next tick."""
        world = self.game.world
        world.activate()
        out: list[Event] = []
        if self.use_cooldown:
            self.use_cooldown -= 1
        try:
            here, health, player = self._me()
        except KeyError:
            # The player lacks a Position, Health or Player (an extension took one away;
            # the failing systems have said so in the log): nothing to steer, the game goes on.
            return out
        state = self.game.state
        falls = state.wasted_count + state.busted_count
        if falls != self.falls:
            # Wasted or busted: whatever was going on is over; back to collecting cash.
            self.falls = falls
            self._set_fire(False, None, out)
            self._set_move((0, 0), out)
            self._go("cruise")
            return out
        getattr(self, "_" + self.phase.replace(" ", "_"))(here, health, player, state, out)
        return out

    def _approach_goons(self, here: Position, health: Health, player: Player, state: GameState,
                        out: list[Event]) -> None:
        goon = self._nearest(Goon, here)
        if goon is None or health.current <= 75 or self._elapsed() > PHASE_LIMIT:
            self._go("to car")
            return
        _, position = goon
        if math.dist((position.x, position.y), (here.x, here.y)) > 170:
            self._steer(here, (position.x, position.y), out)
        else:
            self._set_move((0, 0), out)

    def _to_car(self, here: Position, health: Health, player: Player, state: GameState,
                out: list[Event]) -> None:
        if player.vehicle is not None:
            self.car = player.vehicle
            self._set_move((0, 0), out)
            self._go("heal")
            return
        car = self._nearest(Vehicle, here, free_cars=True)
        if car is None:
            self._go("cruise")
            return
        _, position = car
        self._get_in(here, position, out, self._steer)

    def _heal(self, here: Position, health: Health, player: Player, state: GameState,
              out: list[Event]) -> None:
        if self._elapsed() > 1.0:
            self._use(out)  # get out to commit the crime
            self._go("crime")

    def _crime(self, here: Position, health: Health, player: Player, state: GameState,
               out: list[Event]) -> None:
        if player.vehicle is not None:
            if self._elapsed() > 0.5:
                self._use(out)
            return
        goon = self._nearest(Goon, here)
        if state.wanted >= 1 and self.wanted_at is None:
            self.wanted_at = self.game.world.tick
        spree = self.wanted_at is not None and self.game.world.tick - self.wanted_at > 60
        done = state.wanted >= 2 or spree or health.current < 35 or self._elapsed() > PHASE_LIMIT
        if done:
            self._set_fire(False, None, out)
            self._go("back to car")
            return
        if goon is None:
            self._set_move((0, 0), out)
            self._set_fire(True, 0.0, out)
            return
        _, position = goon
        distance = math.dist((position.x, position.y), (here.x, here.y))
        if distance > 230:
            self._set_fire(False, None, out)
            self._steer(here, (position.x, position.y), out)
        else:
            self._set_move((0, 0), out)
            self._set_fire(True, math.atan2(position.y - here.y, position.x - here.x), out)

    def _back_to_car(self, here: Position, health: Health, player: Player, state: GameState,
                     out: list[Event]) -> None:
        if player.vehicle is not None:
            self._set_move((0, 0), out)
            self._go("wait for police")
            return
        car = self.car if self.car is not None and esper.entity_exists(self.car) else None
        target = esper.component_for_entity(car, Position) if car is not None else None
        if target is None or esper.component_for_entity(car, Vehicle).driver is not None or \
                esper.component_for_entity(car, Vehicle).wrecked:
            found = self._nearest(Vehicle, here, free_cars=True)
            if found is None:
                self._go("flee")
                return
            self.car, target = found
        self._get_in(here, target, out, self._steer)

    def _wait_for_police(self, here: Position, health: Health, player: Player, state: GameState,
                         out: list[Event]) -> None:
        police = self._nearest(Police, here)
        close = police is not None and math.dist((police[1].x, police[1].y), (here.x, here.y)) < 300
        if close or self._elapsed() > 12.0 or state.wanted == 0:
            self._go("flee")

    def _flee(self, here: Position, health: Health, player: Player, state: GameState,
              out: list[Event]) -> None:
        if state.wanted == 0:
            self._set_move((0, 0), out)
            self._go("stop")
            return
        if player.vehicle is None:
            self._go("back to car")
            return
        city = state.city
        police = self._nearest(Police, here)
        threat = (police[1].x, police[1].y) if police is not None else state.last_seen_at
        if self._stuck(here):
            # Blocked (a wall, a car): not that way again.
            self.previous_node = nearest_node(city, *(self.waypoint or (here.x, here.y)))
            self.waypoint = self._escape_route(here, threat)
        if self.waypoint is None or math.dist(self.waypoint, (here.x, here.y)) < 8:
            self.previous_node = nearest_node(city, here.x, here.y) if self.waypoint is not None else None
            self.waypoint = self._escape_route(here, threat)
        self._steer(here, self.waypoint, out)

    def _stop(self, here: Position, health: Health, player: Player, state: GameState,
              out: list[Event]) -> None:
        self._set_move((0, 0), out)
        if self._elapsed() > 1.0 and player.vehicle is not None:
            self._use(out)
            self._go("cruise")
