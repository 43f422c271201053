"""Scripting: triggers and alarms written in TOML or Python.

A **trigger** is "when EVENT (and CONDITION) then BEHAVIOURS"; an **alarm**
watches a condition over the world and runs ``enter``/``exit`` behaviours on
its rising and falling edges.  A game registers its events, behaviours and
state names in a :class:`Registry`; a :class:`TriggerRuntime` runs them.
"""

from engine.scripting.cycles import Cycle, find_cycles
from engine.scripting.events import AlarmEntered, AlarmExited, BehaviourRan, TriggersLoaded, TriggersReloadFailed
from engine.scripting.loader import Problem, TriggerFileError, check, load, loads
from engine.scripting.model import Alarm, Call, Trigger, TriggerSet
from engine.scripting.registry import Entity, Registry
from engine.scripting.reload import HotReloader
from engine.scripting.runtime import TriggerRuntime, alarm, call, trigger

__all__ = [
    "Alarm", "AlarmEntered", "AlarmExited", "BehaviourRan", "Call", "Cycle", "Entity", "HotReloader", "Problem",
    "Registry", "Trigger", "TriggerFileError", "TriggerRuntime", "TriggerSet", "TriggersLoaded",
    "TriggersReloadFailed", "alarm", "call", "check", "find_cycles", "load", "loads", "trigger",
]
