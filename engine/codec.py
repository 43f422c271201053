"""JSON Lines codec for the event log: one record a line.

``{"offset": 12, "tick": 240, "type": "Shot", "cause": 11, "data": {...}}``

Keys are always in that order and floats are written by ``repr``, so the
same run always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from engine.record import Record

KEYS = ("offset", "tick", "type", "cause", "data")


class LogFormatError(ValueError):
    """A line of a log file is not a valid record; the message names the line."""

    def __init__(self, source: str, line: int, problem: str) -> None:
        super().__init__(f"{source}:{line}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


def encode(record: Record) -> str:
    """One record as one JSON line (no newline)."""
    return json.dumps(record.as_dict(), ensure_ascii=False, allow_nan=False)


def decode(line: str, source: str = "<log>", line_number: int = 1) -> Record:
    """Parse one JSON line into a record; raises :class:`LogFormatError`."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise LogFormatError(source, line_number, f"not valid JSON ({error.msg}, column {error.colno}); "
                             "the file may be truncated or corrupt") from None
    if not isinstance(obj, dict):
        raise LogFormatError(source, line_number, f"expected a JSON object, found {type(obj).__name__}")
    missing = [k for k in KEYS if k not in obj]
    if missing:
        raise LogFormatError(source, line_number, f"record lacks {', '.join(map(repr, missing))}")
    _expect(obj, "offset", int, source, line_number)
    _expect(obj, "tick", int, source, line_number)
    _expect(obj, "type", str, source, line_number)
    _expect(obj, "data", dict, source, line_number)
    cause = obj["cause"]
    if cause is not None and (not isinstance(cause, int) or isinstance(cause, bool)):
        raise LogFormatError(source, line_number, f"'cause' must be an offset or null, found {cause!r}")
    return Record(obj["offset"], obj["tick"], cause, None, type=obj["type"], data=obj["data"])


def _expect(obj: dict[str, Any], key: str, kind: type, source: str, line: int) -> None:
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise LogFormatError(source, line, f"{key!r} must be {kind.__name__}, found {value!r}")


def write(records: Iterable[Record], out: IO[str]) -> int:
    """Write records as JSON Lines; returns how many."""
    count = 0
    for record in records:
        out.write(encode(record))
        out.write("\n")
        count += 1
    return count


def save(records: Iterable[Record], path: str | Path) -> int:
    """Write records to a ``.jsonl`` file; returns how many."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        return write(records, out)


def read(lines: Iterable[str], source: str = "<log>") -> Iterator[Record]:
    """Parse JSON Lines; blank lines are skipped; offsets must increase."""
    last = -1
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = decode(line, source, number)
        if record.offset <= last:
            raise LogFormatError(source, number, f"offset {record.offset} does not follow offset {last}")
        if record.cause is not None and record.cause >= record.offset:
            raise LogFormatError(source, number, f"cause {record.cause} is not an earlier offset than {record.offset}")
        last = record.offset
        yield record


def load(path: str | Path) -> list[Record]:
    """Read a ``.jsonl`` log file.  Raises ``OSError`` or :class:`LogFormatError`."""
    with open(path, encoding="utf-8") as lines:
        return list(read(lines, str(path)))
