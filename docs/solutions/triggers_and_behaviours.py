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
CLAMPED = [False]   # the page's damage lets health go below 0; the second run clamps it to 0..100


@registry.behaviour
def damage(world: World, target: Entity, amount: int) -> None:
    """Lower a target's health, as the page's behaviour does (a negative amount heals)."""
    health[target] -= amount
    if CLAMPED[0]:
        health[target] = max(0, min(100, health[target]))


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



def play() -> tuple[int, dict[str, int]]:
    """Fire the exercise's five shots at a fresh entity 7; its health after, and how often each trigger fired."""
    world, health[7] = World(), 100
    runtime = TriggerRuntime(world, registry)
    runtime.add(loads(RULES, registry, "combat.toml"))
    for amount in (25, 0, 40, 40, 0):
        world.emit(Shot(target=7, damage=amount))
    world.step()
    return health[7], {name: runtime.fired(name)
                       for name in ("getting-shot-hurts", "a-miss-is-a-relief", "heavy-hits-bleed")}


left, fired = play()
print("health", left, "| fired:", fired)   # 100 -25 +5 -40 -10 -40 +5: the second heavy hit is in the cooldown
assert left == -5 and fired == {"getting-shot-hurts": 3, "a-miss-is-a-relief": 2, "heavy-hits-bleed": 1}
CLAMPED[0] = True
print("health", play()[0], "with a damage that stops at 0 (the dead still get the +5 of the last miss)")
assert play()[0] == 5
