"""What the game offers trigger files: its events, behaviours and state names.

``python -m engine check assets/triggers`` finds this module through the
``wanted.registries`` entry point in pyproject.toml.
"""

from __future__ import annotations

import esper

from engine import Despawned, World
from engine.scripting import Entity, Registry
from game.audio import Sound
from game.components import Corpse, Goon, Health, Player, Police, Position, Vehicle, Velocity
from game.events import (
    GAME_EVENTS,
    CrimeCommitted,
    Died,
    FrameTimeMeasured,
    HealthChanged,
    NPCDespawned,
    NPCSpawned,
    PlayerRespawned,
    PlayerWasted,
    PoliceLeft,
    PopulationChanged,
    SoundStarted,
    SoundStopped,
    WantedLevelChanged,
)
from game.population import clear_all, reconcile
from game.state import frame_view, game_state, player_view, population_view, wanted_view

MAX_WANTED = 5

# What each behaviour may emit (``check`` follows these to find trigger loops;
# tests/test_registry_emits.py holds every behaviour to its declaration).
#: A change of health: the target may die, and a dead police unit leaves.
HEALTH_EVENTS = (HealthChanged, Died, PoliceLeft, Despawned)
#: The pedestrians are brought to their target number (game.population.reconcile).
POPULATION_EVENTS = (PopulationChanged, NPCSpawned, NPCDespawned, Despawned)

registry = Registry()
registry.events(*GAME_EVENTS)
registry.state("player", player_view, changed_by=[HealthChanged], doc="id, health, max_health, x, y, in_vehicle")
registry.state("wanted", wanted_view, changed_by=[WantedLevelChanged], doc="level (0-5), seconds_unseen")
registry.state("frame", frame_view, changed_by=[FrameTimeMeasured], doc="ms (measured frame time), budget_ms")
registry.state("population", population_view, changed_by=[NPCSpawned, NPCDespawned],
               doc="current, target, normal, thinning")


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


@registry.behaviour(emits=HEALTH_EVENTS)
def damage(world: World, target: Entity, amount: int) -> None:
    """Lower the target's health by ``amount`` (never below 0)."""
    world.activate()
    health = esper.try_component(target, Health)
    if health is not None:
        _set_health(world, target, health.current - max(0, amount))


@registry.behaviour(emits=HEALTH_EVENTS)
def heal(world: World, target: Entity, amount: int) -> None:
    """Raise the target's health by ``amount`` (never above its maximum)."""
    world.activate()
    health = esper.try_component(target, Health)
    if health is not None:
        _set_health(world, target, health.current + max(0, amount))


@registry.behaviour(emits=[SoundStarted])
def play_sound(world: World, sound: Sound, loop: bool = False) -> None:
    """Play a sound from assets/sounds (``loop`` keeps it going until ``stop_sound``)."""
    world.resources["audio"].play(world, sound, loop)


@registry.behaviour(emits=[SoundStopped])
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


@registry.behaviour(emits=[WantedLevelChanged])
def raise_wanted(world: World, amount: int = 1) -> None:
    """Add stars to the wanted level (at most 5)."""
    _set_wanted(world, game_state(world).wanted + amount)


@registry.behaviour(emits=[WantedLevelChanged])
def clear_wanted(world: World) -> None:
    """Set the wanted level back to 0."""
    _set_wanted(world, 0)


@registry.behaviour(emits=[CrimeCommitted])
def report_crime(world: World, kind: str, severity: int = 1) -> None:
    """Record a crime at the player's position (the wanted triggers react to it)."""
    world.activate()
    position = esper.component_for_entity(game_state(world).player, Position)
    world.emit(CrimeCommitted(kind, severity, (round(position.x, 1), round(position.y, 1))))


@registry.behaviour(emits=POPULATION_EVENTS)
def despawn_npcs(world: World) -> None:
    """Empty the streets: every pedestrian leaves, and none come back until ``respawn_npcs``."""
    game_state(world).streets_cleared = True
    reconcile(world, "a chase empties the streets")
    clear_all(world)  # the fallen too


@registry.behaviour(emits=POPULATION_EVENTS)
def respawn_npcs(world: World) -> None:
    """Let the people come back to the streets."""
    game_state(world).streets_cleared = False
    reconcile(world, "streets are safe again")


@registry.behaviour(emits=POPULATION_EVENTS)
def thin_population(world: World, fraction: float) -> None:
    """Keep only ``fraction`` of the normal pedestrians (to save frame time)."""
    game_state(world).thinning = max(0.0, min(1.0, fraction))
    reconcile(world, "frame budget exceeded")


@registry.behaviour(emits=POPULATION_EVENTS)
def restore_population(world: World) -> None:
    """Bring the pedestrian population back to normal."""
    game_state(world).thinning = 1.0
    reconcile(world, "frame budget has headroom")


@registry.behaviour(emits=[PoliceLeft, Despawned])
def police_stand_down(world: World) -> None:
    """Every police unit leaves."""
    world.activate()
    for entity, _ in sorted(esper.get_component(Police)):
        world.emit(PoliceLeft(entity))
        world.despawn(entity)


@registry.behaviour(emits=[PlayerWasted, PlayerRespawned, HealthChanged, WantedLevelChanged])
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


def make_registry() -> Registry:
    """The game's registry (the entry point for ``python -m engine check``)."""
    return registry
