"""Triggers and alarms as objects: what TOML files and the Python API compile to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class Evaluable(Protocol):
    """Something with ``evaluate(namespace)``: an expression or a literal."""

    source: str

    def evaluate(self, namespace: Mapping[str, Any]) -> Any:
        """The value in ``namespace`` (the names an expression may read)."""
        ...


@dataclass(frozen=True)
class Literal:
    """A parameter value written as a plain literal in the file."""

    value: Any

    @property
    def source(self) -> str:
        """The literal as written (for messages)."""
        return repr(self.value)

    def evaluate(self, namespace: Mapping[str, Any]) -> Any:
        """Literals evaluate to themselves."""
        return self.value


@dataclass(frozen=True)
class PythonCondition:
    """A condition given as a Python callable (Python API only): ``f(namespace) -> bool``."""

    function: Callable[[Mapping[str, Any]], Any]

    @property
    def source(self) -> str:
        """The function's name (for messages)."""
        return getattr(self.function, "__qualname__", repr(self.function))

    def evaluate(self, namespace: Mapping[str, Any]) -> Any:
        """Call the function with the namespace."""
        return self.function(namespace)


@dataclass(frozen=True)
class Call:
    """One behaviour call: the behaviour's name and its parameter values."""

    behaviour: str
    params: dict[str, Evaluable]
    where: str = ""  # e.g. "do[0]", for messages


@dataclass(frozen=True)
class Trigger:
    """When ``on`` happens and ``when`` holds, run the ``do`` behaviours."""

    name: str
    on: type
    do: tuple[Call, ...]
    when: Evaluable | None = None
    once: bool = False
    cooldown: float = 0.0
    priority: int = 0
    enabled: bool = True
    description: str = ""
    source: str = "<python>"


@dataclass(frozen=True)
class Alarm:
    """A state trigger: ``enter`` on the rising edge of ``when``, ``exit`` on the falling edge.

    ``hold`` (``for`` in files) is how long, in seconds of game time, the
    condition must hold (or fail) before the alarm changes state; ``every``
    is how often it is evaluated (0: every tick).
    """

    name: str
    when: Evaluable
    enter: tuple[Call, ...] = ()
    exit: tuple[Call, ...] = ()
    hold: float = 0.0
    every: float = 0.0
    enabled: bool = True
    description: str = ""
    source: str = "<python>"


@dataclass(frozen=True)
class TriggerSet:
    """Triggers and alarms loaded together, with the text they came from."""

    triggers: tuple[Trigger, ...] = ()
    alarms: tuple[Alarm, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    def __add__(self, other: TriggerSet) -> TriggerSet:
        return TriggerSet(self.triggers + other.triggers, self.alarms + other.alarms,
                          {**self.sources, **other.sources})

    @property
    def names(self) -> list[str]:
        """Every trigger and alarm name."""
        return [t.name for t in self.triggers] + [a.name for a in self.alarms]
