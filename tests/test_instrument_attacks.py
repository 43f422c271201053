"""Issue 13's commands attacked with hostile input: each problem found is kept here as a regression test.

The standard for every one: one line naming what was wrong and where, a
non-zero exit (2 for a mistake in the input), no traceback, bounded work.
"""

from __future__ import annotations

import errno
import io

import pytest

from engine.cli import main
from tests.test_consequences import branching_world, written


class _FailingOutput(io.StringIO):
    """A stdout whose writes fail as a closed pipe or a full disk make them fail."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


@pytest.mark.parametrize(("error", "status", "said"), [
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), 0, ""),   # `| head -1`: the reader has all it wants
    (OSError(errno.ENOSPC, "No space left on device"), 1, "error: cannot write the output: No space left on device"),
])
def test_why_forward_blames_the_output_not_the_log_when_writing_fails(tmp_path, capsys, monkeypatch, error,
                                                                        status, said):
    path = written(branching_world(2, 3), tmp_path)
    monkeypatch.setattr("sys.stdout", _FailingOutput(error))
    assert main(["why", path, "1", "--forward"]) == status
    err = capsys.readouterr().err
    assert err.strip() == said and path not in err
