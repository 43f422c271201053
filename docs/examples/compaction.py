"""Log compaction: keep only the newest record per key, and the state survives while the history goes."""

from engine import Event, World, event


@event
class HealthChanged(Event):
    entity: int
    after: int


@event
class WantedLevelChanged(Event):
    after: int


def key(record) -> str | None:
    """The compaction key: which piece of state a record sets (None: not state, not kept)."""
    if record.type == "HealthChanged":
        return f"health:{record.data['entity']}"
    return "wanted" if record.type == "WantedLevelChanged" else None


world = World(seed=4)
world.add_system(lambda w: w.emit(HealthChanged(w.rng.choice([1, 2]), w.rng.randint(0, 100))))
world.add_system(lambda w: w.emit(WantedLevelChanged(w.tick // 4)) if w.tick % 4 == 0 else None)
world.run(12)

compacted: dict[str, object] = {}
for record in world.log:                  # what Kafka's cleaner does to a topic with cleanup.policy=compact
    if key(record) is not None:
        compacted[key(record)] = record   # a newer record for the same key replaces the older one
print(f"{len(world.log)} records; compacted to {len(compacted)}, one per key:")
for name, record in sorted(compacted.items()):
    print(f"  {name:9} {record.describe()}")
