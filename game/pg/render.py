"""Draws the world: city tiles, bodies, cars, people, tracers, then the HUD.

Rendering only reads the world.  Positions are interpolated between the
previous tick and this one with ``alpha`` (from the fixed-step loop), so
motion looks smooth at any frame rate while the simulation stays at 60 Hz.
"""

from __future__ import annotations

import math

import esper
import pygame

from engine import World
from game.camera import Camera
from game.city import TILE
from game.components import (
    Appearance,
    Corpse,
    Heading,
    Helicopter,
    Player,
    Police,
    Position,
    PreviousPosition,
    Tracer,
    Vehicle,
)
from game.pg.hud import Hud
from game.pg.sprites import Sprites
from game.state import GameState
from game.systems.police import clear_view

BACKGROUND = (30, 60, 30)
#: Drawing layers, bottom to top.
CORPSES, CARS, PEOPLE, PLAYER = range(4)
#: Police lights swap every this many ticks.
LIGHTS_TICKS = 8
#: Ticks a tracer shows its muzzle flash.
FLASH_TICKS = 2
TRACER = (255, 235, 90)
HOSTILE_TRACER = (255, 90, 40)
#: How far off screen an entity's centre may be and still show (the largest sprite's half, and its shadow).
CULL_MARGIN = 64
#: Drop shadow offset (the sun is up and to the left).
SHADOW_OFFSET = (3, 4)
#: A police unit's radar on the ground: faint blue while searching, red once it sees the player.
RADAR_SEARCHING = (70, 130, 255)
RADAR_SEEING = (255, 60, 50)
#: Smoke rises from a wreck, and thinner from a car below this share of its health.
SMOKING = 0.35
SMOKE = (48, 46, 46)
#: Puffs per car, and the ticks one takes to rise and fade (they loop: the same every run).
PUFFS, PUFF_TICKS = 3, 60
#: The helicopter flies high: its shadow falls far off, and its rotor turns this much a tick (radians).
HELICOPTER_SHADOW = (26, 34)
ROTOR_TURN = 0.55


def interpolated(entity: int, alpha: float) -> tuple[float, float] | None:
    """An entity's position between the previous tick and this one (esper context must be current)."""
    position = esper.try_component(entity, Position)
    if position is None:
        return None
    previous = esper.try_component(entity, PreviousPosition)
    if previous is None:
        return position.x, position.y
    return previous.x + (position.x - previous.x) * alpha, previous.y + (position.y - previous.y) * alpha


class Renderer:
    """Draws one world's frames.  ``hud=False`` draws the world alone."""

    def __init__(self, world: World, sprites: Sprites | None = None, hud: Hud | bool = True) -> None:
        self.world = world
        self.sprites = sprites or Sprites()
        self.camera = Camera()
        self.hud: Hud | None = Hud(world, self.sprites) if hud is True else (hud or None)
        self._focus_screen = (self.camera.width / 2, self.camera.height / 2)
        # First ttl seen for each tracer, to know how far it has faded.
        self._tracer_ttl: dict[int, int] = {}
        self._pool: pygame.Surface | None = None
        self._discs: dict[tuple[int, tuple[int, int, int]], pygame.Surface] = {}
        self._puffs: dict[tuple[int, int], pygame.Surface] = {}

    def focus_on_screen(self) -> tuple[float, float]:
        """Where the player (or their car) was drawn last frame: the origin for mouse aiming."""
        return self._focus_screen

    def draw(self, surface: pygame.Surface, alpha: float, paused: bool = False, fps: float = 0.0,
             ticks_per_second: float = 0.0) -> None:
        """Draw a frame of the world onto ``surface``, interpolated by ``alpha``; ``fps``
        and ``ticks_per_second`` are the window's measurements (0: none, as headless)."""
        world = self.world
        world.activate()
        state: GameState = world.resources["game"]
        camera = self.camera
        camera.width, camera.height = surface.get_size()
        focus = self._focus(state, alpha)
        camera.follow(focus[0], focus[1], state.city.size_px, state.city.size_px)
        self._focus_screen = camera.to_screen(*focus)
        self._tiles(surface, state)
        self._radar(surface, state, alpha, focus)
        self._entities(surface, state, alpha)
        self._smoke(surface, alpha)
        self._tracers(surface)
        self._helicopters(surface, alpha, focus)
        if self.hud is not None:
            self.hud.minimap.avoid = self._focus_screen  # the map turns see-through over the player
            self.hud.draw(surface, paused, fps, ticks_per_second)

    def _focus(self, state: GameState, alpha: float) -> tuple[float, float]:
        player = esper.try_component(state.player, Player) if esper.entity_exists(state.player) else None
        followed = player.vehicle if player is not None and player.vehicle is not None else state.player
        if not esper.entity_exists(followed):
            followed = state.player
        where = interpolated(followed, alpha) if esper.entity_exists(followed) else None
        if where is None:
            half = state.city.size_px / 2
            return half, half
        return where

    def _tiles(self, surface: pygame.Surface, state: GameState) -> None:
        camera, tiles, size = self.camera, state.city.tiles, state.city.size
        if state.city.size_px < max(camera.width, camera.height):
            surface.fill(BACKGROUND)
        first_x, first_y = max(0, camera.x // TILE), max(0, camera.y // TILE)
        last_x = min(size - 1, (camera.x + camera.width) // TILE)
        last_y = min(size - 1, (camera.y + camera.height) // TILE)
        tile = self.sprites.tile
        blits = []
        for ty in range(first_y, last_y + 1):
            row = tiles[ty]
            y = ty * TILE - camera.y
            for tx in range(first_x, last_x + 1):
                blits.append((tile(row[tx]), (tx * TILE - camera.x, y)))
        surface.blits(blits, doreturn=False)

    def _radar(self, surface: pygame.Surface, state: GameState, alpha: float, focus: tuple[float, float]) -> None:
        """Each chasing unit's vision radius around it; ``focus`` is where the player is drawn."""
        if state.wanted <= 0:
            return
        for entity, police in esper.get_component(Police):
            where = interpolated(entity, alpha)
            if where is None or not self.camera.sees(*where, margin=police.vision):
                continue
            seeing = math.dist(where, focus) <= police.vision and clear_view(state.city, where, focus)
            disc = self._radar_disc(round(police.vision), RADAR_SEEING if seeing else RADAR_SEARCHING)
            sx, sy = self.camera.to_screen(*where)
            surface.blit(disc, disc.get_rect(center=(round(sx), round(sy))))

    def _helicopters(self, surface: pygame.Surface, alpha: float, focus: tuple[float, float]) -> None:
        """The police helicopter, above everything: its radar (it sees over buildings), a far
        shadow, the body, and the rotor turning with the tick."""
        for entity, heli in esper.get_component(Helicopter):
            where = interpolated(entity, alpha)
            if where is None or not self.camera.sees(*where, margin=heli.vision):
                continue
            sx, sy = self.camera.to_screen(*where)
            seeing = math.dist(where, focus) <= heli.vision
            disc = self._radar_disc(round(heli.vision), RADAR_SEEING if seeing else RADAR_SEARCHING)
            surface.blit(disc, disc.get_rect(center=(round(sx), round(sy))))
            heading = esper.try_component(entity, Heading)
            angle = heading.angle if heading is not None else 0.0
            rotor_angle = (self.world.tick + alpha) * ROTOR_TURN
            for name, turn in (("helicopter", angle), ("helicopter_rotor", rotor_angle)):
                shadow = self.sprites.shadow(name, turn)
                surface.blit(shadow, shadow.get_rect(center=(sx + HELICOPTER_SHADOW[0], sy + HELICOPTER_SHADOW[1])))
            for name, turn in (("helicopter", angle), ("helicopter_rotor", rotor_angle)):
                image = self.sprites.rotated(name, turn)
                surface.blit(image, image.get_rect(center=(sx, sy)))

    def _radar_disc(self, radius: int, colour: tuple[int, int, int]) -> pygame.Surface:
        key = (radius, colour)
        disc = self._discs.get(key)
        if disc is None:
            disc = pygame.Surface((2 * radius + 2, 2 * radius + 2), pygame.SRCALPHA)
            centre = (radius + 1, radius + 1)
            pygame.draw.circle(disc, (*colour, 28), centre, radius)
            pygame.draw.circle(disc, (*colour, 110), centre, radius, width=2)
            self._discs[key] = disc
        return disc

    def _entities(self, surface: pygame.Surface, state: GameState, alpha: float) -> None:
        camera, sprites, tick = self.camera, self.sprites, self.world.tick
        player = esper.try_component(state.player, Player) if esper.entity_exists(state.player) else None
        player_inside = player is not None and player.vehicle is not None
        drawn = []
        for entity in self._on_screen(state):
            appearance = esper.try_component(entity, Appearance)
            if appearance is None or (entity == state.player and player_inside):
                continue  # nothing to draw, or they are in the car and the car is drawn
            where = interpolated(entity, alpha)
            if where is None or not camera.sees(*where):
                continue
            heading = esper.try_component(entity, Heading)
            angle = heading.angle if heading is not None else 0.0
            name = appearance.sprite
            vehicle = esper.try_component(entity, Vehicle)
            if esper.has_component(entity, Corpse):
                layer = CORPSES
            elif vehicle is not None:
                layer = CARS
                if vehicle.police:
                    # Offset by entity so two cars don't flash in lockstep; still deterministic.
                    lights = (tick // LIGHTS_TICKS + entity) % 2 == 0
                    name = "police_car_lights" if lights else "police_car"
            else:
                layer = PLAYER if entity == state.player else PEOPLE
            drawn.append((layer, entity, name, where, angle))
        drawn.sort(key=lambda item: (item[0], item[1]))
        for layer, _entity, name, (x, y), angle in drawn:
            sx, sy = camera.to_screen(x, y)
            if layer == CORPSES:
                self._corpse(surface, name, sx, sy, angle)
                continue
            shadow = sprites.shadow(name, angle)
            surface.blit(shadow, shadow.get_rect(center=(sx + SHADOW_OFFSET[0], sy + SHADOW_OFFSET[1])))
            image = sprites.rotated(name, angle)
            surface.blit(image, image.get_rect(center=(sx, sy)))

    def _smoke(self, surface: pygame.Surface, alpha: float) -> None:
        """Smoke over the wrecks and the badly dented cars on screen: a few puffs
        that rise, grow and fade, each car's offset by its id."""
        camera, tick = self.camera, self.world.tick
        for entity, vehicle in esper.get_component(Vehicle):
            if vehicle.police or (not vehicle.wrecked and vehicle.health > vehicle.max_health * SMOKING):
                continue
            where = interpolated(entity, alpha)
            if where is None or not camera.sees(*where):
                continue
            sx, sy = camera.to_screen(*where)
            thick = 1.0 if vehicle.wrecked else 0.5
            for k in range(PUFFS):
                age = ((tick + entity * 7 + k * PUFF_TICKS // PUFFS) % PUFF_TICKS) / PUFF_TICKS
                puff = self._puff(round(4 + 9 * age), round(200 * thick * (1 - age)))
                surface.blit(puff, puff.get_rect(center=(round(sx + 5 * age), round(sy - 26 * age))))

    def _puff(self, radius: int, opacity: int) -> pygame.Surface:
        key = (radius, opacity // 10 * 10)  # few surfaces: opacity in steps of 10
        puff = self._puffs.get(key)
        if puff is None:
            puff = pygame.Surface((2 * radius + 2, 2 * radius + 2), pygame.SRCALPHA)
            pygame.draw.circle(puff, (*SMOKE, key[1]), (radius + 1, radius + 1), radius)
            self._puffs[key] = puff
        return puff

    def _on_screen(self, state: GameState) -> list[int]:
        """Entities that may be on screen: the world's spatial index answers for
        the view (plus a margin for sprites); a world without one (a scene put
        together by hand) has all its drawable entities looked at."""
        index = self.world.resources.get("spatial")
        if index is None:
            return [entity for entity, _ in esper.get_component(Appearance)]
        camera = self.camera
        near = index.within(camera.x - CULL_MARGIN, camera.y - CULL_MARGIN,
                            camera.x + camera.width + CULL_MARGIN, camera.y + camera.height + CULL_MARGIN)
        # The player may have been moved this tick (wasted, out of a car) before the index hears of it.
        return near if state.player in near else [*near, state.player]

    def _corpse(self, surface: pygame.Surface, name: str, sx: float, sy: float, angle: float) -> None:
        pool = self._blood_pool()
        surface.blit(pool, pool.get_rect(center=(sx + 3, sy + 2)))
        # Lying down: a quarter turn from where they faced, and darker.
        image = pygame.transform.rotate(self.sprites.dimmed(name), -math.degrees(angle + math.pi / 2))
        surface.blit(image, image.get_rect(center=(sx, sy)))

    def _blood_pool(self) -> pygame.Surface:
        if self._pool is None:
            pool = pygame.Surface((30, 22), pygame.SRCALPHA)
            pygame.draw.ellipse(pool, (110, 0, 0, 190), pool.get_rect())
            pygame.draw.ellipse(pool, (150, 10, 10, 200), pool.get_rect().inflate(-10, -8))
            self._pool = pool
        return self._pool

    def _tracers(self, surface: pygame.Surface) -> None:
        camera, seen = self.camera, {}
        for entity, tracer in esper.get_component(Tracer):
            first = self._tracer_ttl.get(entity, tracer.ttl)
            seen[entity] = first = max(first, tracer.ttl, 1)
            fade = max(0.0, min(1.0, tracer.ttl / first))
            start = camera.to_screen(*tracer.start)
            end = camera.to_screen(*tracer.end)
            colour = HOSTILE_TRACER if tracer.hostile else TRACER
            self._line(surface, start, end, colour, fade)
            if first - tracer.ttl < FLASH_TICKS:
                direction = math.atan2(end[1] - start[1], end[0] - start[0])
                flash = self.sprites.rotated("muzzle_flash", direction)
                surface.blit(flash, flash.get_rect(center=(start[0] + 5 * math.cos(direction),
                                                           start[1] + 5 * math.sin(direction))))
        self._tracer_ttl = seen

    @staticmethod
    def _line(surface: pygame.Surface, start: tuple[float, float], end: tuple[float, float],
              colour: tuple[int, int, int], fade: float) -> None:
        bounds = surface.get_rect()
        box = pygame.Rect(min(start[0], end[0]) - 3, min(start[1], end[1]) - 3,
                          abs(end[0] - start[0]) + 7, abs(end[1] - start[1]) + 7).clip(bounds)
        if not box.width or not box.height:
            return
        # Lines with alpha need their own surface: pygame.draw does not blend.
        layer = pygame.Surface(box.size, pygame.SRCALPHA)
        a = (start[0] - box.x, start[1] - box.y)
        b = (end[0] - box.x, end[1] - box.y)
        pygame.draw.line(layer, (*colour, round(90 * fade)), a, b, 5)
        pygame.draw.line(layer, (*colour, round(255 * fade)), a, b, 2)
        surface.blit(layer, box)
