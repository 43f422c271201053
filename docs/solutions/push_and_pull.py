"""Solution to the push-and-pull exercises: polling in small batches, and a reader that sums takings per second."""

from engine import Event, World, event


@event
class Sold(Event):
    item: str
    price: int


world = World(tick_rate=10)   # ten ticks a second
world.add_system(lambda w: w.emit(Sold("tea", 2 + w.tick % 3)))
reader = world.log.reader()
world.run(5)

# Exercise 1: poll with max_records=2 in a loop until lag is 0.
sizes = []
while reader.lag:
    sizes.append(len(reader.poll(max_records=2).records))
print("batches of", sizes, "then lag", reader.lag)

# Exercise 2: a pull reader that adds up the takings of each second, polled once per second of game time.
takings = []
for _ in range(3):
    world.run(world.tick_rate)
    takings.append(sum(r.data["price"] for r in reader.poll().records if r.type == "Sold"))
print("takings per second:", takings)
assert sizes == [2, 2, 1] and sum(takings) == sum(2 + t % 3 for t in range(5, 35))
