"""Hello, events: one event type, one handler, one system, three ticks."""

from engine import Event, World, event


@event
class Greeted(Event):
    """Somebody was greeted (events are facts, so their names are in the past tense)."""

    name: str


world = World(seed=0)
world.subscribe(Greeted, lambda e: print(f"tick {world.tick}: hello, {e.name}!"))
world.add_system(lambda w: w.emit(Greeted("world")) if w.tick == 1 else None)
world.run(3)

for record in world.log:
    print(record.describe())
