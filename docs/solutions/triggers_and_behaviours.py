"""Solution to the triggers-and-behaviours exercises: a heal on a miss, and a rule over two conditions."""

from engine import Event, World, event
from engine.scripting import Entity, Registry, TriggerRuntime, loads


@event
class Shot(Event):
    target: int
    damage: int


registry = Registry()
registry.events(Shot)
health = {7: 100}


@registry.behaviour
def damage(world: World, target: Entity, amount: int) -> None:
    """Lower a target's health, never below 0 (a negative amount heals, up to 100)."""
    health[target] = max(0, min(100, health[target] - amount))


RULES = """
[[trigger]]
name = "getting-shot-hurts"
on = "Shot"
when = "event.damage > 0"
do = [{ behaviour = "damage", target = "event.target", amount = "event.damage" }]

# Exercise 1: a miss (damage 0) heals the target by 5.
[[trigger]]
name = "a-miss-is-a-relief"
on = "Shot"
when = "event.damage == 0"
do = [{ behaviour = "damage", target = "event.target", amount = -5 }]

# Exercise 2: a heavy hit (over 30) costs 10 more, at most once every 2 seconds.
[[trigger]]
name = "heavy-hits-bleed"
on = "Shot"
when = "event.damage > 30"
cooldown = 2
do = [{ behaviour = "damage", target = "event.target", amount = 10 }]
"""

world = World()
runtime = TriggerRuntime(world, registry)
runtime.add(loads(RULES, registry, "combat.toml"))
for amount in (25, 0, 40, 40, 0):
    world.emit(Shot(target=7, damage=amount))
world.step()
print("health", health[7], "| fired:", {name: runtime.fired(name) for name in
                                         ("getting-shot-hurts", "a-miss-is-a-relief", "heavy-hits-bleed")})
assert health[7] == 5 and runtime.fired("heavy-hits-bleed") == 1
