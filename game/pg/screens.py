"""Which full screen stands in front of the game: the title, the pause menu, game over, or none.

The screens never tick the world: they pause and unpause the window's app
(no ticks run while it is paused), and what they do is outside the
simulation, so nothing of them is in the log except what the player then
does.  Gamepad events that arrive while a screen is up are noted by the
input mapper without telling the game; when play goes on, the game is told
what the pads hold now (a stick leaned on in the menu is not a move).

Restart and quit end the window's run (``app.quit("restart")``): a restart
is a new run with a new world and log, started by whoever runs the window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import pygame

from engine import World
from game.highscores import Entry, HighScores
from game.pg.game_over import GameOver
from game.pg.gamepad import PAUSE_BUTTONS
from game.pg.input import PAD_EVENTS, InputMapper
from game.pg.menu import Action, MenuInput, is_press
from game.pg.panels import Painter
from game.pg.pause_menu import PASS, PauseMenu
from game.pg.sprites import Sprites
from game.pg.title import draw_title, rules_line
from game.state import game_state

TITLE, PLAYING, PAUSED, OVER = "title", "playing", "paused", "over"
#: The game-over screen takes no input for this long: a key still held from the last
#: fall (Space, firing) must not choose "Play again" before the player has seen the score.
OVER_GUARD_SECONDS = 1.0
#: Real seconds the autopilot shows the title, and the game-over screen before its next run.
AUTOPILOT_TITLE_SECONDS = 3.0
AUTOPILOT_OVER_SECONDS = 10.0
#: The "press any key" line blinks with this period (real seconds).
BLINK_SECONDS = 1.0


class App(Protocol):
    """What the screens need of the window (:class:`~engine.pg.PygameApp`)."""

    world: World
    paused: bool

    def set_paused(self, paused: bool) -> None: ...
    def quit(self, reason: str = "quit") -> None: ...


class Screens:
    """The screens of one run in a window.

    ``title`` shows the title first (the app is paused until a press);
    ``autopilot`` shows it only briefly, and starts the next run by itself
    some seconds after game over (its runs are not put in the high scores).
    ``inspecting`` says whether the F1 inspector is open (it then has the
    keys, and the pause menu hides behind it); ``mixer`` is what the volume
    item turns.  ``clock`` (real seconds) only times the autopilot's screens
    and the blinking line.  ``mapper`` is the input mapper whose gamepad state
    the screens keep while they have the pads (None: the pads drive nothing).
    """

    def __init__(self, mapper: InputMapper | None = None, *, sprites: Sprites | None = None, mixer: object = None,
                 title: bool = False, autopilot: bool = False, inspecting: Callable[[], bool] = lambda: False,
                 high_scores: HighScores | None = None, to_logical: Callable[[tuple[float, float]],
                                                                            tuple[float, float]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.mapper = mapper
        self.sprites = sprites or Sprites()
        self.mixer = mixer
        self.autopilot = autopilot
        self.inspecting = inspecting
        self.high_scores = high_scores
        self.clock = clock
        self.painter = Painter()
        self.input = MenuInput(to_logical)
        self.pause_menu = PauseMenu()
        self.over: GameOver | None = None
        #: TITLE, PLAYING, PAUSED or OVER.
        self.state = TITLE if title else PLAYING
        self.app: App | None = None
        self._since = clock()

    def attach(self, app: App) -> None:
        """Work with ``app`` (made after the screens: it needs their event handler); pauses it for the title."""
        self.app = app
        if self.state == TITLE:
            app.set_paused(True)

    # -- moving between screens ---------------------------------------------------------
    def start(self) -> None:
        """Leave the title: the first tick runs in the next frame."""
        self._play()

    def pause(self) -> None:
        """Open the pause menu (no ticks run; N / B still step)."""
        self.state = PAUSED
        self.pause_menu.reset()
        if self.app is not None:
            self.app.set_paused(True)

    def resume(self) -> None:
        """Close the pause menu and play on."""
        self._play()

    def game_over(self) -> None:
        """The run ended: freeze it, put its score in the table, show the screen."""
        world = self._world()
        state = game_state(world)
        ranked = not self.autopilot and self.high_scores is not None
        place = None
        entries = []
        if self.high_scores is not None:
            if ranked:
                place = self.high_scores.add(Entry(state.score, world.seed, state.run_over))
            entries = list(self.high_scores.entries)
        self.over = GameOver(state.run_over, state.score, entries, place, ranked=ranked)
        self.state = OVER
        self._since = self.clock()
        if self.app is not None:
            self.app.set_paused(True)

    def restart(self) -> None:
        """End this run's window loop asking for a new run."""
        if self.app is not None:
            self.app.quit("restart")

    def quit(self) -> None:
        """Close the game."""
        if self.app is not None:
            self.app.quit()

    def _play(self) -> None:
        self.state = PLAYING
        if self.app is None:
            return
        self.app.set_paused(False)
        if self.mapper is not None:
            for event in self.mapper.resync():  # what the pads hold now, as a root input
                self.app.world.emit(event)

    def _world(self) -> World:
        if self.app is None:
            raise RuntimeError("Screens.attach(app) first")
        return self.app.world

    # -- each frame ------------------------------------------------------------------------
    def update(self) -> None:
        """Once a frame, before drawing: notice the end of the run; time the autopilot's screens."""
        if self.app is None:
            return
        waited = self.clock() - self._since
        if self.state == TITLE and self.autopilot and waited >= AUTOPILOT_TITLE_SECONDS:
            self.start()
        elif self.state in (PLAYING, PAUSED) and game_state(self.app.world).run_over:
            self.game_over()
        elif self.state == OVER and self.autopilot and self.over is not None:
            left = AUTOPILOT_OVER_SECONDS - waited
            self.over.note = f"The autopilot plays again in {max(0, round(left))} s"
            if left <= 0:
                self.restart()

    @property
    def covering(self) -> bool:
        """True while a screen is drawn over the game (the HUD's own paused banner then stays off)."""
        return self.state != PLAYING and not (self.state == PAUSED and self.inspecting())

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the screen that is up (if any) over the game's frame."""
        if self.state == TITLE:
            rules = "" if self.app is None else rules_line(game_state(self.app.world).tuning.run_minutes,
                                                           game_state(self.app.world).tuning.lives)
            blink = (self.clock() - self._since) % BLINK_SECONDS < 0.7 * BLINK_SECONDS
            draw_title(surface, self.painter, self.sprites, rules, blink=blink, autopilot=self.autopilot)
        elif self.state == PAUSED and not self.inspecting():
            self.pause_menu.draw(surface, self.painter, self.mixer)
        elif self.state == OVER and self.over is not None:
            self.over.draw(surface, self.painter)

    # -- input ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        """React to a pygame event; True if a screen used it (the game then never sees it)."""
        if self.state == PLAYING:
            return self._playing(event)
        if event.type in PAD_EVENTS and self.mapper is not None:
            self.mapper.observe(event)  # the pads' state stays known; the game hears of it on resume
        if self.state == TITLE:
            if is_press(event):
                self.start()
                return True
            return event.type in PAD_EVENTS or event.type == pygame.MOUSEBUTTONUP
        action = self.input.action(event)
        if self.state == PAUSED:
            return self._paused(event, action)
        return self._over(event, action)

    def _playing(self, event: pygame.event.Event) -> bool:
        if _pause_press(event):
            self.pause()
            return True
        return False

    def _paused(self, event: pygame.event.Event, action: Action | None) -> bool:
        menu = self.pause_menu
        if self.inspecting():
            # The inspector has the keys; only P / Esc / Start still resume.
            if _pause_press(event):
                self.resume()
                return True
            return event.type in PAD_EVENTS
        if menu.showing_controls:
            if is_press(event):
                menu.showing_controls = False
                return True
            return event.type in PAD_EVENTS
        if action is None:
            return event.type in PAD_EVENTS
        outcome = menu.act(action, self.mixer)
        if outcome == PASS:
            return event.type in PAD_EVENTS   # ← / → off the volume item: the paused game's time keys
        self._do(outcome)
        return True

    def _over(self, event: pygame.event.Event, action: Action | None) -> bool:
        if self.over is None or action is None:
            return event.type in PAD_EVENTS or event.type == pygame.KEYDOWN  # no stepping out of game over
        if self.clock() - self._since < OVER_GUARD_SECONDS:
            return True   # too soon: swallowed
        self._do(self.over.act(action))
        return True

    def _do(self, outcome: str) -> None:
        """Carry out what a menu chose ("" : nothing more to do)."""
        if outcome == "resume":
            self.resume()
        elif outcome in ("restart", "again"):
            self.restart()
        elif outcome == "quit":
            self.quit()


def _pause_press(event: pygame.event.Event) -> bool:
    """P, Esc or a pad's Start: what opens (and closes) the pause menu."""
    if event.type == pygame.KEYDOWN:
        return event.key in (pygame.K_p, pygame.K_ESCAPE)
    return event.type == pygame.JOYBUTTONDOWN and event.button in PAUSE_BUTTONS
