"""The tutorial's numbers are the game's numbers.

docs/tutorial.md promises "you should see the same numbers as we do". These
tests follow the page as a reader would, in order, in a scratch project
folder: they run each of its `python -m game` and `python -m engine`
commands in-process, create `assets/triggers/my_first.toml` from the page's
own TOML block where the page says to, try the page's typo, and check that
every output the page shows is what the command prints now. Then they check
the numbers quoted in the prose (record counts, the offsets given to `why`,
the types at those offsets) and in the pages that quote the tutorial's run
(the command reference and the causality page).

In the page's console blocks, a line `...` (indented or not) stands for any
number of lines, and a line ending in ` ...` for one line that starts with
what comes before. When the game changes, update the page from what the
commands print.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from engine import cli as engine_cli
from engine import codec
from engine.record import Record

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TUTORIAL = DOCS / "tutorial.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
MY_FIRST = Path("assets") / "triggers" / "my_first.toml"   # where the page says to create it
TYPO = ('behaviour = "play_sound"', 'behaviour = "play_sond"')


def blocks(page: Path) -> list[tuple[str, str]]:
    """The fenced code blocks of a page: (info string, text), in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]


@dataclass
class Step:
    """One command of the page, what the page shows it prints, and what it printed."""

    where: str                      # "block N" of the page, for messages
    argv: list[str]                 # without the leading "python -m"
    shown: list[str]                # the output lines on the page (empty: none shown)
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    status: int | None = None
    log: list[Record] = field(default_factory=list)   # run.jsonl after the command
    saved: Path | None = None                          # a copy of the run.jsonl it wrote

    @property
    def id(self) -> str:
        return f"{self.where}: {shlex.join(self.argv)}"


def console_steps(index: int, text: str) -> list[Step]:
    """The commands of a console block, each with the output lines shown under it."""
    steps: list[Step] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            argv = shlex.split(line[2:], comments=True)
            steps.append(Step(f"block {index}", argv[2:] if argv[:2] == ["python", "-m"] else argv, []))
        elif steps:
            steps[-1].shown.append(line)
    return [s for s in steps if s.argv[:1] in (["game"], ["engine"])]   # not `pip install`


def page_steps(page: Path) -> list[Step]:
    """Every command of a page's console blocks, in order, each with the output shown under it."""
    found: list[Step] = []
    for index, (info, text) in enumerate(blocks(page)):
        if info == "console":
            found.extend(console_steps(index, text))
    return found


def run_steps(steps: list[Step]) -> list[Step]:
    """Run each step in the working folder, in order, keeping its status and output on it."""
    for step in steps:
        step.status, step.out, step.err = run_command(step.argv)
    return steps


def lines_match(shown: list[str], actual: list[str]) -> bool:
    """Do the output lines on the page match the printed ones? ``...`` elides, see the module doc."""
    shown = [s.rstrip() for s in shown]
    actual = [a.rstrip() for a in actual]

    def match(i: int, j: int) -> bool:
        if i == len(shown):
            return j == len(actual)
        if shown[i].strip() == "...":
            return any(match(i + 1, k) for k in range(j, len(actual) + 1))
        if j == len(actual):
            return False
        line = shown[i]
        same = actual[j].startswith(line[:-3]) if line.endswith("...") else actual[j] == line
        return same and match(i + 1, j + 1)

    return match(0, 0)


def run_command(argv: list[str]) -> tuple[int, list[str], list[str]]:
    """Run `python -m game|engine ARGV` in-process: (exit status, stdout lines, stderr lines)."""
    from game import cli as game_cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main = game_cli.main if argv[0] == "game" else engine_cli.main
        try:
            status = main(argv[1:])
        except SystemExit as exit_:   # argparse
            status = exit_.code if isinstance(exit_.code, int) else 2
    return status, out.getvalue().splitlines(), err.getvalue().splitlines()


@dataclass
class Walk:
    """The tutorial, followed in a scratch project folder."""

    folder: Path
    steps: list[Step]
    json_lines: list[tuple[str, list[Record]]]         # the page's sample log lines, and the log at that point
    typo: tuple[str, tuple[int, list[str], list[str]]] | None = None   # the page's text, what check printed


def the_page_steps() -> list[Step]:
    return [s for i, (kind, text) in enumerate(blocks(TUTORIAL)) if kind == "console"
            for s in console_steps(i, text)]


@pytest.fixture(scope="module")
def walk(tmp_path_factory) -> Walk:
    import game.build

    folder = tmp_path_factory.mktemp("project")
    triggers = folder / "assets" / "triggers"
    shutil.copytree(ROOT / "assets" / "triggers", triggers)
    built = []
    real_build_game = game.build.build_game

    def build_game(*args, **kwargs):
        # `python -m game` reads the project's assets/triggers: here, the scratch copy.
        kwargs.setdefault("triggers", triggers)
        built.append(real_build_game(*args, **kwargs))
        return built[-1]

    result = Walk(folder, [], [])
    log: list[Record] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setattr(game.build, "TRIGGERS", triggers)
        patch.setattr(game.build, "build_game", build_game)
        try:
            for index, (kind, text) in enumerate(blocks(TUTORIAL)):
                if kind == "console":
                    for step in console_steps(index, text):
                        step.status, step.out, step.err = run_command(step.argv)
                        if step.argv[0] == "game" and "--events-out" in step.argv:
                            log = codec.load(Path("run.jsonl"))
                            shutil.copy("run.jsonl", f"run-{len(result.steps)}.jsonl")   # for the replay
                            step.saved = folder / f"run-{len(result.steps)}.jsonl"
                        step.log = log
                        result.steps.append(step)
                elif kind == "toml" and "[[trigger]]" in text:
                    # "Create the file assets/triggers/my_first.toml": the page's own block.
                    assert f"`{MY_FIRST.as_posix()}`" in TUTORIAL.read_text(encoding="utf-8")
                    MY_FIRST.write_text(text, encoding="utf-8")
                elif kind == "text" and text.startswith('{"offset"'):
                    result.json_lines.append((text, log))
                elif kind == "text" and "play_sond" in text:
                    good = MY_FIRST.read_text(encoding="utf-8")
                    assert TYPO[0] in good
                    MY_FIRST.write_text(good.replace(*TYPO), encoding="utf-8")
                    result.typo = (text, run_command(["engine", "check", "assets/triggers"]))
                    MY_FIRST.write_text(good, encoding="utf-8")
        finally:
            for game_ in built:
                game_.world.close()
    return result


# -- every output the page shows --------------------------------------------------------------

def test_the_page_has_the_commands_this_test_knows():
    argvs = [s.argv for s in the_page_steps()]
    assert ["game", "--headless", "--seconds", "40", "--events-out", "run.jsonl"] in argvs
    assert sum(a[:2] == ["engine", "why"] for a in argvs) == 2
    assert ["engine", "check", "assets/triggers"] in argvs


@pytest.mark.parametrize("index", range(len(the_page_steps())),
                         ids=[s.id for s in the_page_steps()])
def test_each_command_prints_what_the_page_shows(walk, index):
    step = walk.steps[index]
    assert step.status == 0, "\n".join(step.err)
    assert step.err == []
    if step.shown:
        printed = "\n".join(step.out)
        assert lines_match(step.shown, step.out), (
            f"docs/tutorial.md, {step.id}: the page shows\n" + "\n".join(step.shown) + f"\n\nbut it prints\n{printed}")


def test_the_sample_log_line_is_in_the_log(walk):
    assert walk.json_lines, "the page shows no line of run.jsonl"
    for text, log in walk.json_lines:
        assert text.strip() in {codec.encode(r) for r in log}


def test_the_typo_is_reported_as_the_page_shows(walk):
    assert walk.typo is not None, "the page shows no typo"
    text, (status, out, err) = walk.typo
    assert (status, out) == (1, [])
    assert err == text.strip().splitlines()


# -- the numbers the page quotes -------------------------------------------------------------

def runs(walk: Walk) -> list[Step]:
    found = [s for s in walk.steps if s.argv[0] == "game" and "--events-out" in s.argv]
    assert len(found) == 2, "expected a first run, and a second one with the new trigger"
    return found


def whys(walk: Walk) -> list[Step]:
    return [s for s in walk.steps if s.argv[:2] == ["engine", "why"]]


def chain(log: list[Record], offset: int) -> list[Record]:
    by_offset = {r.offset: r for r in log}
    found = [by_offset[offset]]
    while found[-1].cause is not None:
        found.append(by_offset[found[-1].cause])
    return found[::-1]


def test_the_record_counts(walk):
    first, second = runs(walk)
    for step in (first, second):
        (quoted,) = [int(m.group(1)) for line in step.shown
                     if (m := re.fullmatch(r"wrote (\d+) records to run\.jsonl", line))]
        assert quoted == len(step.log)
    # "Four records more than before: your trigger ran twice ..., each time a BehaviourRan and a SoundStarted"
    text = TUTORIAL.read_text(encoding="utf-8")
    ran = [r for r in second.log if r.type == "BehaviourRan" and r.data["trigger"] == "engine-starts"]
    more = len(second.log) - len(first.log)
    assert more == 2 * len(ran)
    count = {2: "Two", 4: "Four", 6: "Six"}.get(more, str(more))
    times = {1: "once", 2: "twice"}.get(len(ran), f"{len(ran)} times")
    assert f"{count} records more than before: your trigger ran {times}" in text


def test_the_siren_and_the_engine_sound(walk):
    siren, engine = whys(walk)
    first, second = runs(walk)
    text = TUTORIAL.read_text(encoding="utf-8")

    # Section 3: `why` on the first run's log explains the siren, from the player's key press.
    offset = int(siren.argv[-1])
    assert siren.log is first.log   # the log of the latest run before it
    records = chain(first.log, offset)
    assert (records[-1].type, records[-1].data["sound"]) == ("SoundStarted", "siren")
    assert [r.type for r in records] == ["FireInput", "CrimeCommitted", "BehaviourRan", "WantedLevelChanged",
                                         "AlarmEntered", "BehaviourRan", "SoundStarted"]
    wanted = records[3]
    assert f"Read `#{wanted.offset} t={wanted.tick} WantedLevelChanged <- #{wanted.cause}`" in text
    assert f'"record {wanted.offset}, at tick {wanted.tick},' in text
    assert f"tick {wanted.tick} is {wanted.tick / 60:.1f} seconds" in text
    assert f"--ticks {wanted.tick}:{wanted.tick + 1}" in text

    # Section 5: with my_first.toml, `why` explains the engine sound, from the E key.
    offset = int(engine.argv[-1])
    assert engine.log is second.log
    records = chain(second.log, offset)
    assert (records[-1].type, records[-1].data["sound"]) == ("SoundStarted", "engine")
    assert [r.type for r in records] == ["UsePressed", "EnteredVehicle", "BehaviourRan", "SoundStarted"]
    assert records[2].data["trigger"] == "engine-starts"
    assert f"#{offset} here" in text
    (new_siren,) = [r for r in second.log if r.type == "SoundStarted" and r.data["sound"] == "siren"]
    assert f"the siren is #{new_siren.offset} in this log" in text


def test_the_other_pages_quote_the_same_run(walk):
    """The command reference and the causality page use the tutorial's run and its siren."""
    (siren, _), (first, _) = whys(walk), runs(walk)
    reference = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    causality = (DOCS / "concepts" / "causality.md").read_text(encoding="utf-8")
    # (`why --forward` shows the tree under another record: tests/test_consequences.py checks that one.)
    backward = r"why run\.jsonl (\d+)\b(?! --forward)"
    quoted = {int(n) for page in (reference, causality) for n in re.findall(backward, page)}
    quoted |= {int(n) for n in re.findall(r"--why (\d+)", reference)}
    assert quoted == {int(siren.argv[-1])}
    assert f"record {siren.argv[-1]} is the siren's" in reference
    assert f"record {siren.argv[-1]} of its run" in causality
    (replayed,) = re.findall(r"^replayed \d+ records: identical$", reference, re.M)
    status, out, err = run_command(["engine", "replay", str(first.saved)])
    assert (status, out, err) == (0, [replayed], [])
