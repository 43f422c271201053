"""Records: events as stored in the log, with offset, tick and cause."""

from __future__ import annotations

from typing import Any

from engine.events import Event, to_data


class Record:
    """One entry of the event log.

    ``offset`` is the record's position in the log (0, 1, 2, ...), ``tick``
    the simulation step it happened in and ``cause`` the offset of the record
    that was being handled when it was emitted (``None`` for a root: input or
    a system's own tick code).  Live records keep the event object; records
    read back from a file carry only its ``type`` name and ``data``.
    """

    __slots__ = ("offset", "tick", "cause", "event", "depth", "_type", "_data")

    def __init__(
        self,
        offset: int,
        tick: int,
        cause: int | None,
        event: Event | None,
        depth: int = 0,
        type: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        # EventLog.add builds live records without calling this (it is the
        # bus's hot path); keep the two in step when adding a slot.
        self.offset = offset
        self.tick = tick
        self.cause = cause
        self.event = event
        # How many handlers deep this record was emitted; used by the cascade guard.
        self.depth = depth
        self._type = type
        self._data = data

    @property
    def type(self) -> str:
        """The event's type name (its topic)."""
        event = self.event
        if event is not None:
            # Not cached: a live record may be filled again (see EventLog.add),
            # and the name is two loads away.
            return event.__class__.__name__
        # Read from a file: the name is all there is (and a record of nothing is a NoneType, as it always was).
        return self._type if self._type is not None else event.__class__.__name__

    @property
    def data(self) -> dict[str, Any]:
        """The event's fields as plain JSON-ready data."""
        try:
            data = self._data
        except AttributeError:  # live records made by EventLog.add leave the cache unset
            data = None
        if data is None:
            data = self._data = to_data(self.event) if self.event is not None else {}
        return data

    def as_dict(self) -> dict[str, Any]:
        """The record as the JSON Lines codec writes it (keys in order)."""
        return {"offset": self.offset, "tick": self.tick, "type": self.type,
                "cause": self.cause, "data": self.data}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self.as_dict() == other.as_dict()

    def __hash__(self) -> int:
        return hash((self.offset, self.tick, self.type))

    def __repr__(self) -> str:
        return (f"Record(offset={self.offset}, tick={self.tick}, type={self.type!r}, "
                f"cause={self.cause}, data={self.data!r})")

    def describe(self, full: bool = False) -> str:
        """One readable line: ``#12 t=240 Shot <- #11 shooter=3 target=1``.

        Long values are cut to 60 characters and floats to 4 digits, unless
        ``full``: then every value is shown whole (newlines as ``\\n``, so the
        record stays on one line)."""
        cause = "" if self.cause is None else f" <- #{self.cause}"
        data = self.data
        if not data:
            return f"#{self.offset} t={self.tick} {self.type}{cause}"
        value = _whole if full else _short
        # A list, not a generator: join builds it anyway, and trace calls this once per record.
        fields = " ".join([f"{k}={value(v)}" for k, v in data.items()])
        if not fields.isprintable():   # values come out escaped, so only a key can hold control characters
            fields = " ".join([f"{printable(k)}={value(v)}" for k, v in data.items()])
        return f"#{self.offset} t={self.tick} {self.type}{cause} {fields}".rstrip()


class BlankRecord(Record):
    """A :class:`Record` made without ``__init__``: :meth:`EventLog.add` fills its
    slots itself (``_type`` stays unset, ``_data`` until first read)."""

    __slots__ = ()
    # object's own __init__ lets CPython call its C slot directly, so
    # ``BlankRecord()`` costs an allocation and nothing more: about 30% less
    # than ``object.__new__(Record)`` and half of ``Record(...)`` (measured
    # with timeit on CPython 3.11).
    __init__ = object.__init__


def shown(value: Any) -> str:
    """A value as :meth:`Record.describe` shows it: one printable line, long text cut to 60 characters."""
    return _short(value)


def _short(value: Any) -> str:
    # Fast paths for the common plain values (trace formats a million records);
    # the general cases below give the same text for them.
    kind = type(value)
    if kind is int or kind is bool or value is None:
        return str(value)
    if kind is str and len(value) <= 60 and value.isprintable():
        return value
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "(" + ",".join(_short(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ",".join(f"{printable(k)}:{_short(v)}" for k, v in value.items()) + "}"
    text = str(value)
    # Keep one record on one line: long text (trigger file sources) is cut.
    text = printable(text.replace("\n", "⏎"))
    return text if len(text) <= 60 else text[:57] + "..."


def _whole(value: Any) -> str:
    """A value uncut: text whole (newlines written as \\n), floats with every digit."""
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "(" + ",".join(_whole(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ",".join(f"{printable(k)}:{_whole(v)}" for k, v in value.items()) + "}"
    return printable(str(value).replace("\\", "\\\\"))   # a newline becomes \n, as every control character


def printable(text: str) -> str:
    """``text`` with each character a terminal would act on written as its escape (``\\x1b``, ``\\r``, ``\\n``).

    A log is input like any other: a value holding ESC [2J would clear the
    reader's screen, a carriage return could overwrite what ``trace`` printed,
    and a newline in a key would split one record over two lines."""
    if text.isprintable():
        return text
    return "".join([c if c.isprintable() else repr(c)[1:-1] for c in text])
