"""docs/streams.md does not lie: its console session runs against a real redis-server and prints what it shows."""

from __future__ import annotations

import fnmatch
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "streams.md"
DOCS_PORT = "6390"


def session() -> list[tuple[str, list[str]]]:
    """Every ``$ python -m ...`` command of the page shown with its output, and that output, in page order.

    Commands shown without output (a window, a server started by hand) are
    only checked to parse, by test_docs.py."""
    steps: list[tuple[str, list[str]]] = []
    in_console = False
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_console = line == "```console"
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return [(command, shown) for command, shown in steps if command.startswith("python -m") and shown]


def matches(shown: list[str], printed: list[str]) -> bool:
    """Lines in order; a line ``...`` stands for any number of lines."""
    pattern = "\n".join("*" if line == "..." else line.replace("[", "[[]") for line in shown)
    return fnmatch.fnmatchcase("\n".join(printed), pattern)


def test_the_page_session_runs_and_prints_what_it_shows(redis_db, tmp_path):
    steps = session()
    assert len(steps) >= 10
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    for command, shown in steps:
        argv = [sys.executable, *shlex.split(command.replace(DOCS_PORT, str(redis_db.port)))[1:]]
        done = subprocess.run(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=120)
        printed = done.stdout.replace(str(redis_db.port), DOCS_PORT).splitlines()
        assert done.returncode == 0, (command, done.stdout)
        assert matches(shown, printed), f"$ {command}\nshown:\n" + "\n".join(shown) + "\nprinted:\n" + done.stdout
