"""Publish-subscribe: handlers subscribe to a type, a base class, or one entity."""

from engine import Event, World, event


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


@event
class Headshot(Shot):
    """A kind of Shot: whoever subscribes to Shot sees headshots too."""


world = World()
world.subscribe(Event, lambda e: print("  logger sees", type(e).__name__), priority=10)  # first
world.subscribe(Shot, lambda e: print("  medic runs to", e.target))
world.subscribe(Shot, lambda e: print("  entity 7 feels it"), entity=7)   # only shots at 7
crowd = world.subscribe(Headshot, lambda e: print("  the crowd gasps"))

print("Shot at 3:")
world.emit_now(Shot(shooter=1, target=3, damage=10))
print("Headshot at 7:")
world.emit_now(Headshot(shooter=1, target=7, damage=90))
crowd.cancel()
print("Headshot at 7, the crowd has gone home:")
world.emit_now(Headshot(shooter=1, target=7, damage=90))
