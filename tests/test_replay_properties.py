"""Replay properties: any valid trigger set's log replays identically; no random edit passes as identical.

``WANTED_REPLAY_EXAMPLES=500 python -m pytest tests/test_replay_properties.py``
runs the long version.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trigger_files import trigger_file

from engine import codec
from engine.ending import end_run
from engine.logbytes import split_lines
from engine.replay import ReplayError, replay, replay_lines
from engine.replay_run import Difference
from game.build import TRIGGERS, build_game
from game.headless import run_headless
from game.registry import make_registry

EXAMPLES = int(os.environ.get("WANTED_REPLAY_EXAMPLES", "25"))
REGISTRY = make_registry()


def _shown(difference: Difference | None) -> str:
    if difference is None:
        return "identical"
    return (f"line {difference.line}: {difference.reason}\n"
            f" log:    {difference.logged!r}\n replay: {difference.replayed!r}")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.integers(1, 3).flatmap(lambda n: st.tuples(*(trigger_file(REGISTRY, f"gen{i}") for i in range(n)))),
       seed=st.integers(0, 2**16), shipped=st.booleans())
def test_any_valid_trigger_set_and_seed_replays_identically(files: tuple[str, ...], seed: int,
                                                            shipped: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for index, text in enumerate(files):
            (folder / f"gen{index}.toml").write_text(text, encoding="utf-8")
        if shipped:  # the game's own triggers too: the generated ones then meet a chase and its alarms
            for path in TRIGGERS.glob("*.toml"):
                shutil.copy(path, folder / path.name)
        game = build_game(seed=seed, npcs=6, triggers=folder)   # raises if a generated file is not valid
        try:
            run_headless(game, 5.0)
            end_run(game.world)
            records = list(game.world.log)
        finally:
            game.world.close()
    result = replay(records)
    assert result.identical, _shown(result.difference) + "\n" + "\n".join(files)


def _small_log() -> bytes:
    game = build_game(seed=5, npcs=3)
    try:
        run_headless(game, 1.5)
        end_run(game.world)
        return b"".join(codec.encode(r).encode("utf-8") + b"\n" for r in game.world.log)
    finally:
        game.world.close()


SMALL_LOG = _small_log()


@settings(max_examples=max(30, EXAMPLES), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(at=st.integers(0, len(SMALL_LOG) - 1), byte=st.integers(0, 255))
def test_a_single_byte_edit_is_never_reported_identical(at: int, byte: int) -> None:
    edited = SMALL_LOG[:at] + bytes([byte]) + SMALL_LOG[at + 1:]
    if edited == SMALL_LOG:
        return  # the "edit" wrote the byte that was there
    try:
        result = replay_lines(split_lines(edited))
    except (ReplayError, codec.LogFormatError):
        return  # refused as unreplayable: not called identical either
    assert not result.identical
    # The lines before the edited one are untouched: the first difference cannot come before it.
    assert result.difference is not None and result.difference.line >= edited[:at].count(b"\n") + 1
