"""Run-time failures, reported once each with a count.

A trigger that fails fails again at every event: the log keeps every dead
letter (:class:`~engine.events.HandlerFailed`), but a person wants one line
per failure with how often it happened.  :class:`FailureTally` reads the
log (a reader, between ticks) and counts dead letters by where they
happened; :class:`OncePerHandler` lets the bus's stderr warning through
once per handler instead of once per event.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Iterator

from engine.log import EventLog


class FailureTally:
    """Dead letters of a log, counted by handler (which names file, trigger and field)."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self._reader = log.reader(0)
        self.counts: Counter[str] = Counter()
        #: The first error seen for each handler (later ones are usually the same).
        self.first: dict[str, str] = {}

    def poll(self) -> None:
        """Read the records added since the last poll (call it between ticks)."""
        batch = self._reader.poll()
        if batch.truncated is not None:
            # Time travel cut the log back: count the current timeline again, from what the log keeps.
            self.counts.clear()
            self.first.clear()
            self._reader.seek(self.log.oldest)
            batch = self._reader.poll()
        for record in batch.records:
            if record.type == "HandlerFailed":
                handler = str(record.data.get("handler", "?"))
                self.counts[handler] += 1
                self.first.setdefault(handler, str(record.data.get("error", "")))

    def summary(self) -> list[str]:
        """One line per failing handler, most frequent first: ``WHERE: ERROR (failed N times)``."""
        self.poll()
        return [f"{handler}: {self.first[handler]} ({_times(count)})"
                for handler, count in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _times(count: int) -> str:
    return "failed once" if count == 1 else f"failed {count:,} times"


class OncePerHandler(logging.Filter):
    """A logging filter for ``engine.bus``: the first warning of each failing handler passes, the rest are counted."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        """True (show it) the first time a handler's failure is logged."""
        if not record.msg.startswith("handler ") or not record.args:
            return True
        handler = str(record.args[0]) if isinstance(record.args, tuple) else ""
        if handler in self.seen:
            return False
        self.seen.add(handler)
        return True


@contextlib.contextmanager
def failures_once(logger: str = "engine.bus") -> Iterator[OncePerHandler]:
    """While it lasts, the bus warns once per failing handler, not once per event."""
    once = OncePerHandler()
    target = logging.getLogger(logger)
    target.addFilter(once)
    try:
        yield once
    finally:
        target.removeFilter(once)
