"""Loops of triggers, found without running anything.

A trigger listens to an event type; its behaviours emit event types (each
behaviour declares them when it is registered, and every call is recorded
as a ``BehaviourRan``).  That makes a graph::

    event type -> trigger -> behaviour -> event types it may emit -> trigger ...

and a cycle in it is a set of triggers that can keep firing one another
within one tick.  An alarm counts too: its behaviours run on its
``AlarmEntered``/``AlarmExited``.  :func:`find_cycles` reports each loop
(each strongly connected part of the graph), with one example path:

* a loop that **nothing can break** (no trigger in it has a ``when``
  condition, a ``cooldown`` or ``once``) fires for ever once it starts: an
  error for ``check``;
* a loop that can be broken (its conditions may turn false, its cooldowns
  hold it) is a warning: it may well be meant, as the game's ``wasted``
  trigger heals the player, a ``HealthChanged`` it listens to itself.

Alarms fire on a change of their condition, never twice in a row, so a loop
through an alarm is always breakable.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from engine.scripting.events import AlarmEntered, AlarmExited, BehaviourRan
from engine.scripting.loader import Problem
from engine.scripting.model import Call, Literal, Trigger, TriggerSet
from engine.scripting.registry import Registry
from engine.scripting.values import shown as shown_value

#: Most trigger names one message lists (a huge loop names the rest by count).
MAX_NAMED = 5


@dataclass(frozen=True, eq=False)
class Reactor:
    """A node of the graph that reacts: a trigger, or one edge of an alarm."""

    name: str
    kind: str            # "trigger" or "alarm"
    file: str
    listens: type        # the event type it runs on
    calls: tuple[Call, ...]
    breakers: tuple[str, ...]  # what can stop it firing again: "the condition of 'x'"...


@dataclass(frozen=True)
class Cycle:
    """Triggers (and alarms) that can keep firing one another.

    ``path`` is one loop through them, from ``reactors[0]`` back to it, as
    alternating reactor names and event type names; ``breakable`` is False
    when nothing in the loop can stop it."""

    reactors: tuple[Reactor, ...]
    path: tuple[str, ...]
    breakable: bool

    @property
    def triggers(self) -> list[str]:
        """The names of the triggers and alarms in the loop."""
        return list(dict.fromkeys(r.name for r in self.reactors))  # an alarm's two edges are one alarm

    @property
    def files(self) -> list[str]:
        """The files the loop's triggers come from, each once."""
        return list(dict.fromkeys(r.file for r in self.reactors))

    def describe(self) -> str:
        """The loop in one line: its path, and what can break it (or that nothing can)."""
        first = self.reactors[0]
        files = {r.name: r.file for r in self.reactors}
        shown = []
        for index, step in enumerate(self.path):
            if index % 2:
                shown.append(step)
            elif files.get(step, first.file) != first.file and index:
                shown.append(f"{shown_value(step)} ({files[step]})")
            else:
                shown.append(shown_value(step))
        text = " -> ".join(shown)
        others = [name for name in self.triggers if name not in self.path]
        if others:
            named = ", ".join(map(shown_value, others[:MAX_NAMED]))
            more = f" and {len(others) - MAX_NAMED} more" if len(others) > MAX_NAMED else ""
            text += f" (the loop also takes in {named}{more})"
        if not self.breakable:
            return (f"an endless loop: {text}; nothing can break it "
                    "(no condition that can turn false, no cooldown, no once)")
        breakers = list(dict.fromkeys(b for r in self.reactors for b in r.breakers))
        named = ", ".join(breakers[:MAX_NAMED]) + (f" and {len(breakers) - MAX_NAMED} more"
                                                   if len(breakers) > MAX_NAMED else "")
        return f"a loop: {text}; only {named} can break it"


def find_cycles(triggers: TriggerSet, registry: Registry) -> list[Cycle]:
    """Every loop of triggers and alarms in ``triggers``: the ones nothing can
    break first, then the breakable ones, each in file and name order."""
    graph = _Graph(list(_reactors(triggers)), registry)
    endless = [graph.cycle(part, breakable=False) for part in graph.loops(lambda r: not r.breakers)]
    breakable = [graph.cycle(part, breakable=True) for part in graph.loops(lambda r: True)
                 if any(r.breakers for r in part)]
    return endless + breakable


def cycle_problems(cycles: Iterable[Cycle]) -> list[Problem]:
    """One problem line per loop, named after its first trigger: an error when
    nothing can break the loop, a warning when something can."""
    return [Problem(c.reactors[0].file, c.describe(), c.reactors[0].kind, c.reactors[0].name,
                    warning=c.breakable) for c in cycles]


def _reactors(triggers: TriggerSet) -> Iterator[Reactor]:
    for item in triggers.triggers:
        if not item.enabled or not item.do or _never(item):
            continue  # it never fires, so it is in no loop
        yield Reactor(item.name, "trigger", item.source, item.on, item.do, tuple(_breakers(item)))
    for alarm in triggers.alarms:
        if not alarm.enabled:
            continue
        edge = f"the change of alarm {alarm.name!r}"
        for listens, calls in ((AlarmEntered, alarm.enter), (AlarmExited, alarm.exit)):
            if calls:
                yield Reactor(alarm.name, "alarm", alarm.source, listens, calls, (edge,))


def _constant(item: Trigger) -> tuple[bool, object]:
    """(True, value) when the trigger's condition is a constant, else (False, None)."""
    when = item.when
    if isinstance(when, Literal):
        return True, when.value
    if when is not None and getattr(when, "names", None) == frozenset():
        try:
            return True, when.evaluate({})
        except Exception:  # it fails whenever it runs: the trigger never gets to fire
            return True, False
    return False, None


def _never(item: Trigger) -> bool:
    known, value = _constant(item)
    return known and not value


def _breakers(item: Trigger) -> Iterator[str]:
    known, _ = _constant(item)
    if item.when is not None and not known:
        yield f"the condition of {item.name!r}"
    if item.cooldown > 0:
        yield f"the cooldown of {item.name!r}"
    if item.once:
        yield f"once on {item.name!r}"


#: A node of the graph: a reactor, or an event type (the edges go through event
#: types, so thousands of triggers on one type make thousands of edges, not millions).
_Node = Reactor | type
_Keep = Callable[[Reactor], bool]


class _Graph:
    """Edges reactor -> each event type it may emit -> each reactor listening to it."""

    def __init__(self, reactors: list[Reactor], registry: Registry) -> None:
        self.reactors = sorted(reactors, key=lambda r: (r.file, r.name, r.listens.__name__))
        self.order: dict[_Node, tuple[int, str]] = {r: (i, "") for i, r in enumerate(self.reactors)}
        self.emits: dict[Reactor, list[type]] = {r: self._emitted(r, registry) for r in self.reactors}
        self.listeners: dict[type, list[Reactor]] = {}
        for emitted in {t for types in self.emits.values() for t in types}:
            self.listeners[emitted] = [r for r in self.reactors if issubclass(emitted, r.listens)]
            self.order[emitted] = (len(self.reactors), emitted.__name__)

    @staticmethod
    def _emitted(reactor: Reactor, registry: Registry) -> list[type]:
        found: dict[type, None] = {BehaviourRan: None}
        for call in reactor.calls:
            behaviour = registry.behaviours.get(call.behaviour)
            for event_type in (behaviour.emits or ()) if behaviour is not None else ():
                found[event_type] = None
        return sorted(found, key=lambda t: t.__name__)

    def next(self, node: _Node, keep: _Keep) -> Iterator[_Node]:
        """The nodes one edge away from ``node`` (listeners only if ``keep`` keeps them)."""
        if isinstance(node, Reactor):
            yield from self.emits[node]
        else:
            yield from (r for r in self.listeners[node] if keep(r))

    def loops(self, keep: _Keep) -> list[list[Reactor]]:
        """The reactors of each strongly connected part of the graph (of the
        reactors that ``keep`` keeps) that holds a loop, by Tarjan's algorithm,
        without recursion: a file may hold thousands of triggers."""
        index: dict[_Node, int] = {}
        low: dict[_Node, int] = {}
        stack: list[_Node] = []
        on_stack: set[_Node] = set()
        parts: list[list[Reactor]] = []

        def visit(node: _Node) -> Iterator[_Node]:
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
            return self.next(node, keep)

        for start in (r for r in self.reactors if keep(r)):
            if start in index:
                continue
            work = [(start, visit(start))]
            while work:
                node, edges = work[-1]
                for child in edges:
                    if child not in index:
                        work.append((child, visit(child)))
                        break
                    if child in on_stack:
                        low[node] = min(low[node], index[child])
                else:
                    work.pop()
                    if work:
                        parent = work[-1][0]
                        low[parent] = min(low[parent], low[node])
                    if low[node] == index[node]:
                        part = self._pop_part(stack, on_stack, node)
                        if len(part) > 1:  # the graph is bipartite: a loop has two nodes at least
                            parts.append(sorted((n for n in part if isinstance(n, Reactor)), key=self.order.get))
        return sorted(parts, key=lambda p: self.order[p[0]])

    @staticmethod
    def _pop_part(stack: list[_Node], on_stack: set[_Node], root: _Node) -> list[_Node]:
        part = []
        while True:
            member = stack.pop()
            on_stack.discard(member)
            part.append(member)
            if member is root:
                return part

    def cycle(self, part: list[Reactor], breakable: bool) -> Cycle:
        """The loop of ``part``, with a shortest path from its first reactor back to it."""
        members = set(part)
        first = part[0]
        came: dict[_Node, _Node] = {}
        queue: deque[_Node] = deque([first])
        while queue:
            node = queue.popleft()
            for child in self.next(node, members.__contains__):
                if child is first:
                    return Cycle(tuple(part), _path(came, node, first), breakable)
                if child not in came:
                    came[child] = node
                    queue.append(child)
        raise AssertionError("a strongly connected part always has a loop")  # pragma: no cover


def _path(came: dict[_Node, _Node], last: _Node, first: Reactor) -> tuple[str, ...]:
    steps = [first.name]
    node = last
    while node is not first:
        steps.append(node.name if isinstance(node, Reactor) else node.__name__)
        node = came[node]
    steps.append(first.name)
    return tuple(reversed(steps))
