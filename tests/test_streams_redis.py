"""The bridge against a real redis-server: fetch is byte-identical, publishing is idempotent,
bad input is one line, and faults (a server restart, a killed consumer) lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from redis_server import RedisServer, free_port

from engine import Event, World, cli, codec, event
from engine.sink import LogTap
from engine.streams import parse_address
from engine.streams.redis_sink import redis_sink
from engine.streams.redis_stream import RedisSource
from engine.streams.timeline import Timeline
from game import cli as game_cli

ROOT = Path(__file__).resolve().parent.parent


@event
class Pinged(Event):
    n: int


def _engine(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_published_game_fetches_back_byte_for_byte(redis_db, tmp_path, capsys):
    run = tmp_path / "run.jsonl"
    status = game_cli.main(["--headless", "--seconds", "4", "--events-out", str(run), "--run-id", "t1",
                            "--publish", redis_db.url])
    out = capsys.readouterr().out
    assert status == 0 and "publishing to" in out
    records = len(codec.load(run))
    assert f"published {records} of {records} records to redis://127.0.0.1:{redis_db.port}/0?stream=wanted:seed0:t1" \
        in out
    fetched = tmp_path / "fetched.jsonl"
    url = f"{redis_db.url}?stream=wanted:seed0:t1"
    assert _engine(capsys, "fetch", url, "-o", str(fetched))[0] == 0
    assert fetched.read_bytes() == run.read_bytes()
    status, out, _ = _engine(capsys, "why", str(fetched), str(records - 1))
    assert status == 0 and out.startswith("#")


def test_publishing_a_file_twice_adds_nothing(redis_db, tmp_path, capsys):
    world = World(seed=4)
    world.add_system(lambda w: w.emit(Pinged(w.tick)))
    world.run(30)
    log = tmp_path / "run.jsonl"
    codec.save(world.log, log)
    url = f"{redis_db.url}?stream=twice"
    for _ in range(2):
        status, out, _ = _engine(capsys, "publish", str(log), url)
        assert status == 0 and f"the stream holds {len(world.log)} entries" in out
    assert redis_db.client().xlen("twice") == len(world.log)


def test_time_travel_truncations_are_applied_by_fetch(redis_db, tmp_path):
    world = World(seed=5)
    world.add_system(lambda w: w.emit(Pinged(w.tick)))
    address = parse_address(f"{redis_db.url}?stream=travel")
    sink = redis_sink(address)
    tap = LogTap(world.log, [sink])
    for cut in (15, 8, 20):
        for _ in range(20):
            world.step()
            tap.drain()
        world.log.truncate(cut)   # what stepping back does to the log
    world.run(5)
    tap.close()
    assert sink.report.undelivered == 0 and sink.report.delivered == tap.written
    source = RedisSource(address)
    timeline = Timeline("travel").extend(source.entries())
    source.close()
    assert timeline.truncations == 3
    expected = tmp_path / "log.jsonl"
    codec.save(world.log, expected)
    assert "".join(line + "\n" for line in timeline.lines) == expected.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("locked"), password="right").start()
    yield server
    server.stop()


@pytest.mark.parametrize("command", ["fetch", "follow"])
def test_bad_servers_and_streams_are_one_line_and_exit_2(command, redis_db, locked_server, capsys):
    redis_db.client().xadd("foreign", {"msg": "hello"})
    redis_db.client().set("plain", "x")
    redis.Redis(port=redis_db.port).xadd("binary", {"record": b"\xff\xfe"})  # redis-py failed to decode it: a traceback
    extra = ["-o", "out.jsonl"] if command == "fetch" else ["--group", "g", "--idle", "0.1"]
    cases = {
        f"redis://127.0.0.1:{free_port()}?stream=s": "cannot connect",
        f"redis://:wrong@127.0.0.1:{locked_server.port}?stream=s": "wrong password",
        f"redis://127.0.0.1:{locked_server.port}?stream=s": "needs a password",
        f"{redis_db.url}?stream=missing": "no stream named 'missing'",
        f"{redis_db.url}?stream=plain": "key 'plain' is a string, not a stream",
        f"{redis_db.url}?stream=foreign": "entry ",
        f"{redis_db.url}?stream=binary": "holds an entry that is not UTF-8 text",
        f"{redis_db.url}": "no stream named; add ?stream=NAME",
        "redis//nohost": "expected a redis://HOST:PORT URL",
    }
    for url, says in cases.items():
        status, _, err = _engine(capsys, command, url, *extra)
        assert status == 2, (url, err)
        assert err.count("\n") == 1 and err.startswith("error: ") and says in err, (url, err)
    assert "not a Wanted record" in _engine(capsys, command, f"{redis_db.url}?stream=foreign", *extra)[2]


def test_the_game_publishing_to_a_dead_server_runs_and_says_what_was_lost(tmp_path, capsys):
    status = game_cli.main(["--headless", "--seconds", "2", "--events-out", str(tmp_path / "run.jsonl"),
                            "--publish", f"redis://127.0.0.1:{free_port()}?stream=lost"])
    out, err = capsys.readouterr()
    records = len(codec.load(tmp_path / "run.jsonl"))
    assert status == 1 and "ran 120 ticks" in out
    assert f"error: published 0 of {records} records" in err
    assert f"{records} not delivered (offsets 0..{records - 1})" in err and "cannot connect" in err


def test_a_server_restart_in_the_middle_of_a_run_loses_nothing_and_duplicates_nothing(tmp_path):
    server = RedisServer(tmp_path, persist=True).start()
    try:
        world = World(seed=6)
        world.add_system(lambda w: w.emit(Pinged(w.tick)))
        address = parse_address(f"{server.url}?stream=restart")
        sink = redis_sink(address, close_timeout=20.0, retry=(0.01, 0.05))
        tap = LogTap(world.log, [sink])
        for _ in range(100):
            world.step()
            tap.drain()
        server.stop()
        for _ in range(100):   # the game goes on while the server is gone
            world.step()
            tap.drain()
        assert sink.buffered > 0
        # Until the sending thread has tried the dead server (it wakes every 50 ms; a busy machine,
        # the suite's other worker included, can keep it waiting past the restart, and then the
        # client reconnects unseen).
        deadline = time.monotonic() + 20
        while sink.report.error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        server.start()   # same port, same folder: the append-only file brings the stream back
        for _ in range(100):
            world.step()
            tap.drain()
        tap.close()
        report = sink.report
        assert (report.delivered, report.undelivered) == (len(world.log), 0) and report.reconnects >= 1
        assert server.client().xlen("restart") == len(world.log)
        source = RedisSource(address)
        lines = Timeline("restart").extend(source.entries()).lines
        source.close()
        assert lines == [codec.encode(r) for r in world.log]
    finally:
        server.stop()


def test_a_killed_follower_loses_nothing_after_a_restart(redis_db, tmp_path, capsys):
    world = World(seed=7)
    world.add_system(lambda w: [w.emit(Pinged(n)) for n in range(20)])
    world.run(400)
    log = tmp_path / "run.jsonl"
    codec.save(world.log, log)
    url = f"{redis_db.url}?stream=big"
    assert _engine(capsys, "publish", str(log), url)[0] == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    follow = [sys.executable, "-m", "engine", "follow", url, "--group", "g", "--consumer", "c"]
    first = subprocess.Popen(follow, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    seen = [first.stdout.readline() for _ in range(600)]
    first.send_signal(signal.SIGKILL)   # dies mid-stream, maybe between printing and acknowledging
    first.wait()
    seen += first.stdout.read().splitlines()
    again = subprocess.run([*follow, "--idle", "0.5"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    offsets = {int(line.split()[0][1:]) for line in seen + again.stdout.splitlines() if line.startswith("#")}
    assert offsets == set(range(len(world.log)))
    assert redis_db.client().xpending("big", "g")["pending"] == 0


def test_the_game_refuses_a_bad_publish_url_before_it_starts(capsys):
    with pytest.raises(SystemExit) as stop:
        game_cli.main(["--headless", "--publish", "redis://127.0.0.1:6390?strem=x"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown query key 'strem'" in err


def test_the_game_with_a_wrong_password_runs_and_says_so(locked_server, capsys):
    status = game_cli.main(["--headless", "--seconds", "1", "--publish",
                            f"redis://:wrong@127.0.0.1:{locked_server.port}?stream=s"])
    err = capsys.readouterr().err
    assert status == 1 and "error: published 0 of" in err and "wrong password" in err and ":wrong@" not in err


def test_a_run_never_mixes_its_records_into_another_runs_stream(redis_db, tmp_path, capsys):
    url = f"{redis_db.url}?stream=taken"
    assert game_cli.main(["--headless", "--seconds", "1", "--publish", url]) == 0
    length = redis_db.client().xlen("taken")
    capsys.readouterr()
    assert game_cli.main(["--headless", "--seconds", "1", "--seed", "1", "--publish", url]) == 1
    assert f"the stream already holds {length} entries" in capsys.readouterr().err
    other = tmp_path / "other.jsonl"
    assert game_cli.main(["--headless", "--seconds", "1", "--seed", "2", "--events-out", str(other)]) == 0
    capsys.readouterr()
    status, _, err = _engine(capsys, "publish", str(other), url)
    assert status == 2 and "already holds another log" in err
    assert redis_db.client().xlen("taken") == length


def test_an_existing_group_continues_where_it_left_off_whatever_from_says(redis_db, tmp_path, capsys):
    world = World(seed=8)
    world.add_system(lambda w: w.emit(Pinged(w.tick)))
    world.run(20)
    log = tmp_path / "run.jsonl"
    codec.save(world.log, log)
    url = f"{redis_db.url}?stream=resume"
    assert _engine(capsys, "publish", str(log), url)[0] == 0
    status, out, _ = _engine(capsys, "follow", url, "--group", "g", "--from", "5", "--count", "3")
    assert status == 0 and [line.split()[0] for line in out.splitlines()] == ["#5", "#6", "#7"]
    status, out, err = _engine(capsys, "follow", url, "--group", "g", "--from", "earliest", "--count", "2")
    assert status == 0 and [line.split()[0] for line in out.splitlines()] == ["#8", "#9"]
    status, out, err = _engine(capsys, "follow", url, "--group", "g", "--from", "latest", "--count", "1")
    assert "note: group 'g' exists; it continues where it left off" in err and out.startswith("#10 ")
    assert _engine(capsys, "follow", url, "--group", "g", "--from", "later")[0] == 2
