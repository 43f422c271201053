"""Solution to the events-and-commands exercises: a counting listener, and a refusal that is worth recording."""

from engine import Event, World, event


@event
class DoorOpened(Event):
    room: str


@event
class DoorRefused(Event):
    """Exercise 2: "the door refused to open" is a fact too, once somebody cares about it."""

    room: str


class Door:
    def __init__(self, world: World) -> None:
        self.world, self.locked = world, True

    def open(self) -> bool:
        """The command: one receiver, which may refuse (and now says so, as an event)."""
        if self.locked:
            self.world.emit(DoorRefused("kitchen"))
            return False
        self.world.emit(DoorOpened("kitchen"))
        return True


world = World()
door = Door(world)
opened = {"count": 0}
world.subscribe(DoorOpened, lambda e: opened.update(count=opened["count"] + 1))   # exercise 1: a third listener
for locked in (True, False, False, True, False):
    door.locked = locked
    door.open()
    world.step()
refusals = len(world.log.select(DoorRefused))   # exercise 2: counted from the log alone, no listener needed
print(f"the door opened {opened['count']} times and refused {refusals} times")
assert (opened["count"], refusals) == (3, 2)
