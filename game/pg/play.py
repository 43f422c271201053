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
from game.highscores import HighScores
from game.pg.hud import stars_rect
from game.pg.input import InputMapper
from game.pg.render import Renderer
from game.pg.screens import Screens
from game.pg.sprites import SPRITES_DIR
from game.pg.volume_keys import VolumeKeys, has_volume

LOGICAL_SIZE = (1280, 720)
TITLE = "Wanted"
ICON = SPRITES_DIR / "icon.png"
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
               mixer: Mixer | None = None, title_screen: bool = False, autopilot: bool = False,
               high_scores: HighScores | None = None, window_size: tuple[int, int] | None = None) -> PygameApp:
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
    change its volume if it has one (:mod:`game.pg.volume_keys`), as the
    pause menu's volume item does.

    ``title_screen`` shows the title first (nothing ticks until a key is
    pressed; with ``autopilot`` only for a moment); P, Esc or a pad's Start
    open the pause menu; when the run ends the game-over screen shows the
    score and puts it in ``high_scores`` (none: the table is not shown).
    ``window_size`` opens the window at that size (default: the logical
    1280x720, shrunk to fit a smaller desktop).
    Returns the app, closed, for its counters (``loop.steps``, ``fps``...);
    its ``quit_reason`` is "restart" when the player asked for a new run.
    """
    os.environ.setdefault(*FRAMEBUFFER_HINT)   # read by SDL when the window opens
    joysticks = _start_joysticks()
    renderer = Renderer(world)
    app: PygameApp | None = None
    # Below the wanted stars, so they stay in sight while inspecting.
    inspector = Inspector(world, top=stars_rect(LOGICAL_SIZE[0]).bottom + 8)
    sound = AudioReader(world, mixer) if mixer is not None else None
    if renderer.hud is not None:
        renderer.hud.run_over_banner = False  # the game-over screen says it
    volume = VolumeKeys(mixer) if has_volume(mixer) else None  # type: ignore[arg-type]

    def to_logical(pos: tuple[float, float]) -> tuple[float, float]:
        return app.to_logical(pos) if app is not None else pos

    mapper = InputMapper(to_logical, renderer.focus_on_screen, LOGICAL_SIZE)
    # Another input source (the autopilot) has the game's inputs: the pads are not the player's then.
    screens = Screens(mapper if translate is None else None, sprites=renderer.sprites, mixer=mixer,
                      title=title_screen, autopilot=autopilot, inspecting=lambda: inspector.visible,
                      high_scores=high_scores, to_logical=to_logical)

    def render(surface: pygame.Surface, alpha: float) -> None:
        screens.update()
        # The open inspector says "PAUSED" itself, and a full screen covers the game:
        # the HUD's big banner would sit under either.
        paused = app.paused and not inspector.visible and not screens.covering if app else False
        if sound is not None:
            sound.update()  # after this frame's ticks: heard as it is shown
        renderer.draw(surface, alpha, paused=paused, fps=app.fps if app else 0.0,
                      ticks_per_second=app.ticks_per_second if app else 0.0)
        screens.draw(surface)

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

    def handle_event(event: pygame.event.Event) -> bool:
        # The title takes every key (F1 and F3 too): nothing is running to inspect yet.
        if event.type == pygame.KEYDOWN and screens.state != "title" and keys(event.key):
            return True
        return screens.handle_event(event)

    app = PygameApp(world, render, translate or mapper.translate, logical_size=LOGICAL_SIZE,
                    between_frames=between_frames, before_tick=before_tick, report_frame_time=report_frame_time,
                    title=TITLE, icon=ICON, overlay=draw_overlay, handle_event=handle_event,
                    on_pause=None if sound is None else sound.set_paused, window_size=window_size)
    inspector.app = app  # for its paused state and time machine
    screens.attach(app)
    try:
        app.run(seconds=seconds)
        if screenshot:
            with _saving_screenshot(screenshot):
                app.screenshot(screenshot)
    finally:
        app.close()
        if joysticks:
            pygame.joystick.quit()
    return app


def _start_joysticks() -> bool:
    """Start SDL's joystick support if it is off; True if this call started it (and must stop it).

    SDL then reports each pad already plugged in, and each one plugged in
    later, as JOYDEVICEADDED.  It must be stopped with the window: while it
    runs, SDL keeps its own SIGINT and SIGTERM handlers installed (they only
    queue a QUIT event), so a process forked later (``trace``'s worker
    pool) would ignore the SIGTERM that is meant to stop it.
    """
    if pygame.joystick.get_init():
        return False
    try:
        pygame.joystick.init()
    except pygame.error:
        return False
    return True


@contextlib.contextmanager
def window_session() -> Iterator[None]:
    """Keep one window open across several runs (a restart plays on in it, fullscreen or not)."""
    opened = not pygame.display.get_init()
    if opened:
        pygame.display.init()
    try:
        yield
    finally:
        if opened:
            pygame.display.quit()


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
