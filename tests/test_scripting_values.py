"""Values: nothing a trigger passes on can make writing the log fail.

NaN, infinities, integers too large for a float, text or lists over 10,000
characters or items, text that is not UTF-8: refused by ``check`` when the
file writes them as constants, and as a dead letter naming the trigger, the
call, the parameter and the file when an expression computes them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Event, HandlerFailed, World, codec, event
from engine.scripting import Registry, TriggerFileError, TriggerRuntime, loads
from engine.scripting.values import MAX_ITEMS, MAX_TEXT, refusal, shown

ROOT = Path(__file__).resolve().parent.parent


@event
class Ping(Event):
    n: int


registry = Registry()
registry.events(Ping)


@registry.behaviour
def measure(world: World, amount: float) -> None:
    """Write the amount down."""
    world.resources.setdefault("seen", []).append(amount)


@registry.behaviour
def say(world: World, text: str, times: int = 1) -> None:
    """Write the text down."""
    world.resources.setdefault("seen", []).append(text)


def rule(param: str, name: str = "t") -> str:
    behaviour = "measure" if param.startswith("amount") else "say"
    return f'[[trigger]]\nname = "{name}"\non = "Ping"\ndo = [{{ behaviour = "{behaviour}", {param} }}]\n'


# -- what a record can hold -------------------------------------------------------------------

@pytest.mark.parametrize(("value", "why"), [
    (float("nan"), "NaN is not a number a log can hold"),
    (float("-inf"), "infinity is not a number a log can hold"),
    (10**309, "integer is too large for a number (more than 308 digits)"),
    ("x" * (MAX_TEXT + 1), "text is too long (10001 characters, max 10,000)"),
    ("\ud800", "text is not valid UTF-8 (it holds a lone surrogate)"),
    ([0] * (MAX_ITEMS + 1), "too many items (10001, max 10,000)"),
    ({"deep": [[float("inf")]]}, "infinity is not a number a log can hold"),
])
def test_refused_values_say_why(value, why):
    assert refusal(value) == why


@pytest.mark.parametrize("value", [None, True, 0, -(10**308), 1.5e308, "x" * MAX_TEXT, "é ✓", [1] * MAX_ITEMS,
                                   {"a": [1, "b"]}, (1, 2)])
def test_values_a_record_can_hold_pass(value):
    assert refusal(value) is None


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**320),
                    st.floats(), st.text(max_size=20), st.sampled_from(["\ud800", "a\udcff", "x" * (MAX_TEXT + 1)]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                                           max_size=3), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(values)
def test_whatever_refusal_lets_pass_encodes_as_strict_utf8_json(value):
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        assert refusal(value) is not None
    else:
        if refusal(value) is not None:  # it encodes, so only a size bound can refuse it
            assert re.search(r"too long|too large|too many", refusal(value))


@given(values)
def test_shown_is_always_one_short_printable_line(value):
    text = shown(value)
    assert len(text) <= 240 and "\n" not in text
    text.encode("utf-8")


# -- at check time: constants -------------------------------------------------------------------

@pytest.mark.parametrize(("param", "message"), [
    ("amount = nan", "NaN is not a number a log can hold: nan"),
    ("amount = -inf", "infinity is not a number a log can hold: -inf"),
    ("amount = 1" + "0" * 400, "integer is too large for a number (more than 308 digits): "
                               "<a whole number of about 401 digits>"),
    ("amount = \"float('nan')\"", "NaN is not a number a log can hold: \"float('nan')\" is always nan"),
    ("amount = \"1e308 * 10\"", "infinity is not a number a log can hold: '1e308 * 10' is always inf"),
    ('text = "' + "x" * 10001 + '"', "text is too long (10001 characters, max 10,000): 'xxx"),
    ("text = { expr = \"'x' * 10000 + 'y'\" }", "text is too long (10001 characters, max 10,000): "
                                                "\"'x' * 10000 + 'y'\" is always 'xxx"),
    ("text = { expr = \"'\\\\ud800'\" }", "text is not valid UTF-8 (it holds a lone surrogate): "
                                          "\"'\\\\ud800'\" is always '\\ud800'"),
    ('text = "ok", times = "10 ** 100 * 10 ** 100 * 10 ** 100 * 10 ** 100"', "integer result is too large"),
])
def test_check_refuses_a_constant_the_log_could_not_hold(param, message):
    with pytest.raises(TriggerFileError) as refused:
        loads(rule(param), registry, "rules.toml")
    (problem,) = refused.value.problems
    assert str(problem).startswith("rules.toml: trigger 't': do[0].")
    assert message in str(problem) and len(str(problem)) < 400


@pytest.mark.parametrize(("text", "field"), [
    ('[[trigger]]\nname = "' + "n" * 10001 + '"\non = "Ping"\ndo = [{ behaviour = "say", text = "x" }]\n', "name"),
    ('[[trigger]]\nname = "t"\ndescription = "' + "d" * 10001 + '"\non = "Ping"\n'
     'do = [{ behaviour = "say", text = "x" }]\n', "description"),
    ('[[trigger]]\nname = "t"\npriority = 1' + "0" * 400 + '\non = "Ping"\ndo = [{ behaviour = "say", text = "x" }]\n',
     "priority"),
    ('[[trigger]]\nname = "t"\non = "Ping"\ndo = [' + '{ behaviour = "say", text = "x" },' * 10001 + "]\n", "do"),
])
def test_names_descriptions_options_and_lists_are_bounded_too(text, field):
    with pytest.raises(TriggerFileError) as refused:
        loads(text, registry, "rules.toml")
    (problem,) = refused.value.problems
    assert problem.field == field and len(str(problem)) < 400


def test_too_many_triggers_in_a_file_is_one_problem():
    text = rule('text = "x"', "a") * (MAX_ITEMS + 1)
    with pytest.raises(TriggerFileError) as refused:
        loads(text, registry, "rules.toml")
    assert [str(p) for p in refused.value.problems] == [
        "rules.toml: trigger: too many entries (10,001 [[trigger]] tables, max 10,000)"]


# -- at run time: computed values ----------------------------------------------------------------

@pytest.fixture
def world(tmp_path: Path):
    made = World(seed=1)
    yield made
    made.close()


def run(world: World, tmp_path: Path, text: str, n: int) -> list[HandlerFailed]:
    (tmp_path / "rules.toml").write_text(text)
    TriggerRuntime(world, registry).load_files([tmp_path], relative_to=tmp_path)
    world.emit(Ping(n))
    world.run(1)
    for record in world.log:
        codec.encode(record).encode("utf-8")  # every record can be written
    return [r.event for r in world.log if isinstance(r.event, HandlerFailed)]


@pytest.mark.parametrize(("param", "error"), [
    ('amount = "event.n * 1e308"', "ValueRefused: infinity is not a number a log can hold: inf"),
    ('amount = "event.n * 1e308 - event.n * 1e308"', "ValueRefused: NaN is not a number a log can hold: nan"),
    ("amount = \"float('inf') * 0 + event.n\"", "ValueRefused: NaN is not a number a log can hold: nan"),
    ("text = { expr = \"'ab' * 5000 + 'c' * event.n\" }",
     "ValueRefused: text is too long (10002 characters, max 10,000): 'ababab"),
    ('text = "x", times = "10 ** 99 * event.n * 10 ** 99 * event.n * 10 ** 99 * event.n * 10 ** 99"',
     "integer result is too large"),
])
def test_a_computed_value_the_log_cannot_hold_is_a_dead_letter_naming_trigger_call_parameter_and_file(
        world, tmp_path, param, error):
    (failure,) = run(world, tmp_path, rule(param), n=2)
    assert error in failure.error and len(failure.error) < 400
    if failure.error.startswith("ValueRefused"):
        assert failure.handler == f"'t' do[0] {'measure.amount' if 'amount' in param else 'say.text'} in rules.toml"
    assert "seen" not in world.resources  # the behaviour was not called


def test_a_good_computed_value_still_runs(world, tmp_path):
    assert run(world, tmp_path, rule('amount = "event.n * 1e300"'), n=2) == []
    assert world.resources["seen"] == [2e300]


def test_the_reference_shows_the_dead_letter_the_game_records(tmp_path):
    from game.build import TRIGGERS, build_game
    from game.headless import run_headless

    page = (ROOT / "docs" / "reference" / "triggers.md").read_text(encoding="utf-8")
    limits = page[page.index("## Limits"):]
    toml, shown_letter = re.findall(r"^```(?:toml|text)\n(.*?)^```$", limits, re.S | re.M)[:2]
    triggers = tmp_path / "assets" / "triggers"
    shutil.copytree(TRIGGERS, triggers)
    (triggers / "mine.toml").write_text(toml)
    game = build_game(seed=0, triggers=triggers)
    game.runtime.load_files([triggers], relative_to=tmp_path)  # named as in the game: assets/triggers/...
    try:
        run_headless(game, 30.0)
        letters = [r.event for r in game.world.log if isinstance(r.event, HandlerFailed)]
    finally:
        game.world.close()
    assert letters, "no shot hit in 30 s of autopilot"
    assert f"handler: {letters[0].handler}\nerror: {letters[0].error}\n" == shown_letter
