"""Solution to the publish-subscribe exercises: an entity filter on a subtype, and a handler that leaves by itself."""

from engine import Event, World, event


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


@event
class Headshot(Shot):
    """A kind of Shot."""


world = World()
heard: list[str] = []
# Exercise 1: a Headshot handler for entity 3 hears only headshots at 3: not plain shots at 3, not headshots at 7.
world.subscribe(Headshot, lambda e: heard.append(f"{type(e).__name__} at {e.target}"), entity=3)

# Exercise 2: a handler that hears the first two shots of any kind, then cancels its own subscription.
first_two: list[int] = []


def count_two(e: Shot) -> None:
    first_two.append(e.target)
    if len(first_two) == 2:
        subscription.cancel()


subscription = world.subscribe(Shot, count_two)
for shot in (Shot(1, 3, 10), Headshot(1, 7, 90), Headshot(1, 3, 90), Shot(1, 3, 5)):
    world.emit_now(shot)
print("the entity-3 headshot handler heard:", heard)
print("the counting handler heard targets", first_two, "and then left")
assert heard == ["Headshot at 3"] and first_two == [3, 7]
