"""``python -m game``: play in a window, or run the autopilot headless.

Without a display, it says so in one line and runs the headless autopilot,
so the README's first command does something useful on any machine.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:  # the engine is imported when a run starts, so --help stays quick
    from engine.record import Record

USAGE_ERROR = 2
#: The most pedestrians --npcs accepts (as build_game does; kept here so --help stays quick).
MAX_NPCS = 5000


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see 'python -m game --help')", file=sys.stderr)
        raise SystemExit(USAGE_ERROR)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 3600, got {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= MAX_NPCS:
        raise argparse.ArgumentTypeError(f"expected 0 to {MAX_NPCS} pedestrians, got {text!r}")
    return value


def _milliseconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a frame time in milliseconds, got {text!r}") from None
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"expected milliseconds between 0 and 1000, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number seed, got {text!r}") from None


def _writable(suffix: str) -> type:
    def check(text: str) -> Path:
        path = Path(text)
        if path.suffix.lower() != suffix:
            raise argparse.ArgumentTypeError(f"expected a {suffix} file name, got {text!r}")
        if not path.parent.exists():
            raise argparse.ArgumentTypeError(f"folder {str(path.parent)!r} does not exist")
        # Checked now, not after a whole run whose output would then be lost.
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r} is a folder, not a file")
        if not os.access(path if path.exists() else path.parent, os.W_OK):
            raise argparse.ArgumentTypeError(f"cannot write {text!r}: permission denied")
        return path
    return check  # type: ignore[return-value]


def build_parser() -> argparse.ArgumentParser:
    """The game's command-line options."""
    p = _Parser(prog="python -m game", description="Wanted: a top-down chase driven by events and triggers.")
    p.add_argument("--headless", action="store_true", help="no window: run the autopilot as fast as the CPU allows")
    p.add_argument("--autopilot", action="store_true", help="in a window, let the autopilot play")
    p.add_argument("--seconds", type=_positive, default=None,
                   help="game time to simulate headless (default 120), or real time to play in a window")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--npcs", type=_count, default=40, help=f"pedestrians in the city (default 40, at most {MAX_NPCS})")
    p.add_argument("--frame-ms", type=_milliseconds, metavar="MS",
                   help="headless: simulate this frame time for the frame-budget alarm (recorded as input); "
                        "without it a headless run measures no frames and keeps the whole crowd")
    p.add_argument("--events-out", type=_writable(".jsonl"), metavar="FILE.jsonl", help="write the event log")
    p.add_argument("--screenshot", type=_writable(".png"), metavar="FILE.png", help="save the last frame")
    p.add_argument("--no-hot-reload", action="store_true", help="do not watch assets/triggers for edits")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the game; returns the exit status."""
    args = build_parser().parse_args(argv)
    from engine.pg.display import display_available
    from engine.scripting import TriggerFileError

    headless = args.headless
    if not headless and not display_available():
        print("no display available: running the headless autopilot instead (see --help)")
        headless = True
    if args.frame_ms is not None and not headless:
        # A window measures its real frame time; a simulated one would hide it from the alarm.
        print("error: --frame-ms is for --headless runs (a window measures its frames) "
              "(see 'python -m game --help')", file=sys.stderr)
        return USAGE_ERROR
    try:
        return run_headless_cli(args) if headless else run_window_cli(args)
    except TriggerFileError as error:
        # At start there is no last good set to fall back on (hot reload has one).
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("error: the game's trigger files are not valid; fix them and run again "
              "(python -m engine check assets/triggers)", file=sys.stderr)
        return 1


def _save_log(records: Iterable[Record], path: Path) -> int:
    """Write the run's log; a failure is one line and exit status 1."""
    from engine import codec

    try:
        count = codec.save(records, path)
    except OSError as error:
        print(f"error: cannot write {str(path)!r}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {count} records to {path}")
    return 0


def run_headless_cli(args: argparse.Namespace) -> int:
    """The headless run: autopilot, summary, optional log and screenshot."""
    from game.build import TRIGGERS, build_game
    from game.headless import run_headless, summary

    game = build_game(seed=args.seed, npcs=args.npcs, triggers=TRIGGERS)
    report = run_headless(game, args.seconds or 120.0, frame_ms=args.frame_ms)
    print(summary(report))
    status = _save_log(game.world.log, args.events_out) if args.events_out else 0
    if args.screenshot:
        from game.pg.play import ScreenshotError, render_frame

        try:
            render_frame(game.world, str(args.screenshot))
        except ScreenshotError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"saved a screenshot to {args.screenshot}")
    return status


def run_window_cli(args: argparse.Namespace) -> int:
    """Play in a window (the autopilot plays if asked); hot reload watches assets/triggers."""
    from engine.scripting import HotReloader
    from game.autopilot import Autopilot
    from game.build import ROOT, TRIGGERS, build_game
    from game.events import FrameTimeMeasured
    from game.pg.audio import PygameAudio
    from game.pg.play import ScreenshotError, run_window

    audio = PygameAudio()
    game = build_game(seed=args.seed, npcs=args.npcs, audio=audio, triggers=TRIGGERS)
    world = game.world
    reloader = None if args.no_hot_reload else HotReloader(game.runtime, [TRIGGERS], relative_to=ROOT)
    pilot = Autopilot(game) if args.autopilot else None

    def autopilot_inputs() -> None:
        for event in pilot.inputs():  # type: ignore[union-attr]
            world.emit(event)

    def between_frames() -> None:
        if reloader is not None and reloader.poll():
            world.resources["reload_errors"] = list(reloader.errors)

    status = 0
    try:
        run_window(world, seconds=args.seconds, screenshot=str(args.screenshot) if args.screenshot else None,
                   between_frames=between_frames,
                   report_frame_time=lambda ms: world.emit(FrameTimeMeasured(round(ms, 2))),
                   translate=(lambda event: []) if pilot else None,
                   before_tick=autopilot_inputs if pilot else None)
    except ScreenshotError as error:
        print(f"error: {error}", file=sys.stderr)  # the log is still worth saving
        status = 1
    finally:
        audio.close()
    if args.events_out:
        status = _save_log(world.log, args.events_out) or status
    return status
