"""Time travel and the log's readers: back then forward changes nothing, and no reader skips a record.

Every reader here follows one world through random live ticks, steps back,
steps forward and pauses: a LogTap into a list sink (what ``--events-out``
does), the log view the inspector and ticker share, the ticker itself and
the audio reader on a fake mixer.  After each poll each must hold exactly
the log's current timeline.
"""

from __future__ import annotations

import io

import pygame
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import World, codec, event
from engine.events import Event, Input
from engine.logview import LogView
from engine.record import Record
from engine.sink import LogTap
from engine.timetravel import TimeMachine
from game.audio import SilentAudio
from game.audio_reader import AudioReader
from game.events import SoundStarted
from game.pg.ticker import Ticker
from tests.test_audio_reader import FakeMixer


@event
class Nudged(Input):
    amount: int


@event
class Moved(Event):
    position: int


class ListSink:
    """A LogSink that keeps the encoded lines, as the events-out file does."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, records: list[Record]) -> None:
        assert [r.offset for r in records] == list(range(len(self.lines), len(self.lines) + len(records)))
        self.lines.extend(codec.encode(r) for r in records)

    def truncate(self, offset: int) -> None:
        del self.lines[offset:]

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def walker(world: World) -> None:
    """Moves by its nudges and by chance; sounds as it goes (loops and one-shots)."""
    state = world.resources["walk"]
    audio = world.resources["audio"]
    step = state["nudge"] + world.rng.choice((-1, 0, 1))
    state["position"] += step
    world.emit(Moved(state["position"]))
    if step > 0:
        audio.play(world, "gunshot")
    if state["position"] > 2:
        audio.play(world, "engine", loop=True)
    else:
        audio.stop(world, "engine")


def nudge_world(seed: int) -> World:
    world = World(seed=seed)
    world.resources["audio"] = SilentAudio()
    world.resources["walk"] = {"position": 0, "nudge": 0}

    def on_nudge(e: Nudged) -> None:
        world.resources["walk"]["nudge"] = e.amount

    world.subscribe(Nudged, on_nudge)
    world.add_system(walker)
    return world


def log_bytes(world: World) -> str:
    out = io.StringIO()
    codec.write(world.log, out)
    return out.getvalue()


def state_of(world: World) -> tuple:
    return log_bytes(world), repr(world.resources["walk"]), world.resources["audio"].looping, \
        world.rng.getstate(), world.tick


def live(world: World, machine: TimeMachine, ticks: int, nudges: list[int]) -> None:
    for i in range(ticks):
        if i < len(nudges):
            world.emit(Nudged(nudges[i]))  # between ticks, as a window emits input
        machine.step()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 50), st.integers(30, 120), st.integers(1, 120),
       st.lists(st.integers(-1, 1), max_size=40))
def test_back_k_then_forward_k_gives_the_same_state_and_log_bytes(seed, ticks, k, nudges):
    world = nudge_world(seed)
    machine = TimeMachine(world, every=16)
    live(world, machine, ticks, nudges)
    tap_sink = ListSink()
    tap = LogTap(world.log, [tap_sink])
    tap.drain()
    before = state_of(world)
    reached = machine.back(k)
    tap.drain()
    machine.forward(ticks - reached)
    tap.drain()
    assert state_of(world) == before
    assert "".join(line + "\n" for line in tap_sink.lines) == before[0]


OPS = st.one_of(
    st.tuples(st.just("live"), st.integers(1, 25)),
    st.tuples(st.just("back"), st.integers(1, 40)),
    st.tuples(st.just("forward"), st.integers(1, 25)),
    st.tuples(st.just("pause"), st.booleans()),
    st.tuples(st.just("nudge"), st.integers(-1, 1)),
)


class Followers:
    """Every kind of reader, on one world, and what each must have heard."""

    def __init__(self, world: World) -> None:
        pygame.font.init()
        from engine.pg.inspector import Inspector

        self.world = world
        self.sink = ListSink()
        self.tap = LogTap(world.log, [self.sink])
        self.view = LogView(world.log, history=100_000)
        self.ticker = Ticker(world, size=4)
        self.inspector = Inspector(world, history=300)
        self.mixer = FakeMixer()
        self.audio = AudioReader(world, self.mixer)
        self.expected_shots = 0
        self._heard_to = world.log.next_offset
        self._travelled = False

    def travelled(self) -> None:
        self._travelled = True

    def poll(self) -> None:
        log = self.world.log
        if not self._travelled and not self.audio.paused:
            # News since the last frame: each live one-shot is heard once.
            news = log.since(self._heard_to)
            self.expected_shots += sum(1 for r in news if isinstance(r.event, SoundStarted) and not r.event.loop)
        self._heard_to, self._travelled = log.next_offset, False
        for reader in (self.tap.reader, self.view.reader, self.audio.reader):
            assert reader.lag >= 0
        self.tap.drain()
        self.view.update()
        self.ticker.update()
        self.inspector.update()
        self.audio.update()
        self.check()

    def check(self) -> None:
        world, log = self.world, self.world.log
        assert self.sink.lines == [codec.encode(r) for r in log]
        assert list(self.view.records) == list(log)  # the same record objects: nothing stale, nothing skipped
        assert list(self.inspector.records) == list(log)[-300:]
        fresh = Ticker(world, size=4)
        fresh.update()
        assert list(self.ticker.lines) == list(fresh.lines)
        assert self.mixer.loops == self.audio.loops == world.resources["audio"].looping
        assert self.mixer.played().count("gunshot") == self.expected_shots
        for reader in (self.tap.reader, self.view.reader, self.audio.reader):
            assert reader.lag == 0 and reader.offset == log.next_offset


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 20), st.lists(OPS, min_size=1, max_size=12))
def test_readers_never_skip_a_record_of_the_current_timeline(seed, ops):
    world = nudge_world(seed)
    machine = TimeMachine(world, every=8)
    followers = Followers(world)
    for op, arg in ops:
        if op == "live":
            for _ in range(arg):
                machine.step()
        elif op == "back":
            machine.back(arg)
            followers.travelled()
        elif op == "forward":
            machine.forward(arg)
        elif op == "pause":
            followers.audio.set_paused(arg)
        else:
            world.emit(Nudged(arg))
        followers.poll()


def test_the_games_events_out_tap_holds_the_present_timeline_after_travelling():
    from game.autopilot import Autopilot
    from game.build import build_game

    game = build_game(seed=4, npcs=8)
    world, pilot = game.world, Autopilot(game)
    machine = TimeMachine(world, every=60)
    sink = ListSink()
    tap = LogTap(world.log, [sink])
    for _ in range(240):
        for e in pilot.inputs():
            world.emit(e)
        machine.step()
        tap.drain()
    machine.back(100)
    tap.drain()
    assert sink.lines == [codec.encode(r) for r in world.log]
    for _ in range(30):  # plays on from the past: a new timeline, the file follows it
        machine.step()
    tap.drain()
    assert sink.lines == [codec.encode(r) for r in world.log] and tap.reader.truncations == 1
