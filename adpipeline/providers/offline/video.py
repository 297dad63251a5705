"""The offline video provider: storyboard frames -> MP4 with the ffmpeg imageio-ffmpeg ships.

All the work is in :mod:`adpipeline.media.video`; this adapts it to the
:class:`~adpipeline.providers.base.VideoProvider` contract.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ...media.video import render_video
from ..base import Cost, Progress, RenderedVideo, VideoRequest


class OfflineVideoProvider:
    """Renders locally: per-shot camera moves, crossfades, burned-in text, .srt, poster.

    No keys, no network, no charge; the cost it reports is the video's length.
    """

    name = "offline"
    model = "ffmpeg-x264"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        """Seconds of video ``params`` (a dumped :class:`VideoRequest`) would make, at $0."""
        return Cost(units=_seconds(params), unit="seconds", usd=0.0)

    def render(
        self, request: VideoRequest, frames: list[bytes], workdir: Path, progress: Progress
    ) -> RenderedVideo:
        """Write ``ad.mp4``, ``poster.png`` and ``ad.srt`` into ``workdir``.

        Raises ``InvalidInput`` for a wrong number of frames or bytes that are not an
        image, ``ProviderError`` if ffmpeg fails.
        """
        files = render_video(
            request.story,
            frames,
            workdir,
            width=request.width,
            height=request.height,
            fps=request.fps,
            crf=request.crf,
            preset=request.preset,
            transition_s=request.transition_s,
            seed=request.seed,
            headlines_drawn=request.headlines_in_frames,
            progress=progress,
        )
        # media cannot import the provider contract (layers), so it returns its own
        # record of the same fields.
        return RenderedVideo(**dataclasses.asdict(files))


def _seconds(params: dict[str, Any]) -> float:
    # The gateway passes ``request.model_dump(mode="json")``; accept a live Story too,
    # and never fail an estimate over its shape (the render itself validates).
    story = params.get("story")
    scenes = getattr(story, "scenes", None)
    if scenes is None and isinstance(story, dict):
        scenes = story.get("scenes")
    if not scenes:
        value = params.get("duration_s", 0.0)
        return float(value) if isinstance(value, int | float) else 0.0
    total = 0.0
    for scene in scenes:
        value = scene.get("duration_s") if isinstance(scene, dict) else getattr(scene, "duration_s", 0)
        if isinstance(value, int | float):
            total += float(value)
    return round(total, 3)
