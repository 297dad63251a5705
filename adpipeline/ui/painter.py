"""The mask painter: paint over part of an image, describe the change, inpaint it.

An ipycanvas ``MultiCanvas`` with two layers (the image, the semi-transparent mask;
:mod:`adpipeline.ui.mask_canvas`, which says why it is built the way it is) sits
under a small anywidget toolbar (``widgets/painter.js``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets
import numpy as np
import traitlets as t

from ..errors import InvalidInput
from ..models import Session
from . import _state
from ._base import LAYOUT_KWARGS, PanelWidget, Spec, Work, choice, number, reject_unknown, text, whole
from ._files import static_file
from ._live import Live
from .mask_canvas import MaskCanvas

if TYPE_CHECKING:
    from ..pipeline.stages import ImageStage

_PROMPT_LIMIT = 1000


class PainterControls(PanelWidget):
    """The painter's toolbar: tools, brush size, undo/clear, prompt, Generate, compare."""

    _esm = static_file("painter.js")
    _css = static_file("painter.css")

    #: Display only; Python keeps its own copies of tool and size (the browser could
    #: write these traits, so they are never read back).
    label = t.Unicode("").tag(sync=True)
    size = t.Dict().tag(sync=True)
    tool = t.Unicode("brush").tag(sync=True)
    brush_size = t.Int(24).tag(sync=True)
    strokes = t.Int(0).tag(sync=True)
    painted = t.Bool(False).tag(sync=True)
    #: "paint" (draw a mask) or "compare" (before/after of the generated edit).
    phase = t.Unicode("paint").tag(sync=True)
    split = t.Float(0.5).tag(sync=True)
    prompt = t.Unicode("").tag(sync=True)
    reviewing = t.Bool(True).tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {
        "set_tool": Spec({"tool": choice("brush", "eraser")}),
        "set_size": Spec({"size": whole(2, 200)}),
        "undo": Spec(),
        "clear": Spec(),
        "shape": Spec({"kind": choice("rectangle", "ellipse"), "x": number(-10_000, 10_000),
                       "y": number(-10_000, 10_000), "width": number(1, 10_000),
                       "height": number(1, 10_000)}),
        "generate": Spec({"prompt": text(_PROMPT_LIMIT)}),
        "compare": Spec({"split": number(0.0, 1.0)}),
        "use": Spec(),
        "revert": Spec(),
        "close": Spec(),
    }

    def __init__(self, painter: MaskPainter, *, live: Live, **kwargs: Any) -> None:
        self._painter = painter
        super().__init__(live, **kwargs)

    def refresh(self, session: Session) -> None:
        p = self._painter
        reviewing = session.stage == p.stage.name
        busy = self._live.busy or _state.working(session, p.stage.name)
        # Decided here, not read back from the traits (the browser can write those).
        p.surface.enabled = reviewing and not busy
        with self.hold_sync():
            self.label = p.label
            self.size = {"width": p.surface.width, "height": p.surface.height,
                         "shown_width": p.surface.display[0], "shown_height": p.surface.display[1]}
            self.tool = p.surface.tool
            self.brush_size = p.surface.brush_size
            self.strokes = len(p.surface.strokes)
            self.painted = bool(p.surface.mask.any())
            self.phase = p.phase
            self.split = p.surface.split
            self.reviewing = reviewing
            self.busy = busy

    def _cmd_set_tool(self, tool: str) -> None:
        self._painter.surface.tool = tool
        self.tool = tool

    def _cmd_set_size(self, size: int) -> None:
        self._painter.surface.brush_size = size
        self.brush_size = size

    def _cmd_undo(self) -> None:
        self._painter.surface.undo()
        self._painter.sync()

    def _cmd_shape(self, kind: str, x: float, y: float, width: float, height: float) -> None:
        if not self._painter.surface.enabled or self._painter.phase != "paint":
            raise InvalidInput("this stage is not under review, or the edit is done: "
                               "nothing was added to the mask.")
        self._painter.surface.add_shape(kind, x, y, width, height)

    def _cmd_clear(self) -> None:
        self._painter.surface.clear()
        self._painter.sync()

    def _cmd_generate(self, prompt: str) -> Work:
        return self._painter.generate(prompt)

    def _cmd_compare(self, split: float) -> None:
        self._painter.surface.show_split(split)
        self.split = split

    def _cmd_use(self) -> None:
        self._painter.finish()

    def _cmd_revert(self) -> None:
        self._painter.revert()

    def _cmd_close(self) -> None:
        self._painter.finish()


class MaskPainter(ipywidgets.VBox):  # type: ignore[misc]
    """Paint a mask on one item of an image stage and inpaint it with a prompt.

    ``painter.mask`` is the full-resolution bool mask (``True`` = change), ready for
    ``stage.edit(item, painter.mask, prompt)``.
    """

    def __init__(self, stage: ImageStage, item: int, *, live: Live,
                 on_close: Callable[[], None] | None = None, **kwargs: Any) -> None:
        reject_unknown(type(self).__name__, kwargs, LAYOUT_KWARGS)
        items = stage.output
        if not isinstance(item, int) or isinstance(item, bool) or not 0 <= item < len(items):
            raise InvalidInput(f"{stage.name} has items 0 to {len(items) - 1}; no item {item!r}.")
        chosen = items[item]
        self.stage = stage
        self.item = item
        self.label = chosen.label
        self.phase = "paint"
        self._live = live
        self._on_close = on_close
        self._before_version: int | None = None
        self._blob = chosen.asset.blob
        self.surface = MaskCanvas(chosen.png, chosen.asset.width, chosen.asset.height)
        self.surface.on_stroke = self.sync
        self.controls = PainterControls(self, live=live)
        super().__init__(children=[self.controls, self.surface.canvas], **kwargs)
        self.add_class("adp-painter")

    @property
    def mask(self) -> np.ndarray:
        """The painted mask at the image's full size (a copy)."""
        return self.surface.mask.copy()

    def sync(self) -> None:
        """Show the painter's Python state in the toolbar (from any thread)."""
        with self._live.lock:
            self.controls.refresh(self.stage.pipeline.session)

    def generate(self, prompt: str) -> Work:
        if self.phase != "paint":
            raise InvalidInput("this edit is done: choose Use this or Revert first.")
        if not self.surface.mask.any():
            raise InvalidInput("nothing is painted: paint over the area to change first.")
        mask = self.surface.mask.copy()
        before = self.stage.current
        self.controls.prompt = prompt

        def run() -> None:
            self.stage.edit(self.item, mask, prompt)
            self._before_version = before
            after = self.stage.output[self.item]
            self.phase = "compare"
            self.surface.compare(after.png)
            self.surface.draw_overlay()
            self.sync()

        return Work(run, label="Painting the edit…")

    def revert(self) -> None:
        if self.phase != "compare" or self._before_version is None:
            raise InvalidInput("there is no generated edit to revert.")
        self.stage.revert(self._before_version)
        self.finish()

    def finish(self) -> None:
        if self._on_close is not None:
            self._on_close()
        else:
            self.close()

    def close(self) -> None:
        self.controls.close()
        self.surface.close()
        super().close()
