"""A music bed synthesised with numpy from the story's tone: no samples, no rights questions.

Each mood fixes a tempo, a key and mode, a chord progression, the instruments that play
(pad, arpeggio, bass, light drums) and how busy they are. A seed picks the arpeggio
pattern, the voicing and the reverb's tail, so the same story and seed always give the
same bed (and the call cache can keep it).

The piece is fitted to the ad: the tempo is nudged so a whole number of bars ends just
before the ad does, the first bar is a pad alone (an intro that lets the first line
land), the other parts come in from the second bar, and the last bar is the home chord
ringing out to silence at the very end.

Why synthesis and not a soundfont: AUDIO-NOTES measured this approach (pad + arpeggio
+ bass + reverb) at ~10x realtime on two cores with no dependency beyond numpy, while
soundfont renderers need a separate download or Debian package and sound just as generic
under a voiceover.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RATE = 48_000


@dataclass(frozen=True)
class Mood:
    """How one mood sounds."""

    tempo: float  # beats per minute
    root: int  # MIDI note of the key's tonic (bass octave is derived)
    minor: bool
    progression: tuple[int, ...]  # scale degrees (0-based), one chord per bar
    arp_steps: int  # arpeggio notes per bar (0: no arpeggio)
    drums: bool
    pad_level: float
    brightness: int  # harmonics in the pad: more is brighter
    reverb: float  # wet share


MOODS: dict[str, Mood] = {
    "upbeat": Mood(112, 60, False, (0, 4, 5, 3), 8, True, 0.45, 5, 0.20),
    "energetic": Mood(124, 62, False, (0, 5, 3, 4), 16, True, 0.40, 6, 0.15),
    "humorous": Mood(118, 65, False, (0, 3, 4, 0), 8, True, 0.35, 4, 0.15),
    "calm": Mood(78, 60, False, (0, 5, 3, 4), 4, False, 0.55, 3, 0.35),
    "emotional": Mood(72, 57, True, (0, 5, 2, 6), 8, False, 0.60, 3, 0.40),
    "luxurious": Mood(84, 63, False, (0, 3, 1, 4), 4, False, 0.55, 4, 0.45),
    "serious": Mood(92, 57, True, (0, 5, 3, 4), 8, False, 0.45, 3, 0.25),
}
#: Words people use for a mood, and story tones, mapped onto the table above.
MOOD_WORDS: dict[str, str] = {
    "humorous": "humorous", "playful": "humorous", "funny": "humorous", "quirky": "humorous",
    "energetic": "energetic", "upbeat": "upbeat", "happy": "upbeat", "bright": "upbeat",
    "calm": "calm", "calmer": "calm", "relaxed": "calm", "soft": "calm", "gentle": "calm",
    "chill": "calm", "emotional": "emotional", "sad": "emotional", "warm": "emotional",
    "luxurious": "luxurious", "elegant": "luxurious", "premium": "luxurious",
    "serious": "serious", "corporate": "serious", "dramatic": "serious", "epic": "energetic",
}  # fmt: skip

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)


def mood_for(tone: str) -> str:
    """The mood of the table that fits a story tone or a person's word ("calmer")."""
    word = tone.strip().lower()
    if word in MOODS:
        return word
    return MOOD_WORDS.get(word, "upbeat")


def _hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69) / 12)


def _chord(mood: Mood, degree: int) -> list[int]:
    """A triad on ``degree`` of the mood's scale, as MIDI notes around the root."""
    scale = _MINOR if mood.minor else _MAJOR
    notes = []
    for step in (0, 2, 4):
        d = degree + step
        notes.append(mood.root + scale[d % 7] + 12 * (d // 7))
    return notes


def _env(n: int, attack: int, release: int) -> np.ndarray:
    """Linear attack, hold, linear release over ``n`` samples."""
    env = np.ones(n, np.float32)
    a, r = min(attack, n), min(release, n)
    if a:
        env[:a] = np.linspace(0, 1, a, endpoint=False, dtype=np.float32)
    if r:
        env[n - r :] *= np.linspace(1, 0, r, dtype=np.float32)
    return env


def _add(out: np.ndarray, start: int, sound: np.ndarray) -> None:
    end = min(len(out), start + len(sound))
    if end > start >= 0:
        out[start:end] += sound[: end - start]


def _pad_note(freq: float, n: int, harmonics: int, rng: np.random.Generator) -> np.ndarray:
    """Two slightly detuned band-limited saws: a soft string-like pad."""
    t = np.arange(n, dtype=np.float32) / RATE
    wave = np.zeros(n, np.float32)
    for detune in (-0.003, 0.003):
        phase = rng.uniform(0, 2 * math.pi)
        for h in range(1, harmonics + 1):
            if freq * h * (1 + detune) > RATE / 2.5:
                break
            wave += np.sin(2 * math.pi * freq * (1 + detune) * h * t + phase * h) / h
    return wave * 0.25


def _pluck(freq: float, n: int, decay_s: float) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / RATE
    tone = np.sin(2 * math.pi * freq * t) + 0.3 * np.sin(4 * math.pi * freq * t)
    return (tone * np.exp(-t / decay_s) * _env(n, 48, 480)).astype(np.float32)


def _bass(freq: float, n: int) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / RATE
    tone = np.sin(2 * math.pi * freq * t) + 0.25 * np.sin(4 * math.pi * freq * t)
    return (tone * np.exp(-t / 0.9) * _env(n, 96, 960)).astype(np.float32)


def _kick(n: int) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / RATE
    freq = 45 + 75 * np.exp(-t / 0.04)
    phase = 2 * math.pi * np.cumsum(freq) / RATE
    return (np.sin(phase) * np.exp(-t / 0.12)).astype(np.float32)


def _hat(n: int, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(n).astype(np.float32)
    noise = np.diff(noise, prepend=0.0).astype(np.float32)  # crude high-pass: a hiss, not a thud
    t = np.arange(n, dtype=np.float32) / RATE
    return noise * np.exp(-t / 0.025) * 0.5


def _reverb(dry: np.ndarray, wet: float, rng: np.random.Generator) -> np.ndarray:
    """Convolution with 1.6 s of decaying noise (FFT): a plausible room, seeded."""
    if wet <= 0:
        return dry
    n_ir = int(1.6 * RATE)
    t = np.arange(n_ir, dtype=np.float32) / RATE
    ir = rng.standard_normal(n_ir).astype(np.float32) * np.exp(-t / 0.35)
    ir[: int(0.012 * RATE)] = 0  # a short pre-delay keeps the attack clear
    ir /= np.sqrt(np.sum(ir**2))
    size = 1 << math.ceil(math.log2(len(dry) + n_ir))
    tail = np.fft.irfft(np.fft.rfft(dry, size) * np.fft.rfft(ir, size), size)[: len(dry)]
    return ((1 - wet) * dry + wet * tail.astype(np.float32)).astype(np.float32)


def compose(mood_name: str, duration_s: float, seed: int = 0, *, energy: float = 1.0) -> np.ndarray:
    """A mono float32 bed of exactly ``duration_s`` seconds at :data:`RATE`, peak at -6 dBFS.

    ``mood_name`` is a key of :data:`MOODS` (or a word :func:`mood_for` understands);
    ``energy`` below 1 thins the arrangement (fewer arpeggio notes, no drums).

    >>> bed = compose("calm", 15.0, seed=3)
    >>> round(len(bed) / RATE, 2)
    15.0
    """
    mood = MOODS[mood_for(mood_name)]
    rng = np.random.default_rng(seed)
    total = max(1, round(duration_s * RATE))
    out = np.zeros(total, np.float32)
    ring_s = min(2.0, duration_s * 0.12)  # the final chord rings out over this
    # A whole number of bars until the ring-out; the tempo is nudged (at most ~15 %)
    # so the last bar starts exactly there.
    beat = 60.0 / mood.tempo
    bars = max(1, round((duration_s - ring_s) / (4 * beat)))
    bar_s = (duration_s - ring_s) / bars
    bar = bar_s * RATE
    steps = mood.arp_steps if energy >= 1 else max(0, mood.arp_steps // 2)
    drums = mood.drums and energy >= 1
    pattern: list[int] = [int(k) for k in rng.permutation(6)[:4]] if steps else []  # chord tones walked
    octave = 12 * int(rng.integers(0, 2))
    pad = np.zeros(total, np.float32)
    for b in range(bars + 1):
        last = b == bars
        degree = 0 if last else mood.progression[b % len(mood.progression)]
        chord = _chord(mood, degree)
        start = round(b * bar)
        length = total - start if last else round(bar * 1.15)  # overlap: legato pad
        if length <= 0:
            continue
        release = length if last else round(0.3 * RATE)
        for note in chord:
            tone = _pad_note(_hz(note), length, mood.brightness, rng)
            _add(pad, start, tone * _env(length, round(0.25 * RATE), release))
        bass_hz = _hz(chord[0] - 24)
        if last:
            _add(out, start, _bass(bass_hz, length) * 0.6)
            continue
        if b == 0:
            continue  # intro: the pad alone
        hits = 4 if drums else 2
        for k in range(hits):
            at = start + round(k * bar / hits)
            _add(out, at, _bass(bass_hz, round(bar / hits)) * 0.55)
        if steps:
            tones = [chord[i % 3] + 12 * (i // 3) + octave for i in range(6)]
            step_n = round(bar / steps)
            for k in range(steps):
                note = tones[pattern[k % len(pattern)]]
                _add(out, start + k * step_n, _pluck(_hz(note), step_n * 2, 0.18) * 0.22)
        if drums:
            for k in range(4):
                at = start + round(k * bar / 4)
                if k % 2 == 0:
                    _add(out, at, _kick(round(0.3 * RATE)) * 0.5)
                _add(out, at + round(bar / 8), _hat(round(0.08 * RATE), rng) * 0.12)
    out += pad * mood.pad_level
    out = _reverb(out, mood.reverb, rng)
    # Fade in over the first half second and out to exact silence at the end.
    out *= _env(total, round(min(0.5, duration_s / 10) * RATE), round(ring_s * RATE))
    peak = float(np.max(np.abs(out))) or 1.0
    return (out * (10 ** (-6 / 20) / peak)).astype(np.float32)
