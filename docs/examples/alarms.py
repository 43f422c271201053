"""An alarm, as in cloud autoscaling: CPU above 70 % for 3 minutes in a row → add a server."""

from engine import Input, World, event
from engine.scripting import Registry, TriggerRuntime, loads


@event
class CpuMeasured(Input):   # one datapoint a minute from the monitoring agent: an input
    percent: float


registry = Registry()
registry.events(CpuMeasured)
registry.state("cpu", lambda world: world.resources["cpu"], changed_by=[CpuMeasured])


@registry.behaviour
def scale(world: World, by: int) -> None:
    """Add (or, with a negative number, remove) servers."""
    world.resources["servers"] += by
    print(f"minute {world.tick // 60:2}: {by:+} server -> {world.resources['servers']}")


RULES = """
[[alarm]]
name = "cpu-high"
when = "cpu.percent > 70"
every = 60    # evaluate once a minute: the period
for = 120     # the 1st, 2nd and 3rd breaching datapoints are 120 s apart: 3 evaluation periods
enter = [{ behaviour = "scale", by = 1 }]
exit = [{ behaviour = "scale", by = -1 }]
"""

world = World(tick_rate=1)   # one tick is one second
world.resources.update(cpu={"percent": 0}, servers=2)
world.subscribe(CpuMeasured, lambda e: world.resources["cpu"].update(percent=e.percent))
TriggerRuntime(world, registry).add(loads(RULES, registry, "autoscaling.toml"))
for percent in [40, 85, 90, 50, 80, 85, 95, 90, 60, 40, 30, 30, 30]:   # a spike, then real load
    world.emit(CpuMeasured(percent))
    world.run(60)
