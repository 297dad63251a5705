"""The two image stages: reference images, then one storyboard frame per scene.

Both are a list of items, each of which can be redrawn, inpainted, replaced or brought
back on its own. They differ only in what they draw and what they draw from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ...errors import InvalidInput, StageError
from ...models import FRAME_SIZES, Feedback, ImageAsset, Session, StageName, Version
from ...providers.base import ImageRequest
from .. import generate
from ..context import Context
from ..generate import derive_seed, images_of
from ..outputs import ImageItem
from ..rules import add_version, require_open
from ..user_input import as_mask_array, check_text, image_bytes, whole
from .base import Apply, Stage, note_of

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class DrawPlan:
    """Images to draw: every request, or only one (``only``), from these references."""

    requests: list[ImageRequest]
    references: list[str]
    previous: list[ImageAsset]
    feedback: list[Feedback]
    seeds: list[int]
    only: int | None
    fresh: bool
    #: The pending feedback this version uses up.
    consumed: list[Feedback]


class ImageStage(Stage[list[ImageItem], DrawPlan]):
    """Reference images or storyboard frames: a list of items, each redone on its own."""

    made_by = ("image", "generate")

    @property
    def output(self) -> list[ImageItem]:
        """The items; an empty list before the first drawing."""
        return self.output_in(self.pipeline.session)

    def output_in(self, session: Session) -> list[ImageItem]:
        stale = self._stale_items(session)
        return [ImageItem(i, asset, self.pipeline._store.blobs, stale=i in stale)
                for i, asset in enumerate(images_of(session, self.name))]

    # what the two stages draw -----------------------------------------------

    def _requests(self, session: Session) -> list[ImageRequest]:
        raise NotImplementedError

    def _references(self, session: Session) -> list[str]:
        """The blobs of the images every item is drawn to match."""
        return []

    def _stale_items(self, session: Session) -> set[int]:
        """Items drawn from inputs that are no longer the approved ones."""
        return set()

    # making -----------------------------------------------------------------

    def _first_plan(self, session: Session) -> DrawPlan:
        return self._plan(session, only=None, feedback=[], fresh=False)

    def _plan(self, session: Session, *, only: int | None, feedback: list[Feedback],
              fresh: bool) -> DrawPlan:
        state = session.stages[self.name]
        requests = self._requests(session)
        version = len(state.versions)
        previous = images_of(session, self.name)
        if len(previous) != len(requests):
            previous = []  # the story's scene count changed: draw every frame anew
        return DrawPlan(
            requests=requests, references=self._references(session), previous=previous,
            feedback=feedback, fresh=fresh, only=only,
            seeds=[derive_seed(session.brief, self.name, version, i) for i in range(len(requests))],
            consumed=feedback,
        )

    def _make(self, ctx: Context, session: Session, plan: DrawPlan) -> Apply:
        assets = generate.draw_images(
            ctx, plan.requests, plan.references, previous=plan.previous, feedback=plan.feedback,
            seeds=plan.seeds, only=plan.only, fresh=plan.fresh)
        if plan.previous:
            which = "all items" if plan.only is None else f"item {plan.only + 1}"
            note = f"{which}: {note_of(plan.feedback)}"
        else:
            note = "first draft"

        def apply(s: Session) -> None:
            add_version(s, self.name, Version(number=0, images=assets, note=note))
            state = s.stages[self.name]
            state.pending = [f for f in state.pending if not any(_same(f, g) for g in plan.consumed)]

        return apply

    def regenerate(self, item: int | None = None) -> None:
        session = self.pipeline.session
        if item is not None:
            item = self._resolve_item(session, item)

        def begin(s: Session) -> DrawPlan:
            require_open(s, self.name, "regenerate", needs_output=False)
            pending = s.stages[self.name].pending
            # Feedback for all items applies to this one too, but stays pending for the rest.
            applies = pending if item is None else [f for f in pending if f.item in (None, item)]
            plan = self._plan(s, only=item, feedback=applies, fresh=not applies)
            if item is not None:
                plan = replace(plan, consumed=[f for f in applies if f.item == item])
            return plan

        self.pipeline._work(self.name, begin, self._make)

    # one item ---------------------------------------------------------------

    def edit(self, item: int, mask: Any, prompt: str) -> None:
        """Inpaint: redraw the white (True) part of ``mask`` on ``item`` as ``prompt`` says.

        ``mask`` is a bool array HxW, a PIL image or PNG bytes, the size of the image.
        The original stays as the previous version: compare, then ``revert`` if needed.
        """
        from ...media.masks import mask_to_png, validate_mask

        prompt = check_text(prompt, "prompt", limit=1000)
        session = self.pipeline.session
        require_open(session, self.name, "edit")
        index = self._resolve_item(session, item)
        asset = images_of(session, self.name)[index]
        array = validate_mask(as_mask_array(mask), asset.width, asset.height)
        mask_png = mask_to_png(array)
        seed = derive_seed(session.brief, self.name, len(session.stages[self.name].versions), index)

        def begin(s: Session) -> ImageAsset:
            require_open(s, self.name, "edit")
            current = images_of(s, self.name)
            if current[index].blob != asset.blob:
                raise StageError(f"item {index + 1} changed while you painted; look again.")
            return current[index]

        def make(ctx: Context, s: Session, original: ImageAsset) -> Apply:
            edited = generate.inpaint(ctx, original, mask_png, prompt, seed)
            return self._replacing(index, edited, f"item {index + 1} inpainted: {prompt}")

        self.pipeline._work(self.name, begin, make)

    def replace(self, item: int, image: bytes | str | Path | Image.Image) -> None:
        """Put your own image in place of ``item`` (fitted to the frame size)."""
        from ...media.images import decode_image, encode_png, fit_to

        session = self.pipeline.session
        require_open(session, self.name, "replace an item of")
        index = self._resolve_item(session, item)
        width, height = FRAME_SIZES[session.brief.aspect]
        picture = decode_image(image_bytes(image))
        name = self.pipeline._store.blobs.put(encode_png(fit_to(picture, width, height)), "png")
        old = images_of(session, self.name)[index]
        new = old.model_copy(update={"blob": name, "source": "uploaded", "width": width,
                                     "height": height, "note": "replaced by an uploaded image",
                                     "shows_headline": False})

        def change(s: Session) -> None:
            require_open(s, self.name, "replace an item of")
            self._replacing(index, new, f"item {index + 1} replaced by an upload")(s)

        self.pipeline._update(change)

    def revert_item(self, item: int, version: int) -> None:
        """Bring back ``item`` as it was in ``version``, keeping the other items as they are.

        Saved as a new version, so the picture being replaced stays one revert away.
        """
        def change(s: Session) -> None:
            require_open(s, self.name, "revert an item of")
            index = self._resolve_item(s, item)
            versions = s.stages[self.name].versions
            if not whole(version) or not 0 <= version < len(versions):
                raise InvalidInput(f"{self.name} has versions 0 to {len(versions) - 1}; "
                                   f"there is no version {version!r}.")
            old = versions[version].images or []
            if index >= len(old):
                raise InvalidInput(f"version {version} has no item {index}.")
            self._replacing(index, old[index], f"item {index + 1} back to v{version + 1}")(s)

        self.pipeline._update(change)

    def _replacing(self, index: int, asset: ImageAsset, note: str) -> Apply:
        def apply(s: Session) -> None:
            assets = images_of(s, self.name)
            assets[index] = asset
            add_version(s, self.name, Version(number=0, images=assets, note=note))

        return apply

    # which item -------------------------------------------------------------

    def _check_item(self, session: Session, item: int | None) -> None:
        if item is None:
            return
        count = len(images_of(session, self.name))
        if not whole(item) or not 0 <= item < count:
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

    def _item_named_in_chat(self, session: Session, item: object) -> int | None:
        """The 0-based item a chat message named. People count from 1 in chat ("image 1"
        is the first; the interpreter passes it on as 0, and -1 for "the last").
        """
        count = len(images_of(session, self.name))
        if not count:
            return None
        if item == -1:
            return count - 1
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < count:
            return item
        said = item + 1 if isinstance(item, int) and item >= 0 else 0
        raise InvalidInput(
            f"there is no image {said} here: in chat the images are numbered 1 to {count}; "
            "nothing was changed.")


class ReferenceImagesStage(ImageStage):
    """The product, the characters and the setting, drawn once for every frame to match."""

    name: ClassVar[StageName] = "reference_images"

    def _requests(self, session: Session) -> list[ImageRequest]:
        return generate.reference_requests(session)


class StoryboardStage(ImageStage):
    """One frame per scene, drawn to match the approved reference images."""

    name: ClassVar[StageName] = "storyboard"

    def _requests(self, session: Session) -> list[ImageRequest]:
        return generate.storyboard_requests(session)

    def _references(self, session: Session) -> list[str]:
        return [a.blob for a in images_of(session, "reference_images")]

    def _stale_items(self, session: Session) -> set[int]:
        current = self._references(session)
        return {i for i, a in enumerate(images_of(session, "storyboard"))
                if a.source == "generated" and a.references != current}


def _same(a: Feedback, b: Feedback) -> bool:
    return a.text == b.text and a.item == b.item and a.time == b.time
