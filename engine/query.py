"""Queries over records: by type, entity, tick range, and causal chains.

These work on any sequence of records, live or read back from a file, so
the CLI and the in-game log answer questions the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from engine.events import ENTITY_FIELDS
from engine.record import Record


def matches_type(record: Record, event_type: type | str) -> bool:
    """True if the record's event is ``event_type`` or a subclass of it.

    For records read from a file (no event object) only the name is known,
    so a name matches its own type exactly.
    """
    if record.event is not None:
        names = (c.__name__ for c in type(record.event).__mro__)
        wanted = event_type if isinstance(event_type, str) else event_type.__name__
        return wanted in names
    return record.type == (event_type if isinstance(event_type, str) else event_type.__name__)


def names_entity(record: Record, entity: int) -> bool:
    """True if one of the record's entity fields is ``entity``."""
    data = record.data
    return any(data.get(name) == entity for name in ENTITY_FIELDS)


def select(
    records: Iterable[Record],
    event_type: type | str | None = None,
    entity: int | None = None,
    ticks: tuple[int | None, int | None] | None = None,
) -> Iterator[Record]:
    """Records matching every filter given: type, entity and tick range ``[a, b)``."""
    lo, hi = ticks if ticks is not None else (None, None)
    for record in records:
        if event_type is not None and not matches_type(record, event_type):
            continue
        if entity is not None and not names_entity(record, entity):
            continue
        if lo is not None and record.tick < lo:
            continue
        if hi is not None and record.tick >= hi:
            continue
        yield record


def causal_chain(offset: int, lookup: Callable[[int], Record | None]) -> list[Record]:
    """The chain of records that led to ``offset``, root first.

    ``lookup`` returns the record at an offset, or ``None`` when it is no
    longer available (retention); the chain then starts at the oldest record
    still known.  Raises ``KeyError`` if ``offset`` itself is unknown.
    """
    record = lookup(offset)
    if record is None:
        raise KeyError(offset)
    chain = [record]
    seen = {offset}
    while record.cause is not None and record.cause not in seen:
        parent = lookup(record.cause)
        if parent is None:
            break
        seen.add(parent.offset)
        chain.append(parent)
        record = parent
    chain.reverse()
    return chain
