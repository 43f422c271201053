"""Hot reload of trigger files, and TriggersLoaded as the record a replay re-installs from.

A good edit takes effect at the next ``world.step()``; a broken edit is
refused whole (never half a file, never half a folder), recorded as
``TriggersReloadFailed``, and the last good set keeps running.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine import Event, HandlerFailed, World, codec, event
from engine.events import from_data
from engine.scripting import (
    AlarmEntered,
    HotReloader,
    Registry,
    TriggerFileError,
    TriggerRuntime,
    TriggersLoaded,
    TriggersReloadFailed,
)


@event
class Ping(Event):
    n: int


registry = Registry()
registry.events(Ping)
registry.state("wanted", lambda world: {"level": world.resources["wanted"]})


@registry.behaviour
def note(world: World, text: str) -> None:
    """Write down what happened."""
    world.resources["notes"].append((world.tick, text))


def greet(text: str, name: str = "greet") -> str:
    return f'[[trigger]]\nname = "{name}"\non = "Ping"\ndo = [{{ behaviour = "note", text = "{text}" }}]\n'


BROKEN = '[[trigger]]\nname = "greet"\non = "Ping"\ndo = [{ behaviour = "nte", text = "v2" }]\n'


def write(path: Path, text: str) -> None:
    """Write a file and move its mtime on, so even a coarse clock sees the change."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    stamp = max(before + 10**9, path.stat().st_mtime_ns)
    os.utime(path, ns=(stamp, stamp))


def poll_edit(reloader: HotReloader) -> bool:
    """Poll as the game does until an edit is applied: the first poll sees it
    change, the next (files unchanged since) applies it."""
    assert reloader.poll() is False
    return reloader.poll()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def worlds():
    made: list[World] = []

    def make() -> tuple[World, TriggerRuntime]:
        world = World(seed=3)
        made.append(world)
        world.resources.update(notes=[], wanted=0)
        world.add_system(lambda w: w.emit(Ping(w.tick)))
        return world, TriggerRuntime(world, registry)

    yield make
    for world in made:
        world.close()


@pytest.fixture
def game(worlds, tmp_path):
    """A running world whose triggers come from tmp_path/triggers, with a reloader."""
    folder = tmp_path / "triggers"
    folder.mkdir()
    write(folder / "greet.toml", greet("v1"))
    world, runtime = worlds()
    runtime.load_files([folder], relative_to=tmp_path)
    reloader = HotReloader(runtime, [folder], interval=0, clock=FakeClock(), relative_to=tmp_path)
    world.run(2)
    return world, runtime, reloader, folder


def last_note(world: World) -> tuple[int, str]:
    return world.resources["notes"][-1]


def of_type(world: World, event_type: type) -> list:
    return [r for r in world.log if r.type == event_type.__name__]


# -- hot reload ----------------------------------------------------------------------------

def test_an_edit_takes_effect_at_the_next_step(game):
    world, _runtime, reloader, folder = game
    assert last_note(world) == (1, "v1")
    assert reloader.poll() is False            # nothing changed yet
    write(folder / "greet.toml", greet("v2"))
    assert poll_edit(reloader) is True
    world.step()
    assert world.resources["notes"][-1:] == [(2, "v2")]   # one trigger: the new one only
    assert (reloader.reloads, reloader.errors) == (1, [])
    loaded = of_type(world, TriggersLoaded)
    assert len(loaded) == 2 and loaded[-1].tick == 2 and loaded[-1].cause is None
    assert loaded[-1].event.sources == {"triggers/greet.toml": greet("v2")}
    assert reloader.poll() is False            # seen already


def test_a_broken_edit_keeps_the_last_good_set_and_says_why(game):
    world, _runtime, reloader, folder = game
    write(folder / "greet.toml", BROKEN)
    assert poll_edit(reloader) is True
    expected = ["triggers/greet.toml: trigger 'greet': do[0].behaviour: unknown behaviour 'nte' "
                "(did you mean 'note'?)"]
    assert reloader.errors == expected
    world.run(3)
    assert last_note(world) == (4, "v1")
    [failed] = of_type(world, TriggersReloadFailed)
    assert failed.event.errors == tuple(expected) and failed.cause is None
    assert of_type(world, HandlerFailed) == []
    # ... and fixing the file recovers
    write(folder / "greet.toml", greet("v3"))
    assert poll_edit(reloader) is True
    assert reloader.errors == []
    world.step()
    assert last_note(world) == (5, "v3")


def test_a_toml_syntax_error_is_refused_too(game):
    world, _, reloader, folder = game
    write(folder / "greet.toml", greet("v2").replace('"v2"', '"v2'))
    poll_edit(reloader)
    [error] = reloader.errors
    assert error.startswith("triggers/greet.toml: TOML syntax error: ")
    world.step()
    assert last_note(world) == (2, "v1")


def test_a_file_whose_second_trigger_is_broken_installs_neither(game):
    world, runtime, reloader, folder = game
    write(folder / "greet.toml", greet("v2") + "\n" + BROKEN.replace('"greet"', '"second"'))
    poll_edit(reloader)
    assert len(reloader.errors) == 1 and "trigger 'second'" in reloader.errors[0]
    world.run(2)
    assert runtime.active.names == ["greet"]
    assert last_note(world) == (3, "v1")       # not v2: the good first trigger was not installed either


def test_a_broken_new_file_blocks_a_good_edit_of_another(game):
    world, runtime, reloader, folder = game
    write(folder / "greet.toml", greet("v2"))
    write(folder / "extra.toml", BROKEN.replace('"greet"', '"extra"'))
    poll_edit(reloader)
    assert [e.split(":")[0] for e in reloader.errors] == ["triggers/extra.toml"]
    world.step()
    assert last_note(world) == (2, "v1") and runtime.active.names == ["greet"]


def test_files_added_and_removed(game):
    world, runtime, reloader, folder = game
    write(folder / "wave.toml", greet("hello", name="wave"))
    poll_edit(reloader)
    world.step()
    assert sorted(runtime.active.names) == ["greet", "wave"]
    assert sorted(text for tick, text in world.resources["notes"] if tick == 2) == ["hello", "v1"]
    (folder / "greet.toml").unlink()
    assert poll_edit(reloader) is True
    world.step()
    assert runtime.active.names == ["wave"]
    assert [text for tick, text in world.resources["notes"] if tick == 3] == ["hello"]


def test_poll_waits_for_its_interval(worlds, tmp_path):
    write(tmp_path / "greet.toml", greet("v1"))
    world, runtime = worlds()
    runtime.load_files([tmp_path])
    clock = FakeClock()
    reloader = HotReloader(runtime, [tmp_path], interval=0.5, clock=clock)
    write(tmp_path / "greet.toml", greet("v2"))
    clock.now += 0.2
    assert reloader.poll() is False            # too soon to look
    clock.now += 0.4
    assert reloader.poll() is False            # changed: wait one more interval for it to settle
    clock.now += 0.2
    assert reloader.poll() is False            # too soon again
    clock.now += 0.4
    assert reloader.poll() is True
    world.step()
    assert last_note(world) == (0, "v2")


def test_a_file_caught_mid_save_is_not_installed_until_it_settles(game):
    world, runtime, reloader, folder = game
    write(folder / "greet.toml", "")           # an editor truncates, then writes
    assert reloader.poll() is False
    write(folder / "greet.toml", greet("v2"))
    assert reloader.poll() is False            # changed again since the last poll: still settling
    world.step()
    assert last_note(world) == (2, "v1") and runtime.active.names == ["greet"]
    assert reloader.poll() is True
    world.step()
    assert last_note(world) == (3, "v2")
    assert [len(r.event.sources) for r in of_type(world, TriggersLoaded)] == [1, 1]


def test_a_running_alarm_is_not_restarted_by_a_reload(worlds, tmp_path):
    def chase(text: str) -> str:
        return (f'[[alarm]]\nname = "chase"\nwhen = "wanted.level >= 1"\n'
                f'enter = [{{ behaviour = "note", text = "{text}" }}]\n')
    write(tmp_path / "chase.toml", chase("siren"))
    world, runtime = worlds()
    runtime.load_files([tmp_path])
    reloader = HotReloader(runtime, [tmp_path], interval=0, clock=FakeClock())
    world.resources["wanted"] = 1
    world.run(2)
    write(tmp_path / "chase.toml", chase("louder siren"))
    poll_edit(reloader)
    world.run(2)
    assert runtime.alarm_active("chase")
    assert [r.tick for r in of_type(world, AlarmEntered)] == [0]
    assert [t for _, t in world.resources["notes"]] == ["siren"]


# -- TriggersLoaded carries the files, so a replay can install them -----------------------------

def test_re_emitting_triggers_loaded_installs_the_same_triggers(worlds, game):
    world, runtime, reloader, folder = game
    write(folder / "greet.toml", greet("edited"))
    write(folder / "wave.toml", greet("hello", name="wave"))
    poll_edit(reloader)
    world.step()
    # what a log file keeps of the last TriggersLoaded record: its type and data, as JSON
    line = codec.encode(of_type(world, TriggersLoaded)[-1])
    data = json.loads(line)["data"]
    assert data["triggers"] == 2 and data["alarms"] == 0
    assert set(data["sources"]) == {"triggers/greet.toml", "triggers/wave.toml"}

    fresh, fresh_runtime = worlds()
    assert fresh_runtime.active.names == []
    fresh.emit(from_data(TriggersLoaded, data))
    fresh.step()
    assert fresh_runtime.active == runtime.active
    assert sorted(t for _, t in fresh.resources["notes"]) == ["edited", "hello"]


def test_a_hand_made_broken_triggers_loaded_installs_nothing(game):
    world, runtime, _, _ = game
    world.emit(TriggersLoaded({"evil.toml": BROKEN}, 1, 0))
    world.step()
    assert runtime.active.names == ["greet"] and last_note(world) == (2, "v1")
    [failure] = of_type(world, HandlerFailed)
    assert failure.event.event_type == "TriggersLoaded" and "unknown behaviour 'nte'" in failure.event.error


def test_load_files_refuses_a_broken_folder_and_installs_nothing(worlds, tmp_path):
    write(tmp_path / "a.toml", greet("a", name="a"))
    write(tmp_path / "b.toml", BROKEN)
    world, runtime = worlds()
    with pytest.raises(TriggerFileError) as caught:
        runtime.load_files([tmp_path])
    assert len(caught.value.problems) == 1
    assert runtime.active.names == [] and of_type(world, TriggersLoaded) == []
