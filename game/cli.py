"""``python -m game``: play in a window, or run the autopilot headless.

Without a display, it says so in one line and runs the headless autopilot,
so the README's first command does something useful on any machine.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:  # the engine is imported when a run starts, so --help stays quick
    from engine.failures import FailureTally
    from engine.sink import LogTap
    from engine.streams.publisher import PublishReport
    from engine.world import World
    from game.output import EventsOut

USAGE_ERROR = 2
#: The exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130
#: The most pedestrians --npcs accepts (as build_game does; kept here so --help stays quick).
MAX_NPCS = 5000


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see 'python -m game --help')", file=sys.stderr)
        raise SystemExit(USAGE_ERROR)


def _ranged(parse: Callable[[str], float], inside: Callable[[float], bool], what: str,
            allowed: str) -> Callable[[str], float]:
    """An argparse type: ``parse(text)``, refused unless ``inside(value)``; one line naming what was expected."""
    def check(text: str) -> float:
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not inside(value):
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {text!r}")
        return value
    return check


_positive = _ranged(float, lambda value: 0 < value <= 3600, "a number of seconds", "seconds between 0 and 3600")
_count = _ranged(int, lambda value: 0 <= value <= MAX_NPCS, "a whole number", f"0 to {MAX_NPCS} pedestrians")
_milliseconds = _ranged(float, lambda value: 0 < value <= 1000, "a frame time in milliseconds",
                        "milliseconds between 0 and 1000")


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number seed, got {text!r}") from None


def _writable(suffix: str) -> type:
    def check(text: str) -> Path:
        # Checked now, not after a whole run whose output would then be lost.
        from game.output import OutputPathError, check_output_path

        try:
            return check_output_path(text, suffix)
        except OutputPathError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return check  # type: ignore[return-value]


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        what = "no such folder" if not path.exists() else "not a folder"
        raise argparse.ArgumentTypeError(f"{text}: {what}; expected a folder of trigger files (.toml) "
                                         "and Python extensions (.py)")
    from engine.scripting.extensions import extension_files
    from engine.scripting.loader import trigger_files

    # As `python -m engine check` does: a folder with nothing to load would play a game without rules.
    if not trigger_files([path]) and not extension_files([path]):
        raise argparse.ArgumentTypeError(f"{text}: no .toml trigger files or .py extensions in this folder")
    return path


def trigger_folders(args: argparse.Namespace) -> list[Path]:
    """The folders of trigger files and extensions to load: ``--triggers``, or assets/triggers."""
    from game.build import TRIGGERS

    return args.triggers or [TRIGGERS]


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
    p.add_argument("--triggers", type=_folder, action="append", metavar="DIR",
                   help="load trigger files and Python extensions from DIR instead of assets/triggers "
                        "(may be given more than once)")
    p.add_argument("--no-hot-reload", action="store_true", help="do not watch the trigger folders for edits")
    p.add_argument("--publish", type=_stream_url, metavar="redis://HOST:PORT[/DB][?stream=NAME]",
                   help="publish every record live to a Redis stream (default name wanted:seedN:RUN_ID)")
    p.add_argument("--run-id", type=_run_id, metavar="ID", help="names this run's stream (default: a random id)")
    p.add_argument("--spectate", type=_stream_url, metavar="redis://HOST:PORT[/DB]?stream=NAME",
                   help="rebuild a published run live from its stream and check every record")
    return p


def _stream_url(text: str) -> object:
    from engine.streams.cli import stream_url

    return stream_url(text)


def _run_id(text: str) -> str:
    if not text.replace("-", "").replace("_", "").isalnum() or len(text) > 64:
        raise argparse.ArgumentTypeError(f"expected letters, digits, - and _ (at most 64), got {text!r}")
    return text


def start_publishing(args: argparse.Namespace, world: World, number: int = 1) -> Publishing | None:
    """The ``--publish`` sink and the tap that feeds it between ticks, or None without ``--publish``.

    The stream is named on the command line, or ``wanted:seedN:RUN_ID``: the
    run id is ``--run-id`` or drawn here, before the first tick (never read
    from the clock inside one).  A window's restarted runs (``number`` 2, 3...)
    go to streams of their own, the name followed by ``-2``, ``-3``..."""
    if args.publish is None:
        return None
    import uuid

    from engine.sink import LogTap
    from engine.streams.redis_sink import redis_sink

    address = args.publish
    if address.stream is None:
        address = address.with_stream(f"wanted:seed{args.seed}:{args.run_id or uuid.uuid4().hex[:8]}")
    if number > 1:
        address = address.with_stream(f"{address.stream}-{number}")
    sink = redis_sink(address)
    print(f"publishing to {address}")
    return Publishing(LogTap(world.log, [sink]), sink.report)


class Publishing:
    """A running ``--publish``: :meth:`drain` between ticks or frames, :meth:`finish` at the end."""

    def __init__(self, tap: LogTap, report: PublishReport) -> None:
        self.tap = tap
        self.report = report
        self.drain = tap.drain

    def finish(self) -> int:
        """Deliver what is left, print what was (and was not) delivered; 1 if records were lost."""
        self.tap.close()
        print(("error: " if self.report.undelivered else "") + self.report.describe(),
              file=sys.stderr if self.report.undelivered else sys.stdout)
        return 1 if self.report.undelivered else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the game; returns the exit status."""
    from engine.cli import finish_output

    return finish_output(_run(argv))


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from engine.pg.display import display_available
    from engine.scripting import TriggerFileError
    from game.tuning import TuningError

    headless = args.headless
    if not headless and not display_available():
        instead = "spectating headless" if args.spectate is not None else "running the headless autopilot"
        print(f"no display available: {instead} instead (see --help)")
        headless = True
    if args.frame_ms is not None and not headless:
        # A window measures its real frame time; a simulated one would hide it from the alarm.
        print("error: --frame-ms is for --headless runs (a window measures its frames) "
              "(see 'python -m game --help')", file=sys.stderr)
        return USAGE_ERROR
    try:
        if args.spectate is not None:
            from game.spectate import run_spectate_cli

            return run_spectate_cli(args, headless)
        return run_headless_cli(args) if headless else run_window_cli(args)
    except TuningError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except TriggerFileError as error:
        # At start there is no last good set to fall back on (hot reload has one).
        for problem in error.problems:
            print(problem, file=sys.stderr)
        folders = " ".join(str(f) for f in trigger_folders(args))
        print("error: the game's trigger files or extensions are not valid; fix them and run again "
              f"(python -m engine check {folders})", file=sys.stderr)
        return 1


def _open_events_out(world: World, path: Path | None) -> EventsOut | None:
    """The ``--events-out`` file, created before the run (None without the option)."""
    from game.output import EventsOut

    return EventsOut(world.log, path) if path is not None else None


def _close_events_out(out: EventsOut | None) -> int:
    """Write the rest of the log and close the file; the exit status of that."""
    return out.close() if out is not None else 0


def _interrupted(world: World, out: EventsOut | None, status: int) -> int:
    """Say where Ctrl-C stopped the run (and what the log file holds): exit 130."""
    saved = f"; {out.report()}" if out is not None and status == 0 else ""
    print(f"interrupted at tick {world.tick}{saved}", file=sys.stderr)
    return INTERRUPTED


def _report_failures(tally: FailureTally) -> None:
    """Each run-time failure of the triggers once, with how often it happened (stderr)."""
    lines = tally.summary()
    if lines:
        print(f"run-time failures ({len(lines)}; every one is a HandlerFailed record in the log):", file=sys.stderr)
        for line in lines:
            print(f"  {line}", file=sys.stderr)


def run_headless_cli(args: argparse.Namespace) -> int:
    """The headless run: autopilot, summary, the log written as it goes, optional screenshot.

    Ctrl-C stops the run between two ticks, with the log written: exit 130."""
    from engine.ending import end_run
    from engine.failures import FailureTally, failures_once
    from engine.interrupt import DeferredInterrupt
    from game.build import build_game
    from game.headless import run_headless, summary
    from game.output import flush_ticks

    game = build_game(seed=args.seed, npcs=args.npcs, triggers=trigger_folders(args))
    tally = FailureTally(game.world.log)
    out = _open_events_out(game.world, args.events_out)
    drain = out.every(flush_ticks(game.world.tick_rate)) if out else None
    publishing = start_publishing(args, game.world)
    interrupted = False
    published = 0
    try:
        with DeferredInterrupt() as interrupt, failures_once():
            def between_ticks() -> None:
                if drain is not None:
                    drain()
                if publishing is not None:
                    publishing.drain()
                interrupt.check()
            report = run_headless(game, args.seconds or 120.0, frame_ms=args.frame_ms,
                                      between_ticks=between_ticks)
            # The log's last record: the run ended here (replay tells a cut-off file from it).
            # A crash, a kill or a second Ctrl-C (inside a tick) leaves none: the run was cut off.
            end_run(game.world)
    except KeyboardInterrupt:
        interrupted = True
        if interrupt.stopped_between_ticks:
            end_run(game.world)   # stopped between two ticks: the log is whole and ends here
    finally:
        # Whatever ends the run (a crash, Ctrl-C, a closed stdout), the log is written.
        status = _close_events_out(out)
        published = publishing.finish() if publishing else 0
    if interrupted:
        return _interrupted(game.world, out, status)
    print(summary(report))
    _report_failures(tally)
    if out is not None and status == 0:
        print(out.report())
    status = status or published
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
    """Play in a window (the autopilot plays if asked); hot reload watches the trigger folders.

    The title screen comes first (briefly for the autopilot; not at all with
    ``--screenshot``, which wants the game, or for an autopilot run of set
    ``--seconds``; a restart goes straight into play).  Restart (from the
    pause menu or game over) plays a new run in the same window: a new world
    with its own log, written to its own file (``run.jsonl``, then
    ``run-2.jsonl``...) and recording ``session_run`` in its options; the run
    before it ended with its own ``SimulationEnded``.  ``--seconds`` is for
    the whole session.
    The log file is written once a frame; Ctrl-C closes the window with it written: exit 130."""
    import time

    from game.highscores import HighScores
    from game.pg.audio import PygameAudio
    from game.pg.play import window_session

    audio = PygameAudio()
    high_scores = HighScores().load()
    started = time.monotonic()  # outside any tick: it only bounds the session's real time
    status, number = 0, 1
    try:
        with window_session():
            while True:
                left = None if args.seconds is None else args.seconds - (time.monotonic() - started)
                status, again = _window_run(args, audio, high_scores, number, left)
                if not again or status != 0:
                    break
                number += 1
    finally:
        audio.close()
    return status


def _shows_title(args: argparse.Namespace) -> bool:
    """The title screen waits for a player; a screenshot, and an autopilot run for a set time, skip it."""
    return not args.screenshot and not (args.autopilot and args.seconds is not None)


def numbered(path: Path | None, number: int) -> Path | None:
    """The log file of a session's ``number``-th run: ``run.jsonl``, ``run-2.jsonl``, ``run-3.jsonl``..."""
    if path is None or number == 1:
        return path
    return path.with_name(f"{path.stem}-{number}{path.suffix}")


def _window_run(args: argparse.Namespace, audio: object, high_scores: object, number: int,
                seconds: float | None) -> tuple[int, bool]:
    """One run in the window: its exit status, and whether the player asked for another."""
    from engine.ending import end_run
    from engine.failures import FailureTally, failures_once
    from engine.interrupt import DeferredInterrupt
    from engine.scripting import HotReloader
    from game.autopilot import Autopilot
    from game.build import ROOT, build_game
    from game.events import FrameTimeMeasured
    from game.output import OutputPathError, check_output_path
    from game.pg.play import ScreenshotError, run_window

    folders = trigger_folders(args)
    # A restart is a run of its own; its log says which of the session's runs it is (the first says nothing).
    options = {"session_run": number} if number > 1 else None
    game = build_game(seed=args.seed, npcs=args.npcs, triggers=folders, options=options)
    world = game.world
    reloader = None if args.no_hot_reload else HotReloader(game.runtime, folders, relative_to=ROOT,
                                                              extensions=game.extensions)
    pilot = Autopilot(game) if args.autopilot else None
    publishing = start_publishing(args, world, number)

    def autopilot_inputs() -> None:
        for event in pilot.inputs():  # type: ignore[union-attr]
            world.emit(event)

    events_out = numbered(args.events_out, number)
    if events_out is not None and number > 1:
        try:
            check_output_path(str(events_out), ".jsonl")
        except OutputPathError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1, False
    out = _open_events_out(world, events_out)
    interrupt = DeferredInterrupt()
    tally = FailureTally(world.log)

    def between_frames() -> None:
        if reloader is not None and reloader.poll():
            world.resources["reload_errors"] = list(reloader.errors)
        if out is not None:
            out.drain()  # once a frame: what the last frame's ticks recorded
        tally.poll()
        if publishing is not None:
            publishing.drain()
        interrupt.check()

    status = 0
    again = False
    try:
        with interrupt, failures_once():
            app = run_window(world, seconds=seconds, screenshot=str(args.screenshot) if args.screenshot else None,
                             between_frames=between_frames,
                             report_frame_time=lambda ms: world.emit(FrameTimeMeasured(round(ms, 2))),
                             translate=(lambda event: []) if pilot else None,
                             before_tick=autopilot_inputs if pilot else None, mixer=audio,
                             title_screen=_shows_title(args) and number == 1, autopilot=pilot is not None,
                             high_scores=high_scores)
            again = app.quit_reason == "restart"
        end_run(world)   # the log's last record: the run ended here
    except ScreenshotError as error:
        end_run(world)   # the run ended; only its last frame could not be saved
        print(f"error: {error}", file=sys.stderr)  # the log is still worth saving
        status = 1
    except KeyboardInterrupt:
        if interrupt.stopped_between_ticks:
            end_run(world)   # stopped between two frames: the log is whole and ends here
        return _interrupted(world, out, _close_events_out(out)), False
    finally:
        if out is not None:
            status = out.close() or status
        if publishing is not None:
            status = publishing.finish() or status
    for line in world.bus.cuts.summary():  # a runaway trigger, reported once per loop
        print(line)
    _report_failures(tally)
    if out is not None and out.error is None:
        print(out.report())
    return status, again
