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
class Died(Event):
    entity: int


# Exercise 1: three shots at 7 (30 health, 20 a shot). The one that takes health to 0 is blamed: the second;
# the third hits a body and causes nothing.
world, health = World(), {7: 30}


def hurt(e: Shot) -> None:
    alive, health[e.target] = health[e.target] > 0, max(0, health[e.target] - 20)
    if alive and health[e.target] == 0:
        world.emit(Died(e.target))


world.subscribe(Shot, hurt)
for _ in range(3):
    world.emit(Shot(target=7))
world.step()
root = world.why(world.log.select(Died)[0].offset)[0]
print(f"exercise 1: the death is blamed on {root.describe()} (shots were #1, #2, #3)")
assert root.offset == 2

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
