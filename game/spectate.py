"""``python -m game --spectate URL``: rebuild a published run live from its stream, and check it.

Headless (no display, or ``--headless``), it follows the stream until it is
quiet for :data:`QUIET_SECONDS`, then prints whether the rebuilt run matched
every record, or the first divergence.  In a window (``game/pg/spectate.py``)
it shows the rebuilt game as it happens.
"""

from __future__ import annotations

import argparse
import sys
import time

from engine.replay import ReplayError
from engine.streams.address import StreamAddress, StreamAddressError
from engine.streams.entries import StreamEntryError
from engine.streams.source import StreamError
from engine.streams.spectate import Spectator, Tail

#: A stream with no new entry for this long is taken to be a run that ended.
QUIET_SECONDS = 1.5


def open_tail(address: StreamAddress) -> Tail:
    """A tail of the address's stream into a new spectator; raises StreamError or StreamAddressError."""
    from engine.streams.redis_stream import RedisSource

    return Tail(RedisSource(address), Spectator(address.needs_stream()))


def verdict(tail: Tail, address: StreamAddress) -> tuple[int, str]:
    """Exit status and the final words: identical, or where it diverged."""
    spectator = tail.spectator
    if spectator.divergence is not None:
        return 1, f"spectating {address}: {spectator.divergence.describe()}"
    restarts = f", {spectator.restarts} restarts after time travel" if spectator.restarts else ""
    return 0, (f"spectated {len(spectator.records)} records from {address}: rebuilt identically through tick "
               f"{max(0, spectator.tick - 1)}{restarts}")


def run_spectate_cli(args: argparse.Namespace, headless: bool) -> int:
    """Spectate ``args.spectate``; problems with the server or stream are one line, exit 2."""
    try:
        tail = open_tail(args.spectate)
    except (StreamError, StreamAddressError) as error:
        hint = ""
        if "no stream named '" in str(error):   # started before the game: its stream comes with its first record
            hint = " (yet? start the game with --publish first: its stream appears when it begins to play)"
        print(f"error: {error}{hint}", file=sys.stderr)
        return 2
    try:
        if headless:
            follow_headless(tail, args.seconds)
        else:
            from game.pg.spectate import spectate_window

            spectate_window(tail, args.spectate, args.seconds)
    except (StreamError, StreamEntryError, ReplayError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        tail.spectator.close()
        tail.source.close()
    status, words = verdict(tail, args.spectate)
    print(words, file=sys.stderr if status else sys.stdout)
    return status


def follow_headless(tail: Tail, seconds: float | None) -> None:
    """Follow until the stream is quiet (the run ended), a divergence, or ``seconds`` of real time."""
    start = quiet_since = time.monotonic()
    while tail.spectator.divergence is None:
        if tail.poll(100):
            quiet_since = time.monotonic()
        tail.spectator.advance()
        now = time.monotonic()
        if now - quiet_since >= QUIET_SECONDS or (seconds is not None and now - start >= seconds):
            tail.spectator.advance(final=True)
            return
