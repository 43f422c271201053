"""One tick's chain of records, drawn left to right in offset order (``plot --ticks T:T+1``).

Each record is a box at its place in the log (x: its order within the tick)
and at its depth in the tick's causal tree (y: 0 for a record whose cause is
not in the tick, one row down per cause); an arrow runs from each cause to
what it caused.  A tick holds at most the reaction budget's records; past
:data:`MAX_BOXES` the rest are counted in the title instead of drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.record import Record

#: Records drawn in one tick's picture; the rest are counted in the title.
MAX_BOXES = 80


@dataclass(frozen=True)
class Box:
    """A record in the picture: its column, its row (depth) and its label."""

    offset: int
    column: int
    depth: int
    label: str
    cause: int | None   # the offset of its cause, if that cause is drawn too


def chain_boxes(records: list[Record]) -> list[Box]:
    """The boxes of one tick's records (offset order), each under its cause when the cause is in the tick."""
    depth: dict[int, int] = {}
    boxes = []
    for column, record in enumerate(sorted(records, key=lambda r: r.offset)[:MAX_BOXES]):
        inside = record.cause if record.cause in depth else None
        depth[record.offset] = 0 if inside is None else depth[inside] + 1
        label = f"#{record.offset}\n{_what(record)}"
        boxes.append(Box(record.offset, column, depth[record.offset], label, inside))
    return boxes


def save_chain(records: list[Record], tick: int, path: str | Path, title: str = "") -> None:
    """Draw one tick's records into an image file. Raises ``ImportError`` without matplotlib."""
    import matplotlib  # noqa: F401  (fails first and clearly when it is missing)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    boxes = chain_boxes(records)
    rows = max((b.depth for b in boxes), default=0) + 1
    figure = Figure(figsize=(max(6.0, 1.1 * len(boxes) + 1), 1.0 * rows + 1.6), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    where = {b.offset: (b.column, -b.depth) for b in boxes}
    for box in boxes:
        x, y = where[box.offset]
        ax.annotate(box.label, (x, y), ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.3", "fc": "#eef3ff" if box.cause is None else "#fff4e0",
                          "ec": "#335"})
        if box.cause is not None:
            ax.annotate("", xy=(x, y + 0.18), xytext=(where[box.cause][0], where[box.cause][1] - 0.18),
                        arrowprops={"arrowstyle": "->", "color": "#666", "lw": 0.8})
    ax.set_xlim(-0.7, max(len(boxes) - 0.3, 0.7))
    ax.set_ylim(-rows + 0.4, 0.6)
    ax.set_axis_off()
    left = len(records) - len(boxes)
    more = f" ({left} more not drawn)" if left > 0 else ""
    figure.suptitle(f"{title}tick {tick}: {len(records)} records in offset order, each under its cause{more}",
                    fontsize=9)
    figure.savefig(path)


def _what(record: Record) -> str:
    """A box's second line: the type, or for a behaviour that ran, the behaviour and who ran it."""
    if record.type == "BehaviourRan":
        data = record.data
        return f"{data.get('behaviour')}\n({data.get('trigger')})"
    return record.type
