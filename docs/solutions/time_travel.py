"""Solution to the time-travel exercises: a balance from a Reader, and a different choice after stepping back."""

from engine import Event, Input, World, codec, event
from engine.timetravel import TimeMachine


@event
class Deposited(Event):
    amount: int


@event
class Withdrew(Event):
    amount: int


@event
class Chose(Input):
    """The player's choice: how much to withdraw from now on."""

    amount: int


def build(seed: int) -> World:
    world = World(seed=seed)
    world.resources["withdraw"] = 5
    world.subscribe(Chose, lambda e: world.resources.update(withdraw=e.amount))
    world.add_system(lambda w: w.emit(Withdrew(w.resources["withdraw"]) if w.tick % 3 == 2
                                      else Deposited(w.rng.randint(1, 9))))
    return world


# Exercise 1: the balance after the last tick, folded from a Reader instead of select().
world = build(seed=1)
world.run(10)
reader, signs, balance = world.log.reader(0), {"Deposited": 1, "Withdrew": -1}, 0
for record in reader.poll().records:
    balance += signs.get(record.type, 0) * record.data.get("amount", 0)
print("balance after the last tick:", balance)

# Exercise 2: play 10 ticks, step back to tick 4, choose differently (withdraw 1), play on to tick 10.
# The log then holds one timeline, byte for byte what a straight run with that input writes.
world = build(seed=1)
machine = TimeMachine(world, every=2)
for _ in range(10):
    machine.step()
machine.back(world.tick - 4)
world.emit(Chose(1))
while world.tick < 10:
    machine.step()
straight = build(seed=1)
straight.run(4)
straight.emit(Chose(1))
straight.run(6)
same = [codec.encode(r) for r in world.log] == [codec.encode(r) for r in straight.log]
print(f"after stepping back: epoch {world.log.epoch}, same log as a straight run with the new choice: {same}")
assert same and world.log.epoch == 1 and balance == 21
