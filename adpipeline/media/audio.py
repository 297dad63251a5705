"""The ad's sound: spoken lines placed on the timeline, a music bed ducked under them,
loudness set to -14 LUFS integrated with true peak at or below -1 dBTP, muxed as AAC.

Why these choices:

* Audio is decoded and resampled by the ffmpeg that imageio-ffmpeg ships, so any
  provider's format (piper's 22.05 kHz WAV, OpenAI's MP3 or WAV) comes in the same way
  and no resampling library is needed.
* Loudness is measured by ffmpeg's ``ebur128`` (the EBU R128 / BS.1770 meter) and set
  with one static gain plus a look-ahead limiter for the peaks that gain pushes over
  the ceiling. ``loudnorm`` was tried first: its one-pass mode rides the gain through
  the ad (the music pumps), and its two-pass linear mode refuses to raise speech this
  far without passing the peak ceiling, leaving ads ~2 dB short of -14 LUFS.
* Loudness is then measured on the finished MP4 with ``ebur128=peak=true``: what is
  recorded is what a platform will measure, after AAC encoding.
* The music is ducked by an envelope built from where the lines are (known exactly),
  not from a detector listening to the voice: no pumping on pauses inside a line.

This module imports only ``adpipeline.errors`` (media layer).
"""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ProviderError
from .ffmpeg import AUDIO_RATE, ffmpeg_exe, run_ffmpeg

RATE = AUDIO_RATE
TARGET_LUFS = -14.0
TARGET_TP = -1.0
#: The limiter's sample-peak ceiling: 1.5 dB under the true-peak limit leaves room for
#: peaks between samples and for AAC's overshoot.
CEILING_DB = -2.0
#: How far the music sits under a spoken line, and its level between lines, relative to
#: the voice's level (dB). Ad mixes keep a bed 15-20 dB under speech.
DUCK_DB = -14.0
MUSIC_DB = -16.0
#: Lines are levelled to this RMS (dBFS) before mixing; the final gain comes from loudnorm.
VOICE_RMS_DB = -20.0
_TIMEOUT_S = 300


def _run(command: list[str], what: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return run_ffmpeg(command, what, timeout_s=_TIMEOUT_S, stdin=stdin)


def decode(data: bytes, what: str = "audio") -> np.ndarray:
    """Any audio ffmpeg reads (WAV, MP3, ...) -> mono float32 samples at :data:`RATE`.

    Our own blobs (16-bit mono WAV at :data:`RATE`, see :func:`wav_bytes`) are read
    directly: mixing reads one per line, and an ffmpeg start costs ~50-100 ms here.
    """
    own = _own_wav(data)
    if own is not None:
        return own
    result = _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", "pipe:0",
                   "-ac", "1", "-ar", str(RATE), "-f", "f32le", "pipe:1"], f"decode {what}", data)
    return np.frombuffer(result.stdout, np.float32).copy()


def _own_wav(data: bytes) -> np.ndarray | None:
    import io
    import wave

    if data[:4] != b"RIFF":
        return None
    try:
        with wave.open(io.BytesIO(data)) as w:
            if (w.getframerate(), w.getsampwidth(), w.getnchannels()) != (RATE, 2, 1):
                return None
            pcm = w.readframes(w.getnframes())
    except (wave.Error, EOFError):
        return None
    return (np.frombuffer(pcm, "<i2").astype(np.float32) / 32767).astype(np.float32)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """Float samples (mono, or (n, channels)) -> a 16-bit PCM WAV."""
    import io
    import wave

    data = np.asarray(samples, np.float32)
    channels = 1 if data.ndim == 1 else data.shape[1]
    pcm = (np.clip(data, -1, 1) * 32767).round().astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue()


def speech_bounds(samples: np.ndarray, *, floor_db: float = -40.0) -> tuple[float, float]:
    """Seconds where speech starts and ends: the first and last 10 ms window within
    ``floor_db`` of the loudest. Synthesisers pad lines with silence; cues must not."""
    win = RATE // 100
    n = len(samples) // win
    if n == 0:
        return 0.0, len(samples) / RATE
    rms = np.sqrt(np.mean(samples[: n * win].reshape(n, win) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(20 * np.log10(rms / rms.max()) > floor_db)
    return float(loud[0] * win / RATE), float((loud[-1] + 1) * win / RATE)


@dataclass(frozen=True)
class Line:
    """A spoken line ready to place: its samples trimmed to the speech, and when it starts."""

    samples: np.ndarray
    start_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.samples) / RATE


def trim(samples: np.ndarray, start_s: float | None = None, end_s: float | None = None) -> np.ndarray:
    """The speech part of a synthesised line (bounds given, or found in the waveform)."""
    if start_s is None or end_s is None:
        start_s, end_s = speech_bounds(samples)
    a = max(0, int(start_s * RATE) - RATE // 50)  # keep 20 ms either side: soft onsets
    b = min(len(samples), math.ceil(end_s * RATE) + RATE // 50)
    return samples[a:b]


def level(samples: np.ndarray) -> np.ndarray:
    """A line at :data:`VOICE_RMS_DB` RMS over its voiced part, peaks softly limited.

    Synthesisers output at full scale (piper normalises every line to its peak), so
    lines differ in loudness; levelling them here keeps the voice even across scenes.
    """
    win = RATE // 50
    n = max(1, len(samples) // win)
    frames = np.resize(samples, n * win).reshape(n, win)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    voiced = rms[rms > rms.max() * 0.1] if rms.max() > 0 else rms
    current = float(np.sqrt(np.mean(voiced**2))) or 1.0
    out = samples * (10 ** (VOICE_RMS_DB / 20) / current)
    # A soft knee above -6 dBFS: speech peaks are short, so this barely changes loudness
    # but lets the linear loudnorm pass reach its target without hitting the ceiling.
    knee = 10 ** (-6 / 20)
    over = np.abs(out) > knee
    out[over] = np.sign(out[over]) * (knee + (1 - knee) * np.tanh((np.abs(out[over]) - knee) / (1 - knee)))
    return out.astype(np.float32)


def duck_envelope(total: int, lines: Sequence[Line], *, attack_s: float = 0.12,
                  release_s: float = 0.45) -> np.ndarray:
    """1.0 while a line is heard, 0.0 between lines, with smooth ramps before and after."""
    env = np.zeros(total, np.float32)
    for line in lines:
        a = max(0, int((line.start_s - attack_s) * RATE))
        b = min(total, int((line.end_s + release_s) * RATE))
        env[a:b] = 1.0
    # A moving average turns the steps into ramps as long as the attack (cheap: cumsum).
    k = max(1, int(attack_s * RATE))
    c = np.cumsum(np.concatenate([np.zeros(k, np.float32), env]), dtype=np.float64)
    smooth = (c[k:] - c[:-k]) / k
    return np.clip(smooth, 0, 1).astype(np.float32)


@dataclass(frozen=True)
class Mix:
    """The mixed ad before loudness normalisation, with its stems for inspection."""

    samples: np.ndarray  # (n, 2) float32
    voice: np.ndarray  # mono
    music: np.ndarray  # mono, after ducking and level


def mix(total_s: float, lines: Sequence[Line], music: np.ndarray | None, *,
        music_db: float = 0.0) -> Mix:
    """Voice lines on a ``total_s`` timeline plus ``music`` ducked under them, in stereo.

    ``music_db`` moves the bed up or down from its default level (feedback like "music
    quieter"). Lines that run past the end are cut there.
    """
    total = max(1, round(total_s * RATE))
    voice = np.zeros(total, np.float32)
    for line in lines:
        start = round(line.start_s * RATE)
        piece = level(line.samples)[: max(0, total - start)]
        voice[start : start + len(piece)] += piece
    if music is None or not len(music):
        bed = np.zeros(total, np.float32)
    else:
        bed = np.resize(music, total) if len(music) < total else music[:total]
        music_rms = float(np.sqrt(np.mean(bed**2))) or 1.0
        gain_db = VOICE_RMS_DB + MUSIC_DB + music_db
        if not lines:
            gain_db = VOICE_RMS_DB + music_db  # music alone: it is the whole ad
        env = duck_envelope(total, lines)
        gain = 10 ** ((gain_db + DUCK_DB * env) / 20) / music_rms
        bed = (bed * gain).astype(np.float32)
    both = voice + bed
    # A touch of width: music slightly different per side, voice centred.
    stereo = np.stack([both, voice + np.roll(bed, RATE // 100)], axis=1)
    return Mix(samples=stereo.astype(np.float32), voice=voice, music=bed)


# --------------------------------------------------------------------------- loudness


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


def measure(path: Path | str) -> Loudness:
    """Integrated loudness and true peak of a media file's audio (ffmpeg ``ebur128``)."""
    result = _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-i", str(path), "-vn",
                   "-af", "ebur128=peak=true", "-f", "null", "-"], "measure loudness")
    text = result.stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:"):]
    i = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    tp = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if i is None or tp is None:
        raise ProviderError("ffmpeg's ebur128 printed no loudness summary.")
    return Loudness(float(i.group(1)), float(tp.group(1)))


def limit(samples: np.ndarray, ceiling_db: float) -> np.ndarray:
    """A look-ahead peak limiter: no sample above ``ceiling_db`` dBFS, gain changing
    smoothly over ~5 ms blocks (it starts to act 10 ms before a peak and lets go over
    ~15 ms), so speech peaks are tamed without clicks. Works on (n,) or (n, channels)."""
    block = RATE // 200
    data = np.asarray(samples, np.float32)
    peak = np.abs(data) if data.ndim == 1 else np.abs(data).max(axis=1)
    n = -(-len(peak) // block)
    blocks = np.zeros(n * block, np.float32)
    blocks[: len(peak)] = peak
    ceiling = 10 ** (ceiling_db / 20)
    need = np.minimum(1.0, ceiling / np.maximum(blocks.reshape(n, block).max(axis=1), 1e-9))
    # Each block's gain is the least any block within +-2 needs; then averaged over +-1,
    # which can only mix in gains that are no higher than what this block needs.
    padded = np.pad(need, 2, constant_values=1.0)
    least = np.min(np.stack([padded[k : k + n] for k in range(5)]), axis=0)
    padded = np.pad(least, 1, mode="edge")
    smooth = np.mean(np.stack([padded[k : k + n] for k in range(3)]), axis=0)
    centres = (np.arange(n) + 0.5) * block
    gain = np.interp(np.arange(len(peak)), centres, smooth).astype(np.float32)
    out = data * (gain if data.ndim == 1 else gain[:, None])
    return np.clip(out, -ceiling, ceiling).astype(np.float32)


def _measure_samples(samples: np.ndarray, workdir: Path) -> Loudness:
    wav = workdir / "measure.wav"
    wav.write_bytes(wav_bytes(samples))
    return measure(wav)


def normalise(samples: np.ndarray, workdir: Path) -> np.ndarray:
    """``samples`` at -14 LUFS integrated with peaks limited under the true-peak ceiling.

    Gain from ffmpeg's ``ebur128`` measurement, a limiter for the peaks the gain pushes
    over, then one more measurement to make up what the limiter took (it only touches
    peaks, so the second correction is small). Silence stays silence.
    """
    first = _measure_samples(samples, workdir)
    if not math.isfinite(first.integrated_lufs) or first.integrated_lufs < -70:
        return samples
    # The limiter takes more as the gain rises, so loudness grows more slowly than the
    # gain. Find the gain with the secant method on a cheap stand-in -- the limiter only
    # touches short peaks, so its effect on loudness is close to its effect on the mean
    # square -- then measure once with ffmpeg and correct what remains.
    def power_db(x: np.ndarray) -> float:
        return 10 * math.log10(float(np.mean(np.square(x, dtype=np.float64))) + 1e-20)

    base = power_db(samples)
    tried: list[tuple[float, float]] = []
    gain_db = TARGET_LUFS - first.integrated_lufs
    for _ in range(6):
        out = limit(samples * 10 ** (gain_db / 20), CEILING_DB)
        got = first.integrated_lufs + power_db(out) - base  # estimated loudness
        tried.append((gain_db, got))
        if abs(got - TARGET_LUFS) < 0.1:
            break
        if len(tried) == 1:
            gain_db += TARGET_LUFS - got
        else:
            (g0, l0), (g1, l1) = tried[-2], tried[-1]
            slope = (l1 - l0) / (g1 - g0) if g1 != g0 else 1.0
            gain_db = g1 + (TARGET_LUFS - l1) / max(0.2, min(1.0, slope))
    # The stand-in is only close: correct with real measurements, at the slope it found.
    slope = 1.0
    if len(tried) > 1 and tried[-1][0] != tried[-2][0]:
        slope = max(0.2, min(1.0, (tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0])))
    for _ in range(3):
        measured = _measure_samples(out, workdir).integrated_lufs
        if abs(measured - TARGET_LUFS) < 0.25:
            break
        gain_db += (TARGET_LUFS - measured) / slope
        out = limit(samples * 10 ** (gain_db / 20), CEILING_DB)
    return out


def mux(video: Path, samples: np.ndarray | None, output: Path, *, workdir: Path,
        frame_count: int, fps: int) -> Loudness | None:
    """``video`` with its audio replaced by ``samples`` (stereo float at :data:`RATE`),
    normalised to -14 LUFS with peaks under -1 dBTP, as AAC; the video stream is copied.

    ``samples=None`` keeps a silent track (and returns ``None``). The audio is cut to
    whole AAC frames that end no later than the video, like the renderer's silent track.
    """
    audio_n = (frame_count * RATE // fps) // 1024 * 1024
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(video)]
    if samples is None:
        command += ["-f", "lavfi", "-t", f"{audio_n / RATE:.6f}",
                    "-i", f"anullsrc=channel_layout=stereo:sample_rate={RATE}"]
    else:
        data = np.zeros((audio_n, 2), np.float32)
        data[: min(audio_n, len(samples))] = samples[:audio_n]
        wav = workdir / "mix.wav"
        wav.write_bytes(wav_bytes(normalise(data, workdir)))
        command += ["-i", str(wav)]
    command += ["-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
                "-c:a", "aac", "-b:a", "160k", "-ar", str(RATE), "-ac", "2",
                "-movflags", "+faststart", "-f", "mp4", str(output)]
    _run(command, "mux the sound into the video")
    return None if samples is None else measure(output)


def volume_db(path: Path | str, start_s: float, end_s: float) -> float:
    """Mean volume (dBFS) of a file's audio between two times (ffmpeg ``volumedetect``)."""
    result = _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-ss", f"{start_s:.3f}",
                   "-to", f"{end_s:.3f}", "-i", str(path), "-map", "0:a:0", "-af", "volumedetect",
                   "-f", "null", "-"], "measure volume")
    found = re.search(r"mean_volume:\s+(-?[\d.]+|-inf) dB", result.stderr.decode("utf-8", "replace"))
    return float(found.group(1)) if found and found.group(1) != "-inf" else -math.inf


def read_audio(path: Path | str) -> np.ndarray:
    """A media file's audio as mono float32 at :data:`RATE` (for waveforms and checks)."""
    result = _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path),
                   "-map", "0:a:0", "-ac", "1", "-ar", str(RATE), "-f", "f32le", "pipe:1"],
                  "read the audio")
    return np.frombuffer(result.stdout, np.float32).copy()
