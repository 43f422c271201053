"""Spectating: a run rebuilt from its stream matches it record for record, live or after the fact,
and a stream that does not match shows its first divergence."""

from __future__ import annotations

import json
import time
from pathlib import Path

import redis

from engine import Event, World, cli, event
from engine.sink import LogTap
from engine.streams import parse_address
from engine.streams.redis_sink import redis_sink
from engine.streams.redis_stream import RedisSource
from engine.streams.spectate import Spectator, Tail
from game import cli as game_cli

ROOT = Path(__file__).resolve().parent.parent


@event
class Pinged(Event):
    n: int


def test_a_live_run_is_rebuilt_identically_while_it_is_published(redis_db):
    """The game and the spectator take turns in one process: no timing, yet the spectator only
    ever sees what the publisher's thread has delivered so far."""
    from game.build import build_game
    from game.headless import run_headless
    from game.spectate import open_tail

    game = build_game(seed=0)
    address = parse_address(f"{redis_db.url}?stream=live")
    sink = redis_sink(address)
    tap = LogTap(game.world.log, [sink])
    tap.drain()   # SimulationStarted and the city's first records: the stream exists
    for _ in range(100):
        if redis.Redis(port=redis_db.port).exists("live"):
            break
        time.sleep(0.01)
    tail = open_tail(address)
    seen = []

    def between_ticks():
        tap.drain()
        if game.world.tick % 60 == 0:
            tail.poll(None)
            tail.spectator.advance()
            seen.append(tail.spectator.tick)

    run_headless(game, 40.0, between_ticks=between_ticks)
    tap.close()
    tail.poll(None)
    tail.spectator.advance(final=True)
    assert sink.report.undelivered == 0
    assert tail.spectator.divergence is None and tail.spectator.checked == len(game.world.log)
    assert len(set(seen)) > 10   # it advanced while the run went on, not only at the end
    tail.spectator.close()
    tail.source.close()
    game.world.close()


def test_a_stream_that_differs_from_the_simulation_shows_the_first_divergence(redis_db, tmp_path, capsys):
    run = tmp_path / "run.jsonl"
    assert game_cli.main(["--headless", "--seconds", "10", "--events-out", str(run)]) == 0
    lines = run.read_text(encoding="utf-8").splitlines()
    changed = next(i for i, line in enumerate(lines) if '"type": "NPCSpawned"' in line)
    record = json.loads(lines[changed])
    record["data"]["entity"] += 1000   # not what the simulation derives
    lines[changed] = json.dumps(record, ensure_ascii=False)
    run.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["publish", str(run), f"{redis_db.url}?stream=forged"]) == 0
    capsys.readouterr()
    status = game_cli.main(["--headless", "--spectate", f"{redis_db.url}?stream=forged"])
    err = capsys.readouterr().err
    assert status == 1 and f"diverged at offset {changed}:" in err
    assert f"stream:  #{changed} " in err and f"entity={record['data']['entity']}" in err and "rebuilt: " in err


def test_time_travel_in_the_stream_makes_the_spectator_start_again(redis_db):
    def factory(seed, options):
        world = World(seed=seed, options=options)
        world.add_system(lambda w: w.emit(Pinged(w.rng.randint(0, 9))))
        return world

    world = factory(3, {})
    address = parse_address(f"{redis_db.url}?stream=travel")
    sink = redis_sink(address)
    tap = LogTap(world.log, [sink])
    for _ in range(30):
        world.step()
        tap.drain()
    world.log.truncate(12)
    world.rng.seed(5)   # a different future after the cut
    for _ in range(10):
        world.step()
        tap.drain()
    tap.close()
    spectator = Spectator("travel", factory)
    tail = Tail(RedisSource(address), spectator)
    tail.poll(None)
    spectator.advance(final=True)
    assert spectator.restarts == 1 and len(spectator.records) == len(world.log)
    # The new future came from a reseeded rng, which no input records: the rebuild tells.
    assert spectator.divergence is not None and spectator.divergence.offset == 12
    tail.source.close()


def test_the_spectator_window_draws_the_rebuilt_game(redis_db, capsys):
    assert game_cli.main(["--headless", "--seconds", "2", "--run-id", "w", "--publish", redis_db.url]) == 0
    from game.pg.spectate import spectate_window
    from game.spectate import open_tail

    tail = open_tail(parse_address(f"{redis_db.url}?stream=wanted:seed0:w"))
    spectate_window(tail, tail.source.address, seconds=0.5)
    assert tail.spectator.tick > 0 and tail.spectator.divergence is None
    tail.spectator.close()


def test_spectating_without_a_display_says_it_spectates_headless(redis_db, capsys):
    assert game_cli.main(["--headless", "--seconds", "1", "--run-id", "nd", "--publish", redis_db.url]) == 0
    capsys.readouterr()
    assert game_cli.main(["--spectate", f"{redis_db.url}?stream=wanted:seed0:nd"]) == 0   # no --headless
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "no display available: spectating headless instead (see --help)"   # not "the autopilot"
    assert out[1].startswith("spectated ")


def test_spectating_a_missing_stream_is_one_line(redis_db, capsys):
    assert game_cli.main(["--headless", "--spectate", f"{redis_db.url}?stream=nothing"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no stream named 'nothing'" in err
    assert "start the game with --publish first" in err   # the spectator was started before the game
