"""Event vs. command: a command asks one receiver to act; an event tells everyone it happened."""

from engine import Event, World, event


@event
class DoorOpened(Event):
    room: str


class Door:
    def __init__(self, world: World) -> None:
        self.world, self.locked = world, True

    def open(self) -> bool:
        """A command: one receiver, which may refuse."""
        if self.locked:
            return False
        self.world.emit(DoorOpened("kitchen"))   # an event: a fact, for whoever listens
        return True


world = World()
door = Door(world)
world.subscribe(DoorOpened, lambda e: print(f"  lights on in the {e.room}"))
world.subscribe(DoorOpened, lambda e: print("  the cat runs out"))

print("open:", door.open())      # refused: nothing happened, nothing is recorded
door.locked = False
print("open:", door.open())      # accepted: the event is recorded and queued
world.step()                     # ... and delivered to both listeners during the step
print([record.type for record in world.log])
