"""Properties of the game's rules: health and wanted level stay in bounds."""

from __future__ import annotations

import esper
from hypothesis import given, settings
from hypothesis import strategies as st

from game.build import build_game
from game.components import Health
from game.registry import clear_wanted, damage, heal, raise_wanted

ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("shot"), st.integers(-50, 500)),
    st.tuples(st.just("heal"), st.integers(-50, 500)),
    st.tuples(st.just("crime"), st.integers(-3, 9)),
    st.tuples(st.just("clear"), st.just(0)),
    st.tuples(st.just("tick"), st.integers(1, 5)),
), max_size=40)

GAME = build_game(seed=0, npcs=5, triggers=None)


@settings(max_examples=60, deadline=None)
@given(ACTIONS)
def test_health_and_wanted_stay_in_bounds(actions: list[tuple[str, int]]) -> None:
    world, player = GAME.world, GAME.player
    world.activate()
    for kind, amount in actions:
        if kind == "shot":
            damage(world, player, amount)
        elif kind == "heal":
            heal(world, player, amount)
        elif kind == "crime":
            raise_wanted(world, amount)
        elif kind == "clear":
            clear_wanted(world)
        else:
            world.run(amount)
        world.activate()
        health = esper.component_for_entity(player, Health)
        assert 0 <= health.current <= health.maximum
        assert 0 <= GAME.state.wanted <= 5
    changes = [r for r in world.log if r.type == "HealthChanged"]
    assert all(0 <= r.data["after"] <= 100 for r in changes)
    levels = [r for r in world.log if r.type == "WantedLevelChanged"]
    assert all(0 <= r.data["after"] <= 5 and r.data["before"] != r.data["after"] for r in levels)
