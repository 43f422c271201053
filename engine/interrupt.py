"""Ctrl-C at a safe point: between ticks, never in the middle of one.

A game loop that is interrupted inside a tick would leave half a tick in
its log.  While a :class:`DeferredInterrupt` is active, the first Ctrl-C
only sets :attr:`DeferredInterrupt.requested`; the loop calls
:meth:`DeferredInterrupt.check` between ticks (or frames), which raises
``KeyboardInterrupt`` there, and the caller saves what it has.  A second
Ctrl-C interrupts at once, so a tick that never ends can still be stopped.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType


class DeferredInterrupt:
    """Context manager: Ctrl-C is held until the next :meth:`check` (a second one is not)."""

    def __init__(self) -> None:
        #: True once Ctrl-C was pressed.
        self.requested = False
        #: True once :meth:`check` stopped the run: between ticks, so the log is whole.
        self.stopped_between_ticks = False
        self._previous: object = None
        self._installed = False

    def __enter__(self) -> DeferredInterrupt:
        # Signal handlers can only be set from the main thread; elsewhere Ctrl-C keeps its usual meaning.
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._hold)
            self._installed = True
        return self

    def _hold(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        # The next Ctrl-C raises wherever the program is.
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed since the run began."""
        if self.requested:
            self.stopped_between_ticks = True
            raise KeyboardInterrupt

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
            self._installed = False
