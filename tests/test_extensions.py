"""Python extensions: loaded by the game, check and replay; recorded by hash; refused in one line."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from engine import codec
from engine.cli import main as engine_main
from engine.ending import end_run
from engine.replay import ReplayError, replay
from engine.scripting import TriggerFileError, TriggerRuntime
from engine.scripting.extensions import digest, load_extensions
from game.build import ROOT, TRIGGERS, build_game
from game.cli import main as game_main
from game.headless import run_headless
from game.registry import make_registry

HONK = ROOT / "docs" / "examples" / "honk"
GOOD = '''from engine import Event, event
from engine.scripting import Entity, call, trigger

@event
class Waved(Event):
    entity: int

def wave(world, target: Entity) -> None:
    """Wave."""
    world.emit(Waved(target))

def extend(registry):
    registry.events(Waved)
    registry.add_behaviour(wave, emits=[Waved])
    return [trigger("wave-when-shot", on="Shot", do=[call("wave", target="event.target")])]
'''


def records_of(game) -> list:
    out = io.StringIO()
    codec.write(game.world.log, out)
    return list(codec.read(io.StringIO(out.getvalue())))


@pytest.fixture(scope="module")
def honk_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("my") / "my_triggers"
    shutil.copytree(TRIGGERS, folder)
    for name in ("honk.py", "honk.toml"):
        shutil.copy(HONK / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def honk_run(honk_folder: Path):
    game = build_game(seed=0, triggers=honk_folder)
    run_headless(game, 20.0)   # seed 0: the autopilot sits in a car from 11.5 s, so it honks at 16.5 s
    end_run(game.world)        # a replay needs the record that ends a run
    yield game, records_of(game)
    game.world.close()


def test_an_extension_runs_in_the_game_and_its_log_names_it_by_hash(honk_run, honk_folder: Path) -> None:
    game, records = honk_run
    honked = [r for r in records if r.type == "PlayerHonked"]
    assert [r.data for r in honked] == [{"entity": game.player, "times": 2}]
    by_offset = {r.offset: r for r in records}
    alarm = by_offset[by_offset[honked[0].cause].cause]   # PlayerHonked <- BehaviourRan(honk) <- AlarmEntered
    assert (alarm.type, by_offset[alarm.cause].type) == ("AlarmEntered", "EnteredVehicle")
    text = (honk_folder / "honk.py").read_text(encoding="utf-8")
    assert records[0].data["options"]["extensions"] == {str(honk_folder / "honk.py"): digest(text)}
    assert any(r.type == "CrimeCommitted" and r.data["kind"] == "noise" for r in records)


def test_an_extensions_log_replays_identically(honk_run) -> None:
    _, records = honk_run
    assert replay(records).identical


def test_replay_refuses_a_missing_or_changed_extension(honk_run, honk_folder: Path) -> None:
    _, records = honk_run
    path = honk_folder / "honk.py"
    text = path.read_text(encoding="utf-8")
    try:
        path.write_text(text + "# edited\n", encoding="utf-8")
        with pytest.raises(ReplayError) as changed:
            replay(records)
        path.unlink()
        with pytest.raises(ReplayError) as missing:
            replay(records)
    finally:
        path.write_text(text, encoding="utf-8")
    was, now = digest(text)[:12], digest(text + "# edited\n")[:12]
    start = "game 'wanted' cannot rebuild the world from SimulationStarted (offset 0): "
    assert str(changed.value) == (f"{start}extension {str(path)!r} has changed since the run (sha256 was {was}..., "
                                  f"is {now}...); the replay would not run the same code")
    assert str(missing.value) == (f"{start}extension {str(path)!r} is missing; the run loaded it (sha256 {was}...), "
                                  "so the replay cannot load the same code")


def test_an_extension_folder_named_relative_to_the_working_folder_outside_the_repo_replays(
        honk_folder: Path, tmp_path: Path, monkeypatch) -> None:
    # `cd ~/scripts && python -m game --headless --triggers my_triggers`: the log names the
    # extension by its absolute path (it is not under the repo), and replay must find it there.
    shutil.copytree(honk_folder, tmp_path / "my_triggers")
    monkeypatch.chdir(tmp_path)
    game = build_game(seed=0, npcs=2, triggers=Path("my_triggers"))
    run_headless(game, 0.5)
    end_run(game.world)
    records = records_of(game)
    game.world.close()
    assert records[0].data["options"]["extensions"] == {str(tmp_path / "my_triggers" / "honk.py"): digest(
        (tmp_path / "my_triggers" / "honk.py").read_text(encoding="utf-8"))}
    assert replay(records).identical


def test_the_replay_command_warns_once_per_failing_trigger_not_once_per_event(tmp_path: Path, caplog) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "t.toml").write_text('[[trigger]]\nname = "too-many-goons"\non = "MoveInput"\n'
                                   'do = [{ behaviour = "tune", name = "goons", value = "tick * 0 + 9" }]\n',
                                   encoding="utf-8")
    game = build_game(seed=0, npcs=2, triggers=[TRIGGERS, folder])
    run_headless(game, 10.0)
    end_run(game.world)
    records = records_of(game)
    game.world.close()
    assert sum(r.type == "HandlerFailed" for r in records) >= 2
    log = tmp_path / "run.jsonl"
    codec.save(records, log)
    caplog.clear()
    assert engine_main(["replay", str(log)]) == 0
    warned = [r for r in caplog.records if r.name == "engine.bus"]
    assert len(warned) == 1 and "too-many-goons" in warned[0].getMessage()


def test_the_replay_command_refuses_a_missing_extension_in_one_line(honk_run, honk_folder: Path, tmp_path: Path,
                                                                    capsys) -> None:
    _, records = honk_run
    log = tmp_path / "honk.jsonl"
    codec.save(records, log)
    moved = tmp_path / "honk.py"
    shutil.move(honk_folder / "honk.py", moved)
    try:
        assert engine_main(["replay", str(log)]) == 2
    finally:
        shutil.move(moved, honk_folder / "honk.py")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "honk.py' is missing; the run loaded it" in err


def load_one(tmp_path: Path, text: str, name: str = "ext.py"):
    folder = tmp_path / "triggers"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return load_extensions([folder], make_registry(), relative_to=tmp_path)


@pytest.mark.parametrize(("text", "line"), [
    ("import nope_not_a_module\n",
     "triggers/ext.py:1: extension failed to import: ModuleNotFoundError: No module named 'nope_not_a_module'"),
    ("x = 1\ny = nope\n", "triggers/ext.py:2: extension failed to import: NameError: name 'nope' is not defined"),
    ("def extend(registry)\n    pass\n", "triggers/ext.py:1: extension does not compile: expected ':'"),
    ("def extend(registry):\n    raise KeyError('horn')\n",
     "triggers/ext.py:2: extend(registry) raised: KeyError: 'horn'"),
    ("def heal(world, amount: int) -> None:\n    pass\n\ndef extend(registry):\n    registry.add_behaviour(heal)\n",
     "triggers/ext.py:5: behaviour 'heal' is built in; an extension cannot redefine it (choose another name)"),
    ("def extend(registry):\n    registry.state('player', lambda world: 0)\n",
     "triggers/ext.py:2: state 'player' is built in; an extension cannot redefine it (choose another name)"),
    ("from engine import Event, event\n@event\nclass Shot(Event):\n    x: int\n"
     "def extend(registry):\n    registry.events(Shot)\n",
     "triggers/ext.py:6: event type 'Shot' is built in; an extension cannot redefine it (choose another name)"),
    # A behaviour that declares it emits a type named like one of ours: check refuses it, not the tick it runs.
    ("from engine import Event, event\n@event\nclass Shot(Event):\n    x: int\n"
     "def fake(world) -> None:\n    world.emit(Shot(1))\n"
     "def extend(registry):\n    registry.add_behaviour(fake, emits=[Shot])\n",
     "triggers/ext.py:8: event type 'Shot' is built in; an extension cannot redefine it (choose another name)"),
    ("from engine import Event, event\n"
     "def one():\n    @event\n    class Rang(Event):\n        x: int\n    return Rang\n"
     "def a(world) -> None:\n    pass\n"
     "def b(world) -> None:\n    pass\n"
     "def extend(registry):\n    registry.add_behaviour(a, emits=[one()])\n"
     "    registry.add_behaviour(b, emits=[one()])\n",
     "triggers/ext.py:13: extend(registry) raised: ValueError: two event types are named 'Rang'; "
     "a type's name is its topic: rename one"),
    ("x = 1\n", "triggers/ext.py: an extension needs a function extend(registry); found none"),
    ("def extend(registry):\n    return 3\n",
     "triggers/ext.py: extend(registry) must return a list of triggers and alarms (or nothing), found int"),
    ("import sys\nsys.exit(3)\n", "triggers/ext.py:2: extension failed to import: SystemExit: 3"),
    ("def extend(registry):\n    raise SystemExit('bye')\n",
     "triggers/ext.py:2: extend(registry) raised: SystemExit: bye"),
])
def test_a_broken_extension_is_one_line_naming_its_file_and_line(tmp_path: Path, text: str, line: str) -> None:
    with pytest.raises(TriggerFileError) as caught:
        load_one(tmp_path, text)
    assert [str(p) for p in caught.value.problems] == [line]


def test_loading_extensions_leaves_the_given_registry_alone(tmp_path: Path) -> None:
    registry = make_registry()
    before = (dict(registry.event_types), dict(registry.behaviours), dict(registry.states))
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "good.py").write_text(GOOD, encoding="utf-8")
    loaded = load_extensions([folder], registry)
    assert "wave" in loaded.registry.behaviours and "Waved" in loaded.registry.event_types
    (folder / "bad.py").write_text("def extend(registry):\n    raise ValueError('no')\n", encoding="utf-8")
    with pytest.raises(TriggerFileError):
        load_extensions([folder], registry)
    assert (registry.event_types, registry.behaviours, registry.states) == before


def test_an_extensions_python_triggers_are_installed_and_named_after_its_file(tmp_path: Path) -> None:
    loaded = load_one(tmp_path, GOOD, "waves.py")
    (trigger,) = loaded.triggers.triggers
    assert (trigger.name, trigger.source) == ("wave-when-shot", "triggers/waves.py")
    game = build_game(seed=0, npcs=2, triggers=tmp_path / "triggers")
    assert "wave-when-shot" in game.runtime.active.names
    assert "wave" not in build_game(seed=0, npcs=2, triggers=None).runtime.registry.behaviours
    game.world.close()


def test_the_game_does_not_start_with_a_broken_extension(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "oops.py").write_text("def extend(registry):\n    registry.nope()\n", encoding="utf-8")
    assert game_main(["--headless", "--seconds", "1", "--triggers", str(folder)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{folder}/oops.py:2: extend(registry) raised: AttributeError: "
                   "'Registry' object has no attribute 'nope'",
                   "error: the game's trigger files or extensions are not valid; fix them and run again "
                   f"(python -m engine check {folder})"]


def test_check_loads_the_extensions_beside_the_trigger_files(honk_folder: Path, capsys) -> None:
    assert engine_main(["check", str(honk_folder)]) == 0
    assert "all trigger files are valid" in capsys.readouterr().out
    assert engine_main(["check", str(honk_folder / "honk.toml")]) == 1   # without honk.py, honk is unknown
    assert "unknown behaviour 'honk'" in capsys.readouterr().err


def test_a_runtime_without_extensions_keeps_working() -> None:
    game = build_game(seed=0, npcs=2, triggers=None)
    assert isinstance(game.runtime, TriggerRuntime) and game.extensions is not None
    assert game.extensions.digests == {} and "extensions" not in game.options
    game.world.close()


def test_a_hot_reload_checks_an_edited_extension_and_keeps_the_last_good_set(tmp_path: Path) -> None:
    from engine.scripting import HotReloader, TriggersReloadFailed

    folder = tmp_path / "triggers"
    folder.mkdir()
    (folder / "waves.py").write_text(GOOD, encoding="utf-8")
    game = build_game(seed=0, npcs=2, triggers=folder)
    reloader = HotReloader(game.runtime, [folder], relative_to=ROOT, extensions=game.extensions)
    (folder / "waves.py").write_text(GOOD + "oops(\n", encoding="utf-8")
    assert reloader.reload() is False
    assert reloader.errors == [f"{folder}/waves.py:16: extension does not compile: '(' was never closed"]
    (folder / "waves.py").write_text(GOOD + "# a good edit\n", encoding="utf-8")
    assert reloader.reload() is False   # good, but the run recorded the code it started with
    assert reloader.errors == [f"{folder}/waves.py: Python extensions are loaded when the game starts; restart it "
                               "to run the edited code (the last good triggers keep running)"]
    (folder / "waves.py").write_text(GOOD, encoding="utf-8")
    assert reloader.reload() is True and reloader.errors == []
    game.world.step()
    failed = [r for r in game.world.log if r.type == "TriggersReloadFailed"]
    assert len(failed) == 2 and isinstance(failed[0].event, TriggersReloadFailed)
    assert "wave-when-shot" in game.runtime.active.names
    game.world.close()


HORN = '''from dataclasses import dataclass

from engine import Event, World, event
from engine.scripting import Entity, alarm, call


@event
class Honked(Event):
    entity: int


@dataclass(frozen=True)
class HornView:
    honks: int


def horn(world: World) -> HornView:
    return HornView(world.resources.setdefault("honks", 0))


def honk(world: World, target: Entity) -> None:
    """Honk once."""
    world.resources["honks"] = world.resources.get("honks", 0) + 1
    world.emit(Honked(target))


def extend(registry):
    registry.events(Honked)
    registry.add_behaviour(honk, emits=[Honked])
    registry.state("horn", horn, changed_by={"honks": [Honked]})
    return [alarm("honked-twice", when="horn.honks >= 2", enter=[call("report_crime", kind="noise")])]
'''


def test_an_extensions_state_is_read_by_triggers_and_names_its_alarms_cause(tmp_path: Path) -> None:
    folder = tmp_path / "triggers"
    folder.mkdir()
    (folder / "horn.py").write_text(HORN, encoding="utf-8")
    (folder / "horn.toml").write_text('[[trigger]]\nname = "honk-on-shot"\non = "Shot"\n'
                                      'do = [{ behaviour = "honk", target = "event.target" }]\n', encoding="utf-8")
    game = build_game(seed=0, npcs=2, triggers=folder)
    from game.events import Shot

    for _ in range(3):
        game.world.emit(Shot(shooter=0, target=game.player, damage=0))
        game.world.step()
    (entered,) = [r for r in game.world.log if r.type == "AlarmEntered"]
    honks = [r for r in game.world.log if r.type == "Honked"]
    assert entered.data == {"alarm": "honked-twice"} and entered.cause == honks[1].offset
    game.world.close()


def test_an_extension_outside_the_repo_named_relative_to_the_working_folder_replays(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    from engine.scripting.extensions import load_recorded
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "wave.py").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = load_extensions([Path("mine")], make_registry(), relative_to=ROOT)
    assert list(loaded.digests) == [str(tmp_path / "mine" / "wave.py")]
    assert load_recorded(loaded.digests, make_registry(), relative_to=ROOT).digests == loaded.digests


TWICE = '''from engine.scripting import call, trigger

def extend(registry):
    return [trigger("t1", on="Shot", do=[call("heal", target="event.target", amount=1)])]
'''


def test_an_extensions_trigger_name_is_unique_within_the_extensions(tmp_path: Path) -> None:
    folder = tmp_path / "triggers"
    folder.mkdir()
    (folder / "a.py").write_text(TWICE, encoding="utf-8")
    (folder / "b.py").write_text(TWICE + "# another file\n", encoding="utf-8")
    with pytest.raises(TriggerFileError) as caught:
        load_extensions([folder], make_registry(), relative_to=tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "triggers/b.py: trigger 't1': name: duplicate name; already used in triggers/a.py"]


def test_a_trigger_file_cannot_reuse_an_extensions_trigger_name(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "triggers"
    shutil.copytree(TRIGGERS, folder)
    (folder / "a.py").write_text(TWICE, encoding="utf-8")
    (folder / "z.toml").write_text('[[trigger]]\nname = "t1"\non = "Shot"\n'
                                   'do = [{ behaviour = "heal", target = "event.target", amount = 3 }]\n',
                                   encoding="utf-8")
    line = f"{folder}/z.toml: trigger 't1': name: duplicate name; already used in {folder}/a.py"
    with pytest.raises(TriggerFileError) as caught:
        build_game(seed=0, triggers=folder)
    assert [str(p) for p in caught.value.problems] == [line]
    assert engine_main(["check", str(folder)]) == 1
    assert line in capsys.readouterr().err


def test_an_extension_reached_twice_is_loaded_once(tmp_path: Path) -> None:
    folder = tmp_path / "triggers"
    folder.mkdir()
    (folder / "wave.py").write_text(GOOD, encoding="utf-8")
    (folder / "alias.py").symlink_to("wave.py")
    loaded = load_extensions([folder, folder / "wave.py"], make_registry(), relative_to=tmp_path)
    assert list(loaded.digests) == ["triggers/alias.py"] and loaded.triggers.names == ["wave-when-shot"]


def test_graph_of_a_run_with_an_extension_draws_its_triggers_and_event_types(honk_run, tmp_path: Path,
                                                                              capsys) -> None:
    """``graph --log`` alone rebuilds the run's world, so the extension's event types are known."""
    from engine.cli import main as engine_main

    _, records = honk_run
    log = tmp_path / "honk.jsonl"
    codec.save(records, log)
    out = tmp_path / "honk.dot"
    assert engine_main(["graph", "--log", str(log), "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""
    dot = out.read_text(encoding="utf-8")
    assert '"event/PlayerHonked"' in dot and "honking-twice-is-a-nuisance" in dot
