"""``python -m engine plot LOG.jsonl -o timeline.png``: a run on one picture.

The x axis is game time in seconds (tick / tick rate).  Two kinds of panel:

* **step lines** for every event type whose records carry numeric ``before``
  and ``after`` fields (``WantedLevelChanged``, ``HealthChanged``...): the
  value over time, with a dot at each change.  When such records name an
  entity (``entity`` or ``target``), one entity is drawn: ``--entity E``, or
  else the entity with the most records of that type.
* an **event raster**: one row per event type and a small vertical tick per
  record, like a spike raster.  Only the 15 most frequent types get a row
  (``--top N``), unless ``--types A,B`` names them; dead letters
  (``HandlerFailed``, ``CascadeCut``) always get one.

``--why OFFSET`` marks the causal chain of one record on the raster.

matplotlib is an optional extra (``pip install -e '.[plot]'``): it is
imported only when a picture is drawn, so every other command works without
it.  The data part, :func:`timeline`, needs no matplotlib at all.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from engine.cli import CommandSpec, UsageError, load_log, parse_ticks, positive_int
from engine.events import TARGET_FIELDS
from engine.query import causal_chain
from engine.record import Record

#: Rows in the raster when ``--types`` is not given.
DEFAULT_TOP = 15
#: Most step-line panels drawn (the types with the most records win).
MAX_STEP_PANELS = 4
#: Types that always get a raster row when present: something went wrong there.
ALWAYS_SHOWN = ("HandlerFailed", "CascadeCut")
FORMATS = (".png", ".svg", ".pdf")
INSTALL_HINT = "plotting needs matplotlib: pip install -e '.[plot]'"


@dataclass
class Steps:
    """A value over time, from records with ``before``/``after`` fields."""

    label: str
    start: float                                        # the value before the first change
    entity: int | None = None                           # the entity it is about, if any
    times: list[float] = field(default_factory=list)    # seconds of each change
    befores: list[float] = field(default_factory=list)  # the value each record says it changed from
    values: list[float] = field(default_factory=list)   # the value after each change


@dataclass
class Timeline:
    """Everything a picture shows, in seconds of game time (no matplotlib needed)."""

    tick_rate: int
    end: float
    rows: list[tuple[str, list[float]]]   # (type, times), top row first
    counts: dict[str, int]
    steps: list[Steps]
    chain: list[tuple[str, float, int]]   # (type, time, offset) of --why's chain, root first
    #: Where the time axis starts (a zoomed window starts later than 0).
    start: float = 0.0


def tick_rate_of(records: Sequence[Record], default: int = 60) -> int:
    """The tick rate from the log's first ``SimulationStarted`` record."""
    for record in records:
        if record.type == "SimulationStarted":
            rate = record.data.get("tick_rate")
            if isinstance(rate, int) and not isinstance(rate, bool) and rate > 0:
                return rate
            break
    return default


def _number(value: object) -> bool:
    """A value a step line can plot: a number a float can hold (an int of 400 digits,
    from a hand-edited log, would raise OverflowError when drawn)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return -_FLOAT_MAX <= value <= _FLOAT_MAX  # False for NaN, too


_FLOAT_MAX = sys.float_info.max


def _entity_of(record: Record) -> int | None:
    for name in TARGET_FIELDS:
        value = record.data.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def step_series(records: Sequence[Record], tick_rate: int, entity: int | None = None) -> list[Steps]:
    """Step lines for the types whose records all carry numeric ``before`` and ``after``."""
    by_type: dict[str, list[Record]] = defaultdict(list)
    broken: set[str] = set()
    for record in records:
        data = record.data
        if "before" not in data and "after" not in data:
            continue
        if _number(data.get("before")) and _number(data.get("after")):
            by_type[record.type].append(record)
        else:
            broken.add(record.type)
    kinds = sorted((t for t in by_type if t not in broken), key=lambda t: (-len(by_type[t]), t))
    series = []
    for kind in sorted(kinds[:MAX_STEP_PANELS]):
        chosen = by_type[kind]
        label, pick = kind, None
        entities = Counter(e for e in map(_entity_of, chosen) if e is not None)
        if entities:
            # Most records first, then the lowest id, so the choice is the same every time.
            pick = entity if entity is not None else min(entities, key=lambda e: (-entities[e], e))
            chosen = [r for r in chosen if _entity_of(r) == pick]
            if not chosen:
                continue
            label = f"{kind} (entity {pick})"
        steps = Steps(label, float(chosen[0].data["before"]), pick)
        for record in chosen:
            steps.times.append(record.tick / tick_rate)
            steps.befores.append(float(record.data["before"]))
            steps.values.append(float(record.data["after"]))
        series.append(steps)
    return series


def timeline(records: Sequence[Record], types: Sequence[str] | None = None, entity: int | None = None,
             top: int = DEFAULT_TOP, why: int | None = None,
             window: tuple[int, int] | None = None, tick_rate: int | None = None) -> Timeline:
    """What :func:`save_plot` draws.  Raises ``ValueError`` for unknown types,
    entities or offsets (the message names what the log does hold).

    ``window`` (first tick, tick after the last) zooms the time axis to those
    ticks; ``tick_rate`` is the run's, for records cut from a log whose
    ``SimulationStarted`` is outside them."""
    if not records:
        raise ValueError("the log is empty: nothing to plot")
    rate = tick_rate or tick_rate_of(records)
    counts = Counter(r.type for r in records)
    if types:
        unknown = [t for t in types if t not in counts]
        if unknown:
            raise ValueError(f"no records of type {', '.join(map(repr, unknown))} "
                             f"(types present: {', '.join(sorted(counts))})")
        shown = list(dict.fromkeys(types))
    else:
        shown = [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max(1, top)]]
        shown += [t for t in ALWAYS_SHOWN if t in counts and t not in shown]
    chain: list[tuple[str, float, int]] = []
    if why is not None:
        by_offset = {r.offset: r for r in records}
        if why not in by_offset:
            raise ValueError(f"no record at offset {why} (offsets in file: {records[0].offset}..{records[-1].offset})")
        chain = [(r.type, r.tick / rate, r.offset) for r in causal_chain(why, by_offset.get)]
        shown += [t for t, _, _ in chain if t not in shown]
    steps = step_series(records, rate, entity)
    if entity is not None and not any(s.entity == entity for s in steps):
        raise ValueError(f"no before/after records name entity {entity}")
    times: dict[str, list[float]] = {t: [] for t in shown}
    for record in records:
        row = times.get(record.type)
        if row is not None:
            row.append(record.tick / rate)
    if window is not None:
        start, end = window[0] / rate, window[1] / rate
    else:
        start, end = 0.0, max(records[-1].tick / rate, 1 / rate)
    return Timeline(rate, end, [(t, times[t]) for t in shown], dict(counts), steps, chain, start)


def save_plot(line: Timeline, path: str | Path, title: str = "") -> None:
    """Draw ``line`` into an image file (.png, .svg or .pdf) with matplotlib's Agg backend.

    Raises ``ImportError`` when matplotlib is not installed.
    """
    # Imported here, never at module import: matplotlib is an optional extra.
    import matplotlib  # noqa: F401  (fails first and clearly when it is missing)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    panels = len(line.steps)
    rows = len(line.rows)
    heights = [1.5] * panels + [max(1.5, 0.28 * rows + 0.6)]
    figure = Figure(figsize=(12, sum(heights) + 0.8), layout="constrained")
    FigureCanvasAgg(figure)  # no pyplot, no global backend switch
    axes = figure.subplots(panels + 1, 1, sharex=True, squeeze=False,
                           gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, steps in zip(axes, line.steps, strict=False):
        # Each record jumps from its own ``before``: if that is not the last
        # ``after``, the plot shows it, since some change went unrecorded.
        xs, ys = [line.start], [steps.start]
        for t, before, after in zip(steps.times, steps.befores, steps.values, strict=True):
            xs += [t, t]
            ys += [before, after]
        ax.step([*xs, line.end], [*ys, ys[-1]], where="post", color="C1", linewidth=1.6)
        ax.plot(steps.times, steps.values, "o", color="C1", markersize=3.5)
        if all(float(v).is_integer() for v in ys):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.set_ylabel(steps.label, rotation=0, ha="right", va="center", fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
    raster = axes[-1]
    names = [name for name, _ in line.rows]
    colors = ["C3" if name in ALWAYS_SHOWN else "C0" for name in names]
    # Records of one type in the same tick draw the same mark: draw it once.
    raster.eventplot([sorted(set(times)) for _, times in line.rows], lineoffsets=list(range(rows)), linelengths=0.7,
                     linewidths=0.8, colors=colors)
    raster.set_yticks(list(range(rows)), [f"{name} ({line.counts[name]})" for name in names], fontsize=8)
    raster.set_ylim(rows - 0.5, -0.5)  # the first row on top
    if line.chain:
        index = {name: i for i, name in enumerate(names)}
        xs = [t for _, t, _ in line.chain]
        ys = [index[name] for name, _, _ in line.chain]
        # A thin dashed link under the marks, so other rows at the same time stay visible.
        raster.plot(xs, ys, "--", color="C3", linewidth=0.8, alpha=0.6, zorder=1)
        raster.plot(xs, ys, "o", color="C3", markersize=5, zorder=4)
        raster.annotate(f"why #{line.chain[-1][2]}", (xs[-1], ys[-1]), xytext=(6, 0),
                        textcoords="offset points", color="C3", fontsize=8, va="center")
    margin = 0.01 * (line.end - line.start)   # marks at the start and at the end stay in view
    raster.set_xlim(line.start - margin, line.end + margin)
    raster.set_xlabel(f"game time (s) — {line.tick_rate} ticks per second")
    if title:
        figure.suptitle(title, fontsize=10)
    figure.savefig(path, dpi=100)


# -- the command ---------------------------------------------------------------------------

def _type_list(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected event type names separated by commas, got {text!r}")
    return names


def _plot_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")
    p.add_argument("-o", "--out", metavar="FILE.png", help="image to write: .png, .svg or .pdf "
                                                          "(default: the log's name with .png)")
    p.add_argument("--types", metavar="A,B,...", type=_type_list, help="raster rows: these event types, in order")
    p.add_argument("--top", metavar="N", type=positive_int, default=DEFAULT_TOP,
                   help=f"raster rows: the N most frequent types (default {DEFAULT_TOP})")
    p.add_argument("--entity", metavar="E", type=int, help="step lines of this entity (default: the busiest)")
    p.add_argument("--why", metavar="OFFSET", type=int, help="mark the causal chain of this record")
    p.add_argument("--ticks", metavar="A:B", type=parse_ticks,
                   help="zoom to ticks A <= tick < B; one tick (T:T+1) draws its chain of records, left to right")


def cmd_plot(args: argparse.Namespace) -> int:
    """``plot``: draw the log's timeline into an image."""
    out = Path(args.out) if args.out else Path(args.log).with_suffix(".png")
    if not args.out and out.exists():
        raise UsageError(f"{out} already exists; name the image to write with -o FILE.png")
    if out.suffix.lower() not in FORMATS:
        raise UsageError(f"{out}: expected a file name ending in {', '.join(FORMATS)}")
    if not out.parent.exists():
        raise UsageError(f"{out}: folder {str(out.parent)!r} does not exist")
    records = load_log(args.log, cut_ok=True)   # a killed run's log is worth looking at too
    rate, window = tick_rate_of(records), None
    if args.ticks is not None:
        lo, hi = args.ticks
        last = records[-1].tick if records else 0
        records = _window(records, args.ticks, args.log)
        if lo is not None and hi == lo + 1:
            # The chain picture draws every record of the tick: options that pick rows or
            # mark a chain on the timeline would be ignored without a word.
            ignored = [name for name, value in (("--types", args.types), ("--entity", args.entity),
                                                ("--why", args.why)) if value is not None]
            if ignored:
                raise UsageError(f"{' and '.join(ignored)}: a one-tick window ({lo}:{hi}) draws every record "
                                 "of the tick as a chain; widen the window to use it")
            return _plot_one_tick(records, lo, out, args.log)
        window = (records[0].tick if lo is None else lo, last + 1 if hi is None else hi)
    try:
        line = timeline(records, args.types, args.entity, args.top, args.why, window, rate)
    except ValueError as error:
        raise UsageError(f"{args.log}: {error}") from None
    try:
        save_plot(line, out, title=f"{Path(args.log).name}: {len(records)} records")
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    except OSError as error:
        raise UsageError(f"{out}: {error.strerror or error}") from None
    types, steps = len(line.rows), len(line.steps)
    # A log cut by retention starts later than 0, and so does a window.
    start = line.start if window else records[0].tick / line.tick_rate
    print(f"wrote {out} ({types} event type{'s' * (types != 1)}, {steps} step line{'s' * (steps != 1)}, "
          f"{start:.1f}..{line.end:.1f} s of game time)")
    return 0


def _window(records: list[Record], ticks: tuple[int | None, int | None], log: str) -> list[Record]:
    """The records of ticks ``A <= tick < B``; none there is a one-line UsageError."""
    lo, hi = ticks
    kept = [r for r in records if (lo is None or r.tick >= lo) and (hi is None or r.tick < hi)]
    if not kept:
        span = f"ticks {records[0].tick}..{records[-1].tick}" if records else "no records"
        raise UsageError(f"{log}: no records in ticks {'' if lo is None else lo}:{'' if hi is None else hi} "
                         f"(the log holds {span})")
    return kept


def _plot_one_tick(records: list[Record], tick: int, out: Path, log: str) -> int:
    from engine.plot_chain import MAX_BOXES, save_chain

    try:
        save_chain(records, tick, out, title=f"{Path(log).name}, ")
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    except OSError as error:
        raise UsageError(f"{out}: {error.strerror or error}") from None
    drawn = min(len(records), MAX_BOXES)
    print(f"wrote {out} (tick {tick}: {len(records)} records, {drawn} drawn in offset order)")
    return 0


#: The command defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {"plot": CommandSpec("draw events over game time into an image (needs matplotlib)",
                                    _plot_args, cmd_plot)}
