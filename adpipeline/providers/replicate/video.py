"""Replicate's image-to-video models: each storyboard frame animated into a clip, the
clips joined by :func:`adpipeline.media.ffmpeg.join_clips` on the story's frame grid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import InvalidInput
from ...media.ffmpeg import grab_frame, join_clips
from ...media.frames import check_video_params
from ...media.subtitles import srt_text
from ...media.timeline import plan_shots, poster_frame
from ...models import Scene
from ..base import Progress, RenderedVideo, VideoRequest
from . import families
from .client import ReplicateProvider

_MAX_CLIP_BYTES = 200 * 1024 * 1024


class ReplicateVideoProvider(ReplicateProvider):
    """Video: one clip per scene, made in parallel, joined with the scenes' timing."""

    def __init__(self, capability: str, model: str | None = None,
                 base_url: str | None = None) -> None:
        super().__init__(capability, model, base_url)
        self._schemas: dict[str, dict[str, Any]] = {}

    def render(
        self, request: VideoRequest, frames: list[bytes], workdir: Path, progress: Progress
    ) -> RenderedVideo:
        """Animate each storyboard frame into a clip on Replicate, then join the clips
        with ffmpeg into one H.264 MP4 with the scenes' timing.

        Each clip is trimmed, or looped, to its scene's duration on the ``request.fps``
        frame grid, so the video lasts the story's duration to the frame. Cuts are hard
        (``transition_s`` is not used): a crossfade would show a clip's loop point. Also
        writes ``ad.srt`` (the voiceover) and ``poster.png``.
        """
        story = request.story
        if len(frames) != len(story.scenes):
            raise InvalidInput(
                f"{len(frames)} storyboard frames for {len(story.scenes)} scenes: pass one "
                "frame per scene."
            )
        check_video_params(request.width, request.height, request.fps)
        plans = plan_shots(story, request.fps, 0.0)
        workdir.mkdir(parents=True, exist_ok=True)
        count = len(plans)
        steps = count * 2 + 1
        client = self.client()
        progress(0, steps, f"Animating {count} scenes on Replicate ...")
        aspect = families.nearest_aspect(f"{request.width}:{request.height}",
                                         ["16:9", "9:16", "1:1"])
        inputs = [
            self._video_input(client, scene, frame, request.seed + i, aspect)
            for i, (scene, frame) in enumerate(zip(story.scenes, frames, strict=True))
        ]
        outputs = self._run(client, inputs, on_done=lambda done: progress(
            done, steps, f"Animated {done} of {count} scenes"))
        clips = []
        for i, output in enumerate(outputs):
            progress(count + i, steps, f"Downloading clip {i + 1} of {count} ...")
            clip = workdir / f"clip-{i + 1:02d}.mp4"
            with clip.open("wb") as sink:
                self._download(client, output, sink, limit=_MAX_CLIP_BYTES,
                               what=f"scene {i + 1}'s clip")
            clips.append(clip)
        progress(2 * count, steps, "Joining the clips ...")
        video, poster, subtitles = workdir / "ad.mp4", workdir / "poster.png", workdir / "ad.srt"
        frame_count = plans[-1].end
        join_clips(clips, [p.end - p.start for p in plans], video, width=request.width,
                   height=request.height, fps=request.fps, frame_count=frame_count,
                   crf=request.crf, preset=request.preset)
        grab_frame(video, poster_frame(plans, request.fps) / request.fps, poster)
        subtitles.write_text(srt_text(plans, request.fps), encoding="utf-8")
        for clip in clips:
            clip.unlink(missing_ok=True)
        progress(steps, steps, "Video ready")
        return RenderedVideo(
            video=video, poster=poster, subtitles=subtitles, width=request.width,
            height=request.height, fps=request.fps, duration_s=frame_count / request.fps,
            frame_count=frame_count,
        )

    def _video_input(self, client: Any, scene: Scene, frame: bytes, seed: int,
                     aspect: str) -> dict[str, Any]:
        image = self._file_input(client, frame, f"scene-{scene.index}.png", "image/png")
        if families.input_shape(self.model) == "svd":
            return {"input_image": image, "video_length": "25_frames_with_svd_xt",
                    "sizing_strategy": "maintain_aspect_ratio", "frames_per_second": 6,
                    "motion_bucket_id": 127, "cond_aug": 0.02, "decoding_t": 14, "seed": seed}
        prompt = f"{scene.visual_prompt}; {scene.action}; camera: {scene.camera}"
        family = families.family_of(self.model)
        if family is None:
            return {"prompt": prompt, "image": image, "seed": seed}
        model_input: dict[str, Any] = {"prompt": prompt, family.image_field: image, "seed": seed,
                                       "duration": families.clip_seconds(family, scene.duration_s),
                                       **family.extra}
        if family.aspect_field:
            model_input["aspect_ratio"] = aspect
        if family.audio_off:
            model_input["generate_audio"] = False
        return families.fit_to_schema(self.model, model_input, self._openapi(client),
                                      must_keep=(family.image_field,))

    def _openapi(self, client: Any) -> dict[str, Any]:
        """The model version's OpenAPI schema, read once per provider (a GET, no cost)."""
        if self.model not in self._schemas:
            owner_name, _, version = self.model.partition(":")
            if version:
                found = self._call("read the model's input schema",
                                   lambda: client.models.get(owner_name).versions.get(version))
            else:
                found = self._call("read the model's input schema",
                                   lambda: client.models.get(owner_name).latest_version)
            self._schemas[self.model] = dict(getattr(found, "openapi_schema", None) or {})
        return self._schemas[self.model]

