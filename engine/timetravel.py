"""Time travel: step a paused world back through past ticks, and forward again.

Events are immutable facts, so any past state can be rebuilt: restore the
nearest earlier **snapshot** and re-simulate, feeding back the inputs the
log recorded.  Because the simulation is deterministic, going back *k*
ticks and forward *k* ticks returns exactly the same state.

A snapshot is a deep copy of the world's state: its esper entities and
components, its resources, systems, trigger runtime, RNG and tick.  The log
is not copied: records are immutable, so a restored world keeps the records
up to the snapshot's offset and cuts the rest with
:meth:`~engine.log.EventLog.truncate`.  That starts a new **epoch** of the
log, and every :class:`~engine.log.Reader` that had read past the cut is told
so at its next poll (``Batch.truncated``, the offset it was moved back to)
and reads the new timeline from there: the inspector, the HUD ticker, the
audio and the ``--events-out`` file all follow the log's present, and none
skips a record.  Nothing of the outside world is touched here: a reader with
side effects (sound) resyncs itself when it is told of the cut.

Travelling leaves no record of its own in the log.  The log always holds
one timeline, the present one, exactly as a straight run with the same
inputs would have written it; so a saved log replays, and going back *k*
ticks and forward *k* ticks gives the same log, byte for byte.  The travel
itself is told out of band, by the epoch, as Kafka tells consumers of a
truncated partition (leader epochs) without writing into the partition.

esper keeps each world context in module-level state with no public copy
function, so :func:`_export_context` and :func:`_import_context` reach into
``esper._context_map``; the ``esper<4`` pin in pyproject.toml guards that.
"""

from __future__ import annotations

import copy
import itertools
import logging
from dataclasses import dataclass
from typing import Any

import esper

from engine.events import Input
from engine.record import Record
from engine.world import World

#: World attributes a snapshot leaves out: the log (shared, truncated on restore)
#: and the esper context name (the restored world keeps its own).
_NOT_COPIED = ("log", "context")

_log = logging.getLogger(__name__)


class SnapshotError(TypeError):
    """A component of the world cannot be deep-copied (an extension's holding a lock, a file, a generator)."""


class _Placeholder:
    """Stands for the live world (or its log) inside a snapshot."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Placeholder:
        return self


_WORLD = _Placeholder()
_LOG = _Placeholder()


@dataclass
class Snapshot:
    """The state of a world after ``tick`` steps, with ``next_offset`` records in its log."""

    tick: int
    next_offset: int
    state: dict[str, Any]
    context: tuple[Any, ...]


def _export_context(world: World) -> tuple[Any, ...]:
    """A copy-ready tuple of the world's esper context (entity counter as an int)."""
    world.activate()
    # The next entity id can only be read by consuming it: put an identical counter back.
    next_id = next(esper._entity_count)
    esper._entity_count = itertools.count(next_id)
    esper.switch_world(world.context)  # flushes the live globals into esper's context map
    _counter, *rest = esper._context_map[world.context]
    components, entities, dead, _cache1, _cache2, processors, processors_dict, _dirty, times, registry = rest
    return (next_id, components, entities, dead, processors, processors_dict, times, registry)


def _import_context(world: World, exported: tuple[Any, ...]) -> None:
    next_id, components, entities, dead, processors, processors_dict, times, registry = exported
    if esper.current_world == world.context:
        esper.switch_world("default")  # save the live state away before replacing it
    esper._context_map[world.context] = (itertools.count(next_id), components, entities, dead, {}, {},
                                         processors, processors_dict, True, times, registry)
    esper.switch_world(world.context)


_MISSING = object()


def _copy_context(exported: tuple[Any, ...], memo: dict[int, Any]) -> tuple[Any, ...]:
    """``copy.deepcopy(exported, memo)``, shaped for speed where the work is.

    A snapshot copies every component of every entity (40,000 objects at
    5,000 pedestrians), and ``copy.deepcopy`` spends about half its time
    dispatching: on the ``{type: component}`` dict of each entity, on each
    key (a class, copied as itself) and on each value.  Here the entity
    table is walked directly and each component copied through the same
    ``memo`` (so components that share objects, like ``Motion``, still
    share their copies); the component-type table, sets of entity ids, is
    rebuilt as ``deepcopy`` would (``set(list(ids))``: ints are immutable).
    Everything else goes through ``copy.deepcopy``.
    """
    next_id, components, entities, dead, *rest = exported
    deepcopy = copy.deepcopy
    # Per component type, its own __deepcopy__ (called as deepcopy would) or None.
    copiers: dict[type, Any] = {}
    table: dict[int, dict[type, Any]] = {}
    for entity, owned in entities.items():
        twin = {}
        for kind, component in owned.items():
            done = memo.get(id(component), _MISSING)
            if done is _MISSING:
                cls = component.__class__
                copier = copiers.get(cls, _MISSING)
                if copier is _MISSING:
                    copier = copiers[cls] = getattr(cls, "__deepcopy__", None)
                try:  # free unless it raises (3.11's zero-cost try)
                    if copier is None:
                        done = deepcopy(component, memo)
                    else:
                        done = memo[id(component)] = copier(component, memo)
                except Exception as error:
                    raise SnapshotError(f"entity {entity}'s {cls.__qualname__} cannot be copied: "
                                        f"{type(error).__name__}: {error}") from error
            twin[kind] = done
        table[entity] = twin
    kinds = {kind: set(list(members)) for kind, members in components.items()}
    return (next_id, kinds, table, deepcopy(dead, memo), *deepcopy(tuple(rest), memo))


def take(world: World) -> Snapshot:
    """Deep-copy the world's state (not its log)."""
    memo: dict[int, Any] = {id(world): _WORLD, id(world.log): _LOG}
    state = copy.deepcopy({k: v for k, v in vars(world).items() if k not in _NOT_COPIED}, memo)
    context = _copy_context(_export_context(world), memo)
    return Snapshot(world.tick, world.log.next_offset, state, context)


def restore(world: World, snapshot: Snapshot) -> None:
    """Put ``world`` back into the snapshot's state; drops later log records."""
    memo: dict[int, Any] = {id(_WORLD): world, id(_LOG): world.log}
    state = copy.deepcopy(snapshot.state, memo)
    context = _copy_context(snapshot.context, memo)
    vars(world).update(state)
    _import_context(world, context)
    # A new epoch if this drops records: readers past the cut are told at their next poll.
    world.log.truncate(snapshot.next_offset)


class TimeMachine:
    """Snapshots a world as it runs, and moves it back and forth in time.

    Call :meth:`step` instead of ``world.step()`` while playing; it takes a
    snapshot every ``every`` ticks (keeping the last ``keep``).  While paused,
    :meth:`back` and :meth:`forward` travel; inputs recorded after the
    present are kept as the *future* and fed back on the way forward.
    Stepping live (:meth:`step`) from a past tick starts a new timeline.
    """

    def __init__(self, world: World, every: int = 300, keep: int = 48) -> None:
        self.world = world
        self.every = every
        self.keep = keep
        #: Why the last snapshot could not be taken (None: every one was), said once as a warning.
        self.refused: str | None = None
        first = self._take()
        self.snapshots: list[Snapshot] = [] if first is None else [first]
        #: Recorded inputs after the present tick, while travelling.
        self.future: list[Record] = []

    def _take(self) -> Snapshot | None:
        """A snapshot of the world now, or None if a component cannot be copied.

        A game with such a component still runs; it can only travel back
        to the snapshots taken before the component appeared.
        """
        try:
            return take(self.world)
        except Exception as error:  # SnapshotError, or a resource that cannot be copied
            reason = f"{type(error).__name__}: {error}" if not isinstance(error, SnapshotError) else str(error)
            if self.refused is None:
                _log.warning("time travel: no snapshot at tick %d (%s); stepping back stops at the last one taken",
                             self.world.tick, reason)
            self.refused = reason
            return None

    def step(self) -> None:
        """One live tick (a new timeline if we had travelled back)."""
        self.future = []
        self._tick()

    def _tick(self) -> None:
        world = self.world
        world.step()
        if world.tick % self.every == 0 and (not self.snapshots or world.tick > self.snapshots[-1].tick):
            snapshot = self._take()
            if snapshot is not None:
                self.snapshots.append(snapshot)
                if len(self.snapshots) > self.keep:
                    del self.snapshots[0]

    @property
    def earliest(self) -> int:
        """The earliest tick we can travel back to (the present if no snapshot could be taken)."""
        return self.snapshots[0].tick if self.snapshots else self.world.tick

    def back(self, ticks: int = 1) -> int:
        """Go back ``ticks`` ticks (not before :attr:`earliest`); returns the tick reached."""
        world = self.world
        target = max(self.earliest, world.tick - ticks)
        if target >= world.tick:
            return world.tick  # already as far back as we can go: nothing to undo
        snapshot = max((s for s in self.snapshots if s.tick <= target), key=lambda s: s.tick)
        # Every input since the snapshot, recorded now or in a future we already left.
        inputs = [r for r in world.log.since(snapshot.next_offset) if isinstance(r.event, Input)] + self.future
        self.snapshots = [s for s in self.snapshots if s.tick <= target]
        restore(world, snapshot)
        self.future = inputs
        while world.tick < target:
            self._feed_and_step()
        return world.tick

    def forward(self, ticks: int = 1) -> int:
        """Go forward ``ticks`` ticks, replaying recorded inputs; returns the tick reached."""
        for _ in range(ticks):
            self._feed_and_step()
        return self.world.tick

    def _feed_and_step(self) -> None:
        world = self.world
        due = [r for r in self.future if r.tick == world.tick]
        self.future = [r for r in self.future if r.tick != world.tick]
        for record in due:
            world.emit(record.event)
        self._tick()
