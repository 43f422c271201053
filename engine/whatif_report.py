"""What changed between a run and its what-if replay (:mod:`engine.whatif`), in words.

Three views, from the most precise to the broadest:

* **the first divergence**: the first record the two runs do not share
  (records before it are the same, offset for offset; after it, offsets
  shift and a record-by-record diff says little);
* **counts per event type** before and after;
* **causal chains that appeared, disappeared or changed in number**: a
  chain is the list of steps from a root input to a record that caused
  nothing (``UsePressed → EnteredVehicle → heal (car-heals) →
  HealthChanged``; the chains to the records in between are its prefixes,
  so they are not listed again); a chain that only one run has is a
  consequence the other rules made or unmade, one both have a different
  number of times is a consequence they made more or less often.

Then one sentence: the event types that happen in only one of the runs,
with the tick they first do ("PlayerWasted happens: first at tick 1,840").
"""

from __future__ import annotations

import argparse
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine import codec
from engine.cli import UsageError, log_problems
from engine.failures import failures_once
from engine.logbytes import canonical_line
from engine.record import Record, shown
from engine.replay import ReplayError
from engine.scripting.loader import TriggerFileError
from engine.whatif import FolderError, WhatIfRun, what_if

#: A chain keeps its root and its last steps; longer ones show "…" between.
CHAIN_HEAD, CHAIN_TAIL = 1, 7
#: Chains listed per direction (appeared, disappeared); the rest are counted.
MAX_CHAINS = 8
#: Event types listed in the table of counts; the rest are counted.
MAX_TYPES = 30


@dataclass(frozen=True)
class Chain:
    """A causal chain one run has and the other lacks: its steps, how often, and its first record."""

    steps: tuple[str, ...]
    count: int
    first: Record


@dataclass
class Comparison:
    """What :func:`compare` found."""

    divergence: tuple[Record | None, Record | None] | None
    #: Records that differ only in their data while the runs stay in step (same offset, tick and type).
    in_step: list[tuple[Record, Record]]
    #: The first record at which the runs fall out of step (None: they never do).
    out_of_step: tuple[Record | None, Record | None] | None
    before: Counter[str]
    after: Counter[str]
    appeared: list[Chain] = field(default_factory=list)
    disappeared: list[Chain] = field(default_factory=list)
    first_seen_before: dict[str, Record] = field(default_factory=dict)
    first_seen_after: dict[str, Record] = field(default_factory=dict)
    #: Chains both runs have, a different number of times: (in the run, in the what-if run).
    recounted: list[tuple[Chain, Chain]] = field(default_factory=list)


def compare(run: WhatIfRun) -> Comparison:
    """Compare the log's records with the what-if run's."""
    before, after = Counter(r.type for r in run.logged), Counter(r.type for r in run.other)
    chains_before, chains_after = _chains(run.logged), _chains(run.other)
    appeared = [Chain(steps, count, first) for steps, (count, first) in chains_after.items()
                if steps not in chains_before]
    disappeared = [Chain(steps, count, first) for steps, (count, first) in chains_before.items()
                   if steps not in chains_after]
    recounted = [(Chain(steps, count, first), Chain(steps, *chains_after[steps]))
                 for steps, (count, first) in chains_before.items()
                 if steps in chains_after and chains_after[steps][0] != count]
    in_step, out_of_step = _in_step(run.logged, run.other)
    return Comparison(_first_divergence(run.logged, run.other), in_step, out_of_step, before, after,
                      sorted(appeared, key=lambda c: c.first.offset), sorted(disappeared, key=lambda c: c.first.offset),
                      _first_of_each_type(run.logged), _first_of_each_type(run.other),
                      sorted(recounted, key=lambda pair: pair[0].first.offset))


def _same(logged: Record, other: Record) -> bool:
    if logged.type != other.type or logged.tick != other.tick or logged.offset != other.offset:
        return False
    if logged.type in ("SimulationStarted", "TriggersLoaded", "SimulationEnded"):
        return True  # they differ by construction: other options, other files, a digest of other inputs
    return canonical_line(logged) == canonical_line(other)


def _first_divergence(logged: Sequence[Record], other: Sequence[Record]) -> tuple[Record | None, Record | None] | None:
    for a, b in zip(logged, other, strict=False):
        if not _same(a, b):
            return a, b
    if len(logged) == len(other):
        return None
    shorter = min(len(logged), len(other))
    return (logged[shorter] if shorter < len(logged) else None, other[shorter] if shorter < len(other) else None)


def _in_step(logged: Sequence[Record], other: Sequence[Record]
             ) -> tuple[list[tuple[Record, Record]], tuple[Record | None, Record | None] | None]:
    """The pairs that differ in data while offset, tick and type still agree, and where that stops."""
    differing = []
    for a, b in zip(logged, other, strict=False):
        if (a.type, a.tick, a.offset) != (b.type, b.tick, b.offset):
            return differing, (a, b)
        if not _same(a, b):
            differing.append((a, b))
    if len(logged) == len(other):
        return differing, None
    shorter = min(len(logged), len(other))
    return differing, (logged[shorter] if shorter < len(logged) else None,
                       other[shorter] if shorter < len(other) else None)


def step_of(record: Record) -> str:
    """A record as one step of a chain: its type, or for a behaviour that ran, the behaviour and its trigger."""
    if record.type == "BehaviourRan":
        data = record.data
        # Names from the log, which may be hostile: cut and escaped as trace shows them.
        return f"{shown(data.get('behaviour'))} ({shown(data.get('trigger'))})"
    return record.type


def _chains(records: Sequence[Record]) -> dict[tuple[str, ...], tuple[int, Record]]:
    """Each distinct whole chain of ``records`` (from a root to a record that caused
    nothing: its prefixes would only repeat it): how many records end it, and the first."""
    by_offset: dict[int, tuple[str, ...]] = {}
    causes = {record.cause for record in records}
    found: dict[tuple[str, ...], tuple[int, Record]] = {}
    for record in records:
        parent = by_offset.get(record.cause, ()) if record.cause is not None else ()
        steps = (*parent, step_of(record))
        if len(steps) > CHAIN_HEAD + CHAIN_TAIL:
            steps = (*steps[:CHAIN_HEAD], "…", *steps[-CHAIN_TAIL + 1:])
        by_offset[record.offset] = steps
        if record.offset in causes:
            continue
        count, first = found.get(steps, (0, record))
        found[steps] = (count + 1, first)
    return found


def _first_of_each_type(records: Sequence[Record]) -> dict[str, Record]:
    first: dict[str, Record] = {}
    for record in records:
        first.setdefault(record.type, record)
    return first


# -- the trigger files compared ------------------------------------------------------

def rule_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The triggers and alarms the folder adds, removes or changes, by name, compared with the run's files."""
    old, new = _rules(before), _rules(after)
    lines = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            lines.append(f"removed {old[name][0]} {name!r}")
        elif name not in old:
            lines.append(f"added {new[name][0]} {name!r}")
        elif old[name] != new[name]:
            keys = sorted(k for k in old[name][1].keys() | new[name][1].keys()
                          if old[name][1].get(k) != new[name][1].get(k))
            lines.append(f"changed {new[name][0]} {name!r} ({', '.join(map(shown, keys)) or 'its kind'})")
    return lines


def _rules(sources: dict[str, str]) -> dict[str, tuple[str, dict]]:
    rules: dict[str, tuple[str, dict]] = {}
    for text in sources.values():
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue  # the run's own files were valid when recorded; a hand-edited log may not be
        for kind in ("trigger", "alarm"):
            tables = parsed.get(kind, ())
            for table in tables if isinstance(tables, list) else ():  # `trigger = 5` in a hand-edited log
                if isinstance(table, dict) and isinstance(table.get("name"), str):
                    rules[table["name"]] = (kind, table)
    return rules


# -- the report --------------------------------------------------------------------------

def report(run: WhatIfRun, comparison: Comparison, log: str, folder: str) -> list[str]:
    """The what-if report, as lines."""
    lines = [f"what-if replay of {log} under the triggers in {folder} "
             f"({_files(run.sources_after)} instead of the run's {_files(run.sources_before)})"]
    lines.extend("  " + change for change in rule_changes(run.sources_before, run.sources_after))
    if run.extensions_before != run.extensions_after:
        lines.append(f"  Python extensions: {_names(run.extensions_after)} instead of {_names(run.extensions_before)}")
    if run.reloads_left_out:
        lines.append(f"  ({run.reloads_left_out} later reload(s) of the run's own files left out)")
    if run.stopped:
        lines.append(f"  the what-if run was {run.stopped}")
    lines.append("")
    if comparison.divergence is None:
        lines.append(f"no difference: the {len(run.other)} records are the same (but for the trigger files "
                     "themselves); these rules change nothing in this run")
        return lines
    lines.extend(_divergence(comparison.divergence))
    lines.extend(_in_step_lines(comparison))
    lines.append("")
    lines.extend(_counts(comparison))
    lines.append("")
    lines.extend(_chain_lines("chains only the what-if run has", comparison.appeared))
    lines.extend(_chain_lines("chains only the run had", comparison.disappeared))
    lines.extend(_recounted_lines(comparison.recounted))
    lines.append("in short: " + summary(comparison))
    return lines


def _files(sources: dict[str, str]) -> str:
    return f"{len(sources)} file{'s' * (len(sources) != 1)}"


def _names(extensions: dict[str, str]) -> str:
    return ", ".join(sorted(extensions)) or "none"


def _divergence(pair: tuple[Record | None, Record | None]) -> list[str]:
    logged, other = pair
    where = logged or other
    assert where is not None
    return [f"first divergence at tick {where.tick:,} (offset {where.offset}); every record before it is the same:",
            f"  run:     {logged.describe() if logged else '(the run has no more records)'}",
            f"  what-if: {other.describe() if other else '(the what-if run has no more records)'}"]


#: Records shown that differ while the runs are in step.
MAX_IN_STEP = 6


def _in_step_lines(comparison: Comparison) -> list[str]:
    pairs = comparison.in_step
    if len(pairs) <= 1:
        lines = []
    else:
        lines = [f"while the runs stay in step (same offsets, ticks and types), {len(pairs)} records differ in "
                 f"their data; after the first:"]
        for logged, other in pairs[1:MAX_IN_STEP]:
            lines += [f"  run:     {logged.describe()}", f"  what-if: {other.describe()}"]
        if len(pairs) > MAX_IN_STEP:
            lines.append(f"  ... and {len(pairs) - MAX_IN_STEP} more")
    if comparison.out_of_step is None:
        lines.append("the runs never fall out of step: the same records happen, some with other values")
    else:
        where = comparison.out_of_step[0] or comparison.out_of_step[1]
        assert where is not None
        lines.append(f"the runs fall out of step at tick {where.tick:,} (offset {where.offset}), where they "
                     "record different events")
    return lines


def _counts(comparison: Comparison) -> list[str]:
    before, after = comparison.before, comparison.after
    changed = sorted((t for t in before.keys() | after.keys() if before[t] != after[t]),
                     key=lambda t: (-abs(after[t] - before[t]), t))
    if not changed:
        return ["records per event type: the same counts in both runs"]
    width = max(len("event type"), *(len(t) for t in changed[:MAX_TYPES]))
    lines = ["records per event type, where the runs differ:",
             f"  {'event type':<{width}}  {'run':>7}  {'what-if':>7}  {'change':>7}"]
    for name in changed[:MAX_TYPES]:
        lines.append(f"  {name:<{width}}  {before[name]:>7}  {after[name]:>7}  {after[name] - before[name]:>+7}")
    if len(changed) > MAX_TYPES:
        lines.append(f"  ... and {len(changed) - MAX_TYPES} more types")
    lines.append(f"  {'(all)':<{width}}  {sum(before.values()):>7}  {sum(after.values()):>7}  "
                 f"{sum(after.values()) - sum(before.values()):>+7}")
    return lines


def _recounted_lines(pairs: list[tuple[Chain, Chain]]) -> list[str]:
    if not pairs:
        return []
    lines = [f"chains both runs have, a different number of times ({len(pairs)}, "
             f"the first {min(len(pairs), MAX_CHAINS)} by when they start):"]
    for before, after in pairs[:MAX_CHAINS]:
        lines.append(f"  ×{before.count} → ×{after.count}: {' → '.join(before.steps)}")
    if len(pairs) > MAX_CHAINS:
        lines.append(f"  ... and {len(pairs) - MAX_CHAINS} more")
    return [*lines, ""]


def _chain_lines(title: str, chains: list[Chain]) -> list[str]:
    if not chains:
        return [f"{title}: none", ""]
    lines = [f"{title} ({len(chains)}, the first {min(len(chains), MAX_CHAINS)} by when they start):"]
    for chain in chains[:MAX_CHAINS]:
        times = f" ×{chain.count}" if chain.count > 1 else ""
        lines.append(f"  tick {chain.first.tick:,} #{chain.first.offset}{times}: {' → '.join(chain.steps)}")
    if len(chains) > MAX_CHAINS:
        lines.append(f"  ... and {len(chains) - MAX_CHAINS} more")
    lines.append("")
    return lines


def summary(comparison: Comparison) -> str:
    """One sentence: which event types happen in only one of the runs, and when they first do."""
    before, after = comparison.before, comparison.after
    new = sorted((t for t in after if not before[t]), key=lambda t: comparison.first_seen_after[t].offset)
    gone = sorted((t for t in before if not after[t]), key=lambda t: comparison.first_seen_before[t].offset)
    parts = [f"{t} happens (first at tick {comparison.first_seen_after[t].tick:,})" for t in new[:5]]
    parts += [f"{t} no longer happens (it did {before[t]} time{'s' * (before[t] != 1)}, first at tick "
              f"{comparison.first_seen_before[t].tick:,})" for t in gone[:5]]
    if len(new) + len(gone) > 10:
        parts.append(f"and {len(new) + len(gone) - len(parts)} more types")
    if parts:
        return "; ".join(parts) + "."
    if comparison.out_of_step is None:
        first = comparison.in_step[0][0] if comparison.in_step else None
        since = f", from tick {first.tick:,}" if first is not None else ""
        return (f"the same events happen in the same order; {len(comparison.in_step)} of them carry other "
                f"values{since}.")
    where = comparison.out_of_step[0] or comparison.out_of_step[1]
    tick = f" at tick {where.tick:,}" if where is not None else ""
    return f"the same kinds of event happen in both runs, but the runs fall out of step{tick} (see the counts above)."


def cmd_what_if(args: argparse.Namespace) -> int:
    """``replay LOG --triggers DIR``: the what-if report (exit 0), or one line on what is wrong (exit 2)."""
    try:
        with log_problems(args.log), failures_once():
            run = what_if(args.log, args.triggers, args.max_gap)
    except FolderError as error:
        raise UsageError(str(error)) from None
    except ReplayError as error:
        raise UsageError(f"{args.log}: {error}") from None
    except TriggerFileError as error:
        problems = error.problems
        more = f" (and {len(problems) - 1} more: python -m engine check {args.triggers} lists them)" \
            if len(problems) > 1 else ""
        raise UsageError(f"--triggers {args.triggers}: {problems[0]}{more}") from None
    except codec.LogFormatError as error:
        raise UsageError(str(error)) from None
    for line in report(run, compare(run), args.log, args.triggers):
        print(line)
    return 0
