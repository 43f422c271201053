"""Hot reload: watch trigger files and reinstall them when they change.

Polling modification times is enough for a handful of small files and needs
no extra dependency.  A change is applied once the files have stayed the same
for one more poll: an editor that saves by truncating and rewriting a file
must not get its half-written (or empty) state installed.
:meth:`HotReloader.poll` is called by the game loop *between* ticks; a good
edit is emitted as a :class:`TriggersLoaded` input, installed whole at the
start of the next tick, and a broken edit is emitted as
:class:`TriggersReloadFailed` while the last good set keeps running.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from engine.scripting.events import TriggersLoaded, TriggersReloadFailed
from engine.scripting.loader import TriggerFileError, load_sources, read_sources, trigger_files
from engine.scripting.runtime import TriggerRuntime


class HotReloader:
    """Polls trigger files every ``interval`` seconds of real time; an edit is
    applied between one and two intervals after the last write."""

    def __init__(self, runtime: TriggerRuntime, paths: Iterable[str | Path], interval: float = 0.4,
                 clock: Callable[[], float] = time.monotonic, relative_to: str | Path | None = None) -> None:
        self.runtime = runtime
        self.paths = list(paths)
        self.relative_to = relative_to
        self.interval = interval
        self.clock = clock
        #: The problems of the last failed reload, until a good one clears them.
        self.errors: list[str] = []
        self.reloads = 0
        self._last_poll = clock()
        self._stamps = self._scan()
        #: Stamps seen changed at the last poll, waiting to settle.
        self._pending: dict[str, tuple[int, int]] | None = None

    def _scan(self) -> dict[str, tuple[int, int]]:
        stamps = {}
        for path in trigger_files(self.paths):
            try:
                info = path.stat()
            except OSError:
                continue
            stamps[str(path)] = (info.st_mtime_ns, info.st_size)
        return stamps

    def poll(self) -> bool:
        """Reload if a file changed (checked at most every ``interval``).

        True if files changed and a reload was tried; :attr:`errors` says
        whether it was refused."""
        now = self.clock()
        if now - self._last_poll < self.interval:
            return False
        self._last_poll = now
        stamps = self._scan()
        if stamps == self._stamps:
            self._pending = None  # changed and changed back: nothing to do
            return False
        if stamps != self._pending:
            self._pending = stamps  # still being written, maybe: look again next poll
            return False
        self._stamps = stamps
        self._pending = None
        self.reload()
        return True

    def reload(self) -> bool:
        """Validate every file now and emit the outcome; True if the new set was accepted."""
        sources, problems = read_sources(self.paths, self.relative_to)
        try:
            if problems:
                raise TriggerFileError(problems)
            loaded = load_sources(sources, self.runtime.registry)
        except TriggerFileError as error:
            self.errors = [str(p) for p in error.problems]
            self.runtime.world.emit(TriggersReloadFailed(tuple(self.errors)))
            return False
        self.errors = []
        self.reloads += 1
        self.runtime.world.emit(TriggersLoaded(sources, len(loaded.triggers), len(loaded.alarms)))
        return True
