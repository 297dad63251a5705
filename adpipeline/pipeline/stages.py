"""The four stages as objects: read the output, talk about it, redo it, approve it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BudgetExceeded, InvalidInput, StageError
from ..models import (
    FRAME_SIZES,
    STAGES,
    AudioSettings,
    Feedback,
    ImageAsset,
    Message,
    Session,
    StageName,
    Story,
    Version,
)
from ..providers.base import FeedbackPlan
from ..providers.gateway import Gateway
from . import generate, sound
from .generate import Context, derive_seed, images_of, inputs_of, story_of
from .outputs import ImageItem, VideoOutput
from .pipeline import add_version, possible_now, require_open

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from .pipeline import Pipeline

MAX_FEEDBACK_CHARS = 2000
#: The largest image file ``replace`` reads: a 40-megapixel PNG is well under this,
#: and a bigger file is refused before it is read.
MAX_IMAGE_BYTES = 64 * 1024 * 1024
_SCENE_FIELDS = ("setting", "time_of_day", "action", "camera", "voiceover", "on_screen_text",
                 "visual_prompt")


class Stage:
    """What every stage can do. Reading properties loads the stored session."""

    def __init__(self, pipeline: Pipeline, name: StageName) -> None:
        self.pipeline = pipeline
        self.name: StageName = name

    def __repr__(self) -> str:
        state = self.pipeline.session.stages[self.name]
        return (f"<{type(self).__name__} {self.name}: {state.status}, "
                f"{len(state.versions)} version(s)>")

    # reading ----------------------------------------------------------------

    @property
    def status(self) -> str:
        return self.pipeline.session.stages[self.name].status

    @property
    def error(self) -> str | None:
        return self.pipeline.session.stages[self.name].error

    @property
    def versions(self) -> list[Version]:
        return self.pipeline.session.stages[self.name].versions

    @property
    def current(self) -> int | None:
        return self.pipeline.session.stages[self.name].current

    @property
    def pending(self) -> list[Feedback]:
        return self.pipeline.session.stages[self.name].pending

    @property
    def messages(self) -> list[Message]:
        return [m for m in self.pipeline.session.conversation if m.stage == self.name]

    @property
    def output(self) -> Any:
        return self.output_in(self.pipeline.session)

    def output_in(self, session: Session) -> Any:
        """What :attr:`output` would be in ``session`` (a copy already loaded)."""
        raise NotImplementedError

    # acting -----------------------------------------------------------------

    def feedback(self, text: str, item: int | None = None) -> str:
        """Tell the stage what to change; returns the assistant's reply.

        The change is applied by :meth:`regenerate` (or at once if the message asks to
        regenerate or approve). Raises ``StageError`` unless this stage is under review.
        """
        text = _check_text(text, "feedback")
        session = self.pipeline.session
        require_open(session, self.name, "give feedback on")
        self._check_item(session, item)
        provider = self.pipeline.providers_for(session).text
        gateway = Gateway(self.pipeline.store.calls, stage=self.name, blobs=self.pipeline.store.blobs,
                          budget_usd=session.budget_usd, spent_usd=session.cost_usd)
        story = _story_or_none(session)
        data = gateway.call(
            provider, "interpret",
            {"stage": self.name, "text": text, "item": item,
             "story": story.model_dump(mode="json") if story else None},
            lambda: provider.interpret(self.name, text, item, story).model_dump(mode="json"),
        )
        plan = FeedbackPlan.model_validate(data)
        changes = dict(plan.changes)
        target = changes.pop("item", None)
        if target is not None and item is None:
            target = self._item_named_in_chat(session, target)
        else:
            target = None if item is None else self._resolve_item(session, item)

        def change(s: Session) -> None:
            require_open(s, self.name, "give feedback on")
            s.conversation = [
                *s.conversation,
                Message(role="user", text=text, stage=self.name, item=target),
                Message(role="assistant", text=plan.reply, stage=self.name, item=target),
            ]
            if changes:
                state = s.stages[self.name]
                state.pending = [*state.pending, Feedback(text=text, item=target, changes=changes)]
                if self.name == "story" and changes.get("aspect") in ("16:9", "9:16", "1:1"):
                    # "it's for TikTok": the frame shape is the brief's, so change it there.
                    s.brief = s.brief.model_copy(update={"aspect": changes["aspect"]})
            s.ledger = s.ledger + gateway.ledger

        self.pipeline.update(change)
        if plan.action == "regenerate":
            self.regenerate(item=target)
        elif plan.action == "approve":
            self.approve()
        return plan.reply

    def regenerate(self, item: int | None = None) -> None:
        """Make a new version applying pending feedback; with none, a new variant."""
        raise NotImplementedError

    def revert(self, n: int) -> None:
        """Make version ``n`` current again (versions are kept, nothing is deleted)."""

        def change(session: Session) -> None:
            require_open(session, self.name, "revert")
            state = session.stages[self.name]
            if not _whole(n) or not 0 <= n < len(state.versions):
                raise InvalidInput(
                    f"{self.name} has versions 0 to {len(state.versions) - 1}; "
                    f"there is no version {n!r}."
                )
            state.current = n
            state.status = "review"
            state.error = None

        self.pipeline.update(change)

    def approve(self) -> None:
        """Approve this stage and generate the next one.

        All or nothing: if the next stage cannot be made (budget, provider), this
        stage stays under review and nothing changes but the record of what was spent.
        If the next stage already has output made from exactly these inputs (you went
        back and approved again without changes), that output is reused.
        """
        index = STAGES.index(self.name)
        following = STAGES[index + 1] if index + 1 < len(STAGES) else None
        before: dict[str, Any] = {}

        def begin(session: Session) -> Any:
            require_open(session, self.name, "approve")
            state = session.stages[self.name]
            before.update(pending=state.pending, following=None if following is None else
                          session.stages[following].model_dump(include={"status", "error"}))
            state.status = "approved"
            state.pending = []
            session.stage = following or "complete"
            if following is None:
                return None
            nxt = session.stages[following]
            if nxt.output is not None and nxt.output.inputs == inputs_of(session, following):
                raise _Reused
            return self.pipeline[following].prepare_first(session)

        def undo(session: Session) -> None:
            assert following is not None
            if session.stage != following or session.stages[following].status != "generating":
                return  # someone else moved on meanwhile: leave their state alone
            session.stage = self.name
            state = session.stages[self.name]
            state.status = "review"
            state.pending = [*before["pending"], *state.pending]
            nxt = session.stages[following]
            nxt.status, nxt.error = before["following"]["status"], before["following"]["error"]
            nxt.worker = nxt.started_at = None

        if following is None:
            self.pipeline.update(begin)
            return
        self._preflight(following)
        try:
            self.pipeline.work(following, begin, self.pipeline[following].make, undo=undo)
        except _Reused:
            def reuse(session: Session) -> None:
                try:
                    begin(session)
                except _Reused:
                    session.stages[following].status = "review"
                    session.stages[following].error = None
                    return
                raise StageError(f"what {following} is made from changed meanwhile; approve again.")

            self.pipeline.update(reuse)

    def _preflight(self, following: StageName) -> None:
        """Refuse an approval whose next stage cannot even start, before anything is saved."""
        session = self.pipeline.session
        require_open(session, self.name, "approve")
        capability, operation = _MADE_BY[following]
        provider = self.pipeline.providers_for(session).ready(capability)
        budget, spent = session.budget_usd, session.cost_usd
        if budget is not None and spent >= budget - 1e-9:
            cost = provider.estimate(operation, {}).usd
            if cost > 0:
                raise BudgetExceeded(
                    f"this session has spent ${spent:.4f} of its ${budget:.2f} budget, and "
                    f"{following} with {provider.name} costs money; nothing was approved. Raise "
                    f"the budget (p.budget = ...) or switch to the offline provider "
                    f"(p.use({capability}='offline')).")

    # actions only some stages have: a clear refusal on the others ----------

    def edit_scene(self, scene: int, **fields: str) -> None:
        """Change a scene's words by hand (the story stage only)."""
        raise StageError(f"{self.name} has no scenes to edit; p.story.edit_scene(n, voiceover=...) "
                         "changes the story's words.")

    def edit(self, item: int, mask: Any, prompt: str) -> None:
        """Inpaint part of an image (the image stages only)."""
        raise self._no_items("edit (inpaint)")

    def replace(self, item: int, image: Any) -> None:
        """Put your own image in place of an item (the image stages only)."""
        raise self._no_items("replace")

    def revert_item(self, item: int, version: int) -> None:
        """Bring back one item from an earlier version (the image stages only)."""
        raise self._no_items("revert an item of")

    def _no_items(self, action: str) -> StageError:
        return StageError(f"cannot {action} {self.name}: it has no separate images; only "
                          "p.reference_images and p.storyboard do. Use revert(n) for a whole "
                          "version.")

    # for subclasses ---------------------------------------------------------

    def prepare_first(self, session: Session) -> Any:
        """What to generate when the previous stage is approved."""
        raise NotImplementedError

    def make(self, ctx: Context, session: Session, prepared: Any) -> Any:
        raise NotImplementedError

    def _check_item(self, session: Session, item: int | None) -> None:
        if item is not None:
            raise InvalidInput(f"{self.name} is a single item; leave out item=.")

    def _item_named_in_chat(self, session: Session, item: object) -> int | None:
        """The 0-based item a chat message named. People count from 1 in chat ("image 1"
        is the first; the interpreter passes it on as 0, and -1 for "the last").
        """
        count = len(images_of(session, self.name)) if self.name in (
            "reference_images", "storyboard") else 0
        if not count:
            return None  # a single-item stage: the message is about the whole of it
        if item == -1:
            return count - 1
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < count:
            return item
        said = item + 1 if isinstance(item, int) and item >= 0 else 0
        raise InvalidInput(
            f"there is no image {said} here: in chat the images are numbered 1 to {count}; "
            "nothing was changed.")

    def _resolve_item(self, session: Session, item: int) -> int:
        self._check_item(session, item)
        return item


class StoryStage(Stage):
    """The ad story: title, framework, timed scenes, voiceover, call to action."""

    def output_in(self, session: Session) -> Story | None:
        output = session.stages["story"].output
        return output.story if output is not None else None

    def regenerate(self, item: int | None = None) -> None:
        self._check_item(self.pipeline.session, item)

        def begin(session: Session) -> Any:
            require_open(session, "story", "regenerate", needs_output=False)
            state = session.stages["story"]
            seed = derive_seed(session.brief, "story", len(state.versions))
            return story_of(session) if state.current is not None else None, state.pending, seed

        self.pipeline.work("story", begin, self.make)

    def prepare_first(self, session: Session) -> Any:
        return None, [], derive_seed(session.brief, "story", 0)

    def make(self, ctx: Context, session: Session, prepared: Any) -> Any:
        previous, feedback, seed = prepared
        story = generate.write_story(ctx, session.brief, previous, feedback, seed)
        note = _note(feedback) if previous is not None else "first draft"

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
        unknown = sorted(set(fields) - set(_SCENE_FIELDS))
        if unknown or not fields:
            raise InvalidInput(
                f"edit_scene takes {', '.join(_SCENE_FIELDS)}; got {', '.join(unknown) or 'none'}."
            )
        cleaned = {k: _check_text(v, k, limit=600) for k, v in fields.items()}

        def change(session: Session) -> None:
            require_open(session, "story", "edit")
            story = story_of(session)
            if not _whole(scene) or not 1 <= scene <= len(story.scenes):
                raise InvalidInput(f"scenes are numbered 1 to {len(story.scenes)}; got {scene!r:.40}.")
            scenes = [s.model_copy(update=cleaned) if s.index == scene else s
                      for s in story.scenes]
            edits = {**story.scene_edits, scene: {**story.scene_edits.get(scene, {}), **cleaned}}
            edited = story.model_copy(update={"scenes": scenes, "scene_edits": edits})
            Story.model_validate(edited.model_dump())
            note = f"scene {scene} edited: " + ", ".join(cleaned)
            add_version(session, "story", Version(number=0, story=edited, note=note))

        self.pipeline.update(change)


class ImageStage(Stage):
    """Reference images or storyboard frames: a list of items, each redone on its own."""

    def output_in(self, session: Session) -> list[ImageItem]:
        stale = self._stale_items(session)
        return [ImageItem(i, asset, self.pipeline.store.blobs, stale=i in stale)
                for i, asset in enumerate(images_of(session, self.name))]

    def _stale_items(self, session: Session) -> set[int]:
        """Frames drawn from references that are no longer the approved ones."""
        if self.name != "storyboard":
            return set()
        current = [a.blob for a in images_of(session, "reference_images")]
        return {i for i, a in enumerate(images_of(session, "storyboard"))
                if a.source == "generated" and a.references != current}

    def _requests(self, session: Session) -> list[Any]:
        if self.name == "reference_images":
            return generate.reference_requests(session)
        return generate.storyboard_requests(session)

    def _references(self, session: Session) -> list[str]:
        if self.name == "reference_images":
            return []
        return [a.blob for a in images_of(session, "reference_images")]

    def prepare_first(self, session: Session) -> Any:
        return self._prepare(session, only=None, feedback=[], fresh=False)

    def _prepare(self, session: Session, *, only: int | None, feedback: list[Feedback],
                 fresh: bool) -> dict[str, Any]:
        state = session.stages[self.name]
        requests = self._requests(session)
        version = len(state.versions)
        previous = images_of(session, self.name)
        if len(previous) != len(requests):
            previous = []  # the story's scene count changed: draw every frame anew
        return {
            "requests": requests, "references": self._references(session),
            "previous": previous, "feedback": feedback, "fresh": fresh, "only": only,
            "seeds": [derive_seed(session.brief, self.name, version, i)
                      for i in range(len(requests))],
            "consumed": feedback,
        }

    def make(self, ctx: Context, session: Session, prepared: Any) -> Any:
        prepared = dict(prepared)
        consumed: list[Feedback] = prepared.pop("consumed")
        assets = generate.draw_images(ctx, **prepared)
        only = prepared["only"]
        if prepared["previous"]:
            which = "all items" if only is None else f"item {only + 1}"
            note = f"{which}: {_note(prepared['feedback'])}"
        else:
            note = "first draft"

        def apply(s: Session) -> None:
            add_version(s, self.name, Version(number=0, images=assets, note=note))
            state = s.stages[self.name]
            state.pending = [f for f in state.pending if not any(_same(f, g) for g in consumed)]

        return apply

    def regenerate(self, item: int | None = None) -> None:
        session = self.pipeline.session
        if item is not None:
            item = self._resolve_item(session, item)

        def begin(s: Session) -> Any:
            require_open(s, self.name, "regenerate", needs_output=False)
            pending = s.stages[self.name].pending
            # Feedback for all items applies to this one too, but stays pending for the rest.
            applies = pending if item is None else [f for f in pending if f.item in (None, item)]
            prepared = self._prepare(s, only=item, feedback=applies, fresh=not applies)
            if item is not None:
                prepared["consumed"] = [f for f in applies if f.item == item]
            return prepared

        self.pipeline.work(self.name, begin, self.make)

    def edit(self, item: int, mask: Any, prompt: str) -> None:
        """Inpaint: redraw the white (True) part of ``mask`` on ``item`` as ``prompt`` says.

        ``mask`` is a bool array HxW, a PIL image or PNG bytes, the size of the image.
        The original stays as the previous version: compare, then ``revert`` if needed.
        """
        from ..media.masks import mask_to_png, validate_mask

        prompt = _check_text(prompt, "prompt", limit=1000)
        session = self.pipeline.session
        require_open(session, self.name, "edit")
        index = self._resolve_item(session, item)
        asset = images_of(session, self.name)[index]
        array = validate_mask(_as_mask_array(mask), asset.width, asset.height)
        mask_png = mask_to_png(array)
        seed = derive_seed(session.brief, self.name, len(session.stages[self.name].versions), index)

        def begin(s: Session) -> ImageAsset:
            require_open(s, self.name, "edit")
            current = images_of(s, self.name)
            if current[index].blob != asset.blob:
                raise StageError(f"item {index + 1} changed while you painted; look again.")
            return current[index]

        def make(ctx: Context, s: Session, original: ImageAsset) -> Any:
            edited = generate.inpaint(ctx, original, mask_png, prompt, seed)
            return self._replacing(index, edited, f"item {index + 1} inpainted: {prompt}")

        self.pipeline.work(self.name, begin, make)

    def replace(self, item: int, image: bytes | str | Path | Image.Image) -> None:
        """Put your own image in place of ``item`` (fitted to the frame size)."""
        from ..media.images import decode_image, encode_png, fit_to

        session = self.pipeline.session
        require_open(session, self.name, "replace an item of")
        index = self._resolve_item(session, item)
        width, height = FRAME_SIZES[session.brief.aspect]
        picture = decode_image(_image_bytes(image))
        name = self.pipeline.store.blobs.put(encode_png(fit_to(picture, width, height)), "png")
        old = images_of(session, self.name)[index]
        new = old.model_copy(update={"blob": name, "source": "uploaded", "width": width,
                                     "height": height, "note": "replaced by an uploaded image",
                                     "shows_headline": False})

        def change(s: Session) -> None:
            require_open(s, self.name, "replace an item of")
            self._replacing(index, new, f"item {index + 1} replaced by an upload")(s)

        self.pipeline.update(change)

    def revert_item(self, item: int, version: int) -> None:
        """Bring back ``item`` as it was in ``version``, keeping the other items as they are.

        Saved as a new version, so the picture being replaced stays one revert away.
        """
        def change(s: Session) -> None:
            require_open(s, self.name, "revert an item of")
            index = self._resolve_item(s, item)
            versions = s.stages[self.name].versions
            if not _whole(version) or not 0 <= version < len(versions):
                raise InvalidInput(f"{self.name} has versions 0 to {len(versions) - 1}; "
                                   f"there is no version {version!r}.")
            old = versions[version].images or []
            if index >= len(old):
                raise InvalidInput(f"version {version} has no item {index}.")
            self._replacing(index, old[index], f"item {index + 1} back to v{version + 1}")(s)

        self.pipeline.update(change)

    def _replacing(self, index: int, asset: ImageAsset, note: str) -> Any:
        def apply(s: Session) -> None:
            assets = images_of(s, self.name)
            assets[index] = asset
            add_version(s, self.name, Version(number=0, images=assets, note=note))

        return apply

    def _check_item(self, session: Session, item: int | None) -> None:
        if item is None:
            return
        count = len(images_of(session, self.name))
        if not _whole(item) or not 0 <= item < count:
            raise InvalidInput(
                f"{self.name} has items 0 to {count - 1} (0-based); there is no item {item!r}."
            )

    def _resolve_item(self, session: Session, item: int) -> int:
        if item is None:
            count = len(images_of(session, self.name))
            raise InvalidInput(f"name the item: {self.name} has items 0 to {count - 1} (0-based).")
        if item == -1:  # "the last frame" in chat
            item = len(images_of(session, self.name)) - 1
        self._check_item(session, item)
        return item


class VideoStage(Stage):
    """The rendered ad."""

    def output_in(self, session: Session) -> VideoOutput | None:
        output = session.stages["video"].output
        if output is None or output.video is None:
            return None
        return VideoOutput(output.video, self.pipeline.store.blobs)

    def prepare_first(self, session: Session) -> Any:
        transition = 0.5
        audio = session.audio
        previous = session.stages["video"].output
        if previous is not None and previous.video is not None:
            transition = previous.video.transition_s
            audio = previous.video.audio
        return (images_of(session, "storyboard"), transition,
                derive_seed(session.brief, "video", 0), audio)

    @property
    def audio(self) -> AudioSettings:
        """The sound settings the next render uses (pending feedback applied)."""
        session = self.pipeline.session
        audio = self.prepare_first(session)[3]
        for f in session.stages["video"].pending:
            audio = sound.apply_changes(audio, f.changes)
        return audio

    def make(self, ctx: Context, session: Session, prepared: Any) -> Any:
        frames, transition, seed, audio = prepared
        video = generate.render_video(ctx, session, frames, transition, seed, audio)
        pending = session.stages["video"].pending
        note = _note(pending) if session.stages["video"].versions else "first draft"

        def apply(s: Session) -> None:
            add_version(s, "video", Version(number=0, video=video, note=note))
            s.stages["video"].pending = []

        return apply

    def regenerate(self, item: int | None = None) -> None:
        self._check_item(self.pipeline.session, item)

        def begin(s: Session) -> Any:
            require_open(s, "video", "regenerate", needs_output=False)
            frames, transition, _, audio = self.prepare_first(s)
            pending = s.stages["video"].pending
            for f in pending:
                transition = float(f.changes.get("transition_s", transition))
                audio = sound.apply_changes(audio, f.changes)
            seed = derive_seed(s.brief, "video", len(s.stages["video"].versions))
            previous = s.stages["video"].output
            if (pending and previous is not None and previous.video is not None
                    and all(set(f.changes) <= set(sound.SOUND_KEYS) for f in pending)):
                # Only the sound changes: the same pictures (and the render is cached).
                seed = previous.video.seed
            return frames, transition, seed, audio

        self.pipeline.work("video", begin, self.make)


def timing_notes(story: Story, speed: float = 1.0, language: str = "en") -> list[str]:
    """:func:`adpipeline.media.timing.story_fit_notes` with the spoken length estimated."""
    from ..media.speech_text import speakable
    from ..media.timing import estimate_speech_s, story_fit_notes

    speech = [estimate_speech_s(speakable(s.voiceover, language)) / speed or None for s in story.scenes]
    return story_fit_notes(story, speech)


#: The capability and main provider operation that make each stage after the first.
_MADE_BY: dict[str, tuple[str, str]] = {
    "reference_images": ("image", "generate"),
    "storyboard": ("image", "generate"),
    "video": ("video", "render"),
}


class _Reused(Exception):
    """The next stage's output already matches its inputs (raised to skip the work)."""


def _story_or_none(session: Session) -> Story | None:
    output = session.stages["story"].output
    return output.story if output is not None else None


def _note(feedback: list[Feedback]) -> str:
    if not feedback:
        return "new variant"
    return "feedback: " + "; ".join(f.text for f in feedback)


def _same(a: Feedback, b: Feedback) -> bool:
    return a.text == b.text and a.item == b.item and a.time == b.time


def _whole(value: object) -> bool:
    """An int that is not a bool (True would otherwise count as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_text(text: object, what: str, *, limit: int = MAX_FEEDBACK_CHARS) -> str:
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be text, got {type(text).__name__}.")
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(f"{what} is empty; say what should change.")
    if len(cleaned) > limit:
        raise InvalidInput(f"{what} is {len(cleaned)} characters; keep it under {limit}.")
    return cleaned


def _as_mask_array(mask: Any) -> np.ndarray:
    import numpy as np
    from PIL import Image

    from ..media.masks import mask_from_png

    if isinstance(mask, bytes | bytearray | memoryview):
        return mask_from_png(bytes(mask))
    if isinstance(mask, Image.Image):
        return np.asarray(mask.convert("L"))
    if isinstance(mask, np.ndarray):
        return mask
    raise InvalidInput(
        f"mask must be a numpy array, a PIL image or PNG bytes, got {type(mask).__name__}."
    )


def _image_bytes(image: bytes | str | Path | Image.Image) -> bytes:
    from PIL import Image

    if isinstance(image, bytes | bytearray | memoryview):
        if len(image) > MAX_IMAGE_BYTES:
            raise InvalidInput(f"the image is {len(image) / 1e6:,.0f} MB; the limit is "
                               f"{MAX_IMAGE_BYTES / 1e6:.0f} MB.")
        return bytes(image)
    if isinstance(image, str | Path):
        path = Path(image)
        try:
            size = path.stat().st_size if path.is_file() else None
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}.") from None
        if size is None:
            raise InvalidInput(f"no image file at {path}.")
        if size > MAX_IMAGE_BYTES:
            raise InvalidInput(f"{path} is {size / 1e6:,.0f} MB; images up to "
                               f"{MAX_IMAGE_BYTES / 1e6:.0f} MB can be used.")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}.") from None
    if isinstance(image, Image.Image):
        return _png_of(image)
    raise InvalidInput(
        f"image must be bytes, a file path or a PIL image, got {type(image).__name__}."
    )


def _png_of(image: Image.Image) -> bytes:
    """PNG bytes of any PIL image: CMYK, LAB, 16/32-bit and float modes become RGB."""
    import numpy as np
    from PIL import Image, ImageCms

    try:
        if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
            # Scale the value range to 8 bits: a plain convert would clip almost all to white.
            values = np.asarray(image, dtype=np.float64)
            low, high = np.nanmin(values), np.nanmax(values)
            span = high - low if np.isfinite(high - low) and high > low else 1.0
            scaled = np.nan_to_num((values - low) / span * 255.0, nan=0.0)
            image = Image.fromarray(scaled.clip(0, 255).astype(np.uint8), "L")
        elif image.mode == "LAB":
            converted = ImageCms.applyTransform(image, ImageCms.buildTransform(
                ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB"))
            image = converted if converted is not None else image.convert("RGB")
        elif image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"this {image.mode} image cannot be used ({exc}); convert it to RGB "
                           "first, e.g. image.convert('RGB').") from None


__all__ = ["ImageStage", "Stage", "StoryStage", "VideoStage", "possible_now"]
