"""The news ticker: the log's notable records as short readable lines.

The ticker *pulls* from the log with a :class:`~engine.Reader` once a frame,
at its own pace, instead of subscribing to events: the HUD is a consumer of
the log, like any other tool, and never slows the simulation down.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import esper

from engine import Record, World
from game.components import Goon, Pedestrian, Police, Vehicle

#: Record types too frequent or too internal to be news.
NOISY = frozenset({
    "MoveInput", "FireInput", "UsePressed", "FrameTimeMeasured", "ShotFired", "BehaviourRan", "TriggersLoaded",
    "NPCSpawned", "NPCDespawned", "Despawned",
})
#: One-shot sounds that accompany something already on the ticker.
NOISY_SOUNDS = frozenset({"gunshot"})
#: Record types that are failures: shown in the HUD's red box, not the ticker.
FAILURES = frozenset({"HandlerFailed", "CascadeCut"})
#: How far back a new ticker looks when it starts.
HISTORY = 2000
LINE_CHARS = 72


class Ticker:
    """Keeps the last ``size`` notable lines, the recent failures and when the
    player was last wasted.  Call :meth:`update` once a frame."""

    def __init__(self, world: World, size: int = 5, failures: int = 5) -> None:
        self.world = world
        log = world.log
        self.reader = log.reader(max(log.oldest, log.next_offset - HISTORY))
        #: The notable lines, oldest first, e.g. ``"12.3s Shot: goon #14 hit you (-12)"``.
        self.lines: deque[str] = deque(maxlen=size)
        #: Recent dead letters and cut cascades, as readable lines.
        self.failures: deque[str] = deque(maxlen=failures)
        self.failure_count = 0
        #: Tick of the latest PlayerWasted record, if any.
        self.wasted_tick: int | None = None
        #: The problems of the latest refused trigger reload, until a reload succeeds.
        self.reload_errors: list[str] = []

    def update(self) -> None:
        """Pull the records written since the last update."""
        batch = self.reader.poll()
        if not batch.records:
            return
        self.world.activate()
        for record in batch.records:
            kind = record.type
            if kind in FAILURES:
                self.failure_count += 1
                self.failures.append(describe_failure(record))
                continue
            if kind == "PlayerWasted":
                self.wasted_tick = record.tick
            elif kind == "TriggersReloadFailed":
                self.reload_errors = list(record.data["errors"])
            elif kind == "TriggersLoaded":
                self.reload_errors = []  # a good set is running again
            text = format_record(record, self._name, self.world.log.get)
            if text is not None:
                self.lines.append(f"{record.tick * self.world.dt:.1f}s {text}")

    def _name(self, entity: int) -> str:
        return entity_name(self.world, entity)


def entity_name(world: World, entity: int) -> str:
    """``you`` for the player, else what the entity is and its id: ``goon #14``."""
    state = world.resources.get("game")
    if state is not None and entity == state.player:
        return "you"
    world.activate()
    if not esper.entity_exists(entity):
        return f"#{entity}"
    vehicle = esper.try_component(entity, Vehicle)
    if vehicle is not None:
        return f"{'police car' if vehicle.police else 'car'} #{entity}"
    for component, label in ((Police, "police"), (Goon, "goon"), (Pedestrian, "pedestrian")):
        if esper.has_component(entity, component):
            return f"{label} #{entity}"
    return f"#{entity}"


def format_record(record: Record, name: Callable[[int], str],
                  lookup: Callable[[int], Record | None] = lambda offset: None) -> str | None:
    """A short line for a notable record, or None if it is not news.

    ``name`` names entities; ``lookup`` finds a record by offset, so a health
    change caused by a shot (already on the ticker) can be left out.
    """
    kind, d = record.type, record.data
    if kind in NOISY or kind in FAILURES:
        return None
    match kind:
        case "Shot":
            return f"Shot: {name(d['shooter'])} hit {name(d['target'])} (-{d['damage']})"
        case "HealthChanged":
            if _caused_by(record, ("Shot", "PedestrianHit"), lookup):
                return None
            return f"Health: {name(d['entity'])} {d['before']}→{d['after']}"
        case "PlayerWasted":
            return "WASTED"
        case "PlayerRespawned":
            return "You woke up at the hospital"
        case "Died":
            return f"{d['kind']} #{d['entity']} died"
        case "EnteredVehicle":
            return f"{name(d['entity'])} got into {name(d['vehicle'])}"
        case "ExitedVehicle":
            return f"{name(d['entity'])} got out of {name(d['vehicle'])}"
        case "PedestrianHit":
            return f"{name(d['driver'])} ran over {name(d['target'])}"
        case "CrimeCommitted":
            return f"Crime: {d['kind']} (+{d['severity']})"
        case "WantedLevelChanged":
            return f"WantedLevelChanged {d['before']}→{d['after']}"
        case "PoliceSpawned":
            return f"Police: {name(d['entity'])} joined the chase"
        case "PoliceLeft":
            return f"Police: {name(d['entity'])} left"
        case "SuspectSighted":
            return "Police spotted you"
        case "EscapedRadar":
            return f"Escaped the radar ({d['seconds']:.0f}s unseen)"
        case "PopulationChanged":
            return f"Population {d['before']}→{d['after']} ({d['reason']})"
        case "SoundStarted":
            if d["sound"] in NOISY_SOUNDS:
                return None
            return f"SoundStarted {d['sound']}" + (" (loop)" if d["loop"] else "")
        case "SoundStopped":
            return f"SoundStopped {d['sound']}"
        case "AlarmEntered":
            return f"Alarm on: {d['alarm']}"
        case "AlarmExited":
            return f"Alarm off: {d['alarm']}"
        case "TriggersReloadFailed":
            count = len(d["errors"])
            return f"Trigger reload failed ({count} error{'s' if count != 1 else ''}), kept the last good set"
        case "SimulationStarted":
            return f"Simulation started (seed {d['seed']}, {d['tick_rate']} ticks/s)"
    # Anything else (a scripter's own events): the record's own description,
    # without the offset and tick the line already shows as time.
    text = record.describe().split(" ", 2)[-1]
    return text if len(text) <= LINE_CHARS else text[:LINE_CHARS - 1] + "…"


def _caused_by(record: Record, types: tuple[str, ...], lookup: Callable[[int], Record | None],
               hops: int = 3) -> bool:
    """True if a record of one of ``types`` is among the record's last few causes.

    A few hops, not one: a trigger's behaviour stands between a shot and the
    health change it causes (Shot -> BehaviourRan -> HealthChanged).
    """
    offset = record.cause
    for _ in range(hops):
        cause = lookup(offset) if offset is not None else None
        if cause is None:
            return False
        if cause.type in types:
            return True
        offset = cause.cause
    return False


def describe_failure(record: Record) -> str:
    """A dead letter or cut cascade as one line for the error box."""
    d = record.data
    if record.type == "HandlerFailed":
        return f"#{record.offset} {d['handler']} failed on {d['event_type']} #{d['offset']}: {d['error']}"
    if record.type == "CascadeCut":
        return f"#{record.offset} cascade cut at depth {d['depth']}: {' -> '.join(d['types'])}"
    return record.describe()
