"""A set of trigger files too large for one log line is refused, not recorded.

Each file may hold 1 MB, but the whole set's text goes into one
``TriggersLoaded`` record: twenty such files made the game write a 40 MB
line that ``trace``, ``why`` and ``stats`` then refused ("line longer than
16 MiB"), so the run's own log could not be read.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.codec import MAX_LINE_BYTES
from engine.scripting.loader import read_sources
from engine.scripting.sources import MAX_FILE_BYTES, MAX_TOTAL_BYTES
from tests.test_scripting_files import engine_main

BIG = ('# ' + '"' * 997 + '\n') * 999  # valid TOML, under one file's limit, doubled by JSON


def big_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "triggers"
    folder.mkdir()
    assert len(BIG) < MAX_FILE_BYTES
    for i in range(5):
        (folder / f"big{i}.toml").write_text(BIG)
    return folder


def test_reading_a_set_over_the_total_names_the_file_that_passes_it(tmp_path: Path) -> None:
    folder = big_folder(tmp_path)
    sources, problems = read_sources([folder], relative_to=folder)
    assert [p.file for p in problems] == ["big4.toml"]
    assert "together are too large" in str(problems[0])
    assert sum(len(text) for text in sources.values()) <= MAX_TOTAL_BYTES


def test_check_refuses_it_in_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    folder = big_folder(tmp_path)
    monkeypatch.chdir(folder)
    assert engine_main(["check", ".", "--registry", "tests.test_scripting_files"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith("big4.toml: the trigger files together are too large")


def test_the_largest_accepted_set_fits_in_one_log_line() -> None:
    worst = {"triggers/a.toml": '"' * MAX_TOTAL_BYTES}
    assert len(json.dumps({"data": {"sources": worst}}, ensure_ascii=False).encode()) < MAX_LINE_BYTES // 2
