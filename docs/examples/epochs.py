"""Time travel cuts the log back: a new epoch, and every reader past the cut is told where to go on from."""

from engine import Event, World, event
from engine.sink import LogTap


@event
class Scored(Event):
    points: int


class PrintingSink:
    """A LogSink that says what it is asked to do (the events-out file does the same to its lines)."""

    def write(self, records): print("  sink: write", [r.offset for r in records])
    def truncate(self, offset): print(f"  sink: forget offsets {offset} and on")
    def flush(self): pass
    def close(self): pass


world = World()
world.add_system(lambda w: w.emit(Scored(10 * w.tick)))
reader, tap = world.log.reader(0), LogTap(world.log, [PrintingSink()])
world.run(4)
print("read", [r.offset for r in reader.poll().records], "| epoch", world.log.epoch)
tap.drain()
world.log.truncate(3)   # what stepping back in time does: offsets 3 and on were an undone future
print(f"cut back to 3: epoch {world.log.epoch}, next offset {world.log.next_offset}, reader lag {reader.lag}")
world.run(2)            # the new timeline: offsets 3 and 4 now name new records
batch = reader.poll()
print(f"told truncated={batch.truncated}, read", [r.describe() for r in batch.records])
tap.drain()
print("nothing new:", reader.poll(), "lag", reader.lag)
