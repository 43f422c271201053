"""A thermostat on the game engine: sensors in, a heater out, and no game at all.

Run it with ``python examples/thermostat.py``.  It simulates two hours of a
room on a cold day in about a second and prints what the thermostat did.

What it teaches:

* **Inputs come from outside.**  The temperature sensor and the window
  contact are outside the simulation; their readings enter the world as
  ``Input`` events (``TemperatureRead``, ``WindowOpened``), like key presses
  in the game.  The sensor's noise comes from its own seeded generator: a
  replay would not need it, since the readings themselves are in the log.
* **A system models the physics.**  ``heating`` runs every tick (one tick is
  one second here) and moves the room's true temperature.
* **Rules live in a data file.**  ``thermostat.toml`` holds an *alarm*
  ("too cold for 5 minutes → heater on; back to normal → heater off") and a
  *trigger* ("window opened → notify").  The example's own small
  :class:`Registry` says what those files may name.
* **Why did the heater turn on?**  The log answers with a causal chain that
  starts at the temperature reading that made the alarm go off.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from engine import Event, Input, World, event
from engine.scripting import Registry, TriggerRuntime

HERE = Path(__file__).resolve().parent
OUTSIDE = 2.0             # °C on the other side of the wall
LOSS = 1 / 3600           # the room loses this share of the gap to OUTSIDE each second
WINDOW_LOSS = 8 * LOSS    # ... and this much with the window open
HEATER = 0.012            # °C per second a running heater adds


# -- events ----------------------------------------------------------------------------------

@event
class TemperatureRead(Input):
    """The sensor measured the room."""

    celsius: float


@event
class WindowOpened(Input):
    """The window contact opened."""


@event
class WindowClosed(Input):
    """The window contact closed."""


@event
class HeaterSwitched(Event):
    """The heater was switched on or off."""

    on: bool


@event
class Notified(Event):
    """A message was sent to the owner's phone."""

    message: str


# -- state, physics and behaviours ----------------------------------------------------------------

@dataclass
class Room:
    """The room: its true temperature, and what the thermostat knows and controls."""

    true_celsius: float = 19.0
    celsius: float = 19.0        # the last reading: all the thermostat knows
    heater: bool = False
    window_open: bool = False


def heating(world: World) -> None:
    """System: one second of heat flowing out through the walls (and window), and in from the heater."""
    room: Room = world.resources["room"]
    loss = WINDOW_LOSS if room.window_open else LOSS
    room.true_celsius += (OUTSIDE - room.true_celsius) * loss * world.dt
    if room.heater:
        room.true_celsius += HEATER * world.dt


registry = Registry()
registry.events(TemperatureRead, WindowOpened, WindowClosed, HeaterSwitched, Notified)
registry.state("room", lambda world: world.resources["room"], changed_by=[TemperatureRead],
               doc="celsius (last reading), heater, window_open")


@registry.behaviour
def switch_heater(world: World, on: bool) -> None:
    """Switch the heater on or off."""
    room: Room = world.resources["room"]
    if room.heater != on:
        room.heater = on
        world.emit(HeaterSwitched(on))


@registry.behaviour
def notify(world: World, message: str) -> None:
    """Send a message to the owner."""
    world.emit(Notified(message))


def build(seed: int = 0) -> World:
    """A world with the room, its system, handlers for the inputs and the rules from thermostat.toml."""
    world = World(seed=seed, tick_rate=1)   # one tick is one second
    room = world.resources["room"] = Room()
    world.subscribe(TemperatureRead, lambda e: setattr(room, "celsius", e.celsius))
    world.subscribe(WindowOpened, lambda e: setattr(room, "window_open", True))
    world.subscribe(WindowClosed, lambda e: setattr(room, "window_open", False))
    world.add_system(heating)
    runtime = TriggerRuntime(world, registry)   # added last: alarms see the whole tick
    runtime.load_files([HERE / "thermostat.toml"], relative_to=HERE)
    return world


def run(world: World, minutes: int, seed: int = 0) -> None:
    """Feed the world a reading every minute and open the window for a while, as the real room would."""
    sensor = random.Random(seed)   # the sensor's own noise, outside the simulation
    room: Room = world.resources["room"]
    for _ in range(minutes * 60):
        if world.tick % 60 == 0:
            world.emit(TemperatureRead(round(room.true_celsius + sensor.gauss(0, 0.05), 1)))
        if world.tick == 70 * 60:
            world.emit(WindowOpened())
        if world.tick == 80 * 60:
            world.emit(WindowClosed())
        world.step()


def clock(tick: int) -> str:
    """``tick`` (seconds) as ``h:mm``."""
    return f"{tick // 3600}:{tick // 60 % 60:02d}"


def main() -> None:
    world = build()
    run(world, minutes=120)
    print("time  what happened")
    for record in world.log:   # pull: read the log after the fact
        if record.type == "TemperatureRead" and record.tick % (15 * 60) == 0:
            print(f"{clock(record.tick)}  the room reads {record.data['celsius']} °C")
        elif record.type == "HeaterSwitched":
            print(f"{clock(record.tick)}  heater {'ON' if record.data['on'] else 'off'}")
        elif record.type in ("AlarmEntered", "AlarmExited"):
            print(f"{clock(record.tick)}  alarm {record.data['alarm']!r} {record.type[5:].lower()}")
        elif record.type in ("WindowOpened", "WindowClosed"):
            print(f"{clock(record.tick)}  window {record.type[6:].lower()}")
        elif record.type == "Notified":
            print(f"{clock(record.tick)}  notified: {record.data['message']}")
    first_on = next(r for r in world.log.select(HeaterSwitched) if r.data["on"])
    print(f"\nwhy did the heater turn on at {clock(first_on.tick)}?")
    for depth, record in enumerate(world.why(first_on.offset)):
        print("  " * depth + ("└ " if depth else "") + record.describe())
    world.close()


if __name__ == "__main__":
    main()
