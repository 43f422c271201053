"""Systems: code that runs every tick, and handlers declared with ``@on``.

A system is either a plain function ``system(world)`` or an object with an
``update(world)`` method.  Methods decorated with :func:`on` are subscribed
when the system is added to a world::

    class Health:
        @on(Shot)
        def hurt(self, event: Shot) -> None: ...

        def update(self, world: World) -> None: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "_wanted_on"


def on(event_type: type, priority: int = 0) -> Callable[[F], F]:
    """Mark a system's method as a handler for ``event_type``."""
    def mark(func: F) -> F:
        marks = list(getattr(func, _MARK, ()))
        marks.append((event_type, priority))
        setattr(func, _MARK, marks)
        return func
    return mark


def declared_handlers(system: object) -> list[tuple[type, int, Callable[..., Any]]]:
    """The ``(event_type, priority, bound_method)`` triples a system declares, in definition order."""
    found = []
    seen: set[str] = set()
    for cls in type(system).__mro__:
        for name, attr in vars(cls).items():
            if name in seen:
                continue
            seen.add(name)
            for event_type, priority in getattr(attr, _MARK, ()):
                found.append((event_type, priority, getattr(system, name)))
    return found


def system_name(system: object) -> str:
    """A readable name for a system."""
    return getattr(system, "__name__", None) or type(system).__name__
