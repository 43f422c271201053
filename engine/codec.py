"""JSON Lines codec for the event log: one record a line.

``{"offset": 12, "tick": 240, "type": "Shot", "cause": 11, "data": {...}}``

Keys are always in that order and floats are written by ``repr``, so the
same run always gives the same bytes.  Reading is as strict as writing:
numbers must be finite, offsets follow each other by 1 and ticks never go
back, so whatever :func:`read` accepts, :func:`write` can write again.

Reading a file is bounded: a line longer than :data:`MAX_LINE_BYTES` is
refused after reading that much of it (never read whole), JSON nested too
deeply is refused, and a last line that the file ends in the middle of
(a run killed while writing it) is told apart as :class:`CutOffLine`.
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

#: The longest line read (a record's bytes); longer ones are refused, not read into memory.
MAX_LINE_BYTES = 16 * 1024 * 1024
#: How deeply a record's data may nest lists and objects.
MAX_NESTING = 100
#: The longest event type name a record may have.
MAX_TYPE_NAME = 200
_BOM = b"\xef\xbb\xbf"


class LogFormatError(ValueError):
    """A line of a log file is not a valid record; the message names the line."""

    def __init__(self, source: str, line: int, problem: str) -> None:
        super().__init__(f"{source}:{line}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


class CutOffLine(LogFormatError):
    """The file ends in the middle of its last line: every line before it is whole.

    What a run that was killed while writing leaves; tools report it and use the rest."""

    def __init__(self, source: str, line: int) -> None:
        super().__init__(source, line, "the last line is cut off (the file ends in the middle of it, as when "
                                       "the run writing it was killed); the records before it are whole")


class _NotJSON(LogFormatError):
    """The line is not JSON at all (as a line cut short is not)."""


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
_SCAN = _DECODER.scan_once


def encode(record: Record) -> str:
    """One record as one JSON line (no newline)."""
    return json.dumps(record.as_dict(), ensure_ascii=False, allow_nan=False)


def decode(line: str, source: str = "<log>", line_number: int = 1) -> Record:
    """Parse one JSON line into a record; raises :class:`LogFormatError`."""
    obj = _parse(line, source, line_number)
    # Nesting deeper than MAX_NESTING needs that many brackets: count them only on lines long enough.
    if len(line) > 2 * MAX_NESTING and line.count("[") + line.count("{") > MAX_NESTING:
        _check_nesting(obj, source, line_number)
    # The common case, checked with as few Python operations as possible (a
    # big log has millions of lines); anything unusual takes the slow path,
    # which says exactly what is wrong.  type(x) is int also refuses bools.
    if type(obj) is dict and len(obj) == 5:
        offset, tick, kind, cause, data = (obj.get("offset"), obj.get("tick"), obj.get("type"), obj.get("cause"),
                                           obj.get("data"))
        if (type(offset) is int and type(tick) is int and type(kind) is str and type(data) is dict
                and offset >= 0 and tick >= 0 and (cause is None or (type(cause) is int and cause >= 0))
                and kind.isidentifier() and len(kind) <= MAX_TYPE_NAME):
            return Record(offset, tick, cause, None, type=kind, data=data)
    return _decode_slowly(obj, source, line_number)


def _decode_slowly(obj: Any, source: str, line_number: int) -> Record:
    """:func:`decode` for a line that is not a plain record: the first problem found, named."""
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
        raise LogFormatError(source, line_number, f"'cause' must be an offset or null, found {_brief(cause)}")
    for key in ("offset", "tick"):
        if obj[key] < 0:
            raise LogFormatError(source, line_number, f"{key!r} must not be negative, found {_brief(obj[key])}")
    kind = obj["type"]
    if not kind.isidentifier() or len(kind) > MAX_TYPE_NAME:
        raise LogFormatError(source, line_number, f"'type' must be an event type name (a Python name of at most "
                                                  f"{MAX_TYPE_NAME} characters), found {_brief(kind)}")
    return Record(obj["offset"], obj["tick"], cause, None, type=kind, data=obj["data"])


def _check_nesting(obj: Any, source: str, line_number: int) -> None:
    """Refuse data nested deeper than :data:`MAX_NESTING` (walked without recursion)."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            raise LogFormatError(source, line_number, f"the JSON nests more than {MAX_NESTING} lists or objects "
                                                      "deep; a record's data is never that deep")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _brief(value: Any) -> str:
    """``repr(value)``, cut short: an error message stays one readable line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse(line: str, source: str, line_number: int) -> Any:
    """The JSON value on one line, strictly: no NaN or infinities."""
    try:
        # The decoder's C scanner, called directly: json's decode() wraps it in
        # two Python calls and two regex matches, a third of the cost of a
        # short line.  Anything unusual (leading space, trailing data, a syntax
        # error) goes through decode(), which skips the space or says what is wrong.
        try:
            value, end = _SCAN(line, 0)
        except StopIteration:
            return _DECODER.decode(line)
        if end == len(line) or line[end:].isspace():
            return value
        return _DECODER.decode(line)
    except json.JSONDecodeError as error:
        raise _NotJSON(source, line_number, f"not valid JSON ({error.msg}, column {error.colno}); "
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
        raise LogFormatError(source, line, f"{key!r} must be {kind.__name__}, found {_brief(value)}")


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
    numbered = ((number, decode(line, source, number)) for number, line in enumerate(lines, start=1)
                if line.strip())
    return in_log_order(numbered, source)


def in_log_order(numbered: Iterable[tuple[int, Record]], source: str) -> Iterator[Record]:
    """The records of ``(line number, record)`` pairs, checked to follow each other as in a log."""
    previous: Record | None = None
    for number, record in numbered:
        if previous is not None:
            check_follows(previous, record, source, number)
        if record.cause is not None and record.cause >= record.offset:
            cause_not_earlier(record, source, number)
        previous = record
        yield record


def cause_not_earlier(record: Record, source: str, line: int) -> None:
    """Raise the error for a record whose cause is not an earlier offset."""
    raise LogFormatError(source, line, f"cause {_number(record.cause)} is not an earlier offset than "
                                       f"{_number(record.offset)}")


def _number(value: Any) -> str:
    """A whole number for a message: one of thousands of digits is shown by its ends."""
    text = str(value)
    return text if len(text) <= 30 else f"{text[:12]}...{text[-6:]} ({len(text)} digits)"


def check_follows(previous: Record, record: Record, source: str, line: int) -> None:
    """Raise :class:`LogFormatError` unless ``record`` can come right after ``previous`` in a log."""
    expected = previous.offset + 1
    if record.offset != expected:
        # A gap is most likely a deleted line: say so, since the file otherwise looks fine.
        missing = record.offset - expected
        hint = f"; {_number(missing)} record{'s' if missing > 1 else ''} missing before it" if missing > 0 else ""
        raise LogFormatError(source, line, f"offset {_number(record.offset)} does not follow offset "
                             f"{_number(previous.offset)}: "
                             f"expected offset {_number(expected)}{hint}")
    if record.tick < previous.tick:
        raise LogFormatError(source, line, f"tick {_number(record.tick)} goes back from tick {_number(previous.tick)} "
                             f"of offset {_number(previous.offset)}; ticks never decrease in a log")


def lines_of(file: IO[bytes], source: str, end: int | None = None,
             at_eof: bool = True) -> Iterator[tuple[int, str | None, int]]:
    """The lines of a binary log file from where it is to byte ``end`` (default: its end).

    Yields ``(line_number, text, position)``, numbers counted from 1 where
    reading starts; ``text`` is None for a last line the file ends in the
    middle of (``at_eof``: the range ends where the file does), if
    the caller should decide (see :func:`decode_line`).  Raises
    :class:`LogFormatError` for a line longer than :data:`MAX_LINE_BYTES`
    (read no further than that) or one that is not UTF-8.
    """
    readline = file.readline
    try:
        position = file.tell()
    except OSError:  # a pipe: read from where it is, counting from 0
        position = 0
    number = 0
    while end is None or position < end:
        limit = MAX_LINE_BYTES + 1 if end is None else min(MAX_LINE_BYTES + 1, end - position)
        raw = readline(limit)
        if not raw:
            return
        number += 1
        if raw[-1:] != b"\n" and len(raw) > MAX_LINE_BYTES:
            raise LogFormatError(source, number, f"line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB; a log "
                                                 "line holds one record (is this a log file?)")
        if position == 0 and raw.startswith(_BOM):
            raise LogFormatError(source, number, "the file starts with a byte order mark (BOM); a log is UTF-8 "
                                                 "without one")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            if at_eof and raw[-1:] != b"\n" and (end is None or position + len(raw) >= end):
                yield number, None, position   # cut in the middle of a character: a cut-off last line
                return
            raise LogFormatError(source, number, f"not a text file (byte 0x{raw[error.start]:02x} at column "
                                                 f"{error.start + 1} is not UTF-8)") from None
        yield number, text, position
        position += len(raw)


def decode_line(text: str | None, source: str, number: int) -> Record | None:
    """A line from :func:`lines_of` as a record; None for a blank line.

    A last line without its newline that is not a whole record raises
    :class:`CutOffLine` (a whole record without the newline is accepted)."""
    if text is None:
        raise CutOffLine(source, number)
    if not text.strip():
        return None
    if text[-1] == "\n":
        return decode(text, source, number)
    try:
        return decode(text, source, number)
    except _NotJSON:
        raise CutOffLine(source, number) from None


def read_file(file: IO[bytes], source: str) -> Iterator[Record]:
    """The records of a binary log file, checked as :func:`read` checks them, a line at a time."""
    decoded = ((number, decode_line(text, source, number)) for number, text, _ in lines_of(file, source))
    return in_log_order(((number, record) for number, record in decoded if record is not None), source)


def load(path: str | Path) -> list[Record]:
    """Read a ``.jsonl`` log file.  Raises ``OSError`` or :class:`LogFormatError`."""
    with open(path, "rb") as file:
        return list(read_file(file, str(path)))
