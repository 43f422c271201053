"""The high-score table: ranking, saving, and missing or corrupt files."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from game import highscores
from game.highscores import TABLE_SIZE, Entry, HighScores


def test_data_dir_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("WANTED_DATA_DIR", str(tmp_path))
    assert highscores.default_path() == tmp_path / "highscores.json"
    assert HighScores().path == tmp_path / "highscores.json"


def test_missing_file_is_an_empty_table_without_a_word(tmp_path, capsys):
    table = HighScores(tmp_path / "none.json").load()
    assert table.entries == []
    assert capsys.readouterr().err == ""


def test_added_runs_are_saved_and_read_back_best_first(tmp_path):
    path = tmp_path / "sub" / "highscores.json"
    table = HighScores(path).load()
    assert table.add(Entry(120, seed=3, reason="time up")) == 1
    assert table.add(Entry(500, seed=4, reason="busted")) == 1
    assert table.add(Entry(120, seed=5, reason="wasted")) == 3  # a tie goes below the earlier run
    again = HighScores(path).load()
    assert again.entries == [Entry(500, 4, "busted"), Entry(120, 3, "time up"), Entry(120, 5, "wasted")]


def test_a_run_below_a_full_table_does_not_make_it(tmp_path):
    table = HighScores(tmp_path / "h.json")
    for score in range(100, 100 + TABLE_SIZE):
        table.add(Entry(score))
    assert table.rank_of(50) is None
    assert table.add(Entry(50)) is None
    assert len(table.entries) == TABLE_SIZE
    assert table.add(Entry(1000)) == 1
    assert len(HighScores(table.path).load().entries) == TABLE_SIZE


CORRUPT = [
    "{not json",
    "[]",
    json.dumps({"version": 99, "scores": []}),
    json.dumps({"version": 1, "scores": {}}),
    json.dumps({"version": 1, "scores": [{"score": "many"}]}),
    json.dumps({"version": 1, "scores": [{"score": True}]}),
    json.dumps({"version": 1, "scores": [7]}),
]


def test_each_kind_of_corrupt_file_is_ignored_with_one_line(tmp_path, capsys):
    for number, text in enumerate(CORRUPT):
        path = tmp_path / f"bad{number}.json"
        path.write_text(text)
        assert HighScores(path).load().entries == []
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err, (text, err)


def test_binary_garbage_is_ignored_and_replaced_on_the_next_save(tmp_path, capsys):
    path = tmp_path / "highscores.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    table = HighScores(path).load()
    assert table.entries == [] and capsys.readouterr().err.count("\n") == 1
    table.add(Entry(42))
    assert HighScores(path).load().entries == [Entry(42)]


def test_an_unwritable_folder_is_one_line_not_a_crash(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    table = HighScores(blocker / "highscores.json")
    assert table.save() is False
    assert capsys.readouterr().err.count("\n") == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=-10**6, max_value=10**6), max_size=25))
def test_the_table_is_sorted_bounded_and_keeps_the_best(scores):
    table = HighScores()
    table.save = lambda: True  # in memory only
    for score in scores:
        table.add(Entry(score))
    kept = [entry.score for entry in table.entries]
    assert kept == sorted(kept, reverse=True)
    assert kept == sorted(scores, reverse=True)[:TABLE_SIZE]
