"""Spectating: rebuild a run live from its stream, by deterministic replay, and check it.

The lesson of the log *is* the game: a spectator never receives the game's
state, only its records.  It feeds the recorded inputs back into a fresh
world at their ticks (as ``replay`` does), steps it, and compares every
record the world re-derives with the one the stream holds.  The first
record that differs is a divergence: something in the simulation was not
deterministic, or the stream is not what the run wrote.

A tick is stepped once the stream holds a record of a later tick, so every
input of that tick has arrived; :meth:`Spectator.advance` with
``final=True`` also steps the last tick, once the run is known to be over.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import codec
from engine.ending import end_run, is_end
from engine.record import Record
from engine.replay import EventTypes, Factory, ReplayError, feed, find_factory, start_of
from engine.streams.entries import StreamEntry
from engine.streams.source import LogSource
from engine.world import World


@dataclass(frozen=True)
class Divergence:
    """The first record where the rebuilt run and the stream differ."""

    offset: int
    stream: str
    rebuilt: str

    def describe(self) -> str:
        """Three lines: where, and both records."""
        return (f"diverged at offset {self.offset}:\n  stream:  {self.stream}\n  rebuilt: {self.rebuilt}")


class Spectator:
    """A world rebuilt from a stream's entries, as they arrive.

    ``factory`` builds the world from the run's seed and options (default:
    the game its ``SimulationStarted`` names, as ``replay`` finds it).
    Raises :class:`~engine.replay.ReplayError` for a stream it cannot rebuild
    (no ``SimulationStarted`` at offset 0, an unknown game or input).
    """

    def __init__(self, stream: str = "?", factory: Factory | None = None) -> None:
        self.stream = stream
        self._factory = factory
        self.records: list[Record] = []
        self.world: World | None = None
        self.divergence: Divergence | None = None
        #: Records of the stream the rebuilt world has matched so far.
        self.checked = 0
        #: Times a truncation (time travel) made the spectator start again.
        self.restarts = 0
        self._types: EventTypes | None = None
        self._next_tick = 0
        self._scan = 0  # offset of the first stream record not yet fed or counted

    def add(self, entry: StreamEntry) -> None:
        """Take one entry in stream order; a truncation rebuilds the world from the start."""
        if entry.truncated is not None:
            del self.records[entry.truncated:]
            self._restart()
            return
        record = entry.record
        assert record is not None
        if record.offset != len(self.records):
            raise ReplayError(f"stream {self.stream!r} entry {entry.id}: offset {record.offset} where offset "
                              f"{len(self.records)} was expected; a spectator needs the whole run (is it trimmed?)")
        self.records.append(record)

    def _restart(self) -> None:
        if self.world is not None:
            self.world.close()
        self.world, self._types, self.divergence = None, None, None
        self.checked = self._next_tick = self._scan = 0
        self.restarts += 1

    @property
    def tick(self) -> int:
        """The ticks the rebuilt world has stepped."""
        return self._next_tick

    def advance(self, final: bool = False, max_ticks: int | None = None) -> int:
        """Step the rebuilt world through the ticks the stream has completed (at most
        ``max_ticks``, so a window catching up keeps drawing); returns how many."""
        if not self.records or self.divergence is not None:
            return 0
        if self.world is None:
            self._build()
        last = self.records[-1].tick if final else self.records[-1].tick - 1
        stepped = 0
        while self._next_tick <= last and self.divergence is None and (max_ticks is None or stepped < max_ticks):
            self._step()
            stepped += 1
        return stepped

    def _build(self) -> None:
        seed, options = start_of(self.records[:1])
        factory = self._factory or find_factory(str(options.get("game")))
        try:
            self.world = factory(seed, dict(options))
        except (TypeError, ValueError) as error:
            raise ReplayError(f"cannot rebuild the world from SimulationStarted (offset 0): {error}") from None
        self._types = EventTypes.of(self.world)
        # Records the world made while being built are checked with tick 0's, after its step.
        self._scan = 0

    def _step(self) -> None:
        """Feed the inputs of the next tick, step, and compare what came out."""
        assert self.world is not None and self._types is not None
        tick, inputs = self._next_tick, []
        while self._scan < len(self.records) and self.records[self._scan].tick <= tick:
            record = self.records[self._scan]
            if self._types.input_type(record) is not None:
                inputs.append(record)
            self._scan += 1
        feed(self.world, inputs, self._types)
        last = self.records[self._scan - 1] if self._scan else None
        if last is not None and is_end(last) and last.tick == tick:
            end_run(self.world)   # the run ended before this tick: it is not stepped, the end is recorded
        else:
            self.world.step()
        self._next_tick += 1
        self._compare()

    def _compare(self) -> None:
        """Check the records re-derived so far against the stream's, up to the ticks stepped."""
        assert self.world is not None
        log = self.world.log
        end = min(log.next_offset, self._scan)
        for offset in range(self.checked, end):
            if codec.encode(log[offset]) != codec.encode(self.records[offset]):
                self.divergence = Divergence(offset, self.records[offset].describe(), log[offset].describe())
                return
        self.checked = end
        if log.next_offset != self._scan:  # one side made records the other did not
            shorter = "(the rebuilt run has no record here)" if log.next_offset < self._scan else None
            offset = end
            stream = self.records[offset].describe() if offset < self._scan else "(the stream has no record here)"
            self.divergence = Divergence(offset, stream, shorter or log[offset].describe())

    def close(self) -> None:
        """Close the rebuilt world."""
        if self.world is not None:
            self.world.close()
            self.world = None


class Tail:
    """Feeds a spectator from a :class:`~engine.streams.source.LogSource` as entries arrive."""

    def __init__(self, source: LogSource, spectator: Spectator, batch: int = 5000) -> None:
        self.source = source
        self.spectator = spectator
        self.batch = batch
        self._after = "0-0"
        #: Entries read so far.
        self.entries = 0

    def poll(self, block_ms: int | None) -> int:
        """Read what arrived (waiting at most ``block_ms``) into the spectator; returns how many entries."""
        found = self.source.read(self._after, self.batch, block_ms)
        for entry in found:
            self.spectator.add(entry)
            self._after = entry.id
        self.entries += len(found)
        return len(found)

