"""Every concept page sets exercises, and every exercise has a solution that runs and checks itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The concept pages, and the Kafka page, which teaches concepts too.
CONCEPTS = [*sorted((ROOT / "docs" / "concepts").glob("*.md")), ROOT / "docs" / "kafka.md"]
SOLUTIONS = sorted((ROOT / "docs" / "solutions").glob("*.py"))
LINK = re.compile(r"\]\((?:\.\./)?solutions/([\w-]+\.py)\)")


def solutions_linked(page: Path) -> list[str]:
    """The solution files a page's Exercises section links to."""
    text = page.read_text(encoding="utf-8")
    assert "\n## Exercises\n" in text, f"{page.name} has no Exercises section"
    return LINK.findall(text.split("\n## Exercises\n", 1)[1])


@pytest.mark.parametrize("page", CONCEPTS, ids=lambda p: p.name)
def test_every_concept_page_has_exercises_with_a_solution(page):
    linked = solutions_linked(page)
    assert linked, f"{page.name}: its exercises link no solution"
    for name in linked:
        assert (ROOT / "docs" / "solutions" / name).is_file(), f"{page.name} links a missing solution {name}"


def test_every_solution_belongs_to_a_page():
    linked = {name for page in CONCEPTS for name in solutions_linked(page)}
    assert {p.name for p in SOLUTIONS} <= linked


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_runs_and_checks_itself(path):
    text = path.read_text(encoding="utf-8")
    assert "assert " in text, f"{path.name} checks nothing"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, str(path.relative_to(ROOT))], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip()
