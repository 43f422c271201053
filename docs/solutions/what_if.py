"""Solution to the what-if exercises: the graph's loop, the health before a chase, the damage that kills."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from engine import codec
from engine.whatif import what_if
from engine.whatif_report import compare


def engine(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "engine", *args], check=True, capture_output=True,
                          text=True).stdout


with tempfile.TemporaryDirectory() as scratch:
    folder = Path(scratch)
    # Exercise 1: the graph's loop. Orange edges are those of a loop something can break.
    engine("graph", "-o", str(folder / "triggers.dot"))
    orange = [line for line in (folder / "triggers.dot").read_text().splitlines() if "#e08000" in line]
    print("exercise 1: the orange edges:", *(line.split("[")[0].strip() for line in orange), sep="\n  ")
    assert any('"event/HealthChanged" -> "reactor/wasted"' in line for line in orange)
    print("  the 'wasted' trigger heals the player, a HealthChanged it listens to itself; its condition "
          "(event.after <= 0) is false for a heal, which breaks the loop")

    # Exercise 2: the player's health at the end of the tick before the chase began.
    log = folder / "run3.jsonl"
    subprocess.run([sys.executable, "-m", "game", "--headless", "--seconds", "40", "--seed", "3",
                    "--events-out", str(log)], check=True, capture_output=True)
    entered = engine("trace", str(log), "--type", "AlarmEntered").splitlines()
    chase = next(line for line in entered if "alarm=police-chase" in line)
    tick = int(chase.split()[1].removeprefix("t="))
    table = engine("at", str(log), str(tick - 1), "--state", "player")
    health = next(line.split()[1] for line in table.splitlines() if line.split()[0] == "player.health")
    print(f"exercise 2: the chase began at tick {tick}; at the end of tick {tick - 1} the player had "
          f"{health} health")
    records = [r for r in codec.load(log) if r.tick < tick and r.type == "HealthChanged" and r.data["entity"] == 1]
    assert int(health) == (records[-1].data["after"] if records else 100)

    # Exercise 3: the smallest whole multiplier of bullet damage that gets the player wasted.
    def wasted_with(multiplier: int) -> bool:
        rules = folder / f"x{multiplier}"
        shutil.copytree("assets/triggers", rules)
        combat = rules / "combat.toml"
        combat.write_text(combat.read_text().replace('amount = "event.damage" }',
                                                     f'amount = "event.damage * {multiplier}" }}'))
        return compare(what_if(str(log), str(rules))).after["PlayerWasted"] > 0

    tried = {m: wasted_with(m) for m in range(1, 11)}
    smallest = min(m for m, wasted in tried.items() if wasted)
    print(f"exercise 3: with bullets doing {smallest}x their damage the player is wasted; "
          f"with {smallest - 1}x not")
    assert not any(tried[m] for m in range(1, smallest))
