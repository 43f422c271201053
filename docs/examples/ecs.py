"""Entities, components and systems in esper: components hold state, events say what happened."""

from dataclasses import dataclass

import esper

from engine import Event, World, event


@dataclass
class Position:     # a component: plain data, no behaviour
    x: float


@dataclass
class Velocity:
    dx: float


@event
class ReachedFinish(Event):   # an event: a fact a system noticed, for anyone who cares
    entity: int


def movement(world: World) -> None:   # a system: runs every tick over a query of components
    for entity, (position, velocity) in esper.get_components(Position, Velocity):
        before, position.x = position.x, position.x + velocity.dx * world.dt
        if before < 100 <= position.x:
            world.emit(ReachedFinish(entity))


world = World(tick_rate=10)
hare = world.create_entity(Position(0), Velocity(50))     # an entity is just an id...
tortoise = world.create_entity(Position(60), Velocity(10))
rock = world.create_entity(Position(30))                 # ...and what it has decides what it is
world.add_system(movement)
world.subscribe(ReachedFinish, lambda e: print(f"tick {world.tick}: entity {e.entity} finished"))
world.run(50)
print({e: round(p.x) for e, p in esper.get_component(Position)}, "| rock moves?", esper.has_component(rock, Velocity))
