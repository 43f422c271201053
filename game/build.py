"""Assemble a game: the world, its entities, systems and triggers.

Everything here goes through the engine's public API, as any user's game would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import World
from engine.scripting import TriggerRuntime
from engine.scripting.extensions import Extensions, load_extensions, load_recorded
from game.audio import SilentAudio
from game.city import TILE, City
from game.passability import passability
from game.population import arrive_and_leave, keep_population, reconcile
from game.registry import make_registry
from game.spatial import SpatialIndex
from game.state import GameState
from game.systems.air_support import fly_helicopters
from game.systems.arrest import Arrests
from game.systems.cash import CashDrops, collect_cash
from game.systems.combat import fade_tracers
from game.systems.control import PlayerControl
from game.systems.crashes import crashes
from game.systems.frame_time import FrameTime
from game.systems.movement import move, run_over
from game.systems.people import Pedestrians, goons
from game.systems.police import PoliceChase
from game.systems.roadblocks import roadblocks
from game.systems.run_clock import run_clock
from game.systems.spawning import BODY_RADII, spawn_car, spawn_goon, spawn_player
from game.traffic import TrafficFlow, fill
from game.tuning import Tuning, changed_from_defaults, load_tuning

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
TRIGGERS = ASSETS / "triggers"

#: The most pedestrians a city can have (``python -m game --npcs`` says the same).
MAX_NPCS = 5000

#: The player starts on the sidewalk of block (1, 1), facing the road east.
START_BLOCK = (1, 1)
#: Parked cars stand this far from the road's middle line, at the kerb: out of the traffic's lanes.
KERB = 82


#: Reactions per pedestrian allowed in one tick.  The biggest legitimate
#: tick (the first share of the departures when a chase empties the streets,
#: which are spread over 16 to 48 ticks; the chase's own tick makes about
#: 20) makes 40 reactions with 40 pedestrians, 124 with 1,000 and 624 with
#: 5,000 (measured over the autopilot's 60 s, seed 0): one a pedestrian is
#: an 8-fold margin at 1,000 and at 5,000.
REACTIONS_PER_NPC = 1
#: The least budget, for a small crowd: 15 times the 40-pedestrian chase.
MIN_REACTION_BUDGET = 600


def reaction_budget_for(npcs: int) -> int:
    """The per-tick reaction budget of a city with ``npcs`` pedestrians: wide
    enough for its biggest legitimate tick, small enough that a runaway
    trigger costs a bounded, small amount of work per tick at any crowd size
    (see benchmarks/README.md, bench_runaway)."""
    return max(MIN_REACTION_BUDGET, REACTIONS_PER_NPC * npcs)


@dataclass
class Game:
    """A running game: its world, its trigger runtime and its shared state."""

    world: World
    runtime: TriggerRuntime
    state: GameState
    options: dict[str, Any] = field(default_factory=dict)
    #: The Python extensions loaded from the trigger folders (none: an empty set).
    extensions: Extensions | None = None

    @property
    def player(self) -> int:
        """The player's entity id."""
        return self.state.player


def build_game(seed: int = 0, npcs: int = 40, audio: SilentAudio | None = None,
               triggers: Path | Sequence[Path] | None = TRIGGERS, options: dict[str, Any] | None = None,
               extensions: Mapping[str, str] | None = None, tuning: Tuning | None = None) -> Game:
    """A new game world, ready to step.

    ``triggers`` is the folder (or folders) of trigger files and Python
    extensions to install (None: none, for a replay, which installs the
    trigger files its log recorded).  ``extensions`` (name -> SHA-256, as a
    run records them) loads those extension files instead, refusing any that
    is missing or changed.  ``tuning`` defaults to ``assets/tuning.toml``.
    ``npcs`` is 0 to :data:`MAX_NPCS` (ValueError otherwise).
    Raises :class:`~engine.scripting.TriggerFileError` for a broken trigger
    file or extension, :class:`~game.tuning.TuningError` for a bad tuning file.
    """
    if not 0 <= npcs <= MAX_NPCS:
        raise ValueError(f"npcs must be 0 to {MAX_NPCS} pedestrians, got {npcs!r}")
    tuning = load_tuning() if tuning is None else tuning
    folders = [] if triggers is None else [triggers] if isinstance(triggers, Path) else list(triggers)
    if extensions is not None:
        loaded = load_recorded(extensions, make_registry(), relative_to=ROOT)
    else:
        loaded = load_extensions(folders, make_registry(), relative_to=ROOT)
    # "game" names the entry point that `python -m engine replay` rebuilds this world with.
    run_options = {"game": "wanted", "npcs": npcs, **(options or {})}
    if loaded.digests:
        run_options["extensions"] = loaded.digests  # so a replay loads the same code, or refuses
    if changed_from_defaults(tuning):
        run_options["tuning"] = changed_from_defaults(tuning)  # so a replay plays by the same numbers
    world = World(seed=seed, options=run_options, reaction_budget=reaction_budget_for(npcs))
    city = City(seed=seed)
    state = GameState(city=city, population_normal=npcs, tuning=tuning,
                      ticks_left=round(tuning.run_minutes * 60 * world.tick_rate))
    world.resources["game"] = state
    world.resources["audio"] = audio if audio is not None else SilentAudio()
    world.add_system(state.crowd)  # first: it counts every pedestrian from the first one
    world.resources["spatial"] = world.add_system(SpatialIndex())  # and indexes every body
    for radius in BODY_RADII:
        passability(city, radius)  # made now, not in the tick the first police car drives
    flow = world.resources["traffic"] = TrafficFlow()
    _populate(world, state)

    world.add_system(FrameTime(world))
    world.add_system(keep_population)   # before arrive_and_leave: a booking waits for the next tick anyway
    world.add_system(arrive_and_leave)
    world.add_system(PlayerControl(world))
    world.add_system(goons)
    world.add_system(Pedestrians(world))
    world.add_system(flow)
    world.add_system(fly_helicopters)  # before the chase: its radar counts in who sees the player
    world.add_system(PoliceChase())
    world.add_system(move)
    world.add_system(roadblocks)  # after movement: undoes moves into a roadblock
    world.add_system(crashes)     # after the roadblocks: a car they stop at speed has crashed
    world.add_system(run_over)
    world.add_system(Arrests())
    world.add_system(fade_tracers)
    world.add_system(CashDrops())
    world.add_system(collect_cash)
    world.add_system(run_clock)
    runtime = TriggerRuntime(world, loaded.registry)  # added last: alarms see the whole tick
    if loaded.triggers.names:
        runtime.add(loaded.triggers)
    if folders:
        # Queued as a TriggersLoaded input after the city's first events, as a
        # replay feeds it: both install the files at the first tick's pump.
        runtime.load_files(folders, relative_to=ROOT)
    return Game(world, runtime, state, run_options, loaded)


def _populate(world: World, state: GameState) -> None:
    city = state.city
    bx, by = City.block_origin(*START_BLOCK)
    # Start on the block's east sidewalk, next to the road.
    px, py = bx + 5.5 * TILE, by + 2.5 * TILE
    state.player = spawn_player(world, px, py)
    # A car parked on the road just east of the start, and a few more around.
    road_x = City.road_center(START_BLOCK[0] + 1)
    spawn_car(world, road_x - KERB, py + 3 * TILE, angle=math.pi / 2)
    for i, j in ((0, 2), (3, 1), (2, 3), (4, 4)):
        x, y = City.road_center(i) + KERB, City.block_origin(i, j)[1] + 2 * TILE
        if x < city.size_px:
            spawn_car(world, x, y, angle=-math.pi / 2)
    # Goons hang around the corner north of the start, just out of range:
    # the player chooses when to walk into trouble.
    for dx, dy in ((-1.2, -5.3), (0.0, -5.6), (1.0, -5.2))[:state.tuning.goons]:
        spawn_goon(world, px + dx * TILE * 0.6, py + dy * TILE)
    reconcile(world, "the city wakes up", spread=False)
    fill(world)  # and the traffic drives
