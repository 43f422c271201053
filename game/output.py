"""Where a run's output goes: paths checked before the run, and the ``--events-out`` file fed as it goes.

An output path is checked fully when the options are read, before anything
is simulated, so a typo never costs a whole run: a parent that is a file,
a dangling symlink, a folder, a place that cannot be written.  The events
file is then written as the run goes (:class:`EventsOut`), so a run that is
killed, crashes or is interrupted still leaves its log.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from engine.log import EventLog
from engine.logfile import LogFile, RecordsMissed
from engine.sink import LogTap

#: Seconds of simulation between two writes of the events file in a headless run.
FLUSH_SECONDS = 0.1


class OutputPathError(ValueError):
    """An output path that cannot be written; the message says why in one line."""


def check_output_path(text: str, suffix: str) -> Path:
    """``text`` as a path a run can write a ``suffix`` file to, or :class:`OutputPathError`."""
    path = Path(text)
    if path.suffix.lower() != suffix:
        raise OutputPathError(f"expected a {suffix} file name, got {text!r}")
    if path.is_symlink() and not path.exists():
        raise OutputPathError(f"{text!r} is a symlink to {os.readlink(path)!r}, which does not exist")
    if path.is_dir():
        raise OutputPathError(f"{text!r} is a folder, not a file")
    _check_parent(path)
    if path.exists():
        if not stat.S_ISREG(path.stat().st_mode):
            raise OutputPathError(f"{text!r} is not a regular file")
        _probe(path, existing=True)
    else:
        _probe(path, existing=False)
    return path


def _check_parent(path: Path) -> None:
    """The folder ``path`` goes in exists and is a folder; else name the part that is wrong."""
    parent = path.parent
    if parent.is_dir():
        return
    # Walk up to the first part that exists (or is a dangling link) to say what is wrong with it.
    part = parent
    while not (part.exists() or part.is_symlink()) and part != part.parent:
        part = part.parent
    if part.is_symlink() and not part.exists():
        raise OutputPathError(f"folder {str(part)!r} is a symlink to {os.readlink(part)!r}, which does not exist")
    if part.exists() and not part.is_dir():
        raise OutputPathError(f"{str(part)!r} is a file, not a folder")
    raise OutputPathError(f"folder {str(parent)!r} does not exist")


def _probe(path: Path, existing: bool) -> None:
    """Open ``path`` for writing the way the run will (without changing an existing file)."""
    try:
        if existing:
            with open(path, "ab"):
                pass
        else:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            os.unlink(path)
    except OSError as error:
        raise OutputPathError(f"cannot write {str(path)!r}: {error.strerror or error}") from None


class EventsOut:
    """The ``--events-out`` file, written from the log through a tap as the run goes.

    :meth:`drain` writes what was appended since the last call; it is called
    between ticks or frames.  A write that fails (a full disk) is reported
    once on stderr and the game goes on without its file; :meth:`close`
    then returns exit status 1.
    """

    def __init__(self, log: EventLog, path: Path) -> None:
        self.path = path
        self.file = LogFile(path)
        self.tap = LogTap(log, [self.file])
        #: The one-line problem that stopped the file, if any.
        self.error: str | None = None

    def drain(self) -> None:
        """Write the records appended since the last drain (the file then holds all of them)."""
        if self.error is not None:
            return
        try:
            self.tap.drain()
        except (OSError, RecordsMissed) as error:
            self._fail(error)

    def every(self, ticks: int) -> Callable[[], None]:
        """A between-ticks hook that drains every ``ticks`` ticks."""
        countdown = [ticks]

        def tick_done() -> None:
            countdown[0] -= 1
            if countdown[0] <= 0:
                countdown[0] = ticks
                self.drain()
        return tick_done

    def _fail(self, error: Exception) -> None:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        self.error = f"cannot write {str(self.path)!r}: {reason}"
        print(f"error: {self.error}; the game goes on without it", file=sys.stderr)

    def close(self) -> int:
        """Write what is left and close the file; exit status 0, or 1 if writing failed.

        Closing again does nothing more (a Ctrl-C path and a ``finally`` may both close)."""
        if self.file.closed:
            return 0 if self.error is None else 1
        self.drain()
        try:
            self.file.close()
        except OSError as error:
            if self.error is None:
                self._fail(error)
        return 0 if self.error is None else 1

    def report(self) -> str:
        """One line for the user: what the file holds."""
        return f"wrote {self.file.records} records to {self.path}"


def flush_ticks(tick_rate: int) -> int:
    """Ticks between two writes of the events file: :data:`FLUSH_SECONDS` of simulation, at least 1."""
    return max(1, round(FLUSH_SECONDS * tick_rate))
