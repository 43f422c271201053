"""JSON Lines codec for the event log: one record a line.

``{"offset": 12, "tick": 240, "type": "Shot", "cause": 11, "data": {...}}``

Keys are always in that order and floats are written by ``repr``, so the
same run always gives the same bytes.  Reading is as strict as writing:
numbers must be finite, offsets follow each other by 1 and ticks never go
back, so whatever :func:`read` accepts, :func:`write` can write again.
"""

from __future__ import annotations

import json
import math
import sys
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


class _NonFinite(ValueError):
    """Raised from the JSON parser's hooks: ``token`` is not a finite number."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _refuse_constant(token: str) -> Any:
    # json accepts NaN, Infinity and -Infinity by default; the writer never
    # produces them (allow_nan=False), so a line holding one was not written by us.
    raise _NonFinite(token)


def _finite_float(token: str) -> float:
    # A literal such as 1e999 parses to inf without calling parse_constant.
    value = float(token)
    if not math.isfinite(value):
        raise _NonFinite(token)
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def encode(record: Record) -> str:
    """One record as one JSON line (no newline)."""
    return json.dumps(record.as_dict(), ensure_ascii=False, allow_nan=False)


def decode(line: str, source: str = "<log>", line_number: int = 1) -> Record:
    """Parse one JSON line into a record; raises :class:`LogFormatError`."""
    obj = _parse(line, source, line_number)
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
    if cause is not None and (not isinstance(cause, int) or isinstance(cause, bool) or cause < 0):
        raise LogFormatError(source, line_number, f"'cause' must be an offset or null, found {cause!r}")
    for key in ("offset", "tick"):
        if obj[key] < 0:
            raise LogFormatError(source, line_number, f"{key!r} must not be negative, found {obj[key]}")
    return Record(obj["offset"], obj["tick"], cause, None, type=obj["type"], data=obj["data"])


def _parse(line: str, source: str, line_number: int) -> Any:
    """The JSON value on one line, strictly: no NaN or infinities."""
    try:
        return _DECODER.decode(line)
    except json.JSONDecodeError as error:
        raise LogFormatError(source, line_number, f"not valid JSON ({error.msg}, column {error.colno}); "
                             "the file may be truncated or corrupt") from None
    except _NonFinite as error:
        token = error.token if len(error.token) <= 30 else error.token[:27] + "..."
        raise LogFormatError(source, line_number, f"{token} is not a finite number; "
                             "a log holds only finite numbers (strict JSON)") from None
    except ValueError:
        # The only other ValueError json raises on a str: Python's limit on the digits of an int.
        raise LogFormatError(source, line_number, f"a whole number has more than {sys.get_int_max_str_digits()} "
                             "digits") from None
    except RecursionError:
        raise LogFormatError(source, line_number, "the JSON is nested too deeply to read") from None


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
    """Parse JSON Lines; blank lines are skipped.

    The first record may have any offset (retention drops the oldest
    records), but from there offsets go up by exactly 1 and ticks never go
    down, as in the log a world keeps; a record's cause is an earlier offset.
    """
    previous: Record | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = decode(line, source, number)
        if previous is not None:
            _check_follows(previous, record, source, number)
        if record.cause is not None and record.cause >= record.offset:
            raise LogFormatError(source, number, f"cause {record.cause} is not an earlier offset than {record.offset}")
        previous = record
        yield record


def _check_follows(previous: Record, record: Record, source: str, line: int) -> None:
    """Raise unless ``record`` can come right after ``previous`` in a log."""
    expected = previous.offset + 1
    if record.offset != expected:
        # A gap is most likely a deleted line: say so, since the file otherwise looks fine.
        missing = record.offset - expected
        hint = f"; {missing} record{'s' if missing > 1 else ''} missing before it" if missing > 0 else ""
        raise LogFormatError(source, line, f"offset {record.offset} does not follow offset {previous.offset}: "
                             f"expected offset {expected}{hint}")
    if record.tick < previous.tick:
        raise LogFormatError(source, line, f"tick {record.tick} goes back from tick {previous.tick} of offset "
                             f"{previous.offset}; ticks never decrease in a log")


def load(path: str | Path) -> list[Record]:
    """Read a ``.jsonl`` log file.  Raises ``OSError`` or :class:`LogFormatError`."""
    with open(path, encoding="utf-8") as lines:
        return list(read(lines, str(path)))
