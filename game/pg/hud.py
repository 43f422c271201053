"""The heads-up display: health, wanted stars, the news ticker, errors, banners.

Fonts are made once; rendered text is cached, so a steady HUD allocates
almost nothing per frame.  The HUD reads the world and the log; it never
changes either.
"""

from __future__ import annotations

import esper
import pygame

from engine import World
from engine.pg.text import displayable
from game.components import Health
from game.pg.minimap import Minimap
from game.pg.sprites import Sprites
from game.pg.ticker import Ticker
from game.state import GameState, wanted_view

PAUSED_HINT = "P or Esc resume  ·  N / B step a tick forward / back  ·  F1 inspector  ·  F3 developer readouts"
WHITE = (240, 240, 240)
SHADOW = (0, 0, 0)
RED = (235, 60, 50)
ERROR_TEXT = (255, 150, 140)
#: Health bar colours from empty to full.
BAR_EMPTY, BAR_HALF, BAR_FULL = (220, 40, 40), (235, 200, 40), (60, 200, 80)

MARGIN = 16
HEART = pygame.Rect(MARGIN, MARGIN, 28, 28)
#: Where the health bar is drawn (logical coordinates); tests look here.
HEALTH_BAR = pygame.Rect(HEART.right + 8, MARGIN + 4, 220, 20)
STAR_SIZE = 28
STAR_GAP = 4
MAX_STARS = 5
#: ASCII stand-ins for characters pygame's default font has no glyph for.
#: Seconds of game time the WASTED banner stays up.
WASTED_SECONDS = 3.0
#: The BUSTED banner's colour (police blue), up as long as WASTED's.
BUSTED_BLUE = (90, 150, 255)
#: Police that saw the player this recently (seconds) keep the stars steady.
SEEN_RECENTLY = 0.5


def stars_rect(width: int) -> pygame.Rect:
    """The area the five wanted stars occupy on a surface ``width`` pixels wide."""
    total = MAX_STARS * STAR_SIZE + (MAX_STARS - 1) * STAR_GAP
    return pygame.Rect(width - MARGIN - total, MARGIN, total, STAR_SIZE)


def bar_colour(fraction: float) -> tuple[int, int, int]:
    """Health bar colour: green when full, through yellow, to red when empty."""
    fraction = min(max(fraction, 0.0), 1.0)
    if fraction >= 0.5:
        low, high, t = BAR_HALF, BAR_FULL, (fraction - 0.5) * 2
    else:
        low, high, t = BAR_EMPTY, BAR_HALF, fraction * 2
    return tuple(round(a + (b - a) * t) for a, b in zip(low, high, strict=True))  # type: ignore[return-value]


class Hud:
    """Draws the HUD over a rendered frame; :meth:`draw` once a frame."""

    def __init__(self, world: World, sprites: Sprites | None = None, ticker_lines: int = 5) -> None:
        self.world = world
        self.sprites = sprites or Sprites()
        self.ticker = Ticker(world, ticker_lines)
        if not pygame.font.get_init():
            pygame.font.init()
        # None is pygame's bundled default font: present everywhere, headless too.
        self.small = pygame.font.Font(None, 22)
        self.medium = pygame.font.Font(None, 26)
        self.large = pygame.font.Font(None, 72)
        self.huge = pygame.font.Font(None, 150)
        self._text: dict[tuple[int, str, tuple[int, ...], bool], pygame.Surface] = {}
        self._shade: pygame.Surface | None = None
        self._panels: dict[tuple[tuple[int, int], tuple[int, ...]], pygame.Surface] = {}
        #: Developer readouts (FPS, ticks/s, tick): hidden from players, F3 shows them.
        self.developer = False
        #: The RUN OVER banner (off in a window, whose game-over screen says it instead).
        self.run_over_banner = True
        #: The city in the bottom-right corner.
        self.minimap = Minimap(world)

    @property
    def lines(self) -> list[str]:
        """The ticker's lines, oldest first."""
        return list(self.ticker.lines)

    def draw(self, surface: pygame.Surface, paused: bool = False, fps: float = 0.0,
             ticks_per_second: float = 0.0) -> None:
        """Draw everything over ``surface``; ``fps`` and ``ticks_per_second`` are
        measured by the window (0 when there is none: shown as "-")."""
        world = self.world
        self.ticker.update()
        state: GameState = world.resources["game"]
        width, height = surface.get_size()
        wasted = self.ticker.wasted_tick
        # Once the run is over its own screen (or banner) says so: the fall that ended it does not shout over it.
        wasted_now = not state.run_over and wasted is not None and \
            0 <= world.tick - wasted < WASTED_SECONDS * world.tick_rate
        busted_now = not state.run_over and self._busted_now()
        if wasted_now or busted_now:
            self._shade_screen(surface, 110)  # the world dims; the HUD stays bright over it
        self._health(surface, state)
        self._stars(surface, state, width)
        self._score(surface, state)
        if self.developer:
            self._status(surface, fps, ticks_per_second, width)
        self._ticker_panel(surface, height)
        self.minimap.draw(surface)
        self._errors(surface)
        if wasted_now:
            self._banner(surface, "WASTED", self.huge, RED, height // 2)
        elif busted_now:
            self._banner(surface, "BUSTED", self.huge, BUSTED_BLUE, height // 2)
        if state.run_over and self.run_over_banner:
            self._shade_screen(surface, 150)
            self._banner(surface, "RUN OVER", self.large, WHITE, height // 3)
            self._centred(surface, f"{state.run_over} - score ${state.score:,}", self.medium, WHITE,
                          height // 3 + 52)
        if paused:
            # Above the player (who is at the centre), so the frozen scene stays readable.
            self._banner(surface, "PAUSED", self.large, WHITE, height // 4)
            self._centred(surface, PAUSED_HINT, self.small, WHITE, height // 4 + 44)

    # -- parts -----------------------------------------------------------------
    def _busted_now(self) -> bool:
        """True for a moment after the player was busted (the BUSTED banner is up)."""
        busted, world = self.ticker.busted_tick, self.world
        return busted is not None and 0 <= world.tick - busted < WASTED_SECONDS * world.tick_rate

    def _health(self, surface: pygame.Surface, state: GameState) -> None:
        self.world.activate()
        health = esper.try_component(state.player, Health) if esper.entity_exists(state.player) else None
        current, maximum = (health.current, health.maximum) if health is not None else (0, 100)
        fraction = current / maximum if maximum > 0 else 0.0
        surface.blit(self.sprites.scaled("heart", HEART.size), HEART)
        pygame.draw.rect(surface, (25, 25, 25), HEALTH_BAR.inflate(4, 4))
        pygame.draw.rect(surface, (70, 20, 20), HEALTH_BAR)
        filled = HEALTH_BAR.copy()
        filled.width = round(HEALTH_BAR.width * min(max(fraction, 0.0), 1.0))
        if filled.width:
            pygame.draw.rect(surface, bar_colour(fraction), filled)
            # A lighter top edge reads as a glossy bar rather than a flat box.
            top = filled.copy()
            top.height = 4
            pygame.draw.rect(surface, tuple(min(255, c + 50) for c in bar_colour(fraction)), top)
        label = self._render(self.small, f"{current}/{maximum}", WHITE, shadow=True)
        surface.blit(label, label.get_rect(midleft=(HEALTH_BAR.right + 8, HEALTH_BAR.centery)))

    def _score(self, surface: pygame.Surface, state: GameState) -> None:
        """Under the health bar: the score, and the time the run has left (if it has a limit)."""
        text = f"${state.score:,}"
        if state.ticks_left > 0:
            seconds = state.ticks_left // self.world.tick_rate
            text += f"   {seconds // 60}:{seconds % 60:02d} left"
        label = self._render(self.medium, text, WHITE, shadow=True)
        surface.blit(label, (HEART.x, HEALTH_BAR.bottom + 10))

    def _stars(self, surface: pygame.Surface, state: GameState, width: int) -> None:
        world = self.world
        area = stars_rect(width)
        seen = (world.tick - state.last_seen_tick) * world.dt <= SEEN_RECENTLY
        # Like the classic: steady stars while police see you, flashing once they lose you.
        lit = state.wanted > 0 and (seen or (world.tick // 10) % 2 == 0)
        # A dark backing keeps empty stars visible over white crossings.
        self._panel(surface, area.inflate(10, 8), (0, 0, 0, 110))
        full = self.sprites.scaled("star_full", (STAR_SIZE, STAR_SIZE))
        empty = self.sprites.scaled("star_empty", (STAR_SIZE, STAR_SIZE))
        for i in range(MAX_STARS):
            star = full if lit and i < state.wanted else empty
            surface.blit(star, (area.x + i * (STAR_SIZE + STAR_GAP), area.y))
        if state.wanted > 0 and not seen:
            self._escape_meter(surface, state, area)

    def _escape_meter(self, surface: pygame.Surface, state: GameState, stars: pygame.Rect) -> None:
        """Under the stars: how long no unit has seen you, against how long it takes to lose them."""
        unseen = wanted_view(self.world).seconds_unseen
        fraction = min(1.0, unseen / state.lose_after) if state.lose_after > 0 else 1.0
        bar = pygame.Rect(stars.x, stars.bottom + 12, stars.width, 8)
        label = self._render(self.small, f"losing them {unseen:.0f}/{state.lose_after:.0f} s", WHITE, shadow=True)
        backing = pygame.Rect(bar.x - 5, bar.y - 5, bar.width + 10, bar.height + label.get_height() + 14)
        self._panel(surface, backing, (0, 0, 0, 110))  # readable over white crossings, like the stars
        pygame.draw.rect(surface, (20, 20, 20), bar.inflate(4, 4))
        filled = bar.copy()
        filled.width = round(bar.width * fraction)
        if filled.width:
            pygame.draw.rect(surface, (90, 170, 255), filled)
        surface.blit(label, label.get_rect(topright=(bar.right, bar.bottom + 4)))

    def _status(self, surface: pygame.Surface, fps: float, ticks_per_second: float, width: int) -> None:
        world = self.world
        # A frame rendered headless (a screenshot) has no measurements: say so, rather than invent them.
        shown_fps, rate = (f"{fps:.0f}", f"{ticks_per_second:.0f}") if fps > 0 else ("-", "-")
        text = f"FPS {shown_fps} · {rate}/{world.tick_rate} ticks/s · tick {world.tick}"
        label = self._render(self.small, text, WHITE, shadow=True)
        rect = label.get_rect(midtop=(width // 2, 10))
        # Panel width in steps of 20 px, so it doesn't twitch (or get re-made) as digits change.
        backing = pygame.Rect(0, 0, (rect.width + 16 + 19) // 20 * 20, rect.height + 6)
        backing.center = rect.center
        self._panel(surface, backing, (0, 0, 0, 110))
        surface.blit(label, rect)

    def _ticker_panel(self, surface: pygame.Surface, height: int) -> None:
        lines = self.ticker.lines
        if not lines:
            return
        labels = []
        for i, line in enumerate(lines):
            # Older lines fade a little, so the newest reads first.
            level = 170 + round(70 * (i + 1) / len(lines))
            labels.append(self._render(self.small, line, (level, level, level)))
        line_h = self.small.get_linesize()
        panel = pygame.Rect(MARGIN - 8, 0, max(label.get_width() for label in labels) + 16,
                            line_h * len(labels) + 10)
        panel.bottom = height - MARGIN + 6
        self._panel(surface, panel, (0, 0, 0, 140))
        for i, label in enumerate(labels):
            surface.blit(label, (MARGIN, panel.y + 5 + i * line_h))

    def _errors(self, surface: pygame.Surface) -> None:
        lines: list[str] = []
        ticker = self.ticker
        # Errors a game put in its resources, and those the log tells of (TriggersReloadFailed).
        for error in dict.fromkeys([*self.world.resources.get("reload_errors", []), *ticker.reload_errors]):
            lines.extend(str(error).splitlines())
        if ticker.failure_count:
            lines.append(f"{ticker.failure_count} handler failure(s), latest:")
            lines.extend(ticker.failures)
        if not lines:
            return
        lines = [line if len(line) <= 110 else line[:109] + "…" for line in lines[:12]]
        labels = [self._render(self.small, line, ERROR_TEXT) for line in lines]
        line_h = self.small.get_linesize()
        box = pygame.Rect(MARGIN - 4, HEALTH_BAR.bottom + 16, max(lb.get_width() for lb in labels) + 16,
                          line_h * len(labels) + 10)
        self._panel(surface, box, (30, 0, 0, 225))
        pygame.draw.rect(surface, RED, box, 2)
        for i, label in enumerate(labels):
            surface.blit(label, (box.x + 8, box.y + 5 + i * line_h))

    # -- helpers -----------------------------------------------------------------
    def _panel(self, surface: pygame.Surface, rect: pygame.Rect, rgba: tuple[int, int, int, int]) -> None:
        key = (rect.size, rgba)
        panel = self._panels.get(key)
        if panel is None:
            if len(self._panels) > 32:
                self._panels.clear()
            panel = pygame.Surface(rect.size, pygame.SRCALPHA)
            panel.fill(rgba)
            self._panels[key] = panel
        surface.blit(panel, rect)

    def _shade_screen(self, surface: pygame.Surface, alpha: int) -> None:
        if self._shade is None or self._shade.get_size() != surface.get_size():
            self._shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
        self._shade.fill((0, 0, 0, alpha))
        surface.blit(self._shade, (0, 0))

    def _banner(self, surface: pygame.Surface, text: str, font: pygame.font.Font,
                colour: tuple[int, int, int], y: int) -> None:
        label = self._render(font, text, colour, outline=True)
        surface.blit(label, label.get_rect(center=(surface.get_width() // 2, y)))

    def _centred(self, surface: pygame.Surface, text: str, font: pygame.font.Font,
                 colour: tuple[int, int, int], y: int) -> None:
        label = self._render(font, text, colour, shadow=True)
        surface.blit(label, label.get_rect(center=(surface.get_width() // 2, y)))

    def _render(self, font: pygame.font.Font, text: str, colour: tuple[int, ...],
                shadow: bool = False, outline: bool = False) -> pygame.Surface:
        """Text as a surface, cached: most HUD text is the same frame after frame."""
        key = (id(font), text, colour, shadow or outline)
        surface = self._text.get(key)
        if surface is not None:
            return surface
        if len(self._text) > 300:
            self._text.clear()  # the fps/tick line changes every frame; don't grow for ever
        face = font.render(displayable(font, text), True, colour)
        if outline or shadow:
            back = font.render(displayable(font, text), True, SHADOW)
            pad = max(2, font.get_height() // 24) if outline else 1
            surface = pygame.Surface((face.get_width() + 2 * pad, face.get_height() + 2 * pad), pygame.SRCALPHA)
            offsets = ([(dx, dy) for dx in (-pad, 0, pad) for dy in (-pad, 0, pad) if dx or dy]
                       if outline else [(1, 1)])
            for dx, dy in offsets:
                surface.blit(back, (pad + dx, pad + dy))
            surface.blit(face, (pad, pad))
        else:
            surface = face
        self._text[key] = surface
        return surface
