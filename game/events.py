"""The demo game's events.  This is a stable contract: tools and tests read it.

Positions are tuples ``(x, y)`` in world pixels; angles are radians.
"""

from __future__ import annotations

from engine import Event, Input, event

# -- inputs: what the player (or the autopilot) does ---------------------------------


@event
class MoveInput(Input):
    """The movement keys changed: the wanted direction, each of dx, dy in {-1, 0, 1}."""

    dx: int
    dy: int


@event
class FireInput(Input):
    """The fire button was pressed (held=True) or released; ``angle`` aims (None: facing)."""

    held: bool
    angle: float | None = None


@event
class UsePressed(Input):
    """E was pressed: enter the nearest vehicle, or leave the one being driven."""


@event
class FrameTimeMeasured(Input):
    """The renderer's measured frame time (ms, averaged), fed in so replays decide alike."""

    ms: float


# -- combat and health --------------------------------------------------------------------


@event
class ShotFired(Event):
    """Someone fired a gun (heard by pedestrians, seen as a tracer)."""

    shooter: int
    origin: tuple[float, float]
    end: tuple[float, float]


@event
class Shot(Event):
    """A bullet hit ``target``; ``vehicle`` is the car it hit, if any (then
    ``target`` is its driver, or the car itself when nobody is at the wheel)."""

    shooter: int
    target: int
    damage: int
    vehicle: int | None = None


@event
class HealthChanged(Event):
    """An entity's health went from ``before`` to ``after``."""

    entity: int
    before: int
    after: int


@event
class PlayerWasted(Event):
    """The player's health reached 0."""

    entity: int


@event
class PlayerRespawned(Event):
    """The player woke up at the hospital."""

    entity: int
    position: tuple[float, float]


@event
class Died(Event):
    """A non-player character's health reached 0."""

    entity: int
    kind: str


# -- vehicles --------------------------------------------------------------------------------


@event
class EnteredVehicle(Event):
    """``entity`` got into ``vehicle``; ``healed`` says the car had healed someone
    before (a car heals once, on the first entry: ``Vehicle.healed``)."""

    entity: int
    vehicle: int
    healed: bool = False


@event
class ExitedVehicle(Event):
    """``entity`` got out of ``vehicle``."""

    entity: int
    vehicle: int


@event
class PedestrianHit(Event):
    """A vehicle driven by ``driver`` ran into a pedestrian."""

    driver: int
    target: int


# -- crime and police ------------------------------------------------------------------------


@event
class CrimeCommitted(Event):
    """The player did something the police care about."""

    kind: str
    severity: int
    position: tuple[float, float]


@event
class WantedLevelChanged(Event):
    """The wanted level (0–5 stars) changed."""

    before: int
    after: int


@event
class PoliceSpawned(Event):
    """A police car joined the chase."""

    entity: int
    position: tuple[float, float]


@event
class PoliceLeft(Event):
    """A police unit left (the chase is over)."""

    entity: int


@event
class SuspectSighted(Event):
    """Police saw the player again after losing sight of him."""

    entity: int


@event
class EscapedRadar(Event):
    """No police unit has seen the player for ``seconds``: the chase can end."""

    seconds: float


# -- world population and sound ------------------------------------------------------------------


@event
class NPCSpawned(Event):
    """A pedestrian appeared."""

    entity: int
    position: tuple[float, float]


@event
class NPCDespawned(Event):
    """A pedestrian was removed."""

    entity: int


@event
class PopulationChanged(Event):
    """The target number of pedestrians changed (chase, frame-rate alarm)."""

    before: int
    after: int
    reason: str


@event
class SoundStarted(Event):
    """A sound started playing (recorded by the audio layer, real or silent)."""

    sound: str
    loop: bool


@event
class SoundStopped(Event):
    """A looping sound stopped."""

    sound: str


@event
class TuningChanged(Event):
    """A tuning value (``tuning.NAME``, see game/tuning.py) was changed while the game ran."""

    name: str
    before: float
    after: float


GAME_EVENTS = (
    MoveInput, FireInput, UsePressed, FrameTimeMeasured, ShotFired, Shot, HealthChanged, PlayerWasted,
    PlayerRespawned, Died, EnteredVehicle, ExitedVehicle, PedestrianHit, CrimeCommitted, WantedLevelChanged,
    PoliceSpawned, PoliceLeft, SuspectSighted, EscapedRadar, NPCSpawned, NPCDespawned, PopulationChanged,
    SoundStarted, SoundStopped, TuningChanged,
)


# -- the goal: cash, score, the end of a run (game/score.py, game/systems/cash.py) ------------------


@event
class CashAppeared(Event):
    """Cash was dropped in the street at ``position`` (a pickup, or what a victim of a crime dropped)."""

    entity: int
    position: tuple[float, float]
    value: int


@event
class CashCollected(Event):
    """``collector`` (the player, on foot or in a car) picked up the cash ``entity``."""

    entity: int
    collector: int
    value: int


@event
class ScoreChanged(Event):
    """The score went from ``before`` to ``after``; ``reason`` says why (a penalty names itself)."""

    before: int
    after: int
    reason: str


@event
class TimeRanOut(Event):
    """The run's time limit (``tuning.run_minutes``) was reached."""

    minutes: float


@event
class RunEnded(Event):
    """The run is over (``reason``: "time up", "wasted or busted too often") with this final score."""

    reason: str
    score: int


@event
class GoonsAlerted(Event):
    """The goons stopped waiting and turned on the player; ``reason`` says why."""

    reason: str


GAME_EVENTS = (*GAME_EVENTS, CashAppeared, CashCollected, ScoreChanged, TimeRanOut, RunEnded, GoonsAlerted)


# -- cars: first aid once, damage, wrecks (game/vehicles.py), traffic (game/traffic.py) ---------------


@event
class VehicleHealed(Event):
    """``vehicle``'s first-aid kit healed ``entity`` (each car has one: it heals once)."""

    vehicle: int
    entity: int


@event
class VehicleCrashed(Event):
    """``vehicle`` ran into a wall (``other`` None) or into the car ``other`` at ``speed`` px/s."""

    vehicle: int
    speed: float
    other: int | None = None


@event
class VehicleDamaged(Event):
    """A car's own health went from ``before`` to ``after`` (bullets, crashes)."""

    vehicle: int
    before: int
    after: int


@event
class VehicleWrecked(Event):
    """``vehicle`` is a wreck: it cannot be driven again; ``driver`` (if any) was thrown out."""

    vehicle: int
    driver: int | None = None


@event
class TrafficSpawned(Event):
    """A civilian car joined the traffic at ``position``."""

    entity: int
    position: tuple[float, float]


@event
class TrafficDespawned(Event):
    """A civilian car left the streets (``reason``: a chase empties them, ...)."""

    entity: int
    reason: str


GAME_EVENTS = (*GAME_EVENTS, VehicleHealed, VehicleCrashed, VehicleDamaged, VehicleWrecked, TrafficSpawned,
               TrafficDespawned)


# -- five wanted levels and busted (assets/triggers/escalation.toml, busted.toml) ----------------


@event
class PoliceOpenedFire(Event):
    """The police were ordered to shoot at the player (``tuning.police_fire_stars`` and up)."""

    level: int


@event
class PoliceHeldFire(Event):
    """The order to shoot was withdrawn (the wanted level fell below it)."""

    level: int


@event
class RoadblockPlaced(Event):
    """The police blocked the road at ``position``, across the way the player was going."""

    entity: int
    position: tuple[float, float]


@event
class RoadblockCleared(Event):
    """A roadblock was taken away; ``reason``: "expired" (its time was up) or "chase over"."""

    entity: int
    reason: str


@event
class HelicopterArrived(Event):
    """The police helicopter joined the chase (``tuning.helicopter_stars``): its radar sees over buildings."""

    entity: int
    position: tuple[float, float]


@event
class HelicopterLeft(Event):
    """The police helicopter flew away (the wanted level fell below it)."""

    entity: int


@event
class Busted(Event):
    """Police unit ``by`` held the player for ``tuning.busted_seconds``: he is arrested."""

    entity: int
    by: int


@event
class PlayerReleased(Event):
    """The arrested player walked out of the police station."""

    entity: int
    position: tuple[float, float]


GAME_EVENTS = (*GAME_EVENTS, PoliceOpenedFire, PoliceHeldFire, RoadblockPlaced, RoadblockCleared, HelicopterArrived,
               HelicopterLeft, Busted, PlayerReleased)
