"""The game's tuning: the numbers behind its rules, in ``assets/tuning.toml``.

Trigger expressions read them as the state name ``tuning``
(``tuning.police_speed``); the ``tune`` behaviour changes one at run time,
recorded as :class:`~game.events.TuningChanged` with its cause, so
"when the wanted level reaches 3, the police get faster" is a trigger:

    [[trigger]]
    name = "faster-police-at-three-stars"
    on = "WantedLevelChanged"
    when = "event.after >= 3"
    do = [{ behaviour = "tune", name = "police_speed", value = 320 }]
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from engine import World
from engine.scripting.sources import display_name
from engine.scripting.values import shown
from game.events import TuningChanged

#: The repository's folder: a tuning file inside it is named relative to it in messages.
ROOT = Path(__file__).resolve().parent.parent
#: The tuning file the game reads at start.
TUNING_FILE = ROOT / "assets" / "tuning.toml"


@dataclass(frozen=True)
class Tuning:
    """``tuning`` in expressions: every number the game's rules use (defaults as shipped)."""

    police_speed: float = 230.0
    police_speed_per_star: float = 20.0
    police_units_per_star: int = 1
    police_units_max: int = 6
    police_spawn_seconds: float = 1.5
    police_accuracy: float = 0.55
    escape_seconds: float = 10.0
    heal_amount: int = 60
    goon_accuracy: float = 0.6
    goon_accuracy_in_car: float = 0.4
    goons: int = 3
    cash_pickups: int = 6
    cash_value: int = 100
    cash_spawn_seconds: float = 4.0
    cash_goon: int = 500
    cash_victim: int = 250
    run_minutes: float = 10.0
    lives: int = 5
    goon_grace_seconds: float = 6.0
    goon_alert_range: float = 180.0
    crash_speed: float = 150.0
    crash_damage: float = 0.06
    traffic_cars: int = 12
    traffic_speed: float = 140.0
    police_fire_stars: int = 3
    roadblock_stars: int = 4
    roadblock_seconds: float = 20.0
    roadblock_ahead: float = 420.0
    helicopter_stars: int = 5
    helicopter_speed: float = 260.0
    helicopter_vision: float = 420.0
    busted_range: float = 44.0
    busted_seconds: float = 2.0
    busted_penalty: int = 300
    wasted_penalty: int = 200

    def police_speed_at(self, level: int) -> float:
        """How fast police cars drive at a wanted level: the base speed, plus so much for each star above one."""
        return self.police_speed + self.police_speed_per_star * max(0, level - 1)

    def police_units(self, level: int) -> int:
        """How many police units chase at a wanted level."""
        return 0 if level <= 0 else min(1 + self.police_units_per_star * level, self.police_units_max)


#: The names ``tune`` accepts (checked when a trigger file is loaded).
TuningName = Literal["police_speed", "police_speed_per_star", "police_units_per_star", "police_units_max",
                     "police_spawn_seconds", "police_accuracy", "escape_seconds", "heal_amount", "goon_accuracy",
                     "goon_accuracy_in_car", "goons", "cash_pickups", "cash_value", "cash_spawn_seconds",
                     "cash_goon", "cash_victim", "run_minutes", "lives", "goon_grace_seconds", "goon_alert_range",
                     "crash_speed", "crash_damage", "traffic_cars", "traffic_speed",
                     "police_fire_stars", "roadblock_stars", "roadblock_seconds", "roadblock_ahead",
                     "helicopter_stars", "helicopter_speed", "helicopter_vision", "busted_range", "busted_seconds",
                     "busted_penalty", "wasted_penalty"]
FIELDS = {f.name: f.type for f in dataclasses.fields(Tuning)}
#: The range each value must lie in: chances are 0 to 1, at most 3 goons stand on the corner.
LIMITS: dict[str, tuple[float, float]] = {
    "police_speed": (0, 2000), "police_speed_per_star": (0, 500), "police_units_per_star": (0, 10),
    "police_units_max": (0, 20),
    "police_spawn_seconds": (0, 600), "police_accuracy": (0, 1), "escape_seconds": (0, 3600),
    "heal_amount": (0, 1000), "goon_accuracy": (0, 1), "goon_accuracy_in_car": (0, 1), "goons": (0, 3),
    "cash_pickups": (0, 50), "cash_value": (0, 100000), "cash_spawn_seconds": (0.1, 600), "cash_goon": (0, 100000),
    "cash_victim": (0, 100000), "run_minutes": (0, 600), "lives": (1, 100), "goon_grace_seconds": (0, 600),
    "goon_alert_range": (0, 2000), "crash_speed": (0, 2000), "crash_damage": (0, 10), "traffic_cars": (0, 60),
    "traffic_speed": (0, 1000),
    # The wanted levels' steps: a threshold above 5 switches that step off.
    "police_fire_stars": (1, 6), "roadblock_stars": (1, 6), "roadblock_seconds": (1, 600),
    "roadblock_ahead": (150, 1500),
    "helicopter_stars": (1, 6), "helicopter_speed": (0, 2000), "helicopter_vision": (0, 2000),
    "busted_range": (0, 200), "busted_seconds": (0.1, 60), "busted_penalty": (0, 100000), "wasted_penalty": (0, 100000),
}


class TuningError(ValueError):
    """A tuning value or file that cannot be used; the message is one line naming it."""


def checked(name: str, value: Any) -> int | float:
    """``value`` as the tuning value ``name`` (a whole number for counts); raises :class:`TuningError`."""
    kind = FIELDS.get(name)
    if kind is None:
        raise TuningError(f"unknown tuning value {name!r}; known: {', '.join(FIELDS)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TuningError(f"{name}: expected a number, found {shown(value)}")
    if kind == "int":
        if not float(value).is_integer():
            raise TuningError(f"{name}: expected a whole number, found {shown(value)}")
        value = int(value)
    else:
        value = float(value)
    low, high = LIMITS[name]
    if not low <= value <= high:
        raise TuningError(f"{name}: expected {low:g} to {high:g}, found {shown(value)}")
    return value


def tuning_from(values: dict[str, Any], where: str = "tuning") -> Tuning:
    """Defaults with ``values`` over them, every one checked; raises :class:`TuningError` naming ``where``."""
    try:
        return dataclasses.replace(Tuning(), **{name: checked(name, v) for name, v in values.items()})
    except TuningError as error:
        raise TuningError(f"{where}: {error}") from None


def load_tuning(path: Path | None = None) -> Tuning:
    """Read a tuning file (default: :data:`TUNING_FILE`); raises :class:`TuningError`
    with one line naming the file and what is wrong."""
    path = TUNING_FILE if path is None else path
    name = display_name(path, ROOT)  # "assets/tuning.toml", as the docs show it
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TuningError(f"{name}: cannot be read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TuningError(f"{name}: not a valid TOML file: {error}") from None
    return tuning_from(values, name)


def changed_from_defaults(tuning: Tuning) -> dict[str, int | float]:
    """The values that differ from the shipped defaults (what a run records in its options)."""
    default = Tuning()
    return {name: getattr(tuning, name) for name in FIELDS if getattr(tuning, name) != getattr(default, name)}


def tuning(world: World) -> Tuning:
    """The world's tuning now (read by the game's systems and by ``tuning`` in expressions)."""
    return world.resources["game"].tuning


def check_tune(constants: dict[str, Any]) -> None:
    """Load-time check of a ``tune`` call whose name and value are constants: the range ``tune`` would refuse."""
    name, value = constants.get("name"), constants.get("value")
    if name is not None and value is not None:
        checked(name, value)


def tune(world: World, name: TuningName, value: float) -> None:
    """Change one tuning value (``tuning.NAME``) while the game runs; recorded as TuningChanged."""
    state = world.resources["game"]
    before = getattr(state.tuning, name)
    after = checked(name, value)
    if after == before:
        return
    state.tuning = dataclasses.replace(state.tuning, **{name: after})
    world.emit(TuningChanged(name, before, after))
