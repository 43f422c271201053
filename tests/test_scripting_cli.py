"""``python -m engine check PATH...``: validate trigger files without running a game.

Exit status 0 when every file is valid, 1 when a file has problems (one line
each on stderr), 2 for a mistake in the command itself (one line, no traceback).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent

#: A registry module, written to a temporary folder and named with --registry.
REGISTRY_MODULE = '''
"""A tiny game's registry, for `python -m engine check --registry`."""
from engine import Event, World, event
from engine.scripting import Entity, Registry


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


registry = Registry()
registry.events(Shot)
registry.state("wanted", lambda world: {"level": 0})


@registry.behaviour
def damage(world: World, target: Entity, amount: int) -> None:
    """Lower the target's health."""


@registry.behaviour
def play_sound(world: World, sound: str, loop: bool = False) -> None:
    """Play a sound."""


@registry.behaviour
def despawn_npcs(world: World) -> None:
    """Empty the streets."""
'''

MODULES = {
    "scripting_cli_registry": REGISTRY_MODULE,
    "scripting_cli_factory": "from scripting_cli_registry import registry as _r\n\n"
                             "def make_registry():\n    return _r\n",
    "scripting_cli_boom": "raise RuntimeError('boom')\n",
    "scripting_cli_failing": "def make_registry():\n    raise ValueError('nope')\n",
    "scripting_cli_nothing": "x = 1\n",
}

VALID = """
[[trigger]]
name = "getting-shot-hurts"
on = "Shot"
when = "event.damage > 0"
do = [{ behaviour = "damage", target = "event.target", amount = "event.damage" }]
"""

POLICE = """
[[alarm]]
name = "police-chase"
when = "wanted.level >= 1"
enter = [{ behaviour = "play_sound", sound = "siren", loop = true },
         { behaviour = "despawn_npc" }]
"""

POLICE_LINE = ("police.toml: alarm 'police-chase': enter[1].behaviour: unknown behaviour 'despawn_npc' "
               "(did you mean 'despawn_npcs'?)")


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("registries")
    for name, text in MODULES.items():
        (folder / f"{name}.py").write_text(text)
    return folder


@pytest.fixture
def on_path(module_dir, monkeypatch):
    """The registry modules are importable (and forgotten afterwards)."""
    monkeypatch.syspath_prepend(str(module_dir))
    yield module_dir
    for name in MODULES:
        sys.modules.pop(name, None)


@pytest.fixture
def files(tmp_path, monkeypatch) -> Path:
    """A working folder with valid.toml and police.toml; the current directory."""
    (tmp_path / "valid.toml").write_text(VALID)
    (tmp_path / "police.toml").write_text(POLICE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


# -- in process -------------------------------------------------------------------------------

def test_valid_files_exit_0(capsys, on_path, files):
    assert run(capsys, "check", "valid.toml", "--registry", "scripting_cli_registry") == (
        0, ["all trigger files are valid"], [])


def test_a_problem_is_one_line_on_stderr_and_exit_1(capsys, on_path, files):
    code, out, err = run(capsys, "check", "valid.toml", "police.toml", "--registry", "scripting_cli_registry")
    assert (code, out) == (1, [])
    assert err == [POLICE_LINE, "1 problem found"]


def test_every_kind_of_problem_across_files(capsys, on_path, files):
    (files / "broken").mkdir()
    problems = {
        "dup.toml": VALID,                                          # same name as valid.toml
        "syntax.toml": '[[trigger]]\nname = "oops\n',
        "tables.toml": '[[triggers]]\nname = "x"\n',
        "fields.toml": '[[trigger]]\nname = "f"\non = "Shot"\ncooldwn = 1\n'
                       'do = [{ behaviour = "damage", target = "event.target", amount = "event.dmg" }]\n',
        "types.toml": '[[trigger]]\nname = "t"\non = "Shoot"\n'
                      'do = [{ behaviour = "play_sound", sound = 1, volume = 3 }, { behaviour = "damage" }]\n',
    }
    for name, text in problems.items():
        (files / "broken" / name).write_text(text)
    code, out, err = run(capsys, "check", "valid.toml", "broken", "--registry", "scripting_cli_registry")
    assert code == 1 and out == []
    *lines, total = err
    assert total == f"{len(lines)} problems found"
    b = os.path.join("broken", "")
    assert lines == [
        f"{b}fields.toml: trigger 'f': cooldwn: unknown field (did you mean 'cooldown'?); "
        "expected one of name, on, when, do, once, cooldown, priority, enabled, description",
        f"{b}fields.toml: trigger 'f': do[0].amount: Shot has no field 'dmg' (did you mean 'damage'?); "
        "its fields are shooter, target, damage",
        lines[2],  # the TOML parser's own words, checked below
        f"{b}tables.toml: triggers: unknown table 'triggers'; expected [[trigger]] or [[alarm]] "
        "(did you mean 'trigger'?)",
        f"{b}types.toml: trigger 't': on: unknown event type 'Shoot' (did you mean 'Shot'?)",
        f"{b}types.toml: trigger 't': do[0].sound: expected string, found int 1",
        f"{b}types.toml: trigger 't': do[0].volume: behaviour 'play_sound' has no parameter 'volume'; "
        "its parameters: sound, loop",
        f"{b}types.toml: trigger 't': do[1].target: missing parameter 'target' of behaviour 'damage' "
        "(expected entity)",
        f"{b}types.toml: trigger 't': do[1].amount: missing parameter 'amount' of behaviour 'damage' "
        "(expected int)",
        # names are compared across files once every file is parsed
        f"{b}dup.toml: trigger 'getting-shot-hurts': name: duplicate name; already used in valid.toml",
    ]
    assert lines[2].startswith(f"{b}syntax.toml: TOML syntax error: ") and "line 2" in lines[2]


def test_registry_module_may_offer_make_registry(capsys, on_path, files):
    code, _, err = run(capsys, "check", "police.toml", "--registry", "scripting_cli_factory")
    assert code == 1 and err[0] == POLICE_LINE


def test_list_describes_the_registry(capsys, on_path, files):
    code, out, _ = run(capsys, "check", "valid.toml", "--list", "--registry", "scripting_cli_registry")
    assert code == 0
    assert "  damage(target: entity, amount: int) — Lower the target's health." in out
    assert "  play_sound(sound: string, loop: bool = False) — Play a sound." in out
    assert "state:" in out and "  wanted: " in out and out[-1] == "all trigger files are valid"


def test_list_shows_the_first_paragraph_of_a_docstring_whole(capsys, files):
    # A summary that wraps over two lines is shown on one, not cut after the first.
    code, out, _ = run(capsys, "check", str(ROOT / "assets" / "triggers"), "--list")
    assert code == 0
    assert [line for line in out if line.startswith("  clear_traffic(")] == [
        "  clear_traffic() -> Despawned, TrafficDespawned — Empty the roads: every traffic car leaves "
        "(at the start of the next tick), and none come back until ``restore_traffic``."]


def test_without_registry_flag_the_installed_game_is_found(capsys, files):
    # The game's registry comes through the wanted.registries entry point (pip install -e .).
    assert run(capsys, "check", str(ROOT / "assets" / "triggers"))[0] == 0
    code, _, err = run(capsys, "check", "police.toml")   # the game has despawn_npcs too
    assert code == 1 and err == [POLICE_LINE, "1 problem found"]


@pytest.mark.parametrize(("argv", "message"), [
    (["check"], "the following arguments are required: PATH"),
    (["check", "x.toml", "--registry", "scripting_cli_missing"],
     "--registry scripting_cli_missing: no module named 'scripting_cli_missing'"),
    (["check", "x.toml", "--registry", "scripting_cli_nothing"],
     "scripting_cli_nothing: has no 'registry' (a Registry) or 'make_registry()'"),
    (["check", "x.toml", "--fast"], "unrecognized arguments: --fast"),
    (["check", "x.toml", "--registry", "scripting_cli_boom"],
     "--registry scripting_cli_boom: importing it failed: RuntimeError: boom"),
    (["check", "x.toml", "--registry", "scripting_cli_failing"],
     "scripting_cli_failing: make_registry() failed: ValueError: nope"),
    (["check", "nowhere.toml", "--registry", "scripting_cli_registry"], "nowhere.toml: no such file or folder"),
    (["check", "empty", "--registry", "scripting_cli_registry"],
     "empty: no .toml trigger files or .py extensions in this folder"),
])
def test_usage_mistakes_are_one_line_and_exit_2(capsys, on_path, files, argv, message):
    (files / "empty").mkdir()
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == []
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]


def test_an_unreadable_file_is_a_problem_named_relative_to_where_it_was_found(capsys, on_path, files):
    (files / "binary.toml").write_bytes(b"\xff\xfe\x00broken")
    code, _, err = run(capsys, "check", "binary.toml", "--registry", "scripting_cli_registry")
    assert code == 1 and err == ["binary.toml: not a UTF-8 text file", "1 problem found"]


# -- as a real command -------------------------------------------------------------------------

def python_m_engine(*args: str, cwd: Path = ROOT, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_the_game_triggers_check_clean():
    # One warning: a loop the game means to have (see tests/test_scripting_cycles.py).
    done = python_m_engine("check", "assets/triggers")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "assets/triggers/combat.toml: trigger 'wasted': warning: a loop: 'wasted' -> HealthChanged -> 'wasted'; "
        "only the condition of 'wasted' can break it", "all trigger files are valid",
        "1 warning (--strict makes warnings errors)"]


def test_registry_flag_from_the_command_line(module_dir, files):
    done = python_m_engine("check", "valid.toml", "police.toml", "--registry", "scripting_cli_registry",
                           cwd=files, pythonpath=module_dir)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [POLICE_LINE, "1 problem found"]


@pytest.mark.parametrize("args", [["check"], ["check", "x.toml", "--registry", "scripting_cli_missing"]])
def test_usage_mistakes_from_the_command_line(args):
    done = python_m_engine(*args)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")

