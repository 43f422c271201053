"""Wanted's engine: an esper world on an event bus with a causal event log.

The public surface is small on purpose; a student can read it all in an
afternoon.  Start with :class:`World`, :class:`Event` and :func:`event`.
"""

from engine.bus import EventBus, EventTypeError, Subscription
from engine.events import (
    CascadeCut,
    Despawned,
    Event,
    HandlerFailed,
    Input,
    SimulationStarted,
    event,
)
from engine.log import Batch, EventLog, Reader
from engine.loop import FixedStepLoop
from engine.record import Record
from engine.systems import on
from engine.world import World

__all__ = [
    "Batch", "CascadeCut", "Despawned", "Event", "EventBus", "EventLog", "EventTypeError",
    "FixedStepLoop", "HandlerFailed", "Input", "Reader", "Record", "SimulationStarted",
    "Subscription", "World", "event", "on",
]
