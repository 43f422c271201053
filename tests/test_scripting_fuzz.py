"""Trigger-file fuzzing: what ``check`` accepts runs, and nothing else gets past it.

Files are the shipped ones (``assets/triggers/*.toml``) mutated (values
swapped for hostile ones, bytes flipped, text cut, lines doubled) and new
ones generated from the game's own events, behaviours and state names with
hostile values mixed in.  For each file:

* checking it (the loader, then the loop analysis) ends in bounded work
  with a trigger set or :class:`TriggerFileError`, never anything else;
* a file ``check`` accepts is run in the demo game for two seconds of
  autopilot, with a reaction budget small enough that a runaway file
  ends fast; nothing raises, each tick writes a bounded number of records, and
  every record encodes as strict UTF-8 JSON.

The CI run is short; ``WANTED_FUZZ_EXAMPLES=1000`` makes a long one.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import codec
from engine.scripting import TriggerFileError, find_cycles, loads
from game.build import TRIGGERS, build_game
from game.headless import run_headless
from game.registry import make_registry

registry = make_registry()

EXAMPLES = int(os.environ.get("WANTED_FUZZ_EXAMPLES", "0")) or None
SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in sorted(TRIGGERS.glob("*.toml"))}
#: Limits of the fuzzed games (depth of a cascade, reactions a tick): small, so a runaway file ends fast.
CASCADE_LIMIT, REACTION_BUDGET = 16, 300
SECONDS = 2.0

HOSTILE = ["nan", "inf", "-inf", "1" + "0" * 400, '"' + "x" * 10_001 + '"', '"event.damage * 1e308"',
           "\"float('nan')\"", "{ expr = \"'x' * 10000 + 'y'\" }", "[" * 40 + "]" * 40, '"BehaviourRan"',
           "true", "false", "-1", "0", "1e308", "0.0001", '"player.id"', '"event.target"', '"tick % 2 == 0"',
           '"wanted.level >= 0"', '"HealthChanged"', '"SoundStarted"', '"siren"', "{}", "[]", '""',
           "9" * 5_000, "[" * 2_000 + "]" * 2_000, "{ a = " * 1_500 + "1" + " }" * 1_500]
FRAGMENTS = ["[[trigger]]\n", "[[alarm]]\n", 'on = "BehaviourRan"\n', "cooldown = inf\n", "once = true\n",
             'when = "', "{", "}", "[", "]", '"', "=", "\n", ",", "\x00", "é", "\ufeff", "#"]


def mutate(text: str, data: st.DataObject) -> str:
    """One hostile change to a file's text, chosen by hypothesis."""
    kind = data.draw(st.sampled_from(["value", "cut", "insert", "double", "flip"]))
    lines = text.splitlines(keepends=True)
    if kind == "value":
        assignments = [i for i, line in enumerate(lines) if "=" in line and not line.lstrip().startswith("#")]
        if assignments:
            i = data.draw(st.sampled_from(assignments))
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {data.draw(st.sampled_from(HOSTILE))}\n"
        return "".join(lines)
    where = data.draw(st.integers(0, len(text)))
    if kind == "cut":
        return text[:where] + text[where + data.draw(st.integers(1, 200)):]
    if kind == "insert":
        return text[:where] + data.draw(st.sampled_from(FRAGMENTS)) + text[where:]
    if kind == "double" and lines:
        i = data.draw(st.integers(0, len(lines) - 1))
        return "".join(lines[:i + 1] + lines[i:i + data.draw(st.integers(1, 8))] + lines[i + 1:])
    return text[:where] + data.draw(st.characters()) + text[where + 1:]


@st.composite
def mutated_files(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(sorted(SHIPPED.values())))
    data = draw(st.data())
    for _ in range(draw(st.integers(1, 4))):
        text = mutate(text, data)
    return text


EVENTS = sorted(registry.event_types)
STATE = ["wanted.level", "player.health", "frame.ms", "population.current", "tick", "time"]
CONDITIONS = ["wanted.level >= 1", "tick % 3 == 0", "player.health < 50", "True", "1 < 2", "time > 0.5",
              "frame.ms > frame.budget_ms", "population.current > 0", "player.in_vehicle"]


def fields(event_name: str | None) -> list[str]:
    """The whole-number and entity fields of an event type, as expressions."""
    if event_name is None:
        return []
    hints = getattr(registry.event_types[event_name], "__annotations__", {})
    return [f"event.{name}" for name, hint in hints.items() if hint in ("int", int)]


def value_for(param: object, event_name: str | None, draw: st.DrawFn) -> str:
    numbers = [f'"{e}"' for e in [*fields(event_name), *STATE[:4], "round(time)", "wanted.level + 1"]]
    good = {"int": ["1", "60", *numbers], "number": ["0.5", "1", '"population.thinning / 2"', *numbers],
            "bool": ["true", "false", '"wanted.level > 2"'], "string": ['"a crime"', "{ expr = \"'x' * 3\" }"],
            "entity": ['"player.id"', "1", *[f'"{e}"' for e in fields(event_name)]]}
    name = param.type_name  # type: ignore[attr-defined]
    pool = good.get(name) or [f'"{c}"' for c in param.choices]  # type: ignore[attr-defined]
    return draw(st.sampled_from(pool + HOSTILE[:8]) if draw(st.integers(0, 9)) == 0 else st.sampled_from(pool))


def calls(draw: st.DrawFn, event_name: str | None = None) -> str:
    made = []
    for _ in range(draw(st.integers(1, 3))):
        behaviour = registry.behaviours[draw(st.sampled_from(sorted(registry.behaviours)))]
        params = [f"{p.name} = {value_for(p, event_name, draw)}" for p in behaviour.params.values()
                  if p.required or draw(st.booleans())]
        made.append("{ " + ", ".join([f'behaviour = "{behaviour.name}"', *params]) + " }")
    return "[" + ", ".join(made) + "]"


@st.composite
def generated_files(draw: st.DrawFn) -> str:
    parts = []
    for index in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 3)):
            on = draw(st.sampled_from(EVENTS))
            lines = ["[[trigger]]", f'name = "t{index}"', f'on = "{on}"']
            if draw(st.booleans()):
                tests = [f"{f} > 0" for f in fields(on)] + CONDITIONS
                lines.append(f'when = "{draw(st.sampled_from(tests))}"')
            for option in draw(st.lists(st.sampled_from(["cooldown = 0.5", "once = true", "priority = 2"]),
                                        max_size=2, unique=True)):
                lines.append(option)
            lines.append(f"do = {calls(draw, on)}")
        else:
            lines = ["[[alarm]]", f'name = "a{index}"', f'when = "{draw(st.sampled_from(CONDITIONS[1:]))}"',
                     f"enter = {calls(draw)}"]
            if draw(st.booleans()):
                lines.append(f"exit = {calls(draw)}")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


files = st.one_of(mutated_files(), generated_files())


def checked(text: str) -> tuple[bool, bool]:
    """Check a file as ``check`` does: (accepted, has an endless loop).  Only TriggerFileError may come out."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning would be a second line on the user's screen
            loaded = loads(text, registry, "fuzz.toml")
    except TriggerFileError as error:
        assert error.problems and all("\n" not in str(p) and len(str(p)) < 2_000 for p in error.problems)
        return False, False
    cycles = find_cycles(loaded, registry)
    return True, any(not c.breakable for c in cycles)


def run_in_game(text: str, folder: Path) -> None:
    """Run an accepted file in the demo game: nothing raises, work per tick is bounded, records encode."""
    (folder / "fuzz.toml").write_text(text, encoding="utf-8")
    game = build_game(seed=0, npcs=8, triggers=None)
    bus = game.world.bus
    bus.cascade_limit, bus.reaction_budget = CASCADE_LIMIT, REACTION_BUDGET
    try:
        game.runtime.load_files([folder], relative_to=folder)
        run_headless(game, SECONDS)
        records = list(game.world.log)
        for record in records:
            codec.encode(record).encode("utf-8")
        ticks = game.world.tick + 1
        # The bus cuts a tick's reactions at its budget; the rest is the game's own few records a tick.
        assert len(records) <= ticks * (REACTION_BUDGET + 50) + 2_000
    finally:
        game.world.close()


@settings(max_examples=EXAMPLES or 100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files)
def test_checking_any_file_gives_a_trigger_set_or_one_line_problems(text):
    checked(text)


@settings(max_examples=EXAMPLES or 25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files)
def test_every_file_check_accepts_runs_in_the_game(tmp_path, text):
    accepted, endless = checked(text)
    if accepted and not endless:
        run_in_game(text, tmp_path)


def test_an_odd_literal_in_an_expression_prints_no_warning():
    # Found by this fuzzing: Python warns of "1if" ("invalid decimal literal") on stderr.
    text = SHIPPED["combat.toml"].replace('when = "event.damage > 0"', 'when = "1if event.damage else 0"')
    assert checked(text) == (True, False)


def test_the_shipped_files_run_as_fuzzed_files_do(tmp_path):
    # The base case of the mutations: unmutated, every shipped file is accepted and runs.
    for text in SHIPPED.values():
        assert checked(text) == (True, False)
        run_in_game(text, tmp_path)
