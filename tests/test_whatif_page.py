"""docs/concepts/what-if.md shows what its commands print: followed as a reader would, in a scratch folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_tutorial_numbers import blocks, lines_match, page_steps, run_steps

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "concepts" / "what-if.md"
SHIPPED = ROOT / "assets" / "triggers"


def steps():
    return page_steps(PAGE)


def page_rule() -> str:
    """The page's edited trigger: its toml block."""
    return next(text for info, text in blocks(PAGE) if info == "toml")


@pytest.fixture(scope="module")
def followed(tmp_path_factory):
    """Every command of the page, run in order in a scratch folder, with the page's edit made where it says."""
    import os

    folder = tmp_path_factory.mktemp("what-if-page")
    before = Path.cwd()
    os.chdir(folder)
    try:
        shutil.copytree(SHIPPED, folder / "harder")   # the page's `cp -r assets/triggers harder`
        combat = folder / "harder" / "combat.toml"
        text = combat.read_text()
        start = text.index('[[trigger]]\nname = "getting-shot-hurts"')
        end = text.index("[[trigger]]", start + 1)
        combat.write_text(text[:start] + page_rule() + "\n" + text[end:])
        return run_steps(steps())
    finally:
        os.chdir(before)


def test_the_page_edits_only_the_damage() -> None:
    shipped = (SHIPPED / "combat.toml").read_text()
    assert page_rule().replace(' * 5"', '"') in shipped


@pytest.mark.parametrize("index", range(len(steps())))
def test_each_command_prints_what_the_page_shows(followed, index: int) -> None:
    step = followed[index]
    assert step.status == 0, step.err
    if step.shown:
        assert lines_match(step.shown, step.out), f"{step.id} printed:\n" + "\n".join(step.out)
