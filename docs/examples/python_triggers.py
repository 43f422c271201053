"""Triggers in Python: the same objects as TOML files build, for when a few lines of code are clearer."""

from engine import Event, World, event
from engine.scripting import Registry, TriggerRuntime, alarm, call, trigger


@event
class Shot(Event):
    target: int
    damage: int


registry = Registry()
registry.events(Shot)
registry.state("stats", lambda world: world.resources, changed_by=[Shot])


@registry.behaviour
def say(world: World, text: str) -> None:
    """Print a line (a stand-in for playing a sound)."""
    print(f"tick {world.tick}: {text}")


world = World()
world.resources["shots"] = 0
world.subscribe(Shot, lambda e: world.resources.update(shots=world.resources["shots"] + 1))
world.add_system(lambda w: w.emit(Shot(target=1 + w.tick % 2, damage=20 * w.tick)))
runtime = TriggerRuntime(world, registry)   # after the systems: alarms see the whole tick
runtime.add(
    trigger("ouch", on=Shot, when="event.damage >= 50", do=[call("say", text="ouch!")], cooldown=0.05),
    alarm("under-fire", when="stats.shots >= 3", enter=[call("say", text="under fire: take cover")]),
)


@runtime.reaction(on=Shot, when=lambda ns: ns["event"].target == 1)
def player_hit(world: World, shot: Shot) -> None:
    print(f"tick {world.tick}: the player lost {shot.damage}")


world.run(5)
