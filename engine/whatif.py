"""What-if replay: the recorded inputs of a run, played again under other trigger files.

A replay asks "does the same input give the same log?".  Event sourcing
can also ask the counterfactual question: *what would have happened* with
other rules?  The log holds every input (the player's keys, the frame
times, the trigger files themselves, as the ``TriggersLoaded`` input), so
:func:`what_if` rebuilds the world from the log's ``SimulationStarted``,
swaps the run's trigger files for a folder's, feeds the same inputs at the
same ticks, and keeps the other run's records for :mod:`engine.whatif_report`
to compare.

The folder replaces the run's triggers entirely, as ``--triggers DIR``
does when a game starts: its ``.toml`` files take the place of the first
``TriggersLoaded`` input (later ones, hot reloads of the original files,
are left out and counted), and its ``.py`` extensions take the place of
the ones the run recorded (the ``extensions`` option, name -> SHA-256, as
:mod:`engine.scripting.extensions` records them).

Work is bounded as a replay's is: no more game time between two records
than ``max_gap``, and at most :data:`MAX_RECORDS` records in the other run
(a folder of triggers that makes far more is stopped and said to be).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine import codec
from engine.ending import end_run, is_end
from engine.logbytes import read_lines
from engine.record import Record
from engine.replay import ReplayError, prepare
from engine.replay_inputs import EventTypes, feed, inputs_by_tick
from engine.scripting.events import TriggersLoaded
from engine.scripting.extensions import current_digests, extension_files
from engine.scripting.loader import TriggerFileError, load_sources, read_sources, trigger_files
from engine.scripting.runtime import TriggerRuntime
from engine.scripting.values import brief
from engine.world import World

#: The most records a what-if run may make, whatever its log held (a bound on memory).
MAX_RECORDS = 2_000_000


class FolderError(ReplayError):
    """The ``--triggers`` folder cannot be used (its message names the folder, not the log)."""


@dataclass
class WhatIfRun:
    """Both runs: the log's records and the other run's, and what was swapped."""

    logged: list[Record]
    other: list[Record]
    sources_before: dict[str, str]
    sources_after: dict[str, str]
    extensions_before: dict[str, str]
    extensions_after: dict[str, str]
    reloads_left_out: int
    #: Why the other run stopped before the log's end ("" if it did not).
    stopped: str = ""


def what_if(path: str, folder: str, max_gap: float | None = None) -> WhatIfRun:
    """Replay the log at ``path`` under the trigger files and extensions in ``folder``.

    Raises ``OSError`` or :class:`~engine.codec.LogFormatError` for a log
    that cannot be read, :class:`TriggerFileError` for a folder whose files
    are broken, and :class:`ReplayError` for a log that cannot be replayed."""
    if not Path(folder).is_dir():
        raise FolderError(f"--triggers {folder}: not a folder")
    if not trigger_files([folder]) and not extension_files([folder]):
        raise FolderError(f"--triggers {folder}: no .toml trigger files or .py extensions in this folder")
    sources, problems = read_sources([folder])
    if problems:
        raise TriggerFileError(problems)
    digests = current_digests([folder])
    lines = read_lines(path)
    before: dict[str, str] = {}

    def swap_extensions(options: dict[str, Any]) -> dict[str, Any]:
        recorded = options.pop("extensions", None) or {}
        if not isinstance(recorded, dict) or not all(isinstance(v, str) for v in recorded.values()):
            # What the game would refuse too; checked here because these options are never given to it.
            raise ReplayError("SimulationStarted (offset 0): option 'extensions' must be a table of extension "
                              f"file names to SHA-256 digests, found {brief(repr(recorded))}")
        before.update(recorded)
        return {**options, "extensions": digests} if digests else options

    try:
        world, parsed, gap = prepare(lines, source=path, max_gap=max_gap, edit_options=swap_extensions)
    except ReplayError as error:
        # The world is built with the folder's extensions: one that fails is the folder's problem, not the log's.
        if isinstance(error.__cause__, TriggerFileError):
            raise error.__cause__ from None
        raise
    try:
        logged = [r for r in parsed if isinstance(r, Record)]
        if len(logged) < len(parsed):
            bad = next(r for r in parsed if isinstance(r, codec.LogFormatError))
            raise bad
        # Each line is checked alone when parsed; a log whose records do not follow each other
        # (a line deleted, a cause pointing forward) would otherwise be reported as the folder's doing.
        for _ in codec.in_log_order(((line.number, record) for line, record in zip(lines, logged, strict=True)),
                                    path):
            pass
        _check_folder(world, sources)
        return _run(world, logged, sources, before, digests, gap)
    finally:
        world.close()


def _check_folder(world: World, sources: dict[str, str]) -> None:
    """Refuse the folder's files as the game would (bad fields, endless loops) before running anything."""
    runtime = _runtime(world)
    load_sources(sources, runtime.registry, taken=runtime.code_set)


def _runtime(world: World) -> TriggerRuntime:
    runtime = next((s for s in world.systems if isinstance(s, TriggerRuntime)), None)
    if runtime is None:
        raise ReplayError("the rebuilt world has no trigger runtime, so there are no trigger files to swap")
    return runtime


def _run(world: World, logged: Sequence[Record], sources: dict[str, str], extensions_before: dict[str, str],
         extensions_after: dict[str, str], max_gap: int) -> WhatIfRun:
    types = EventTypes.of(world)
    inputs = inputs_by_tick(logged, types)
    loads = [r for batch in inputs.values() for r in batch if r.type == TriggersLoaded.__name__]
    if not loads:
        raise ReplayError("the run loaded no trigger files (it has no TriggersLoaded input), so there are none "
                          "to swap")
    first_load = min(loads, key=lambda r: r.offset)
    logged_sources = first_load.data.get("sources", {})
    if not isinstance(logged_sources, dict) or not all(isinstance(v, str) for v in logged_sources.values()):
        raise ReplayError(f"offset {first_load.offset}: TriggersLoaded 'sources' must be a table of file names "
                          f"to texts, found {brief(repr(logged_sources))}")
    loaded = load_sources(sources, _runtime(world).registry, taken=_runtime(world).code_set)
    swapped = TriggersLoaded(sources, len(loaded.triggers), len(loaded.alarms))
    for tick, batch in inputs.items():
        inputs[tick] = [r for r in batch if r.type != TriggersLoaded.__name__ or r is first_load]
    _check_gaps(logged, max_gap)
    end = logged[-1]
    ended = is_end(end)
    result = WhatIfRun(list(logged), [], dict(logged_sources), sources, extensions_before,
                       extensions_after, len(loads) - 1)
    reader = world.log.reader(0)
    other = result.other
    while True:
        for record in inputs.pop(world.tick, ()):
            if record is first_load:
                world.emit(swapped)
            else:
                feed(world, [record], types)
        if world.tick == end.tick and ended:
            end_run(world)
        else:
            world.step()
        batch = reader.poll()
        if batch.missed:
            raise ReplayError(f"the what-if run made more records in one tick than its log retains "
                              f"({batch.missed} dropped)")
        other.extend(batch.records)
        if len(other) > MAX_RECORDS:
            result.stopped = (f"stopped at tick {world.tick - 1}: the other triggers made over {MAX_RECORDS:,} "
                              "records")
            return result
        if world.tick > end.tick or (ended and other and is_end(other[-1])):
            return result


def _check_gaps(logged: Sequence[Record], max_gap: int) -> None:
    """Refuse a log whose ticks jump further than a replay would simulate (a corrupt tick of 10**12)."""
    previous = 0
    for record in logged:
        if record.tick < previous:
            raise ReplayError(f"offset {record.offset}: tick {record.tick} comes after tick {previous}; ticks never "
                              "go back in a log")
        if record.tick - previous > max_gap:
            raise ReplayError(f"offset {record.offset}: tick {record.tick} is {record.tick - previous} ticks after "
                              f"the record before it; a replay simulates at most {max_gap} ticks between two "
                              "records of a log (see --max-gap)")
        previous = record.tick
