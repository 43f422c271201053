"""The game's shared state (a world resource) and the names triggers read.

Trigger expressions read ``player``, ``wanted``, ``frame``, ``population``
and ``tuning``; the ``*_view`` functions say what each offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import esper

from engine import World
from engine.record import Record
from game.city import City
from game.components import Health, Player, Position
from game.crowd import Crowd
from game.tuning import Tuning


@dataclass
class GameState:
    """Everything about the game that is not an entity's component."""

    city: City
    player: int = 0
    wanted: int = 0
    #: Tick at which a police unit last saw the player.
    last_seen_tick: int = 0
    #: Where police last saw (or heard of) the player.
    last_seen_at: tuple[float, float] = (0.0, 0.0)
    #: How many pedestrians the city normally has.
    population_normal: int = 40
    #: Fraction kept by the frame-rate alarm (1.0 = everyone).
    thinning: float = 1.0
    #: How many pedestrians may come or go a tick in the change under way (0: the usual
    #: spread; the frame-rate alarm's thinning goes faster, see game.population).
    change_share: int = 0
    #: True while a chase has emptied the streets.
    streets_cleared: bool = False
    #: Latest measured frame time (ms; 0 until one is measured: headless runs measure
    #: none) and the budget the frame-rate alarm guards.
    frame_ms: float = 0.0
    frame_budget_ms: float = 25.0
    wasted_count: int = 0
    #: The record of the last WantedLevelChanged: what the police answer to, so
    #: the units they send name it as their cause.
    wanted_record: Record | None = None
    #: The pedestrians, counted as they come and go (build_game adds it as a system).
    crowd: Crowd = field(default_factory=Crowd)
    #: The numbers behind the rules (assets/tuning.toml; ``tune`` changes them).
    tuning: Tuning = field(default_factory=Tuning)
    #: The player's score (cash collected, less penalties); changed only by ScoreChanged.
    score: int = 0
    #: Times the player was busted (arrested by the police).
    busted_count: int = 0
    #: Ticks of the run still to play (0 when the run has no time limit).
    ticks_left: int = 0
    #: Why the run ended ("time up", "wasted or busted too often"), or "" while it goes on.
    run_over: str = ""
    #: True while the police are ordered to shoot (the police-open-fire alarm), and the
    #: PoliceOpenedFire record of that order: the cause their shots name.
    police_firing: bool = False
    police_fire_record: Record | None = None
    #: True once the goons have stopped waiting (GoonsAlerted): a few safe seconds at the start.
    goons_alerted: bool = False

    @property
    def lose_after(self) -> float:
        """Seconds police must lose sight of the player to give up."""
        return self.tuning.escape_seconds

    @property
    def population_target(self) -> int:
        """How many pedestrians the city should have now.

        A thinned crowd keeps at least one person: a fifth of 2 rounds to
        nobody, and the crowd-grows-back trigger tells a street emptied by a
        chase from a thinned one by ``population.target > 0``, so an empty
        thinned city would never grow back.  (``thinning`` 0, asked for
        outright, still empties it.)"""
        if self.streets_cleared or not self.thinning > 0:
            return 0
        return max(min(1, self.population_normal), round(self.population_normal * self.thinning))


def game_state(world: World) -> GameState:
    """The world's :class:`GameState`."""
    return world.resources["game"]


@dataclass(frozen=True)
class PlayerView:
    """``player`` in expressions."""

    id: int
    health: int
    max_health: int
    x: float
    y: float
    in_vehicle: bool


@dataclass(frozen=True)
class WantedView:
    """``wanted`` in expressions."""

    level: int
    seconds_unseen: float


@dataclass(frozen=True)
class FrameView:
    """``frame`` in expressions: the measured frame time and its budget."""

    ms: float
    budget_ms: float


@dataclass(frozen=True)
class PopulationView:
    """``population`` in expressions."""

    current: int
    target: int
    normal: int
    thinning: float


@dataclass(frozen=True)
class RunView:
    """``run`` in expressions: the score and how the run stands."""

    score: int
    ticks_left: int
    wasted: int
    busted: int
    over: bool


def player_view(world: World) -> PlayerView:
    """Read the player for expressions."""
    state = game_state(world)
    world.activate()
    health = esper.component_for_entity(state.player, Health)
    position = esper.component_for_entity(state.player, Position)
    player = esper.component_for_entity(state.player, Player)
    return PlayerView(state.player, health.current, health.maximum, position.x, position.y,
                      player.vehicle is not None)


def wanted_view(world: World) -> WantedView:
    """Read the wanted level for expressions."""
    state = game_state(world)
    return WantedView(state.wanted, (world.tick - state.last_seen_tick) * world.dt)


def frame_view(world: World) -> FrameView:
    """Read the frame timing for expressions."""
    state = game_state(world)
    return FrameView(state.frame_ms, state.frame_budget_ms)


def population_view(world: World) -> PopulationView:
    """Read the pedestrian population for expressions."""
    state = game_state(world)
    world.activate()
    return PopulationView(state.crowd.standing_count(), state.population_target, state.population_normal,
                          state.thinning)


def run_view(world: World) -> RunView:
    """Read the run (score, time left, times wasted and busted) for expressions."""
    state = game_state(world)
    return RunView(state.score, state.ticks_left, state.wasted_count, state.busted_count, bool(state.run_over))


def tuning_view(world: World) -> Tuning:
    """Read the tuning for expressions (``tuning.police_speed``)."""
    return game_state(world).tuning
