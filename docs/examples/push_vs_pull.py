"""Push vs. pull: a handler is called as each event happens; a reader fetches when it wants."""

from engine import Event, World, event


@event
class Sold(Event):
    item: str
    price: int


world = World()
world.subscribe(Sold, lambda e: print(f"push: the till rings for {e.item}"))  # called at once
reader = world.log.reader()   # pull: a cursor, starting at the next record
items = ["tea", "cake", "jam"]
world.add_system(lambda w: w.emit(Sold(items[w.tick % 3], 2 + w.tick % 3)))

world.run(3)
print("the reader is", reader.lag, "records behind")
batch = reader.poll()         # read everything waiting, and move the cursor past it
print("pull: read", [r.data["item"] for r in batch.records],
      "worth", sum(r.data["price"] for r in batch.records))

world.run(2)
print("pull: one at a time:", [r.data["item"] for r in reader.poll(max_records=1).records],
      "and", reader.lag, "still waiting")
reader.seek(0)                # go back and read it all again: the log keeps it
print("after seek(0) the reader is", reader.lag, "records behind")
