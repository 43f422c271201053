"""Solution to the alarm exercises: scale down only after 5 quiet minutes, and stop an alarm flapping."""

from engine import Input, World, event
from engine.scripting import Registry, TriggerRuntime, loads


@event
class CpuMeasured(Input):
    percent: float


def servers_over_time(rules: str, load: list[float]) -> list[int]:
    """Feed one datapoint a minute and return the number of servers after each minute."""
    registry = Registry()
    registry.events(CpuMeasured)
    registry.state("cpu", lambda world: world.resources["cpu"], changed_by=[CpuMeasured])

    @registry.behaviour
    def scale(world: World, by: int) -> None:
        """Add (or remove) servers."""
        world.resources["servers"] += by

    world = World(tick_rate=1)
    world.resources.update(cpu={"percent": 0}, servers=2)
    world.subscribe(CpuMeasured, lambda e: world.resources["cpu"].update(percent=e.percent))
    TriggerRuntime(world, registry).add(loads(rules, registry, "autoscaling.toml"))
    seen = []
    for percent in load:
        world.emit(CpuMeasured(percent))
        world.run(60)
        seen.append(world.resources["servers"])
    return seen


# Exercise 1: `for` holds both ways, so use two alarms: one adds fast (3 minutes high), one removes slowly
# (5 quiet minutes: for = 4 * 60 from the first quiet datapoint), each undoing nothing on exit.
TWO_ALARMS = """
[[alarm]]
name = "cpu-high"
when = "cpu.percent > 70"
every = 60
for = 120
enter = [{ behaviour = "scale", by = 1 }]

[[alarm]]
name = "cpu-quiet"
when = "cpu.percent <= 70"
every = 60
for = 240
enter = [{ behaviour = "scale", by = -1 }]
"""
load = [80, 85, 90, 50, 40, 40, 40, 40, 40, 40]
scaled = servers_over_time(TWO_ALARMS, load)
print("exercise 1, servers each minute:", scaled)   # up at the 3rd high minute, down at the 5th quiet one
assert scaled == [2, 2, 3, 3, 3, 3, 3, 2, 2, 2]

# Exercise 2: CPU hovering around 70 makes a `for = 0` alarm flap: a server up, down, up... every minute.
# Requiring the condition to hold for 3 datapoints (`for = 120`), both ways, keeps only the real change.
FLAPPING = """
[[alarm]]
name = "cpu-high"
when = "cpu.percent > 70"
every = 60
enter = [{ behaviour = "scale", by = 1 }]
exit = [{ behaviour = "scale", by = -1 }]
"""
STEADY = FLAPPING.replace("every = 60", "every = 60\nfor = 120")
hover = [72, 68, 76, 69, 74, 66, 71, 80, 85, 90, 88, 55, 50, 45, 40]


def changes(servers: list[int]) -> int:
    """How many times the number of servers changed."""
    return sum(a != b for a, b in zip([2, *servers], servers, strict=False))


flapping, steady = servers_over_time(FLAPPING, hover), servers_over_time(STEADY, hover)
print(f"exercise 2: for = 0 changed the servers {changes(flapping)} times: {flapping}")
print(f"            for = 120 changed them {changes(steady)} times:  {steady}")
assert changes(steady) == 2 and changes(flapping) > 6
