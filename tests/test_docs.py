"""The docs do not lie: their programs run and print what the pages show,
their trigger files load, their commands parse, and the references cover
every command, option and field."""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import cli
from engine.expr import DEFAULT_FUNCTIONS
from engine.scripting import loads
from engine.scripting.loader import ALARM_FIELDS, TRIGGER_FIELDS, TRIGGER_NAMES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
EXAMPLES = sorted((DOCS / "examples").glob("*.py"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


def blocks(page: Path, kind: str | None = None) -> list[tuple[str, str]]:
    """The fenced code blocks of a page: (info string, text), in order."""
    found = [(m.group(1), m.group(2)) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]
    return [b for b in found if kind is None or b[0] == kind]


def run(path: Path) -> str:
    # This checkout's engine, not whichever one is installed: a script's own folder comes first on sys.path.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, str(path.relative_to(ROOT))], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def page_id(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def test_there_are_pages_and_examples():
    names = {page_id(p) for p in PAGES}
    assert {"README.md", "tutorial.md", "kafka.md", "reference/cli.md", "reference/triggers.md"} <= names
    assert len([n for n in names if n.startswith("concepts/")]) >= 9
    assert len(EXAMPLES) >= 9


# -- programs -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_small_and_says_what_it_shows(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 40
    assert ast.get_docstring(ast.parse(text))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_and_prints_what_its_page_shows(path):
    code = path.read_text(encoding="utf-8").rstrip()
    shown = []
    for page in PAGES:
        found = blocks(page)
        for index, (kind, text) in enumerate(found):
            if kind == "python" and text.rstrip() == code:
                output = found[index + 1] if index + 1 < len(found) else ("", "")
                assert output[0] == "text", f"{page_id(page)}: {path.name} is not followed by its output"
                shown.append(output[1].rstrip())
    assert shown, f"no page shows docs/examples/{path.name} in full"
    out = run(path).rstrip()
    for text in shown:
        assert text == out


def test_every_python_block_is_part_of_a_program_that_runs():
    programs = [*EXAMPLES, *(DOCS / "examples").glob("*/*.py"), *(ROOT / "examples").glob("*.py")]
    sources = [p.read_text(encoding="utf-8") for p in programs]
    for page in PAGES:
        for _, text in blocks(page, "python"):
            assert any(text.rstrip() in source for source in sources), f"{page_id(page)}: {text[:60]!r}..."


# -- trigger files -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def game_registry():
    from game.registry import make_registry

    return make_registry()


def test_every_toml_block_is_a_valid_trigger_file(game_registry):
    from engine.scripting.extensions import load_extensions

    # The extension page's files use the names its extension adds.
    extended = load_extensions([DOCS / "examples" / "honk"], game_registry).registry
    count = 0
    for page in PAGES:
        registry = extended if page == DOCS / "extensions.md" else game_registry
        for text in (t for _, t in blocks(page, "toml")):
            loads(text, registry, f"{page_id(page)} block")   # raises TriggerFileError, naming the problem
            count += 1
    assert count >= 5


def test_the_extension_page_shows_the_example_files_in_full():
    shown = [t.strip() for kind, t in blocks(DOCS / "extensions.md") if kind in ("python", "toml")]
    for name in ("honk.py", "honk.toml"):
        assert (DOCS / "examples" / "honk" / name).read_text(encoding="utf-8").strip() in shown, name


def test_the_alarm_page_quotes_the_real_frame_budget_alarm():
    (text,) = [t for _, t in blocks(DOCS / "concepts" / "alarms.md", "toml")]
    assert text.strip() in (ROOT / "assets" / "triggers" / "performance.toml").read_text(encoding="utf-8")


def test_the_tutorial_trigger_fires_in_the_game(tmp_path):
    from engine import codec
    from game.build import build_game
    from game.headless import run_headless

    (text,) = [t for _, t in blocks(DOCS / "tutorial.md", "toml") if "engine-starts" in t]
    triggers = tmp_path / "triggers"
    shutil.copytree(ROOT / "assets" / "triggers", triggers)
    (triggers / "my_first.toml").write_text(text, encoding="utf-8")
    game = build_game(seed=0, triggers=triggers)
    try:
        run_headless(game, 40.0)
        records = codec.load(_saved(game.world.log, tmp_path / "run.jsonl"))
    finally:
        game.world.close()
    ran = [r for r in records if r.type == "BehaviourRan" and r.data["trigger"] == "engine-starts"]
    assert ran, "the tutorial's trigger never fired"
    by_offset = {r.offset: r for r in records}
    sound = next(r for r in records if r.cause == ran[0].offset)
    assert (sound.type, sound.data["sound"]) == ("SoundStarted", "engine")
    chain = [sound]
    while chain[-1].cause is not None:
        chain.append(by_offset[chain[-1].cause])
    assert [r.type for r in reversed(chain)] == ["UsePressed", "EnteredVehicle", "BehaviourRan", "SoundStarted"]


def _saved(log, path: Path) -> Path:
    from engine import codec

    codec.save(log, path)
    return path


# -- commands ------------------------------------------------------------------------------------

def shell_commands() -> list[tuple[str, list[str]]]:
    found = []
    for page in PAGES:
        for _, text in blocks(page, "console"):
            for line in text.splitlines():
                if line.startswith("$ python -m engine") or line.startswith("$ python -m game"):
                    found.append((page_id(page), shlex.split(line[2:], comments=True)))
    return found


def test_every_command_in_the_docs_parses(monkeypatch, tmp_path):
    from game.cli import build_parser as game_parser

    engine_parser = cli.build_parser()
    monkeypatch.chdir(tmp_path)   # --events-out run.jsonl must name a folder that exists: this one
    (tmp_path / "my_triggers").mkdir()   # --triggers must name a folder that exists: the docs' own,
    (tmp_path / "my_triggers" / "mine.toml").write_text("")   # with something to load
    commands = shell_commands()
    assert len(commands) >= 20
    for page, argv in commands:
        program, args = argv[2], argv[3:]
        if program == "engine":
            if args[0] == "replay" and "replay" not in cli.COMMANDS:
                continue   # documented ahead of engine/replay.py
            engine_parser.parse_args(args)   # raises UsageError on a mistake
        else:
            try:
                game_parser().parse_args(args)
            except SystemExit:
                pytest.fail(f"{page}: python -m game {shlex.join(args)} does not parse")


def test_the_cli_reference_covers_every_command_and_option():
    from game.cli import build_parser as game_parser

    text = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    for name, sub in subparsers.choices.items():
        assert f"## `python -m engine {name}" in text, name
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert f"`{option}" in text, f"{name} {option}"
    assert "## `python -m engine replay" in text
    for action in game_parser()._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in text, f"game {option}"


def test_the_trigger_reference_covers_every_field_name_and_function(game_registry):
    text = (DOCS / "reference" / "triggers.md").read_text(encoding="utf-8")
    for field in {*TRIGGER_FIELDS, *ALARM_FIELDS}:
        assert f"| `{field}` |" in text, field
    for name in (*TRIGGER_NAMES, *game_registry.states):
        assert f"| `{name}` |" in text, name
    for function in DEFAULT_FUNCTIONS:
        assert f"`{function}" in text, function


# -- links ----------------------------------------------------------------------------------------

def slug(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_links_lead_somewhere(page):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page_id(page)}: broken link {target}"
        if anchor:
            headings = re.findall(r"^#+ (.*)$", linked.read_text(encoding="utf-8"), re.M)
            assert anchor in {slug(h) for h in headings}, f"{page_id(page)}: no heading for #{anchor}"
