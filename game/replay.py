"""How ``python -m engine replay`` rebuilds this game's world (an entry point)."""

from __future__ import annotations

from typing import Any

from engine import World
from game.build import MAX_NPCS, build_game
from game.tuning import tuning_from

#: The pedestrian counts ``python -m game --npcs`` accepts (game/cli.py): a log
#: is input too, and a huge count would exhaust memory before the replay starts.
NPCS_RANGE = range(0, MAX_NPCS + 1)


class ReplayOptionError(ValueError):
    """An option of a log's ``SimulationStarted`` record this game cannot rebuild a world from."""

    def __init__(self, option: str, value: Any, expected: str) -> None:
        shown = repr(value)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."  # a corrupt log can hold a huge value
        super().__init__(f"option {option!r} must be {expected}, found {shown}")
        self.option = option
        self.value = value


def npcs_option(options: dict[str, Any]) -> int | None:
    """The ``npcs`` option, checked like the command line's ``--npcs`` (None if absent)."""
    if "npcs" not in options:
        return None
    value = options["npcs"]
    # bool is an int to Python, but true/false in a log is no count.
    if not isinstance(value, int) or isinstance(value, bool) or value not in NPCS_RANGE:
        raise ReplayOptionError("npcs", value, f"a whole number from {NPCS_RANGE.start} to {NPCS_RANGE.stop - 1}")
    return value


def replay_game(seed: int, options: dict[str, Any]) -> World:
    """A fresh game world for a replay: same seed and options, no trigger files
    (the log's ``TriggersLoaded`` input installs the ones the run had), and
    the Python extensions the run recorded, loaded again from their files.

    Raises :class:`ReplayOptionError` (a ``ValueError``) for an option out of
    range, and a ``ValueError`` naming the extension when one is missing,
    changed or broken.
    """
    npcs = npcs_option(options)
    recorded = extensions_option(options)
    session_run_option(options)
    tuning = tuning_from(options.get("tuning", {}), "option 'tuning'") if isinstance(options.get("tuning", {}), dict) \
        else None
    if tuning is None:
        raise ReplayOptionError("tuning", options["tuning"], "a table of tuning values")
    extra = {k: v for k, v in options.items() if k not in ("game", "npcs", "extensions", "tuning")}
    # build_game records "npcs" in every run's options; should a log lack it, build_game's default applies.
    counts = {} if npcs is None else {"npcs": npcs}
    # The recorded values, never the tuning file of today: it may have been edited since the run.
    game = build_game(seed=seed, triggers=None, options=extra, extensions=recorded, tuning=tuning, **counts)
    return game.world


def extensions_option(options: dict[str, Any]) -> dict[str, str] | None:
    """The ``extensions`` option (extension name -> SHA-256 of its text), checked (None if absent)."""
    if "extensions" not in options:
        return None
    value = options["extensions"]
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ReplayOptionError("extensions", value, "a table of extension file names to SHA-256 digests")
    return value


def session_run_option(options: dict[str, Any]) -> int | None:
    """The ``session_run`` option (the second and later runs of one window session: 2, 3, ...), checked.

    The first run records none, so 1 (or anything not a whole number from 2)
    is a log edited by hand, not one the game wrote."""
    if "session_run" not in options:
        return None
    value = options["session_run"]
    if not isinstance(value, int) or isinstance(value, bool) or not 2 <= value <= MAX_SESSION_RUN:
        raise ReplayOptionError("session_run", value, f"a whole number from 2 to {MAX_SESSION_RUN:,} "
                                                      "(the first run of a session records none)")
    return value


#: No session restarts this often; a bigger number is an edited log.
MAX_SESSION_RUN = 1_000_000
