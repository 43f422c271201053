"""Sound follows the log: the audio reader on a fake mixer (no device) through pause, steps and time travel."""

from __future__ import annotations

from engine import World
from engine.timetravel import TimeMachine
from game.audio import SilentAudio
from game.audio_reader import AudioReader
from game.events import SoundStarted


class FakeMixer:
    """Remembers what it was told: the calls, the loops it holds, whether it is paused."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.loops: set[str] = set()
        self.paused = False

    def play(self, sound: str) -> None:
        self.calls.append(("play", sound))

    def loop(self, sound: str) -> None:
        assert sound not in self.loops, f"{sound} looped twice"
        self.loops.add(sound)
        self.calls.append(("loop", sound))

    def stop(self, sound: str) -> None:
        assert sound in self.loops, f"{sound} stopped but not looping"
        self.loops.discard(sound)
        self.calls.append(("stop", sound))

    def pause(self) -> None:
        self.paused = True
        self.calls.append(("pause", ""))

    def resume(self) -> None:
        self.paused = False
        self.calls.append(("resume", ""))

    def played(self) -> list[str]:
        return [sound for op, sound in self.calls if op == "play"]


def score(world: World) -> None:
    """A system with a soundtrack: a gunshot every 7 ticks, the siren on for ticks 5-14 of every 20."""
    audio = world.resources["audio"]  # looked up each tick: time travel restores a copy
    if world.tick % 7 == 3:
        audio.play(world, "gunshot")
    if world.tick % 20 == 5:
        audio.play(world, "siren", loop=True)
    if world.tick % 20 == 15:
        audio.stop(world, "siren")


def sound_world() -> tuple[World, TimeMachine]:
    world = World(seed=2)
    world.resources["audio"] = SilentAudio()
    world.add_system(score)
    return world, TimeMachine(world, every=10)


def run(machine: TimeMachine, ticks: int, reader: AudioReader | None = None) -> None:
    """``ticks`` live ticks, the reader polled after each one (a frame per tick)."""
    for _ in range(ticks):
        machine.step()
        if reader is not None:
            reader.update()


def test_it_plays_what_the_log_says_once_each_as_it_is_shown():
    world, machine = sound_world()
    mixer = FakeMixer()
    sound = AudioReader(world, mixer)
    run(machine, 30, sound)
    shots = [r for r in world.log.select(SoundStarted) if not r.data["loop"]]
    assert mixer.played() == ["gunshot"] * len(shots) == ["gunshot"] * 4  # ticks 3, 10, 17, 24
    assert [c for c in mixer.calls if c[0] != "play"] == [("loop", "siren"), ("stop", "siren"),
                                                         ("loop", "siren")]
    assert mixer.loops == world.resources["audio"].looping == {"siren"}


def test_nothing_is_heard_before_a_frame_shows_it():
    world, machine = sound_world()
    mixer = FakeMixer()
    sound = AudioReader(world, mixer)
    run(machine, 12)  # ticks run, no frame drawn yet
    assert mixer.calls == []
    sound.update()
    assert mixer.played() == ["gunshot", "gunshot"] and mixer.loops == {"siren"}


def test_a_reader_made_mid_run_plays_no_history_but_the_loops_playing_now():
    world, machine = sound_world()
    run(machine, 8)
    mixer = FakeMixer()
    sound = AudioReader(world, mixer)
    assert mixer.calls == [("loop", "siren")]
    sound.update()
    assert mixer.played() == []


def test_pausing_holds_the_loops_and_stepped_one_shots_stay_silent():
    world, machine = sound_world()
    mixer = FakeMixer()
    sound = AudioReader(world, mixer)
    run(machine, 8, sound)
    played = len(mixer.played())
    sound.set_paused(True)
    assert mixer.paused and mixer.loops == {"siren"}
    run(machine, 10, sound)  # N pressed ten times: tick 10's gunshot and tick 15's siren stop
    assert len(mixer.played()) == played
    assert mixer.loops == world.resources["audio"].looping == set()
    sound.set_paused(False)
    sound.set_paused(False)  # said twice: resumed once
    assert not mixer.paused and [c for c in mixer.calls if c[0] in ("pause", "resume")] == [("pause", ""),
                                                                                      ("resume", "")]


def test_stepping_back_replays_no_one_shot_and_resyncs_the_loops_to_the_present():
    world, machine = sound_world()
    mixer = FakeMixer()
    sound = AudioReader(world, mixer)
    run(machine, 18, sound)  # siren off since tick 15
    played = len(mixer.played())
    assert mixer.loops == set()
    machine.back(6)  # tick 12: the siren plays there
    sound.update()
    assert len(mixer.played()) == played, "a gunshot of the past played again"
    assert mixer.loops == world.resources["audio"].looping == {"siren"}
    assert sound.resyncs == 1
    machine.back(10)  # tick 2: before any siren
    sound.update()
    assert mixer.loops == set() and len(mixer.played()) == played


def test_forward_along_the_recorded_future_plays_the_new_ticks():
    world, machine = sound_world()
    mixer = FakeMixer()
    sound = AudioReader(world, mixer)
    run(machine, 20, sound)
    machine.back(20)
    sound.update()
    played = len(mixer.played())
    for _ in range(5):  # ticks 0..4: the gunshot of tick 3 is news again, shown as we step
        machine.forward(1)
        sound.update()
    assert mixer.played()[played:] == ["gunshot"]
    assert mixer.loops == set()
    machine.forward(3)
    sound.update()
    assert mixer.loops == world.resources["audio"].looping == {"siren"}


def test_the_simulation_side_records_and_touches_no_device():
    world, machine = sound_world()
    run(machine, 20)
    audio = world.resources["audio"]
    assert vars(audio) == {"looping": set()}  # nothing but the story of which loops play
    assert [r.data["sound"] for r in world.log.select(SoundStarted)] == ["gunshot", "siren", "gunshot", "gunshot"]


def test_the_window_plays_the_log_and_p_holds_the_sound():
    import pygame

    from game.build import build_game
    from game.pg.play import run_window

    world = build_game(seed=0, npcs=5).world
    world.run(10)
    world.resources["audio"].play(world, "siren", loop=True)  # as the police-chase alarm would
    mixer = FakeMixer()
    frames = [0]

    def between_frames() -> None:
        frames[0] += 1
        if frames[0] == 1:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_p, mod=0, unicode="", scancode=0))
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    app = run_window(world, seconds=10, between_frames=between_frames, mixer=mixer)
    assert app.paused and mixer.paused
    assert mixer.calls[0] == ("loop", "siren")


def test_a_mixer_with_an_update_hears_of_every_frame():
    world, machine = sound_world()

    class Framed(FakeMixer):
        def update(self) -> None:
            self.calls.append(("update", ""))

    mixer = Framed()
    sound = AudioReader(world, mixer)
    run(machine, 4, sound)
    assert [c for c in mixer.calls if c[0] == "update"] == [("update", "")] * 4
    assert mixer.calls[-1] == ("update", "")  # after the frame's records were played
