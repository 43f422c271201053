"""docs/extensions.md shows what its commands print: followed as a reader would, in a scratch folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_tutorial_numbers import lines_match, page_steps, run_steps

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "extensions.md"


def steps():
    return page_steps(PAGE)


@pytest.fixture(scope="module")
def followed(tmp_path_factory):
    """Every command of the page, in order, after its `cp -r assets/triggers my_triggers && cp docs/examples/honk/*`."""
    folder = tmp_path_factory.mktemp("extensions-page")
    text = PAGE.read_text(encoding="utf-8")
    assert "$ cp -r assets/triggers my_triggers && cp docs/examples/honk/* my_triggers/" in text
    shutil.copytree(ROOT / "assets" / "triggers", folder / "my_triggers")
    for file in (ROOT / "docs" / "examples" / "honk").iterdir():
        shutil.copy(file, folder / "my_triggers" / file.name)
    before = Path.cwd()
    os.chdir(folder)
    try:
        return run_steps(steps())
    finally:
        os.chdir(before)


@pytest.mark.parametrize("index", range(len(steps())))
def test_each_command_prints_what_the_page_shows(followed, index: int) -> None:
    step = followed[index]
    assert step.status == 0, step.err
    if step.shown:
        assert lines_match(step.shown, step.out), f"{step.id} printed:\n" + "\n".join(step.out)
