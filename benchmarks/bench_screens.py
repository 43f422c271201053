"""Benchmark: what drawing the full screens costs on top of a game frame (1280x720).

    python benchmarks/bench_screens.py            # headless (SDL's dummy driver)
    xvfb-run -s "-screen 0 1600x900x24" python benchmarks/bench_screens.py --window

Draws the seeded game's frame (world, HUD) ``--frames`` times, then the same
frame with each screen over it (title, pause menu, game over with a full
high-score table), interleaved round by round so a slow moment of the
machine hits every variant alike, and prints the median milliseconds of
each, and of the screen's own drawing.  The screens are drawn only while the game is paused (no ticks run),
so what they cost is frame rate on a still picture, never simulation time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(frames: int, window: bool) -> dict[str, float]:
    if not window:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from game.build import build_game
    from game.highscores import Entry, HighScores
    from game.pg.render import Renderer
    from game.pg.screens import OVER, PAUSED, PLAYING, TITLE, Screens
    from game.score import end_run

    pygame.display.init()
    pygame.display.set_mode((1280, 720))
    surface = pygame.Surface((1280, 720)).convert()
    game = build_game(seed=0)
    game.world.run(120)
    renderer = Renderer(game.world)
    scores = HighScores(Path(tempfile.mkdtemp()) / "highscores.json")
    for i in range(10):
        scores.add(Entry(1000 * (i + 1), i, "time up"))

    class App:   # the screens' view of a window; nothing ticks here
        world, paused = game.world, False

        def set_paused(self, paused: bool) -> None:
            self.paused = paused

        def quit(self, reason: str = "quit") -> None: ...

    screens = Screens(title=True, high_scores=scores)
    screens.attach(App())
    end_run(game.world, "time up")
    screens.game_over()
    over = screens.over
    times: dict[str, list[float]] = {"game": [], TITLE: [], PAUSED: [], OVER: []}
    alone: dict[str, list[float]] = {TITLE: [], PAUSED: [], OVER: []}
    for _ in range(frames):
        for state in times:
            screens.state = PLAYING if state == "game" else state
            screens.over = over
            start = time.perf_counter()
            renderer.draw(surface, 1.0)
            drawn = time.perf_counter()
            screens.draw(surface)
            end = time.perf_counter()
            times[state].append(1000 * (end - start))
            if state in alone:
                alone[state].append(1000 * (end - drawn))
    pygame.display.quit()
    return {**{state: round(statistics.median(values), 3) for state, values in times.items()},
            **{f"{state}_alone": round(statistics.median(values), 3) for state, values in alone.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--frames", type=int, default=200, help="frames of each variant (default 200)")
    parser.add_argument("--window", action="store_true", help="use the real display (run under Xvfb)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = measure(args.frames, args.window)
    if args.json:
        print(json.dumps(result))
    else:
        for state in ("game", "title", "paused", "over"):
            ms = result[state]
            alone = "" if state == "game" else f" (the screen alone {result[state + '_alone']:.3f})"
            print(f"{state:>8}: {ms:.3f} ms median a frame{alone}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
