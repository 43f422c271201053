"""Queued vs. immediate: emit() waits for the next pump, emit_now() runs handlers now."""

from engine import Event, World, event


@event
class Bell(Event):
    n: int


world = World()
world.subscribe(Bell, lambda e: print(f"    ring {e.n}"))


def bell_ringer(w: World) -> None:
    print("system starts")
    w.emit(Bell(1))
    print("  emitted 1: queued")
    w.emit_now(Bell(2))
    print("  emitted 2 now: its handlers have run already")
    w.emit(Bell(3))
    print("  emitted 3: queued")
    print("system ends; the world pumps the queue")


world.add_system(bell_ringer)
world.step()
print("in the log, in the order they happened:", [r.data["n"] for r in world.log.select(Bell)])
