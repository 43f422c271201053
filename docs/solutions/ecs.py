"""Solution to the ECS exercises: a Fuel component, a system that burns it, and roles changed at run time."""

from dataclasses import dataclass

import esper

from engine import Event, World, event


@dataclass
class Position:
    x: float


@dataclass
class Velocity:
    dx: float


@dataclass
class Fuel:
    litres: float


@event
class RanOutOfFuel(Event):
    entity: int


def movement(world: World) -> None:
    for _, (position, velocity) in esper.get_components(Position, Velocity):
        position.x += velocity.dx * world.dt


def burn_fuel(world: World) -> None:
    """Exercise 1: only entities with both Fuel and Velocity burn; at zero they lose their Velocity."""
    for entity, (fuel, _) in esper.get_components(Fuel, Velocity):
        fuel.litres = max(0.0, fuel.litres - 0.5)
        if fuel.litres == 0:
            esper.remove_component(entity, Velocity)   # the same entity, now scenery
            world.emit(RanOutOfFuel(entity))


world = World(tick_rate=10)
hare = world.create_entity(Position(0), Velocity(50), Fuel(10))
tortoise = world.create_entity(Position(60), Velocity(10))
rock = world.create_entity(Position(30))
world.add_system(movement)
world.add_system(burn_fuel)
stopped: dict[int, int] = {}
world.subscribe(RanOutOfFuel, lambda e: stopped.setdefault(e.entity, world.tick))
world.run(30)
print(f"the hare ran out of fuel at tick {stopped[hare]}, at x = {esper.component_for_entity(hare, Position).x:.0f}")

# Exercise 2: roles are components: add and remove them while the world runs.
world.activate()
esper.add_component(tortoise, Fuel(2))       # the tortoise becomes a racer with fuel...
esper.add_component(rock, Velocity(5))       # ...and the rock a racer
world.run(10)
print(f"the tortoise stopped at tick {stopped[tortoise]}; the rock moved to x = "
      f"{esper.component_for_entity(rock, Position).x:.0f} and has no fuel: {not esper.has_component(rock, Fuel)}")
assert stopped[hare] == 19 and esper.component_for_entity(hare, Position).x == 100
assert not esper.has_component(tortoise, Velocity) and esper.has_component(rock, Velocity)
