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
    "NPCSpawned", "NPCDespawned", "Despawned", "TrafficSpawned", "TrafficDespawned",
})
#: The game's own records that are not news for a player (the F1 inspector shows them all, raw).
QUIET = frozenset({"SoundStopped", "PopulationChanged", "CashAppeared", "TuningChanged", "VehicleHealed",
                   "VehicleCrashed", "VehicleDamaged", "PoliceHeldFire", "RoadblockCleared", "HelicopterLeft",
                   "SimulationEnded"})
#: The radio's voice lines, as the player hears them.
RADIO = {"radio_pursuit": 'Radio: "All units, suspect in pursuit"', "radio_shots_fired": 'Radio: "Shots fired!"',
         "radio_we_lost_him": 'Radio: "We lost him"'}
#: What the crowd alarm entering and exiting means on the street.
CROWD_NEWS = {("police-chase", True): "The streets empty", ("police-chase", False): "People are coming back"}
#: How a Died record's kind reads.
PEOPLE = {"person": "pedestrian"}
#: The first line: what to do.
GOAL_HINT = "Collect cash. Crimes pay more, but the police are watching."
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
        # (offset, tick) of PlayerWasted and Busted records and (offset, errors) of reloads, latest last.
        self._wasted: deque[tuple[int, int]] = deque(maxlen=MOMENTS)
        self._busted: deque[tuple[int, int]] = deque(maxlen=MOMENTS)
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
    def busted_tick(self) -> int | None:
        """Tick of the latest Busted record, if any."""
        return self._busted[-1][1] if self._busted else None

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
            for moments in (self._wasted, self._busted, self._reloads):
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
        elif kind == "Busted":
            self._busted.append((record.offset, record.tick))
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
            return f"{name(d['shooter']).capitalize()} hit {name(d['target'])} (-{d['damage']})"
        case "HealthChanged":
            if _caused_by(record, ("Shot", "PedestrianHit"), lookup):
                return None
            gained = d["after"] - d["before"]
            if d["after"] > d["before"]:
                return f"{name(d['entity']).capitalize()} healed +{gained}"
            return f"{name(d['entity']).capitalize()} lost {-gained} health"
        case "PlayerWasted":
            return "WASTED"
        case "PlayerRespawned":
            return "You woke up at the hospital"
        case "Busted":
            return "Busted"
        case "PlayerReleased":
            return "Released from the police station"
        case "PoliceOpenedFire":
            return "The police open fire"
        case "RoadblockPlaced":
            return "Roadblock ahead"
        case "HelicopterArrived":
            return "A police helicopter is overhead"
        case "Died":
            return f"A {PEOPLE.get(d['kind'], d['kind'])} died"
        case "EnteredVehicle":
            return f"{name(d['entity']).capitalize()} got into {name(d['vehicle'])}"
        case "ExitedVehicle":
            return f"{name(d['entity']).capitalize()} got out of {name(d['vehicle'])}"
        case "VehicleWrecked":
            return "Your car is wrecked" if d["driver"] is not None and name(d["driver"]) == "you" else None
        case "PedestrianHit":
            return f"{name(d['driver']).capitalize()} ran over {name(d['target'])}"
        case "CrimeCommitted":
            return f"Crime: {d['kind']}"
        case "WantedLevelChanged":
            if d["after"] == 0:
                return "Wanted level cleared"
            return f"Wanted: {'★' * d['after']}" if d["after"] > d["before"] else f"Wanted down to {'★' * d['after']}"
        case "PoliceSpawned":
            return "A police car joined the chase"
        case "PoliceLeft":
            return None  # the chase is over: "Police lost you" said so
        case "SuspectSighted":
            return "Police spotted you"
        case "EscapedRadar":
            return "Police lost you"
        case "SoundStarted":
            return RADIO.get(d["sound"])  # the radio's voices are news; the sounds themselves are heard
        case "AlarmEntered":
            return CROWD_NEWS.get((d["alarm"], True))
        case "AlarmExited":
            return CROWD_NEWS.get((d["alarm"], False))
        case "CashCollected":
            return f"+${d['value']:,}"
        case "ScoreChanged":
            lost = d["before"] - d["after"]
            return f"Penalty -${lost:,} ({d['reason']})" if lost > 0 else None
        case "GoonsAlerted":
            return "The goons have seen you"
        case "TimeRanOut":
            return "Time is up"
        case "RunEnded":
            return f"Run over: {d['reason']} (score ${d['score']:,})"
        case "TriggersReloadFailed":
            count = len(d["errors"])
            return f"Trigger reload failed ({count} error{'s' if count != 1 else ''}), kept the last good set"
        case "SimulationStarted":
            return GOAL_HINT
    if kind in QUIET:
        return None
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
