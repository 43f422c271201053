"""Events recorded by the trigger runtime, so the log explains every reaction."""

from __future__ import annotations

from typing import Any, ClassVar

from engine.events import Event, Input, event


@event
class BehaviourRan(Event):
    """A trigger or alarm ran a behaviour; what the behaviour emits names this as cause."""

    reactor_field: ClassVar[str] = "trigger"  # cascade reports name loops by trigger
    trigger: str
    behaviour: str
    params: dict[str, Any]


@event
class AlarmEntered(Event):
    """An alarm's condition became true (held for its ``for`` time): rising edge."""

    alarm: str


@event
class AlarmExited(Event):
    """An alarm's condition became false again: falling edge."""

    alarm: str


@event
class TriggersLoaded(Input):
    """A set of trigger files was (re)loaded; carries their text so a replay can rebuild them."""

    sources: dict[str, str]
    triggers: int
    alarms: int


@event
class TriggersReloadFailed(Input):
    """A reload was refused; the last good set keeps running (an input: it comes from outside)."""

    errors: tuple[str, ...]


SCRIPTING_EVENTS = (BehaviourRan, AlarmEntered, AlarmExited, TriggersLoaded, TriggersReloadFailed)
