"""Finding and reading trigger files, whatever the folder holds.

A folder may hold more than regular files called ``*.toml``: a FIFO (opening
it would block for ever), a device (``/dev/zero`` never ends), a symlink
that points nowhere or at itself, a file of 50 MB, a name that is not
UTF-8.  Each of these is refused with one line naming the file, here,
before a parser sees it; none is skipped in silence and none can hang.

* :func:`trigger_files` lists every ``*.toml`` entry of the folders given,
  recursively and sorted, odd ones included (so they are reported), folder
  symlink loops visited once, and names starting with ``.`` left out: editors
  keep their lock and backup files so (Emacs's ``.#rules.toml`` is a dangling
  symlink while a file is being edited).
* :func:`read_trigger_file` checks ``stat`` before opening, opens without
  blocking, and reads at most :data:`MAX_FILE_BYTES`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

#: Largest trigger file read, in bytes (the game's own files are about 2 kB).
MAX_FILE_BYTES = 1_000_000

#: Largest set of trigger files read together, in bytes of text and names:
#: their text goes into one ``TriggersLoaded`` record, and JSON can double
#: it (``"`` becomes ``\\"``), so this keeps that record's line well under
#: the longest line a log reader accepts (:data:`engine.codec.MAX_LINE_BYTES`).
MAX_TOTAL_BYTES = 4_000_000


class UnreadableFile(Exception):
    """A trigger file that cannot be read as text; the message says why, in a few words."""


def trigger_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.toml`` files named or found (recursively, sorted) in folders.

    A path named directly is listed whatever it is, so that reading it
    reports what is wrong; in a folder, every ``*.toml`` entry that is not a
    folder is listed (a FIFO, a dangling symlink, a loop), except hidden ones.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(_walk(path))
        else:
            files.append(path)
    return files


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    folders = [folder]
    while folders:
        current = folders.pop()
        try:
            info = current.stat()
            entries = list(os.scandir(current))
        except OSError:
            found.append(current)  # listed so that reading it says why it cannot be read
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue  # a folder symlink loop, or one folder linked twice: its files are listed already
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_folder(entry):
                folders.append(Path(entry.path))
            elif entry.name.endswith(".toml"):
                found.append(Path(entry.path))
    return sorted(found)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def read_trigger_file(path: Path) -> str:
    """The text of a trigger file; raises :class:`UnreadableFile` saying why it cannot be read."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise UnreadableFile(_stat_problem(path, error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile(_folder_problem(path))
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(f"not a regular file: {_kind(info.st_mode)}")
    if info.st_size > MAX_FILE_BYTES:
        raise UnreadableFile(_too_large(info.st_size))
    try:
        # Non-blocking: should the file be swapped for a FIFO after the stat, open still returns.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UnreadableFile(_stat_problem(path, error)) from None
    with open(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile(f"not a regular file: {_kind(mode)}")
        try:
            data = stream.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise UnreadableFile(error.strerror or str(error)) from None
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_too_large(len(data)))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile("not a UTF-8 text file") from None


def _stat_problem(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a symlink loop (the link leads back to itself)"
    if error.errno == errno.ENOENT:
        if os.path.islink(path):
            target = os.fsencode(os.readlink(path)).decode("utf-8", "backslashreplace")
            return f"a dangling symlink (to {target!r}, which does not exist)"
        return "no such file or folder"
    return error.strerror or str(error)


def _folder_problem(path: Path) -> str:
    # A folder reaches the reader only when it could not be listed (or was named as a file).
    try:
        os.scandir(path).close()
    except OSError as error:
        return f"a folder that cannot be read ({error.strerror or error})"
    return "not a regular file: a folder"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def _too_large(size: int) -> str:
    return f"too large ({size:,} bytes; a trigger file may have at most {MAX_FILE_BYTES:,})"


def display_name(path: Path, relative_to: str | Path | None = None) -> str:
    """The name a file goes by in messages and logs: relative to ``relative_to``
    when it is inside it (so logs name files alike on every machine)."""
    name = str(path)
    if relative_to is not None:
        try:
            # The folder is resolved, not the file: a symlinked file keeps its own name.
            where = Path(os.path.realpath(path.parent)) / path.name
            name = where.relative_to(Path(relative_to).resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            pass
    return name


def name_problem(name: str) -> str | None:
    """Why a file name cannot name a file in a log (it is not UTF-8), or None."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8; rename the file"
    return None


def printable_name(name: str) -> str:
    """A file name as shown in messages: bytes that are not UTF-8 as ``\\xNN``."""
    if name_problem(name) is None:
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")
