"""Stepping back and forward in time: one timeline in the log, readers told of the cut, the same future again."""

from engine import Event, Input, World, codec, event
from engine.timetravel import TimeMachine


@event
class Pushed(Input):
    force: int


@event
class Rolled(Event):
    x: int


def roll(w: World) -> None:
    cart = w.resources["cart"]
    cart["x"] += cart["push"] + w.rng.randint(0, 1)
    w.emit(Rolled(cart["x"]))


world = World(seed=7)
world.resources["cart"] = {"x": 0, "push": 0}
world.subscribe(Pushed, lambda e: world.resources["cart"].update(push=e.force))
world.add_system(roll)
machine, reader = TimeMachine(world, every=5), world.log.reader(0)   # a snapshot every 5 ticks
for tick in range(10):
    if tick == 7:
        world.emit(Pushed(3))   # an input, recorded: time travel feeds it back on the way forward
    machine.step()
print(f"tick {world.tick}: x={world.resources['cart']['x']}, read {len(reader.poll().records)} records")
before = [codec.encode(r) for r in world.log]
machine.back(4)
batch = reader.poll()
print(f"back to tick {world.tick}: x={world.resources['cart']['x']}, epoch {world.log.epoch}, reader told "
      f"truncated={batch.truncated}, re-read {len(batch.records)}; future: {[r.type for r in machine.future]}")
machine.forward(4)
print(f"forward to tick {world.tick}: x={world.resources['cart']['x']}, "
      f"same log bytes: {[codec.encode(r) for r in world.log] == before}")
