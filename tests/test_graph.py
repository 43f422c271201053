"""``python -m engine graph``: the trigger graph, its loops and its weights from a log."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import codec, graph_cli
from engine.cli import main
from engine.ending import end_run
from engine.graph import BREAKABLE, ENDLESS, behaviour_id, build, event_id_named, reactor_id, to_dot, weigh
from engine.scripting.cli import find_registry
from engine.scripting.loader import load_sources
from game.build import TRIGGERS, build_game
from game.headless import run_headless

needs_dot = pytest.mark.skipif(shutil.which("dot") is None and not __import__("os").environ.get("CI"),
                               reason="Graphviz's dot is not installed (CI installs it)")


def graph_of(text: str):
    registry = find_registry(None)
    return build(load_sources({"t.toml": text}, registry, endless_loops=True), registry)


def run_ok(capsys, argv: list[str]) -> list[str]:
    status = main(argv)
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return out.splitlines()


def run_error(capsys, argv: list[str]) -> str:
    status = main(argv)
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: ")
    return err.strip()


def test_the_shipped_graph_links_events_triggers_behaviours_and_what_they_emit() -> None:
    registry = find_registry(None)
    sources = {p.name: p.read_text() for p in sorted(TRIGGERS.glob("*.toml"))}
    graph = build(load_sources(sources, registry), registry)
    assert ("event/Shot", reactor_id("getting-shot-hurts")) in graph.edges
    assert (reactor_id("getting-shot-hurts"), behaviour_id("damage")) in graph.edges
    assert (behaviour_id("damage"), "event/HealthChanged") in graph.edges
    # An alarm reads a state, which the events it declares change.
    assert ("state/wanted", reactor_id("police-chase")) in graph.edges
    assert ("event/WantedLevelChanged", "state/wanted") in graph.edges
    assert graph.edges[(reactor_id("police-chase"), behaviour_id("despawn_npcs"))] == "enter"
    # The game's one loop (wasted heals, a HealthChanged it listens to) can be broken: orange, not red.
    assert (reactor_id("wasted"), behaviour_id("wasted")) in graph.breakable
    assert not graph.endless


def test_a_planted_endless_loop_is_drawn_red() -> None:
    graph = graph_of('[[trigger]]\nname = "again"\non = "HealthChanged"\n'
                     'do = [{ behaviour = "heal", target = "event.entity", amount = 1 }]\n')
    assert graph.endless == {("event/HealthChanged", reactor_id("again")), (reactor_id("again"), behaviour_id("heal")),
                             (behaviour_id("heal"), "event/HealthChanged")}
    source = to_dot(graph, "t").source
    assert source.count(ENDLESS) == 3


def test_a_breakable_loop_is_drawn_orange_and_a_chain_without_loop_plain() -> None:
    graph = graph_of('[[trigger]]\nname = "again"\non = "HealthChanged"\ncooldown = 1\n'
                     'do = [{ behaviour = "heal", target = "event.entity", amount = 1 }]\n'
                     '[[trigger]]\nname = "hurt"\non = "Shot"\n'
                     'do = [{ behaviour = "damage", target = "event.target", amount = 1 }]\n')
    assert (reactor_id("again"), behaviour_id("heal")) in graph.breakable
    assert all(reactor_id("hurt") not in edge for edge in graph.breakable | graph.endless)
    assert to_dot(graph, "t").source.count(BREAKABLE) == 3


@pytest.fixture(scope="module")
def game_log(tmp_path_factory) -> Path:
    game = build_game(seed=0)
    try:
        run_headless(game, 30)
        end_run(game.world)
        path = tmp_path_factory.mktemp("graph") / "run.jsonl"
        codec.save(game.world.log, path)
    finally:
        game.world.close()
    return path


def test_weights_count_how_often_each_edge_fired(game_log: Path) -> None:
    registry = find_registry(None)
    sources = {p.name: p.read_text() for p in sorted(TRIGGERS.glob("*.toml"))}
    graph = build(load_sources(sources, registry), registry)
    records = codec.load(game_log)
    assert weigh(graph, records) == len(records)
    shots = sum(1 for r in records if r.type == "Shot" and r.data.get("damage", 0) > 0)
    ran = [r for r in records if r.type == "BehaviourRan" and r.data["trigger"] == "getting-shot-hurts"]
    assert graph.weights[("event/Shot", reactor_id("getting-shot-hurts"))] == len(ran) == shots
    by_damage = {r.offset for r in records if r.type == "BehaviourRan" and r.data["behaviour"] == "damage"}
    caused = sum(1 for r in records if r.type == "HealthChanged" and r.cause in by_damage)
    assert graph.weights[(behaviour_id("damage"), "event/HealthChanged")] == caused
    assert graph.fired[event_id_named("Shot")] == sum(1 for r in records if r.type == "Shot")


@needs_dot
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG")])
def test_the_command_draws_the_shipped_triggers(tmp_path: Path, capsys, suffix: str, magic: bytes) -> None:
    out = tmp_path / f"graph{suffix}"
    lines = run_ok(capsys, ["graph", "-o", str(out)])
    assert lines[0].startswith(f"wrote {out}: ") and "triggers" in lines[0]
    assert out.read_bytes().startswith(magic)


@needs_dot
def test_the_command_weighs_by_a_log_and_reads_the_run_files(game_log: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "graph.svg"
    lines = run_ok(capsys, ["graph", "--log", str(game_log), "-o", str(out)])
    assert f"weighted by the {len(codec.load(game_log)):,} records of {game_log}" in lines[0]
    assert "×" in out.read_text()


def test_edges_that_never_happened_are_dashed_and_one_file_is_a_graph(game_log: Path, tmp_path: Path,
                                                                      capsys) -> None:
    registry = find_registry(None)
    sources = {p.name: p.read_text() for p in sorted(TRIGGERS.glob("*.toml"))}
    graph = build(load_sources(sources, registry), registry)
    weigh(graph, codec.load(game_log))
    dot = to_dot(graph, "t").source
    never = [(a, b) for a, b in graph.edges if not graph.weights.get((a, b)) and not b.startswith("state/")
             and not a.startswith("state/")]
    assert any(a.startswith("event/") for a, _ in never), "every event -> trigger edge fired in the sample run"
    for a, b in never:
        line = next(x for x in dot.splitlines() if f'"{a}" -> "{b}"' in x or f"{a} -> {b}" in x)
        assert "dashed" in line, line
    out = tmp_path / "one.dot"
    lines = run_ok(capsys, ["graph", str(TRIGGERS / "police.toml"), "-o", str(out)])
    assert lines[0].startswith(f"wrote {out}: 0 triggers, 1 alarm, ")


def test_dot_source_needs_no_graphviz_program(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(graph_cli.shutil, "which", lambda name: None)
    out = tmp_path / "graph.dot"
    run_ok(capsys, ["graph", str(TRIGGERS), "-o", str(out)])
    assert out.read_text().startswith("digraph triggers {")
    message = run_error(capsys, ["graph", str(TRIGGERS), "-o", str(tmp_path / "graph.svg")])
    assert "the dot program of Graphviz is not installed" in message


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    assert "expected a file ending in .svg, .png or .dot" in run_error(capsys, ["graph", "-o", "graph.pdf"])
    assert "not a folder" in run_error(capsys, ["graph", str(tmp_path / "none"), "-o", str(tmp_path / "g.dot")])
    (tmp_path / "empty").mkdir()
    assert "no .toml trigger files" in run_error(capsys, ["graph", str(tmp_path / "empty"),
                                                          "-o", str(tmp_path / "g.dot")])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "bad.toml").write_text('[[trigger]]\nname = "x"\non = "Shoot"\ndo = []\n')
    message = run_error(capsys, ["graph", str(tmp_path / "bad"), "-o", str(tmp_path / "g.dot")])
    assert "bad.toml" in message and "Shoot" in message
    assert "cannot write" in run_error(capsys, ["graph", str(TRIGGERS), "-o", str(tmp_path / "no" / "g.dot")])
    assert "no such file" in run_error(capsys, ["graph", "--log", str(tmp_path / "x.jsonl"),
                                                "-o", str(tmp_path / "g.dot")])
