"""Events are facts: they never change, so the log can rebuild the state at any past tick."""

from engine import Event, World, codec, event


@event
class Deposited(Event):
    amount: int


@event
class Withdrew(Event):
    amount: int


def run(seed: int, ticks: int) -> World:
    world = World(seed=seed)
    world.add_system(lambda w: w.emit(Withdrew(5) if w.tick % 3 == 2 else Deposited(w.rng.randint(1, 9))))
    world.run(ticks)
    return world


world = run(seed=1, ticks=10)
try:
    world.log[1].event.amount = 1000
except AttributeError:   # dataclasses.FrozenInstanceError
    print("an event cannot be changed: it already happened")


def balance_at(tick: int) -> int:
    """Fold the records up to ``tick`` into the state they produce."""
    signs = {"Deposited": 1, "Withdrew": -1}
    return sum(signs[r.type] * r.data["amount"] for r in world.log.select(ticks=(0, tick + 1)) if r.type in signs)


for tick in (0, 4, 9):
    print(f"balance after tick {tick}: {balance_at(tick)}")
same = [codec.encode(r) for r in run(seed=1, ticks=10).log] == [codec.encode(r) for r in world.log]
print("same seed, same inputs, same log:", same)
