"""Benchmark: what the minimap adds to a frame, at 1,000 pedestrians during a chase.

Headless (SDL's dummy video driver), so the figure is the drawing alone,
without the window's present or the other helpers' load on a shared machine
blurring it::

    python benchmarks/bench_minimap.py              # prints a summary
    python benchmarks/bench_minimap.py --json       # one JSON object

It plays the game with the autopilot until the police are after the player
(or ``--ticks`` run out), then draws the same frame (the whole renderer:
tiles, radar, bodies, HUD) over and over, alternating frames with the
minimap and without it, and reports the median of each and of the
minimap's own ``draw`` call.  ``benchmarks/bench_window.py`` under Xvfb
measures whole frames; this isolates the part the minimap costs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from game.autopilot import Autopilot  # noqa: E402
from game.build import build_game  # noqa: E402
from game.pg.render import Renderer  # noqa: E402


def measure(npcs: int, frames: int, ticks: int, seed: int) -> dict[str, object]:
    game = build_game(seed=seed, npcs=npcs)
    world, pilot = game.world, Autopilot(game)
    while world.tick < ticks and game.state.wanted < 1:
        for event in pilot.inputs():
            world.emit(event)
        world.step()
    surface = pygame.Surface((1280, 720))
    renderer = Renderer(world)
    hud = renderer.hud
    assert hud is not None
    minimap = hud.minimap
    real = minimap.draw
    with_map, without_map, alone = [], [], []
    for frame in range(2 * frames):
        on = frame % 2 == 0
        minimap.draw = real if on else (lambda surface: surface.get_rect())  # type: ignore[method-assign]
        start = time.perf_counter()
        renderer.draw(surface, 1.0)
        (with_map if on else without_map).append(1000 * (time.perf_counter() - start))
        if on:
            start = time.perf_counter()
            real(surface)
            alone.append(1000 * (time.perf_counter() - start))
    world.activate()
    return {"npcs": npcs, "tick": world.tick, "wanted": game.state.wanted, "frames": frames,
            "frame_with_minimap_ms": round(statistics.median(with_map), 3),
            "frame_without_minimap_ms": round(statistics.median(without_map), 3),
            "minimap_draw_ms": round(statistics.median(alone), 3),
            "minimap_draw_p90_ms": round(sorted(alone)[int(0.9 * (len(alone) - 1))], 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--npcs", type=int, default=1000, help="pedestrians (default 1000)")
    parser.add_argument("--frames", type=int, default=400, help="frames drawn each way (default 400)")
    parser.add_argument("--ticks", type=int, default=3000, help="most ticks to wait for a chase (default 3000)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    args = parser.parse_args(argv)
    result = measure(args.npcs, args.frames, args.ticks, args.seed)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>26}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
