"""The mask painter's canvas: the image, the mask drawn over it, and the strokes and
keyboard shapes that make the mask (:class:`MaskCanvas`). The toolbar and the panel
around it are in :mod:`adpipeline.ui.painter`.
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
from typing import TYPE_CHECKING, Any

import ipywidgets
import numpy as np
from ipycanvas import MultiCanvas, hold_canvas

if TYPE_CHECKING:
    pass

#: Largest size the image is shown at (width, height), in CSS pixels.
DISPLAY_MAX = (768, 576)
#: Mask colour on the overlay (red, ~55 % opaque): the image stays visible under it.
MASK_RGBA = (220, 38, 38, 140)
_LIVE_STROKE = "rgba(220, 38, 38, 0.55)"
_MAX_POINTS = 20_000
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
