"""Benchmark: time, CPU and peak memory of ``trace``, ``why`` and ``stats`` on a big log.

Run from the repository root::

    python benchmarks/bench_log_tools.py                    # makes /tmp/wanted-big.jsonl if needed
    python benchmarks/bench_log_tools.py --log big.jsonl --runs 5 --json

Each command runs in a fresh process (``python -m engine ...``, output to
/dev/null), ``--runs`` times, round-robin with the other variants so that a
busy machine hits them alike; the table shows medians.  Two variants:

``stream``
    the commands as shipped: the file is read in chunks, by worker
    processes on every core (:mod:`engine.logscan`).
``load_all``
    the way they worked before: ``codec.load`` reads every record into a
    list, then the command works on the list (written out here, in a few
    lines, since the commands no longer do it).

Measured per run: wall time; CPU time (user + system, of the process and
its workers); peak memory, as the largest sum of the resident set sizes of
the process and its workers, sampled every 10 ms from ``/proc`` (Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOAD_ALL = {
    "trace": "from engine import codec\nimport sys\nw = sys.stdout.write\n"
             "for r in codec.load(sys.argv[1]): w(r.describe() + '\\n')",
    "why": "from engine import codec\nfrom engine.query import causal_chain\nimport sys\n"
           "by = {r.offset: r for r in codec.load(sys.argv[1])}\n"
           "for r in causal_chain(int(sys.argv[2]), by.get): print(r.describe())",
    "stats": "from collections import Counter\nfrom engine import codec\nimport sys\n"
             "records = codec.load(sys.argv[1])\nprint(Counter(r.type for r in records).most_common())\n"
             "print(sorted(Counter(r.tick // 600 for r in records).items()))",
}


def command(variant: str, tool: str, log: Path, offset: int) -> list[str]:
    """The argv of one run."""
    extra = [str(offset)] if tool == "why" else []
    if variant == "stream":
        return [sys.executable, "-m", "engine", tool, str(log), *extra]
    return [sys.executable, "-c", LOAD_ALL[tool], str(log), *extra]


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its children (one level: the workers)."""
    total = 0
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            pids += [int(p) for p in children.read().split()]
    except OSError:
        return 0
    for one in pids:
        try:
            with open(f"/proc/{one}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak tree RSS (bytes) of one run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(process.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    err = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, max(peak[0], usage.ru_maxrss * 1024)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, default=Path("/tmp/wanted-big.jsonl"),
                        help="the log to read (made with make_big_log.py if missing)")
    parser.add_argument("--records", type=int, default=1_000_000, help="records of a log made here")
    parser.add_argument("--runs", type=int, default=3, help="runs of each variant (default 3)")
    parser.add_argument("--variants", default="stream,load_all", help="stream, load_all or both")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.log.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_big_log.py"), str(args.log),
                        "--records", str(args.records)], check=True, stdout=subprocess.DEVNULL)
    with open(args.log, "rb") as log:
        lines = sum(block.count(b"\n") for block in iter(lambda: log.read(1 << 20), b""))
    offset = lines - 10
    variants = args.variants.split(",")
    samples: dict[str, list[tuple[float, float, int]]] = {}
    for _ in range(args.runs):
        for tool in ("trace", "why", "stats"):
            for variant in variants:
                samples.setdefault(f"{tool} {variant}", []).append(run_once(command(variant, tool, args.log, offset)))
    medians = {name: {"wall_s": round(statistics.median(s[0] for s in runs), 2),
                      "cpu_s": round(statistics.median(s[1] for s in runs), 2),
                      "peak_mb": round(statistics.median(s[2] for s in runs) / 1e6, 1)}
               for name, runs in samples.items()}
    if args.json:
        print(json.dumps({"records": lines, "cores": os.cpu_count(), "runs": args.runs, "medians": medians}))
        return 0
    print(f"{lines:,} records in {args.log} ({args.log.stat().st_size / 1e6:.0f} MB), {os.cpu_count()} cores, "
          f"medians of {args.runs} runs")
    print(f"{'command':<16} {'wall s':>7} {'cpu s':>7} {'peak MB':>8}")
    for name, m in medians.items():
        print(f"{name:<16} {m['wall_s']:>7} {m['cpu_s']:>7} {m['peak_mb']:>8}")
    for tool in ("trace", "why", "stats"):
        if "stream" in variants and "load_all" in variants:
            new, old = medians[f"{tool} stream"], medians[f"{tool} load_all"]
            print(f"{tool}: {old['wall_s'] / new['wall_s']:.1f}x faster, {old['peak_mb'] / new['peak_mb']:.0f}x "
                  f"less memory (target < 5 s and < 150 MB: "
                  f"{'met' if new['wall_s'] < 5 and new['peak_mb'] < 150 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
