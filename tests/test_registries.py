"""Each game owns its registry: no module-global list of events, behaviours or states."""

from __future__ import annotations

import copy

import pytest

from engine import Event, World, event
from engine.scripting import Registry, TriggerFileError, loads, trigger
from engine.scripting.runtime import TriggerRuntime, call
from game.build import build_game
from game.events import Shot
from game.registry import make_registry
from game.state import PlayerView


@event
class Honked(Event):
    """An event only one of the two games knows."""

    entity: int


def test_two_games_in_one_process_never_see_each_others_names() -> None:
    first, second = build_game(seed=0, npcs=2, triggers=None), build_game(seed=0, npcs=2, triggers=None)

    @first.runtime.reaction(on=Shot)
    def shout(world: World, shot: object) -> None:
        """A reaction of the first game only."""

    first.runtime.registry.events(Honked)
    text = '[[trigger]]\nname = "t"\non = "Honked"\ndo = [{ behaviour = "shout" }]\n'
    loads(text, first.runtime.registry, "mine.toml")  # the first game knows both names
    with pytest.raises(TriggerFileError) as caught:
        loads(text, second.runtime.registry, "mine.toml")
    assert str(caught.value) == ("mine.toml: trigger 't': on: unknown event type 'Honked'\n"
                                 "mine.toml: trigger 't': do[0].behaviour: unknown behaviour 'shout'")
    assert "shout" not in second.runtime.registry.behaviours
    assert "shout" not in make_registry().behaviours
    first.world.close()
    second.world.close()


def test_validating_a_python_trigger_adds_nothing_to_the_registry() -> None:
    registry = make_registry()
    before = (dict(registry.event_types), dict(registry.behaviours), dict(registry.states))
    world = World(seed=0)
    runtime = TriggerRuntime(world, registry)
    runtime.add(trigger("on-honk", on=Honked, do=[call("raise_wanted")]))
    assert (registry.event_types, registry.behaviours, registry.states) == before


def test_a_sealed_registry_refuses_to_redefine_a_built_in_name() -> None:
    registry = make_registry()

    def heal(world: World, amount: int) -> None:
        """Another heal."""

    with pytest.raises(ValueError) as caught:
        registry.add_behaviour(heal)
    assert str(caught.value) == "behaviour 'heal' is built in; an extension cannot redefine it (choose another name)"
    with pytest.raises(ValueError, match=r"^state 'player' is built in"):
        registry.state("player", lambda world: None)
    twin = registry.copy()
    twin.events(Honked)
    assert "Honked" in twin.event_types and "Honked" not in registry.event_types
    with pytest.raises(ValueError, match=r"^behaviour 'heal' is built in"):
        twin.add_behaviour(heal)


def test_a_state_declared_field_by_field_must_name_every_field() -> None:
    def read(world: World) -> PlayerView:
        raise AssertionError("not read")

    with pytest.raises(ValueError) as caught:
        Registry().state("me", read, changed_by={"health": [Shot], "speed": []})
    assert str(caught.value) == ("state 'me': changed_by must name every field (missing: id, in_vehicle, "
                                 "max_health, x, y; unknown: speed)")


def test_a_copied_world_keeps_its_own_registry() -> None:
    game = build_game(seed=0, npcs=2, triggers=None)
    twin = copy.deepcopy(game.runtime)
    assert twin.registry is game.runtime.registry  # one game's configuration, shared by its worlds
    assert build_game(seed=0, npcs=2, triggers=None).runtime.registry is not game.runtime.registry
    game.world.close()


def test_cli_commands_are_a_table_of_modules_not_registered_on_import() -> None:
    import importlib

    from engine import cli

    table = dict(cli.COMMANDS)
    assert not hasattr(cli, "add_command")   # nothing to register into
    for name, module_name in table.items():
        spec = importlib.import_module(module_name).CLI_COMMANDS[name]
        assert isinstance(spec, cli.CommandSpec) and spec.help
    assert cli.COMMANDS == table   # importing every command's module changed nothing
    assert set(cli.load_commands()) == set(table)
