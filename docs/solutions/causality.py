"""Solution to the causality exercises: which Shot is blamed for a death, and which trigger emptied a street."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from engine import Event, World, event


@event
class Shot(Event):
    target: int


@event
class HealthChanged(Event):
    entity: int
    after: int


@event
class Died(Event):
    entity: int


# Exercise 1: the page's program as it is, with a third shot.
world, health = World(), {7: 30}


def hurt(e: Shot) -> None:
    health[e.target] = max(0, health[e.target] - 20)
    world.emit(HealthChanged(e.target, health[e.target]))   # its cause is the Shot: automatic


world.subscribe(Shot, hurt)
world.subscribe(HealthChanged, lambda e: world.emit(Died(e.entity)) if e.after == 0 else None)
for _ in range(3):
    world.emit(Shot(target=7))
world.step()
deaths = world.log.select(Died)
blamed = [world.why(d.offset)[0] for d in deaths]
print(f"exercise 1: the death is blamed on {blamed[0].describe()} (shots were #1, #2, #3); the third shot "
      f"causes another HealthChanged(after=0) and a second Died, blamed on #{blamed[1].offset}: "
      "the rule 'after == 0' does not know 7 was already dead")
assert [b.offset for b in blamed] == [2, 3]
# The fix: a death is a change to 0, not being at 0. The handler compares with the health before.
world, health = World(), {7: 30}


def hurt_once(e: Shot) -> None:
    before, health[e.target] = health[e.target], max(0, health[e.target] - 20)
    if health[e.target] != before:
        world.emit(HealthChanged(e.target, health[e.target]))


world.subscribe(Shot, hurt_once)
world.subscribe(HealthChanged, lambda e: world.emit(Died(e.entity)) if e.after == 0 else None)
for _ in range(3):
    world.emit(Shot(target=7))
world.step()
print(f"           with the health compared before and after: {len(world.log.select(Died))} death, "
      "and the third shot causes nothing")
assert len(world.log.select(Died)) == 1 and not [r for r in world.log if r.cause == 3]


# Exercise 2: a real game. Record seed 3's run, take the first pedestrian that left the streets, ask why.
with tempfile.TemporaryDirectory() as folder:
    log = Path(folder) / "run.jsonl"
    subprocess.run([sys.executable, "-m", "game", "--headless", "--seconds", "40", "--seed", "3",
                    "--events-out", str(log)], check=True, capture_output=True)
    gone = subprocess.run([sys.executable, "-m", "engine", "trace", str(log), "--type", "NPCDespawned"],
                          check=True, capture_output=True, text=True).stdout.splitlines()[0]
    offset = gone.split()[0].lstrip("#")
    chain = subprocess.run([sys.executable, "-m", "engine", "why", str(log), offset],
                           check=True, capture_output=True, text=True).stdout.splitlines()
triggers = re.findall(r"trigger=(\S+)", "\n".join(chain))
print(f"exercise 2: {gone.split(' <- ')[0]} was despawned by trigger {triggers[-1]!r}, "
      f"after {triggers[:-1]}; the chain starts at {chain[0].split(' held')[0]}")
assert triggers[-1] == "police-chase" and "Input" in chain[0]
