"""Odd trigger files: each gets one line naming the file, never a traceback, a hang or silence.

A FIFO or a device named ``*.toml``, a symlink loop or a dangling symlink, a
file of 50 MB, TOML nested thousands deep, an integer of 5,000 digits, a
name that is not UTF-8: at ``check``, at game start and in hot reload.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import World
from engine.cli import main as engine_main
from engine.scripting import HotReloader, Registry, TriggerFileError, TriggerRuntime, TriggersReloadFailed
from engine.scripting import reload as reload_module
from engine.scripting.loader import loads, read_sources
from engine.scripting.sources import MAX_FILE_BYTES, trigger_files

GOOD = '[[alarm]]\nname = "clock"\nwhen = "tick % 2 == 0"\nenter = [{ behaviour = "note", text = "tick" }]\n'


def fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.toml")
    return "pipe.toml: not a regular file: a FIFO (named pipe)"


def device(folder: Path) -> str:
    (folder / "zero.toml").symlink_to("/dev/zero")
    return "zero.toml: not a regular file: a character device"


def dangling(folder: Path) -> str:
    (folder / "gone.toml").symlink_to("nowhere.toml")
    return "gone.toml: a dangling symlink (to 'nowhere.toml', which does not exist)"


def symlink_loop(folder: Path) -> str:
    (folder / "loop.toml").symlink_to("loop.toml")
    return "loop.toml: a symlink loop (the link leads back to itself)"


def huge(folder: Path) -> str:
    with open(folder / "huge.toml", "wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on the disk
    return f"huge.toml: too large (52,428,800 bytes; a trigger file may have at most {MAX_FILE_BYTES:,})"


def deep(folder: Path) -> str:
    (folder / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    return "deep.toml: TOML nested too deeply to read (arrays or tables inside each other hundreds of levels deep)"


def deep_tables(folder: Path) -> str:
    (folder / "tables.toml").write_text("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n")
    return "tables.toml: TOML nested too deeply to read (arrays or tables inside each other hundreds of levels deep)"


def long_integer(folder: Path) -> str:
    (folder / "digits.toml").write_text("[[trigger]]\nname = \"n\"\npriority = " + "7" * 5000 + "\n")
    return "digits.toml: a whole number has more than 4,300 digits"


def binary(folder: Path) -> str:
    (folder / "binary.toml").write_bytes(b"\xff\xfe\x00broken")
    return "binary.toml: not a UTF-8 text file"


def not_utf8_name(folder: Path) -> str:
    with open(os.fsencode(folder) + b"/caf\xe9.toml", "w") as out:
        out.write(GOOD.replace("clock", "other"))
    return "caf\\xe9.toml: the file name is not valid UTF-8; rename the file"


#: Refused when read, before any parser sees them.
UNREADABLE: list[Callable[[Path], str]] = [fifo, device, dangling, symlink_loop, huge, binary, not_utf8_name]
#: Read, then refused by the TOML parser's limits.
UNPARSABLE: list[Callable[[Path], str]] = [deep, deep_tables, long_integer]
ODD = UNREADABLE + UNPARSABLE

registry = Registry()


@registry.behaviour
def note(world: World, text: str) -> None:
    """Write it down."""
    world.resources.setdefault("notes", []).append((world.tick, text))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "triggers"
    made.mkdir()
    (made / "good.toml").write_text(GOOD)
    return made


@pytest.mark.parametrize("make", UNREADABLE, ids=lambda f: f.__name__)
def test_reading_gives_one_line_naming_the_file(folder: Path, make: Callable[[Path], str]) -> None:
    expected = make(folder)
    sources, problems = read_sources([folder], relative_to=folder)
    assert [str(p) for p in problems] == [expected]
    assert list(sources) == ["good.toml"]


@pytest.mark.parametrize("make", ODD, ids=lambda f: f.__name__)
def test_loading_refuses_the_set_with_one_line_naming_the_file(folder: Path, make: Callable[[Path], str]) -> None:
    expected = make(folder)
    world = World()
    with pytest.raises(TriggerFileError) as refused:
        TriggerRuntime(world, registry).load_files([folder], relative_to=folder)
    assert [str(p) for p in refused.value.problems] == [expected]
    world.close()


@pytest.mark.parametrize("make", ODD, ids=lambda f: f.__name__)
def test_check_prints_one_line_and_exits_1(folder: Path, make: Callable[[Path], str], capsys, monkeypatch) -> None:
    expected = make(folder)
    monkeypatch.chdir(folder)
    assert engine_main(["check", ".", "--registry", __name__]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [expected, "1 problem found"]


def test_whatever_else_the_parser_raises_is_one_line(monkeypatch) -> None:
    import tomllib

    def odd(text: str) -> None:
        raise OverflowError("a parser bug\nover two lines")

    monkeypatch.setattr(tomllib, "loads", odd)
    with pytest.raises(TriggerFileError) as refused:
        loads(GOOD, registry, "odd.toml")
    assert str(refused.value) == "odd.toml: TOML value cannot be read: OverflowError: a parser bug over two lines"


def test_a_fifo_named_directly_does_not_block(folder: Path, capsys) -> None:
    fifo(folder)
    assert engine_main(["check", str(folder / "pipe.toml"), "--registry", "game.registry"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == f"{folder}/pipe.toml: not a regular file: a FIFO (named pipe)"


def test_a_symlink_loop_named_directly_is_its_problem_not_a_missing_file(folder: Path, capsys) -> None:
    symlink_loop(folder)
    assert engine_main(["check", str(folder / "loop.toml"), "--registry", "game.registry"]) == 1
    assert capsys.readouterr().err.splitlines()[0].endswith("loop.toml: a symlink loop (the link leads back to itself)")


@pytest.mark.parametrize("make", [fifo, dangling, huge, deep, not_utf8_name], ids=lambda f: f.__name__)
def test_the_game_does_not_start_and_says_which_file(tmp_path: Path, make, capsys, monkeypatch) -> None:
    import game.build
    from game.cli import main

    triggers = tmp_path / "triggers"
    shutil.copytree(game.build.TRIGGERS, triggers)
    expected = make(triggers)
    monkeypatch.setattr(game.build, "TRIGGERS", triggers)
    assert main(["--headless", "--seconds", "0.1"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].endswith(expected)
    assert err[1].startswith("error: the game's trigger files or extensions are not valid")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0  # every poll is due
        return self.now


def reloading(folder: Path) -> tuple[World, HotReloader]:
    world = World()
    runtime = TriggerRuntime(world, registry)
    runtime.load_files([folder], relative_to=folder)
    return world, HotReloader(runtime, [folder], clock=FakeClock(), relative_to=folder)


def failures(world: World) -> list[tuple[str, ...]]:
    return [r.event.errors for r in world.log if isinstance(r.event, TriggersReloadFailed)]


@pytest.mark.parametrize("make", ODD, ids=lambda f: f.__name__)
def test_hot_reload_refuses_an_odd_file_in_one_line_and_keeps_the_last_good_set(folder: Path, make) -> None:
    world, reloader = reloading(folder)
    expected = make(folder)
    assert reloader.poll() is False  # seen changed; applied once it stays so
    assert reloader.poll() is True
    world.run(4)
    assert failures(world) == [(expected,)]
    assert world.resources["notes"] == [(0, "tick"), (2, "tick")]  # the last good set keeps running


def test_hot_reload_turns_any_failure_into_a_record(folder: Path, monkeypatch) -> None:
    world, reloader = reloading(folder)

    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no message either")

    def explode(*args: object, **kwargs: object) -> None:
        raise Unprintable()

    monkeypatch.setattr(reload_module, "load_sources", explode)
    assert reloader.reload() is False
    monkeypatch.setattr(reload_module, "read_sources", lambda *a: (_ for _ in ()).throw(MemoryError("x" * 10**6)))
    assert reloader.reload() is False
    world.run(1)
    first, second = failures(world)
    assert first == ("reloading failed: Unprintable: (its message cannot be shown)",)
    assert second[0].startswith("reloading failed: MemoryError: xxx") and len(second[0]) < 300


def test_a_folder_symlink_loop_is_walked_once(folder: Path) -> None:
    (folder / "again").symlink_to(".")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")
    assert trigger_files([folder]) == [folder / "good.toml"]


def test_hidden_files_are_left_out_and_folders_named_toml_are_walked(folder: Path) -> None:
    (folder / ".#good.toml").symlink_to("someone@host.1234")  # an editor's lock file
    (folder / ".backup.toml").write_text("broken")
    (folder / "more.toml").mkdir()
    (folder / "more.toml" / "inner.toml").write_text(GOOD.replace("clock", "inner"))
    assert trigger_files([folder]) == [folder / "good.toml", folder / "more.toml" / "inner.toml"]


def test_a_folder_that_cannot_be_listed_is_named(folder: Path, monkeypatch) -> None:
    locked = folder / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path):  # as for a folder without read permission (root, running the tests, may read any)
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    _, problems = read_sources([folder], relative_to=folder)
    assert [str(p) for p in problems] == ["locked: a folder that cannot be read (Permission denied)"]


def test_a_reload_with_hundreds_of_problems_records_the_first_fifty(folder: Path) -> None:
    world, reloader = reloading(folder)
    broken = "".join(f'[[trigger]]\nname = "t{i}"\non = "Pong"\ndo = [{{ behaviour = "note", text = "x" }}]\n'
                     for i in range(120))
    (folder / "broken.toml").write_text(broken)
    assert reloader.reload() is False
    world.run(1)
    (errors,) = failures(world)
    assert len(errors) == 51 and errors[0].startswith("broken.toml: trigger 't0': on: unknown event type 'Pong'")
    assert errors[-1] == "... and 70 more problems (python -m engine check lists them all)"
