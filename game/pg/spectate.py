"""The spectator's window: the game rebuilt from a stream, drawn as it happens."""

from __future__ import annotations

import contextlib
import time

import pygame

from engine.streams.address import StreamAddress
from engine.streams.spectate import Tail
from game.pg.play import ICON, LOGICAL_SIZE
from game.pg.render import Renderer
from game.spectate import QUIET_SECONDS

#: Ticks stepped per frame at most, so a spectator catching up keeps drawing (about 4x real time at 30 fps).
TICKS_PER_FRAME = 8


def spectate_window(tail: Tail, address: StreamAddress, seconds: float | None = None) -> None:
    """Show the rebuilt game until the window is closed (Esc), or for ``seconds`` of real time."""
    pygame.init()
    with contextlib.suppress(pygame.error, FileNotFoundError):
        pygame.display.set_icon(pygame.image.load(str(ICON)))  # the game's icon, before the window opens
    screen = pygame.display.set_mode(LOGICAL_SIZE)
    pygame.display.set_caption(f"Wanted — spectating {address.stream}")
    font = pygame.font.Font(None, 26)
    clock = pygame.time.Clock()
    renderer: Renderer | None = None
    world = None
    start = quiet_since = time.monotonic()
    try:
        while not _quit_asked() and (seconds is None or time.monotonic() - start < seconds):
            if tail.poll(None):  # no waiting: the frame goes on (BLOCK 0 would wait for ever)
                quiet_since = time.monotonic()
            spectator = tail.spectator
            final = time.monotonic() - quiet_since >= QUIET_SECONDS
            spectator.advance(final=final, max_ticks=TICKS_PER_FRAME)
            if spectator.world is not world:  # built, or rebuilt after time travel
                world = spectator.world
                renderer = Renderer(world) if world is not None else None
            screen.fill((20, 20, 24))
            if renderer is not None:
                renderer.draw(screen, 1.0)
            _banner(screen, font, tail, final)
            pygame.display.flip()
            clock.tick(30)
    finally:
        pygame.quit()


def _quit_asked() -> bool:
    for event in pygame.event.get():
        if event.type == pygame.QUIT or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
            return True
    return False


def _banner(screen: pygame.Surface, font: pygame.font.Font, tail: Tail, quiet: bool) -> None:
    """The spectator's state along the bottom: live or quiet, checked records, or the divergence."""
    spectator = tail.spectator
    if spectator.divergence is not None:
        lines = spectator.divergence.describe().splitlines()
        colour = (255, 90, 90)
    else:
        state = "stream quiet" if quiet else "live"
        lines = [f"spectating ({state}): tick {spectator.tick}, {spectator.checked} of "
                 f"{len(spectator.records)} records re-derived identically"]
        colour = (160, 230, 160)
    y = screen.get_height() - 10 - 24 * len(lines)
    for line in lines:
        text = font.render(line[:140], True, colour)
        backdrop = pygame.Surface((text.get_width() + 12, 24), pygame.SRCALPHA)
        backdrop.fill((0, 0, 0, 170))
        screen.blit(backdrop, (8, y - 2))
        screen.blit(text, (14, y + 2))
        y += 24
