"""Small JSON files in the player's data directory (high scores, sound settings), read and written safely.

Whatever sits at the path is the player's machine, not ours: a missing file
is the defaults, and anything else that is not a small, readable JSON file
(a named pipe that would block the read for ever, a link to ``/dev/zero``
that would fill memory, a huge file, nesting deep enough to exhaust the
parser's recursion) is refused with a reason, which the caller prints in
one line before carrying on with the defaults.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

#: The largest file read; the real ones are a few hundred bytes.
MAX_BYTES = 64 * 1024


class DataFileError(ValueError):
    """The file at the path cannot be used; the message says why."""


def read_json(path: Path) -> Any | None:
    """The JSON value in the file at ``path``; None when there is no file.

    Raises :class:`DataFileError` for anything else that is not a regular
    file of at most :data:`MAX_BYTES` holding JSON."""
    try:
        # O_NONBLOCK: opening a named pipe with no writer must not wait.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DataFileError(f"cannot read it ({error.__class__.__name__}: {error.strerror or error})") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise DataFileError("not a regular file")
        try:
            data = file.read(MAX_BYTES + 1)
        except OSError as error:
            raise DataFileError(f"cannot read it ({error.__class__.__name__}: {error.strerror or error})") from None
    if len(data) > MAX_BYTES:
        raise DataFileError(f"larger than {MAX_BYTES // 1024} KB, so not one of ours")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise DataFileError("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise DataFileError(f"not JSON (line {error.lineno}: {error.msg})") from None
    except RecursionError:
        raise DataFileError("not JSON we can read (nested too deeply)") from None


def write_json(path: Path, data: Any, indent: int | None = None) -> None:
    """Write ``data`` via a temporary file, so a crash never leaves half a file; raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=indent) + "\n", encoding="utf-8")
    temporary.replace(path)
