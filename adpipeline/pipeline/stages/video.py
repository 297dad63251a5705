"""The video stage: the storyboard frames, voiced and scored, rendered to an MP4."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...models import AudioSettings, ImageAsset, Session, StageName, Version
from .. import generate
from ..context import Context
from ..generate import derive_seed, images_of
from ..outputs import VideoOutput
from ..rules import add_version, require_open
from ..sound_changes import apply_changes
from .base import Apply, Stage, note_of


@dataclass(frozen=True)
class RenderPlan:
    """A render: these frames, this transition, this seed and this sound."""

    frames: list[ImageAsset]
    transition_s: float
    seed: int
    audio: AudioSettings


class VideoStage(Stage[VideoOutput, RenderPlan]):
    """The rendered ad."""

    name: ClassVar[StageName] = "video"
    made_by = ("video", "render")

    def output_in(self, session: Session) -> VideoOutput | None:
        output = session.stages["video"].output
        if output is None or output.video is None:
            return None
        return VideoOutput(output.video, self.pipeline._store.blobs)

    def _first_plan(self, session: Session) -> RenderPlan:
        transition = 0.5
        audio = session.audio
        previous = session.stages["video"].output
        if previous is not None and previous.video is not None:
            transition = previous.video.transition_s
            audio = previous.video.audio
        return RenderPlan(images_of(session, "storyboard"), transition,
                          derive_seed(session.brief, "video", 0), audio)

    @property
    def audio(self) -> AudioSettings:
        """The sound settings the next render uses (pending feedback applied)."""
        session = self.pipeline.session
        audio = self._first_plan(session).audio
        for f in session.stages["video"].pending:
            audio = apply_changes(audio, f.changes)
        return audio

    def _make(self, ctx: Context, session: Session, plan: RenderPlan) -> Apply:
        video = generate.render_video(ctx, session, plan.frames, plan.transition_s, plan.seed,
                                      plan.audio)
        pending = session.stages["video"].pending
        note = note_of(pending) if session.stages["video"].versions else "first draft"

        def apply(s: Session) -> None:
            add_version(s, "video", Version(number=0, video=video, note=note))
            s.stages["video"].pending = []

        return apply

    def regenerate(self, item: int | None = None) -> None:
        self._check_item(self.pipeline.session, item)

        def begin(s: Session) -> RenderPlan:
            require_open(s, "video", "regenerate", needs_output=False)
            first = self._first_plan(s)
            transition, audio = first.transition_s, first.audio
            pending = s.stages["video"].pending
            for f in pending:
                if f.changes.transition_s is not None:
                    transition = f.changes.transition_s
                audio = apply_changes(audio, f.changes)
            seed = derive_seed(s.brief, "video", len(s.stages["video"].versions))
            previous = s.stages["video"].output
            if (pending and previous is not None and previous.video is not None
                    and all(f.changes.only_sound() for f in pending)):
                # Only the sound changes: the same pictures (and the render is cached).
                seed = previous.video.seed
            return RenderPlan(first.frames, transition, seed, audio)

        self.pipeline._work("video", begin, self._make)
