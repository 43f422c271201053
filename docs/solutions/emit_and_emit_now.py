"""Solution to the emit-and-emit-now exercises: a bell that rings a bell, queued and immediate, and for ever."""

import contextlib
import io

from engine import Event, World, event


@event
class Bell(Event):
    n: int


def ring_order(now: bool) -> list[tuple[int, int]]:
    """Which bells ring in which tick when the handler of bell 1 rings bell 10 (queued, or now)."""
    world = World()
    rang: list[tuple[int, int]] = []

    def ring(e: Bell) -> None:
        rang.append((world.tick, e.n))
        if e.n == 1:   # exercise 1: emit another Bell from inside the Bell handler
            (world.emit_now if now else world.emit)(Bell(10))
        if e.n == 1:
            rang.append((world.tick, -1))   # marks "the handler of bell 1 has finished"

    world.subscribe(Bell, ring)
    world.add_system(lambda w: [w.emit(Bell(1)), w.emit(Bell(2))] if w.tick == 0 else None)
    world.run(2)
    return rang


queued, immediate = ring_order(now=False), ring_order(now=True)
print("emit:     ", queued)      # bell 10 rings in the same tick, after bell 2: the pump drains the queue
print("emit_now: ", immediate)   # bell 10 rings inside bell 1's handler, before it finishes
assert queued == [(0, 1), (0, -1), (0, 2), (0, 10)]
assert immediate == [(0, 1), (0, 10), (0, -1), (0, 2)]

# Exercise 2: a bell that rings the next one for ever. The engine cuts the chain at the cascade limit (64 deep),
# records a CascadeCut naming the loop, warns once on stderr, and the tick goes on.
world = World()
world.subscribe(Bell, lambda e: world.emit_now(Bell(e.n + 1)))
world.emit(Bell(1))
warning = io.StringIO()
with contextlib.redirect_stderr(warning):
    world.run(2)
cut = world.log.select("CascadeCut")[0]
print(f"for ever: {len(world.log.select(Bell))} bells, then {cut.describe()}")
print("the warning:", warning.getvalue().strip())
assert cut.data["reason"] == "depth" and world.tick == 2
