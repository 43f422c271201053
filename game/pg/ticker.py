"""The news ticker: the log's notable records as short readable lines.

The ticker *pulls* from the log once a frame, through a
:class:`~engine.logview.LogView` (a :class:`~engine.Reader` at its own pace),
instead of subscribing to events: the HUD is a consumer of the log, like any
other tool, and never slows the simulation down.  After time travel the view
says where the log was cut, and the ticker rebuilds its lines from the
records it kept: it shows the re-simulated records, never an undone future.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import esper

from engine import Record, World
from engine.log import Reader
from engine.logview import LogView, describe, failure_line, safe_str
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
#: How far back a new ticker looks when it starts (and how many records it keeps to rebuild from).
HISTORY = 2000
LINE_CHARS = 72
#: Trigger reloads and wasted moments remembered, so time travel can undo the latest ones.
MOMENTS = 64


class Ticker:
    """Keeps the last ``size`` notable lines, the recent failures and when the
    player was last wasted.  Call :meth:`update` once a frame."""

    def __init__(self, world: World, size: int = 5, failures: int = 5) -> None:
        self.world = world
        #: The records read, and the failures among them (shared with the inspector's model).
        self.view = LogView(world.log, history=HISTORY, failures=failures)
        #: The notable lines, oldest first, e.g. ``"12.3s Shot: goon #14 hit you (-12)"``.
        self.lines: deque[str] = deque(maxlen=size)
        # (offset, tick) of PlayerWasted records and (offset, errors) of reloads, latest last.
        self._wasted: deque[tuple[int, int]] = deque(maxlen=MOMENTS)
        self._reloads: deque[tuple[int, list[str]]] = deque(maxlen=MOMENTS)

    @property
    def reader(self) -> Reader:
        """The cursor the ticker reads the log with."""
        return self.view.reader

    @property
    def failures(self) -> list[str]:
        """Recent dead letters and cut cascades, as readable lines, oldest first."""
        return [failure_line(record) for record in self.view.failures]

    @property
    def failure_count(self) -> int:
        """Dead letters and cut cascades in the current timeline."""
        return self.view.failure_count

    @property
    def wasted_tick(self) -> int | None:
        """Tick of the latest PlayerWasted record, if any."""
        return self._wasted[-1][1] if self._wasted else None

    @property
    def reload_errors(self) -> list[str]:
        """The problems of the latest refused trigger reload, until a reload succeeds."""
        return list(self._reloads[-1][1]) if self._reloads else []

    def update(self) -> None:
        """Pull the records written since the last update (rebuilding after time travel)."""
        change = self.view.update()
        cut = change.truncated
        if cut is None:
            records = change.records
        else:
            for moments in (self._wasted, self._reloads):
                while moments and moments[-1][0] >= cut:
                    moments.pop()
            # The undone future may have pushed older lines out: rebuild them from the records kept.
            self.lines.clear()
            records = list(self.view.records)
        if not records:
            return
        self.world.activate()
        for record in records:
            self._read(record, lines_only=cut is not None and record.offset < cut)

    def _read(self, record: Record, lines_only: bool = False) -> None:
        kind = record.type
        if kind in FAILURES:
            return  # counted and kept by the view
        if lines_only:
            pass  # a record read before: its moments are remembered already
        elif kind == "PlayerWasted":
            self._wasted.append((record.offset, record.tick))
        elif kind == "TriggersReloadFailed":
            self._reloads.append((record.offset, [safe_str(error) for error in record.data.get("errors", ())]))
        elif kind == "TriggersLoaded":
            self._reloads.append((record.offset, []))  # a good set is running again
        try:
            text = format_record(record, self._name, self.world.log.get)
        except Exception:  # a scripter's event that looks like one of ours but is not: its own words
            text = describe(record).split(" ", 2)[-1]
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
    text = describe(record).split(" ", 2)[-1]
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
