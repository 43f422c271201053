"""What the game offers trigger files: its events, behaviours and state names.

``python -m engine check assets/triggers`` finds :func:`make_registry`
through the ``wanted.registries`` entry point in pyproject.toml.  Every call
makes a new registry: each game owns its own, so what one game's extensions
add is never seen by another game in the same process.
"""

from __future__ import annotations

import esper

from engine import Despawned, World
from engine.scripting import Entity, Registry
from game.arrest import arrest
from game.audio import Sound
from game.components import Corpse, Goon, Health, Player, Police, Position, Vehicle, Velocity
from game.escalation import (
    call_helicopter,
    clear_roadblocks,
    place_roadblock,
    police_hold_fire,
    police_open_fire,
    send_helicopter_away,
)
from game.events import (
    GAME_EVENTS,
    Busted,
    CashAppeared,
    CrimeCommitted,
    Died,
    EnteredVehicle,
    ExitedVehicle,
    FrameTimeMeasured,
    HealthChanged,
    HelicopterArrived,
    HelicopterLeft,
    NPCDespawned,
    NPCSpawned,
    PlayerReleased,
    PlayerRespawned,
    PlayerWasted,
    PoliceHeldFire,
    PoliceLeft,
    PoliceOpenedFire,
    PopulationChanged,
    RoadblockCleared,
    RoadblockPlaced,
    RunEnded,
    ScoreChanged,
    SoundStarted,
    SoundStopped,
    SuspectSighted,
    TimeRanOut,
    TrafficDespawned,
    TrafficSpawned,
    TuningChanged,
    VehicleDamaged,
    VehicleHealed,
    VehicleWrecked,
    WantedLevelChanged,
)
from game.population import clear_fallen, reconcile
from game.score import add_score, drop_cash, end_run
from game.state import frame_view, game_state, player_view, population_view, run_view, tuning_view, wanted_view
from game.traffic import clear_traffic, restore_traffic
from game.tuning import FIELDS as TUNING_FIELDS
from game.tuning import check_tune, tune
from game.vehicles import damage_vehicle, use_first_aid, wreck_vehicle

MAX_WANTED = 5

# What each behaviour may emit (``check`` follows these to find trigger loops;
# tests/test_registry_emits.py holds every behaviour to its declaration).
#: A change of health: the target may die, and a dead police unit leaves.
HEALTH_EVENTS = (HealthChanged, Died, PoliceLeft, Despawned)
#: The pedestrians are brought to their target number (game.population.reconcile).
POPULATION_EVENTS = (PopulationChanged, NPCSpawned, NPCDespawned, Despawned)


def _set_health(world: World, target: int, value: int) -> None:
    world.activate()
    health = esper.try_component(target, Health)
    if health is None or esper.has_component(target, Corpse):
        return
    before = health.current
    health.current = max(0, min(health.maximum, value))
    if health.current == before:
        return
    world.emit(HealthChanged(target, before, health.current))
    if health.current == 0 and not esper.has_component(target, Player):
        kind = ("police" if esper.has_component(target, Police)
                else "goon" if esper.has_component(target, Goon) else "person")
        world.emit(Died(target, kind))
        if kind == "police":
            world.emit(PoliceLeft(target))
            world.despawn(target)
        else:
            esper.add_component(target, Corpse())
            velocity = esper.try_component(target, Velocity)
            if velocity is not None:
                velocity.x = velocity.y = 0.0


def damage(world: World, target: Entity, amount: int) -> None:
    """Lower the target's health by ``amount`` (never below 0)."""
    world.activate()
    health = esper.try_component(target, Health)
    if health is not None:
        _set_health(world, target, health.current - max(0, amount))


def heal(world: World, target: Entity, amount: int) -> None:
    """Raise the target's health by ``amount`` (never above its maximum)."""
    world.activate()
    health = esper.try_component(target, Health)
    if health is not None:
        _set_health(world, target, health.current + max(0, amount))


def play_sound(world: World, sound: Sound, loop: bool = False) -> None:
    """Play a sound from assets/sounds (``loop`` keeps it going until ``stop_sound``)."""
    world.resources["audio"].play(world, sound, loop)


def stop_sound(world: World, sound: Sound) -> None:
    """Stop a looping sound."""
    world.resources["audio"].stop(world, sound)


def _set_wanted(world: World, level: int) -> None:
    state = game_state(world)
    level = max(0, min(MAX_WANTED, level))
    if level == state.wanted:
        return
    before, state.wanted = state.wanted, level
    if level > before:
        # The police know where the crime happened.
        world.activate()
        position = esper.component_for_entity(state.player, Position)
        state.last_seen_tick = world.tick
        state.last_seen_at = (position.x, position.y)
    state.wanted_record = world.emit(WantedLevelChanged(before, level))


def raise_wanted(world: World, amount: int = 1) -> None:
    """Add stars to the wanted level (at most 5)."""
    _set_wanted(world, game_state(world).wanted + amount)


def clear_wanted(world: World) -> None:
    """Set the wanted level back to 0."""
    _set_wanted(world, 0)


def report_crime(world: World, kind: str, severity: int = 1) -> None:
    """Record a crime at the player's position (the wanted triggers react to it)."""
    world.activate()
    position = esper.component_for_entity(game_state(world).player, Position)
    world.emit(CrimeCommitted(kind, severity, (round(position.x, 1), round(position.y, 1))))


def despawn_npcs(world: World) -> None:
    """Empty the streets: every pedestrian leaves, and none come back until ``respawn_npcs``."""
    game_state(world).streets_cleared = True
    reconcile(world, "a chase empties the streets")
    clear_fallen(world)  # at once: nobody is left lying in the empty streets


def respawn_npcs(world: World) -> None:
    """Let the people come back to the streets."""
    game_state(world).streets_cleared = False
    reconcile(world, "streets are safe again")


def thin_population(world: World, fraction: float) -> None:
    """Keep only ``fraction`` of the normal pedestrians (to save frame time), the
    others leaving within a few ticks (frames are over budget already: see game.population)."""
    game_state(world).thinning = max(0.0, min(1.0, fraction))
    reconcile(world, "frame budget exceeded", batch=True)


def restore_population(world: World, fraction: float = 1.0) -> None:
    """Bring the pedestrians back up to ``fraction`` of the normal crowd (all of
    them by default; never fewer than now)."""
    state = game_state(world)
    state.thinning = max(state.thinning, min(1.0, fraction))
    reconcile(world, "frame budget has headroom")


def police_stand_down(world: World) -> None:
    """Every police unit leaves."""
    world.activate()
    for entity, _ in sorted(esper.get_component(Police)):
        world.emit(PoliceLeft(entity))
        world.despawn(entity)


def wasted(world: World, target: Entity) -> None:
    """The player is wasted: he wakes at the hospital, healed, with no stars."""
    state = game_state(world)
    world.activate()
    player = esper.component_for_entity(target, Player)
    state.wasted_count += 1
    world.emit(PlayerWasted(target))
    if player.vehicle is not None:
        esper.component_for_entity(player.vehicle, Vehicle).driver = None
        player.vehicle = None
    player.firing, player.move = False, (0, 0)
    position = esper.component_for_entity(target, Position)
    position.x, position.y = state.city.hospital_door
    world.emit(PlayerRespawned(target, state.city.hospital_door))
    health = esper.component_for_entity(target, Health)
    _set_health(world, target, health.maximum)
    _set_wanted(world, 0)


#: Every behaviour of the game, with the event types it may emit.
BEHAVIOURS = (
    (damage, HEALTH_EVENTS), (heal, HEALTH_EVENTS), (play_sound, (SoundStarted,)), (stop_sound, (SoundStopped,)),
    (raise_wanted, (WantedLevelChanged,)), (clear_wanted, (WantedLevelChanged,)), (report_crime, (CrimeCommitted,)),
    (despawn_npcs, POPULATION_EVENTS), (respawn_npcs, POPULATION_EVENTS), (thin_population, POPULATION_EVENTS),
    (restore_population, POPULATION_EVENTS), (police_stand_down, (PoliceLeft, Despawned)),
    (wasted, (PlayerWasted, PlayerRespawned, HealthChanged, WantedLevelChanged)),
    (tune, (TuningChanged,)),
    (add_score, (ScoreChanged,)), (end_run, (RunEnded,)), (drop_cash, (CashAppeared,)),
    (use_first_aid, (VehicleHealed, *HEALTH_EVENTS)), (damage_vehicle, (VehicleDamaged,)),
    (wreck_vehicle, (VehicleWrecked, ExitedVehicle)),
    (clear_traffic, (TrafficDespawned, Despawned)), (restore_traffic, (TrafficSpawned,)),
    # Five wanted levels (game/escalation.py) and busted (game/arrest.py).
    (police_open_fire, (PoliceOpenedFire,)), (police_hold_fire, (PoliceHeldFire,)),
    (place_roadblock, (RoadblockPlaced,)), (clear_roadblocks, (RoadblockCleared, Despawned)),
    (call_helicopter, (HelicopterArrived,)), (send_helicopter_away, (HelicopterLeft, Despawned)),
    (arrest, (PlayerReleased,)),
)
#: Load-time checks of constant parameters, for behaviours whose limits are known before they run.
VALIDATORS = {tune: check_tune}

#: What changes each field of each state name (an empty list: no event does;
#: a position moves every tick, a maximum never changes).  An alarm on a
#: field names the latest of these records as its cause;
#: tests/test_state_changes.py holds every field to its declaration.
STATE_CHANGES = {
    "player": {"id": [], "health": [HealthChanged], "max_health": [], "x": [PlayerRespawned, PlayerReleased],
               "y": [PlayerRespawned, PlayerReleased],
               "in_vehicle": [EnteredVehicle, ExitedVehicle, PlayerWasted, PlayerReleased]},
    "wanted": {"level": [WantedLevelChanged], "seconds_unseen": [SuspectSighted, WantedLevelChanged]},
    "frame": {"ms": [FrameTimeMeasured], "budget_ms": []},
    "population": {"current": [NPCSpawned, NPCDespawned, Died], "target": [PopulationChanged], "normal": [],
                   "thinning": [PopulationChanged]},
    "tuning": {name: [TuningChanged] for name in TUNING_FIELDS},
    "run": {"score": [ScoreChanged], "ticks_left": [TimeRanOut], "wasted": [PlayerWasted], "busted": [Busted],
            "over": [RunEnded]},
}
#: Fields that also change without any event, every tick (a position, a
#: time since): an alarm on them names the latest declared event, or none.
DRIFTING = frozenset({"player.x", "player.y", "wanted.seconds_unseen", "run.ticks_left"})
STATE_VIEWS = {"player": (player_view, "id, health, max_health, x, y, in_vehicle"),
               "wanted": (wanted_view, "level (0-5), seconds_unseen"),
               "frame": (frame_view, "ms (measured frame time), budget_ms"),
               "population": (population_view, "current, target, normal, thinning"),
               "run": (run_view, "score, ticks_left (0: no time limit), wasted, busted, over"),
               "tuning": (tuning_view, "the numbers in assets/tuning.toml: " + ", ".join(TUNING_FIELDS))}


def make_registry() -> Registry:
    """A new registry of the game's events, behaviours and state names, its
    built-in names sealed (the entry point for ``python -m engine check``)."""
    registry = Registry()
    registry.events(*GAME_EVENTS)
    for name, (read, doc) in STATE_VIEWS.items():
        registry.state(name, read, changed_by=STATE_CHANGES[name], doc=doc)
    for function, emits in BEHAVIOURS:
        registry.add_behaviour(function, emits=emits, validate=VALIDATORS.get(function))
    registry.seal()
    return registry
