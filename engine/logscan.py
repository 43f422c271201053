"""Reading a big log file as a stream, in chunks, on every core.

``trace``, ``why`` and ``stats`` never hold a file's records: they
:func:`scan` it.  The file is cut into chunks of whole lines (a few MiB
each); each chunk is read, checked and summed up by a :class:`ChunkTool`
(the command's own work: formatting lines, counting, keeping causes), in
worker processes when the file is big and the machine has several cores,
and the results come back **in file order**, a few at a time, so memory
stays bounded however big the file is.

The checks are those of :func:`engine.codec.read`, whole-file: inside a
chunk the worker checks each record against the one before; between
chunks :func:`scan` checks the first record of a chunk against the last of
the one before, and turns the chunk's line numbers into the file's.  The
first problem in file order is raised, as :class:`~engine.codec.LogFormatError`,
after every result before it was handed out; a last line cut off is a
:class:`~engine.codec.CutOffLine`, raised after all results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from engine import codec
from engine.record import Record

#: Bytes per chunk: big enough that a worker's start-up and the result's
#: transfer are small against its work, small enough that results in flight stay small.
CHUNK_BYTES = 4 * 1024 * 1024
#: Files smaller than this are read in this process (starting workers costs more than it saves).
PARALLEL_FROM = 16 * 1024 * 1024
_SEARCH_BLOCK = 64 * 1024


class ChunkTool(Protocol):
    """A command's work on one chunk: fed each record, it returns a small, picklable result."""

    def visit(self, record: Record, position: int) -> None:
        """One record, and the byte position its line starts at."""

    def result(self) -> Any:
        """What the chunk came to (text to print, counts...)."""


@dataclass
class ChunkResult:
    """What a worker found in one chunk (line numbers are the chunk's own, from 1)."""

    value: Any = None
    lines: int = 0
    #: (offset, tick, line) of the chunk's first and last record, if it has any.
    first: tuple[int, int, int] | None = None
    last: tuple[int, int, int] | None = None
    #: (line, problem, cut_off) of the first problem, if any.
    error: tuple[int, str, bool] | None = None


@dataclass(frozen=True)
class _Task:
    path: str
    start: int
    end: int | None
    at_eof: bool
    make_tool: Callable[[], ChunkTool]


def _scan_chunk(task: _Task) -> ChunkResult:
    """Read one chunk: decode and check each record, feed it to the tool (runs in a worker)."""
    tool = task.make_tool()
    result = ChunkResult()
    previous: Record | None = None
    number = 0
    source = task.path
    visit = tool.visit
    with open(task.path, "rb") as file:
        if task.start:  # a pipe cannot seek, and is read from its start
            file.seek(task.start)
        try:
            for number, text, position in codec.lines_of(file, source, task.end, task.at_eof):
                record = codec.decode_line(text, source, number)
                if record is None:
                    continue
                if previous is None:
                    result.first = (record.offset, record.tick, number)
                elif record.offset != previous.offset + 1 or record.tick < previous.tick:
                    codec.check_follows(previous, record, source, number)  # raises, naming the problem
                if record.cause is not None and record.cause >= record.offset:
                    codec.cause_not_earlier(record, source, number)
                visit(record, position)
                previous = record
        except codec.LogFormatError as error:
            result.error = (error.line, error.problem, isinstance(error, codec.CutOffLine))
    if previous is not None:
        result.last = (previous.offset, previous.tick, number)
    result.lines = number
    result.value = tool.result()
    return result


def _chunk_starts(file: Any, size: int, chunk_bytes: int) -> list[int]:
    """Byte positions where chunks start: 0, then just after a newline near every ``chunk_bytes``."""
    starts = [0]
    target = chunk_bytes
    while target < size:
        file.seek(target)
        found = -1
        searched = 0
        while found < 0 and searched <= codec.MAX_LINE_BYTES:
            block = file.read(_SEARCH_BLOCK)
            if not block:
                break
            found = block.find(b"\n")
            if found < 0:
                searched += len(block)
        if found < 0:
            break  # a line too long (or the end): the rest is one chunk, and its reader says so
        start = target + searched + found + 1
        if start >= size:
            break
        starts.append(start)
        target = max(start, target) + chunk_bytes
    return starts


def _ignore_interrupt() -> None:
    # Ctrl-C goes to the whole process group: the main process stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class Scan:
    """Where a scan is: what :func:`scan` hands out with each chunk's result."""

    #: Records read so far, and the first and last (offset, tick) of the file so far.
    records: int = 0
    first: tuple[int, int] | None = None
    last: tuple[int, int] | None = None
    lines: int = 0
    #: The line number of the last line when it is cut off (set at the end).
    cut_off_line: int | None = None
    regular_file: bool = True


def scan(path: str, make_tool: Callable[[], ChunkTool], *, workers: int | None = None,
         chunk_bytes: int = CHUNK_BYTES, state: Scan | None = None) -> Iterator[Any]:
    """The values of ``make_tool()``'s chunks of the log at ``path``, in file order.

    Raises ``OSError`` for a file that cannot be read, :class:`~engine.codec.LogFormatError`
    at the first bad line (after the values of the chunks before it), and
    :class:`~engine.codec.CutOffLine` after the last value if the file ends
    in the middle of its last line.  ``state`` (a :class:`Scan`) is kept up
    to date for the caller: records read, first and last offsets and ticks.
    ``workers`` defaults to every core for a big regular file, else 1.
    """
    state = state if state is not None else Scan()
    with open(path, "rb") as file:
        info = os.fstat(file.fileno())
        state.regular_file = stat.S_ISREG(info.st_mode)
        size = info.st_size if state.regular_file else None
        starts = _chunk_starts(file, size, chunk_bytes) if size is not None else [0]
    ends: list[int | None] = [*starts[1:], size]
    tasks = [_Task(path, start, end, end == size, make_tool) for start, end in zip(starts, ends, strict=True)]
    if workers is None:
        workers = _usable_cores() if size is not None and size >= PARALLEL_FROM else 1
    results = _run_parallel(tasks, workers) if workers > 1 and len(tasks) > 1 else map(_scan_chunk, tasks)
    for result in results:
        _follow(state, result, path)
        yield result.value
        if result.error is not None:
            line, problem, cut_off = result.error
            if cut_off:
                state.cut_off_line = state.lines + line
                raise codec.CutOffLine(path, state.lines + line)
            raise codec.LogFormatError(path, state.lines + line, problem)
        state.lines += result.lines


def _follow(state: Scan, result: ChunkResult, path: str) -> None:
    """Check that ``result``'s chunk follows what was read before it, and count it in."""
    if result.first is not None:
        offset, tick, line = result.first
        if state.last is not None:
            previous = Record(state.last[0], state.last[1], None, None, type="_", data={})
            here = Record(offset, tick, None, None, type="_", data={})
            codec.check_follows(previous, here, path, state.lines + line)
        else:
            state.first = (offset, tick)
        if result.last is not None:  # None: the chunk's first record was already bad (its error follows)
            last_offset, last_tick, _ = result.last
            state.last = (last_offset, last_tick)
            state.records += last_offset - offset + 1


def _run_parallel(tasks: list[_Task], workers: int) -> Iterator[ChunkResult]:
    """Chunk results in order, from ``workers`` processes, at most two a worker in flight."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(workers, initializer=_ignore_interrupt) as pool:
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(pool.apply_async(_scan_chunk, (task,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
