"""The mask painter: paint over part of an image, describe the change, inpaint it.

An ipycanvas ``MultiCanvas`` with two layers (the image, the semi-transparent mask)
sits under a small anywidget toolbar (``widgets/painter.js``).

Why it is built this way (see JUPYTER-NOTES, ipycanvas):

* Every mouse move reaches the kernel as its own message. We only append the point
  and draw one line segment on the overlay; the mask is rasterised once per stroke, at
  the image's full resolution, on mouse-up (``mask_from_strokes`` onto the previous
  mask), like drawdata syncing once per gesture. ``sync_image_data`` stays off: it
  would re-encode the whole canvas after every flush.
* Big images are shown scaled to at most :data:`DISPLAY_MAX`; stroke points are kept
  in display pixels and scaled to image pixels when the stroke ends.
* ``put_image_data`` sends 3-channel arrays as JPEG: the overlay goes as RGBA (PNG).
  The image itself is an ``ipywidgets.Image`` (PNG bytes in a synced trait) drawn with
  ``draw_image``, so it reaches the browser once and survives a reconnect.
* Drawing commands sent before a browser is connected are lost, and after a reload the
  canvas is blank: on ``client_ready`` we forget which canvas the manager last
  addressed (ipycanvas 0.14.3 would skip the "switch canvas" message) and redraw
  everything from Python's state.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets
import numpy as np
import traitlets as t
from ipycanvas import MultiCanvas, hold_canvas

from ..errors import InvalidInput
from ..models import Session
from . import _state
from ._base import LAYOUT_KWARGS, PanelWidget, Spec, Work, choice, number, reject_unknown, text, whole
from ._files import widget_source
from ._live import Live

if TYPE_CHECKING:
    from ..pipeline.stages import ImageStage

#: Largest size the image is shown at (width, height), in CSS pixels.
DISPLAY_MAX = (768, 576)
#: Mask colour on the overlay (red, ~55 % opaque): the image stays visible under it.
MASK_RGBA = (220, 38, 38, 140)
_LIVE_STROKE = "rgba(220, 38, 38, 0.55)"
_MAX_POINTS = 20_000
_PROMPT_LIMIT = 1000
# ipycanvas batches commands in one global manager (hold_canvas); the worker thread and
# the kernel's main thread both draw, so drawing is serialised.
_DRAW_LOCK = threading.RLock()


@contextlib.contextmanager
def _drawing() -> Iterator[None]:
    with _DRAW_LOCK, hold_canvas():
        yield


class _Shape:
    """A rectangle or ellipse in image pixels, as the keyboard places it."""

    def __init__(self, kind: str, x: float, y: float, width: float, height: float, *,
                 erase: bool) -> None:
        self.kind, self.x, self.y, self.width, self.height = kind, x, y, width, height
        self.erase = erase

    def apply(self, mask: np.ndarray) -> np.ndarray:
        h, w = mask.shape
        ys, xs = np.ogrid[:h, :w]
        cx, cy = self.x + self.width / 2, self.y + self.height / 2
        if self.kind == "ellipse":
            rx, ry = max(self.width / 2, 0.5), max(self.height / 2, 0.5)
            inside = ((xs + 0.5 - cx) / rx) ** 2 + ((ys + 0.5 - cy) / ry) ** 2 <= 1.0
        else:
            inside = ((xs + 0.5 >= self.x) & (xs + 0.5 <= self.x + self.width)
                      & (ys + 0.5 >= self.y) & (ys + 0.5 <= self.y + self.height))
        out = mask.copy()
        if self.erase:
            out &= ~inside
        else:
            out |= inside
        return out


class MaskCanvas:
    """The canvas half of the painter: strokes in, a full-resolution bool mask out.

    Usable without a pipeline (the benchmark drives it directly).
    """

    def __init__(self, png: bytes, width: int, height: int) -> None:
        from ..media.masks import Stroke

        self._stroke_type = Stroke
        self.width, self.height = int(width), int(height)
        self.scale = min(1.0, DISPLAY_MAX[0] / self.width, DISPLAY_MAX[1] / self.height)
        self.display = (max(1, round(self.width * self.scale)),
                        max(1, round(self.height * self.scale)))
        self.tool = "brush"
        self.brush_size = 24  # diameter in display pixels
        self.strokes: list[Any] = []
        self.mask = np.zeros((self.height, self.width), dtype=bool)
        self.enabled = True
        self._points: list[tuple[float, float]] | None = None
        self._before = ipywidgets.Image(value=png, format="png")
        self._after: ipywidgets.Image | None = None
        self.split = 0.5
        self.on_stroke: Callable[[], None] = lambda: None
        dw, dh = self.display
        self.canvas = MultiCanvas(
            2, width=dw, height=dh,
            layout=ipywidgets.Layout(width="100%", max_width=f"{dw}px", height="auto"),
        )  # no tooltip=: ipycanvas 0.14.3 fails to render a canvas that has one
        self.canvas.add_class("adp-painter-canvas")
        self.canvas.on_mouse_down(self._down)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._up)
        self.canvas.on_mouse_out(self._up)
        self.canvas.on_client_ready(self._client_ready)
        self.redraw()

    # mouse --------------------------------------------------------------------

    def _point(self, x: Any, y: Any) -> tuple[float, float] | None:
        # Coordinates come from the browser: anything but finite numbers is ignored.
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                   for v in (x, y)):
            return None
        dw, dh = self.display
        return min(max(float(x), 0.0), dw), min(max(float(y), 0.0), dh)

    def _down(self, x: Any, y: Any) -> None:
        point = self._point(x, y)
        if point is None or not self.enabled or self._after is not None:
            return
        self._points = [point]
        overlay = self.canvas[1]
        with _drawing():
            overlay.global_composite_operation = (
                "destination-out" if self.tool == "eraser" else "source-over")
            overlay.fill_style = "black" if self.tool == "eraser" else _LIVE_STROKE
            overlay.fill_circle(point[0], point[1], self.brush_size / 2)

    def _move(self, x: Any, y: Any) -> None:
        point = self._point(x, y)
        if point is None or self._points is None or len(self._points) >= _MAX_POINTS:
            return
        last = self._points[-1]
        self._points.append(point)
        overlay = self.canvas[1]
        with _drawing():
            overlay.stroke_style = "black" if self.tool == "eraser" else _LIVE_STROKE
            overlay.line_width = self.brush_size
            overlay.line_cap = "round"
            overlay.stroke_line(last[0], last[1], point[0], point[1])

    def _up(self, x: Any = None, y: Any = None) -> None:
        if self._points is None:
            return
        point = self._point(x, y)
        if point is not None and len(self._points) < _MAX_POINTS:
            self._points.append(point)
        points, self._points = self._points, None
        self.finish_stroke(points)

    def finish_stroke(self, points: list[tuple[float, float]]) -> None:
        """Rasterise one stroke (display pixels) onto the full-resolution mask."""
        from ..media.masks import mask_from_strokes

        s = self.scale
        stroke = self._stroke_type([(x / s, y / s) for x, y in points],
                                   radius=self.brush_size / 2 / s, erase=self.tool == "eraser")
        self.mask = mask_from_strokes([stroke], self.width, self.height, base=self.mask)
        self.strokes.append(stroke)
        self.draw_overlay()
        self.on_stroke()

    # editing the mask -----------------------------------------------------------

    def add_shape(self, kind: str, x: float, y: float, width: float, height: float) -> None:
        """Add (or, with the eraser, remove) a rectangle or ellipse given in display pixels:
        the keyboard's way to make a mask."""
        shape = _Shape(kind, x / self.scale, y / self.scale, width / self.scale,
                       height / self.scale, erase=self.tool == "eraser")
        self.mask = shape.apply(self.mask)
        self.strokes.append(shape)
        self.draw_overlay()
        self.on_stroke()

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self.mask = self._rasterise(self.strokes)
            self.draw_overlay()

    def _rasterise(self, strokes: list[Any]) -> np.ndarray:
        from ..media.masks import mask_from_strokes

        mask = np.zeros((self.height, self.width), dtype=bool)
        run: list[Any] = []
        for stroke in [*strokes, None]:
            if stroke is None or isinstance(stroke, _Shape):
                if run:
                    mask = mask_from_strokes(run, self.width, self.height, base=mask)
                    run = []
                if stroke is not None:
                    mask = stroke.apply(mask)
            else:
                run.append(stroke)
        return mask

    def clear(self) -> None:
        self.strokes = []
        self.mask = np.zeros((self.height, self.width), dtype=bool)
        self.draw_overlay()

    # drawing --------------------------------------------------------------------

    def overlay_rgba(self) -> np.ndarray | None:
        """The mask at display size as RGBA, ``None`` when nothing is painted."""
        from ..media.masks import resize_mask

        if not self.mask.any():
            return None
        dw, dh = self.display
        small = resize_mask(self.mask, dw, dh)
        rgba = np.zeros((dh, dw, 4), dtype=np.uint8)
        rgba[small] = MASK_RGBA
        return rgba

    def draw_overlay(self) -> None:
        rgba = None if self._after is not None else self.overlay_rgba()
        overlay = self.canvas[1]
        with _drawing():
            overlay.global_composite_operation = "source-over"
            overlay.clear()
            if rgba is not None:
                overlay.put_image_data(rgba, 0, 0)

    def draw_image(self) -> None:
        dw, dh = self.display
        layer = self.canvas[0]
        with _drawing():
            layer.clear()
            layer.draw_image(self._before, 0, 0, dw, dh)
            if self._after is not None:
                # Before on the left of the split, after on the right.
                cut = round(dw * self.split)
                layer.save()
                layer.begin_path()
                layer.rect(cut, 0, dw - cut, dh)
                layer.clip()
                layer.draw_image(self._after, 0, 0, dw, dh)
                layer.restore()
                layer.stroke_style = "white"
                layer.line_width = 2
                layer.stroke_line(cut, 0, cut, dh)

    def redraw(self) -> None:
        self.draw_image()
        self.draw_overlay()

    def _client_ready(self) -> None:
        # A new browser (or a reload) has an empty canvas and its own idea of which
        # canvas is addressed: make the manager send "switch canvas" again, then redraw.
        self.canvas._canvas_manager._current_canvas = None
        self.redraw()

    def compare(self, after_png: bytes) -> None:
        self._after = ipywidgets.Image(value=after_png, format="png")
        self.split = 0.5
        self.redraw()

    def show_split(self, split: float) -> None:
        self.split = split
        self.draw_image()

    def close(self) -> None:
        for layer in self.canvas._canvases:
            layer.close()
        self.canvas.close()
        self._before.close()
        if self._after is not None:
            self._after.close()


class PainterControls(PanelWidget):
    """The painter's toolbar: tools, brush size, undo/clear, prompt, Generate, compare."""

    _esm = widget_source("painter.js")
    _css = widget_source("painter.css")

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
