"""``why --forward`` (what a record caused, as a tree) and ``trace --full`` (values uncut)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Event, World, codec, event
from engine.cli import MAX_CONSEQUENCES, main


@event
class Rang(Event):
    n: int


@event
class Noted(Event):
    text: str


def branching_world(width: int, depth: int) -> World:
    """Each root Rang(0) rings ``width`` bells, each of which rings ``width`` more, ``depth`` deep."""
    world = World(seed=1)

    def ring(e: Rang) -> None:
        if e.n < depth:
            for _ in range(width):
                world.emit(Rang(e.n + 1))

    world.subscribe(Rang, ring)
    world.add_system(lambda w: w.emit(Rang(0)) if w.tick < 2 else None)
    world.run(3)
    return world


def written(world: World, tmp_path) -> str:
    path = tmp_path / "run.jsonl"
    with path.open("w", encoding="utf-8") as out:
        codec.write(world.log, out)
    return str(path)


def descendants(world: World, offset: int) -> set[int]:
    """Brute force: every record whose chain of causes passes through ``offset``."""
    return {r.offset for r in world.log if offset in {c.offset for c in world.why(r.offset)}}


@settings(max_examples=15, deadline=None)
@given(width=st.integers(1, 3), depth=st.integers(0, 3), pick=st.integers(0, 10_000))
def test_the_tree_holds_exactly_what_the_record_caused(tmp_path_factory, width, depth, pick):
    world = branching_world(width, depth)
    path = written(world, tmp_path_factory.mktemp("log"))
    offset = pick % len(world.log)
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["why", path, str(offset), "--forward"]) == 0
    lines = [line for line in out.getvalue().splitlines() if line.lstrip("└ ").startswith("#")]
    shown = [int(line.lstrip(" └#").split()[0]) for line in lines]
    assert shown[0] == offset and set(shown) == descendants(world, offset)
    # Each record is indented one level under its cause.
    depth_of = {int(line.lstrip(" └#").split()[0]): (len(line) - len(line.lstrip(" └"))) for line in lines}
    for number in shown[1:]:
        assert depth_of[number] == depth_of[world.log[number].cause] + (4 if world.log[number].cause == offset
                                                                         and depth_of[offset] == 0 else 2)


def test_a_record_that_caused_nothing_says_so(tmp_path, capsys):
    world = branching_world(1, 0)
    path = written(world, tmp_path)
    assert main(["why", path, "1", "--forward"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(it caused nothing)"


def test_a_big_tree_is_cut_and_says_how_much_more(tmp_path, capsys):
    world = branching_world(3, 6)   # 1 + 3 + ... + 729 = 1093 records from each root
    path = written(world, tmp_path)
    root = world.log.select(Rang)[0].offset
    assert main(["why", path, str(root), "--forward"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == MAX_CONSEQUENCES + 1
    more = 1093 - MAX_CONSEQUENCES
    assert lines[-1] == f"... and {more} more records it caused (the tree is cut at {MAX_CONSEQUENCES})"


def test_bad_offsets_are_one_line_and_exit_2(tmp_path, capsys):
    path = written(branching_world(1, 1), tmp_path)
    assert main(["why", path, "999", "--forward"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no record at offset 999" in err
    assert main(["why", str(tmp_path / "missing.jsonl"), "1", "--forward"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_trace_full_shows_long_values_whole(tmp_path, capsys):
    world = World()
    text = "line one\n" + "x" * 200 + " \\ end"
    world.emit(Noted(text))
    world.step()
    path = written(world, tmp_path)
    assert main(["trace", path, "--type", "Noted"]) == 0
    cut = capsys.readouterr().out
    assert "..." in cut and "end" not in cut
    assert main(["trace", path, "--type", "Noted", "--full"]) == 0
    whole = capsys.readouterr().out.strip()
    assert whole.endswith("text=line one\\n" + "x" * 200 + " \\\\ end") and "\n" not in whole


def test_the_reference_shows_what_why_forward_prints_for_the_tutorials_run(tmp_path, capsys):
    import re
    from pathlib import Path

    from game.cli import main as game_main

    page = (Path(__file__).resolve().parent.parent / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    block = re.search(r"\$ python -m engine why run\.jsonl (\d+) --forward\n(.*?)\n\.\.\.\n```", page, re.S)
    assert block, "the reference shows a why --forward of the tutorial's run"
    path = tmp_path / "run.jsonl"
    assert game_main(["--headless", "--seconds", "40", "--events-out", str(path)]) == 0
    capsys.readouterr()
    assert main(["why", str(path), block.group(1), "--forward"]) == 0
    printed = capsys.readouterr().out.splitlines()
    shown = block.group(2).splitlines()
    assert printed[:len(shown)] == shown
