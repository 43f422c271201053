"""``python -m engine publish|fetch|follow``: a log file to a stream, a stream to a file, a consumer group.

redis-py is imported when one of these commands runs, so the other
commands work without it.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from engine.cli import CommandSpec, UsageError, load_log, positive_int
from engine.streams.address import StreamAddress, StreamAddressError, check_stream_name, parse_address
from engine.streams.entries import StreamEntryError
from engine.streams.source import EARLIEST, LATEST, Start, StreamError

#: Records per pipeline when publishing a file.
PUBLISH_CHUNK = 5000


def stream_url(text: str) -> StreamAddress:
    """An argparse type: a ``redis://`` URL."""
    try:
        return parse_address(text)
    except StreamAddressError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def start_position(text: str) -> Start:
    """An argparse type: ``earliest``, ``latest`` or a record's offset."""
    if text in (EARLIEST, LATEST):
        return text
    if text.isdigit():
        return int(text)
    raise argparse.ArgumentTypeError(f"expected earliest, latest or an offset, got {text!r}")


def name(text: str) -> str:
    """An argparse type: a group or consumer name."""
    try:
        return check_stream_name(text)
    except StreamAddressError as error:
        raise argparse.ArgumentTypeError(str(error).replace("stream name", "name")) from None


# -- publish ---------------------------------------------------------------------------------

def _publish_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG.jsonl")
    p.add_argument("url", metavar="redis://HOST:PORT[/DB]?stream=NAME", type=stream_url)
    p.add_argument("--maxlen", type=positive_int, metavar="N",
                   help="keep about the N newest entries (retention; same as ?maxlen=N)")


def cmd_publish(args: argparse.Namespace) -> int:
    """``publish``: append a log file's records to a stream; running it twice adds nothing."""
    from engine.streams.publisher import Outgoing, TransportDown
    from engine.streams.redis_sink import RedisTransport
    from engine.streams.redis_stream import REPLY_TIMEOUT

    address: StreamAddress = args.url
    if args.maxlen is not None:
        address = StreamAddress(**{**address.__dict__, "maxlen": args.maxlen})
    records = load_log(args.log)
    _needs_stream(address)
    sent = 0
    try:
        transport = RedisTransport(address, REPLY_TIMEOUT)
        try:
            transport.refuse_another_log(records)
            for start in range(0, len(records), PUBLISH_CHUNK):
                chunk = [Outgoing(0, r.offset, r) for r in records[start:start + PUBLISH_CHUNK]]
                problems = [p for p in transport.send(chunk) if p is not None]
                if problems:
                    raise UsageError(f"{address}: {problems[0]}")
                sent += len(chunk)
            length = transport.connection.xlen(address.stream)
        finally:
            transport.close()
    except (StreamError, TransportDown) as error:
        done = f" after {sent} of {len(records)} records" if sent else ""
        raise UsageError(f"{error}{done}") from None
    print(f"published {len(records)} records from {args.log} to {address}; the stream holds {length} entries")
    return 0


def _needs_stream(address: StreamAddress) -> str:
    try:
        return address.needs_stream()
    except StreamAddressError as error:
        raise UsageError(str(error)) from None


# -- fetch -----------------------------------------------------------------------------------

def _fetch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="redis://HOST:PORT[/DB]?stream=NAME", type=stream_url)
    p.add_argument("-o", "--output", required=True, metavar="LOG.jsonl", help="the log file to write")


def cmd_fetch(args: argparse.Namespace) -> int:
    """``fetch``: the stream's current timeline into a log file, byte for byte as the run wrote it."""
    from engine.streams.redis_stream import RedisSource
    from engine.streams.timeline import Timeline

    address: StreamAddress = args.url
    stream = _needs_stream(address)
    output = Path(args.output)
    if output.is_dir() or not output.parent.is_dir():
        raise UsageError(f"{output}: cannot write a log file there")
    try:
        source = RedisSource(address)
        try:
            timeline = Timeline(stream).extend(source.entries())
        finally:
            source.close()
    except (StreamError, StreamEntryError) as error:
        raise UsageError(str(error)) from None
    _write_lines(output, timeline.lines)
    print(f"fetched {len(timeline.lines)} records from {address} to {output}")
    if timeline.missed:
        print(f"missed {timeline.missed} records: offsets 0..{timeline.missed - 1} were trimmed from the stream "
              "(retention); the file starts after them", file=sys.stderr)
    return 0


def _write_lines(path: Path, lines: list[str]) -> None:
    """Write JSON lines as the run's file is written; a failure leaves no half-written file."""
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(line)
                out.write("\n")
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UsageError(f"{path}: {error.strerror or error}") from None


# -- follow ----------------------------------------------------------------------------------

def _follow_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="redis://HOST:PORT[/DB]?stream=NAME", type=stream_url)
    p.add_argument("--group", required=True, type=name, metavar="G", help="the consumer group")
    p.add_argument("--consumer", type=name, metavar="C",
                   help="this consumer's name in the group (default: HOST-PID); reuse it to resume after a restart")
    p.add_argument("--from", dest="start", type=start_position, default=EARLIEST, metavar="earliest|latest|OFFSET",
                   help="where a new group starts (default earliest); an existing group continues where it left off")
    p.add_argument("--count", type=positive_int, metavar="N", help="stop after handling N entries")
    p.add_argument("--idle", type=float, metavar="S", help="stop after S seconds with nothing new")
    p.add_argument("--claim-idle", type=positive_int, default=30_000, metavar="MS",
                   help="claim entries another consumer left unacknowledged this long (default 30000 ms)")


def cmd_follow(args: argparse.Namespace) -> int:
    """``follow``: read a stream as one consumer of a group, printing records like ``trace``."""
    from engine.streams.follow import Follower
    from engine.streams.redis_stream import RedisGroupReader

    address: StreamAddress = args.url
    _needs_stream(address)
    if args.idle is not None and not 0 < args.idle <= 86_400:
        raise UsageError(f"--idle: expected seconds between 0 and 86400, got {args.idle}")
    consumer = args.consumer or f"{socket.gethostname()}-{os.getpid()}"
    try:
        reader = RedisGroupReader(address, args.group, consumer)
    except StreamError as error:
        raise UsageError(str(error)) from None
    live = sys.stderr.isatty() and sys.stdout.isatty()   # a status line only for a person watching

    def show_lag(follower: Follower) -> None:
        print(f"\r\x1b[2K  handled {follower.handled}, lag {follower.lag()}", end="\r", file=sys.stderr, flush=True)

    follower = Follower(reader, print_line=lambda text: print(f"\x1b[2K{text}" if live else text),
                        flush=sys.stdout.flush, on_batch=show_lag if live else None)
    try:
        created = reader.join(args.start)
        if not created and args.start != EARLIEST:
            print(f"note: group {args.group!r} exists; it continues where it left off (--from is for a new group)",
                  file=sys.stderr)
        first = (0 if args.start == EARLIEST else args.start if isinstance(args.start, int) else None) \
            if created else None
        follower.run(count=args.count, idle=args.idle, claim_idle_ms=args.claim_idle, first_offset=first)
    except (StreamError, StreamEntryError) as error:
        raise UsageError(str(error)) from None
    except KeyboardInterrupt:
        print(follower.summary(), file=sys.stderr)
        return 130
    finally:
        reader.close()
    print(follower.summary(), file=sys.stderr)
    return 0


#: The commands defined here (see engine.cli.COMMANDS).
CLI_COMMANDS = {
    "publish": CommandSpec("append a log file's records to a Redis stream (idempotent)", _publish_args, cmd_publish),
    "fetch": CommandSpec("write a Redis stream back into a log file, byte for byte", _fetch_args, cmd_fetch),
    "follow": CommandSpec("read a Redis stream as a consumer in a consumer group, printing records",
                          _follow_args, cmd_follow),
}
