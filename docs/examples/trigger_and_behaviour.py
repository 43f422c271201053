"""Trigger and behaviour: "when Shot (and damage > 0) then damage the target", written as data."""

from engine import Event, World, event
from engine.scripting import Entity, Registry, TriggerRuntime, loads


@event
class Shot(Event):
    target: int
    damage: int


registry = Registry()            # what trigger files may name
registry.events(Shot)
health = {7: 100}


@registry.behaviour
def damage(world: World, target: Entity, amount: int) -> None:
    """A behaviour: a named reaction with typed parameters, written once in Python."""
    health[target] -= amount
    print(f"  entity {target} loses {amount}: health {health[target]}")


RULES = """
[[trigger]]
name = "getting-shot-hurts"
on = "Shot"
when = "event.damage > 0"
do = [{ behaviour = "damage", target = "event.target", amount = "event.damage" }]
"""

world = World()
runtime = TriggerRuntime(world, registry)
runtime.add(loads(RULES, registry, "combat.toml"))   # a game would use runtime.load_files([...])
world.emit(Shot(target=7, damage=25))
world.emit(Shot(target=7, damage=0))                 # the condition is false: nothing happens
world.step()
print("fired", runtime.fired("getting-shot-hurts"), "time;", world.log.select("BehaviourRan")[0].describe())
