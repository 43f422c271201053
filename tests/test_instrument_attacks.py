"""Issue 13's commands attacked with hostile input: each problem found is kept here as a regression test.

The standard for every one: one line naming what was wrong and where, a
non-zero exit (2 for a mistake in the input), no traceback, bounded work.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.record import Record
from engine.scripting.loader import TriggerFileError
from engine.scripting.values import MAX_ITEMS
from game.build import TRIGGERS
from tests.test_consequences import branching_world, written
from tests.test_extensions import load_one
from tests.test_whatif import shipped_log


class _FailingOutput(io.StringIO):
    """A stdout whose writes fail as a closed pipe or a full disk make them fail."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


@pytest.mark.parametrize(("error", "status", "said"), [
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), 0, ""),   # `| head -1`: the reader has all it wants
    (OSError(errno.ENOSPC, "No space left on device"), 1, "error: cannot write the output: No space left on device"),
])
def test_why_forward_blames_the_output_not_the_log_when_writing_fails(tmp_path, capsys, monkeypatch, error,
                                                                        status, said):
    path = written(branching_world(2, 3), tmp_path)
    monkeypatch.setattr("sys.stdout", _FailingOutput(error))
    assert main(["why", path, "1", "--forward"]) == status
    err = capsys.readouterr().err
    assert err.strip() == said and path not in err


# -- what-if replay: logs that lie, folders whose extensions fail -------------------------------------------------

@pytest.fixture(scope="module")
def game_log(tmp_path_factory) -> Path:
    return shipped_log(tmp_path_factory.mktemp("attack"), 0, 12)


def one_line_error(capsys, argv: list[str]) -> str:
    status = main(argv)
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: ")
    return err.strip()


def edited_log(game_log: Path, tmp_path: Path, edit: Callable[[list[dict]], None]) -> str:
    records = [json.loads(line) for line in game_log.read_text().splitlines()]
    edit(records)
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def _first(records: list[dict], kind: str) -> dict:
    return next(r for r in records if r["type"] == kind)


def _drop_line(records: list[dict]) -> None:
    del records[5]


def _cause_forward(records: list[dict]) -> None:
    records[5]["cause"] = len(records) - 1


def _extensions_text(records: list[dict]) -> None:
    records[0]["data"]["options"]["extensions"] = "abc"


def _sources_text(records: list[dict]) -> None:
    _first(records, "TriggersLoaded")["data"]["sources"] = "nope"


@pytest.mark.parametrize(("edit", "said"), [
    (_drop_line, "offset 6 does not follow offset 4"),       # was a report blaming the folder for the gap
    (_cause_forward, "is not an earlier offset than 5"),      # the same
    (_extensions_text, "option 'extensions' must be a table"),  # was a traceback (ValueError in dict.update)
    (_sources_text, "TriggersLoaded 'sources' must be a table"),  # was a traceback
])
def test_what_if_refuses_a_log_that_lies_in_one_line(game_log, tmp_path, capsys, edit, said):
    path = edited_log(game_log, tmp_path, edit)
    assert said in one_line_error(capsys, ["replay", path, "--triggers", str(TRIGGERS)])


@pytest.mark.parametrize("code", ["import sys\nsys.exit(3)\n",
                                  "def extend(registry):\n    raise RuntimeError('boom')\n",
                                  "def extend(registry:\n"])
def test_what_if_blames_the_folder_for_an_extension_that_fails(game_log, tmp_path, capsys, code):
    folder = tmp_path / "triggers"
    shutil.copytree(TRIGGERS, folder)
    (folder / "bad.py").write_text(code)
    message = one_line_error(capsys, ["replay", str(game_log), "--triggers", str(folder)])
    assert message.startswith(f"error: --triggers {folder}: ") and "bad.py" in message
    assert "SimulationStarted" not in message


def test_what_if_names_the_folder_first_when_it_is_no_folder(game_log, tmp_path, capsys):
    message = one_line_error(capsys, ["replay", str(game_log), "--triggers", str(tmp_path / "none")])
    assert message == f"error: --triggers {tmp_path / 'none'}: not a folder"


# -- extensions in a trigger folder: what extend(registry) returns -----------------------------------------------

@pytest.mark.parametrize(("text", "line"), [
    # A generator that never ends: the load hung and grew without bound.
    ("from engine.scripting import trigger\ndef extend(registry):\n    while True:\n"
     "        yield trigger('t', on='Shot', do=[])\n",
     f"triggers/ext.py: extend(registry) returned more than {MAX_ITEMS:,} triggers and alarms"),
    # A generator that raises as it yields: a traceback out of the loader.
    ("def extend(registry):\n    yield 1 // 0\n", "triggers/ext.py:2: extend(registry) raised: ZeroDivisionError: "
                                                   "integer division or modulo by zero"),
])
def test_what_extend_returns_is_bounded_and_its_failures_are_one_line(tmp_path, text, line):
    with pytest.raises(TriggerFileError) as caught:
        load_one(tmp_path, text)
    assert [str(p) for p in caught.value.problems] == [line]


# -- trace and why print what a log holds: a hostile log must not drive the terminal ------------------------------

HOSTILE = {"k\x1b[31m\ney": 1, "text": "a\x1b[2J\rb\x07\u202ec", "nested": {"a\rb": "c\nd"}}


@pytest.mark.parametrize("full", [False, True])
def test_describe_escapes_control_characters_in_keys_and_values(full):
    line = Record(offset=3, tick=1, type="Noted", cause=None, event=None, data=HOSTILE).describe(full=full)
    assert line.isprintable()   # no ESC, CR, BEL, newline or bidi override reaches the terminal
    assert "k\\x1b[31m\\ney=1" in line and "\\x1b[2J\\rb\\x07\\u202ec" in line and "a\\rb:" in line


def test_trace_of_a_hostile_log_keeps_each_record_on_one_printable_line(tmp_path, capsys):
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps({"offset": 0, "tick": 0, "type": "Noted", "cause": None, "data": HOSTILE}) + "\n")
    for extra in ([], ["--full"]):
        assert main(["trace", str(path), *extra]) == 0
        out = capsys.readouterr().out
        assert out.count("\n") == 1 and out.rstrip("\n").isprintable()


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=80) | st.integers() | st.lists(st.text(max_size=5)),
                       max_size=4))
def test_any_record_describes_as_one_printable_line(data):
    record = Record(offset=0, tick=0, type="Noted", cause=None, event=None, data=data)
    for full in (False, True):
        assert record.describe(full=full).isprintable()


# -- a killed run's log (its last line cut off): plot and graph --log use what is whole, as trace and why do -------

def cut_log(game_log: Path, tmp_path: Path) -> Path:
    text = game_log.read_text()
    path = tmp_path / "killed.jsonl"
    path.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 30])   # the last line, cut after 29 characters
    return path


def test_graph_weighs_a_killed_runs_log_by_its_whole_lines(game_log, tmp_path, capsys):
    path = cut_log(game_log, tmp_path)
    whole = len(path.read_text().splitlines()) - 1
    out = tmp_path / "graph.dot"
    assert main(["graph", "--log", str(path), "-o", str(out)]) == 0
    printed, err = capsys.readouterr()
    assert f"weighted by the {whole:,} records" in printed and out.exists()
    assert err.count("\n") == 1 and err.startswith("warning: ") and "the last line is cut off" in err


def test_plot_draws_a_killed_runs_log_with_one_warning(game_log, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = cut_log(game_log, tmp_path)
    out = tmp_path / "plot.png"
    assert main(["plot", str(path), "-o", str(out), "--ticks", "0:1"]) == 0
    err = capsys.readouterr().err
    assert out.exists() and err.count("\n") == 1 and "the last line is cut off" in err


# -- at: --state names a value as the table prints it ------------------------------------------------------------

def test_at_state_takes_one_value_as_the_table_prints_it(game_log, capsys):
    assert main(["at", str(game_log), "100", "--state", "wanted.level"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[0] for row in rows] == ["wanted.level"]
    message = one_line_error(capsys, ["at", str(game_log), "100", "--state", "wanted.lev"])
    assert "--state wanted.lev: no such state name" in message and "wanted.level" in message


def _hostile_names(records: list[dict]) -> None:
    _first(records, "BehaviourRan")["data"]["trigger"] = "evil\x1b[2J\rX"
    sources = _first(records, "TriggersLoaded")["data"]["sources"]
    sources["x.toml"] = 'trigger = 5\n[[alarm]]\nname = "bad\\u001b[31m\\nname"\nwhen = "true"\n'


def test_what_if_reports_a_hand_edited_logs_names_printably(game_log, tmp_path, capsys):
    # `trigger = 5` in a recorded file was a TypeError traceback; an ESC in a logged trigger name reached the terminal.
    path = edited_log(game_log, tmp_path, _hostile_names)
    assert main(["replay", path, "--triggers", str(TRIGGERS)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert all(line.isprintable() for line in out.splitlines())
    assert "evil\\x1b[2J\\rX" in out and "removed alarm 'bad\\x1b[31m\\nname'" in out


# -- graph: trigger names are the user's text ------------------------------------------------------------------------

def test_graph_draws_trigger_names_with_backslashes_and_control_characters(tmp_path, capsys):
    # A name ending in a backslash escaped DOT's closing quote: the .dot was unreadable (exit 0) and .svg
    # failed with four DotSyntaxWarning lines and "dot failed".
    folder = tmp_path / "triggers"
    shutil.copytree(TRIGGERS, folder)
    (folder / "names.toml").write_text('[[trigger]]\nname = "ends in a backslash\\\\"\non = "Shot"\n'
                                       'do = [{ behaviour = "play_sound", sound = "heal" }]\n'
                                       '[[trigger]]\nname = "esc \\u001b[31m and a\\nnewline"\non = "Shot"\n'
                                       'do = [{ behaviour = "play_sound", sound = "heal" }]\n')
    out = tmp_path / "graph.dot"
    assert main(["graph", str(folder), "-o", str(out)]) == 0
    source = out.read_text()
    assert '"reactor/ends in a backslash\\\\"' in source and "\x1b" not in source
    assert "esc \\\\x1b[31m and a\\\\nnewline" in source
    if shutil.which("dot"):
        svg = tmp_path / "graph.svg"
        assert main(["graph", str(folder), "-o", str(svg)]) == 0 and svg.stat().st_size > 0
    assert capsys.readouterr().err == ""


# -- fuzz: whatever the bytes, each command answers or refuses in one line ----------------------------------------

def run_quietly(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with its output captured (hypothesis cannot reuse a function-scoped capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def assert_answers_or_refuses(status: int, err: str) -> None:
    assert "Traceback" not in err
    if status == 2:
        assert err.startswith("error: ") or err.startswith("warning: ")
        assert err.count("\n") <= 2   # at most a cut-off warning and the error
    else:
        assert status == 0 and err.count("\n") <= 1


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(0, 10_000), noise=st.binary(max_size=12), offset=st.integers(-2, 40),
       forward=st.booleans())
def test_why_on_a_log_with_bytes_replaced_answers_or_refuses(tmp_path_factory, cut, noise, offset, forward):
    source = Path(written(branching_world(2, 2), tmp_path_factory.mktemp("log"))).read_bytes()
    at = cut % (len(source) + 1)
    path = tmp_path_factory.mktemp("fuzz") / "log.jsonl"
    path.write_bytes(source[:at] + noise + source[at + len(noise):])
    status, _, err = run_quietly(["why", str(path), str(offset), *(["--forward"] if forward else [])])
    assert_answers_or_refuses(status, err)


@settings(max_examples=6, deadline=None)
@given(line=st.integers(1, 10_000), field=st.sampled_from(["offset", "tick", "cause", "type", "data"]),
       value=st.none() | st.integers(-3, 10**6) | st.text(max_size=6) | st.lists(st.integers(), max_size=2))
def test_at_and_what_if_on_a_log_with_one_field_changed_answer_or_refuse(game_log, tmp_path_factory, line, field,
                                                                         value):
    records = [json.loads(text) for text in game_log.read_text().splitlines()]
    records[line % len(records)][field] = value
    path = tmp_path_factory.mktemp("fuzz") / "log.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    for argv in (["at", str(path), "200"], ["replay", str(path), "--triggers", str(TRIGGERS)]):
        status, _, err = run_quietly(argv)
        assert_answers_or_refuses(status, err)   # a failing handler's one line may come before the error


@settings(max_examples=25, deadline=None)
@given(text=st.text(st.characters(codec="utf-8"), max_size=200)
       | st.builds(lambda name, on, behaviour: f'[[trigger]]\nname = {name!r}\non = {on!r}\n'
                   f'do = [{{ behaviour = {behaviour!r} }}]\n',
                   st.text(max_size=10), st.sampled_from(["Shot", "Died", "Nope", ""]),
                   st.sampled_from(["play_sound", "heal", "despawn_npcs", "nope"])))
def test_graph_of_a_folder_with_any_trigger_text_draws_or_refuses(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("triggers")
    (folder / "fuzz.toml").write_text(text, encoding="utf-8")
    status, _, err = run_quietly(["graph", str(folder), "-o", str(folder / "graph.dot")])
    assert_answers_or_refuses(status, err)


# -- --registry MODULE: the module is the user's code ---------------------------------------------------------------

@pytest.mark.parametrize(("code", "said"), [
    ("import sys\nsys.exit(0)\n", "importing it failed: SystemExit: 0"),       # was exit 0, nothing written
    ("def make_registry():\n    raise SystemExit(4)\n", "make_registry() failed: SystemExit: 4"),
])
def test_a_registry_module_that_exits_is_one_line_not_a_silent_success(tmp_path, capsys, monkeypatch, code, said):
    (tmp_path / "exiting_registry.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "exiting_registry", raising=False)   # put back as it was afterwards
    out = tmp_path / "graph.dot"
    for argv in (["graph", str(TRIGGERS), "-o", str(out)], ["check", str(TRIGGERS)]):
        message = one_line_error(capsys, [*argv, "--registry", "exiting_registry"])
        assert said in message
    assert not out.exists()


@pytest.mark.parametrize("triggers", [[], ["--triggers", str(TRIGGERS)]])
def test_replay_refuses_a_max_gap_too_big_to_count_in_ticks(game_log, capsys, triggers):
    # 1e308 seconds overflowed when turned into ticks: an OverflowError traceback, exit 1.
    message = one_line_error(capsys, ["replay", str(game_log), *triggers, "--max-gap", "1e308"])
    assert "argument --max-gap: expected at most 1,000,000,000 seconds, got '1e308'" in message


# -- plot: a one-tick window draws the tick's chain, so row and chain options cannot apply -------------------------

@pytest.mark.parametrize("extra", [["--why", "5"], ["--types", "Nope"], ["--entity", "1"]])
def test_plot_of_one_tick_refuses_options_it_would_ignore(tmp_path, capsys, extra):
    path = written(branching_world(2, 2), tmp_path)   # was exit 0, the option silently left out
    message = one_line_error(capsys, ["plot", path, "--ticks", "0:1", "-o", str(tmp_path / "p.png"), *extra])
    assert f"{extra[0]}: a one-tick window (0:1) draws every record" in message


def _joined(records: list[dict]) -> None:
    records.extend(json.loads(json.dumps(records)))   # two runs in one file: `cat a.jsonl b.jsonl`


@pytest.mark.parametrize(("edit", "said"), [
    (_joined, "does not follow offset"),          # was "the replay differs from the log at line 45"
    (_drop_line, "offset 6 does not follow offset 4"),
    (_cause_forward, "is not an earlier offset than 5"),
])
def test_at_refuses_a_log_whose_records_do_not_follow_each_other(game_log, tmp_path, capsys, edit, said):
    path = edited_log(game_log, tmp_path, edit)
    assert said in one_line_error(capsys, ["at", path, "100"])
