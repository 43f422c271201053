"""The pygame side, headless: frames, HUD, sprites, the app loop, input and audio."""

from __future__ import annotations

import math

import esper
import pygame
import pytest

from engine import World
from engine.pg import PygameApp, display_available
from engine.scripting.events import BehaviourRan
from game.city import TILE, City
from game.components import (
    Appearance,
    Corpse,
    Goon,
    Heading,
    Health,
    Pedestrian,
    Player,
    Police,
    Position,
    PreviousPosition,
    Tracer,
    Vehicle,
)
from game.events import FireInput, HealthChanged, MoveInput, Shot, UsePressed, WantedLevelChanged
from game.pg.hud import HEALTH_BAR, bar_colour, stars_rect
from game.pg.input import InputMapper
from game.pg.play import render_frame
from game.pg.render import Renderer
from game.pg.sprites import Sprites, angle_index
from game.state import GameState

SIZE = (1280, 720)


def scene(in_car: bool = False) -> tuple[World, dict[str, int]]:
    """A crossing of the city with the player, a car, a goon, a police car, a body and tracers."""
    world = World(seed=1)
    state = GameState(city=City(seed=1))
    world.resources["game"] = state

    def put(x: float, y: float, angle: float, sprite: str, *extra: object) -> int:
        return world.create_entity(Position(x, y), PreviousPosition(x, y), Heading(angle), Appearance(sprite), *extra)

    ids = {"car": put(672, 880, math.pi / 2, "car_0", Vehicle())}
    ids["player"] = put(800, 930, -math.pi / 4, "player", Health(73, 100),
                        Player(vehicle=ids["car"] if in_car else None))
    ids["police_car"] = put(980, 700, math.pi, "police_car", Vehicle(police=True))
    ids["goon"] = put(900, 960, math.pi, "goon", Goon(), Health(50))
    ids["body"] = put(820, 1040, 0.0, "pedestrian_1", Pedestrian(), Corpse())
    ids["tracer"] = world.create_entity(Tracer((900, 960), (802, 934), hostile=True))
    state.player = ids["player"]
    state.wanted = 2
    world.step()
    state.last_seen_tick = world.tick  # police see the player: steady stars
    return world, ids


def colours(surface: pygame.Surface, rect: pygame.Rect, step: int = 2) -> set[tuple[int, int, int]]:
    return {tuple(surface.get_at((x, y)))[:3] for x in range(rect.left, rect.right, step)
            for y in range(rect.top, rect.bottom, step)}


# -- the frame --------------------------------------------------------------------------


def test_a_frame_is_drawn_with_many_colours(tmp_path):
    world, _ = scene()
    path = tmp_path / "frame.png"
    surface = render_frame(world, str(path))
    assert surface.get_size() == SIZE
    assert len(colours(surface, surface.get_rect(), 4)) > 200
    assert pygame.image.load(str(path)).get_size() == SIZE


def test_health_bar_shows_current_over_maximum():
    world, _ = scene()
    surface = render_frame(world)
    fill = bar_colour(0.73)
    assert tuple(surface.get_at((HEALTH_BAR.x + 10, HEALTH_BAR.bottom - 4)))[:3] == fill
    # 73 % filled: the last quarter is the empty part of the bar.
    assert tuple(surface.get_at((HEALTH_BAR.right - 10, HEALTH_BAR.bottom - 4)))[:3] != fill
    assert bar_colour(1.0)[1] > bar_colour(1.0)[0]  # green when full
    assert bar_colour(0.0)[0] > bar_colour(0.0)[1]  # red when empty


def test_wanted_stars_show_the_level():
    world, _ = scene()
    surface = render_frame(world)
    area = stars_rect(SIZE[0])
    gold = [sum(1 for c in colours(surface, pygame.Rect(area.x + i * 32, area.y, 28, 28), 1)
                if c[0] > 180 and c[1] > 140 and c[2] < 110) for i in range(5)]
    assert gold[0] > 5 and gold[1] > 5  # two full stars
    assert gold[4] == 0  # the rest are empty
    assert len(colours(surface, pygame.Rect(area.x + 4 * 32, area.y, 28, 28), 1)) > 3  # but drawn


def test_camera_centres_on_the_player_or_their_car():
    world, _ = scene()
    renderer = Renderer(world, hud=False)
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert renderer.focus_on_screen() == (SIZE[0] / 2, SIZE[1] / 2)
    world, _ = scene(in_car=True)
    renderer = Renderer(world, hud=False)
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert renderer.camera.to_world(*renderer.focus_on_screen()) == (672, 880)


def test_camera_stays_on_the_map():
    world, ids = scene()
    world.activate()
    esper.component_for_entity(ids["player"], Position).x = 5
    esper.component_for_entity(ids["player"], PreviousPosition).x = 5
    renderer = Renderer(world, hud=False)
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert renderer.camera.x == 0
    assert renderer.focus_on_screen()[0] == 5


def test_police_lights_flash_with_ticks():
    world, _ = scene()
    renderer = Renderer(world, hud=False)
    car = pygame.Rect(0, 0, 48, 24)
    frames = []
    for _ in range(2):
        surface = pygame.Surface(SIZE)
        renderer.draw(surface, 1.0)
        car.center = tuple(round(c) for c in renderer.camera.to_screen(980, 700))
        frames.append(pygame.image.tobytes(surface.subsurface(car), "RGB"))
        world.tick += 8  # drawing only reads the tick
    assert frames[0] != frames[1]


# -- the ticker -------------------------------------------------------------------------


def test_ticker_shows_notable_events_in_words():
    world, ids = scene()
    renderer = Renderer(world)
    # As the game's trigger does it: Shot -> BehaviourRan(damage) -> HealthChanged.
    world.subscribe(Shot, lambda e: world.emit(BehaviourRan("getting-shot-hurts", "damage", {})))
    world.subscribe(BehaviourRan, lambda e: world.emit(HealthChanged(ids["player"], 85, 73)))
    world.emit(MoveInput(1, 0))
    world.emit(Shot(ids["goon"], ids["player"], 12))
    world.emit(WantedLevelChanged(0, 2))
    world.step()
    renderer.draw(pygame.Surface(SIZE), 1.0)
    lines = renderer.hud.lines
    assert any(line.endswith(f"Goon #{ids['goon']} hit you (-12)") for line in lines), lines
    assert lines[-1].endswith("Wanted: ★★")
    assert lines[-1].startswith("0.0s ")
    assert not any("MoveInput" in line for line in lines)
    # The health change caused by the shot is already told by the shot line.
    assert not any("health" in line for line in lines)


@pytest.mark.parametrize(("record", "line"), [
    (("SoundStarted", {"sound": "car_door", "loop": False}), None),
    (("SoundStarted", {"sound": "radio_we_lost_him", "loop": False}), 'Radio: "We lost him"'),
    (("AlarmEntered", {"alarm": "frame-budget"}), None),
    (("AlarmEntered", {"alarm": "police-chase"}), "The streets empty"),
    (("AlarmExited", {"alarm": "police-chase"}), "People are coming back"),
    (("EscapedRadar", {"seconds": 10.0}), "Police lost you"),
    (("WantedLevelChanged", {"before": 1, "after": 0}), "Wanted level cleared"),
    (("CashCollected", {"entity": 40, "collector": 1, "value": 1500}), "+$1,500"),
    (("ScoreChanged", {"before": 300, "after": 100, "reason": "busted"}), "Penalty -$200 (busted)"),
    (("ScoreChanged", {"before": 100, "after": 300, "reason": "cash collected"}), None),
    (("PopulationChanged", {"before": 40, "after": 0, "reason": "chase"}), None),
    (("TrafficSpawned", {"entity": 40, "position": (1.0, 2.0)}), None),
    (("VehicleDamaged", {"vehicle": 2, "before": 100, "after": 80}), None),
    (("VehicleWrecked", {"vehicle": 2, "driver": 1}), None),     # not the player (he is "you")
])
def test_ticker_lines_speak_the_players_language(record, line):
    from engine.record import Record
    from game.pg.ticker import format_record

    kind, data = record
    assert format_record(Record(5, 1, None, None, type=kind, data=data), lambda entity: f"#{entity}") == line


def test_the_ticker_says_when_your_car_is_wrecked():
    from engine.record import Record
    from game.pg.ticker import format_record

    wrecked = Record(5, 1, None, None, type="VehicleWrecked", data={"vehicle": 2, "driver": 1})
    assert format_record(wrecked, lambda entity: "you" if entity == 1 else f"#{entity}") == "Your car is wrecked"


def test_dead_letters_reach_the_hud():
    world, ids = scene()
    world.resources["reload_errors"] = ["triggers/x.toml: trigger 'y': field 'when': expected an expression"]

    def broken(event: Shot) -> None:
        raise RuntimeError("boom")

    world.subscribe(Shot, broken)
    renderer = Renderer(world)
    world.emit(Shot(ids["goon"], ids["player"], 1))
    world.step()
    surface = pygame.Surface(SIZE)
    renderer.draw(surface, 1.0)
    assert renderer.hud.ticker.failure_count == 1
    assert "broken failed on Shot" in renderer.hud.ticker.failures[0]
    box = pygame.Rect(HEALTH_BAR.x, HEALTH_BAR.bottom + 16, 300, 40)
    assert any(c[0] > 200 and c[1] < 100 for c in colours(surface, box, 1))  # the red border


# -- sprites ----------------------------------------------------------------------------------


def test_rotation_turns_clockwise_on_screen_and_is_cached(tmp_path):
    arrow = pygame.Surface((20, 10), pygame.SRCALPHA)
    arrow.fill((0, 0, 255, 255))
    arrow.fill((255, 0, 0, 255), pygame.Rect(16, 0, 4, 10))  # the nose, facing +x
    pygame.image.save(arrow, str(tmp_path / "arrow.png"))
    sprites = Sprites(tmp_path)
    down = sprites.rotated("arrow", math.pi / 2)  # heading pi/2 is screen down
    assert down.get_size() == (10, 20)
    assert tuple(down.get_at((5, 18)))[:3] == (255, 0, 0)
    assert sprites.rotated("arrow", math.pi / 2 + 0.01) is down
    assert angle_index(2 * math.pi) == angle_index(0) == 0
    assert sprites.get("nothing").get_size() == (24, 24)  # a visible placeholder, no crash


def test_unknown_tile_kinds_draw_as_grass():
    sprites = Sprites()
    assert sprites.tile("inside") is sprites.tile("grass")
    assert sprites.tile("road") is not sprites.tile("grass")
    assert sprites.get("car_0").get_size() == (48, 24)


# -- the app -----------------------------------------------------------------------------------


class FakeClock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def key(k: int, down: bool = True) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN if down else pygame.KEYUP, key=k, mod=0, unicode="", scancode=0)


@pytest.fixture
def app():
    world, _ = scene()
    renderer = Renderer(world)
    reported: list[float] = []
    mapper = InputMapper()
    app = PygameApp(world, lambda s, a: renderer.draw(s, a), mapper.translate, window_size=(800, 360),
                    clock=FakeClock(0.02), report_frame_time=reported.append, title="test")
    app.reported = reported
    app.open()
    pygame.event.clear()
    yield app
    app.close()


def test_app_runs_ticks_and_reports_frame_time(app):
    start = app.world.tick
    app.run(max_frames=30)
    assert app.frames == 30
    assert app.world.tick - start >= 30  # 20 ms frames, 16.7 ms ticks
    assert app.loop.steps == app.world.tick - start
    assert app.reported and app.reported[0] == pytest.approx(20.0)
    assert app.fps == pytest.approx(50.0)
    assert app.ticks_per_second == pytest.approx(60.0, abs=3)   # the loop keeps up: the tick rate


class WarmUpClock(FakeClock):
    """Frames of ``step`` seconds, except the first ``slow`` calls, which take ``slow_step`` each."""

    def __init__(self, step: float, slow: int, slow_step: float) -> None:
        super().__init__(step)
        self.slow, self.slow_step = slow, slow_step

    def __call__(self) -> float:
        self.now += self.slow_step if self.slow > 0 else self.step
        self.slow -= 1
        return self.now


def test_the_warm_up_frames_are_not_measured():
    # The first frame draws everything for the first time and the second runs the first tick:
    # 200 ms each here (the first slow reading is run()'s start), then 20 ms frames.  What is
    # reported is the 20 ms the game runs at.
    world, _ = scene()
    renderer = Renderer(world)
    reported: list[float] = []
    app = PygameApp(world, lambda s, a: renderer.draw(s, a), InputMapper().translate, window_size=(800, 360),
                    clock=WarmUpClock(0.02, slow=3, slow_step=0.2), report_frame_time=reported.append, title="t")
    try:
        app.run(max_frames=60)
    finally:
        app.close()
    assert reported and reported[0] == pytest.approx(20.0)


def test_the_status_line_shows_measured_rates_or_dashes_headless():
    world, _ = scene()
    hud_text = []
    renderer = Renderer(world)
    renderer.hud._render = lambda font, text, *a, **k: hud_text.append(text) or pygame.Surface((10, 10))
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert not [t for t in hud_text if t.startswith("FPS")], "developer readouts are hidden from players by default"
    renderer.hud.developer = True   # F3
    renderer.draw(pygame.Surface(SIZE), 1.0)
    renderer.draw(pygame.Surface(SIZE), 1.0, fps=58.4, ticks_per_second=59.6)
    status = [t for t in hud_text if t.startswith("FPS")]
    assert status == [f"FPS - · -/60 ticks/s · tick {world.tick}", f"FPS 58 · 60/60 ticks/s · tick {world.tick}"]


def test_the_paused_banner_names_every_key_that_works_while_paused():
    world, _ = scene()
    hud_text = []
    renderer = Renderer(world)
    renderer.hud._render = lambda font, text, *a, **k: hud_text.append(text) or pygame.Surface((10, 10))
    renderer.draw(pygame.Surface(SIZE), 1.0, paused=True)
    hint = next(t for t in hud_text if t.startswith("P or Esc resume"))   # Esc opens the pause menu, not quit
    for key_name in ("N", "B", "F1", "Esc"):   # B (step back) is the whole point of pausing
        assert f"{key_name} " in hint, hint


def test_p_pauses_and_n_steps_one_tick(app):
    app.run(max_frames=3)
    pygame.event.post(key(pygame.K_p))
    app.run(max_frames=1)
    assert app.paused
    paused_at = app.world.tick
    app.run(max_frames=5)
    assert app.world.tick == paused_at
    pygame.event.post(key(pygame.K_n))
    app.run(max_frames=3)
    assert app.world.tick == paused_at + 1
    pygame.event.post(key(pygame.K_p))
    app.run(max_frames=5)
    assert not app.paused and app.world.tick > paused_at + 1


def test_b_steps_back_a_tick_shift_b_a_second_and_on_pause_hears_of_p(app):
    heard: list[bool] = []
    app.on_pause = heard.append
    app.run(max_frames=120)
    pygame.event.post(key(pygame.K_p))
    app.run(max_frames=1)
    start = app.world.tick
    pygame.event.post(key(pygame.K_b))
    app.run(max_frames=1)
    assert app.world.tick == start - 1
    # Shift as the key event carried it: by the time it is handled the key may be up again.
    shift_b = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_b, mod=pygame.KMOD_LSHIFT, unicode="B", scancode=0)
    pygame.event.post(shift_b)
    app.run(max_frames=1)
    assert app.world.tick == start - 1 - app.world.tick_rate
    pygame.event.post(key(pygame.K_p))
    app.run(max_frames=1)
    assert heard == [True, False]


def test_escape_quits_and_input_is_emitted_as_a_root(app):
    pygame.event.post(key(pygame.K_d))
    pygame.event.post(key(pygame.K_ESCAPE))
    app.run(max_frames=100)
    assert app.frames == 1
    moves = app.world.log.select(MoveInput)
    assert [(r.event, r.cause) for r in moves] == [(MoveInput(1, 0), None)]


def test_letterbox_maps_window_to_logical_and_screenshot(app, tmp_path):
    app.run(max_frames=1)
    # An 800x360 window shows the 1280x720 frame at half size, 80 px bars left and right.
    assert app.to_logical((80, 0)) == (0, 0)
    assert app.to_logical((720, 360)) == SIZE
    app.screenshot(str(tmp_path / "shot.png"))
    assert pygame.image.load(str(tmp_path / "shot.png")).get_size() == SIZE


def test_no_display_under_the_dummy_driver():
    assert display_available() is False


# -- input ----------------------------------------------------------------------------------------


def test_movement_keys_emit_changes_of_direction():
    mapper = InputMapper()
    assert mapper.translate(key(pygame.K_w)) == [MoveInput(0, -1)]
    assert mapper.translate(key(pygame.K_d)) == [MoveInput(1, -1)]
    assert mapper.translate(key(pygame.K_UP)) == []  # still up-right
    assert mapper.translate(key(pygame.K_w, False)) == []  # Up still held
    assert mapper.translate(key(pygame.K_UP, False)) == [MoveInput(1, 0)]
    assert mapper.translate(key(pygame.K_d, False)) == [MoveInput(0, 0)]
    assert mapper.translate(key(pygame.K_LEFT)) == [MoveInput(-1, 0)]
    assert mapper.translate(pygame.event.Event(pygame.WINDOWFOCUSLOST)) == [MoveInput(0, 0)]


def test_fire_and_use_keys():
    mapper = InputMapper()
    assert mapper.translate(key(pygame.K_SPACE)) == [FireInput(True, None)]
    assert mapper.translate(key(pygame.K_SPACE, False)) == [FireInput(False, None)]
    assert mapper.translate(key(pygame.K_e)) == [UsePressed()]
    assert mapper.translate(key(pygame.K_e, False)) == []
    assert mapper.translate(key(pygame.K_q)) == []


def test_mouse_aims_from_the_player_through_the_letterbox():
    mapper = InputMapper(to_logical=lambda pos: (pos[0] * 2, pos[1] * 2), origin=lambda: (640, 360))
    down = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(320, 230))
    assert mapper.translate(down) == [FireInput(True, math.pi / 2)]
    motion = pygame.event.Event(pygame.MOUSEMOTION, pos=(420, 180), rel=(0, 0), buttons=(1, 0, 0))
    assert mapper.translate(motion) == [FireInput(True, 0.0)]
    assert mapper.translate(motion) == []  # aim unchanged: nothing new to say
    up = pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(420, 180))
    assert mapper.translate(up) == [FireInput(False, 0.0)]
    assert mapper.translate(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=3, pos=(0, 0))) == []


# -- audio ---------------------------------------------------------------------------------------------


def test_audio_without_a_device_says_so_once_and_never_raises(monkeypatch, capsys):
    from game.pg.audio import PygameAudio

    def no_device(*args, **kwargs):
        raise pygame.error("no device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    audio = PygameAudio()
    assert not audio.enabled
    assert capsys.readouterr().out.strip() == "audio: no sound device (no device), playing silently"
    audio.loop("siren")
    audio.play("gunshot")
    audio.pause()
    audio.resume()
    audio.stop("siren")
    audio.close()
    assert audio.looping == set() and capsys.readouterr().out == ""


def test_audio_plays_on_the_dummy_device_and_holds_loops_while_paused():
    from game.pg.audio import PygameAudio

    audio = PygameAudio()
    try:
        assert audio.enabled
        audio.loop("siren")
        audio.loop("radio_chatter")
        audio.loop("siren")  # already looping: keeps its channel
        audio.play("gunshot")
        assert audio.looping == {"siren", "radio_chatter"}
        audio.pause()
        audio.loop("engine")  # begun while paused: waits for resume
        assert audio.paused and audio.looping == {"siren", "radio_chatter", "engine"}
        audio.resume()
        audio.stop("siren")
        assert not audio.paused and audio.looping == {"radio_chatter", "engine"}
    finally:
        audio.close()


def test_tile_size_matches_the_city():
    assert Sprites().tile("road").get_size() == (TILE, TILE)


def test_before_tick_runs_before_every_tick_and_its_inputs_are_roots(app):
    emitted: list[int] = []

    def pilot() -> None:
        emitted.append(app.world.tick)
        app.world.emit(UsePressed())

    app.before_tick = pilot
    start = app.world.tick
    app.run(max_frames=10)
    assert emitted == list(range(start, app.world.tick))
    assert all(r.cause is None for r in app.world.log.select(UsePressed))


def test_refused_trigger_reloads_show_until_a_good_one():
    from engine.scripting.events import TriggersLoaded, TriggersReloadFailed

    world, _ = scene()
    renderer = Renderer(world)
    world.emit(TriggersReloadFailed(("police.toml: trigger 'chase': field 'when': expected an expression",)))
    world.step()
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert renderer.hud.ticker.reload_errors == ["police.toml: trigger 'chase': field 'when': expected an expression"]
    assert "Trigger reload failed" in renderer.hud.lines[-1]
    world.emit(TriggersLoaded({}, 0, 0))
    world.step()
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert renderer.hud.ticker.reload_errors == []


def test_police_radar_is_drawn_red_while_it_sees_the_player_and_blue_when_a_building_hides_him():
    world, ids = scene()
    renderer = Renderer(world, hud=False)
    before = pygame.Surface(SIZE)
    renderer.draw(before, 1.0)
    world.activate()
    # 292 px from the player, in range, but block (1, 1)'s building stands between: searching, blue.
    esper.add_component(ids["police_car"], Police(vision=360.0))
    hidden = pygame.Surface(SIZE)
    renderer.draw(hidden, 1.0)
    ground = tuple(round(c) for c in renderer.camera.to_screen(980 + 150, 700))   # inside the radius
    outside = tuple(round(c) for c in renderer.camera.to_screen(980 + 400, 700))  # beyond it
    old, new = before.get_at(ground), hidden.get_at(ground)
    assert new != old and new.b - old.b > new.r - old.r    # tinted, and blue rather than red
    assert before.get_at(outside) == hidden.get_at(outside)
    # Up the player's own sidewalk, 230 px away with nothing between: it sees him, red.
    position = esper.component_for_entity(ids["police_car"], Position)
    previous = esper.component_for_entity(ids["police_car"], PreviousPosition)
    position.x = previous.x = 800
    seen = pygame.Surface(SIZE)
    renderer.draw(seen, 1.0)
    ground = tuple(round(c) for c in renderer.camera.to_screen(800 + 150, 700))
    old, new = before.get_at(ground), seen.get_at(ground)
    assert new != old and new.r - old.r > new.b - old.b    # tinted, and red rather than blue


def test_the_escape_meter_fills_while_no_unit_sees_the_player():
    world, _ = scene()
    state = world.resources["game"]
    meter = stars_rect(SIZE[0])
    probe = (meter.x + 3, meter.bottom + 15)
    assert tuple(render_frame(world).get_at(probe))[:3] != (90, 170, 255)   # seen: no meter
    state.last_seen_tick = world.tick - 5 * world.tick_rate                 # 5 of 10 s unseen
    surface = render_frame(world)
    assert tuple(surface.get_at(probe))[:3] == (90, 170, 255)
    assert tuple(surface.get_at((meter.right - 3, meter.bottom + 15)))[:3] != (90, 170, 255)  # half full


def test_the_hud_shows_the_score_time_left_and_the_end_of_a_run():
    world, _ = scene()
    state = world.resources["game"]
    state.score, state.ticks_left = 1250, (9 * 60 + 32) * world.tick_rate
    hud_text = []
    renderer = Renderer(world)
    renderer.hud._render = lambda font, text, *a, **k: hud_text.append(text) or pygame.Surface((10, 10))
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert "$1,250   9:32 left" in hud_text and "RUN OVER" not in hud_text
    state.run_over = "time up"
    renderer.draw(pygame.Surface(SIZE), 1.0)
    assert "RUN OVER" in hud_text and "time up - score $1,250" in hud_text


def test_wrecks_and_traffic_cars_are_drawn_and_a_wreck_smokes():
    world, _ = scene()
    world.activate()
    wreck = world.create_entity(Position(720, 930), PreviousPosition(720, 930), Heading(0.0), Appearance("car_wreck"),
                                Vehicle(wrecked=True, health=0))
    world.create_entity(Position(640, 1000), PreviousPosition(640, 1000), Heading(0.0),
                        Appearance("traffic_car_1"), Vehicle())
    renderer = Renderer(world, hud=False)
    surface = pygame.Surface(SIZE)
    renderer.draw(surface, 1.0)
    sx, sy = renderer.camera.to_screen(720, 930)
    above = pygame.Rect(round(sx) - 12, round(sy) - 34, 24, 20)
    greys = [c for c in colours(surface, above, 1) if max(c) - min(c) < 30 and 40 < c[0] < 200]
    assert greys, "smoke rises above the wreck"
    tx, ty = renderer.camera.to_screen(640, 1000)
    purple = [c for c in colours(surface, pygame.Rect(round(tx) - 20, round(ty) - 8, 40, 16), 1)
              if c[2] > 120 and c[1] < 100 and c[0] > 90]
    assert purple, "the purple traffic car is drawn"
    assert renderer.sprites.has("car_wreck") and wreck
