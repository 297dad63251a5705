"""Masks for inpainting: numpy ``bool`` arrays of shape ``(height, width)``.

``True`` marks pixels to change. Masks travel as single-channel PNGs (0 = keep,
255 = change), are painted as brush strokes (:class:`Stroke`) rasterised with OpenCV
at the image's full resolution, and are checked by :func:`validate_mask` before any
provider sees them.

Example:
    >>> mask = mask_from_strokes([Stroke([(100, 100), (400, 120)], radius=20)], 1024, 1024)
    >>> png = mask_to_png(mask)
    >>> assert (mask_from_png(png) == mask).all()
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from ..errors import InvalidInput

__all__ = [
    "Stroke",
    "mask_from_png",
    "mask_from_strokes",
    "mask_to_png",
    "resize_mask",
    "validate_mask",
]

Point = tuple[float, float]


@dataclass(frozen=True)
class Stroke:
    """One brush gesture: the points the pointer passed through, in image pixels.

    Attributes:
        points: ``(x, y)`` positions in order; one point paints a dot.
        radius: brush radius in pixels; ``None`` uses the ``brush_radius`` given to
            :func:`mask_from_strokes`.
        erase: ``True`` removes paint along the stroke instead of adding it.
    """

    points: tuple[Point, ...]
    radius: float | None = None
    erase: bool = False

    def __init__(
        self, points: Iterable[Sequence[float]], radius: float | None = None, erase: bool = False
    ) -> None:
        # A custom __init__ so callers can pass lists or numpy arrays of points and still
        # get a hashable, immutable stroke.
        pts = tuple((float(p[0]), float(p[1])) for p in points)
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "radius", None if radius is None else float(radius))
        object.__setattr__(self, "erase", bool(erase))

    @classmethod
    def coerce(cls, value: Any) -> Stroke:
        """Build a stroke from the shapes callers naturally have.

        Accepts a :class:`Stroke`; a dict ``{"points": [...], "radius": 12, "mode":
        "erase"}`` (or ``"erase": True``; points may be ``{"x":..,"y":..}`` dicts); a
        list of ``(x, y)`` points; a ``(points, "paint" | "erase")`` pair; or an Nx2 array.

        Raises:
            InvalidInput: for anything else, saying what a stroke looks like.
        """
        if isinstance(value, Stroke):
            return value
        radius: float | None = None
        erase = False
        points: Any = value
        if isinstance(value, Mapping):
            if "points" not in value:
                raise InvalidInput(
                    f"stroke {_short(value)} has no 'points': give {{'points': [(x, y), ...], "
                    "'mode': 'paint' or 'erase', 'radius': pixels}."
                )
            points = value["points"]
            radius = value.get("radius")
            erase = bool(value.get("erase", False)) or _is_erase(value.get("mode", "paint"))
        elif (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and len(value) == 2
            and isinstance(value[1], str)
        ):
            points, erase = value[0], _is_erase(value[1])
        try:
            pts = [_point(p) for p in points]
        except (TypeError, ValueError, KeyError, IndexError):
            raise InvalidInput(
                f"stroke {_short(value)} is not a list of (x, y) points: give e.g. "
                "[(10, 20), (30, 40)] or Stroke(points, radius=12, erase=False)."
            ) from None
        if radius is not None:
            radius = float(radius)
        return cls(pts, radius=radius, erase=erase)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_erase(mode: Any) -> bool:
    if mode in ("paint", "draw", "add", None):
        return False
    if mode in ("erase", "remove", "subtract"):
        return True
    raise InvalidInput(f"unknown stroke mode {mode!r}: use 'paint' or 'erase'.")


def _point(p: Any) -> Point:
    if isinstance(p, Mapping):
        return float(p["x"]), float(p["y"])
    if len(p) != 2:
        raise ValueError("a point has two coordinates")
    return float(p[0]), float(p[1])


def _check_size(width: int, height: int) -> None:
    if not (isinstance(width, int | np.integer) and isinstance(height, int | np.integer)):
        raise InvalidInput(f"mask size must be whole pixels, got {width!r}x{height!r}.")
    if width <= 0 or height <= 0 or width * height > 100_000_000:
        raise InvalidInput(
            f"mask size {width}x{height} is not usable: give the image's width and height "
            "(each at least 1, at most 100 megapixels in total)."
        )


def mask_from_strokes(
    strokes: Iterable[Any],
    width: int,
    height: int,
    brush_radius: float = 16.0,
    *,
    base: np.ndarray | None = None,
) -> np.ndarray:
    """Rasterise brush strokes into a ``height`` x ``width`` bool mask, in order.

    Each stroke covers every pixel within its radius of the line through its points
    (round caps and joins), drawn by OpenCV at full resolution; erase strokes clear
    instead of paint. Points may fall outside the image; they are clipped.

    Args:
        strokes: :class:`Stroke` objects or anything :meth:`Stroke.coerce` accepts.
        width, height: the image's size in pixels.
        brush_radius: radius for strokes that do not carry their own.
        base: an existing mask to paint onto (not modified; a copy is returned).

    Raises:
        InvalidInput: for malformed strokes, non-finite coordinates or a bad size.
    """
    _check_size(width, height)
    if base is not None:
        canvas = validate_mask(base, width, height, allow_empty=True, allow_full=True)
        canvas = canvas.astype(np.uint8)
    else:
        canvas = np.zeros((height, width), dtype=np.uint8)
    if isinstance(strokes, Stroke | Mapping):
        strokes = [strokes]
    for raw in strokes:
        stroke = Stroke.coerce(raw)
        if not stroke.points:
            continue
        radius = brush_radius if stroke.radius is None else stroke.radius
        if not math.isfinite(radius) or radius <= 0:
            raise InvalidInput(f"brush radius must be a positive number of pixels, got {radius!r}.")
        pts = np.asarray(stroke.points, dtype=np.float64)
        if not np.isfinite(pts).all():
            raise InvalidInput("a stroke has a NaN or infinite coordinate: send pixel positions.")
        # OpenCV wants int32 and overflows silently; far-off points are clipped anyway.
        pts = np.clip(np.rint(pts), -(2**20), 2**20).astype(np.int32)
        value = 0 if stroke.erase else 1
        if len(pts) == 1 or (pts == pts[0]).all():
            cv2.circle(canvas, (int(pts[0, 0]), int(pts[0, 1])), round(radius), value, -1)
        else:
            # thickness t covers pixels within t/2 of the polyline, with round caps.
            thickness = max(1, round(2 * radius))
            cv2.polylines(canvas, [pts.reshape(-1, 1, 2)], False, value, thickness, cv2.LINE_8)
    # 0/1 uint8 has the same bytes as bool: a view, no copy of a 4-megapixel array.
    return canvas.view(np.bool_)


def mask_to_png(mask: np.ndarray) -> bytes:
    """Encode a mask as a single-channel PNG, 0 = keep and 255 = change.

    Accepts bool, 0/1 or 0/255 arrays of shape HxW.

    Raises:
        InvalidInput: for other shapes or values.
    """
    arr = _as_binary(mask)
    ok, buf = cv2.imencode(".png", arr.view(np.uint8) * np.uint8(255))
    if not ok:  # pragma: no cover
        raise InvalidInput(f"OpenCV could not encode a mask of shape {arr.shape}.")
    return buf.tobytes()


def mask_from_png(data: bytes, *, max_pixels: int = 100_000_000) -> np.ndarray:
    """Decode a mask PNG (or any image) into a bool HxW array.

    Grey or RGB images count bright pixels (> 127) as painted. RGBA images (what a
    browser canvas exports) count opaque pixels if the alpha channel is used, else
    bright ones. The size is checked from the header before decoding.

    Raises:
        InvalidInput: if the bytes are not an image or are too large.
    """
    if not isinstance(data, bytes | bytearray | memoryview) or not data:
        raise InvalidInput("mask must be non-empty PNG bytes, e.g. from mask_to_png(mask).")
    try:
        with Image.open(io.BytesIO(bytes(data))) as probe:
            width, height = probe.size
    except Image.DecompressionBombError:
        raise InvalidInput(
            f"mask image is too large: at most {max_pixels / 1e6:,.0f} megapixels."
        ) from None
    except Exception:
        raise InvalidInput(
            "mask bytes are not an image: send a PNG where painted pixels are white (255)."
        ) from None
    if width * height > max_pixels:
        raise InvalidInput(
            f"mask is {width}x{height}, larger than {max_pixels / 1e6:,.0f} megapixels: "
            "paint the mask at the image's own size."
        )
    arr = cv2.imdecode(np.frombuffer(bytes(data), np.uint8), cv2.IMREAD_UNCHANGED)
    if arr is None:
        raise InvalidInput("mask PNG is truncated or corrupt: export the mask again.")
    if arr.dtype != np.uint8:  # 16-bit masks: keep the top byte
        arr = (arr.astype(np.uint16) >> 8).astype(np.uint8)
    if arr.ndim == 3:
        if arr.shape[2] == 4 and int(arr[:, :, 3].min()) < 255:
            arr = arr[:, :, 3]
        else:
            arr = cv2.cvtColor(arr[:, :, :3], cv2.COLOR_BGR2GRAY)
    return arr > 127


def resize_mask(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize a mask to ``width`` x ``height``, keeping it binary.

    Shrinking averages (so a thin stroke does not vanish the way nearest-neighbour
    would drop it); enlarging interpolates and re-thresholds for smooth edges.
    """
    _check_size(width, height)
    arr = _as_binary(mask)
    if arr.shape == (height, width):
        return arr.copy()
    src = arr.view(np.uint8) * np.uint8(255)
    shrinking = width * height < arr.shape[0] * arr.shape[1]
    interp = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    out = cv2.resize(src, (width, height), interpolation=interp)
    return out >= (64 if shrinking else 128)


def validate_mask(
    mask: np.ndarray,
    width: int,
    height: int,
    *,
    allow_empty: bool = False,
    allow_full: bool = False,
) -> np.ndarray:
    """Check a mask against the image it will edit and return it as a bool array.

    Accepts bool, 0/1 and 0/255 arrays (any integer or float dtype with exactly those
    values) of shape ``(height, width)``.

    Raises:
        InvalidInput: wrong shape (expected vs got), non-binary values, nothing painted
            (unless ``allow_empty``) or everything painted (unless ``allow_full``).
    """
    _check_size(width, height)
    if isinstance(mask, Image.Image):
        mask = np.asarray(mask.convert("L"))
    if not isinstance(mask, np.ndarray):
        raise InvalidInput(
            f"mask must be a numpy array of shape ({height}, {width}), got "
            f"{type(mask).__name__}; paint one with the mask painter or mask_from_strokes()."
        )
    arr = mask[:, :, 0] if mask.ndim == 3 and mask.shape[2] == 1 else mask
    if arr.shape != (height, width):
        got = (
            f"{arr.shape[1]}x{arr.shape[0]} (width x height)"
            if arr.ndim == 2
            else f"an array of shape {arr.shape}"
        )
        raise InvalidInput(
            f"mask has the wrong size: expected {width}x{height} (width x height, numpy shape "
            f"({height}, {width})) to match the image, got {got}. Paint it on this image or "
            f"resize it with resize_mask(mask, {width}, {height})."
        )
    out = _as_binary(arr)
    painted = int(np.count_nonzero(out))
    if painted == 0 and not allow_empty:
        raise InvalidInput(
            "mask is empty: nothing is painted, so nothing would change. Paint over the "
            "region you want to change."
        )
    if painted == out.size and not allow_full:
        raise InvalidInput(
            "mask covers the whole image: leave the parts to keep unpainted, or regenerate "
            "the image instead of inpainting it."
        )
    return out


def _as_binary(mask: Any) -> np.ndarray:
    """A bool copy of a bool, 0/1 or 0/255 HxW array; InvalidInput otherwise."""
    if not isinstance(mask, np.ndarray):
        raise InvalidInput(f"mask must be a numpy array, got {type(mask).__name__}.")
    if mask.ndim != 2:
        raise InvalidInput(f"mask must be two-dimensional (height, width), got shape {mask.shape}.")
    if mask.dtype == np.bool_:
        return mask.copy()
    if mask.dtype == np.uint8:
        # bincount is ~20x faster than np.unique on a 4-megapixel mask.
        counts = np.bincount(mask.ravel(), minlength=256)
        present = np.flatnonzero(counts)
    elif np.issubdtype(mask.dtype, np.number):
        present = np.unique(mask)
        if not np.isfinite(present).all():
            raise InvalidInput("mask has NaN or infinite values: use 0/1 or 0/255.")
    else:
        raise InvalidInput(f"mask dtype {mask.dtype} is not numeric: use bool, 0/1 or 0/255.")
    values = {float(v) for v in present}
    if values <= {0.0, 1.0} or values <= {0.0, 255.0}:
        return mask != 0
    stray = sorted(values - {0.0, 1.0, 255.0})[:4] or sorted(values)[:4]
    shown = ", ".join(f"{v:g}" for v in stray)
    raise InvalidInput(
        f"mask is not binary: found values such as {shown}; a mask holds only 0/1 or 0/255 "
        "(or True/False). Threshold it first, e.g. mask > 127."
    )
