"""The player's data files: anything at their paths is refused in one line, never a hang, a crash or a flood."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.datafile import MAX_BYTES, DataFileError, read_json
from game.highscores import HighScores
from game.sound_settings import SoundSettings
from game.sound_settings import load as load_sound


def test_a_missing_file_is_none_and_a_small_one_is_its_json(tmp_path: Path) -> None:
    assert read_json(tmp_path / "none.json") is None
    (tmp_path / "a.json").write_text('{"version": 1}')
    assert read_json(tmp_path / "a.json") == {"version": 1}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    """Reading a pipe with no writer would block for ever (the game never opened its window)."""
    os.mkfifo(tmp_path / "highscores.json")
    with pytest.raises(DataFileError, match="not a regular file"):
        read_json(tmp_path / "highscores.json")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_link_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sound.json").symlink_to("/dev/zero")
    with pytest.raises(DataFileError, match="not a regular file"):
        read_json(tmp_path / "sound.json")


def test_a_huge_file_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text("[" + "0," * MAX_BYTES + "0]")
    with pytest.raises(DataFileError, match="larger than"):
        read_json(huge)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 30_000 + "]" * 30_000)
    with pytest.raises(DataFileError, match="nested too deeply"):
        read_json(deep)


def test_the_loaders_print_one_line_and_keep_the_defaults(tmp_path: Path, capsys) -> None:
    (tmp_path / "highscores.json").write_text("[" * 30_000 + "]" * 30_000)
    (tmp_path / "sound.json").symlink_to("/dev/zero")
    assert HighScores(tmp_path / "highscores.json").load().entries == []
    assert load_sound(tmp_path / "sound.json") == SoundSettings()
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "high scores: ignoring" in err[0] and "sound settings: ignoring" in err[1]


def test_a_score_no_run_can_reach_is_corruption(tmp_path: Path, capsys) -> None:
    """A 4,000-digit score was drawn across the whole game-over screen."""
    path = tmp_path / "highscores.json"
    path.write_text('{"version": 1, "scores": [{"score": ' + "9" * 4000 + ', "seed": 1, "reason": "x"}]}')
    assert HighScores(path).load().entries == []
    assert "out of range" in capsys.readouterr().err


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_a_value_or_one_refusal(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("data") / "x.json"
    path.write_bytes(data)
    try:
        read_json(path)
    except DataFileError as error:
        assert str(error) and "\n" not in str(error)
