"""Causality: every record knows the record that caused it, so why() can explain it."""

from engine import Event, World, event


@event
class Shot(Event):
    target: int


@event
class HealthChanged(Event):
    entity: int
    after: int


@event
class Died(Event):
    entity: int


world = World()
health = {7: 30}


def hurt(e: Shot) -> None:
    health[e.target] = max(0, health[e.target] - 20)
    world.emit(HealthChanged(e.target, health[e.target]))   # its cause is the Shot: automatic


world.subscribe(Shot, hurt)
world.subscribe(HealthChanged, lambda e: world.emit(Died(e.entity)) if e.after == 0 else None)
for _ in range(2):
    world.emit(Shot(target=7))   # emitted outside any handler: a root, with no cause
world.step()
for record in world.log:
    print(record.describe())
print("why did 7 die?")
for record in world.why(world.log.select(Died)[0].offset):
    print("  ", record.describe())
