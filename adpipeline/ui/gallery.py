"""The gallery of an image stage (reference images or storyboard frames).

Images travel as PNG bytes in a list trait; ipywidgets sends ``bytes`` as binary
buffers of the comm message (no base64), so the browser receives the PNG files as they
are (``benchmarks/bench_widgets.py`` measures the overhead). Earlier versions of an
item are not state: the browser asks for them (``history``) when a person opens the
item, and they come back as buffers of the reply. "Use this version" (``revert_item``)
brings one of them back as a new version of the stage, the other items left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import traitlets as t

from ..errors import ConflictError, InvalidInput, StageError
from ..models import Session
from ..pipeline.user_input import MAX_FEEDBACK_CHARS
from . import _state
from ._base import PanelWidget, Spec, Work, text, whole
from ._files import static_file
from ._live import Live

if TYPE_CHECKING:
    from ..pipeline.stages import ImageStage

#: Largest upload for "Replace with my image". The Jupyter server closes the websocket
#: on a message over 10 MiB from the browser (tornado's websocket_max_message_size),
#: which would cut the notebook off its kernel; 8 MB leaves room for the JSON part.
UPLOAD_LIMIT = 8_000_000
_MAX_ITEMS = 1000
#: Earlier images of one item sent when it is opened (the newest ones).
HISTORY_SHOWN = 12
#: Largest version number a message may name (the stored versions are checked after).
_MAX_VERSIONS = 100_000


class GalleryPanel(PanelWidget):
    """The current images of an :class:`~adpipeline.pipeline.ImageStage`."""

    _esm = static_file("gallery.js")
    _css = static_file("gallery.css")

    #: Display only: ``[{"index", "label", "prompt", "source", "stale", "width", "height",
    #: "note", "history": [{"version", "note", "current", "same"}]}]`` (see :func:`_history`).
    items = t.List(t.Dict()).tag(sync=True)
    #: The PNG of each item, in item order (binary buffers on the wire).
    images = t.List(t.Bytes()).tag(sync=True)
    #: Display only.
    reviewing = t.Bool(False).tag(sync=True)
    stage_label = t.Unicode("").tag(sync=True)
    kind = t.Unicode("").tag(sync=True)
    upload_limit = t.Int(UPLOAD_LIMIT).tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {
        "regenerate_item": Spec({"item": whole(0, _MAX_ITEMS)}),
        "feedback_item": Spec({"item": whole(0, _MAX_ITEMS), "text": text(MAX_FEEDBACK_CHARS)}),
        "edit_item": Spec({"item": whole(0, _MAX_ITEMS)}),
        "replace_item": Spec({"item": whole(0, _MAX_ITEMS)}, buffers=1, max_bytes=UPLOAD_LIMIT),
        "history": Spec({"item": whole(0, _MAX_ITEMS)}),
        "revert_item": Spec({"item": whole(0, _MAX_ITEMS), "version": whole(0, _MAX_VERSIONS)}),
    }

    def __init__(self, stage: ImageStage, *, live: Live,
                 on_edit: Callable[[int], None] | None = None, **kwargs: Any) -> None:
        self._stage = stage
        self._on_edit = on_edit
        self._count = 0
        self._pngs: dict[str, bytes] = {}
        super().__init__(live, **kwargs)

    def refresh(self, session: Session) -> None:
        name = self._stage.name
        state = session.stages[name]
        current = self._stage.output_in(session)  # ImageItem objects, with the stale flags
        pngs = {item.asset.blob: self._pngs.get(item.asset.blob) or item.png for item in current}
        self._pngs = pngs  # drop images no longer shown
        items = []
        for item in current:
            a = item.asset
            items.append({
                "index": item.index, "label": a.label, "prompt": a.prompt, "source": a.source,
                "stale": item.stale, "width": a.width, "height": a.height, "note": a.note,
                "history": _history(state, item.index),
            })
        self._count = len(current)
        with self.hold_sync():
            self.items = items
            self.images = [pngs[item.asset.blob] for item in current]
            self.reviewing = _state.is_open(session, name)
            self.stage_label = _state.NAMES[name]
            self.kind = "frame" if name == "storyboard" else "reference"
            self.busy = self._live.busy or _state.working(session, name)

    def _item(self, item: int) -> int:
        if item >= self._count:
            raise InvalidInput(
                f"the {_state.NAMES[self._stage.name]} have items 0 to {self._count - 1}; "
                f"there is no item {item}."
            )
        return item

    def _cmd_regenerate_item(self, item: int) -> Work:
        item = self._item(item)
        noun = "frame" if self._stage.name == "storyboard" else "image"
        return Work(lambda: self._stage.regenerate(item=item), label=f"Drawing {noun} {item + 1}…")

    def _cmd_feedback_item(self, item: int, text: str) -> Work:
        from .chat import refuse_if_moved

        item = self._item(item)
        refuse_if_moved(self._live, self._stage, text)

        def run() -> None:
            try:
                self._stage.feedback(text, item=item)
            except (StageError, ConflictError):
                refuse_if_moved(self._live, self._stage, text)
                raise

        return Work(run, label="Assistant is answering…")

    def _cmd_edit_item(self, item: int) -> None:
        item = self._item(item)
        if self._on_edit is None:
            raise InvalidInput("this gallery was made without a painter; show it with ui.panel().")
        self._on_edit(item)

    def _cmd_replace_item(self, data: bytes, item: int) -> Work:
        item = self._item(item)
        # decode_image in ImageStage.replace checks the bytes really are an image.
        return Work(lambda: self._stage.replace(item, data), retry=False,
                    label="Saving your picture…")

    def _cmd_history(self, item: int) -> dict[str, Any]:
        item = self._item(item)
        session = self._stage.pipeline.session
        state = session.stages[self._stage.name]
        entries = _history(state, item)[-HISTORY_SHOWN:]
        buffers = []
        for entry in entries:
            asset = state.versions[entry["version"]].images[item]  # type: ignore[index]
            buffers.append(self._pngs.get(asset.blob) or self._stage.pipeline._store.blobs.get(
                asset.blob))
        return {"item": item, "entries": entries, "buffers": buffers}

    def _cmd_revert_item(self, item: int, version: int) -> Work:
        item = self._item(item)
        state = self._stage.pipeline.session.stages[self._stage.name]
        things = _state.NAMES[self._stage.name]
        if version >= len(state.versions):
            raise InvalidInput(f"the {things} have versions 1 to {len(state.versions)}; "
                               f"there is no version {version + 1}.")
        images = state.versions[version].images or []
        if item >= len(images):
            raise InvalidInput(f"version {version + 1} of the {things} has no image {item + 1}.")
        output = state.output
        now = output.images if output is not None and output.images else []
        if item < len(now) and now[item].blob == images[item].blob:
            raise InvalidInput(f"image {item + 1} already shows its picture from version "
                               f"{version + 1}; there is nothing to bring back.")
        # ImageStage.revert_item checks it all again against the session it saves.
        return Work(lambda: self._stage.revert_item(item, version),
                    label=f"Bringing back the earlier picture of item {item + 1}…")


def _history(state: Any, index: int) -> list[dict[str, Any]]:
    """The versions of the stage where item ``index`` got a new image, oldest first.

    ``current``: the image shown now (exactly one entry, none without output); ``same``:
    the same picture as the current one (it, and an earlier one brought back by
    ``revert_item``), so there is nothing to bring back from it.
    """
    out: list[dict[str, Any]] = []
    previous = None
    at = -1  # the entry whose image the current version shows
    for version in state.versions:
        images = version.images or []
        if index >= len(images) or images[index].blob == previous:
            continue
        previous = images[index].blob
        if state.current is not None and version.number <= state.current:
            at = len(out)
        out.append({"version": version.number, "note": version.note, "blob": previous})
    shown = out[at]["blob"] if at >= 0 else None
    for k, entry in enumerate(out):
        blob = entry.pop("blob")  # blob names stay in Python
        entry["current"] = k == at
        entry["same"] = blob == shown
    return out
