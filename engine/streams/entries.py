"""How records are stored as stream entries, and read back.

One record is one entry with three fields: ``offset``, ``type`` (so
``redis-cli XRANGE`` is readable) and ``record``, the record's JSON line
exactly as ``--events-out`` writes it; a fetched stream is therefore the
run's file byte for byte.

**Entry IDs are ``EPOCH-(OFFSET+1)``**: the log's epoch (how many times time
travel cut it back, 0 for most runs) and the record's offset.  The rule
makes publishing idempotent: sending a record twice (a retry after a lost
reply, or ``publish`` run twice) gives the same ID, and a stream refuses an
ID that is not above its last one, so no duplicate entry can appear.

A stream is append-only, so a truncation by time travel is an entry of its
own, ``EPOCH-0`` with the field ``truncate`` = the offset the log was cut
back to; it opens the new epoch.  Readers apply it: records from that
offset on are replaced by the ones that follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine import codec
from engine.record import Record

RECORD_FIELD = "record"
TRUNCATE_FIELD = "truncate"


class StreamEntryError(ValueError):
    """An entry that is not one of our records; the message names the stream and the entry ID."""


@dataclass(frozen=True)
class StreamEntry:
    """One entry read from a stream: a record (with its JSON line) or a truncation."""

    #: The server's ID for the entry (Redis: ``EPOCH-SEQ``); what is acknowledged.
    id: str
    record: Record | None = None
    #: The record's JSON line, byte for byte as the run wrote it.
    line: str | None = None
    #: Not None for a truncation entry: the offset the log was cut back to.
    truncated: int | None = None

    def describe(self) -> str:
        """One line, like ``trace``: the record's, or the truncation's."""
        if self.record is not None:
            return self.record.describe()
        return f"~ time travel cut the log back to offset {self.truncated} (epoch {epoch_of(self.id)})"


def record_id(epoch: int, offset: int) -> str:
    """The entry ID of the record at ``offset`` in ``epoch``."""
    return f"{epoch}-{offset + 1}"


def truncation_id(epoch: int) -> str:
    """The entry ID of the truncation that opened ``epoch`` (1 or more)."""
    return f"{epoch}-0"


def epoch_of(entry_id: str) -> int:
    """The epoch part of one of our entry IDs."""
    return int(entry_id.partition("-")[0])


def record_fields(record: Record) -> dict[str, str]:
    """The fields of a record's entry."""
    return {"offset": str(record.offset), "type": record.type, RECORD_FIELD: codec.encode(record)}


def truncation_fields(offset: int) -> dict[str, str]:
    """The fields of a truncation entry."""
    return {TRUNCATE_FIELD: str(offset)}


def decode_entry(stream: str, entry_id: Any, fields: Any) -> StreamEntry:
    """Check and decode one entry; raises :class:`StreamEntryError` if it is not ours."""
    entry_id = _text(entry_id)
    where = f"stream {stream!r} entry {entry_id}"
    epoch, sequence = _split_id(entry_id, where)
    if not isinstance(fields, dict):
        raise StreamEntryError(f"{where}: expected the fields of a record, found {type(fields).__name__}")
    fields = {_text(k): _text(v) for k, v in fields.items()}
    if TRUNCATE_FIELD in fields:
        if sequence != 0 or epoch == 0:
            raise StreamEntryError(f"{where}: a truncation entry must have the ID EPOCH-0 with EPOCH >= 1")
        offset = fields[TRUNCATE_FIELD]
        if not offset.isdigit():
            raise StreamEntryError(f"{where}: 'truncate' must be an offset, found {offset!r}")
        return StreamEntry(entry_id, truncated=int(offset))
    line = fields.get(RECORD_FIELD)
    if line is None:
        names = ", ".join(sorted(fields)) or "none"
        raise StreamEntryError(f"{where}: not a Wanted record (no 'record' field; fields: {names})")
    if len(line) > codec.MAX_LINE_BYTES // 4 and len(line.encode("utf-8", "surrogatepass")) > codec.MAX_LINE_BYTES:
        # fetch would write a line that trace, why, stats and replay refuse
        raise StreamEntryError(f"{where}: not a Wanted record: longer than the "
                               f"{codec.MAX_LINE_BYTES // (1024 * 1024)} MiB a log line may hold")
    try:
        record = codec.decode(line, where)
    except codec.LogFormatError as error:
        raise StreamEntryError(f"{where}: not a Wanted record: {error.problem}") from None
    if record.offset + 1 != sequence:
        raise StreamEntryError(f"{where}: holds offset {record.offset}, but the ID says offset {sequence - 1}")
    return StreamEntry(entry_id, record, line)


def _split_id(entry_id: str, where: str) -> tuple[int, int]:
    epoch, dash, sequence = entry_id.partition("-")
    if not (dash and epoch.isdigit() and sequence.isdigit()):
        raise StreamEntryError(f"{where}: not an entry ID of the form EPOCH-SEQUENCE")
    return int(epoch), int(sequence)


def _text(value: Any) -> Any:
    # Clients hand back bytes unless asked to decode; entries are always UTF-8 text.
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("utf-8", "replace")
    return value
