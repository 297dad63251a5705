"""The offline image provider: procedural storyboard pictures and OpenCV inpainting.

No keys, no network, no cost. ``generate`` draws with :mod:`.draw`; ``inpaint`` either
removes what the mask covers (``cv2.inpaint``, Telea) or paints the subject a prompt
names into it, over a removed background, with a soft edge that stays inside the mask.
"""

from __future__ import annotations

import math
import re
from typing import Any

import cv2
import numpy as np
from PIL import Image

from ...media.images import decode_image, encode_png, png_text
from ...media.masks import mask_from_png, validate_mask
from ..base import Cost, ImageRequest
from . import draw

__all__ = ["OfflineImageProvider", "is_removal", "replacement_subject"]

_REMOVE = re.compile(
    r"\b(remove|removing|erase|erasing|delete|deleting|get rid of|clean(?:\s|-)?up|"
    r"take (?:out|away)|eliminate|wipe (?:out|away)|without|no more|disappear)\b", re.I)
_REPLACE_WITH = re.compile(
    r"\b(?:replace|replacing|swap|change|turn|make)\b.*?\b(?:with|into|for|to)\s+(.+)$", re.I)
_LEADING = re.compile(
    r"^\s*(?:please\s+)?(?:add|put|place|insert|draw|paint|show|fill (?:it|this) with|"
    r"make (?:it|this)(?: into)?|turn (?:it|this) into)\s+", re.I)

# Telea's cost grows with the masked area; past this many pixels it runs on a
# downscaled copy (the fill is smooth anyway) so large masks stay well under a second.
_FULL_RES_LIMIT = 120_000
# Radius 3 is ~3x cheaper than 5 (PERF-NOTES) and the middle of the fill is smoothed
# afterwards anyway, so the larger neighbourhood buys nothing visible.
_RADIUS = 3


def is_removal(prompt: str) -> bool:
    """Whether an inpainting prompt asks to remove what the mask covers.

    "remove the cup", "erase this", "get rid of the sign", "clean up" and an empty
    prompt remove; anything else names something to paint in.
    """
    text = (prompt or "").strip()
    if not text:
        return True
    if _REPLACE_WITH.search(text):
        return False
    return bool(_REMOVE.search(text))


def replacement_subject(prompt: str) -> str:
    """The subject to paint for a replacing prompt: "replace the cup with a red car" ->
    "a red car"; "add a palm tree" -> "a palm tree"."""
    text = (prompt or "").strip()
    match = _REPLACE_WITH.search(text)
    if match:
        text = match.group(1)
    text = _LEADING.sub("", text)
    return text.strip(" .!") or prompt


class OfflineImageProvider:
    """Procedural images and inpainting, offline and free.

    Example:
        >>> provider = OfflineImageProvider()
        >>> png = provider.generate(request, references=[])
    """

    name = "offline"
    draws_headline = True
    model = "procedural-v1"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        """Every operation is one image and costs nothing."""
        return Cost(units=1, unit="images", usd=0.0)

    def generate(self, request: ImageRequest, references: list[bytes]) -> bytes:
        """Draw ``request`` as a PNG of exactly ``request.width`` x ``request.height``.

        Frames reuse the look of ``references`` (product, character and setting sheets).
        """
        return draw.render_png(request, references)

    def inpaint(self, image: bytes, mask: bytes, prompt: str, seed: int) -> bytes:
        """Change the mask's white pixels of ``image`` as ``prompt`` asks; keep the rest.

        Removal prompts fill the region from its surroundings; other prompts paint the
        named subject over the filled region, fading in over a few pixels inside the
        mask's edge. Pixels outside the mask are returned unchanged. Text chunks of the
        input (a sheet's layout) are kept, so frames still find the sheet's regions.

        Raises:
            InvalidInput: the image or mask cannot be read, the mask is not the image's
                size, or it is empty or covers everything.
        """
        picture = decode_image(image)
        width, height = picture.size
        painted = validate_mask(mask_from_png(mask), width, height)
        original = np.asarray(picture)
        filled = _smooth_interior(_telea(original, painted), painted)
        if is_removal(prompt):
            out = np.where(painted[..., None], filled, original)
        else:
            out = _paint_subject(original, filled, painted, replacement_subject(prompt), seed)
        return encode_png(np.ascontiguousarray(out, dtype=np.uint8), text=png_text(bytes(image)))


def _telea(rgb: np.ndarray, painted: np.ndarray) -> np.ndarray:
    """The masked region filled from its surroundings (unmasked pixels untouched)."""
    mask8 = painted.view(np.uint8) * np.uint8(255)
    area = int(np.count_nonzero(painted))
    if area <= _FULL_RES_LIMIT:
        return cv2.inpaint(rgb, mask8, _RADIUS, cv2.INPAINT_TELEA)
    height, width = painted.shape
    factor = math.ceil(math.sqrt(area / _FULL_RES_LIMIT))
    small = (max(1, width // factor), max(1, height // factor))
    rgb_small = cv2.resize(rgb, small, interpolation=cv2.INTER_AREA)
    # Any painted pixel in a block marks the block, so no edge pixel is left unfilled.
    mask_small = (cv2.resize(mask8, small, interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    mask_small = (cv2.dilate(mask_small, np.ones((3, 3), np.uint8)) * 255).astype(np.uint8)
    filled_small = cv2.inpaint(rgb_small, mask_small, 3, cv2.INPAINT_TELEA)
    filled = cv2.resize(filled_small, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.where(painted[..., None], filled, rgb)


def _smooth_interior(filled: np.ndarray, painted: np.ndarray) -> np.ndarray:
    """Soften the middle of a large fill, keeping its edge where Telea matched the
    surroundings.

    Telea marches inward from the edge and drags any sharp edge it meets across a big
    hole as streaks; deep inside the hole a blur turns those into a quiet gradient.
    """
    ys, xs = np.nonzero(painted)
    span = min(int(xs.max() - xs.min()), int(ys.max() - ys.min())) + 1
    if span < 12:
        return filled
    sigma = float(np.clip(span / 8, 2.0, 24.0))
    pad = int(3 * sigma) + 1
    height, width = painted.shape
    x0, x1 = max(0, int(xs.min()) - pad), min(width, int(xs.max()) + pad + 1)
    y0, y1 = max(0, int(ys.min()) - pad), min(height, int(ys.max()) + pad + 1)
    part = filled[y0:y1, x0:x1]
    # A wide blur is as good computed on a quarter-size copy and scaled back up.
    k = max(1, int(sigma // 4))
    if k > 1:
        small = cv2.resize(part, (max(1, part.shape[1] // k), max(1, part.shape[0] // k)),
                           interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (0, 0), sigma / k)
        blurred = cv2.resize(small, (part.shape[1], part.shape[0]),
                             interpolation=cv2.INTER_LINEAR).astype(np.float32)
    else:
        blurred = cv2.GaussianBlur(part, (0, 0), sigma).astype(np.float32)
    inside = cv2.distanceTransform(painted[y0:y1, x0:x1].view(np.uint8), cv2.DIST_L2, 3)
    weight = np.clip((inside - 2.0) / max(4.0, sigma), 0.0, 1.0)[..., None]
    mixed = part.astype(np.float32) * (1.0 - weight) + blurred * weight
    out = filled.copy()
    out[y0:y1, x0:x1] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    return np.where(painted[..., None], out, filled)


def _feather(painted: np.ndarray, width_px: float) -> np.ndarray:
    """Alpha 0..1 rising from the mask's edge to 1 ``width_px`` inside it (0 outside)."""
    inside = cv2.distanceTransform(painted.view(np.uint8), cv2.DIST_L2, 3)
    return np.clip(inside / max(width_px, 1.0), 0.0, 1.0).astype(np.float32)


def _paint_subject(original: np.ndarray, filled: np.ndarray, painted: np.ndarray,
                   subject: str, seed: int) -> np.ndarray:
    ys, xs = np.nonzero(painted)
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    feather_px = float(np.clip(min(x1 - x0, y1 - y0) * 0.04, 2.0, 6.0))
    alpha = _feather(painted, feather_px)
    cx, cy = float(xs.mean()), float(ys.mean())
    # Fit the subject to the painted shape, not just its bounding box: shrink it about
    # the centroid until almost none of it falls outside the mask.
    box_w: float = max(4.0, float(x1 - x0 - 2 * feather_px))
    box_h: float = max(4.0, float(y1 - y0 - 2 * feather_px))
    layer = None
    bx = by = 0
    for _ in range(6):
        bw, bh = max(4, round(box_w)), max(4, round(box_h))
        bx = round(min(max(cx - bw / 2, x0), x1 - bw))
        by = round(min(max(cy - bh / 2, y0), y1 - bh))
        layer = draw.draw_subject(subject, bw, bh, seed)
        a = np.asarray(layer)[..., 3] > 0
        region = painted[by:by + bh, bx:bx + bw]
        if region.shape == a.shape:
            outside = np.count_nonzero(a & ~region)
            if outside <= 0.1 * max(1, int(np.count_nonzero(a))):
                break
        box_w, box_h = box_w * 0.86, box_h * 0.86
    assert layer is not None
    canvas = Image.fromarray(np.ascontiguousarray(filled))
    canvas.paste(layer, (bx, by), layer)
    composed = np.asarray(canvas).astype(np.float32)
    a3 = alpha[..., None]
    out = original.astype(np.float32) * (1.0 - a3) + composed * a3
    out = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    # Outside the mask alpha is 0: copy those pixels bit for bit, no rounding anywhere.
    return np.where(painted[..., None], out, original)
