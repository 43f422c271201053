"""A log file as bytes: its lines, the canonical line of a record, and how two lines differ.

Replay compares a log file's *own bytes* with the bytes a replay would write
(:func:`canonical_line`), so no edit hides behind a parser that forgives
it: an extra key, a duplicated key, a Windows line ending, keys in another
order, ``\\u00e9`` for ``é`` or ``21.0e0`` for ``21``.  When a line differs
only in encoding (the same JSON value, other bytes), :func:`encoding_problem`
says what is not canonical about it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine import codec
from engine.record import Record

#: Longest excerpt of a line shown in a report; longer lines are cut around the difference.
EXCERPT = 160


@dataclass(frozen=True)
class LogLine:
    """One line of a log file: its number (from 1), where it starts and its bytes (newline included)."""

    number: int
    start: int
    raw: bytes

    @property
    def text(self) -> str | None:
        """The line without its newline, decoded; None if it is not UTF-8."""
        try:
            return self.raw.removesuffix(b"\n").decode("utf-8")
        except UnicodeDecodeError:
            return None


def split_lines(data: bytes) -> list[LogLine]:
    """The lines of a file's bytes, each with its newline (the last may lack one)."""
    lines: list[LogLine] = []
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        lines.append(LogLine(len(lines) + 1, start, data[start:end]))
        start = end
    return lines


def read_lines(path: str | Path) -> list[LogLine]:
    """The lines of the log file at ``path``.  Raises ``OSError``, or
    :class:`~engine.codec.LogFormatError` for a line that never ends (``/dev/zero``
    was read into memory until it ran out)."""
    chunks: list[bytes] = []
    since_newline = 0  # bytes read since the last newline
    lines_done = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            chunks.append(chunk)
            newlines = chunk.count(b"\n")
            if newlines:
                lines_done += newlines
                since_newline = len(chunk) - chunk.rfind(b"\n") - 1
            else:
                since_newline += len(chunk)
            if since_newline > 2 * codec.MAX_LINE_BYTES:  # parse_record names a long line; this one may never end
                raise codec.LogFormatError(str(path), lines_done + 1, f"line longer than "
                                           f"{codec.MAX_LINE_BYTES // (1024 * 1024)} MiB; a log line holds one "
                                           "record (is this a log file?)")
    return split_lines(b"".join(chunks))


def canonical_line(record: Record) -> bytes:
    """The bytes a log file holds for ``record``: its JSON line and a newline."""
    return (codec.encode(record) + "\n").encode("utf-8")


def parse_record(line: LogLine, source: str) -> Record:
    """The record on ``line``, read as leniently as the codec reads it.

    Raises :class:`~engine.codec.LogFormatError` naming the line.
    """
    if len(line.raw.removesuffix(b"\n")) > codec.MAX_LINE_BYTES:
        # The bound trace, why and stats keep (codec.read_records): a 100 MB line is not parsed.
        raise codec.LogFormatError(source, line.number, f"line longer than {codec.MAX_LINE_BYTES // (1024 * 1024)} "
                                   "MiB; a log line holds one record (is this a log file?)")
    text = line.text
    if text is None:
        raise codec.LogFormatError(source, line.number, "not UTF-8 text")
    return codec.decode(text, source, line.number)


def first_differing_byte(a: bytes, b: bytes) -> int:
    """The index of the first byte where ``a`` and ``b`` differ (the shorter length if one is a prefix)."""
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))


def encoding_problem(raw: bytes, canonical: bytes) -> str | None:
    """What is not canonical about ``raw`` if it holds the same JSON value as ``canonical``, else None.

    The same value means the same keys with the same values, numbers compared
    by value (``21.0e0`` is ``21``) but never equal to ``true`` or ``false``.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    duplicates: list[str] = []
    try:
        value = json.loads(text, object_pairs_hook=_pairs_noting(duplicates))
        if duplicates or _plain(value) != _plain(json.loads(canonical)):
            return None
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to compare: not the same record
        return None
    return _describe(text, canonical.decode("utf-8"))


class _Pairs(list):  # type: ignore[type-arg]
    """A JSON object's (key, value) pairs, in the file's order, duplicates kept."""


def _pairs_noting(duplicates: list[str]) -> Any:
    """An ``object_pairs_hook`` that keeps the pairs and notes every key given twice."""
    def pairs(items: list[tuple[str, Any]]) -> _Pairs:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                duplicates.append(key)
            seen.add(key)
        return _Pairs(items)
    return pairs


def _plain(value: Any) -> Any:
    """A JSON value in a form where equal means the same value: objects unordered, numbers by value."""
    if isinstance(value, _Pairs):
        return ("object", frozenset((k, _plain(v)) for k, v in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, _plain(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_plain(v) for v in value))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)  # 21 == 21.0, and the two hash alike
    return (type(value).__name__, value)


def _describe(text: str, canonical: str) -> str:
    """Why ``text`` is not ``canonical`` although both hold the same value."""
    if text.endswith("\r\n"):
        return "it ends in CR LF (a Windows line ending) where a log has LF"
    if not text.endswith("\n"):
        return "it lacks the newline that ends every line of a log"
    if "\\u" in text and "\\u" not in canonical:
        return "it escapes characters (\\u....) that a log writes as they are"
    if list(json.loads(text)) != list(json.loads(canonical)):
        return "its keys are not in the order a log writes them (offset, tick, type, cause, data)"
    at = first_differing_byte(text.encode("utf-8"), canonical.encode("utf-8"))
    return f"it is written differently from byte {at} of the line on: {excerpt(text, at, byte=True)}"


def excerpt(text: str, at: int = 0, width: int = EXCERPT, byte: bool = False) -> str:
    """``text`` made printable (newlines and control characters escaped), cut to about
    ``width`` characters around character ``at`` (a UTF-8 byte index if ``byte``)."""
    if byte:
        at = len(text.encode("utf-8")[:at].decode("utf-8", "ignore"))
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(shown) <= width:
        return shown
    start = max(0, min(at - width // 3, len(shown) - width))
    head = "..." if start else ""
    tail = "..." if start + width < len(shown) else ""
    return head + shown[start:start + width] + tail
