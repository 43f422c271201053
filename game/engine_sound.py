"""The engine sound: which speed band loops, and how loud, for the car the player drives.

Presentation, not simulation: read from the world's state once a frame
(the car's velocity), never recorded in the log, so it changes nothing a
replay compares.  The "revs" follow the car's speed with a short lag, as an
engine does, counted in ticks (not the wall clock), so a paused game holds
its note and stepping a tick moves it a tick's worth.  The loudness rises
with the revs within the band; the band (a pre-rendered loop per range of
revs, :data:`game.mix.ENGINE_BANDS`) gives the pitch.
"""

from __future__ import annotations

import math

import esper

from engine import World
from game.components import Player, Vehicle, Velocity
from game.mix import ENGINE_BANDS

#: Speed (pixels a second) at which the engine sounds flat out (the player's car's top speed).
FULL_REVS_SPEED = 330.0
#: Ticks for the revs to cover about two thirds of the way to the car's speed.
RESPONSE_TICKS = 12.0
#: Loudness of the idle engine (standing still), as a fraction of flat out.
IDLE_LEVEL = 0.45
#: How far past a band's edge the revs must go before the next band takes over (no flapping).
HYSTERESIS = 0.04


class EngineSound:
    """Follows the player's car in ``world``; :meth:`update` once a frame says what to play."""

    def __init__(self, world: World) -> None:
        self.world = world
        #: 0 (idle) to 1 (flat out): the car's speed, followed with a lag.
        self.revs = 0.0
        #: Index into :data:`ENGINE_BANDS` of the band playing, or None when nobody drives.
        self.band: int | None = None
        self._tick: int | None = None

    def update(self) -> tuple[str | None, float]:
        """The band to loop (None: silence) and its level (0..1) for the frame being drawn."""
        speed = self._driven_speed()
        tick = self.world.tick
        if speed is None:
            self.revs, self.band, self._tick = 0.0, None, tick
            return None, 0.0
        target = min(1.0, speed / FULL_REVS_SPEED)
        elapsed = tick - self._tick if self._tick is not None else -1
        if self.band is None or elapsed < 0:
            self.revs = 0.0 if self.band is None else target  # just got in: from idle; time travel: jump
        else:
            self.revs += (target - self.revs) * (1.0 - math.exp(-elapsed / RESPONSE_TICKS))
        self._tick = tick
        self.band = self._band_for(self.revs)
        return ENGINE_BANDS[self.band], IDLE_LEVEL + (1.0 - IDLE_LEVEL) * self.revs

    def _band_for(self, revs: float) -> int:
        count = len(ENGINE_BANDS)
        band = min(count - 1, int(revs * count))
        current = self.band
        if current is not None and band != current:
            low, high = current / count - HYSTERESIS, (current + 1) / count + HYSTERESIS
            if low <= revs <= high:
                return current
        return band

    def _driven_speed(self) -> float | None:
        """The speed of the car the player drives, or None if they are on foot (or it is wrecked)."""
        state = self.world.resources.get("game")
        if state is None:
            return None
        self.world.activate()
        if not esper.entity_exists(state.player):
            return None
        player = esper.try_component(state.player, Player)
        car = player.vehicle if player is not None else None
        if car is None or not esper.entity_exists(car):
            return None
        vehicle = esper.try_component(car, Vehicle)
        velocity = esper.try_component(car, Velocity)
        if vehicle is None or vehicle.wrecked or velocity is None:
            return None
        return math.hypot(velocity.x, velocity.y)
