"""What the player sees of the five wanted levels: the BUSTED banner, the ticker's lines, the helicopter."""

from __future__ import annotations

import esper
import pygame
import pytest

from engine.record import Record
from game.build import build_game
from game.components import Helicopter, Position
from game.pg.render import Renderer
from game.pg.ticker import format_record
from game.registry import raise_wanted
from game.systems.spawning import spawn_police_car

SIZE = (1280, 720)


def hud_text(renderer: Renderer, surface: pygame.Surface) -> list[str]:
    shown: list[str] = []
    real = renderer.hud._render
    renderer.hud._render = lambda font, text, *a, **k: shown.append(text) or real(font, text, *a, **k)
    renderer.draw(surface, 1.0)
    renderer.hud._render = real
    return shown


@pytest.fixture
def arrest():
    """A 5-star game with a police car beside the player, and a renderer: (game, renderer, surface, hold)."""
    game = build_game(seed=2, npcs=2)
    world = game.world
    world.run(2)
    raise_wanted(world, 5)
    world.activate()
    here = esper.component_for_entity(game.player, Position)
    spawn_police_car(world, here.x + 30, here.y)
    hold = round(game.state.tuning.busted_seconds * world.tick_rate) + 3   # long enough to be busted
    yield game, Renderer(world), pygame.Surface(SIZE), hold
    world.close()


def test_busted_shows_a_banner_for_a_moment_and_the_ticker_says_so(arrest) -> None:
    game, renderer, surface, hold = arrest
    world = game.world
    assert "BUSTED" not in hud_text(renderer, surface)
    world.run(hold)
    shown = hud_text(renderer, surface)
    assert "BUSTED" in shown and "WASTED" not in shown
    lines = [line.split(" ", 1)[1] for line in renderer.hud.lines]
    assert "Busted" in lines and "Released from the police station" in lines
    assert any(line.startswith("Penalty") or line == "Wanted level cleared" for line in lines)
    world.run(4 * world.tick_rate)
    assert "BUSTED" not in hud_text(renderer, surface)  # a moment, not for ever


def test_the_fall_that_ends_the_run_does_not_shout_over_its_end(arrest) -> None:
    """The BUSTED banner showed through the game-over screen, over "Play again"."""
    from game.state import game_state

    game, renderer, surface, hold = arrest
    game.world.run(hold)
    assert "BUSTED" in hud_text(renderer, surface)
    game_state(game.world).run_over = "wasted or busted too often"
    shown = hud_text(renderer, surface)
    assert "BUSTED" not in shown and "RUN OVER" in shown


def test_the_ticker_tells_the_escalation_in_the_players_words() -> None:
    def line(kind: str, **data) -> str | None:
        return format_record(Record(0, 0, None, None, type=kind, data=data), lambda e: f"#{e}")

    assert line("PoliceOpenedFire", level=3) == "The police open fire"
    assert line("RoadblockPlaced", entity=5, position=(1.0, 2.0)) == "Roadblock ahead"
    assert line("HelicopterArrived", entity=6, position=(1.0, 2.0)) == "A police helicopter is overhead"
    assert line("Busted", entity=1, by=7) == "Busted"
    assert line("RoadblockCleared", entity=5, reason="expired") is None
    assert line("SimulationEnded", ticks=4590, inputs="b02aa663d94de3c0") is None   # plumbing, not news
    assert line("ScoreChanged", before=500, after=200, reason="busted") == "Penalty -$300 (busted)"


def test_the_helicopter_is_drawn_over_everything_with_its_rotor() -> None:
    game = build_game(seed=2, npcs=0)
    world = game.world
    try:
        world.run(2)
        raise_wanted(world, 5)
        world.run(2)
        world.activate()
        ((_, (_, at)),) = esper.get_components(Helicopter, Position)
        here = esper.component_for_entity(game.player, Position)
        at.x, at.y = here.x + 120, here.y  # in the picture
        renderer = Renderer(world, hud=False)
        first, second = pygame.Surface(SIZE), pygame.Surface(SIZE)
        renderer.draw(first, 0.0)
        renderer.draw(second, 0.5)  # the rotor turns between frames, the body does not move far
        sx, sy = (round(c) for c in renderer.camera.to_screen(at.x, at.y))
        box = pygame.Rect(sx - 36, sy - 36, 72, 72)
        assert any(first.get_at((x, y)) != second.get_at((x, y))
                   for x in range(box.left, box.right, 2) for y in range(box.top, box.bottom, 2))
    finally:
        world.close()
