"""Where a stream lives: ``redis://[:PASSWORD@]HOST:PORT[/DB][?stream=NAME&maxlen=N]``."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORT = 6379
#: Query keys an address may carry; anything else is most likely a typo.
QUERY_KEYS = ("stream", "maxlen")
# Printable, no spaces: a stream name is also typed in redis-cli and shell commands.
_STREAM_NAME = re.compile(r"[!-~]{1,200}")


class StreamAddressError(ValueError):
    """A stream URL that cannot be used; the message names the part that is wrong."""


@dataclass(frozen=True)
class StreamAddress:
    """A parsed stream URL: the server, the database, the stream and its retention."""

    host: str
    port: int = DEFAULT_PORT
    db: int = 0
    stream: str | None = None
    username: str | None = None
    password: str | None = None
    #: Approximate retention (``XADD MAXLEN ~ N``), like Kafka's ``retention.bytes`` in records.
    maxlen: int | None = None

    @property
    def server(self) -> str:
        """``redis://HOST:PORT/DB``, without the password: safe to print."""
        return f"redis://{self.host}:{self.port}/{self.db}"

    def __str__(self) -> str:
        return self.server + (f"?stream={self.stream}" if self.stream else "")

    def with_stream(self, stream: str) -> StreamAddress:
        """The same server and database, another stream."""
        check_stream_name(stream)
        return replace(self, stream=stream)

    def needs_stream(self) -> str:
        """The stream name; raises :class:`StreamAddressError` if the URL has none."""
        if self.stream is None:
            raise StreamAddressError(f"{self}: no stream named; add ?stream=NAME to the URL")
        return self.stream


def check_stream_name(name: str) -> str:
    """``name`` if it can name a stream (1 to 200 printable characters, no spaces)."""
    if not _STREAM_NAME.fullmatch(name):
        raise StreamAddressError(f"stream name {name!r}: expected 1 to 200 printable characters without spaces")
    return name


def parse_address(text: str) -> StreamAddress:
    """Parse a ``redis://`` URL; raises :class:`StreamAddressError` naming what is wrong."""
    shown = _hide_password(text)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise StreamAddressError(f"{shown}: not a valid URL ({error})") from None
    if parts.scheme != "redis":
        found = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise StreamAddressError(f"{shown}: expected a redis://HOST:PORT URL, found {found}")
    if not parts.hostname:
        raise StreamAddressError(f"{shown}: no host; expected redis://HOST:PORT")
    if parts.fragment:
        raise StreamAddressError(f"{shown}: a stream URL has no #fragment")
    query = _query(parts.query, shown)
    stream = query.get("stream")
    if stream is not None:
        try:
            check_stream_name(stream)
        except StreamAddressError as error:
            raise StreamAddressError(f"{shown}: {error}") from None
    return StreamAddress(parts.hostname, DEFAULT_PORT if port is None else port, _db(parts.path, shown), stream,
                         unquote(parts.username) if parts.username else None,
                         unquote(parts.password) if parts.password is not None else None,
                         _maxlen(query.get("maxlen"), shown))


def _query(query: str, shown: str) -> dict[str, str]:
    try:
        values = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise StreamAddressError(f"{shown}: the query is not KEY=VALUE pairs joined by &") from None
    for key, found in values.items():
        if key not in QUERY_KEYS:
            raise StreamAddressError(f"{shown}: unknown query key {key!r} (known: {', '.join(QUERY_KEYS)})")
        if len(found) > 1:
            raise StreamAddressError(f"{shown}: {key!r} is given {len(found)} times")
    return {key: found[0] for key, found in values.items()}


def _db(path: str, shown: str) -> int:
    number = path.lstrip("/")
    if not number:
        return 0
    if not number.isdigit() or int(number) > 10_000:
        raise StreamAddressError(f"{shown}: the path must be a database number (/0, /1, ...), found {path!r}")
    return int(number)


def _maxlen(text: str | None, shown: str) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise StreamAddressError(f"{shown}: maxlen must be a whole number of at least 1, found {text!r}")
    return int(text)


def _hide_password(text: str) -> str:
    """The URL as it may be printed: a password becomes ``***``."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", text)
