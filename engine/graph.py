"""The trigger graph: which events set off which triggers, and what those emit.

An event-driven program has no call graph to read: who reacts to what is
spread over many files.  This module draws it, as a student would on a
whiteboard::

    event type ──► trigger / alarm ──► behaviour ──► event types it may emit ──► ...
    event type ··► state name ··► alarm            (the events that change what an alarm reads)

Nodes are event types (ellipses), triggers (boxes), alarms (double
octagons), behaviours (rounded boxes) and state names (notes).  Loops, as
``python -m engine check`` finds them (:func:`engine.scripting.cycles.find_cycles`),
are drawn red: orange when something can break them, red when nothing can.
With a log, :func:`weigh` counts how often each edge fired and the edges
are drawn thicker the more they did.

The layout is Graphviz's (``dot``): this module only builds the graph, as
DOT source through the ``graphviz`` package, which quotes and escapes names
for it.  Making a picture needs the ``dot`` program (:mod:`engine.graph_cli`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import graphviz

from engine.record import Record, printable
from engine.scripting.cycles import find_cycles
from engine.scripting.events import AlarmEntered, AlarmExited, BehaviourRan
from engine.scripting.model import Call, TriggerSet
from engine.scripting.registry import Registry

#: Event types every reactor emits or that only the runtime itself handles: drawn, they would tie every node together.
PLUMBING = frozenset({BehaviourRan, AlarmEntered, AlarmExited})

Edge = tuple[str, str]


@dataclass
class TriggerGraph:
    """The nodes (id -> (kind, label)), the edges (with their style), and the loops' edges."""

    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)
    edges: dict[Edge, str] = field(default_factory=dict)   # (from, to) -> label ("enter", "exit", "")
    endless: set[Edge] = field(default_factory=set)         # edges of loops nothing can break
    breakable: set[Edge] = field(default_factory=set)       # edges of loops something can break
    weights: Counter[Edge] = field(default_factory=Counter)  # how often each edge fired (from a log)
    fired: Counter[str] = field(default_factory=Counter)     # how often each node fired (from a log)

    def node(self, node_id: str, kind: str, label: str) -> str:
        self.nodes.setdefault(node_id, (kind, label))
        return node_id

    def edge(self, a: str, b: str, label: str = "") -> None:
        self.edges.setdefault((a, b), label)


def event_id(event_type: type) -> str:
    return f"event/{event_type.__name__}"


def reactor_id(name: str) -> str:
    return f"reactor/{name}"


def behaviour_id(name: str) -> str:
    return f"behaviour/{name}"


def state_id(name: str) -> str:
    return f"state/{name}"


def build(triggers: TriggerSet, registry: Registry) -> TriggerGraph:
    """The graph of ``triggers`` (files and Python triggers together), with the behaviours' declared events."""
    graph = TriggerGraph()
    for item in triggers.triggers:
        if not item.enabled:
            continue
        node = graph.node(reactor_id(item.name), "trigger", _trigger_label(item.name, item.when, item.cooldown,
                                                                              item.once))
        graph.edge(graph.node(event_id(item.on), "event", item.on.__name__), node)
        _calls(graph, registry, node, item.do, "")
    for alarm in triggers.alarms:
        if not alarm.enabled:
            continue
        node = graph.node(reactor_id(alarm.name), "alarm", f"alarm {alarm.name}\nwhen {_cut(alarm.when)}")
        for name in sorted(getattr(alarm.when, "names", ())):
            state = registry.states.get(name)
            if state is None:
                continue
            graph.edge(graph.node(state_id(name), "state", f"state {name}"), node)
            for changer in state.changed_by:
                graph.edge(graph.node(event_id(changer), "event", changer.__name__), state_id(name))
        _calls(graph, registry, node, alarm.enter, "enter")
        _calls(graph, registry, node, alarm.exit, "exit")
    _mark_loops(graph, triggers, registry)
    return graph


def _trigger_label(name: str, when: object, cooldown: float, once: bool) -> str:
    lines = [name]
    if getattr(when, "source", None):
        lines.append(f"when {_cut(when)}")
    if cooldown:
        lines.append(f"cooldown {cooldown:g} s")
    if once:
        lines.append("once")
    return "\n".join(lines)


def _cut(when: object) -> str:
    """A condition's text, cut to fit in a node."""
    source = str(getattr(when, "source", "?"))
    return source if len(source) <= 40 else source[:37] + "..."


def _calls(graph: TriggerGraph, registry: Registry, reactor: str, calls: Iterable[Call], label: str) -> None:
    for call in calls:
        node = graph.node(behaviour_id(call.behaviour), "behaviour", call.behaviour)
        graph.edge(reactor, node, label)
        behaviour = registry.behaviours.get(call.behaviour)
        for emitted in (behaviour.emits or ()) if behaviour is not None else ():
            if emitted not in PLUMBING:
                graph.edge(node, graph.node(event_id(emitted), "event", emitted.__name__))


def _mark_loops(graph: TriggerGraph, triggers: TriggerSet, registry: Registry) -> None:
    """Colour the edges of every loop check finds: reactor -> its behaviours -> the event types that lead back in."""
    for cycle in find_cycles(triggers, registry):
        listened = {r.listens for r in cycle.reactors}
        marked = graph.breakable if cycle.breakable else graph.endless
        for reactor in cycle.reactors:
            node = reactor_id(reactor.name)
            if reactor.listens not in PLUMBING:
                marked.add((event_id(reactor.listens), node))
            for call in reactor.calls:
                behaviour = registry.behaviours.get(call.behaviour)
                emits = [t for t in (behaviour.emits or ()) if any(issubclass(t, x) for x in listened)] \
                    if behaviour is not None else []
                if emits:
                    marked.add((node, behaviour_id(call.behaviour)))
                    marked.update((behaviour_id(call.behaviour), event_id(t)) for t in emits
                                  if (behaviour_id(call.behaviour), event_id(t)) in graph.edges)


def weigh(graph: TriggerGraph, records: Iterable[Record]) -> int:
    """Count, from a log's records, how often each edge of ``graph`` fired; returns the records read.

    A trigger fired once per distinct cause of its ``BehaviourRan`` records;
    a behaviour ran once per ``BehaviourRan``; a behaviour's edge to an event
    type counts the records of that type it caused; an event type's node
    counts its records."""
    ran: dict[int, tuple[str, str]] = {}     # offset of a BehaviourRan -> (trigger, behaviour)
    types: dict[int, str] = {}               # offset -> type, for the causes of BehaviourRan records
    firings: set[tuple[int | None, str]] = set()
    count = 0
    for record in records:
        count += 1
        kind = record.type
        graph.fired[event_id_named(kind)] += 1
        if kind == "BehaviourRan":
            data = record.data
            trigger, behaviour = str(data.get("trigger")), str(data.get("behaviour"))
            ran[record.offset] = (trigger, behaviour)
            graph.weights[(reactor_id(trigger), behaviour_id(behaviour))] += 1
            if (record.cause, trigger) not in firings:
                firings.add((record.cause, trigger))
                graph.fired[reactor_id(trigger)] += 1
                cause_type = types.get(record.cause) if record.cause is not None else None
                if cause_type is not None:
                    graph.weights[(event_id_named(cause_type), reactor_id(trigger))] += 1
        elif record.cause in ran:
            graph.weights[(behaviour_id(ran[record.cause][1]), event_id_named(kind))] += 1
        types[record.offset] = kind
    for a, b in graph.edges:
        if b.startswith("state/"):
            graph.weights[(a, b)] = graph.fired[a]     # every record of a changer may change the state
        elif a.startswith("state/"):
            graph.weights[(a, b)] = graph.fired[b]     # the alarm changed this often
    return count


def event_id_named(name: str) -> str:
    return f"event/{name}"


# -- drawing ---------------------------------------------------------------------------

SHAPES = {"event": {"shape": "ellipse", "style": "filled", "fillcolor": "#dbe9f6"},
          "trigger": {"shape": "box", "style": "filled", "fillcolor": "#fde8c8"},
          "alarm": {"shape": "doubleoctagon", "style": "filled", "fillcolor": "#f6d0d0"},
          "behaviour": {"shape": "box", "style": "rounded,filled", "fillcolor": "#d9f0d3"},
          "state": {"shape": "note", "style": "filled", "fillcolor": "#eeeeee"}}
ENDLESS, BREAKABLE = "#d00000", "#e08000"


def to_dot(graph: TriggerGraph, title: str) -> graphviz.Digraph:
    """The graph as Graphviz source: left to right, loops coloured, edges weighted when a log was read."""
    dot = graphviz.Digraph("triggers", graph_attr={"rankdir": "LR", "label": _dot_text(title), "labelloc": "t",
                                                   "fontname": "Helvetica", "fontsize": "14"},
                           node_attr={"fontname": "Helvetica", "fontsize": "11"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "9"})
    weighed = bool(graph.fired)
    biggest = max(graph.weights.values(), default=1)
    for node_id, (kind, label) in graph.nodes.items():
        times = graph.fired.get(node_id, 0)
        label = _dot_text(label)
        shown = f"{label}\n×{times}" if weighed and times else label
        attrs = dict(SHAPES[kind])
        if weighed and not times and kind in ("trigger", "alarm"):
            attrs["fontcolor"] = "#888888"  # never fired in this run
        dot.node(_dot_text(node_id), shown, **attrs)
    for (a, b), label in graph.edges.items():
        attrs: dict[str, str] = {}
        label = _dot_text(label)
        if (a, b) in graph.endless:
            attrs.update(color=ENDLESS, penwidth="2.5")
        elif (a, b) in graph.breakable:
            attrs.update(color=BREAKABLE, penwidth="2")
        if weighed:
            weight = graph.weights.get((a, b), 0)
            if weight:
                label = f"{label} {weight}".strip()
                attrs["penwidth"] = f"{1 + 4 * math.log1p(weight) / math.log1p(biggest):.2f}"
            elif not b.startswith("state/"):
                attrs["style"] = "dashed"  # declared, but it did not happen in this run
        if b.startswith("state/"):
            attrs.setdefault("style", "dotted")
        dot.edge(_dot_text(a), _dot_text(b), label=label, **attrs)
    return dot


def _dot_text(text: str) -> str:
    """A name as DOT shows it literally: control characters as escapes, each backslash doubled.

    Trigger names are the user's text; a name ending in a backslash would
    otherwise escape the closing quote and make the whole file unreadable."""
    return printable(text).replace("\\", "\\\\")
