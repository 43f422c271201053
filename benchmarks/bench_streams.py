"""Benchmark: the Redis Streams bridge, side by side with the file it replaces.

Run from the repository root (it starts its own redis-server on a free
loopback port, in a temporary folder, unless ``--url`` names one)::

    python benchmarks/bench_streams.py                     # readable table
    python benchmarks/bench_streams.py --records 200000 --repeats 3 --json

What is measured
----------------
``write_file``
    ``codec.save`` of an N-record log to a file: what ``--events-out`` does.
``publish``
    ``python -m engine publish``'s work on the same log, in process:
    pipelined ``XADD`` batches of 5,000 with our entry IDs to a fresh stream.
    Reported in records/s, and as a ratio to ``write_file``.
``game_tick`` / ``game_tick_publishing``
    The mean tick time of a headless 1,000-pedestrian game (the autopilot
    plays ``--seconds``), without and with ``--publish``'s sink fed by a
    ``LogTap`` after every tick; the overhead is the median over runs of each
    run's paired ratio (the issue's budget: at most 10 %).

Runs of the variants are interleaved (the two games alternate which goes
first) and medians reported.
"""

from __future__ import annotations

import argparse
import gc
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis

from engine import Event, World, codec, event
from engine.sink import LogTap
from engine.streams import parse_address
from engine.streams.cli import PUBLISH_CHUNK
from engine.streams.publisher import Outgoing
from engine.streams.redis_sink import RedisTransport, redis_sink
from engine.streams.redis_stream import REPLY_TIMEOUT


@event
class Measured(Event):
    sensor: int
    value: float


def make_log(records: int) -> World:
    """A world whose log holds ``records`` records (1,000 a tick)."""
    world = World(seed=1)
    world.log.capacity = records + 1
    per_tick = 1000
    world.add_system(lambda w: [w.emit(Measured(n, w.rng.random())) for n in range(per_tick)])
    world.run(-(-records // per_tick))  # enough ticks; the caller keeps the first ``records``
    return world


def start_server(folder: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", folder,
                                "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            redis.Redis(port=port).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.02)
    return process, f"redis://127.0.0.1:{port}"


def time_file(records: list, folder: str) -> float:
    start = time.perf_counter()
    codec.save(records, Path(folder) / "bench.jsonl")
    return time.perf_counter() - start


def time_publish(records: list, url: str, run: int) -> float:
    address = parse_address(f"{url}?stream=bench:{run}")
    transport = RedisTransport(address, REPLY_TIMEOUT)
    start = time.perf_counter()
    for first in range(0, len(records), PUBLISH_CHUNK):
        transport.send([Outgoing(0, r.offset, r) for r in records[first:first + PUBLISH_CHUNK]])
    elapsed = time.perf_counter() - start
    transport.connection.delete(address.stream)
    transport.close()
    return elapsed


def time_game(seconds: float, url: str | None, run: int) -> float:
    """Mean seconds per tick of a 1,000-pedestrian headless game (publishing to ``url`` if given)."""
    from game.build import build_game
    from game.headless import run_headless

    game = build_game(seed=0, npcs=1000)
    tap = LogTap(game.world.log, [redis_sink(parse_address(f"{url}?stream=game:{run}"))]) if url else None
    start = time.perf_counter()
    report = run_headless(game, seconds, between_ticks=tap.drain if tap else None)
    elapsed = time.perf_counter() - start
    if tap is not None:
        tap.close()
    game.world.close()
    return elapsed / report.ticks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the published log")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each variant")
    parser.add_argument("--seconds", type=float, default=10.0, help="game time of each game run")
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--json", action="store_true", help="one JSON object, nothing else")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server, url = (None, args.url) if args.url else start_server(folder)
        try:
            records = list(make_log(args.records).log)[:args.records]
            samples: dict[str, list[float]] = {"write_file": [], "publish": [], "game_tick": [],
                                               "game_tick_publishing": []}
            overheads = []
            for run in range(args.repeats):
                # Games alternate which goes first, so warm-up and memory effects fall on both.
                for publishing in ((False, True) if run % 2 == 0 else (True, False)):
                    gc.collect()
                    name = "game_tick_publishing" if publishing else "game_tick"
                    samples[name].append(time_game(args.seconds, url if publishing else None, run))
                overheads.append(samples["game_tick_publishing"][-1] / samples["game_tick"][-1] - 1)
                gc.collect()
                samples["write_file"].append(time_file(records, folder))
                samples["publish"].append(time_publish(records, url, run))
        finally:
            if server is not None:
                server.terminate()
                server.wait()
    median = {name: statistics.median(values) for name, values in samples.items()}
    result = {
        "records": len(records), "repeats": args.repeats, "medians_s": median,
        "write_file_records_per_s": len(records) / median["write_file"],
        "publish_records_per_s": len(records) / median["publish"],
        "publish_vs_file": median["publish"] / median["write_file"],
        "game_tick_ms": median["game_tick"] * 1000, "game_tick_publishing_ms": median["game_tick_publishing"] * 1000,
        # The median of each run's paired ratio: steadier than a ratio of medians.
        "publishing_overhead": statistics.median(overheads),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{result['records']:,} records, median of {args.repeats} interleaved runs")
    print(f"  write_file  {result['write_file_records_per_s']:>12,.0f} records/s")
    print(f"  publish     {result['publish_records_per_s']:>12,.0f} records/s  "
          f"({result['publish_vs_file']:.1f}x the file's time)")
    print(f"1,000-pedestrian headless game, {args.seconds:g} s of game time per run")
    print(f"  tick         {result['game_tick_ms']:.3f} ms")
    print(f"  tick + publishing {result['game_tick_publishing_ms']:.3f} ms  "
          f"(overhead {result['publishing_overhead']:+.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
