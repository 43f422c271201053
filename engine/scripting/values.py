"""Values a trigger may pass on: what a record can hold, and how to show the rest.

Every value a trigger hands to a behaviour ends up in the log (a
``BehaviourRan`` record carries the parameters, and the behaviour's events
carry what it made of them).  The log is strict JSON (``allow_nan=False``,
UTF-8), so a value is refused *before* it gets there:

* a float that is NaN or infinite (TOML has ``nan`` and ``inf``, and
  ``float("nan")`` or ``1e308 * 10`` compute them);
* an integer too large to be a float (it cannot be a number of anything
  the game simulates, and past 4,300 digits Python cannot even print it);
* a string longer than :data:`MAX_TEXT` characters, or one that is not
  valid UTF-8 (a lone surrogate such as ``'\\ud800'`` in an expression);
* a list (or table) with more than :data:`MAX_ITEMS` items, or nested
  deeper than :data:`MAX_NESTING`.

:func:`refusal` says why a value is refused (None when it is fine); the
loader asks it about constants, the runtime about computed values.
:func:`shown` is a bounded ``repr`` for messages, so a huge value in a
broken file still makes a one-line, short message.
"""

from __future__ import annotations

import reprlib
import sys
from typing import Any

#: Longest string a trigger may pass on, in characters.
MAX_TEXT = 10_000
#: Most items in a list or table a trigger may pass on.
MAX_ITEMS = 10_000
#: Deepest nesting of lists and tables a trigger may pass on.
MAX_NESTING = 32
#: Largest integer magnitude accepted: the largest finite float.
MAX_WHOLE = int(sys.float_info.max)


class ValueRefused(ValueError):
    """A value that a record could not hold (the message says why)."""


def refusal(value: Any) -> str | None:
    """Why ``value`` cannot be passed on to a behaviour or an event, or None if it can."""
    return _refusal(value, 0)


def _refusal(value: Any, depth: int) -> str | None:
    kind = type(value)
    if value is None or kind is bool:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if -MAX_WHOLE <= value <= MAX_WHOLE:
            return None
        return "integer is too large for a number (more than 308 digits)"
    if isinstance(value, float):
        if value != value:
            return "NaN is not a number a log can hold"
        if value in (float("inf"), float("-inf")):
            return "infinity is not a number a log can hold"
        return None
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return f"text is too long ({len(value)} characters, max {MAX_TEXT:,})"
        return None if _is_utf8(value) else "text is not valid UTF-8 (it holds a lone surrogate)"
    if isinstance(value, (list, tuple, dict)):
        if len(value) > MAX_ITEMS:
            return f"too many items ({len(value)}, max {MAX_ITEMS:,})"
        if depth >= MAX_NESTING:
            return f"nested too deeply (max {MAX_NESTING} levels)"
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        for item in items:
            found = _refusal(item, depth + 1)
            if found is not None:
                return found
    return None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def checked(value: Any) -> Any:
    """``value`` itself; raises :class:`ValueRefused` when :func:`refusal` refuses it."""
    found = refusal(value)
    if found is not None:
        raise ValueRefused(f"{found}: {shown(value)}")
    return value


_SHORT = reprlib.Repr()
_SHORT.maxstring = 200
_SHORT.maxother = 200
_SHORT.maxlong = 40
_SHORT.maxlevel = 3
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = 6


def shown(value: Any) -> str:
    """A short, one-line ``repr`` of a value for messages (long text, numbers and lists are cut)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        # repr itself fails past 4,300 digits; the size is what the reader needs.
        return f"<a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits>"
    try:
        text = _SHORT.repr(value)
    except Exception:  # a repr that raises, or nesting deeper than repr can go
        text = f"<{type(value).__name__}>"
    if len(text) > 240:
        text = text[:237] + "..."
    return text if _is_utf8(text) else text.encode("utf-8", "backslashreplace").decode("utf-8")


def brief(text: str, limit: int = 200) -> str:
    """``text`` as one short line: newlines become spaces, the middle of a long text is cut."""
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit // 2 - 2] + " ... " + line[-(limit // 2 - 3):]
    return line if _is_utf8(line) else line.encode("utf-8", "backslashreplace").decode("utf-8")
