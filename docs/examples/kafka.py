"""The log as Kafka in one process: topics, offsets, consumer offsets, retention and missed records."""

from engine import Event, World, event


@event
class Clicked(Event):
    page: str


world = World()
world.log.capacity = 5   # retention: keep the 5 newest records (a game keeps a million)
fast, slow = world.log.reader(0), world.log.reader(0)   # two consumers, each with its own offset
world.add_system(lambda w: w.emit(Clicked(f"/page/{w.tick}")))

for tick in range(8):
    world.step()
    batch = fast.poll()   # polls every tick: never falls behind
    print(f"tick {tick}: fast read offsets {[r.offset for r in batch.records]}")

print(f"slow is at offset {slow.offset}, {slow.lag} records behind; the oldest kept is {world.log.oldest}")
batch = slow.poll()       # polls once, too late: retention has dropped what it had not read
print(f"slow read offsets {[r.offset for r in batch.records]}, missed {batch.missed}; now at offset {slow.offset}")
print("topics:", sorted(world.bus.event_types), "| one topic:", [r.offset for r in world.log.select(Clicked)])
print("a record keeps its offset for ever:", world.log[7].describe())
