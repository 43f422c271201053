"""Measurement: does the mix clip when the siren, the chatter, the engine, a voice and gunfire overlap?

SDL's ``disk`` audio driver writes what the mixer would send to the sound
card into a file, so the real mix (pygame's channels summed and clamped by
SDL_mixer) can be inspected without a sound card::

    python benchmarks/bench_mix.py                 # renders /tmp/wanted-mix.raw and prints its levels
    python benchmarks/bench_mix.py --pause         # the siren: playing, paused, resumed
    sox -t raw -r 22050 -e signed -b 16 -c 2 /tmp/wanted-mix.raw -n stat

It plays the loudest moment of a chase through :class:`game.pg.audio.PygameAudio`
at full master volume: the siren, the radio chatter and the engine looping,
the "shots fired" voice line, and bursts of gunshots from several units at
once (shots 50 ms apart, so their peaks overlap).  It prints the peak level
(1.0 is full scale), the number of samples at full scale (clipped) and the
RMS level of the whole take.  It reads the real clock: this is a recording,
not a test (tests/test_mix.py checks the gains and the ducking).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATE = 22050
#: (seconds from the start, what to do, sound)
SCENE = (
    (0.00, "loop", "siren"), (0.00, "loop", "radio_chatter"), (0.00, "loop", "engine"),
    (0.50, "play", "gunshot"), (0.55, "play", "gunshot"), (0.60, "play", "gunshot"),
    (1.00, "play", "radio_shots_fired"),
    (1.40, "play", "gunshot"), (1.45, "play", "gunshot"), (1.50, "play", "gunshot"),
    (2.20, "play", "gunshot"), (2.25, "play", "gunshot"),
)
SECONDS = 4.0


def render(path: Path) -> None:
    """Play :data:`SCENE` into ``path`` through the disk driver (call in a fresh process)."""
    os.environ["SDL_AUDIODRIVER"] = "disk"
    os.environ["SDL_DISKAUDIOFILE"] = str(path)
    os.environ.setdefault("WANTED_DATA_DIR", tempfile.mkdtemp(prefix="wanted-mix-"))
    from game.pg.audio import PygameAudio

    audio = PygameAudio()
    if hasattr(audio, "set_master_volume"):
        audio.set_master_volume(1.0)
    start = time.perf_counter()
    for at, action, sound in SCENE:
        while time.perf_counter() - start < at:
            _frame(audio)
        getattr(audio, action)(sound)
    while time.perf_counter() - start < SECONDS:
        _frame(audio)
    audio.close()


def render_pause(path: Path) -> None:
    """The siren for a second, paused for a second (as P does), then resumed for a second."""
    os.environ["SDL_AUDIODRIVER"] = "disk"
    os.environ["SDL_DISKAUDIOFILE"] = str(path)
    os.environ.setdefault("WANTED_DATA_DIR", tempfile.mkdtemp(prefix="wanted-mix-"))
    from game.pg.audio import PygameAudio

    audio = PygameAudio()
    start = time.perf_counter()
    audio.loop("siren")
    for until, then in ((1.0, audio.pause), (2.0, audio.resume), (3.0, audio.close)):
        while time.perf_counter() - start < until:
            _frame(audio)
        then()


def pause_levels(path: Path) -> dict[str, float]:
    """RMS of the take's three seconds: playing, paused, resumed."""
    import numpy as np

    samples = np.frombuffer(path.read_bytes(), dtype="<i2").astype(np.float64) / 32768.0

    def rms(a: float, b: float) -> float:
        part = samples[2 * int(a * RATE):2 * int(b * RATE)]
        return round(float(np.sqrt(np.mean(part * part))), 4) if len(part) else 0.0

    # A margin around each switch: the driver's buffers make the edges a few ms late.
    return {"playing_rms": rms(0.2, 0.9), "paused_rms": rms(1.2, 1.9), "resumed_rms": rms(2.2, 2.9)}


def _frame(audio: object) -> None:
    """What the window does once a frame: let the mixer look at what plays (ducking)."""
    update = getattr(audio, "update", None)
    if update is not None:
        update()
    time.sleep(1 / 120)


def levels(path: Path) -> dict[str, float | int]:
    """Peak (1.0 = full scale), clipped samples (at full scale) and RMS of the rendered take."""
    import numpy as np

    samples = np.frombuffer(path.read_bytes(), dtype="<i2").astype(np.float64) / 32768.0
    return {"peak": round(float(np.abs(samples).max()), 4),
            "clipped_samples": int(np.count_nonzero(np.abs(samples) >= 32767 / 32768.0)),
            "rms": round(float(np.sqrt(np.mean(samples * samples))), 4),
            "seconds": round(len(samples) / 2 / RATE, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "wanted-mix.raw",
                        help="the raw file to render (16-bit stereo, 22050 Hz)")
    parser.add_argument("--pause", action="store_true",
                        help="instead: the siren playing, paused and resumed, and the level of each second")
    parser.add_argument("--render-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render_only:
        (render_pause if args.pause else render)(args.out)
        return 0
    import subprocess

    args.out.unlink(missing_ok=True)
    # A fresh process: SDL reads the driver variables when the mixer opens.
    subprocess.run([sys.executable, __file__, "--render-only", "--out", str(args.out),
                    *(["--pause"] if args.pause else [])], check=True, stderr=subprocess.DEVNULL)
    print(json.dumps((pause_levels if args.pause else levels)(args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
