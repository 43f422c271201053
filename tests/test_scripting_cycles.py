"""Static loops: ``check`` follows event type -> trigger -> behaviour -> emitted event types.

A loop nothing can break is an error; one a condition, a cooldown or
``once`` can break is a warning (an error with ``--strict``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Event, World, event
from engine.cli import main
from engine.scripting import AlarmEntered, AlarmExited, Registry, find_cycles, loads
from engine.scripting.cycles import cycle_problems
from game.build import TRIGGERS
from game.registry import make_registry

game_registry = make_registry()


@event
class Knock(Event):
    n: int


@event
class Echo(Event):
    n: int


registry = Registry()
registry.events(Knock, Echo)


@registry.behaviour(emits=[Echo])
def answer(world: World) -> None:
    """Emit an Echo."""


@registry.behaviour(emits=[Knock])
def knock(world: World) -> None:
    """Emit a Knock."""


@registry.behaviour(emits=[])
def nothing(world: World) -> None:
    """Emit nothing at all."""


@registry.behaviour(emits=[AlarmEntered])
def ring(world: World) -> None:
    """Emit an AlarmEntered (no game would; it shows alarms are in the graph)."""


@registry.behaviour(emits=[AlarmEntered, AlarmExited])
def toll(world: World) -> None:
    """Emit both edges of an alarm (as no game would)."""


def rule(name: str, on: str, *behaviours: str, extra: str = "") -> str:
    calls = ", ".join(f'{{ behaviour = "{b}" }}' for b in behaviours)
    return f'[[trigger]]\nname = "{name}"\non = "{on}"\n{extra}\ndo = [{calls}]\n'


def lines(text: str, file: str = "rules.toml") -> list[str]:
    return [str(p) for p in cycle_problems(find_cycles(loads(text, registry, file), registry))]


def test_a_trigger_on_behaviour_ran_is_an_endless_loop():
    assert lines(rule("echo", "BehaviourRan", "nothing")) == [
        "rules.toml: trigger 'echo': an endless loop: 'echo' -> BehaviourRan -> 'echo'; nothing can break it "
        "(no condition that can turn false, no cooldown, no once)"]


def test_two_triggers_that_fire_each_other_are_one_loop_naming_both():
    (cycle,) = find_cycles(loads(rule("a", "Knock", "answer") + rule("b", "Echo", "knock"), registry, "r.toml"),
                           registry)
    assert cycle.triggers == ["a", "b"] and not cycle.breakable
    assert cycle.describe().startswith("an endless loop: 'a' -> Echo -> 'b' -> Knock -> 'a';")


def test_a_loop_across_files_names_the_other_file(tmp_path: Path, capsys):
    (tmp_path / "a.toml").write_text(rule("a", "Knock", "answer"))
    (tmp_path / "b.toml").write_text(rule("b", "Echo", "knock"))
    assert main(["check", str(tmp_path), "--registry", __name__]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{tmp_path}/a.toml: trigger 'a': an endless loop: 'a' -> Echo -> 'b' ({tmp_path}/b.toml) "
                      "-> Knock -> 'a'; nothing can break it (no condition that can turn false, no cooldown, no once)")
    assert err[1:] == ["1 problem found"]


@pytest.mark.parametrize(("extra", "breaker"), [
    ('when = "event.n < 3"', "the condition of 'a'"),
    ("cooldown = 0.5", "the cooldown of 'a'"),
    ("once = true", "once on 'a'"),
])
def test_a_loop_that_can_be_broken_is_a_warning(extra, breaker):
    text = rule("a", "Knock", "answer", extra=extra) + rule("b", "Echo", "knock")
    assert lines(text) == [f"rules.toml: trigger 'a': warning: a loop: 'a' -> Echo -> 'b' -> Knock -> 'a'; "
                           f"only {breaker} can break it"]


@pytest.mark.parametrize("extra", ["when = false", 'when = "1 > 2"', "enabled = false"])
def test_a_trigger_that_never_fires_is_in_no_loop(extra):
    assert lines(rule("a", "BehaviourRan", "nothing", extra=extra)) == []


@pytest.mark.parametrize("extra", ["when = true", 'when = "1 < 2"', "cooldown = 0"])
def test_a_condition_that_cannot_turn_false_breaks_nothing(extra):
    assert lines(rule("a", "BehaviourRan", "nothing", extra=extra))[0].startswith(
        "rules.toml: trigger 'a': an endless loop")


def test_an_endless_loop_inside_a_breakable_one_is_both_an_error_and_a_warning():
    text = (rule("a", "Knock", "knock") + rule("b", "Knock", "answer", extra="once = true")
            + rule("c", "Echo", "knock"))
    endless, breakable = find_cycles(loads(text, registry), registry)
    assert (endless.triggers, endless.breakable) == (["a"], False)
    assert (breakable.triggers, breakable.breakable) == (["a", "b", "c"], True)


def test_a_chain_without_a_loop_is_fine():
    assert lines(rule("a", "Knock", "answer") + rule("b", "Echo", "nothing")) == []
    assert lines(rule("a", "Knock", "knock", extra="enabled = false") + rule("b", "Echo", "nothing")) == []


def test_an_alarm_is_in_the_graph_and_always_breakable():
    text = ('[[alarm]]\nname = "bell"\nwhen = "tick > 5"\nenter = [{ behaviour = "ring" }]\n'
            + rule("listen", "AlarmEntered", "nothing", extra='when = "event.alarm == \'x\'"'))
    (cycle,) = find_cycles(loads(text, registry), registry)
    assert cycle.triggers == ["bell"] and cycle.breakable
    assert cycle.describe() == "a loop: 'bell' -> AlarmEntered -> 'bell'; only the change of alarm 'bell' can break it"


def test_an_alarm_with_both_edges_in_a_loop_is_named_once():
    text = ('[[alarm]]\nname = "bell"\nwhen = "tick > 5"\nenter = [{ behaviour = "toll" }]\n'
            'exit = [{ behaviour = "toll" }]\n' + rule("x", "AlarmExited", "toll", extra='when = "tick > 9"'))
    (cycle,) = find_cycles(loads(text, registry), registry)
    assert cycle.triggers == ["bell", "x"]
    assert cycle.describe().count("the change of alarm 'bell'") == 1


def test_a_trigger_on_a_base_class_hears_its_subclasses():
    base = Registry()

    @event
    class Thing(Event):
        pass

    @event
    class Bang(Thing):
        pass

    base.events(Thing, Bang)
    base.add_behaviour(lambda world: None, "bang", emits=[Bang])
    (cycle,) = find_cycles(loads(rule("a", "Thing", "bang", extra='when = "tick < 3"'), base), base)
    assert cycle.path == ("a", "Bang", "a")


def test_a_huge_loop_names_a_few_triggers_and_counts_the_rest():
    text = "".join(rule(f"t{i:04}", "BehaviourRan", "nothing") for i in range(2000))
    (cycle,) = find_cycles(loads(text, registry), registry)
    assert len(cycle.triggers) == 2000
    assert "(the loop also takes in 't0001', 't0002', 't0003', 't0004', 't0005' and 1994 more)" in cycle.describe()


def test_the_game_files_have_one_breakable_loop_the_hospital_heals_the_wasted_player():
    from engine.scripting import load

    (cycle,) = find_cycles(load([TRIGGERS], game_registry), game_registry)
    assert (cycle.triggers, cycle.breakable, cycle.path) == (["wasted"], True, ("wasted", "HealthChanged", "wasted"))


def test_check_warns_and_passes_unless_strict(capsys):
    assert main(["check", str(TRIGGERS), "--registry", "game.registry"]) == 0
    out, err = capsys.readouterr()
    warning = (f"{TRIGGERS}/combat.toml: trigger 'wasted': warning: a loop: 'wasted' -> HealthChanged -> 'wasted'; "
               "only the condition of 'wasted' can break it")
    assert (out.splitlines(), err) == ([warning, "all trigger files are valid",
                                        "1 warning (--strict makes warnings errors)"], "")
    assert main(["check", "--strict", str(TRIGGERS), "--registry", "game.registry"]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", [warning, "1 problem found"])


def test_the_reference_shows_the_lines_check_prints():
    page = (Path(__file__).parent.parent / "docs" / "reference" / "triggers.md").read_text(encoding="utf-8")
    loops = page[page.index("## Loops"):page.index("## Limits")]
    toml, echo_line, wasted_line = re.findall(r"^```\w*\n(.*?)^```$", loops, re.S | re.M)
    found = find_cycles(loads(toml, game_registry, "echo.toml"), game_registry)
    assert [str(p) for p in cycle_problems(found)] == [echo_line.strip()]
    from engine.scripting import load

    shipped = cycle_problems(find_cycles(load([TRIGGERS], game_registry), game_registry))
    assert [str(p).replace(str(TRIGGERS), "assets/triggers") for p in shipped] == [wasted_line.strip()]


# -- the analysis agrees with a brute-force search ------------------------------------------

EVENTS = ["Knock", "Echo", "BehaviourRan"]
BEHAVIOURS = ["answer", "knock", "nothing"]
EMITS = {"answer": {"Echo"}, "knock": {"Knock"}, "nothing": set()}


def reaches_itself(start: int, specs: list[tuple[str, tuple[str, ...], bool]], allowed: set[int]) -> bool:
    def after(i: int) -> set[int]:
        emitted = {"BehaviourRan"} | {e for b in specs[i][1] for e in EMITS[b]}
        return {j for j in allowed if specs[j][0] in emitted}
    seen, todo = set(), list(after(start))
    while todo:
        node = todo.pop()
        if node == start:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(after(node))
    return False


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(EVENTS), st.lists(st.sampled_from(BEHAVIOURS), min_size=1, max_size=2)
                          .map(tuple), st.booleans()), min_size=1, max_size=7))
def test_find_cycles_finds_exactly_the_triggers_that_can_fire_themselves(specs):
    text = "".join(rule(f"t{i}", on, *calls, extra='when = "tick >= 0"' if guarded else "")
                   for i, (on, calls, guarded) in enumerate(specs))
    cycles = find_cycles(loads(text, registry), registry)
    everyone = set(range(len(specs)))
    unguarded = {i for i in everyone if not specs[i][2]}
    in_loops = {int(n[1:]) for c in cycles if c.breakable for n in c.triggers}
    in_endless = {int(n[1:]) for c in cycles if not c.breakable for n in c.triggers}
    assert in_endless == {i for i in unguarded if reaches_itself(i, specs, unguarded)}
    looping = {i for i in everyone if reaches_itself(i, specs, everyone)}
    assert in_loops | in_endless == looping
    for cycle in cycles:   # each path really goes round: trigger, an event it emits, a trigger on that event...
        path = cycle.path
        assert path[0] == path[-1]
        for index in range(0, len(path) - 2, 2):
            i, j = int(path[index][1:]), int(path[index + 2][1:])
            assert path[index + 1] in {"BehaviourRan"} | {e for b in specs[i][1] for e in EMITS[b]}
            assert specs[j][0] == path[index + 1]
