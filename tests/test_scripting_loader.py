"""Trigger files: what they may say, and one clear line for each thing that is wrong.

Each problem names the file, the trigger or alarm, the field, what was found
and what was expected, on one line.
"""

from __future__ import annotations

import pytest

from engine import Event, World, event
from engine.expr import Expression
from engine.scripting import (
    Entity,
    Problem,
    Registry,
    TriggerFileError,
    TriggerSet,
    check,
    load,
    loads,
)
from engine.scripting.loader import build
from engine.scripting.model import Literal


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


@event
class CrimeCommitted(Event):
    kind: str
    severity: int = 1


@event
class WantedLevelChanged(Event):
    before: int
    after: int


registry = Registry()
registry.events(Shot, CrimeCommitted, WantedLevelChanged)
registry.state("wanted", lambda world: {"level": 0}, changed_by=[WantedLevelChanged])
registry.state("player", lambda world: {"id": 1, "health": 100})


@registry.behaviour
def damage(world: World, target: Entity, amount: int) -> None:
    """Lower the target's health."""


@registry.behaviour
def play_sound(world: World, sound: str, loop: bool = False) -> None:
    """Play a sound."""


@registry.behaviour
def stop_sound(world: World, sound: str) -> None:
    """Stop a sound."""


@registry.behaviour
def despawn_npcs(world: World) -> None:
    """Empty the streets."""


@registry.behaviour
def respawn_npcs(world: World) -> None:
    """Fill the streets."""


@registry.behaviour
def thin_population(world: World, fraction: float) -> None:
    """Keep a fraction of the people."""


def problems_of(text: str, file: str = "police.toml") -> list[str]:
    """The problem lines of a file's text (fails if it loads)."""
    with pytest.raises(TriggerFileError) as caught:
        loads(text, registry, file)
    lines = [str(p) for p in caught.value.problems]
    assert all(isinstance(p, Problem) for p in caught.value.problems)
    assert all("\n" not in line and line.startswith(f"{file}: ") for line in lines)
    assert str(caught.value) == "\n".join(lines)
    return lines


POLICE = """
# The police chase
[[alarm]]
name = "police-chase"
when = "wanted.level >= 1"
for = 1.5
every = 0.25
enter = [{ behaviour = "play_sound", sound = "siren", loop = true },
         { behaviour = "despawn_npcs" }]
exit  = [{ behaviour = "stop_sound", sound = "siren" },
         { behaviour = "respawn_npcs" }]

[[trigger]]
name = "getting-shot-hurts"
description = "Bullets hurt."
on = "Shot"
when = "event.damage > 0"
do = [{ behaviour = "damage", target = "event.target", amount = "event.damage" }]

[[trigger]]
name = "shots-fired-radio"
on = "CrimeCommitted"
when = "wanted.level >= 2"
once = true
cooldown = 12
priority = -2
enabled = false
do = { behaviour = "play_sound", sound = "radio_shots_fired" }

[[alarm]]
name = "quiet"
when = false
exit = [{ behaviour = "thin_population", fraction = 1 }]
"""


# -- what a file may say -------------------------------------------------------------------

def test_one_file_holds_many_triggers_and_alarms():
    loaded = loads(POLICE, registry, "police.toml")
    assert isinstance(loaded, TriggerSet)
    assert loaded.names == ["getting-shot-hurts", "shots-fired-radio", "police-chase", "quiet"]
    assert loaded.sources == {"police.toml": POLICE}
    hurts, radio = loaded.triggers
    assert (hurts.on, hurts.once, hurts.cooldown, hurts.priority, hurts.enabled) == (Shot, False, 0.0, 0, True)
    assert hurts.description == "Bullets hurt." and hurts.source == "police.toml"
    assert (radio.on, radio.once, radio.cooldown, radio.priority, radio.enabled) == (
        CrimeCommitted, True, 12.0, -2, False)
    assert [c.behaviour for c in radio.do] == ["play_sound"]   # a single table is a list of one
    chase, quiet = loaded.alarms
    assert (chase.hold, chase.every, chase.enabled) == (1.5, 0.25, True)
    assert [c.behaviour for c in chase.enter] == ["play_sound", "despawn_npcs"]
    assert [c.where for c in chase.exit] == ["exit[0]", "exit[1]"]
    assert quiet.enter == () and quiet.when == Literal(False)


def test_parameter_values_are_literals_or_expressions():
    loaded = loads(POLICE, registry)
    hurts = loaded.triggers[0]
    assert isinstance(hurts.when, Expression) and hurts.when.names == {"event"}
    params = hurts.do[0].params
    assert isinstance(params["target"], Expression) and params["target"].source == "event.target"
    siren = loaded.alarms[0].enter[0].params
    assert siren == {"sound": Literal("siren"), "loop": Literal(True)}   # strings are literal for string params
    assert loaded.alarms[1].exit[0].params == {"fraction": Literal(1)}


def test_expr_table_forces_an_expression():
    loaded = loads("""
        [[trigger]]
        name = "say-what"
        on = "CrimeCommitted"
        do = [{ behaviour = "play_sound", sound = { expr = "event.kind" }, loop = { expr = "wanted.level > 2" } }]
    """, registry)
    params = loaded.triggers[0].do[0].params
    assert isinstance(params["sound"], Expression) and params["sound"].names == {"event"}
    assert isinstance(params["loop"], Expression) and params["loop"].names == {"wanted"}


def test_expressions_may_read_the_event_its_entities_time_and_state_names():
    loads("""
        [[trigger]]
        name = "everything"
        on = "Shot"
        when = "target.health.current < player.health and source.wanted_level.stars > 0 and tick > 0 and time > 1"
        do = [{ behaviour = "damage", target = "target", amount = "min(event.damage, wanted.level * 10)" }]
    """, registry)


def test_load_reads_files_and_folders(tmp_path):
    (tmp_path / "police.toml").write_text(POLICE)
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "crime.toml").write_text('[[trigger]]\nname = "crime"\non = "CrimeCommitted"\n'
                                    'do = [{ behaviour = "despawn_npcs" }]\n')
    (tmp_path / "notes.txt").write_text("not a trigger file")
    loaded = load([tmp_path], registry)
    assert sorted(loaded.names) == ["crime", "getting-shot-hurts", "police-chase", "quiet", "shots-fired-radio"]
    assert set(loaded.sources) == {str(tmp_path / "police.toml"), str(sub / "crime.toml")}
    assert check([tmp_path], registry) == []


def test_an_empty_file_is_valid():
    assert loads("# nothing yet\n", registry).names == []


# -- one line per problem ---------------------------------------------------------------------

def test_unknown_behaviour_with_did_you_mean():
    lines = problems_of("""
[[alarm]]
name = "police-chase"
when = "wanted.level >= 1"
enter = [{ behaviour = "play_sound", sound = "siren" },
         { behaviour = "despawn_npc" }]
""")
    assert lines == ["police.toml: alarm 'police-chase': enter[1].behaviour: unknown behaviour 'despawn_npc' "
                     "(did you mean 'despawn_npcs'?)"]


def trigger_file(**fields: str) -> str:
    """A trigger named 'hurt' with the given TOML fields (values written as TOML)."""
    body = {"on": '"Shot"', "do": '[{ behaviour = "damage", target = "event.target", amount = 5 }]', **fields}
    return '[[trigger]]\nname = "hurt"\n' + "".join(f"{k} = {v}\n" for k, v in body.items() if v is not None)


@pytest.mark.parametrize(("fields", "expected"), [
    pytest.param({"on": '"Shoot"'},
                 "police.toml: trigger 'hurt': on: unknown event type 'Shoot' (did you mean 'Shot'?)",
                 id="unknown-event-type"),
    pytest.param({"on": None},
                 "police.toml: trigger 'hurt': on: expected an event type name, found nothing",
                 id="missing-on"),
    pytest.param({"do": '[{ behaviour = "damage", target = "event.target" }]'},
                 "police.toml: trigger 'hurt': do[0].amount: missing parameter 'amount' of behaviour 'damage' "
                 "(expected int)",
                 id="missing-parameter"),
    pytest.param({"do": '[{ behaviour = "damage", target = "event.target", amount = 5, amont = 6 }]'},
                 "police.toml: trigger 'hurt': do[0].amont: behaviour 'damage' has no parameter 'amont' "
                 "(did you mean 'amount'?); its parameters: target, amount",
                 id="extra-parameter"),
    pytest.param({"do": '[{ behaviour = "damage", target = "event.target", amount = true }]'},
                 "police.toml: trigger 'hurt': do[0].amount: expected int, found bool True",
                 id="wrong-type-bool-for-int"),
    pytest.param({"do": '[{ behaviour = "damage", target = "event.target", amount = 2.5 }]'},
                 "police.toml: trigger 'hurt': do[0].amount: expected int, found number 2.5",
                 id="wrong-type-float-for-int"),
    pytest.param({"do": '[{ behaviour = "play_sound", sound = 3 }]'},
                 "police.toml: trigger 'hurt': do[0].sound: expected string, found int 3",
                 id="wrong-type-int-for-string"),
    pytest.param({"do": '[{ behaviour = "damage", target = "event.target", amount = [1] }]'},
                 "police.toml: trigger 'hurt': do[0].amount: expected int, found list [1]",
                 id="wrong-type-list"),
    pytest.param({"do": '[{ behaviour = "damage", target = "event.target", amount = { exp = "1" } }]'},
                 "police.toml: trigger 'hurt': do[0].amount: expected a literal or { expr = \"...\" }, "
                 "found table {'exp': '1'}",
                 id="bad-expr-table"),
    pytest.param({"when": '"event.damage >"'},
                 "police.toml: trigger 'hurt': when: bad expression 'event.damage >': "
                 "syntax error at column 15: invalid syntax",
                 id="expression-syntax"),
    pytest.param({"when": '"wantd.level > 1"'},
                 "police.toml: trigger 'hurt': when: bad expression 'wantd.level > 1': unknown name 'wantd'; "
                 "did you mean 'wanted'? (known: event, player, source, target, tick, time, wanted)",
                 id="expression-unknown-name"),
    pytest.param({"when": '"event.dmg > 1"'},
                 "police.toml: trigger 'hurt': when: Shot has no field 'dmg' (did you mean 'damage'?); "
                 "its fields are shooter, target, damage",
                 id="unknown-event-field"),
    pytest.param({"do": '[{ behaviour = "damage", target = "event.target", amount = "event.dmg" }]'},
                 "police.toml: trigger 'hurt': do[0].amount: Shot has no field 'dmg' (did you mean 'damage'?); "
                 "its fields are shooter, target, damage",
                 id="unknown-event-field-in-parameter"),
    pytest.param({"cooldwn": "2"},
                 "police.toml: trigger 'hurt': cooldwn: unknown field (did you mean 'cooldown'?); expected one of "
                 "name, on, when, do, once, cooldown, priority, enabled, description",
                 id="unknown-field"),
    pytest.param({"once": '"yes"'},
                 "police.toml: trigger 'hurt': once: expected bool, found string 'yes'",
                 id="once-not-bool"),
    pytest.param({"priority": "1.5"},
                 "police.toml: trigger 'hurt': priority: expected int, found number 1.5",
                 id="priority-not-int"),
    pytest.param({"cooldown": "-1"},
                 "police.toml: trigger 'hurt': cooldown: expected a number of seconds from 0 to 1000000000, "
                 "found int -1",
                 id="negative-cooldown"),
    pytest.param({"cooldown": "inf"},
                 "police.toml: trigger 'hurt': cooldown: expected a number of seconds from 0 to 1000000000, "
                 "found number inf",
                 id="infinite-cooldown"),
    pytest.param({"do": "[]"},
                 "police.toml: trigger 'hurt': do: empty; expected at least one behaviour call",
                 id="empty-do"),
    pytest.param({"do": '["damage"]'},
                 "police.toml: trigger 'hurt': do[0]: expected a table like { behaviour = \"...\" }, "
                 "found string 'damage'",
                 id="call-not-a-table"),
])
def test_each_problem_is_one_line_naming_file_trigger_field_found_and_expected(fields, expected):
    assert problems_of(trigger_file(**fields)) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('[[alarm]]\nname = "a"\nenter = [{ behaviour = "despawn_npcs" }]\n',
                 "police.toml: alarm 'a': when: missing; expected a condition such as \"wanted.level >= 1\"",
                 id="alarm-without-when"),
    pytest.param('[[alarm]]\nname = "a"\nwhen = "wanted.level > 0"\n',
                 "police.toml: alarm 'a': enter: an alarm needs 'enter' or 'exit' behaviours (or both)",
                 id="alarm-without-behaviours"),
    pytest.param('[[alarm]]\nname = "a"\nwhen = "event.damage > 0"\nexit = [{ behaviour = "despawn_npcs" }]\n',
                 "police.toml: alarm 'a': when: bad expression 'event.damage > 0': unknown name 'event' "
                 "(known: player, tick, time, wanted)",
                 id="alarm-reads-no-event"),
    pytest.param('[[alarm]]\nname = "a"\nwhen = true\nfor = "2s"\nexit = [{ behaviour = "despawn_npcs" }]\n',
                 "police.toml: alarm 'a': for: expected a number of seconds from 0 to 1000000000, found string '2s'",
                 id="alarm-for-not-a-number"),
    pytest.param('[[trigger]]\non = "Shot"\ndo = [{ behaviour = "despawn_npcs" }]\n',
                 "police.toml: trigger #1: name: expected a non-empty string, found nothing",
                 id="nameless"),
    pytest.param('[[triggers]]\nname = "x"\n',
                 "police.toml: triggers: unknown table 'triggers'; expected [[trigger]] or [[alarm]] "
                 "(did you mean 'trigger'?)",
                 id="unknown-top-level-table"),
    pytest.param('trigger = "x"\n',
                 "police.toml: trigger: expected an array of tables [[trigger]], found string",
                 id="trigger-not-an-array"),
    pytest.param('[[trigger]]\nname = "x"\non = "Shot"\ndo = [{ behaviour = "despawn_npcs" }]\n'
                 '[[alarm]]\nname = "x"\nwhen = true\nexit = [{ behaviour = "despawn_npcs" }]\n',
                 "police.toml: alarm 'x': name: duplicate name; already used in police.toml",
                 id="duplicate-name-in-a-file"),
])
def test_alarm_table_and_name_problems(text, expected):
    assert problems_of(text) == [expected]


def test_toml_syntax_error_is_one_line():
    [line] = problems_of('[[trigger]]\nname = "x\non = "Shot"\n')
    assert line.startswith("police.toml: TOML syntax error: ") and "line 2" in line


def test_every_problem_in_a_file_is_reported_at_once():
    lines = problems_of("""
[[trigger]]
name = "one"
on = "Shoot"
do = [{ behaviour = "dmage", target = "event.target", amount = 1 }]

[[trigger]]
name = "two"
on = "Shot"
when = "event.dmg > 0"
do = [{ behaviour = "damage", target = "event.target" }]

[[alarm]]
name = "three"
when = "wanted.level >= 1"
enter = [{ behaviour = "play_sound", sound = 1 }]
""")
    assert [line.split(": ")[1:3] for line in lines] == [
        ["trigger 'one'", "on"], ["trigger 'one'", "do[0].behaviour"],
        ["trigger 'two'", "when"], ["trigger 'two'", "do[0].amount"],
        ["alarm 'three'", "enter[0].sound"]]


def test_a_newline_in_a_quoted_key_does_not_break_the_line():
    lines = problems_of('[[trigger]]\nname = "x"\non = "Shot"\n"bad\\nkey" = 1\n'
                        'do = [{ behaviour = "despawn_npcs", "p\\u2028q" = 1 }]\n')
    assert lines == [
        "police.toml: trigger 'x': bad\\nkey: unknown field; expected one of "
        "name, on, when, do, once, cooldown, priority, enabled, description",
        "police.toml: trigger 'x': do[0].p\\u2028q: behaviour 'despawn_npcs' has no parameter 'p\\u2028q'; "
        "its parameters: none"]
    assert all(len(line.splitlines()) == 1 for line in lines)


def test_duplicate_names_across_files(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text('[[trigger]]\nname = "hurt"\non = "Shot"\n'
                                     'do = [{ behaviour = "damage", target = "event.target", amount = 1 }]\n')
    expected = f"{tmp_path / 'b.toml'}: trigger 'hurt': name: duplicate name; already used in {tmp_path / 'a.toml'}"
    assert [str(p) for p in check([tmp_path], registry)] == [expected]
    with pytest.raises(TriggerFileError) as caught:
        load([tmp_path], registry)
    assert [str(p) for p in caught.value.problems] == [expected]


def test_a_duplicate_name_is_reported_even_when_the_duplicate_has_other_problems(tmp_path):
    (tmp_path / "a.toml").write_text('[[trigger]]\nname = "hurt"\non = "Shot"\n'
                                     'do = [{ behaviour = "damage", target = "event.target", amount = 1 }]\n')
    (tmp_path / "b.toml").write_text('[[alarm]]\nname = "hurt"\nwhen = "wanted.level >= 1"\n'
                                     'enter = [{ behaviour = "despawn_npc" }]\n')
    lines = [str(p) for p in check([tmp_path], registry)]
    assert f"{tmp_path / 'b.toml'}: alarm 'hurt': name: duplicate name; already used in {tmp_path / 'a.toml'}" in lines
    assert any("unknown behaviour 'despawn_npc'" in line for line in lines)
    assert len(lines) == 2


def test_a_missing_file_is_a_problem(tmp_path):
    assert [str(p) for p in check([tmp_path / "gone.toml"], registry)] == [
        f"{tmp_path / 'gone.toml'}: no such file or folder"]


# -- nothing in a file runs code ------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "refused"), [
    ("when", "__import__('os').system('touch {marker}')", "'__import__' is not allowed"),
    ("when", "event.__class__", "'__class__' is not allowed"),
    ("when", "event.__class__.__mro__[1].__subclasses__()", "names starting with '_' are private"),
    ("when", "(lambda: 1)()", "lambda"),
    ("when", "[x for x in (1, 2)]", "comprehension"),
    ("when", "open('{marker}', 'w')", "unknown function 'open'"),
    ("amount", "event.__class__", "'__class__' is not allowed"),
    ("amount", "eval('1')", "unknown function 'eval'"),
])
def test_unsafe_expressions_are_refused_with_a_clear_line(tmp_path, field, value, refused):
    marker = tmp_path / "pwned"
    value = value.format(marker=marker)
    if field == "when":
        text = trigger_file(when=f"'''{value}'''")   # a TOML literal string: no escapes
    else:
        text = trigger_file(do=f"[{{ behaviour = \"damage\", target = \"event.target\", amount = '''{value}''' }}]")
    [line] = problems_of(text)
    where = "when" if field == "when" else "do[0].amount"
    assert line.startswith(f"police.toml: trigger 'hurt': {where}: bad expression ")
    assert refused in line, line
    assert not marker.exists()


def test_a_misspelt_field_of_a_state_name_is_caught_when_loading() -> None:
    from engine.scripting import TriggerFileError, loads
    from game.registry import make_registry
    game_registry = make_registry()

    text = '[[alarm]]\nname = "chase"\nwhen = "wanted.levle >= 1"\nenter = [{ behaviour = "despawn_npcs" }]\n'
    with pytest.raises(TriggerFileError) as caught:
        loads(text, game_registry, "police.toml")
    assert str(caught.value) == ("police.toml: alarm 'chase': when: 'wanted' has no field 'levle' "
                                 "(did you mean 'level'?); its fields are level, seconds_unseen")


def test_an_unknown_sound_is_caught_when_loading() -> None:
    from engine.scripting import TriggerFileError, loads
    from game.registry import make_registry
    game_registry = make_registry()

    text = '[[trigger]]\nname = "bang"\non = "Shot"\ndo = [{ behaviour = "play_sound", sound = "gunshott" }]\n'
    with pytest.raises(TriggerFileError) as caught:
        loads(text, game_registry, "sounds.toml")
    message = str(caught.value)
    assert message.startswith("sounds.toml: trigger 'bang': do[0].sound: expected one of 'siren', ")
    assert message.endswith("found string 'gunshott' (did you mean 'gunshot'?)")


@pytest.mark.parametrize(("param", "text", "found"), [
    ("amount", "event.shooter > 1", "expected int, found a condition (true or false): 'event.shooter > 1'"),
    ("amount", "not event.damage", "expected int, found a condition (true or false): 'not event.damage'"),
    ("target", "event.damage * 1.5", "expected entity, found a fractional number: 'event.damage * 1.5'"),
    ("amount", "event.damage / 2", "expected int, found a fractional number: 'event.damage / 2'"),
    ("amount", "event.damage * 1.5 + 1", "expected int, found a fractional number: 'event.damage * 1.5 + 1'"),
])
def test_an_expression_whose_shape_shows_the_wrong_type_is_refused(param, text, found):
    values = {"target": "event.target", "amount": "event.damage", param: text}
    doc = {"trigger": [{"name": "t", "on": "Shot", "do": [{"behaviour": "damage", **values}]}]}
    with pytest.raises(TriggerFileError) as caught:
        build(doc, registry, "f.toml")
    assert [str(p) for p in caught.value.problems] == [f"f.toml: trigger 't': do[0].{param}: {found}"]


@pytest.mark.parametrize("text", ["event.damage or 5", "event.damage // 2", "max(event.damage, 1)",
                                  "event.damage if event.damage > 0 else 1",
                                  "round(event.damage * 1.5) + 1",
                                  "event.damage + (10 if player.health < 50.5 else 0)",
                                  "2 * round(max(event.damage, 0.5))"])
def test_an_expression_only_running_can_judge_is_accepted(text):
    doc = {"trigger": [{"name": "t", "on": "Shot", "do": [{"behaviour": "damage", "target": "event.target",
                                                             "amount": text}]}]}
    assert len(build(doc, registry).triggers) == 1
