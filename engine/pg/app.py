"""A window around a world: input in, fixed-step ticks, interpolated frames out.

:class:`PygameApp` is the Game Loop pattern with pygame at both ends.  Each
frame it turns pygame input into the game's input events (emitted *between*
ticks, so the log records them as roots with no cause), runs the ticks that
real time says are due, and draws one frame with the interpolation ``alpha``.

The game draws into a fixed *logical* surface (1280x720 by default); the app
scales it to whatever size the window has, with black bars to keep the
aspect ratio (letterboxing).  Reading the real clock here is fine: it decides
only *how many* ticks run, never what happens in one.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pygame

from engine.events import Event
from engine.loop import Clock, FixedStepLoop
from engine.timetravel import TimeMachine
from engine.world import World

#: Draws the game into the logical surface, given the interpolation alpha.
Render = Callable[[pygame.Surface, float], None]
#: Turns one pygame event into the game's input events (often none).
Translate = Callable[[pygame.event.Event], list[Event]]
#: Sees a pygame event before the app does; True claims it (a menu that is open, say).
HandleEvent = Callable[[pygame.event.Event], bool]

#: Seconds of real time over which frame time and fps are averaged.
REPORT_INTERVAL = 0.5
#: Smooth scaling costing more than this (seconds a frame) falls back to plain scaling.
SMOOTH_BUDGET = 0.005


class PygameApp:
    """Runs a :class:`~engine.World` in a resizable window.

    Keys the app owns: **P** pauses and resumes (no ticks run while paused,
    but frames are still drawn), **N** (or →) runs one tick while paused,
    **B** (or ←) steps one tick back in time while paused (Shift: one
    second), **F11** toggles fullscreen, **Esc** or closing the window quits.
    Unpausing after stepping back plays on from there: a new timeline.
    ``handle_event`` sees every pygame event but a window close and F11 first,
    and may claim it by returning True (a game's menus); ``handle_key`` then
    sees each key press and may claim it too (an inspector on F1, say);
    ``overlay`` draws over each logical frame after ``render``.  ``icon`` is
    an image file shown as the window's icon.

    ``between_frames`` runs once a frame (hot-reload polling); ``before_tick``
    runs before every tick (a scripted player emitting its inputs, say);
    ``on_pause`` is told ``True`` when the game pauses and ``False`` when it
    goes on (log readers with side effects, like audio, hold them meanwhile).

    ``report_frame_time`` is called every :data:`REPORT_INTERVAL` seconds of
    real time (not while paused) with the average frame time in ms; a game
    can feed it back in as an input event so that replays decide alike.
    The frames up to and including the first one that runs a tick are
    warm-up (first sprites, fonts and surfaces; the first tick's set-up) and
    are left out of the measurement.
    """

    def __init__(
        self,
        world: World,
        render: Render,
        translate: Translate,
        *,
        logical_size: tuple[int, int] = (1280, 720),
        between_frames: Callable[[], None] | None = None,
        before_tick: Callable[[], None] | None = None,
        report_frame_time: Callable[[float], None] | None = None,
        title: str = "engine",
        overlay: Callable[[pygame.Surface], None] | None = None,
        handle_key: Callable[[int], bool] | None = None,
        handle_event: HandleEvent | None = None,
        icon: str | Path | None = None,
        on_pause: Callable[[bool], None] | None = None,
        window_size: tuple[int, int] | None = None,
        max_fps: float | None = None,
        clock: Clock = time.perf_counter,
        time_travel: bool = True,
    ) -> None:
        self.world = world
        #: Snapshots for stepping back while paused (None: time travel off).
        self.time_machine = TimeMachine(world) if time_travel else None
        self.render = render
        self.translate = translate
        self.logical_size = logical_size
        self.between_frames = between_frames
        self.before_tick = before_tick
        self.report_frame_time = report_frame_time
        self.title = title
        self.overlay = overlay
        self.handle_key = handle_key
        self.handle_event = handle_event
        self.icon = icon
        self.on_pause = on_pause
        self.window_size = window_size
        self.max_fps = max_fps
        #: The fixed-step loop; its ``steps``, ``dropped_steps`` and ``alpha`` are public.
        self.loop = FixedStepLoop(self._tick, world.dt, clock)
        #: True while no ticks run (P toggles it).
        self.paused = False
        #: Frames per second, averaged over the last report interval and smoothed.
        self.fps = 0.0
        #: Simulation ticks per real second, measured over the same interval
        #: (the tick rate while the loop keeps up; less when steps are dropped; 0 while paused).
        self.ticks_per_second = 0.0
        #: Frames drawn since the app was made.
        self.frames = 0
        self.running = False
        #: Why :meth:`run` last stopped ("quit", or what :meth:`quit` was told: "restart"...); "" while running.
        self.quit_reason = ""
        #: True while the window covers the whole screen (F11 toggles it).
        self.fullscreen = False
        self._windowed_size: tuple[int, int] | None = None
        self._logical: pygame.Surface | None = None
        self._scaled: pygame.Surface | None = None
        self._viewport = pygame.Rect((0, 0), logical_size)
        self._opened_display = False
        self._last_time: float | None = None
        self._window_start: float | None = None
        self._window_frames = 0
        self._window_tick = 0
        #: False until a frame has run a tick: frames before (and that one) are warm-up, not measured.
        self._warm = False
        self._limiter = pygame.time.Clock()
        #: Scale the frame to the window with filtering (falls back to plain scaling if too slow).
        self.smooth = True
        self._smooth_cost: float | None = None
        self._smooth_frames = 0

    # -- window ----------------------------------------------------------
    def open(self) -> None:
        """Open the window (done by :meth:`run` if needed)."""
        if not pygame.display.get_init():
            pygame.display.init()
            self._opened_display = True
        if pygame.display.get_surface() is None:
            if self.icon is not None:
                self._set_icon(self.icon)  # before the window exists: some window managers read it only then
            pygame.display.set_mode(self.window_size or self._fitting_window_size(), pygame.RESIZABLE)
        pygame.display.set_caption(self.title)
        if self._logical is None:
            # convert() gives the display's pixel format, so blits and scaling are fast.
            self._logical = pygame.Surface(self.logical_size).convert()

    def _fitting_window_size(self) -> tuple[int, int]:
        """The logical size, shrunk if the desktop is smaller (a small laptop screen)."""
        width, height = self.logical_size
        try:
            desk_w, desk_h = pygame.display.get_desktop_sizes()[0]
        except (pygame.error, IndexError):
            return self.logical_size
        scale = min(1.0, 0.9 * desk_w / width, 0.9 * desk_h / height)
        return max(1, int(width * scale)), max(1, int(height * scale))

    @staticmethod
    def _set_icon(path: str | Path) -> None:
        try:
            pygame.display.set_icon(pygame.image.load(str(path)))
        except (pygame.error, OSError, FileNotFoundError) as error:
            print(f"window: cannot load the icon {path} ({error}), using the default")

    def toggle_fullscreen(self) -> None:
        """Fill the screen, or go back to the window as it was (what F11 does)."""
        window = pygame.display.get_surface()
        if window is None:
            return
        try:
            if self.fullscreen:
                with warnings.catch_warnings():
                    # pygame-ce warns when the window manager picks another size: the letterbox copes with any.
                    warnings.simplefilter("ignore", RuntimeWarning)
                    pygame.display.set_mode(self._windowed_size or self.logical_size, pygame.RESIZABLE)
            else:
                self._windowed_size = window.get_size()
                # (0, 0): the desktop's own resolution, so the screen does not switch modes.
                pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        except pygame.error as error:
            print(f"window: cannot switch fullscreen ({error})")
            return
        self.fullscreen = not self.fullscreen

    def close(self) -> None:
        """Close the window if this app opened the display."""
        if self._opened_display and pygame.display.get_init():
            pygame.display.quit()
            self._opened_display = False
        self._logical = None
        self._scaled = None

    def quit(self, reason: str = "quit") -> None:
        """Ask :meth:`run` to stop after the current frame; ``reason`` is kept in :attr:`quit_reason`."""
        self.running = False
        self.quit_reason = reason

    # -- the loop ----------------------------------------------------------
    def run(self, max_frames: int | None = None, seconds: float | None = None) -> None:
        """Run frames until quit, or for ``max_frames`` frames / ``seconds`` of real time."""
        self.open()
        self.running = True
        self.quit_reason = ""
        clock = self.loop.clock
        start = clock()
        count = 0
        while self.running and (max_frames is None or count < max_frames):
            self.frame()
            count += 1
            if seconds is not None and clock() - start >= seconds:
                break
        self.running = False

    def frame(self) -> None:
        """One frame: input, due ticks, render, present, timing."""
        now = self.loop.clock()
        elapsed = 0.0 if self._last_time is None else now - self._last_time
        self._last_time = now
        self._handle_events()
        if self.between_frames is not None:
            self.between_frames()
        if not self.paused:
            self.loop.advance(elapsed)
        self._draw()
        self._present()
        self.frames += 1
        self._measure(now)
        if self.max_fps:
            self._limiter.tick(self.max_fps)

    def set_paused(self, paused: bool) -> None:
        """Pause or go on (what P does); ``on_pause`` hears of every change."""
        if paused == self.paused:
            return
        self.paused = paused
        if self.on_pause is not None:
            self.on_pause(paused)

    def step_once(self) -> None:
        """Run exactly one tick (what N does while paused)."""
        # The accumulator is below dt, so adding dt makes exactly one step due.
        self.loop.advance(self.loop.dt)

    def _tick(self) -> None:
        if self.before_tick is not None:
            # Between ticks, outside any handler: what it emits is recorded as a root input.
            self.before_tick()
        if self.time_machine is not None:
            self.time_machine.step()  # also snapshots now and then; a new timeline after travelling
        else:
            self.world.step()

    def step_back(self, ticks: int = 1) -> None:
        """While paused: go back ``ticks`` ticks (B; Shift+B for a second)."""
        if self.paused and self.time_machine is not None:
            self.time_machine.back(ticks)

    def step_forward(self) -> None:
        """While paused: one tick forward, along the recorded future if we went back (N)."""
        if not self.paused:
            return
        if self.time_machine is not None and self.time_machine.future:
            self.time_machine.forward(1)
        else:
            self.step_once()

    def _handle_events(self) -> None:
        for pg_event in pygame.event.get():
            if pg_event.type == pygame.QUIT:
                self.quit()
                continue
            if pg_event.type == pygame.KEYDOWN and pg_event.key == pygame.K_F11:
                self.toggle_fullscreen()
                continue
            if self.handle_event is not None and self.handle_event(pg_event):
                continue
            if pg_event.type == pygame.KEYDOWN:
                if self.handle_key is not None and self.handle_key(pg_event.key):
                    continue
                if self._own_key(pg_event.key, getattr(pg_event, "mod", 0)):
                    continue
            for game_event in self.translate(pg_event):
                # Outside any handler, so the record's cause is None: a root input.
                self.world.emit(game_event)

    def _own_key(self, key: int, mod: int = 0) -> bool:
        if key == pygame.K_ESCAPE:
            self.quit()
        elif key == pygame.K_p:
            self.set_paused(not self.paused)
        elif key in (pygame.K_n, pygame.K_RIGHT) and self.paused:
            self.step_forward()
        elif key in (pygame.K_b, pygame.K_LEFT) and self.paused:
            # The event's own modifiers: by the time a queued key is handled, Shift may be up again.
            shift = mod & pygame.KMOD_SHIFT
            self.step_back(self.world.tick_rate if shift else 1)
        else:
            return False
        return True

    def _measure(self, now: float) -> None:
        if not self._warm:
            # The first frames draw every sprite and glyph for the first time, and the
            # frame that runs the first tick also pays for its one-off set-up: a game
            # measuring those would judge its frame rate by a start it never repeats.
            self._warm = self.loop.steps > 0
            return
        if self._window_start is None:
            self._window_start = now
            self._window_frames = 0
            self._window_tick = self.world.tick
            return
        self._window_frames += 1
        span = now - self._window_start
        if span < REPORT_INTERVAL:
            return
        measured = self._window_frames / span
        self.fps = measured if self.fps == 0 else 0.5 * self.fps + 0.5 * measured
        # Not smoothed: a pause (or a step back in time) should show at once.
        self.ticks_per_second = max(0, self.world.tick - self._window_tick) / span
        # While paused the simulation is frozen; frame-time inputs would pile up in one tick.
        if self.report_frame_time is not None and not self.paused:
            self.report_frame_time(1000.0 * span / self._window_frames)
        self._window_start = now
        self._window_frames = 0
        self._window_tick = self.world.tick

    # -- drawing -----------------------------------------------------------
    def _draw(self) -> None:
        logical = self._logical
        if logical is None:
            return
        self.render(logical, self.loop.alpha)
        if self.overlay is not None:
            self.overlay(logical)

    def _present(self) -> None:
        window = pygame.display.get_surface()
        logical = self._logical
        if window is None or logical is None:
            return
        win_w, win_h = window.get_size()
        log_w, log_h = self.logical_size
        scale = min(win_w / log_w, win_h / log_h)
        size = (max(1, round(log_w * scale)), max(1, round(log_h * scale)))
        viewport = pygame.Rect((0, 0), size)
        viewport.center = (win_w // 2, win_h // 2)
        self._viewport = viewport
        if viewport.size != (win_w, win_h):
            window.fill((0, 0, 0))
        if size == self.logical_size:
            window.blit(logical, viewport)
        else:
            window.blit(self._scale(logical, size), viewport)
        pygame.display.flip()

    def _scale(self, logical: pygame.Surface, size: tuple[int, int]) -> pygame.Surface:
        # Reuse one destination surface per window size: no allocation per frame.
        if self._scaled is None or self._scaled.get_size() != size:
            self._scaled = pygame.Surface(size, 0, logical)
        if self.smooth:
            started = time.perf_counter()
            try:
                pygame.transform.smoothscale(logical, size, self._scaled)
            except ValueError:  # smoothscale needs 24/32-bit pixels
                self.smooth = False
            else:
                self._note_smoothscale(time.perf_counter() - started)
                return self._scaled
        pygame.transform.scale(logical, size, self._scaled)
        return self._scaled

    def _note_smoothscale(self, seconds: float) -> None:
        # Filtered scaling is a nicety; on a slow machine or a huge window it can
        # eat most of the frame, and then plain (nearest-pixel) scaling wins.
        self._smooth_cost = seconds if self._smooth_cost is None else 0.9 * self._smooth_cost + 0.1 * seconds
        self._smooth_frames += 1
        if self._smooth_frames >= 30 and self._smooth_cost > SMOOTH_BUDGET:
            self.smooth = False

    def to_logical(self, pos: tuple[float, float]) -> tuple[float, float]:
        """Map a window position (a mouse click) to logical-surface coordinates."""
        viewport = self._viewport
        log_w, log_h = self.logical_size
        return ((pos[0] - viewport.x) * log_w / max(1, viewport.w),
                (pos[1] - viewport.y) * log_h / max(1, viewport.h))

    def screenshot(self, path: str) -> None:
        """Save the last logical frame (drawn now if none yet) as an image file."""
        if self._logical is None:
            self._logical = pygame.Surface(self.logical_size)
            self._draw()
        elif self.frames == 0:
            self._draw()
        pygame.image.save(self._logical, path)
