"""The checker catches what it can know: constants, field types and whole state views
against the parameter's declared type, and target/source on events without them."""

from __future__ import annotations

import pytest

from engine.cli import main as engine_main
from engine.scripting import TriggerFileError, loads
from game.registry import make_registry

REGISTRY = make_registry()


def problem(do: str, on: str = "Shot") -> str:
    with pytest.raises(TriggerFileError) as caught:
        loads(f'[[trigger]]\nname = "t"\non = "{on}"\ndo = [{do}]\n', REGISTRY, "mine.toml")
    (only,) = caught.value.problems
    return str(only)


@pytest.mark.parametrize(("do", "message"), [
    ('{ behaviour = "damage", target = "event.target", amount = "\'five\'" }',
     "do[0].amount: expected int, found a string 'five': \"'five'\""),
    ('{ behaviour = "damage", target = "event.target", amount = "2.5" }',
     "do[0].amount: expected int, found a number 2.5: '2.5'"),
    ('{ behaviour = "play_sound", sound = { expr = "\'sirn\'" } }',
     "do[0].sound: expected one of 'siren', "),
    ('{ behaviour = "play_sound", sound = "siren", loop = "event.damage" }',
     "do[0].loop: expected bool, found Shot.damage, an int: 'event.damage'"),
    ('{ behaviour = "damage", target = "event.target", amount = "player.x" }',
     "do[0].amount: expected int, found player.x, a number: 'player.x'"),
    ('{ behaviour = "raise_wanted", amount = "player.in_vehicle" }',
     "do[0].amount: expected int, found player.in_vehicle, a bool: 'player.in_vehicle'"),
    ('{ behaviour = "damage", target = "player", amount = 3 }',
     "do[0].target: expected entity, found the state 'player' as a whole (a PlayerView, fields id, health, "
     "max_health, x, y, in_vehicle); did you mean 'player.id'?: 'player'"),
])
def test_a_value_of_the_wrong_type_is_caught_when_loading(do: str, message: str) -> None:
    assert problem(do).startswith(f"mine.toml: trigger 't': {message}")


def test_target_on_an_event_with_no_target_field_is_caught() -> None:
    assert problem('{ behaviour = "heal", target = "target", amount = 1 }', on="WantedLevelChanged") == (
        "mine.toml: trigger 't': do[0].target: 'target' is the entity in the event's 'target' or 'entity' field, "
        "and WantedLevelChanged has none; its fields are before, after")
    assert problem('{ behaviour = "heal", target = "source", amount = 1 }', on="HealthChanged").startswith(
        "mine.toml: trigger 't': do[0].target: 'source' is the entity in the event's 'source' or 'shooter' "
        "or 'attacker' field, and HealthChanged has none")


@pytest.mark.parametrize("do", [
    '{ behaviour = "damage", target = "event.target", amount = "event.damage" }',
    '{ behaviour = "damage", target = "target", amount = "5.0" }',        # the run makes 5.0 a whole 5
    '{ behaviour = "damage", target = "source", amount = "round(player.x)" }',
    '{ behaviour = "thin_population", fraction = "1" }',                  # an int is a number
    '{ behaviour = "play_sound", sound = "siren", loop = "player.in_vehicle" }',
    '{ behaviour = "damage", target = "player.id", amount = "tuning.heal_amount" }',
])
def test_values_of_the_right_type_pass(do: str) -> None:
    loads(f'[[trigger]]\nname = "t"\non = "Shot"\ndo = [{do}]\n', REGISTRY, "mine.toml")


def test_check_reports_the_file_trigger_field_and_what_was_expected(tmp_path, capsys) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[trigger]]\nname = "loud"\non = "Shot"\n'
                    'do = [{ behaviour = "play_sound", sound = "siren", loop = "event.damage" }]\n', encoding="utf-8")
    assert engine_main(["check", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{path}: trigger 'loud': do[0].loop: expected bool, found Shot.damage, an int: 'event.damage'",
                   "1 problem found"]
