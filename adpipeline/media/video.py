"""Offline video assembly: storyboard stills -> an H.264 MP4 ad, an .srt and a poster.

One shot per storyboard frame, lasting its scene's duration, with a camera move read
from the scene's ``camera`` note, crossfades that do not shorten the video, the
on-screen text and the voiceover burned in, a silent AAC track, and the voiceover
also written as an .srt beside the video.

How it is built, and why (figures from ``PERF-NOTES.md`` and ``benchmarks/bench_video.py``
on the 2-core machine; on two cores every CPU-millisecond spent here is taken from x264):

* Frames are made here with OpenCV and piped raw into ffmpeg, not built in a filter
  graph: ``zoompan`` moves in whole pixels (visible jitter on slow zooms) and the graphs
  were slower than piping frames.
* Frames are made directly in the encoder's pixel format (planar YUV 4:2:0, BT.709,
  limited range, tagged as such). Each still is converted once per shot, so per frame
  we resample 1.5 bytes per pixel instead of 3, ffmpeg converts nothing, and the pipe
  carries half the data.
* Each still is cropped and scaled once per shot to the largest zoom that shot uses;
  per frame it is resampled with ``cv2.resize`` from sub-pixel pre-shifted copies
  (see :class:`.frames._Plane`): ~3x cheaper than ``cv2.warpAffine`` and still sub-pixel exact.
* Text is drawn once per shot with Pillow, converted to premultiplied YUV, and blended
  per frame only inside its own boxes. Static shots are composed once and reused.
* Frames stream through a pipe into ffmpeg one at a time: memory stays flat whatever
  the duration (at most two shots, a crossfade, are held at once).

Measured (30 s 720p, push-in on every shot, 0.5 s crossfades, veryfast CRF 20): ~1.17x
the CPU time and 1.1-1.4x the wall time of encoding the same frames with the same
ffmpeg command; ~9x faster than moviepy's opaque composition, ~12x its default one. A
60 s 1080x1920 render peaks at ~550 MiB, Python and ffmpeg together.

The parts, each its own module: :mod:`.timeline` (camera moves, shots on the frame
grid), :mod:`.frames` (the pictures), :mod:`.yuv` (colour and text blending),
:mod:`.ffmpeg` (the encoder), :mod:`.subtitles` (the .srt). They import only
``adpipeline.models``, ``adpipeline.errors`` and each other (media layer).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import ProviderError
from ..models import Story
from .ffmpeg import Encoder, encode_command
from .frames import FrameSource
from .subtitles import srt_text
from .timeline import poster_frame
from .yuv import i420_to_rgb

#: ``progress(done, total, message)``; the same shape as ``providers.base.Progress``.
ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class VideoFiles:
    """What :func:`render_video` wrote."""

    video: Path
    poster: Path
    subtitles: Path
    width: int
    height: int
    fps: int
    duration_s: float
    frame_count: int


def render_video(
    story: Story,
    frames: Sequence[bytes],
    workdir: Path | str,
    *,
    width: int,
    height: int,
    fps: int = 30,
    crf: int = 20,
    preset: str = "veryfast",
    transition_s: float = 0.5,
    seed: int = 0,
    headlines_drawn: Sequence[bool] = (),
    progress: ProgressFn | None = None,
    video_name: str = "ad.mp4",
    poster_name: str = "poster.png",
    subtitles_name: str = "ad.srt",
) -> VideoFiles:
    """Render ``story`` from its storyboard ``frames`` (PNG bytes, one per scene) into
    ``workdir``: an H.264/AAC MP4, a PNG poster and an .srt of the voiceover.

    ``headlines_drawn[i]`` says frame ``i`` already shows its scene's on-screen text as
    a headline (the offline storyboard draws it), so it is not burned in twice.
    ``progress(done_frames, total_frames, "Rendering shot 3 of 6")`` is called at each
    shot and about once per second of video. Raises ``InvalidInput`` for a wrong number
    of frames, bytes that are not an image or unusable sizes, and ``ProviderError`` if
    ffmpeg fails (with its last stderr lines). Files appear only when complete.

    >>> files = render_video(story, pngs, "out", width=1280, height=720)  # doctest: +SKIP
    """
    source = FrameSource(
        story, frames, width=width, height=height, fps=fps, transition_s=transition_s, seed=seed,
        headlines_drawn=headlines_drawn,
    )
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    video = workdir / video_name
    poster = workdir / poster_name
    subtitles = workdir / subtitles_name
    partial = workdir / f".{video_name}.part"
    report = progress or (lambda done, total, message: None)
    total = source.frame_count
    shots = len(source.plans)
    starts = {plan.start: plan.number for plan in source.plans}
    poster_at = poster_frame(source.plans, fps)
    poster_rgb: np.ndarray | None = None
    command = encode_command(
        partial, width=width, height=height, fps=fps, frame_count=total, crf=crf, preset=preset
    )
    shot = 1
    try:
        with Encoder(command) as encoder:
            for k, buf in source:
                if k in starts or k % fps == 0:
                    shot = starts.get(k, shot)
                    report(k, total, f"Rendering shot {shot} of {shots}")
                if k == poster_at:
                    poster_rgb = i420_to_rgb(buf, width, height)
                encoder.write(buf)
            report(total, total, "Finishing video")
        os.replace(partial, video)
    finally:
        partial.unlink(missing_ok=True)
    assert poster_rgb is not None
    ok, png = cv2.imencode(".png", cv2.cvtColor(poster_rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ProviderError("could not encode the poster frame as PNG.")
    poster.write_bytes(png.tobytes())
    subtitles.write_text(srt_text(source.plans, fps), encoding="utf-8")
    report(total, total, f"Video ready: {source.duration_s:g} s, {width}x{height}")
    return VideoFiles(
        video=video,
        poster=poster,
        subtitles=subtitles,
        width=width,
        height=height,
        fps=fps,
        duration_s=source.duration_s,
        frame_count=total,
    )
