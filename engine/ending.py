"""The end of a run: a last record that says the log is whole.

A log file that stops is either a run that ended there or a file that was
cut off (a killed game, a truncated copy): without a last record saying
"the run ended here", nobody can tell the two apart.  :func:`end_run`
records :class:`SimulationEnded` with the number of ticks the run made and a
digest of its input records, so a replay also catches an edited input that
changed nothing else.  (The digest is a check against accidents, not a
signature: whoever edits an input can recompute it.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from engine.events import Event, Input, event
from engine.logbytes import canonical_line
from engine.record import Record
from engine.world import World


@event
class SimulationEnded(Event):
    """Last record of a run that ended: ``ticks`` stepped, and ``inputs``, a digest of its input records."""

    ticks: int
    inputs: str


def input_digest(records: Iterable[Record]) -> str:
    """A short digest of the canonical lines of the input records among ``records``."""
    digest = hashlib.sha256()
    for record in records:
        if isinstance(record.event, Input):
            digest.update(canonical_line(record))
    return digest.hexdigest()[:16]


def ending(world: World) -> SimulationEnded:
    """The :class:`SimulationEnded` event that would end ``world``'s run now.

    The digest covers the input records the world's log still retains (a
    replay's world retains the same ones).
    """
    return SimulationEnded(world.tick, input_digest(world.log))


def end_record(world: World) -> Record:
    """The record :func:`end_run` would append now, without appending it."""
    return Record(world.log.next_offset, world.tick, None, ending(world))


def end_run(world: World) -> Record | None:
    """Record that ``world``'s run ended, between ticks, as its log's last record."""
    return world.emit_now(ending(world))


def is_end(record: Record) -> bool:
    """True if ``record`` says its run ended."""
    return record.type == SimulationEnded.__name__
