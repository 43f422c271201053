"""The trigger runtime: once, cooldown, priority, conditions, failures, alarms and causality.

Everything here uses a small self-made registry (a miniature of the game's),
so the tests say what the engine does without depending on the demo game.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import esper
import pytest

from engine import Event, HandlerFailed, World, event
from engine.scripting import (
    Alarm,
    AlarmEntered,
    AlarmExited,
    BehaviourRan,
    Entity,
    Registry,
    Trigger,
    TriggerFileError,
    TriggerRuntime,
    alarm,
    call,
    loads,
    trigger,
)

# -- a miniature game --------------------------------------------------------------


@event
class Shot(Event):
    shooter: int
    target: int
    damage: int


@event
class HealthChanged(Event):
    entity: int
    before: int
    after: int


@event
class CrimeCommitted(Event):
    kind: str
    severity: int = 1


@event
class WantedLevelChanged(Event):
    before: int
    after: int


@event
class WeatherChanged(Event):
    rain: bool


@event
class SoundStarted(Event):
    sound: str
    loop: bool


@event
class Ping(Event):
    n: int = 0
    label: str = ""


@dataclass
class Health:
    current: int
    maximum: int = 100


@dataclass
class WantedLevel:
    """Read in expressions as ``source.wanted_level.stars`` (snake_case)."""

    stars: int


def change_wanted(world: World, level: int) -> None:
    """Set the wanted level and say so (the state's ``changed_by`` event)."""
    before, world.resources["wanted"] = world.resources["wanted"], level
    if before != level:
        world.emit(WantedLevelChanged(before, level))


def make_registry() -> Registry:
    registry = Registry()
    registry.events(Shot, HealthChanged, CrimeCommitted, WantedLevelChanged, WeatherChanged, SoundStarted, Ping)
    registry.state("wanted", lambda world: {"level": world.resources["wanted"]}, changed_by=[WantedLevelChanged])
    registry.state("weather", lambda world: {"rain": world.resources["rain"]}, changed_by=[WeatherChanged])

    @registry.behaviour
    def damage(world: World, target: Entity, amount: int) -> None:
        """Lower the target's health."""
        world.activate()
        health = esper.try_component(target, Health)
        if health is not None:
            before, health.current = health.current, max(0, health.current - amount)
            world.emit(HealthChanged(target, before, health.current))

    @registry.behaviour
    def raise_wanted(world: World, amount: int = 1) -> None:
        change_wanted(world, world.resources["wanted"] + amount)

    @registry.behaviour
    def play_sound(world: World, sound: str, loop: bool = False) -> None:
        world.emit(SoundStarted(sound, loop))

    @registry.behaviour
    def note(world: World, text: str) -> None:
        world.resources["notes"].append((world.tick, text))

    @registry.behaviour
    def note_number(world: World, value: float) -> None:
        world.resources["notes"].append((world.tick, value))

    @registry.behaviour
    def explode(world: World) -> None:
        raise RuntimeError("boom")

    return registry


class Script:
    """A system that does what the test says at given ticks (before the runtime looks)."""

    def __init__(self, at: dict[int, list[Any]] | None = None,
                 every_tick: Callable[[World], Any] | None = None) -> None:
        self.at = at or {}
        self.every_tick = every_tick

    def update(self, world: World) -> None:
        actions = list(self.at.get(world.tick, []))
        if self.every_tick is not None:
            actions.append(self.every_tick)
        for action in actions:
            result = action(world) if callable(action) else action
            if isinstance(result, Event):
                world.emit(result)


def set_wanted(level: int) -> Callable[[World], None]:
    return lambda world: change_wanted(world, level)


def drift_wanted(level: int) -> Callable[[World], None]:
    """Change the state without any event: nothing to blame."""
    return lambda world: world.resources.__setitem__("wanted", level)


@pytest.fixture
def make():
    """make(at=..., every_tick=..., tick_rate=...) -> (world, runtime); worlds are closed afterwards."""
    worlds: list[World] = []

    def build(at=None, every_tick=None, tick_rate: int = 60, registry: Registry | None = None):
        world = World(seed=1, tick_rate=tick_rate)
        worlds.append(world)
        world.resources.update(wanted=0, rain=False, notes=[])
        world.add_system(Script(at, every_tick))
        runtime = TriggerRuntime(world, registry or make_registry())  # last: alarms see the tick's changes
        return world, runtime

    yield build
    for world in worlds:
        world.close()


def records(world: World, event_type: type) -> list:
    return [r for r in world.log if r.type == event_type.__name__]


def ran(world: World, trigger_name: str) -> list[int]:
    """Ticks at which ``trigger_name`` ran a behaviour."""
    return [r.tick for r in records(world, BehaviourRan) if r.event.trigger == trigger_name]


def notes(world: World) -> list:
    return world.resources["notes"]


def types(chain) -> list[str]:
    return [r.type for r in chain]


# -- triggers: once, cooldown, priority, enabled, when ------------------------------------

def test_a_trigger_runs_its_behaviours_in_order_each_recorded_with_the_trigger_name(make):
    world, runtime = make(at={2: [Ping(7)]})
    runtime.add(trigger("greet", on=Ping, do=[call("note", text="one"), call("note", text="two")]))
    world.run(4)
    assert notes(world) == [(2, "one"), (2, "two")]
    behaviour_runs = records(world, BehaviourRan)
    assert [(r.event.trigger, r.event.behaviour, r.event.params) for r in behaviour_runs] == [
        ("greet", "note", {"text": "one"}), ("greet", "note", {"text": "two"})]
    ping = records(world, Ping)[0]
    assert all(r.cause == ping.offset for r in behaviour_runs)
    assert runtime.fired("greet") == 1


def test_once_fires_only_the_first_time(make):
    world, runtime = make(every_tick=lambda w: Ping(w.tick))
    runtime.add(trigger("first-blood", on=Ping, do=[call("note", text="!")], once=True))
    world.run(20)
    assert ran(world, "first-blood") == [0]
    assert runtime.fired("first-blood") == 1


def test_cooldown_is_game_time_counted_in_ticks(make):
    # cooldown = 0.5 at 60 ticks/s: after firing at tick t, ticks t+1..t+29 are blocked.
    world, runtime = make(every_tick=lambda w: Ping(w.tick))
    runtime.add(trigger("spree", on=Ping, do=[call("note", text="bang")], cooldown=0.5))
    world.run(91)
    assert ran(world, "spree") == [0, 30, 60, 90]


def test_cooldown_follows_the_tick_rate(make):
    world, runtime = make(every_tick=lambda w: Ping(w.tick), tick_rate=30)
    runtime.add(trigger("spree", on=Ping, do=[call("note", text="bang")], cooldown=0.5))
    world.run(31)
    assert ran(world, "spree") == [0, 15, 30]


def test_cooldown_starts_only_when_the_trigger_fires(make):
    world, runtime = make(every_tick=lambda w: Ping(w.tick))
    runtime.add(trigger("late", on=Ping, when="event.n >= 5", do=[call("note", text="x")], cooldown=0.5))
    world.run(70)
    assert ran(world, "late") == [5, 35, 65]


def test_higher_priority_runs_first_and_equal_priorities_keep_file_order(make):
    world, runtime = make(at={1: [Ping(1)]})
    runtime.add(loads("""
        [[trigger]]
        name = "low"
        on = "Ping"
        priority = -1
        do = [{ behaviour = "note", text = "low" }]

        [[trigger]]
        name = "first-of-two"
        on = "Ping"
        do = [{ behaviour = "note", text = "first-of-two" }]

        [[trigger]]
        name = "high"
        on = "Ping"
        priority = 5
        do = [{ behaviour = "note", text = "high" }]

        [[trigger]]
        name = "second-of-two"
        on = "Ping"
        do = [{ behaviour = "note", text = "second-of-two" }]
    """, runtime.registry))
    world.run(3)
    assert [text for _, text in notes(world)] == ["high", "first-of-two", "second-of-two", "low"]


def test_a_disabled_trigger_never_runs(make):
    world, runtime = make(every_tick=lambda w: Ping(w.tick))
    runtime.add(trigger("off", on=Ping, do=[call("note", text="x")], enabled=False))
    world.run(10)
    assert ran(world, "off") == [] and runtime.fired("off") == 0
    assert [t.name for t in runtime.active.triggers] == ["off"]  # loaded, just not running


@pytest.mark.parametrize("when", ["event.n > 100", False, "wanted.level >= 1"])
def test_a_false_condition_stops_the_trigger(make, when):
    world, runtime = make(every_tick=lambda w: Ping(w.tick))
    runtime.add(trigger("never", on=Ping, when=when, do=[call("note", text="x")]))
    world.run(10)
    assert ran(world, "never") == [] and notes(world) == []


def test_conditions_read_event_fields_state_names_and_entity_components(make):
    world, runtime = make()
    victim = world.create_entity(Health(40))
    shooter = world.create_entity(Health(100), WantedLevel(stars=2))
    bystander = world.create_entity(Health(90))
    world.resources["wanted"] = 3
    runtime.add(loads("""
        [[trigger]]
        name = "finish-him"
        on = "Shot"
        when = "target.health.current < 50 and source.wanted_level.stars >= 2 and wanted.level == 3"
        do = [{ behaviour = "damage", target = "event.target", amount = "event.damage * wanted.level" }]
    """, runtime.registry))
    world.emit(Shot(shooter, victim, 10))
    world.emit(Shot(shooter, bystander, 10))   # health 90: the condition is false
    world.emit(Shot(bystander, victim, 10))    # the source has no WantedLevel component: an error, recorded
    world.run(1)
    changed = records(world, HealthChanged)
    assert [(r.event.entity, r.event.before, r.event.after) for r in changed] == [(victim, 40, 10)]
    failures = records(world, HandlerFailed)
    assert len(failures) == 1 and "wanted_level" in failures[0].event.error


def test_string_parameters_are_literals_unless_written_as_expr(make):
    world, runtime = make(at={0: [Ping(3, "plain")]})
    runtime.add(loads("""
        [[trigger]]
        name = "say"
        on = "Ping"
        do = [{ behaviour = "note", text = "event.label" },
              { behaviour = "note", text = { expr = "event.label" } },
              { behaviour = "note_number", value = "event.n / 2" },
              { behaviour = "note_number", value = { expr = "event.n * 2" } },
              { behaviour = "note_number", value = 4 }]
    """, runtime.registry))
    world.run(1)
    assert notes(world) == [(0, "event.label"), (0, "plain"), (0, 1.5), (0, 6.0), (0, 4.0)]
    assert all(isinstance(v, float) for _, v in notes(world)[2:])  # ints become numbers for float params


# -- failures do not stop the game ------------------------------------------------------------

def test_a_behaviour_that_raises_is_a_dead_letter_and_the_game_goes_on(make):
    world, runtime = make(at={1: [Ping(1)], 5: [Ping(2)]})
    runtime.add(trigger("fragile", on=Ping, do=[call("explode"), call("note", text="still here")]))
    world.run(10)
    assert world.tick == 10
    assert notes(world) == [(1, "still here"), (5, "still here")]
    failures = records(world, HandlerFailed)
    assert len(failures) == 2
    letter = failures[0].event
    assert "fragile" in letter.handler and "explode" in letter.handler
    assert letter.error == "RuntimeError: boom" and letter.event_type == "BehaviourRan"
    # the dead letter is caused by the BehaviourRan that failed, which the Ping caused
    assert types(world.why(failures[0].offset)) == ["Ping", "BehaviourRan", "HandlerFailed"]


def test_a_condition_failing_at_run_time_is_a_dead_letter_naming_the_trigger(make):
    world, runtime = make()
    nobody = world.create_entity()   # no Health component
    runtime.add(trigger("frail", on=Shot, when="target.health.current > 0", do=[call("note", text="x")]))
    world.emit(Shot(0, nobody, 5))
    world.run(2)
    [failure] = records(world, HandlerFailed)
    shot = records(world, Shot)[0]
    assert failure.event.handler == "<python>: trigger 'frail': when"
    assert failure.event.offset == shot.offset and failure.cause == shot.offset
    assert "health" in failure.event.error
    assert notes(world) == []


@pytest.mark.parametrize(("value", "error"), [
    ("event.damage // event.shooter", "division by zero"),     # fails while evaluating
    ("max(event.damage, 10.5)", "expected int"),                # 10.5 is not an int (check cannot see it)
])
def test_a_parameter_failing_at_run_time_is_a_dead_letter_naming_the_trigger(make, value, error):
    world, runtime = make(at={0: [Shot(0, 1, 10)], 3: [Ping(1)]})
    runtime.add(trigger("split", on=Shot, do=[call("damage", target="event.target", amount=value)]),
                trigger("alive", on=Ping, do=[call("note", text="ok")]))
    world.run(5)
    [failure] = records(world, HandlerFailed)
    assert failure.event.handler == "<python>: trigger 'split': do[0].amount" and error in failure.event.error
    assert records(world, BehaviourRan)[0].event.trigger == "alive"   # the failed call did not run
    assert notes(world) == [(3, "ok")]


def test_a_python_condition_that_raises_is_a_dead_letter(make):
    world, runtime = make(at={0: [Ping(1)]})
    runtime.add(trigger("py", on=Ping, when=lambda ns: 1 / 0, do=[call("note", text="x")]))
    world.run(2)
    [failure] = records(world, HandlerFailed)
    assert "trigger 'py'" in failure.event.handler and "ZeroDivisionError" in failure.event.error


def test_a_failing_alarm_condition_is_recorded_once_and_recovers(make):
    world, runtime = make(at={20: [set_wanted(1)]})
    runtime.add(alarm("divide", when="1 / wanted.level > 0", enter=[call("note", text="in")]))
    world.run(30)
    [failure] = records(world, HandlerFailed)
    assert failure.event.handler == "<python>: alarm 'divide': when" and "division by zero" in failure.event.error
    assert failure.cause is None
    assert notes(world) == [(20, "in")]


def test_a_python_alarm_condition_that_raises_does_not_stop_the_game(make):
    world, runtime = make()
    runtime.add(alarm("broken", when=lambda ns: {}["missing"], enter=[call("note", text="x")]))
    world.run(10)
    assert world.tick == 10
    [failure] = records(world, HandlerFailed)
    assert failure.event.handler == "<python>: alarm 'broken': when" and "KeyError" in failure.event.error


# -- alarms -------------------------------------------------------------------------------------

CHASE = dict(when="wanted.level >= 1", enter=[call("note", text="enter")], exit=[call("note", text="exit")])


def test_an_alarm_fires_enter_on_the_rising_edge_and_exit_on_the_falling_edge(make):
    world, runtime = make(at={10: [set_wanted(1)], 20: [set_wanted(2)], 50: [set_wanted(0)]})
    runtime.add(alarm("chase", **CHASE))
    world.run(30)
    assert runtime.alarm_active("chase")
    world.run(30)
    assert not runtime.alarm_active("chase")
    assert notes(world) == [(10, "enter"), (50, "exit")]   # 1 -> 2 is no new edge
    assert [r.tick for r in records(world, AlarmEntered)] == [10]
    assert [r.tick for r in records(world, AlarmExited)] == [50]
    assert runtime.fired("chase") == 1


def test_for_holds_both_edges_and_keeps_the_cause(make):
    world, runtime = make(at={10: [set_wanted(1)], 100: [set_wanted(0)]})
    runtime.add(alarm("chase", hold=0.5, **CHASE))   # 0.5 s = 30 ticks
    world.run(39)
    assert not runtime.alarm_active("chase")
    world.run(150)
    assert notes(world) == [(40, "enter"), (130, "exit")]
    rise, fall = records(world, WantedLevelChanged)
    [entered], [exited] = records(world, AlarmEntered), records(world, AlarmExited)
    assert entered.cause == rise.offset and exited.cause == fall.offset


def test_a_blip_shorter_than_for_does_not_fire(make):
    world, runtime = make(at={10: [set_wanted(1)], 30: [set_wanted(0)], 60: [set_wanted(1)]})
    runtime.add(alarm("chase", hold=0.5, **CHASE))
    world.run(100)
    assert notes(world) == [(90, "enter")]   # the blip 10..29 never fired; the hold restarted at 60
    [entered] = records(world, AlarmEntered)
    assert entered.cause == records(world, WantedLevelChanged)[2].offset


def test_every_evaluates_the_condition_at_that_interval(make):
    world, runtime = make(at={10: [set_wanted(1)], 65: [set_wanted(0)]})
    runtime.add(alarm("chase", every=0.5, **CHASE))   # looks at ticks 0, 30, 60, 90...
    world.run(120)
    assert notes(world) == [(30, "enter"), (90, "exit")]
    rise, fall = records(world, WantedLevelChanged)
    assert records(world, AlarmEntered)[0].cause == rise.offset
    assert records(world, AlarmExited)[0].cause == fall.offset


def test_a_disabled_alarm_never_fires(make):
    world, runtime = make(at={1: [set_wanted(1)]})
    runtime.add(alarm("chase", enabled=False, **CHASE))
    world.run(5)
    assert notes(world) == [] and not runtime.alarm_active("chase")


# -- causality -------------------------------------------------------------------------------------

def test_an_alarm_blames_the_latest_change_of_a_state_it_reads(make):
    world, runtime = make(at={10: [set_wanted(1)], 20: [set_wanted(2)]})
    runtime.add(alarm("chase", every=0.5, when="wanted.level >= 1", enter=[call("note", text="x")]))
    world.run(31)
    _first, second = records(world, WantedLevelChanged)
    [entered] = records(world, AlarmEntered)
    assert entered.cause == second.offset   # both happened since the alarm last looked; the latest wins


def test_a_state_that_drifts_without_an_event_makes_the_alarm_a_root(make):
    weather = WeatherChanged(True)   # a change of a state the condition does not read
    world, runtime = make(at={10: [drift_wanted(1), weather]})
    runtime.add(alarm("chase", **CHASE))
    world.run(12)
    [entered] = records(world, AlarmEntered)
    assert entered.tick == 10 and entered.cause is None
    assert types(world.why(entered.offset)) == ["AlarmEntered"]
    # ... and what the alarm does is still explained by it
    assert types(world.why(records(world, BehaviourRan)[0].offset)) == ["AlarmEntered", "BehaviourRan"]


def test_a_change_before_the_alarm_last_looked_is_not_blamed(make):
    world, runtime = make(at={5: [set_wanted(1)], 20: [drift_wanted(2)]})
    runtime.add(alarm("two-stars", when="wanted.level >= 2", enter=[call("note", text="x")]))
    world.run(25)
    [entered] = records(world, AlarmEntered)
    assert entered.tick == 20 and entered.cause is None


def test_shot_behaviour_ran_health_changed(make):
    world, runtime = make()
    victim = world.create_entity(Health(100))
    runtime.add(loads("""
        [[trigger]]
        name = "getting-shot-hurts"
        on = "Shot"
        when = "event.damage > 0"
        do = [{ behaviour = "damage", target = "event.target", amount = "event.damage" }]
    """, runtime.registry, "combat.toml"))
    world.emit(Shot(shooter=0, target=victim, damage=30))
    world.emit(Shot(shooter=0, target=victim, damage=0))   # when is false
    world.run(1)
    [changed] = records(world, HealthChanged)
    assert (changed.event.before, changed.event.after) == (100, 70)
    chain = world.why(changed.offset)
    assert types(chain) == ["Shot", "BehaviourRan", "HealthChanged"]
    assert chain[1].data == {"trigger": "getting-shot-hurts", "behaviour": "damage",
                             "params": {"target": victim, "amount": 30}}


def test_why_on_the_siren_leads_back_to_the_crime(make):
    world, runtime = make(at={3: [CrimeCommitted("shooting", severity=1)]})
    runtime.add(loads("""
        [[trigger]]
        name = "crime-raises-wanted"
        on = "CrimeCommitted"
        do = [{ behaviour = "raise_wanted", amount = "event.severity" }]

        [[alarm]]
        name = "police-chase"
        when = "wanted.level >= 1"
        enter = [{ behaviour = "play_sound", sound = "siren", loop = true }]
    """, runtime.registry, "police.toml"))
    world.run(5)
    [siren] = records(world, SoundStarted)
    assert siren.tick == 3 and siren.event == SoundStarted("siren", True)
    chain = world.why(siren.offset)
    assert types(chain) == ["CrimeCommitted", "BehaviourRan", "WantedLevelChanged",
                            "AlarmEntered", "BehaviourRan", "SoundStarted"]
    assert chain[1].event.trigger == "crime-raises-wanted"
    assert chain[3].event == AlarmEntered("police-chase")
    assert chain[4].event.trigger == "police-chase" and chain[4].event.behaviour == "play_sound"


# -- the Python form ----------------------------------------------------------------------------------

def test_python_specs_build_the_same_objects_as_a_file(make):
    _, runtime = make()
    added = runtime.add(
        trigger("hurt", on=Shot, when="event.damage > 0", once=True, cooldown=1.5, priority=3,
                do=[call("damage", target="event.target", amount="event.damage"),
                    call("play_sound", sound="ouch")]),
        alarm("chase", when="wanted.level >= 1", hold=2, every=0.25,
              enter=[call("play_sound", sound="siren", loop=True)], exit=[call("note", text="lost")]),
    )
    from_file = loads("""
        [[trigger]]
        name = "hurt"
        on = "Shot"
        when = "event.damage > 0"
        once = true
        cooldown = 1.5
        priority = 3
        do = [{ behaviour = "damage", target = "event.target", amount = "event.damage" },
              { behaviour = "play_sound", sound = "ouch" }]

        [[alarm]]
        name = "chase"
        when = "wanted.level >= 1"
        for = 2
        every = 0.25
        enter = [{ behaviour = "play_sound", sound = "siren", loop = true }]
        exit = [{ behaviour = "note", text = "lost" }]
    """, runtime.registry, "chase.toml")
    assert isinstance(added.triggers[0], Trigger) and isinstance(added.alarms[0], Alarm)
    assert added.triggers == tuple(dataclasses.replace(t, source="<python>") for t in from_file.triggers)
    assert added.alarms == tuple(dataclasses.replace(a, source="<python>") for a in from_file.alarms)
    assert added.alarms[0].hold == 2.0
    assert runtime.active.names == ["hurt", "chase"]


def test_reaction_decorator_runs_a_python_function_recorded_like_any_trigger(make):
    world, runtime = make(at={1: [Ping(1)], 2: [Ping(2)], 3: [Ping(3)]})
    seen: list[tuple[int, int]] = []

    @runtime.reaction(on=Ping, when="event.n >= 2", once=True)
    def shout(world: World, event: Ping) -> None:
        seen.append((world.tick, event.n))
        world.emit(SoundStarted("shout", False))

    world.run(5)
    assert seen == [(2, 2)]
    [item] = runtime.active.triggers
    assert (item.name, item.on, item.once, item.when.source) == ("shout", Ping, True, "event.n >= 2")
    [sound] = records(world, SoundStarted)
    assert types(world.why(sound.offset)) == ["Ping", "BehaviourRan", "SoundStarted"]
    assert world.why(sound.offset)[1].event.trigger == "shout"


def test_reaction_with_a_python_condition(make):
    world, runtime = make(at={1: [Ping(1)], 2: [Ping(2)]})
    seen = []
    runtime.reaction(on=Ping, when=lambda ns: ns["event"].n == 1, name="odd")(lambda w, e: seen.append(e.n))
    world.run(3)
    assert seen == [1]


def test_python_specs_are_validated_like_files(make):
    _, runtime = make()
    with pytest.raises(TriggerFileError) as caught:
        runtime.add(trigger("bad", on=Ping, do=[call("nte", text="x")]))
    assert [str(p) for p in caught.value.problems] == [
        "<python>: trigger 'bad': do[0].behaviour: unknown behaviour 'nte' (did you mean 'note'?)"]
    runtime.add(trigger("good", on=Ping, do=[call("note", text="x")]))
    with pytest.raises(TriggerFileError, match="good"):
        runtime.add(trigger("good", on=Ping, do=[call("note", text="y")]))
    assert runtime.active.names == ["good"]
