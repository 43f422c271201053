"""One replay in progress: step the rebuilt world tick by tick, comparing as it goes.

Every record the replay writes is compared at once with the next line of
the log file, byte for byte, and the run stops at the first difference.
Nothing is computed from the log's last tick up front: a record with an
absurd tick, or a gap of days, cannot make the replay simulate for hours.
The ticks simulated before the next line is written are bounded by what
the file can justify:

* no later line of the file has a smaller tick (ticks never go back in a
  log), so once the replay has passed the smallest tick of the lines still
  to come without writing the next one, it differs there;
* at most ``max_gap`` ticks are simulated after the last record compared;
  a log that asks for more is not replayed (a :class:`ReplayError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine import codec
from engine.ending import end_record, end_run, is_end
from engine.logbytes import LogLine, canonical_line, encoding_problem, first_differing_byte
from engine.record import Record
from engine.replay_inputs import EventTypes, ReplayError, feed, inputs_by_tick
from engine.world import World

#: The most game time, in seconds, a replay simulates between two records of a log.
DEFAULT_MAX_GAP = 3600.0
#: How much game time, in seconds, a replay that differs goes on for, to show what it writes instead.
LOOK_AHEAD = 2.0


@dataclass(frozen=True)
class Difference:
    """Where the replay first wrote other bytes than the log holds, and why.

    ``line`` counts from 1; ``byte`` is the file offset of the first byte
    that differs.  ``logged`` is the log's line (None: the file ends there),
    ``replayed`` the line the replay writes instead (None: it writes none).
    ``encoding_only`` is true when the log holds the same records in other
    bytes (``reason`` then says what is not canonical).
    """

    line: int
    byte: int
    logged: bytes | None
    replayed: bytes | None
    reason: str
    encoding_only: bool = False


class ReplayRun:
    """Steps ``world`` through the ticks of a log's ``lines``, comparing each new record with the next line."""

    def __init__(self, world: World, lines: Sequence[LogLine], parsed: Sequence[Record | codec.LogFormatError],
                 max_gap: int) -> None:
        self.world = world
        self.lines = lines
        self.parsed = parsed
        self.max_gap = max_gap
        self.types = EventTypes.of(world)
        self.inputs = inputs_by_tick((r for r in parsed if isinstance(r, Record)), self.types)
        self.smallest_tick_from = _suffix_minimum(parsed)
        self.records: list[Record] = []
        self.next_line = 0          # index of the next line to compare
        self.last_tick = 0          # tick of the last record that matched
        self._reader = world.log.reader(0)
        # The first line that held the same record in another encoding, and what is wrong with it.
        self._encoding: Difference | None = None

    def run(self, until_tick: int | None = None) -> Difference | None:
        """Replay until the log's lines are all matched or one differs; the first difference, or None.

        With ``until_tick``, stop after that tick has been stepped (and compared):
        the world is then as the run had it at the end of that tick."""
        world = self.world
        difference = self._compare_new()   # what the world recorded while it was built
        while difference is None and self.next_line < len(self.lines):
            if until_tick is not None and world.tick > until_tick:
                return None
            difference = self._overdue()
            if difference is not None:
                break
            feed(world, self.inputs.pop(world.tick, ()), self.types)
            difference = self._compare_new()
            if difference is None and self._ends_now():
                end_run(world)
                return self._compare_new() or self._after_end() or self._encoding
            if difference is None:
                world.step()
                difference = self._compare_new()
        return difference or self._cut_off() or self._encoding

    def _ends_now(self) -> bool:
        """True if the log's next line is the end of its run, at this tick."""
        if self.next_line >= len(self.parsed):
            return False
        logged = self.parsed[self.next_line]
        return isinstance(logged, Record) and is_end(logged) and logged.tick == self.world.tick

    def _after_end(self) -> Difference | None:
        """A difference if the log goes on after the record that ended its run."""
        if self.next_line >= len(self.lines):
            return None
        line = self.lines[self.next_line]
        return Difference(line.number, line.start, line.raw, None,
                          f"the log goes on after line {line.number - 1}, the SimulationEnded record of its run")

    def _cut_off(self) -> Difference | None:
        """A difference if the log's lines all matched but none said the run ended: it was cut off."""
        if self.records and is_end(self.records[-1]):
            return None
        end = self.lines[-1].start + len(self.lines[-1].raw) if self.lines else 0
        return Difference(len(self.lines) + 1, end, None, canonical_line(end_record(self.world)),
                          f"the log ends at line {len(self.lines)} without the SimulationEnded record that ends "
                          "a run: the file was cut off, or its run was stopped before it ended" + self._prefix_note())

    def _compare_new(self) -> Difference | None:
        """Compare the records written since the last look with the next lines of the log."""
        batch = self._reader.poll()
        if batch.missed:
            raise ReplayError(f"the replay made more records in one tick than its log retains "
                              f"({batch.missed} dropped before they were compared)")
        for record in batch.records:
            self.records.append(record)
            difference = self._compare(record)
            if difference is not None:
                return difference
        return None

    def _compare(self, record: Record) -> Difference | None:
        expected = canonical_line(record)
        if self.next_line >= len(self.lines):
            end = self.lines[-1].start + len(self.lines[-1].raw) if self.lines else 0
            return Difference(len(self.lines) + 1, end, None, expected,
                              f"the log ends at line {len(self.lines)}, but the replay goes on: the file "
                              "was cut off, or its run was stopped before it ended" + self._prefix_note())
        line = self.lines[self.next_line]
        if line.raw != expected:
            problem = encoding_problem(line.raw, expected)
            if problem is None:
                return self._differs(line, expected)
            if self._encoding is None:
                self._encoding = Difference(line.number, line.start + first_differing_byte(line.raw, expected),
                                            line.raw, expected, f"same records, but line {line.number} is not in "
                                            f"canonical encoding: {problem}", encoding_only=True)
        self.next_line += 1
        self.last_tick = record.tick
        return None

    def _differs(self, line: LogLine, expected: bytes) -> Difference:
        """The difference at ``line``, the first whose record is not the one the replay writes."""
        logged = self.parsed[line.number - 1]
        if isinstance(logged, codec.LogFormatError):
            reason = f"line {line.number} is not a valid record: {logged.problem}"
        else:
            reason = _what_differs(logged, expected)
        reason += self._encoding_note()
        return Difference(line.number, line.start + first_differing_byte(line.raw, expected), line.raw, expected,
                          reason)

    def _prefix_note(self) -> str:
        """Said of a log that was cut off: its lines replay identically, or which one is not canonical."""
        return self._encoding_note() or f" (the {len(self.lines)} lines it has replay identically)"

    def _encoding_note(self) -> str:
        """Said of a difference when an earlier line held its record in another encoding."""
        if self._encoding is None:
            return ""
        return f" (and line {self._encoding.line} before it is not in canonical encoding)"

    def _overdue(self) -> Difference | None:
        """A difference if the replay went past every tick the next line can be written at.

        Raises :class:`ReplayError` when that would take more than ``max_gap`` ticks.
        """
        tick, index = self.world.tick, self.next_line
        line = self.lines[index]
        if isinstance(self.parsed[index], codec.LogFormatError):
            # Nothing the replay writes can match a line that is no record (a killed game's cut-off
            # last line, say): say so now instead of simulating up to max_gap ticks looking for it.
            replayed = self._next_written()
            return Difference(line.number, line.start, line.raw, replayed,
                              f"line {line.number} is not a valid record: {self.parsed[index].problem}")
        latest = self.smallest_tick_from[index]
        if latest is not None and latest - self.last_tick > self.max_gap:
            where = next(i for i in range(index, len(self.parsed)) if _tick(self.parsed[i]) == latest)
            raise ReplayError(f"line {where + 1}: tick {latest} is {latest - self.last_tick} ticks after the last "
                              f"record replayed (tick {self.last_tick}); a replay simulates at most {self.max_gap} "
                              "ticks between two records of a log (see --max-gap)")
        limit = latest if latest is not None else self.last_tick + self.max_gap
        if tick <= limit:
            return None
        replayed = self._next_written()
        logged = self.parsed[index]
        if latest is None or not isinstance(logged, Record):
            reason = f"the replay writes no record like line {line.number} by tick {tick - 1}"
        elif logged.tick == latest:
            reason = f"the log has a record at tick {latest} that the replay does not write"
        else:
            reason = (f"line {line.number} is at tick {logged.tick}, after tick {latest} of a later line, and the "
                      f"replay writes no record by then")
        if replayed is not None:
            reason += f" (its next one is at tick {codec.decode(replayed.decode('utf-8')).tick})"
        reason += self._encoding_note()
        return Difference(line.number, line.start, line.raw, replayed, reason)

    def _next_written(self) -> bytes | None:
        """The line the replay writes next, looking at most :data:`LOOK_AHEAD` seconds of game time on."""
        world = self.world
        end = min(world.tick + round(LOOK_AHEAD * world.tick_rate), self.last_tick + self.max_gap)
        while world.tick <= end:
            feed(world, self.inputs.pop(world.tick, ()), self.types)
            world.step()
            batch = self._reader.poll()
            if batch.records:
                return canonical_line(batch.records[0])
        return None


def _tick(item: Record | codec.LogFormatError) -> int | None:
    return item.tick if isinstance(item, Record) else None


def _suffix_minimum(parsed: Sequence[Record | codec.LogFormatError]) -> list[int | None]:
    """For each line, the smallest tick of the records on it and after it (None: no record left)."""
    smallest: int | None = None
    result: list[int | None] = [None] * len(parsed)
    for index in range(len(parsed) - 1, -1, -1):
        tick = _tick(parsed[index])
        if tick is not None and (smallest is None or tick < smallest):
            smallest = tick
        result[index] = smallest
    return result


def _what_differs(logged: Record, expected: bytes) -> str:
    """One sentence on how the log's record differs from the one the replay writes."""
    replayed = codec.decode(expected.decode("utf-8").rstrip("\n"))
    if logged.offset != replayed.offset:
        return f"the log has offset {logged.offset} where the replay writes offset {replayed.offset}"
    for key in ("tick", "type", "cause"):
        if getattr(logged, key) != getattr(replayed, key):
            return f"its {key} is {getattr(logged, key)!r} where the replay writes {getattr(replayed, key)!r}"
    keys = [k for k in {**logged.data, **replayed.data} if logged.data.get(k, ...) != replayed.data.get(k, ...)]
    if keys:
        return f"its data differs in {', '.join(map(repr, keys[:5]))}"
    return "it holds other JSON than the replay writes (an extra or a duplicated key, or another value)"
