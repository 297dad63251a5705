"""The video stage's sound: voice each line, time the scenes to it, compose the bed,
mix and put it in the MP4.

Every provider call (each line, the bed) goes through the gateway, one call per line,
so a line that did not change is served from the cache and only changed lines are
voiced again. Providers that speak faster in batches (piper loads its voice once per
process) get all the lines that are not cached in one run first.
"""

from __future__ import annotations

import logging
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..media import audio as mixing
from ..media.speech_text import speakable
from ..media.subtitles import SRT_LINE_CHARS
from ..media.timing import Fit, fit
from ..models import AudioSettings, SpokenLine, Story
from ..providers.base import MusicRequest, Speech, SpeechRequest, VoiceUnavailable
from .context import Context

log = logging.getLogger(__name__)
_said: set[str] = set()

#: How the narrator is asked to sound, by story tone (providers that take a style).
_STYLES = {
    "humorous": "playful and light, with a smile in the voice",
    "emotional": "warm and sincere, unhurried",
    "luxurious": "calm, low and confident, elegant",
    "energetic": "upbeat and energetic, punchy",
    "calm": "calm and soothing, relaxed",
    "serious": "clear, confident and trustworthy",
}


def say_once(note: str) -> None:
    """Log a notice once per process (a silent voice track is worth one line, not six)."""
    if note not in _said:
        _said.add(note)
        log.warning("%s", note)


@dataclass
class Voiced:
    """The lines as spoken: per scene the trimmed WAV blob and its length, or None."""

    blobs: list[str | None]
    seconds: list[float | None]
    notes: list[str] = field(default_factory=list)


def voice_lines(ctx: Context, story: Story, settings: AudioSettings, language: str) -> Voiced:
    """Speak every scene's line (cached per line); a silent result with a note when the
    voice provider cannot speak here."""
    n = len(story.scenes)
    if not settings.voice_on:
        return Voiced([None] * n, [None] * n)
    provider = ctx.providers.voice
    voice, note = provider.pick_voice(settings.voice)
    notes = [note] if note else []
    style = _STYLES.get(story.tone, "a warm, confident ad narrator")
    requests = [
        SpeechRequest(text=speakable(s.voiceover, language), voice=voice, speed=settings.speed,
                      style=style) if speakable(s.voiceover, language) else None
        for s in story.scenes
    ]
    batch: dict[int, Speech] = {}
    many = getattr(provider, "speak_many", None)
    try:
        if many is not None:
            misses = [i for i, r in enumerate(requests)
                      if r is not None and not ctx.gateway.has(provider, "speak", r.model_dump(mode="json"))]
            if misses:
                ctx.progress(0, 1, f"Voicing {len(misses)} line(s) ...")
                batch = dict(zip(misses, many([requests[i] for i in misses]), strict=True))
        blobs: list[str | None] = []
        seconds: list[float | None] = []
        for i, request in enumerate(requests):
            if request is None:
                blobs.append(None)
                seconds.append(None)
                continue
            ctx.progress(i, n, f"Voicing line {i + 1} of {n} ...")

            def run(i: int = i, request: SpeechRequest = request) -> dict[str, Any]:
                speech = batch[i] if i in batch else provider.speak(request)
                samples = mixing.decode(speech.audio, f"scene {i + 1}'s voice")
                clip = mixing.trim(samples, speech.start_s, speech.end_s)
                return {"blob": ctx.blobs.put(mixing.wav_bytes(clip), "wav"),
                        "seconds": round(len(clip) / mixing.RATE, 3)}

            data = ctx.gateway.call(provider, "speak", request.model_dump(mode="json"), run)
            blobs.append(str(data["blob"]))
            seconds.append(float(data["seconds"]))
    except VoiceUnavailable as exc:
        say_once(str(exc))
        return Voiced([None] * n, [None] * n, [str(exc)])
    return Voiced(blobs, seconds, notes)


def time_scenes(story: Story, voiced: Voiced) -> Fit:
    """Scene durations that fit the spoken lines and still sum to the story's length."""
    return fit([s.duration_s for s in story.scenes], voiced.seconds, story.duration_s)


def compose_music(ctx: Context, story: Story, settings: AudioSettings, seed: int) -> str | None:
    """The bed's WAV blob, or None when music is off."""
    if settings.music == "off":
        return None
    provider = ctx.providers.music
    request = MusicRequest(mood=story.tone if settings.music == "auto" else settings.music,
                           duration_s=story.duration_s, seed=seed,
                           cuts=[round(s.start_s, 3) for s in story.scenes[1:]])
    ctx.progress(0, 1, "Composing the music bed ...")
    data = ctx.gateway.call(provider, "compose", request.model_dump(mode="json"),
                            lambda: ctx.blobs.put(provider.compose(request), "wav"))
    return str(data)


@dataclass
class Sound:
    """What :func:`finish` made: the MP4 with sound, its subtitles, and the record."""

    video: str
    subtitles: str
    lines: list[SpokenLine]
    loudness_lufs: float | None
    true_peak_dbtp: float | None


def finish(ctx: Context, story: Story, video_blob: str, subtitles_blob: str, voiced: Voiced,
           timing: Fit | None, music_blob: str | None, settings: AudioSettings, *,
           frame_count: int, fps: int) -> Sound:
    """Mix the lines and the bed, normalise to -14 LUFS, and mux into the rendered video.

    Without a voice and without music the renderer's silent track is kept as it is.
    """
    lines: list[SpokenLine] = []
    placed: list[mixing.Line] = []
    if timing is not None:
        for i, (blob, cue) in enumerate(zip(voiced.blobs, timing.cues, strict=True)):
            if blob is None or cue is None:
                continue
            scene = story.scenes[i]
            lines.append(SpokenLine(scene=scene.index, text=scene.voiceover, start_s=cue[0],
                                    end_s=cue[1], blob=blob))
            placed.append(mixing.Line(mixing.decode(ctx.blobs.get(blob)), cue[0]))
    music = mixing.decode(ctx.blobs.get(music_blob), "the music") if music_blob else None
    subtitles = subtitles_blob
    if lines:
        subtitles = ctx.blobs.put(srt_text(lines).encode("utf-8"), "srt")
    if not placed and music is None:
        return Sound(video_blob, subtitles, lines, None, None)
    ctx.progress(0, 1, "Mixing the sound ...")
    mixed = mixing.mix(story.duration_s, placed, music, music_db=settings.music_db)
    with tempfile.TemporaryDirectory(prefix="adpipeline-mix-") as tmp:
        folder = Path(tmp)
        source = folder / "silent.mp4"
        source.write_bytes(ctx.blobs.get(video_blob))
        output = folder / "ad.mp4"
        loud = mixing.mux(source, mixed.samples, output, workdir=folder,
                          frame_count=frame_count, fps=fps)
        video = ctx.blobs.put_file(output, "mp4")
    ctx.progress(1, 1, "Sound mixed")
    return Sound(video, subtitles, lines,
                 None if loud is None else loud.integrated_lufs,
                 None if loud is None else loud.true_peak_dbtp)


def srt_text(lines: list[SpokenLine]) -> str:
    """SubRip cues at the spoken timing: each from when its line starts to when it ends."""
    cues = []
    for n, line in enumerate(lines, start=1):
        text = "\n".join(textwrap.wrap(" ".join(line.text.split()), SRT_LINE_CHARS,
                                       break_long_words=False))
        cues.append(f"{n}\n{_stamp(line.start_s)} --> {_stamp(line.end_s)}\n{text}\n")
    return "\n".join(cues)


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def waveform_peaks(samples: np.ndarray, columns: int = 600) -> list[float]:
    """Peak level per column, 0..1: enough to draw a waveform under the player."""
    if not len(samples):
        return [0.0] * columns
    n = max(1, len(samples) // columns)
    trimmed = np.abs(samples[: n * columns]).reshape(-1, n).max(axis=1)
    return [round(float(v), 3) for v in trimmed]
