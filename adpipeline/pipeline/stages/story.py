"""The story stage: title, framework, timed scenes, voiceover, call to action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...errors import InvalidInput
from ...models import Feedback, Session, StageName, Story, Version
from .. import generate
from ..context import Context
from ..generate import derive_seed, story_of
from ..rules import add_version, require_open
from ..user_input import check_text, whole
from .base import Apply, Stage, note_of

SCENE_FIELDS = ("setting", "time_of_day", "action", "camera", "voiceover", "on_screen_text",
                "visual_prompt")


@dataclass(frozen=True)
class StoryPlan:
    """A story to write: from scratch, or from ``previous`` with ``feedback`` applied."""

    previous: Story | None
    feedback: list[Feedback]
    seed: int


class StoryStage(Stage[Story, StoryPlan]):
    """The ad story: title, framework, timed scenes, voiceover, call to action."""

    name: ClassVar[StageName] = "story"
    made_by = ("text", "write_story")

    def output_in(self, session: Session) -> Story | None:
        output = session.stages["story"].output
        return output.story if output is not None else None

    def regenerate(self, item: int | None = None) -> None:
        self._check_item(self.pipeline.session, item)

        def begin(session: Session) -> StoryPlan:
            require_open(session, "story", "regenerate", needs_output=False)
            state = session.stages["story"]
            seed = derive_seed(session.brief, "story", len(state.versions))
            previous = story_of(session) if state.current is not None else None
            return StoryPlan(previous, list(state.pending), seed)

        self.pipeline._work("story", begin, self._make)

    def _first_plan(self, session: Session) -> StoryPlan:
        return StoryPlan(None, [], derive_seed(session.brief, "story", 0))

    def _make(self, ctx: Context, session: Session, plan: StoryPlan) -> Apply:
        story = generate.write_story(ctx, session.brief, plan.previous, plan.feedback, plan.seed)
        note = note_of(plan.feedback) if plan.previous is not None else "first draft"

        def apply(s: Session) -> None:
            add_version(s, "story", Version(number=0, story=story, note=note))
            s.stages["story"].pending = []

        return apply

    @property
    def timing(self) -> list[str]:
        """Lines that will not fit their scene when spoken, each with a concrete fix
        (from the spoken length estimated at the session's voice speed); [] if all fit.
        The video stage times scenes from the real voice, but a line longer than its
        scene takes time from the others, so it is worth fixing here."""
        session = self.pipeline.session
        story = self.output_in(session)
        if story is None or not session.audio.voice_on:
            return []
        return timing_notes(story, session.audio.speed, session.brief.language)

    def edit_scene(self, scene: int, **fields: str) -> None:
        """Change a scene's words by hand; saved as a new version and kept by later
        regenerations. Fields: setting, time_of_day, action, camera, voiceover,
        on_screen_text, visual_prompt."""
        unknown = sorted(set(fields) - set(SCENE_FIELDS))
        if unknown or not fields:
            raise InvalidInput(
                f"edit_scene takes {', '.join(SCENE_FIELDS)}; got {', '.join(unknown) or 'none'}."
            )
        cleaned = {k: check_text(v, k, limit=600) for k, v in fields.items()}

        def change(session: Session) -> None:
            require_open(session, "story", "edit")
            story = story_of(session)
            if not whole(scene) or not 1 <= scene <= len(story.scenes):
                raise InvalidInput(f"scenes are numbered 1 to {len(story.scenes)}; got {scene!r:.40}.")
            scenes = [s.model_copy(update=cleaned) if s.index == scene else s
                      for s in story.scenes]
            edits = {**story.scene_edits, scene: {**story.scene_edits.get(scene, {}), **cleaned}}
            edited = story.model_copy(update={"scenes": scenes, "scene_edits": edits})
            Story.model_validate(edited.model_dump())
            note = f"scene {scene} edited: " + ", ".join(cleaned)
            add_version(session, "story", Version(number=0, story=edited, note=note))

        self.pipeline._update(change)


def timing_notes(story: Story, speed: float = 1.0, language: str = "en") -> list[str]:
    """:func:`adpipeline.media.timing.story_fit_notes` with the spoken length estimated."""
    from ...media.speech_text import speakable
    from ...media.timing import estimate_speech_s, story_fit_notes

    speech = [estimate_speech_s(speakable(s.voiceover, language)) / speed or None for s in story.scenes]
    return story_fit_notes(story, speech)
