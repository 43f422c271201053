"""The README's promises: its example runs, and it opens with the two commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_opens_with_the_play_and_test_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), re.S)
    assert blocks[0].strip() == "python3 -m pip install -e . && python3 -m game"
    assert blocks[1].strip() == "python3 -m pip install -e '.[test]' && python3 -m pytest"
    assert README.read_text().index("```bash") < 20


def test_the_fifteen_line_example_runs() -> None:
    example = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[0]
    assert len(example.strip().splitlines()) <= 16
    run = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True, timeout=60,
                         cwd=README.parent)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("Shot(target=7") == 3
    assert "#0 t=0 SimulationStarted" in run.stdout
