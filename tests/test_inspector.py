"""The F1 inspector, headless: stream, why, problems, caching, time travel, and the game wiring."""

from __future__ import annotations

import pygame
import pytest

from engine import HandlerFailed, Input, World, event
from engine.events import Event
from engine.pg.inspector import PAD, RED_TEXT, Inspector, is_noisy_input
from engine.scripting.events import TriggersLoaded, TriggersReloadFailed
from engine.timetravel import TimeMachine

SIZE = (1280, 720)
BACKGROUND = (40, 120, 60)


@event
class Pressed(Input):
    key: str


@event
class Alpha(Event):
    n: int


@event
class Beta(Event):
    n: int


@event
class Gamma(Event):
    n: int


@event
class Ticked(Event):
    tick: int


def chain_world(**kwargs: object) -> World:
    """Pressed -> Alpha -> Beta -> Gamma (emitted inside handlers), a failing Gamma handler,
    and a system that records a Ticked every tick."""
    world = World(seed=1, **kwargs)  # type: ignore[arg-type]
    world.subscribe(Pressed, lambda e: world.emit(Alpha(1)))
    world.subscribe(Alpha, lambda e: world.emit(Beta(e.n + 1)))
    world.subscribe(Beta, lambda e: world.emit(Gamma(e.n + 1)))

    def explode(e: Gamma) -> None:
        raise ValueError(f"boom {e.n}")

    world.subscribe(Gamma, explode)
    world.add_system(lambda w: w.emit(Ticked(w.tick)))
    return world


def played(world: World) -> World:
    """A few ticks with a key press in the middle."""
    world.run(3)
    world.emit(Pressed("space"))
    world.run(3)
    return world


def blank() -> pygame.Surface:
    surface = pygame.Surface(SIZE)
    surface.fill(BACKGROUND)
    return surface


def shown(world: World, **kwargs: object) -> Inspector:
    inspector = Inspector(world, **kwargs)  # type: ignore[arg-type]
    assert inspector.handle_key(pygame.K_F1)
    inspector.draw(blank())
    return inspector


def latest(world: World, event_type: type) -> int:
    return world.log.select(event_type)[-1].offset


# -- hidden ---------------------------------------------------------------------------------------


def test_hidden_draws_nothing_and_does_not_read_the_log():
    world = played(chain_world())
    inspector = Inspector(world)
    start = inspector.reader.offset
    surface = blank()
    before = pygame.image.tobytes(surface, "RGB")
    world.run(5)
    inspector.draw(surface)
    assert pygame.image.tobytes(surface, "RGB") == before
    assert inspector.reader.offset == start
    assert not inspector.records


def test_f1_is_always_claimed_other_keys_only_while_shown():
    inspector = Inspector(played(chain_world()))
    assert not inspector.handle_key(pygame.K_UP)
    assert not inspector.handle_key(pygame.K_RETURN)
    assert inspector.handle_key(pygame.K_F1) and inspector.visible
    for key in (pygame.K_UP, pygame.K_DOWN, pygame.K_PAGEUP, pygame.K_PAGEDOWN, pygame.K_HOME, pygame.K_END,
                pygame.K_RETURN, pygame.K_w, pygame.K_f, pygame.K_TAB):
        assert inspector.handle_key(key), pygame.key.name(key)
    assert not inspector.handle_key(pygame.K_p)  # the app's key: pause
    assert not inspector.handle_key(pygame.K_a)  # the game's
    assert inspector.handle_key(pygame.K_F1) and not inspector.visible


# -- stream -----------------------------------------------------------------------------------------


def test_shown_it_reads_the_latest_records_and_draws_them():
    world = played(chain_world())
    inspector = shown(world)
    newest = world.log[world.log.next_offset - 1]
    assert inspector.records[-1] is newest
    assert [r.offset for r in inspector.records] == list(range(world.log.next_offset))
    texts = [row.text for row in inspector.rows]
    assert newest.describe() in texts
    assert any(f"tick {world.tick}" in text for text in texts)
    assert any(text.startswith("F1 hide") for text in texts)
    # Shown, it keeps up: the next frame reads what the next ticks wrote.
    world.run(2)
    inspector.draw(blank())
    assert inspector.records[-1].offset == world.log.next_offset - 1


def test_it_catches_up_when_shown_and_says_what_retention_dropped():
    world = chain_world(log_capacity=20)
    inspector = shown(world)
    inspector.toggle()  # hidden: nothing is read while the world runs on
    world.run(100)
    assert inspector.dropped == 0
    inspector.toggle()
    inspector.draw(blank())
    assert inspector.dropped > 0
    assert f"{inspector.dropped} records dropped by retention" in [row.text for row in inspector.rows]
    assert inspector.records[-1].offset == world.log.next_offset - 1


def test_a_held_selection_stays_in_view_while_records_arrive():
    world = played(chain_world())
    inspector = shown(world)
    world.run(3)
    inspector.draw(blank())
    target = latest(world, Alpha)
    inspector.select(target)
    inspector.draw(blank())
    before = [row for row in inspector.rows if row.text.startswith("#")]
    world.run(20)
    inspector.draw(blank())
    after = [row for row in inspector.rows if row.text.startswith("#")]
    marked = [row.text for row in after if row.marked]
    assert marked == [world.log[target].describe()]
    assert before[:5] == after[:5]  # the window did not scroll
    assert inspector.selected_record is world.log[target]


def test_keys_move_the_selection_and_end_follows_again():
    world = played(chain_world())
    world.run(60)  # more records than a page
    inspector = shown(world)
    assert inspector.selected is None and inspector.selected_record is world.log[world.log.next_offset - 1]
    inspector.handle_key(pygame.K_UP)
    assert inspector.selected == world.log.next_offset - 2
    inspector.handle_key(pygame.K_HOME)
    assert inspector.selected == inspector.records[0].offset
    inspector.handle_key(pygame.K_PAGEDOWN)
    assert inspector.selected == inspector.records[0].offset + inspector._page
    inspector.handle_key(pygame.K_END)
    assert inspector.selected is None
    inspector.handle_key(pygame.K_UP)
    inspector.handle_key(pygame.K_DOWN)  # down onto the newest: following again
    assert inspector.selected is None
    world.run(2)
    inspector.draw(blank())
    assert inspector.selected_record is world.log[world.log.next_offset - 1]


def test_filter_hides_noisy_inputs_but_keeps_trigger_reloads():
    world = played(chain_world())
    world.emit(TriggersLoaded({}, 0, 0))
    world.run(1)
    inspector = shown(world)
    pressed = latest(world, Pressed)
    inspector.select(pressed)
    inspector.handle_key(pygame.K_f)
    inspector.draw(blank())
    kinds = {r.type for r in inspector.visible_records}
    assert "Pressed" not in kinds and {"TriggersLoaded", "Alpha"} <= kinds
    assert len(inspector.records) > len(inspector.visible_records)
    # The held selection was hidden: it moves to the nearest older record shown.
    assert inspector.selected_record is not None and inspector.selected_record.offset < pressed
    assert is_noisy_input(world.log[pressed])
    inspector.handle_key(pygame.K_f)
    assert inspector.selected_record is world.log[pressed]


# -- why -------------------------------------------------------------------------------------------------


def test_enter_shows_the_causal_chain_from_the_key_press():
    world = played(chain_world())
    inspector = shown(world)
    gamma = latest(world, Gamma)
    # Walk up from the newest record to Gamma with the arrow keys, then ask why.
    for _ in range(sum(1 for r in inspector.visible_records if r.offset > gamma)):
        inspector.handle_key(pygame.K_UP)
    assert inspector.selected == gamma
    assert inspector.handle_key(pygame.K_RETURN)
    assert [r.offset for r in inspector.chain] == [r.offset for r in world.why(gamma)]
    assert [r.type for r in inspector.chain] == ["Pressed", "Alpha", "Beta", "Gamma"]
    assert inspector.pane == "why"
    inspector.draw(blank())
    texts = [row.text for row in inspector.rows]
    assert f"WHY #{gamma} Gamma: 4 records, root first" in texts
    assert any("is an input (Pressed)" in text for text in texts)
    assert "n = 3" in texts  # the why pane lists each field
    why = texts.index(f"WHY #{gamma} Gamma: 4 records, root first")
    chain_rows = [row for row in inspector.rows[why:] if row.text.lstrip("`- ").startswith("#")][:4]
    assert [row.text.split()[-1] for row in chain_rows] == ["Pressed", "Alpha", "Beta", "Gamma"]
    assert [row.indent for row in chain_rows] == sorted({row.indent for row in chain_rows})  # deeper, further in
    inspector.handle_key(pygame.K_TAB)
    inspector.draw(blank())
    assert inspector.pane == "stream"
    assert "`- " + world.log[gamma].describe() in [row.text for row in inspector.rows]


def test_w_explains_the_newest_record_and_holds_it():
    world = played(chain_world())
    inspector = shown(world)
    newest = world.log.next_offset - 1
    inspector.handle_key(pygame.K_w)
    assert inspector.selected == newest and inspector.chain_offset == newest
    assert inspector.chain == world.why(newest)


# -- problems -----------------------------------------------------------------------------------------


def red_pixels(surface: pygame.Surface, area: pygame.Rect) -> int:
    count = 0
    for x in range(area.left, area.right, 2):
        for y in range(area.top, area.bottom, 2):
            r, g, b, _ = surface.get_at((x, y))
            if r > 180 and g < 170 and b < 160 and r - g > 60:
                count += 1
    return count


def test_dead_letters_and_reload_errors_are_shown_in_red():
    world = played(chain_world())
    world.emit(TriggersReloadFailed(("triggers/chase.toml: trigger 'x': field 'on': expected an event type",
                                     "triggers/heal.toml: line 3: expected '='")))
    world.run(1)
    inspector = shown(world)
    letter = world.log[latest(world, HandlerFailed)]
    lines = inspector.problem_lines
    assert any(f"#{letter.offset}" in line and "failed on Gamma" in line and "ValueError: boom 3" in line
               for line in lines)
    assert "triggers/chase.toml: trigger 'x': field 'on': expected an event type" in lines
    assert "triggers/heal.toml: line 3: expected '='" in lines
    red_rows = [row.text for row in inspector.rows if row.colour == RED_TEXT]
    assert "triggers/heal.toml: line 3: expected '='" in red_rows
    assert inspector.dead_letters == 1 and inspector.reload_failures == 1
    surface = blank()
    inspector.draw(surface)
    assert red_pixels(surface, inspector.panel_rect(SIZE)) > 20


def test_a_later_good_reload_dims_the_refused_one():
    world = played(chain_world())
    world.emit(TriggersReloadFailed(("bad",)))
    world.run(1)
    world.emit(TriggersLoaded({}, 0, 0))
    world.run(1)
    inspector = shown(world)
    row = next(row for row in inspector.rows if "trigger reload failed" in row.text)
    assert "fixed by a later reload" in row.text and row.colour != RED_TEXT


# -- drawing ----------------------------------------------------------------------------------------------


def test_the_panel_covers_the_right_part_and_leaves_the_game_visible():
    world = played(chain_world())
    inspector = Inspector(world, top=50)
    inspector.toggle()
    surface = blank()
    inspector.draw(surface)
    panel = inspector.panel_rect(SIZE)
    assert panel.right == SIZE[0] and panel.top == 50 and panel.left > SIZE[0] // 2
    left = pygame.Rect(0, 0, panel.left, SIZE[1])
    above = pygame.Rect(panel.left, 0, panel.width, 50)
    for area in (left, above):
        assert pygame.transform.average_color(surface, area)[:3] == BACKGROUND
    r, g, b, _ = pygame.transform.average_color(surface, panel)
    assert max(r, g, b) < 60  # dark...
    assert g > 0 and (r, g, b) != (0, 0, 0)  # ...but translucent: the game shows through


def test_text_is_drawn_as_the_font_renders_it():
    # Guards the premultiplied fast path: a wrong pixel layout there draws noise, not letters.
    world = played(chain_world())
    inspector = shown(world)
    surface = blank()
    inspector.draw(surface)
    panel = inspector.panel_rect(SIZE)
    line_h = inspector.font.get_linesize()
    checked = 0
    for i, row in enumerate(inspector.rows):
        if not row.text.startswith("#") or row.marked or row.bold:
            continue
        expected = inspector.font.render(row.text, True, (255, 255, 255))
        width, height = expected.get_size()
        if width > panel.width - 2 * PAD - row.indent:
            continue  # cut to fit: not the same text
        at = (panel.x + PAD + row.indent, panel.y + PAD + i * line_h)
        drawn = {(x, y) for x in range(width) for y in range(height)
                 if sum(surface.get_at((at[0] + x, at[1] + y))[:3]) > 330}
        ink = {(x, y) for x in range(width) for y in range(height) if expected.get_at((x, y))[3] > 160}
        assert len(drawn & ink) / len(drawn | ink) > 0.7, row.text
        checked += 1
    assert checked >= 3


class FakeApp:
    def __init__(self, world: World) -> None:
        self.paused = True
        self.time_machine = TimeMachine(world, every=4)


def test_an_unchanged_panel_is_not_rebuilt(monkeypatch):
    world = played(chain_world())
    inspector = shown(world, app=FakeApp(world))
    rebuilds = []
    real = inspector._rebuild
    monkeypatch.setattr(inspector, "_rebuild", lambda *args: (rebuilds.append(args), real(*args))[1])
    for _ in range(5):
        inspector.draw(blank())
    assert rebuilds == []
    # The header is drawn over the cached panel: a changed paused state needs no rebuild.
    inspector.app.paused = False
    inspector.draw(blank())
    assert rebuilds == [] and "running" in inspector.rows[0].text
    world.run(1)  # new records
    inspector.draw(blank())
    assert len(rebuilds) == 1
    inspector.app.paused = True  # selecting is for a paused game
    inspector.handle_key(pygame.K_UP)
    inspector.draw(blank())
    assert len(rebuilds) == 2


def test_header_shows_pause_and_how_far_time_travel_reaches():
    world = chain_world()
    app = FakeApp(world)
    for _ in range(10):
        app.time_machine.step()
    app.time_machine.back(3)
    inspector = shown(world, app=app)
    texts = [row.text for row in inspector.rows]
    assert any("PAUSED" in text and "tick 7" in text for text in texts)
    assert any("can step back to tick 0" in text and "recorded future" in text and "epoch 1" in text for text in texts)



def test_header_says_why_time_travel_took_no_newer_snapshot():
    world = chain_world()
    app = FakeApp(world)
    app.time_machine.refused = "entity 7's Locked cannot be copied: TypeError: cannot pickle '_thread.lock' object"
    texts = [row.text for row in shown(world, app=app).rows]
    assert any(text.startswith("no snapshot since: entity 7's Locked cannot be copied") for text in texts)

# -- time travel ------------------------------------------------------------------------------------------


def test_truncating_the_log_resets_the_stream_and_clamps_the_selection():
    world = played(chain_world())
    world.run(5)
    inspector = shown(world)
    gamma = latest(world, Gamma)
    inspector.select(world.log.next_offset - 1)
    inspector.draw(blank())
    cut = gamma - 1
    world.log.truncate(cut)
    inspector.draw(blank())  # no crash
    assert inspector.records and inspector.records[-1].offset == cut - 1
    assert inspector.selected is not None and inspector.selected < world.log.next_offset
    assert inspector.selected_record is world.log[inspector.selected]
    # The why of a record time travel undid is gone, not stale.
    inspector.select(inspector.records[-1].offset)
    inspector.explain()
    world.log.truncate(inspector.records[-1].offset)
    inspector.draw(blank())
    assert inspector.chain == [] and inspector.chain_offset is None


def test_a_reader_past_the_end_of_the_log_starts_again_near_the_end():
    world = played(chain_world())
    inspector = Inspector(world)
    inspector.reader.seek(world.log.next_offset + 50)
    inspector.toggle()
    inspector.draw(blank())
    assert [r.offset for r in inspector.records] == list(range(world.log.next_offset))


def test_after_stepping_back_and_forth_it_shows_the_log_as_it_is():
    world = chain_world()
    app = FakeApp(world)
    machine = app.time_machine
    for _ in range(12):
        machine.step()
    world.emit(Pressed("e"))
    machine.step()
    inspector = shown(world, app=app)
    gamma = latest(world, Gamma)
    inspector.select(gamma)
    inspector.explain()
    machine.back(5)
    inspector.draw(blank())
    assert all(world.log.get(r.offset) is r for r in inspector.records)
    assert inspector.records[-1].offset == world.log.next_offset - 1
    assert inspector.chain == [] and inspector.selected is not None
    assert inspector.selected_record is world.log[inspector.selected]
    machine.forward(5)  # the same inputs again: the same records, new objects
    inspector.draw(blank())
    assert all(world.log.get(r.offset) is r for r in inspector.records)
    assert [r.offset for r in inspector.records] == list(range(world.log.next_offset))
    inspector.select(gamma)
    inspector.explain()
    assert inspector.chain == world.why(gamma)


# -- the game ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def game():
    from game.build import build_game
    from game.headless import run_headless

    game = build_game(seed=0)
    run_headless(game, 2.0)  # 120 ticks
    return game


def test_on_the_game_the_chain_of_the_latest_health_change_is_its_why(game):
    world = game.world
    inspector = Inspector(world)
    inspector.toggle()
    surface = pygame.Surface(SIZE)
    inspector.draw(surface)
    health = latest(world, "HealthChanged")
    inspector.select(health)
    inspector.handle_key(pygame.K_RETURN)
    inspector.draw(surface)
    assert [r.offset for r in inspector.chain] == [r.offset for r in world.why(health)]
    assert inspector.chain[-1].type == "HealthChanged" and len(inspector.chain) >= 2


def test_run_window_wires_f1_and_chains_the_given_hooks(tmp_path):
    from game.build import build_game
    from game.pg.play import run_window

    world = build_game(seed=0, npcs=5).world
    world.run(30)
    keys: list[int] = []
    overlays: list[pygame.Surface] = []
    frames = [0]

    def between_frames() -> None:
        frames[0] += 1
        if frames[0] == 1:
            for k in (pygame.K_p, pygame.K_F1, pygame.K_x):
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    shot = tmp_path / "shot.png"
    app = run_window(world, seconds=10, screenshot=str(shot), between_frames=between_frames,
                     overlay=overlays.append, handle_key=lambda k: keys.append(k) or False)
    assert app.frames == 2 and app.paused
    assert keys == [pygame.K_p, pygame.K_x]  # F1 went to the inspector, the rest on down the chain
    assert overlays
    image = pygame.image.load(str(shot))
    left = pygame.transform.average_color(image, pygame.Rect(0, 60, 400, 600))
    right = pygame.transform.average_color(image, pygame.Rect(900, 60, 380, 600))
    assert sum(right[:3]) < sum(left[:3]) / 2  # the inspector's dark panel is up


def test_while_the_game_runs_only_f1_is_claimed():
    class App:
        paused = False
        time_machine = None

    inspector = Inspector(played(chain_world()), app=App())
    assert inspector.handle_key(pygame.K_F1) and inspector.visible
    for key in (pygame.K_UP, pygame.K_DOWN, pygame.K_w, pygame.K_RETURN):
        assert not inspector.handle_key(key), "movement keys stay with the player"
    inspector.app.paused = True
    assert inspector.handle_key(pygame.K_UP)


def test_why_shows_both_directions_causes_above_consequences_below():
    world = played(chain_world())
    inspector = shown(world)
    gamma = latest(world, Gamma)
    root = world.why(gamma)[0]
    inspector.select(root.offset)
    inspector.explain()
    caused = [record.offset for _, record in inspector.consequences]
    assert gamma in caused and root.offset not in caused
    # Exactly the records whose chain passes through the root, each deeper than its cause.
    expected = {r.offset for r in world.log if r.offset != root.offset
                and root.offset in {c.offset for c in world.why(r.offset)}}
    assert set(caused) == expected and inspector.consequence_count == len(expected)
    depth = {record.offset: d for d, record in inspector.consequences}
    for d, record in inspector.consequences:
        assert d == (1 if record.cause == root.offset else depth[record.cause] + 1)
    texts = [row.text for row in inspector._why_rows()]
    assert any(text.startswith(f"CAUSED {len(expected)} record") for text in texts)
    # A record that caused nothing (the newest: nothing comes after it) says so.
    inspector.select(world.log.next_offset - 1)
    inspector.explain()
    assert inspector.consequences == [] and any("caused nothing" in row.text for row in inspector._why_rows())
