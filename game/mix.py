"""The mix: how loud each sound plays, so that the loudest moment of a chase does not clip.

A sound card's mixer adds the channels up and clips what goes past full
scale.  Every file in ``assets/sounds`` is normalised loud on its own (peaks
0.6 to 0.95), so at one volume for all, the siren, the chatter and a
gunshot together went past 1.0: thousands of clipped samples a second in
a firefight.  Each sound gets a gain here instead, chosen so that the
*loudest simultaneous set* - every loop (siren, chatter, engine), a radio
voice line and the two loudest one-shots at once - peaks under
:data:`HEADROOM` at full master volume, counting every peak as if they
all landed on the same sample (they rarely do: the real mix is quieter,
see ``benchmarks/bench_mix.py``).

While a voice line plays, the siren and the chatter are *ducked* (played
at :data:`DUCK` of their level) so the words stay clear; that is also what
leaves the voice room in the sum.  Pure Python: tests check the sum from
the files' real peaks.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The bands of the engine sound, idle first (assets/sounds/NAME.wav, made by tools/make_assets.py).
ENGINE_BANDS: tuple[str, ...] = ("engine", "engine_1", "engine_2", "engine_3")
#: Radio voice lines: the loops below duck under them.
VOICES = frozenset({"radio_pursuit", "radio_we_lost_him", "radio_shots_fired"})
#: Loops that make room for a voice.
DUCKED = frozenset({"siren", "radio_chatter"})
#: Loops the simulation starts (the engine is presentation, played from the world's state).
LOOPS = frozenset({"siren", "radio_chatter"})
#: The level of a ducked loop, as a fraction of its own.
DUCK = 0.4
#: The loudest set's summed peak must stay under this (1.0 is full scale).
HEADROOM = 0.95
#: One-shots counted in the loudest set (two units firing in the same tick).
ONE_SHOTS_AT_ONCE = 2

_ENGINE_GAIN = 0.16
#: Each sound's gain (the clip's volume at master volume 1.0).
GAINS: dict[str, float] = {
    "siren": 0.30,
    "radio_chatter": 0.20,
    "radio_pursuit": 0.27,
    "radio_we_lost_him": 0.27,
    "radio_shots_fired": 0.27,
    "gunshot": 0.23,
    "heal": 0.27,
    "car_door": 0.24,
    "wasted": 0.24,
    **{band: _ENGINE_GAIN for band in ENGINE_BANDS},
}
#: Gain of a sound the table does not name (a scripter's own file).
DEFAULT_GAIN = 0.2


def gain(sound: str) -> float:
    """The gain ``sound`` plays at (before the master volume)."""
    return GAINS.get(sound, DEFAULT_GAIN)


def loudest_sum(peaks: Mapping[str, float]) -> float:
    """The summed peak of the loudest simultaneous set, given each sound file's peak (0..1).

    The worst of two moments: the loops at full level with two one-shots, and
    the loops ducked under the loudest voice line with two one-shots.
    """
    def level(name: str) -> float:
        return peaks[name] * gain(name)

    engine = max(level(band) for band in ENGINE_BANDS if band in peaks)
    loops = [level(name) for name in sorted(LOOPS) if name in peaks]
    ducked = [level(name) * (DUCK if name in DUCKED else 1.0) for name in sorted(LOOPS) if name in peaks]
    others = sorted((level(name) for name in peaks
                     if name not in LOOPS and name not in VOICES and name not in ENGINE_BANDS), reverse=True)
    # The same one-shot may be heard twice at once (two gunshots in one tick).
    one_shots = ONE_SHOTS_AT_ONCE * others[0] if others else 0.0
    voice = max((level(name) for name in VOICES if name in peaks), default=0.0)
    plain = sum(loops) + engine + one_shots
    under_voice = sum(ducked) + engine + voice + one_shots
    return max(plain, under_voice)
