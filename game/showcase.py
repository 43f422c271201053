"""What a run showed of the game, in plain words: read from its log, for the headless summary.

Each item is something a long autopilot run should show (three stars and
police gunfire, busted or wasted, an escape, cash, streets that empty and
fill again every chase), with the tick it first happened.  Everything is
read from the records, so a saved log tells the same story.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.record import Record

#: Stars the run must reach to count as an escalation.
STARS = 3


@dataclass(frozen=True)
class Shown:
    """One item: what it is (plain words, with its counts), whether the run showed it, and when first."""

    what: str
    shown: bool
    tick: int | None


@dataclass
class _Chase:
    entered: int
    emptied: bool = False
    exited: int | None = None
    refilled: int | None = None


def showcase(records: Iterable[Record], ticks: int, tick_rate: int = 60) -> list[Shown]:
    """The items a run of ``ticks`` ticks showed.  A chase that ended in its last
    two seconds is not held against the streets: people take a moment to come back."""
    first: dict[str, int] = {}
    police: set[int] = set()
    stars = busted = wasted = escapes = cash = pickups = 0
    chases: list[_Chase] = []
    for record in records:
        kind, data, tick = record.type, record.data, record.tick
        if kind == "WantedLevelChanged":
            stars = max(stars, data["after"])
            if data["after"] >= STARS:
                first.setdefault("stars", tick)
        elif kind == "PoliceSpawned":
            police.add(data["entity"])
        elif kind == "ShotFired" and data["shooter"] in police:
            first.setdefault("police fire", tick)
        elif kind in ("Busted", "PlayerWasted"):
            first.setdefault("fall", tick)
            busted += kind == "Busted"
            wasted += kind == "PlayerWasted"
        elif kind == "EscapedRadar":
            first.setdefault("escape", tick)
            escapes += 1
        elif kind == "CashCollected":
            first.setdefault("cash", tick)
            cash += data["value"]
            pickups += 1
        elif kind == "AlarmEntered" and data["alarm"] == "police-chase":
            chases.append(_Chase(tick))
        elif kind == "NPCDespawned" and chases and chases[-1].exited is None:
            chases[-1].emptied = True
        elif kind == "AlarmExited" and data["alarm"] == "police-chase" and chases:
            chases[-1].exited = tick
        elif kind == "NPCSpawned" and chases and chases[-1].exited is not None and chases[-1].refilled is None:
            chases[-1].refilled = tick
    judged = [c for c in chases if c.exited is not None and ticks - c.exited > 2 * tick_rate]
    streets = bool(judged) and all(c.emptied and c.refilled is not None for c in judged)
    refills = [c.refilled for c in judged if c.refilled is not None]
    times = "once" if escapes == 1 else f"{escapes} times"
    return [
        Shown(f"reached {STARS} stars (highest: {stars})", "stars" in first, first.get("stars")),
        Shown("shot at by the police", "police fire" in first, first.get("police fire")),
        Shown(f"busted or wasted (busted {busted}, wasted {wasted})", "fall" in first, first.get("fall")),
        Shown(f"got away from the police ({times})", "escape" in first, first.get("escape")),
        Shown(f"collected cash (${cash:,} in {pickups} pickup{'' if pickups == 1 else 's'})", "cash" in first,
              first.get("cash")),
        Shown(f"streets emptied and filled again, every chase ({len(refills)} of {len(judged)} chases)",
              streets, refills[0] if refills else None),
    ]


def showcase_lines(items: list[Shown], tick_rate: int = 60) -> list[str]:
    """The items as summary lines: ✓ or ✗, the words, and the tick it first happened."""
    width = max(len(item.what) for item in items)
    lines = []
    for item in items:
        when = "" if item.tick is None else f"  first at tick {item.tick:,} ({item.tick / tick_rate:.1f} s)"
        lines.append(f"  {'✓' if item.shown else '✗'} {item.what:<{width}}{when}".rstrip())
    return lines
