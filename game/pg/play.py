"""Putting the pygame pieces together: a window, or one headless frame."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

import pygame

from engine import Event, World
from engine.pg import PygameApp
from engine.pg.inspector import Inspector
from game.audio_reader import AudioReader, Mixer
from game.pg.hud import stars_rect
from game.pg.input import InputMapper
from game.pg.render import Renderer
from game.pg.volume_keys import VolumeKeys, has_volume

LOGICAL_SIZE = (1280, 720)
TITLE = "Wanted"
#: The game draws every pixel itself (pygame surfaces), so the window only needs
#: its frame copied to the screen.  SDL's default, an "accelerated" framebuffer,
#: goes through a renderer that is software OpenGL on machines without a GPU
#: (Xvfb, most VMs): 13-15 ms per 1280x720 present, against 0.6 ms for the plain
#: X11 framebuffer (measured under Xvfb on the benchmark machine).  A user's own
#: setting of the variable wins.
FRAMEBUFFER_HINT = ("SDL_FRAMEBUFFER_ACCELERATION", "0")


class ScreenshotError(OSError):
    """A frame could not be saved (bad path, full disk...)."""


def run_window(world: World, seconds: float | None = None, screenshot: str | None = None,
               between_frames: Callable[[], None] | None = None,
               report_frame_time: Callable[[float], None] | None = None,
               translate: Callable[[pygame.event.Event], list[Event]] | None = None,
               before_tick: Callable[[], None] | None = None,
               overlay: Callable[[pygame.Surface], None] | None = None,
               handle_key: Callable[[int], bool] | None = None,
               mixer: Mixer | None = None) -> PygameApp:
    """Play ``world`` in a window until the player quits (or for ``seconds`` of real time).

    ``translate`` replaces the keyboard and mouse (``lambda event: []`` when
    the autopilot drives); ``before_tick`` runs before every tick (the
    autopilot emitting its inputs); ``between_frames`` once a frame (hot
    reload); ``report_frame_time`` gets the average frame time in ms every
    0.5 s; ``screenshot`` saves the last frame there on the way out.
    F1 shows the event inspector over the game; ``overlay`` draws under it
    and ``handle_key`` gets the keys it does not claim.
    With a ``mixer``, an :class:`~game.audio_reader.AudioReader` plays the
    log's sounds on it as frames are drawn, held while paused; M, - and +
    change its volume if it has one (:mod:`game.pg.volume_keys`).
    Returns the app, closed, for its counters (``loop.steps``, ``fps``...).
    """
    os.environ.setdefault(*FRAMEBUFFER_HINT)   # read by SDL when the window opens
    renderer = Renderer(world)
    app: PygameApp | None = None
    # Below the wanted stars, so they stay in sight while inspecting.
    inspector = Inspector(world, top=stars_rect(LOGICAL_SIZE[0]).bottom + 8)
    sound = AudioReader(world, mixer) if mixer is not None else None
    volume = VolumeKeys(mixer) if has_volume(mixer) else None  # type: ignore[arg-type]

    def to_logical(pos: tuple[float, float]) -> tuple[float, float]:
        return app.to_logical(pos) if app is not None else pos

    def render(surface: pygame.Surface, alpha: float) -> None:
        # The open inspector says "PAUSED" itself; the HUD's big banner would sit under its panel.
        paused = app.paused and not inspector.visible if app else False
        if sound is not None:
            sound.update()  # after this frame's ticks: heard as it is shown
        renderer.draw(surface, alpha, paused=paused, fps=app.fps if app else 0.0,
                      ticks_per_second=app.ticks_per_second if app else 0.0)

    def draw_overlay(surface: pygame.Surface) -> None:
        if overlay is not None:
            overlay(surface)
        if volume is not None:
            volume.draw(surface)
        inspector.draw(surface)

    def keys(key: int) -> bool:
        if key == pygame.K_F3 and renderer.hud is not None:
            renderer.hud.developer = not renderer.hud.developer  # FPS, ticks/s and tick: for developers
            return True
        return (inspector.handle_key(key) or (volume is not None and volume.handle_key(key))
                or (handle_key is not None and handle_key(key)))

    mapper = InputMapper(to_logical, renderer.focus_on_screen, LOGICAL_SIZE)
    app = PygameApp(world, render, translate or mapper.translate, logical_size=LOGICAL_SIZE,
                    between_frames=between_frames, before_tick=before_tick, report_frame_time=report_frame_time,
                    title=TITLE, overlay=draw_overlay, handle_key=keys,
                    on_pause=None if sound is None else sound.set_paused)
    inspector.app = app  # for its paused state and time machine
    try:
        app.run(seconds=seconds)
        if screenshot:
            with _saving_screenshot(screenshot):
                app.screenshot(screenshot)
    finally:
        app.close()
    return app


@contextlib.contextmanager
def _saving_screenshot(path: str) -> Iterator[None]:
    """Turn a failure to save ``path`` (bad folder, full disk...) into a :class:`ScreenshotError`."""
    try:
        yield
    except (pygame.error, OSError) as error:
        raise ScreenshotError(f"cannot save a screenshot to {path!r}: {error}") from None


def render_frame(world: World, path: str | None = None, paused: bool = False,
                 size: tuple[int, int] = LOGICAL_SIZE) -> pygame.Surface:
    """Draw the world's current state (with HUD) into a new surface, saved to ``path`` if given.

    Needs no window: sprites work unconverted and fonts need no display, so
    this runs under ``SDL_VIDEODRIVER=dummy`` or with no display at all.
    """
    surface = pygame.Surface(size)
    # The ticker's history window shows what led up to this frame.
    Renderer(world).draw(surface, 1.0, paused=paused)
    if path:
        with _saving_screenshot(path):
            pygame.image.save(surface, path)
    return surface
