"""The minimap: the whole city in a corner, with you, the police, the cars and the nearest cash.

The map never changes during a game, so its picture (one pixel per tile,
scaled up without smoothing) is made once; a frame only blits it and draws
a few dots over it: the player, police units (and their radar, blue while
searching, red once they see you, as on the ground), the helicopter,
roadblocks, cars, and the nearest cash.  Pedestrians are left off: a thousand dots
would hide the roads and cost more than the rest of the HUD.  Like the rest
of the HUD it reads the world and never changes it.

Near the city's edge the camera stops following and the player can walk
under the corner the map sits in; then the map turns see-through
(:attr:`Minimap.avoid`, where the renderer drew the player).
"""

from __future__ import annotations

import math

import esper
import pygame

from engine import World
from game.city import City
from game.components import Cash, Helicopter, Player, Police, Position, Roadblock, Vehicle
from game.state import GameState

#: Side of the map in pixels (the default city is 48 tiles: 4 pixels a tile).
SIZE = 192
MARGIN = 16
FRAME = (15, 15, 18)
#: Tile kinds -> map colour; anything else is a building.
#: Roads are the brightest thing on the map: they are what the player navigates by.
ROAD = (122, 124, 132)
TILE_COLOURS = {
    "road": ROAD, "road_line_h": ROAD, "road_line_v": ROAD, "crossing": ROAD,
    "sidewalk": (78, 78, 84), "grass": (48, 96, 52), "inside": (48, 96, 52), "hospital": (205, 70, 70),
    "police_station": (60, 100, 210),  # where a busted player walks out
}
BUILDING = (30, 32, 40)
PLAYER = (255, 255, 255)
PLAYER_EDGE = (0, 0, 0)
CAR = (255, 222, 70)
POLICE = (70, 130, 255)
POLICE_LIGHT = (255, 60, 50)
RADAR_SEARCHING = (70, 130, 255)
RADAR_SEEING = (255, 60, 50)
HELICOPTER = (180, 220, 255)
GOAL = (60, 235, 110)
ROADBLOCK = (255, 150, 30)
#: Police dots swap colour every this many ticks (their light bar).
LIGHTS_TICKS = 8
#: Width of the frame around the map.
BORDER = 3
#: Opacity (0-255) of the map while the player is under it.
SEE_THROUGH = 70


def map_rect(surface_size: tuple[int, int], size: int = SIZE) -> pygame.Rect:
    """Where the minimap is drawn on a surface of ``surface_size``: the bottom-right corner."""
    width, height = surface_size
    return pygame.Rect(width - MARGIN - size, height - MARGIN - size, size, size)


def road_layer(city: City, size: int = SIZE) -> pygame.Surface:
    """The city's tiles as a ``size`` x ``size`` picture (made once: the map never changes)."""
    tiles = pygame.Surface((city.size, city.size))
    for ty, row in enumerate(city.tiles):
        for tx, kind in enumerate(row):
            tiles.set_at((tx, ty), TILE_COLOURS.get(kind, BUILDING))
    return pygame.transform.scale(tiles, (size, size))  # nearest neighbour: crisp blocks


class Minimap:
    """Draws ``world``'s minimap; :meth:`draw` once a frame."""

    def __init__(self, world: World, size: int = SIZE) -> None:
        self.world = world
        self.size = size
        self._layer: pygame.Surface | None = None
        self._city: City | None = None
        #: Where the player is on screen (set by the renderer each frame): the map gets out of the way.
        self.avoid: tuple[float, float] | None = None
        # The map is drawn here, then blitted whole: it clips the radar rings and can be see-through.
        self._canvas = pygame.Surface((size + 2 * BORDER, size + 2 * BORDER))

    def to_map(self, x: float, y: float, rect: pygame.Rect) -> tuple[int, int]:
        """A world point's pixel on the minimap drawn at ``rect``."""
        scale = self.size / self._city_of().size_px
        return rect.x + int(x * scale), rect.y + int(y * scale)

    def draw(self, surface: pygame.Surface) -> pygame.Rect:
        """Draw the minimap in the bottom-right corner of ``surface``; returns where (the map, inside its frame)."""
        world = self.world
        state: GameState = world.resources["game"]
        rect = map_rect(surface.get_size(), self.size)
        canvas, local = self._canvas, pygame.Rect(BORDER, BORDER, self.size, self.size)
        canvas.fill(FRAME)
        canvas.blit(self._static(state.city), local)
        world.activate()
        me = self._player_point(state)
        self._police(canvas, state, local, me)
        self._cars(canvas, local)
        for _, (_block, position) in esper.get_components(Roadblock, Position):
            x, y = self.to_map(position.x, position.y, local)
            canvas.fill(ROADBLOCK, (x - 3, y - 1, 7, 3))
        self._goal(canvas, local, me)
        if me is not None:
            centre = self.to_map(*me, local)
            pygame.draw.circle(canvas, PLAYER_EDGE, centre, 5)
            pygame.draw.circle(canvas, PLAYER, centre, 3)
        under = self.avoid is not None and rect.inflate(40, 40).collidepoint(self.avoid)
        canvas.set_alpha(SEE_THROUGH if under else None)
        surface.blit(canvas, (rect.x - BORDER, rect.y - BORDER))
        return rect

    # -- layers ----------------------------------------------------------------------
    def _city_of(self) -> City:
        return self.world.resources["game"].city

    def _static(self, city: City) -> pygame.Surface:
        if self._layer is None or self._city is not city:
            self._layer, self._city = road_layer(city, self.size), city
        return self._layer

    def _player_point(self, state: GameState) -> tuple[float, float] | None:
        """Where the player is: their car's position while they drive."""
        if not esper.entity_exists(state.player):
            return None
        player = esper.try_component(state.player, Player)
        followed = player.vehicle if player is not None and player.vehicle is not None else state.player
        where = esper.try_component(followed, Position) if esper.entity_exists(followed) else None
        if where is None:
            where = esper.try_component(state.player, Position)
        return (where.x, where.y) if where is not None else None

    def _police(self, surface: pygame.Surface, state: GameState, rect: pygame.Rect,
                me: tuple[float, float] | None) -> None:
        scale = self.size / state.city.size_px
        chasing = state.wanted > 0
        lit = (self.world.tick // LIGHTS_TICKS) % 2 == 0
        units = [(police.vision, position) for _, (police, position) in esper.get_components(Police, Position)]
        helicopters = [(heli.vision, position) for _, (heli, position) in esper.get_components(Helicopter, Position)]
        for vision, position in units + helicopters:
            centre = self.to_map(position.x, position.y, rect)
            if chasing:  # the radar matters only while they are after you
                seeing = me is not None and math.dist(me, (position.x, position.y)) <= vision
                pygame.draw.circle(surface, RADAR_SEEING if seeing else RADAR_SEARCHING, centre,
                                   max(2, round(vision * scale)), width=1)
        for _, position in units:
            colour = POLICE_LIGHT if chasing and lit else POLICE
            surface.fill(colour, pygame.Rect(0, 0, 4, 4).move(self.to_map(position.x, position.y, rect))
                         .move(-2, -2))
        for _, position in helicopters:
            x, y = self.to_map(position.x, position.y, rect)
            pygame.draw.line(surface, HELICOPTER, (x - 3, y - 3), (x + 3, y + 3), 2)
            pygame.draw.line(surface, HELICOPTER, (x - 3, y + 3), (x + 3, y - 3), 2)

    def _cars(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        for _, (vehicle, position) in esper.get_components(Vehicle, Position):
            if not vehicle.police and vehicle.driver is None and not vehicle.wrecked:
                x, y = self.to_map(position.x, position.y, rect)
                surface.fill(CAR, (x - 1, y - 1, 3, 3))

    def _goal(self, surface: pygame.Surface, rect: pygame.Rect, me: tuple[float, float] | None) -> None:
        """The nearest cash, ringed so it reads as the place to go."""
        if me is None:
            return
        best = min(((math.dist(me, (p.x, p.y)), (p.x, p.y)) for _, (_cash, p) in esper.get_components(Cash, Position)),
                   default=None)
        if best is None:
            return
        centre = self.to_map(*best[1], rect)
        pygame.draw.circle(surface, GOAL, centre, 3)
        pygame.draw.circle(surface, GOAL, centre, 6, width=1)
