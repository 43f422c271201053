"""Write a big, valid event log for the log tools' benchmarks, deterministically.

Run from the repository root::

    python benchmarks/make_big_log.py big.jsonl                  # 1,000,000 records
    python benchmarks/make_big_log.py big.jsonl --records 200000 --seed 3

The demo game writes only a few records a second (a 2-minute run is about
600), so a million-record log would take days of game time.  This script
writes records shaped like the game's instead: the same event types and
fields, positions as floats, several records a tick, and causal chains (a
shot causes a health change, which causes a behaviour, which starts a
sound), every line through :func:`engine.codec.encode`, so the file is what
a long run would write.  The same seed and count always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.codec import encode
from engine.record import Record


def _position(rng: random.Random) -> list[float]:
    return [round(rng.uniform(0, 3000), 1), round(rng.uniform(0, 2000), 1)]


def _root(rng: random.Random, tick: int) -> tuple[str, dict[str, Any]]:
    """A record with no cause: an input or a system's own event."""
    roll = rng.random()
    if roll < 0.35:
        return "MoveInput", {"dx": rng.choice((-1, 0, 1)), "dy": rng.choice((-1, 0, 1))}
    if roll < 0.55:
        return "NPCSpawned", {"entity": rng.randrange(10, 5000), "position": _position(rng)}
    if roll < 0.7:
        return "FrameTimeMeasured", {"ms": round(rng.uniform(8, 20), 2)}
    if roll < 0.85:
        return "ShotFired", {"shooter": rng.randrange(1, 60), "position": _position(rng),
                             "direction": [round(rng.uniform(-1, 1), 4), round(rng.uniform(-1, 1), 4)]}
    return "Shot", {"shooter": rng.randrange(1, 60), "target": rng.randrange(1, 60), "damage": rng.randint(5, 15)}


#: What each type of record may cause, in a chain (type -> next type and its data).
def _effect(rng: random.Random, cause_type: str) -> tuple[str, dict[str, Any]] | None:
    if cause_type == "Shot":
        before = rng.randint(20, 100)
        return "HealthChanged", {"entity": rng.randrange(1, 60), "before": before,
                                 "after": before - rng.randint(5, 15)}
    if cause_type == "HealthChanged":
        return "BehaviourRan", {"trigger": "getting-shot-hurts", "behaviour": "damage", "ok": True}
    if cause_type == "BehaviourRan":
        return "SoundStarted", {"sound": rng.choice(("hurt", "siren", "engine")), "loop": False}
    if cause_type == "NPCSpawned" and rng.random() < 0.3:
        return "PopulationChanged", {"before": 40, "after": 41, "reason": "a pedestrian walks in"}
    return None


def records(count: int, seed: int) -> Iterator[Record]:
    """``count`` records of a plausible run: offsets 0.., ticks going up, causes earlier."""
    rng = random.Random(seed)
    offset, tick = 0, 0
    yield Record(0, 0, None, None, type="SimulationStarted",
                 data={"seed": seed, "tick_rate": 60, "options": {"game": "wanted", "npcs": 40}})
    offset = 1
    while offset < count:
        tick += 1
        for _ in range(rng.randint(1, 4)):
            kind, data = _root(rng, tick)
            cause: int | None = None
            while kind and offset < count:
                yield Record(offset, tick, cause, None, type=kind, data=data)
                cause, offset = offset, offset + 1
                effect = _effect(rng, kind)
                kind, data = effect if effect else ("", {})


def main(argv: list[str] | None = None) -> int:
    """Write the log; prints how many records and bytes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the .jsonl file to write")
    parser.add_argument("--records", type=int, default=1_000_000, help="how many records (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        for record in records(args.records, args.seed):
            out.write(encode(record))
            out.write("\n")
    print(f"wrote {args.records} records ({args.out.stat().st_size:,} bytes) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
