"""Streams: the log's records on a real log server, out of process.

The engine's log is Kafka in one process; this package takes its records to
a log server that other programs read (Redis Streams first).  Two small
protocols keep the server swappable:

- publishing goes through :class:`~engine.sink.LogSink` (``write``,
  ``truncate``, ``flush``, ``close``), fed by a :class:`~engine.sink.LogTap`
  between ticks; :class:`~engine.streams.redis_sink.RedisStreamSink` is one;
- reading goes through :class:`~engine.streams.source.LogSource` (the whole
  stream, in order: ``fetch``) and :class:`~engine.streams.source.GroupReader`
  (a consumer in a consumer group: ``follow``).

A Kafka or NATS JetStream adapter implements the same three and reuses
everything else: the entry format (:mod:`engine.streams.entries`), the
timeline rebuild (:mod:`engine.streams.timeline`) and the commands
(:mod:`engine.streams.cli`), and the spectator that rebuilds a run live
from its stream (:mod:`engine.streams.spectate`).  See ``docs/streams.md``.
"""

from engine.streams.address import StreamAddress, StreamAddressError, parse_address
from engine.streams.entries import StreamEntry, StreamEntryError
from engine.streams.source import GroupReader, LogSource, StreamError

__all__ = [
    "GroupReader", "LogSource", "StreamAddress", "StreamAddressError", "StreamEntry", "StreamEntryError",
    "StreamError", "parse_address",
]
