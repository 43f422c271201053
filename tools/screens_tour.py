"""Take screenshots of the game's full screens from a real window (run it under a display or Xvfb).

    xvfb-run -s "-screen 0 1600x900x24" python tools/screens_tour.py /tmp/shots

It plays the window as a player would, with synthetic key presses posted to
pygame's queue between frames: the title, a few seconds of play, the pause
menu (and its controls page), the window resized (letterboxed), then a short
run (``run_minutes`` cut to a few seconds) that ends in the game-over screen.  Each screenshot is the window's
own surface as it was last presented.  The high scores and the sound
settings go to a throwaway folder, never the player's own.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pygame

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from game.build import build_game  # noqa: E402
from game.highscores import Entry, HighScores  # noqa: E402
from game.pg.audio import PygameAudio  # noqa: E402
from game.pg.play import run_window, window_session  # noqa: E402
from game.tuning import load_tuning  # noqa: E402

#: Seconds the shortened run lasts before the game-over screen.
SHORT_RUN_SECONDS = 6.0


def press(key: int) -> None:
    """Post a key press and its release, as the keyboard would."""
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))


def tour(out: Path) -> list[Path]:
    """Play the tour; the screenshots it saved."""
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    steps: dict[int, Callable[[], None]] = {}

    def shoot(name: str) -> Callable[[], None]:
        def save() -> None:
            path = out / f"screens_{name}"
            pygame.image.save(pygame.display.get_surface(), str(path))
            saved.append(path)
        return save

    def script(world_frames: dict[int, Callable[[], None]]) -> Callable[[], None]:
        frame = [0]

        def between_frames() -> None:
            frame[0] += 1
            step = world_frames.get(frame[0])
            if step is not None:
                step()
        return between_frames

    scores = HighScores(Path(tempfile.mkdtemp(prefix="wanted-tour-")) / "highscores.json")
    for score, seed, reason in ((4200, 3, "time up"), (2600, 1, "wasted too often"), (900, 0, "time up")):
        scores.add(Entry(score, seed, reason))
    with window_session():
        game = build_game(seed=0)
        steps = {10: shoot("title.png"), 12: lambda: press(pygame.K_SPACE),
                 200: lambda: press(pygame.K_p), 210: shoot("pause_menu.png"),
                 212: lambda: press(pygame.K_DOWN), 213: lambda: press(pygame.K_DOWN),
                 214: lambda: press(pygame.K_DOWN), 215: lambda: press(pygame.K_LEFT),
                 216: lambda: press(pygame.K_LEFT), 220: shoot("pause_menu_volume.png"),
                 221: lambda: press(pygame.K_RIGHT), 222: lambda: press(pygame.K_RIGHT),
                 223: lambda: press(pygame.K_UP), 224: lambda: press(pygame.K_RETURN), 230: shoot("controls.png"),
                 232: lambda: press(pygame.K_SPACE), 234: lambda: press(pygame.K_ESCAPE),
                 240: lambda: press(pygame.K_ESCAPE),
                 260: lambda: pygame.display.set_mode((1000, 800), pygame.RESIZABLE),   # as a resize leaves it
                 280: shoot("resized.png")}
        audio = PygameAudio()   # the volume item turns it (SDL's dummy audio driver unless one is set)
        run_window(game.world, seconds=15, between_frames=script(steps), title_screen=True, high_scores=scores,
                   mixer=audio)
        pygame.display.set_mode((1280, 720), pygame.RESIZABLE)   # the same window, back to its first size
        tuning = dataclasses.replace(load_tuning(), run_minutes=SHORT_RUN_SECONDS / 60)
        game = build_game(seed=0, tuning=tuning)
        game.state.score = 3100  # as if cash had been collected: the table shows where it lands
        ending = {}

        def over_then_quit() -> None:
            if game.state.run_over and "shot" not in ending:
                ending["shot"] = True
                steps_over[frame_of[0] + 10] = shoot("game_over.png")
                steps_over[frame_of[0] + 12] = lambda: press(pygame.K_ESCAPE)

        frame_of = [0]
        steps_over: dict[int, Callable[[], None]] = {}

        def between() -> None:
            frame_of[0] += 1
            over_then_quit()
            step = steps_over.get(frame_of[0])
            if step is not None:
                step()
        run_window(game.world, seconds=SHORT_RUN_SECONDS + 10, between_frames=between, high_scores=scores,
                   mixer=audio)
        audio.close()
    return saved


def main() -> int:
    """Save the screenshots to the folder given (default /tmp/shots)."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    # The menu's volume is saved where the game keeps its data: a throwaway folder, not the player's.
    os.environ["WANTED_DATA_DIR"] = tempfile.mkdtemp(prefix="wanted-tour-data-")
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")
    for path in tour(out):
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
