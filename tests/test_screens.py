"""The full screens, headless: title, pause menu, game over; and what the window does around them."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.pg import PygameApp
from game.build import build_game
from game.events import FireInput, MoveInput
from game.highscores import Entry, HighScores
from game.pg.gamepad import Gamepads
from game.pg.input import InputMapper
from game.pg.render import Renderer
from game.pg.screens import OVER, PAUSED, PLAYING, TITLE, Screens
from game.score import GOAL_HINT, end_run

SIZE = (1280, 720)


class FakeClock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class FakeJoystick:
    def __init__(self, index: int) -> None:
        self.index = index

    def get_instance_id(self) -> int:
        return 100 + self.index

    def get_name(self) -> str:
        return "Fake pad"


class FakeMixer:
    """A mixer with the volume members PygameAudio has."""

    def __init__(self) -> None:
        self.master_volume, self.muted = 0.5, False

    def set_master_volume(self, volume: float) -> None:
        self.master_volume = volume

    def toggle_mute(self) -> None:
        self.muted = not self.muted

    def play(self, sound): ...
    def loop(self, sound): ...
    def stop(self, sound): ...
    def pause(self): ...
    def resume(self): ...


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def pad_event(kind: int, **fields) -> pygame.event.Event:
    return pygame.event.Event(kind, instance_id=100, **fields)


def window(tmp_path, *, title: bool = True, autopilot: bool = False, seed: int = 0, clock_step: float = 0.02):
    """A game in an 800x450 dummy window with its screens, on a fake clock; (app, screens, mixer, scores)."""
    game = build_game(seed=seed, npcs=5)
    world = game.world
    renderer = Renderer(world)
    mapper = InputMapper(gamepads=Gamepads(open=FakeJoystick))
    scores = HighScores(tmp_path / "highscores.json")
    mixer = FakeMixer()
    clock = FakeClock(clock_step)
    screens = Screens(mapper, mixer=mixer, title=title, autopilot=autopilot, high_scores=scores, clock=clock)

    def render(surface, alpha):
        screens.update()
        renderer.draw(surface, alpha, paused=False)
        screens.draw(surface)

    app = PygameApp(world, render, mapper.translate, window_size=(800, 450), clock=FakeClock(0.02),
                    handle_event=screens.handle_event, title="Wanted")
    screens.attach(app)
    app.open()
    pygame.event.clear()
    return app, screens, mixer, scores


@pytest.fixture
def played(tmp_path):
    made = []

    def make(**kwargs):
        made.append(window(tmp_path, **kwargs))
        return made[-1]
    yield make
    for app, *_ in made:
        app.close()


def drawn_texts(screens: Screens, surface: pygame.Surface | None = None) -> list[str]:
    texts: list[str] = []
    real = screens.painter.text

    def text(role, value, colour=(240, 240, 240)):
        texts.append(value)
        return real(role, value, colour)
    screens.painter.text = text
    screens.draw(surface or pygame.Surface(SIZE))
    screens.painter.text = real
    return texts


# -- the title ----------------------------------------------------------------------------------


def test_nothing_ticks_until_a_key_is_pressed_on_the_title(played):
    app, screens, _, _ = played()
    assert screens.state == TITLE and app.paused
    app.run(max_frames=20)
    assert app.world.tick == 0
    pygame.event.post(key(pygame.K_n))   # a key the paused game would step with: the title takes it
    app.run(max_frames=1)
    assert screens.state == PLAYING and not app.paused
    app.run(max_frames=20)
    assert app.world.tick >= 20


def test_a_gamepad_button_or_a_click_also_starts(played):
    app, screens, _, _ = played()
    pygame.event.post(pygame.event.Event(pygame.JOYDEVICEADDED, device_index=0))
    pygame.event.post(pad_event(pygame.JOYBUTTONDOWN, button=3))
    app.run(max_frames=1)
    assert screens.state == PLAYING and 100 in screens.mapper.gamepads.pads
    app, screens, _, _ = played()
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(10, 10)))
    app.run(max_frames=1)
    assert screens.state == PLAYING


def test_the_title_shows_the_name_goal_controls_and_press_any_key(played):
    _app, screens, _, _ = played()
    texts = drawn_texts(screens)
    assert "WANTED" in texts and GOAL_HINT in texts
    assert any(t.startswith("Press any key") for t in texts)
    assert "10 minutes on the clock. Wasted or busted 5 times and the run is over." in texts
    for action in ("Move", "Shoot", "Get in / out of a car", "Pause menu", "Fullscreen"):
        assert action in texts
    surface = pygame.Surface(SIZE)
    screens.draw(surface)
    red = sum(1 for x in range(400, 880, 4) for y in range(60, 150, 4) if surface.get_at((x, y)).r > 200
              and surface.get_at((x, y)).g < 90)
    assert red > 50   # the big red name


def test_the_autopilot_shows_the_title_only_briefly(played):
    app, screens, _, _ = played(autopilot=True, clock_step=0.5)
    app.run(max_frames=10)   # 3 s of the fake clock's half-second steps come and go
    assert screens.state == PLAYING and app.world.tick > 0


# -- the pause menu ---------------------------------------------------------------------------------


def started(played, **kwargs):
    app, screens, mixer, scores = played(**kwargs)
    screens.start()
    app.run(max_frames=5)
    return app, screens, mixer, scores


def test_p_opens_the_menu_and_n_b_still_step_time(played):
    app, screens, _, _ = started(played)
    pygame.event.post(key(pygame.K_p))
    app.run(max_frames=1)
    assert screens.state == PAUSED and app.paused
    at = app.world.tick
    app.run(max_frames=5)
    assert app.world.tick == at
    for k in (pygame.K_n, pygame.K_n, pygame.K_b):
        pygame.event.post(key(k))
    app.run(max_frames=1)
    assert app.world.tick == at + 1
    texts = drawn_texts(screens)
    assert texts[:1] == ["PAUSED"] and "> Resume <" in texts and "Quit" in texts
    assert any("N / B" in t for t in texts)
    pygame.event.post(key(pygame.K_ESCAPE))
    app.run(max_frames=3)
    assert screens.state == PLAYING and not app.paused and app.world.tick > at + 1


def test_the_menu_is_walked_with_keys_and_turns_the_volume(played):
    _app, screens, mixer, _ = started(played)
    menu = screens.pause_menu.menu
    screens.pause()
    for k in (pygame.K_DOWN, pygame.K_DOWN, pygame.K_DOWN):
        screens.handle_event(key(k))
    assert menu.current == "volume"
    assert screens.handle_event(key(pygame.K_RIGHT)) and mixer.master_volume == 0.6
    screens.handle_event(key(pygame.K_LEFT))
    screens.handle_event(key(pygame.K_LEFT))
    assert mixer.master_volume == 0.4
    screens.handle_event(key(pygame.K_RETURN))
    assert mixer.muted
    assert "> Volume  ||||......  muted <" in drawn_texts(screens)
    screens.handle_event(key(pygame.K_RIGHT))   # turning up unmutes
    assert not mixer.muted and mixer.master_volume == 0.5
    screens.handle_event(key(pygame.K_UP))
    assert menu.current == "controls"
    assert not screens.handle_event(key(pygame.K_LEFT)), "off the volume item, ← steps time back"
    screens.handle_event(key(pygame.K_RETURN))
    assert screens.pause_menu.showing_controls and "Fullscreen" in drawn_texts(screens)
    screens.handle_event(key(pygame.K_x))
    assert not screens.pause_menu.showing_controls and screens.state == PAUSED


def test_the_mouse_hovers_and_clicks_menu_items_through_the_letterbox(played):
    app, screens, _, _ = started(played)
    screens.input.to_logical = app.to_logical
    screens.pause()
    app.run(max_frames=1)   # drawn once: the items have their places
    quit_rect = screens.pause_menu._rects["quit"]
    # The 800x450 window shows the 1280x720 frame at 0.625 scale.
    at = (quit_rect.centerx * 0.625, quit_rect.centery * 0.625)
    screens.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=at, rel=(0, 0), buttons=(0, 0, 0)))
    assert screens.pause_menu.menu.current == "quit"
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=at))
    app.run(max_frames=5)
    assert app.frames and not app.running and app.quit_reason == "quit"


def test_restart_from_the_menu_ends_the_window_run_asking_for_another(played):
    app, _screens, _, _ = started(played)
    pygame.event.post(key(pygame.K_ESCAPE))
    pygame.event.post(key(pygame.K_DOWN))
    pygame.event.post(key(pygame.K_RETURN))
    app.run(max_frames=10)
    assert app.quit_reason == "restart"


def test_start_pauses_and_the_stick_walks_the_menu_without_moving_the_player(played):
    app, screens, _, _ = started(played)
    world = app.world
    for event in (pygame.event.Event(pygame.JOYDEVICEADDED, device_index=0),
                  pad_event(pygame.JOYBUTTONDOWN, button=7),
                  pad_event(pygame.JOYAXISMOTION, axis=1, value=0.9),     # down: Restart
                  pad_event(pygame.JOYAXISMOTION, axis=1, value=0.95),    # still leaning: no second step
                  pad_event(pygame.JOYAXISMOTION, axis=0, value=0.8)):    # and right, held on resume
        pygame.event.post(event)
    app.run(max_frames=1)
    assert screens.state == PAUSED and screens.pause_menu.menu.current == "restart"
    assert not world.log.select(MoveInput)
    pygame.event.post(pad_event(pygame.JOYBUTTONDOWN, button=1))   # B: back to the game
    app.run(max_frames=1)
    assert screens.state == PLAYING
    moves = world.log.select(MoveInput)
    assert [(r.event, r.cause) for r in moves] == [(MoveInput(1, 1), None)]   # told once, what the pad holds


def test_while_the_inspector_is_open_the_menu_hides_and_p_still_resumes(played):
    _app, screens, _, _ = started(played)
    open_inspector = [True]
    screens.inspecting = lambda: open_inspector[0]
    screens.pause()
    assert not screens.covering and drawn_texts(screens) == []
    assert not screens.handle_event(key(pygame.K_DOWN))   # the inspector's key
    assert screens.handle_event(key(pygame.K_p)) and screens.state == PLAYING


# -- game over ------------------------------------------------------------------------------------


def ended(app, score: int = 1800, reason: str = "time up", screens=None) -> None:
    """End the run; with ``screens``, also let the game-over screen's guard time pass, so it takes keys."""
    from game.pg.screens import OVER_GUARD_SECONDS
    from game.state import game_state

    game_state(app.world).score = score
    end_run(app.world, reason)
    app.run(max_frames=2)
    if screens is not None:
        screens.clock.now += OVER_GUARD_SECONDS


def test_the_end_of_a_run_freezes_it_and_shows_the_score_and_the_table(played):
    app, screens, _, scores = started(played)
    scores.add(Entry(5000, 4, "wasted too often"))
    ended(app, screens=screens)
    assert screens.state == OVER and app.paused
    at = app.world.tick
    app.run(max_frames=5)
    assert app.world.tick == at
    assert scores.entries == [Entry(5000, 4, "wasted too often"), Entry(1800, 0, "time up")]
    assert HighScores(scores.path).load().entries == scores.entries   # saved at once
    texts = drawn_texts(screens)
    for shown in ("GAME OVER", "The run is over: time up", "$1,800", "Number 2 in the high scores",
                  "$5,000", "seed 4", "> Play again <", "Quit"):
        assert shown in texts
    pygame.event.post(key(pygame.K_b))    # the game-over screen has the keys: no stepping back out of it
    pygame.event.post(key(pygame.K_RETURN))
    app.run(max_frames=3)
    assert app.world.tick == at and app.quit_reason == "restart"


def test_escape_on_game_over_quits(played):
    app, screens, _, _ = started(played)
    ended(app, screens=screens)
    pygame.event.post(key(pygame.K_ESCAPE))
    app.run(max_frames=3)
    assert app.quit_reason == "quit"


def test_a_key_held_from_the_last_fall_does_not_play_again_at_once(played):
    """Space held while firing when the run ended started a new run before the score was seen."""
    app, screens, _, _ = started(played)
    ended(app)
    pygame.event.post(key(pygame.K_RETURN))
    app.run(max_frames=3)
    assert screens.state == OVER and app.quit_reason == ""
    screens.clock.now += 1.0
    pygame.event.post(key(pygame.K_RETURN))
    app.run(max_frames=3)
    assert app.quit_reason == "restart"


def test_the_autopilots_runs_are_not_ranked_and_it_plays_again(played):
    app, screens, _, scores = started(played, autopilot=True, clock_step=0.5)
    ended(app, score=99999)
    assert screens.state == OVER and scores.entries == []
    assert "The autopilot's runs are not ranked" in drawn_texts(screens)
    app.run(max_frames=40)   # 10 s of the fake clock
    assert app.quit_reason == "restart"


# -- the window ------------------------------------------------------------------------------------


def test_f11_toggles_fullscreen_and_back_to_the_window_size(played):
    app, _, _, _ = started(played, title=False)
    pygame.event.post(key(pygame.K_F11))
    app.run(max_frames=1)
    assert app.fullscreen and pygame.display.get_surface().get_size() != (800, 450)
    assert app.to_logical(pygame.display.get_surface().get_rect().center) == pytest.approx((640, 360), abs=1)
    pygame.event.post(key(pygame.K_F11))
    app.run(max_frames=1)
    assert not app.fullscreen and pygame.display.get_surface().get_size() == (800, 450)


def test_a_resized_window_letterboxes_and_the_mouse_maps_through_it(played):
    app, _, _, _ = started(played, title=False)
    pygame.display.set_mode((1000, 1000), pygame.RESIZABLE)   # what a resize leaves
    app.run(max_frames=1)
    # 1280x720 at 1000/1280 is 1000x562: bars of 219 px above and below.
    assert app.to_logical((0, 219)) == pytest.approx((0, 0), abs=1)
    assert app.to_logical((1000, 781)) == pytest.approx(SIZE, abs=1)


def test_run_window_names_the_window_and_sets_its_icon(monkeypatch):
    from game.pg.play import ICON, run_window

    icons: list[pygame.Surface] = []
    monkeypatch.setattr(pygame.display, "set_icon", icons.append)
    captions: list[str] = []

    def between_frames() -> None:
        captions.append(pygame.display.get_caption()[0])
        pygame.event.post(pygame.event.Event(pygame.QUIT))

    pygame.display.quit()   # a fresh window, as the game opens it
    run_window(build_game(seed=0, npcs=5).world, seconds=10, between_frames=between_frames)
    assert captions[0] == "Wanted"
    assert len(icons) == 1 and icons[0].get_size() == pygame.image.load(str(ICON)).get_size()


# -- gamepad input ---------------------------------------------------------------------------------


def pad_mapper() -> InputMapper:
    mapper = InputMapper(gamepads=Gamepads(open=FakeJoystick))
    assert mapper.translate(pygame.event.Event(pygame.JOYDEVICEADDED, device_index=0)) == []
    return mapper


def test_the_left_stick_moves_past_its_dead_zone():
    mapper = pad_mapper()
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=0, value=0.2)) == []   # resting off centre
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=0, value=0.9)) == [MoveInput(1, 0)]
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=1, value=-0.7)) == [MoveInput(1, -1)]
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=1, value=-0.9)) == []   # no change
    # Held near the edge of the dead zone it stays pushed: no flicker of MoveInputs in the log.
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=1, value=-0.35)) == []
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=1, value=-0.45)) == []
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=0, value=0.0)) == [MoveInput(0, -1)]
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=3, value=1.0)) == []    # right stick: unused
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=1, value=0.1)) == [MoveInput(0, 0)]


def test_the_d_pad_moves_with_y_up_and_adds_to_the_keys():
    mapper = pad_mapper()
    assert mapper.translate(pad_event(pygame.JOYHATMOTION, hat=0, value=(0, 1))) == [MoveInput(0, -1)]
    assert mapper.translate(key(pygame.K_d)) == [MoveInput(1, -1)]
    assert mapper.translate(key(pygame.K_w)) == []   # up from both still means up once
    assert mapper.translate(pad_event(pygame.JOYHATMOTION, hat=0, value=(0, 0))) == []   # W still holds up


def test_a_shoots_while_held_and_b_gets_in_or_out_of_a_car():
    from game.events import UsePressed

    mapper = pad_mapper()
    assert mapper.translate(pad_event(pygame.JOYBUTTONDOWN, button=0)) == [FireInput(True, None)]
    assert mapper.translate(pad_event(pygame.JOYBUTTONUP, button=0)) == [FireInput(False, None)]
    assert mapper.translate(pad_event(pygame.JOYBUTTONDOWN, button=1)) == [UsePressed()]
    assert mapper.translate(pad_event(pygame.JOYBUTTONUP, button=1)) == []
    assert mapper.translate(pad_event(pygame.JOYBUTTONDOWN, button=5)) == []


def test_unplugging_a_pad_lets_go_of_what_it_held():
    mapper = pad_mapper()
    mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=0, value=-1.0))
    mapper.translate(pad_event(pygame.JOYBUTTONDOWN, button=0))
    removed = pygame.event.Event(pygame.JOYDEVICEREMOVED, instance_id=100)
    assert mapper.translate(removed) == [MoveInput(0, 0), FireInput(False, None)]
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=0, value=1.0)) == []   # gone: ignored
    assert mapper.translate(pygame.event.Event(pygame.JOYDEVICEADDED, device_index=0)) == []   # plugged back
    assert mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=0, value=1.0)) == [MoveInput(1, 0)]


def test_a_pad_that_cannot_be_opened_is_one_line_and_ignored(capsys):
    def broken(index: int):
        raise pygame.error("Invalid joystick device number")

    mapper = InputMapper(gamepads=Gamepads(open=broken))
    assert mapper.translate(pygame.event.Event(pygame.JOYDEVICEADDED, device_index=3)) == []
    assert capsys.readouterr().out == "gamepad: cannot open device 3 (Invalid joystick device number), ignoring it\n"


def test_losing_focus_lets_go_of_the_pad_too():
    mapper = pad_mapper()
    mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=1, value=1.0))
    mapper.translate(pad_event(pygame.JOYBUTTONDOWN, button=0))
    assert mapper.translate(pygame.event.Event(pygame.WINDOWFOCUSLOST)) == [MoveInput(0, 0), FireInput(False, None)]
    assert mapper.resync() == []


# -- restart from the command line ------------------------------------------------------------------


def test_a_restart_plays_a_new_run_with_its_own_log_file(tmp_path, monkeypatch, capsys):
    import game.pg.play
    from engine import codec
    from engine.replay import replay_file
    from game.cli import build_parser, run_window_cli

    real_run_window = game.pg.play.run_window
    runs: list[dict] = []

    def scripted(world, **kwargs):
        between, frame = kwargs["between_frames"], [0]
        runs.append(kwargs)
        first = len(runs) == 1

        def between_frames():
            between()
            frame[0] += 1
            if frame[0] == 2:
                pygame.event.post(key(pygame.K_SPACE))   # past the title
            if frame[0] == 30:
                for k in ((pygame.K_ESCAPE, pygame.K_DOWN, pygame.K_RETURN) if first else (pygame.K_ESCAPE,)):
                    pygame.event.post(key(k))            # the menu's Restart, then the second run's...
            if frame[0] == 31 and not first:
                pygame.event.post(key(pygame.K_DOWN))
                pygame.event.post(key(pygame.K_UP))
                pygame.event.post(key(pygame.K_UP))
                pygame.event.post(key(pygame.K_RETURN))  # ...Quit (down, up, up: round past the top)
        kwargs["between_frames"] = between_frames
        return real_run_window(world, **kwargs)

    monkeypatch.setattr(game.pg.play, "run_window", scripted)
    out = tmp_path / "run.jsonl"
    status = run_window_cli(build_parser().parse_args(["--seconds", "60", "--no-hot-reload", "--events-out", str(out)]))
    assert status == 0 and [run["title_screen"] for run in runs] == [True, False]   # a restart goes straight in
    first, second = codec.load(out), codec.load(tmp_path / "run-2.jsonl")
    for records in (first, second):
        assert records[0].type == "SimulationStarted" and records[-1].type == "SimulationEnded"
        assert [r.offset for r in records] == list(range(len(records)))   # each run's log starts at 0
    assert "session_run" not in first[0].data["options"]
    assert second[0].data["options"]["session_run"] == 2
    for path in (out, tmp_path / "run-2.jsonl"):
        result = replay_file(path)   # each run replays on its own, byte for byte
        assert result.identical, result.difference
    printed = capsys.readouterr().out
    assert str(out) in printed and str(tmp_path / "run-2.jsonl") in printed


def test_numbered_log_files():
    from pathlib import Path

    from game.cli import numbered

    assert numbered(Path("logs/run.jsonl"), 1) == Path("logs/run.jsonl")
    assert numbered(Path("logs/run.jsonl"), 3) == Path("logs/run-3.jsonl")
    assert numbered(None, 2) is None


def test_the_readme_names_the_controls_the_title_shows():
    from pathlib import Path

    from game.pg.title import CONTROLS

    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    for words in ("WASD", "left stick", "d-pad", "Space", "the mouse", "E (B)", "P, Esc or Start", "N / B",
                  "M mutes", "- / +", "F1", "F3", "F11"):
        assert words in readme, words
    assert {pad for _, _, pad in CONTROLS} >= {"A", "B", "Start", "left stick or d-pad"}


def test_the_menu_turns_the_real_mixers_volume_and_mute():
    from game.pg.audio import PygameAudio
    from game.pg.pause_menu import PauseMenu, volume_label

    audio = PygameAudio()
    try:
        menu = PauseMenu()
        start = audio.master_volume
        menu.adjust_volume(audio, -2)
        assert audio.master_volume == pytest.approx(max(0.0, start - 0.2))
        assert menu.choose("volume", audio) == "" and audio.muted
        assert volume_label(audio).endswith("muted")
        menu.adjust_volume(audio, 1)   # turning up unmutes
        assert not audio.muted and audio.master_volume == pytest.approx(max(0.0, start - 0.2) + 0.1)
    finally:
        audio.close()


@given(st.lists(st.tuples(st.sampled_from([0, 1]), st.floats(-1.0, 1.0)), max_size=40))
def test_stick_moves_are_changes_of_a_clamped_direction(readings):
    """Whatever the stick reads: only changes, each a direction in {-1, 0, 1}, ending where the pad points."""
    mapper = pad_mapper()
    told = (0, 0)
    for axis, value in readings:
        for event in mapper.translate(pad_event(pygame.JOYAXISMOTION, axis=axis, value=value)):
            assert isinstance(event, MoveInput) and (event.dx, event.dy) != told
            assert event.dx in (-1, 0, 1) and event.dy in (-1, 0, 1)
            told = (event.dx, event.dy)
    assert told == mapper.gamepads.direction


def caught_signals() -> int:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("SigCgt:")).split()[1], 16)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_the_window_leaves_no_signal_handler_of_sdls_behind():
    """SDL's joystick support keeps SIGTERM caught while it runs; a worker forked later would ignore it."""
    from game.pg.play import run_window

    sigterm = 1 << (15 - 1)
    assert not caught_signals() & sigterm
    run_window(build_game(seed=0, npcs=5).world, seconds=5,
               between_frames=lambda: pygame.event.post(pygame.event.Event(pygame.QUIT)))
    assert not pygame.joystick.get_init()
    assert not caught_signals() & sigterm
