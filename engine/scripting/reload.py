"""Hot reload: watch trigger files and reinstall them when they change.

Polling modification times is enough for a handful of small files and needs
no extra dependency.  A change is applied once the files have stayed the same
for one more poll: an editor that saves by truncating and rewriting a file
must not get its half-written (or empty) state installed.
:meth:`HotReloader.poll` is called by the game loop *between* ticks; a good
edit is emitted as a :class:`TriggersLoaded` input, installed whole at the
start of the next tick, and a broken edit is emitted as
:class:`TriggersReloadFailed` while the last good set keeps running.

Neither :meth:`HotReloader.poll` nor :meth:`HotReloader.reload` ever raises:
whatever goes wrong while reading or validating the files (an odd file,
a parser limit, a bug in a registry's code) becomes one line in the
``TriggersReloadFailed`` record, and the game goes on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from engine.scripting.events import TriggersLoaded, TriggersReloadFailed
from engine.scripting.extensions import Extensions, current_digests, extension_files, load_extensions
from engine.scripting.loader import TriggerFileError, load_sources, read_sources, trigger_files
from engine.scripting.runtime import TriggerRuntime
from engine.scripting.values import brief

#: Most problems one TriggersReloadFailed record carries.
MAX_ERRORS = 50


class HotReloader:
    """Polls trigger files every ``interval`` seconds of real time; an edit is
    applied between one and two intervals after the last write."""

    def __init__(self, runtime: TriggerRuntime, paths: Iterable[str | Path], interval: float = 0.4,
                 clock: Callable[[], float] = time.monotonic, relative_to: str | Path | None = None,
                 extensions: Extensions | None = None) -> None:
        self.runtime = runtime
        #: The Python extensions the game started with (their ``.py`` files are watched too).
        self.extensions = extensions
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
        try:
            files = trigger_files(self.paths) + extension_files(self.paths)
        except Exception:  # a folder that vanished or cannot be listed: reloading will say which
            return {"": (-1, -1)}
        for path in files:
            try:
                info = path.stat()
            except OSError:
                # A dangling symlink or a loop still counts: its coming and going is an edit,
                # so that reloading reports it instead of skipping it in silence.
                info = _link_stat(path)
            stamps[str(path)] = (info.st_mtime_ns, info.st_size) if info is not None else (-1, -1)
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
        """Validate every file now and emit the outcome; True if the new set was accepted.

        Never raises: any failure is recorded as :class:`TriggersReloadFailed`."""
        try:
            changed = self._changed_extensions()
            if changed:
                return self._refuse(changed)
            sources, problems = read_sources(self.paths, self.relative_to)
            if problems:
                raise TriggerFileError(problems)
            loaded = load_sources(sources, self.runtime.registry, taken=self.runtime.code_set)
        except TriggerFileError as error:
            return self._refuse([str(p) for p in error.problems])
        except Exception as error:  # not a problem the loader knows: still one line, and the game goes on
            return self._refuse([f"reloading failed: {type(error).__name__}: {_message(error)}"])
        self.errors = []
        self.reloads += 1
        self.runtime.world.emit(TriggersLoaded(sources, len(loaded.triggers), len(loaded.alarms)))
        return True

    def _changed_extensions(self) -> list[str]:
        """Why the extensions' edits cannot be applied now (empty: none changed).

        A broken edit is reported as loading it would at start; a good one
        waits for a restart, because a run records its code once, at start,
        so that a replay loads the same code."""
        started = self.extensions.digests if self.extensions is not None else {}
        now = current_digests(self.paths, self.relative_to)
        if now == started:
            return []
        base = self.extensions.base if self.extensions is not None else self.runtime.registry
        try:
            load_extensions(self.paths, base, self.relative_to)
        except TriggerFileError as error:
            return [str(p) for p in error.problems]
        edited = sorted(name for name in {*now, *started} if now.get(name) != started.get(name))
        return [f"{name}: Python extensions are loaded when the game starts; restart it to run the edited code "
                "(the last good triggers keep running)" for name in edited]

    def _refuse(self, errors: list[str]) -> bool:
        if len(errors) > MAX_ERRORS:
            # A record (and the screen) shows the first ones; check lists them all.
            errors = [*errors[:MAX_ERRORS], f"... and {len(errors) - MAX_ERRORS} more problems "
                                            "(python -m engine check lists them all)"]
        self.errors = errors
        self.runtime.world.emit(TriggersReloadFailed(tuple(errors)))
        return False


def _link_stat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except OSError:
        return None


def _message(error: BaseException) -> str:
    """An exception's message, bounded and safe (its ``str()`` may itself raise)."""
    try:
        text = str(error)
    except Exception:
        return "(its message cannot be shown)"
    return brief(text)
