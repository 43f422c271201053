"""Headless runs: the simulation as fast as the CPU allows, driven by the autopilot."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import esper

from engine.record import Record
from engine.scripting.values import brief
from game.autopilot import Autopilot
from game.build import Game
from game.components import Health
from game.events import FrameTimeMeasured
from game.showcase import Shown, showcase, showcase_lines

#: A simulated frame time (``frame_ms``) is reported every this many ticks (twice a second).
FRAME_REPORT_TICKS = 30

#: The scenario's steps, in the order the autopilot plays them.
MILESTONES = ("shot", "healed in a car", "wanted", "chase", "lost him", "people back")


def milestones(records: Iterable[Record]) -> dict[str, bool]:
    """Which steps of the scenario a log shows; "people back" only counts
    pedestrians spawned after a chase ended (the city's first ones do not)."""
    seen = dict.fromkeys(MILESTONES, False)
    chase_over = False
    for record in records:
        kind, data = record.type, record.data
        if kind == "Shot":
            seen["shot"] = True
        elif kind == "HealthChanged" and data["after"] > data["before"]:
            seen["healed in a car"] = True
        elif kind == "WantedLevelChanged" and data["after"] > data["before"]:
            seen["wanted"] = True
        elif kind == "AlarmEntered" and data["alarm"] == "police-chase":
            seen["chase"] = True
        elif kind == "SoundStarted" and data["sound"] == "radio_we_lost_him":
            seen["lost him"] = True
        elif kind == "AlarmExited" and data["alarm"] == "police-chase":
            chase_over = True
        elif kind == "NPCSpawned" and chase_over:
            seen["people back"] = True
    return seen


@dataclass
class RunReport:
    """What a headless run did."""

    ticks: int
    counts: Counter[str]
    health: int
    max_health: int
    wanted: int
    phase: str
    #: Each step of the scenario: reached or not.
    milestones: dict[str, bool] = field(default_factory=dict)
    #: One line per loop of reactions the bus cut, with the ticks it was cut in.
    cascades: list[str] = field(default_factory=list)
    score: int = 0
    #: How the score got there: per reason, how many changes and their net amount
    #: ("cash collected": (5, 500), "busted": (2, -500)), first seen first.
    score_reasons: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Why the run ended ("time up", ...), or "" if it was still going.
    run_over: str = ""
    #: What the run showed of the game (game.showcase), each with the tick it first happened.
    showcase: list[Shown] = field(default_factory=list)


def run_headless(game: Game, seconds: float, autopilot: Autopilot | None = None,
                 frame_ms: float | None = None, between_ticks: Callable[[], None] | None = None) -> RunReport:
    """Step ``game`` for ``seconds`` of game time with the autopilot at the controls.

    A headless run draws no frames, so it measures no frame time and the
    frame-budget alarm never thins the crowd.  ``frame_ms`` simulates a fixed
    frame time instead (for lessons and tests of that alarm): it is reported
    as a :class:`FrameTimeMeasured` input every :data:`FRAME_REPORT_TICKS`
    ticks, recorded like any input, so replay stays exact.
    ``between_ticks`` runs after every tick, outside it: feeding the
    ``--events-out`` file and a published stream (a :class:`~engine.sink.LogTap`'s
    drain), or stopping the run on Ctrl-C.  A run that ends (``RunEnded``:
    time up, or wasted and busted too often) stops after that tick, as the
    window stops at its game-over screen.
    """
    world = game.world
    pilot = autopilot if autopilot is not None else Autopilot(game)
    ticks = round(seconds * world.tick_rate)
    for _ in range(ticks):
        for event in pilot.inputs():
            world.emit(event)
        if frame_ms is not None and world.tick % FRAME_REPORT_TICKS == FRAME_REPORT_TICKS - 1:
            world.emit(FrameTimeMeasured(frame_ms))
        world.step()
        if between_ticks is not None:
            between_ticks()
        if game.state.run_over:
            break
    world.activate()
    health = esper.component_for_entity(game.player, Health)
    counts = Counter(record.type for record in world.log)
    return RunReport(world.tick, counts, health.current, health.maximum, game.state.wanted, pilot.phase,
                     milestones(world.log), world.bus.cuts.summary(), game.state.score,
                     score_reasons(world.log), game.state.run_over, showcase(world.log, world.tick, world.tick_rate))


def score_reasons(records: Iterable[Record]) -> dict[str, tuple[int, int]]:
    """Per reason its ``ScoreChanged`` records give: how many there were and the net
    change of the score (what it really moved: a penalty stops at $0), in order of first change."""
    reasons: dict[str, tuple[int, int]] = {}
    for record in records:
        if record.type == "ScoreChanged":
            reason = record.data["reason"]
            times, amount = reasons.get(reason, (0, 0))
            reasons[reason] = (times + 1, amount + record.data["after"] - record.data["before"])
    return reasons


def _signed_dollars(amount: int) -> str:
    return f"{'+' if amount >= 0 else '-'}${abs(amount):,}"


#: Most reasons the summary names one by one, and how long each may be: a trigger file
#: chooses the reason (``reason = { expr = "..." }`` can make a new one each time), not the summary's length.
STORY_REASONS = 6
STORY_REASON_CHARS = 40


def _shown(reason: str) -> str:
    """``reason`` as short printable text on one line (a reason may hold newlines or terminal escapes)."""
    line = brief(reason, STORY_REASON_CHARS)
    return "".join(c if c.isprintable() else "?" for c in line) or "''"


def _score_story(reasons: dict[str, tuple[int, int]]) -> str:
    """`` (cash collected 5× +$500, busted 2× -$500; it never goes below $0)``: what
    made the score, so a $0 next to cash collected is no riddle."""
    if not reasons:
        return ""
    items = list(reasons.items())
    parts = [f"{_shown(reason)} {times}× {_signed_dollars(amount)}"
             for reason, (times, amount) in items[:STORY_REASONS]]
    rest = items[STORY_REASONS:]
    if rest:
        times, amount = sum(t for _, (t, _a) in rest), sum(a for _, (_t, a) in rest)
        parts.append(f"{len(rest):,} other reasons {times}× {_signed_dollars(amount)}")
    floor = "; it never goes below $0" if any(amount < 0 for _, amount in reasons.values()) else ""
    return f" ({', '.join(parts)}{floor})"


def summary(report: RunReport) -> str:
    """The printed summary: counts per event type, final health and wanted level, milestones."""
    lines = [f"ran {report.ticks} ticks ({report.ticks / 60:.1f} s of game time); autopilot phase: {report.phase}"]
    ended = f"; run ended: {report.run_over}" if report.run_over else ""
    lines.append(f"final health {report.health}/{report.max_health}, wanted level {report.wanted}, "
                 f"score ${report.score:,}{_score_story(report.score_reasons)}{ended}")
    ticks = "  ".join(f"{'✓' if report.milestones.get(name) else '✗'} {name}" for name in MILESTONES)
    lines.append("scenario: " + ticks)
    if report.showcase:
        lines.append("the run showed:")
        lines.extend(showcase_lines(report.showcase))
    lines.extend(report.cascades)  # a runaway trigger: once per loop, with its count of ticks
    lines.append("events:")
    width = max(len(t) for t in report.counts)
    for name, count in sorted(report.counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {name:<{width}} {count:>6}")
    return "\n".join(lines)
