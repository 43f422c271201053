"""A state reader that raises KeyError is reported as a failed read, not as an unknown name."""

from engine import Event, World, event
from engine.scripting import Registry, TriggerRuntime, loads


@event
class Poked(Event):
    entity: int


def test_a_state_reader_keyerror_is_not_a_missing_name() -> None:
    registry = Registry()
    registry.events(Poked)
    # The reader's own lookup fails, as a missing component does in the game's `player` state.
    registry.state("cpu", lambda world: world.resources["gone"], changed_by={"percent": [Poked]})
    registry.add_behaviour(lambda world: None, name="noop")
    world = World()
    rules = '[[trigger]]\nname = "t"\non = "Poked"\nwhen = "cpu.percent > 1"\ndo = [{ behaviour = "noop" }]\n'
    TriggerRuntime(world, registry).add(loads(rules, registry, "rules.toml"))
    world.emit(Poked(1))
    world.run(1)
    errors = [r.data["error"] for r in world.log if r.type == "HandlerFailed"]
    assert len(errors) == 1
    assert "could not be read: KeyError" in errors[0]
    assert "not available" not in errors[0]
