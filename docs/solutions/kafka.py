"""Solution to the Kafka exercises: compact a real game's log, and apply redelivered records exactly once."""

import subprocess
import sys
import tempfile
from pathlib import Path

from engine import codec


def key(record) -> str | None:
    """Which piece of game state a record sets."""
    if record.type == "HealthChanged":
        return f"health:{record.data['entity']}"
    return {"WantedLevelChanged": "wanted", "PopulationChanged": "population"}.get(record.type)


# Exercise 1: record a run, compact it by key.
with tempfile.TemporaryDirectory() as folder:
    log = Path(folder) / "run.jsonl"
    subprocess.run([sys.executable, "-m", "game", "--headless", "--seconds", "30", "--events-out", str(log)],
                   check=True, capture_output=True)
    lines = log.read_text(encoding="utf-8").splitlines()
records = [codec.decode(line, "run.jsonl", n) for n, line in enumerate(lines, 1)]
compacted = {key(r): r for r in records if key(r) is not None}
print(f"{len(records)} records compact to {len(compacted)}: {sorted(compacted)[:4]}...")
wanted = compacted["wanted"].data["after"] if "wanted" in compacted else 0
print("the wanted level at the end:", wanted)
assert len(compacted) < len(records) and all(compacted[k].offset >= r.offset for r in records if (k := key(r)))


# Exercise 2: a consumer that sees records twice (redelivered after a crash) applies each one once.
class Tally:
    """Counts records per type, idempotently: it remembers the newest (epoch, offset) it applied."""

    def __init__(self) -> None:
        self.applied: tuple[int, int] = (-1, -1)
        self.counts: dict[str, int] = {}

    def handle(self, epoch: int, record) -> None:
        if (epoch, record.offset) <= self.applied:
            return   # a repeat: its effect is in already
        self.applied = (epoch, record.offset)
        self.counts[record.type] = self.counts.get(record.type, 0) + 1


once, twice = Tally(), Tally()
for record in records:
    once.handle(0, record)
for record in records[:50] + records[20:]:   # a crash after 50, and redelivery from 20 on
    twice.handle(0, record)
print("counts equal despite the redelivery:", once.counts == twice.counts)
assert once.counts == twice.counts and sum(once.counts.values()) == len(records)
