"""Reading reference sheets back: the colours, character and backdrop a frame takes from
the approved product, character and setting sheets.

Sheets drawn here carry their layout (where the product body, the shirt and the
swatches are) in PNG text chunks; uploaded sheets without one are read by their
dominant colours.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from PIL import Image

from ....errors import InvalidInput
from ....media.colors import RGB
from ....media.images import decode_image, png_text

META_KIND = "adpipeline:kind"
META_LAYOUT = "adpipeline:layout"


@dataclass
class Look:
    """What a frame borrows from its reference sheets.

    Attributes:
        product: the product colour sampled from the product sheet.
        shirt: the character's shirt colour from the character sheet.
        character: whose shirt that is (``None``: unknown, an upload).
        palette: colours sampled from the setting sheet's swatches.
        backdrop: the setting sheet's scene, reused by frames in the same setting.
        setting, time_of_day: what that backdrop shows.
        digest: a short hash of every reference's bytes.
    """

    product: RGB | None = None
    shirt: RGB | None = None
    character: str | None = None
    palette: list[RGB] | None = None
    backdrop: Image.Image | None = None
    setting: str | None = None
    time_of_day: str | None = None
    digest: str = ""
    sources: list[str] = field(default_factory=list)


_KINDS_BY_POSITION = ("product", "character", "setting")


def read_references(references: Sequence[bytes]) -> Look:
    """Sample the product colour, shirt colour, palette and backdrop from reference sheets.

    Sheets drawn here carry their layout in PNG text chunks and are sampled where their
    parts were drawn (so an inpainted or regraded sheet is followed exactly); other
    images (uploads, another provider's) are read by dominant colours, in the pipeline's
    order: product, character, setting. Unreadable references are skipped.
    """
    look = Look()
    if not references:
        return look
    hasher = hashlib.sha256()
    for data in references:
        hasher.update(hashlib.sha256(bytes(data)).digest())
    look.digest = hasher.hexdigest()[:6]
    for position, data in enumerate(references):
        info = _read_one(bytes(data), position)
        if info is None:
            continue
        kind, values = info
        look.sources.append(kind)
        if kind == "product" and look.product is None:
            look.product = values.get("product")
        elif kind == "character" and look.shirt is None:
            look.shirt = values.get("shirt")
            look.character = values.get("character")
        elif kind == "setting" and look.palette is None:
            look.palette = values.get("palette")
            look.backdrop = values.get("backdrop")
            look.setting = values.get("setting")
            look.time_of_day = values.get("time")
    return look


@lru_cache(maxsize=12)
def _read_one(data: bytes, position: int) -> tuple[str, dict[str, Any]] | None:
    # Cached: every frame of a storyboard reads the same three sheets.
    meta = png_text(data)
    try:
        img = decode_image(data)
    except InvalidInput:
        return None
    layout: dict[str, Any] = {}
    if META_LAYOUT in meta:
        try:
            layout = json.loads(meta[META_LAYOUT])
        except ValueError:
            layout = {}
    kind = meta.get(META_KIND) or (_KINDS_BY_POSITION[position]
                                   if position < len(_KINDS_BY_POSITION) else "")
    arr = np.asarray(img)
    values: dict[str, Any] = {}
    if kind == "product":
        # The dominant colour of the whole front view survives labels, highlights and a
        # person repainting the product as something else; the small body box is the
        # fallback for grey, black or white products that have no dominant hue.
        view = _region(arr, layout.get("product_view"))
        body = _region(arr, layout.get("product"))
        colour = _dominant(view) if view is not None else None
        if colour is None and body is not None:
            colour = _median(body)
        values["product"] = colour if colour is not None else _dominant(arr)
    elif kind == "character":
        region = _region(arr, layout.get("shirt"))
        values["shirt"] = _median(region) if region is not None else _dominant(arr)
        values["character"] = layout.get("character")
    elif kind == "setting":
        swatches = [_region(arr, box) for box in layout.get("swatches", [])]
        palette = [_median(s) for s in swatches if s is not None]
        values["palette"] = palette or _palette(arr)
        scene = layout.get("scene")
        crop = _region(arr, scene)
        if crop is not None and layout.get("setting"):
            values["backdrop"] = Image.fromarray(np.ascontiguousarray(crop))
            values["setting"] = layout.get("setting")
            values["time"] = layout.get("time")
    else:
        return None
    return kind, values


def _region(arr: np.ndarray, box: Any) -> np.ndarray | None:
    if not (isinstance(box, list | tuple) and len(box) == 4):
        return None
    try:
        x0, y0, x1, y1 = (round(float(v)) for v in box)
    except (TypeError, ValueError):
        return None
    height, width = arr.shape[:2]
    x0, x1 = max(0, x0), min(width, x1)
    y0, y1 = max(0, y0), min(height, y1)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return None
    return arr[y0:y1, x0:x1, :3]


def _median(region: np.ndarray) -> RGB:
    med = np.median(region.reshape(-1, 3), axis=0)
    return (int(med[0]), int(med[1]), int(med[2]))


def _small(arr: np.ndarray, side: int = 96) -> np.ndarray:
    height, width = arr.shape[:2]
    k = max(1, max(height, width) // side)
    return arr[::k, ::k, :3].reshape(-1, 3)


def _dominant(arr: np.ndarray) -> RGB | None:
    """The most common clearly coloured hue in a picture (None if it is all grey)."""
    px = _small(arr)
    hsv = cv2.cvtColor(px.reshape(1, -1, 3).astype(np.uint8), cv2.COLOR_RGB2HSV)[0]
    keep = (hsv[:, 1] > 70) & (hsv[:, 2] > 50)
    if keep.sum() < 20:
        return None
    hues = hsv[keep, 0] // 10
    top = int(np.bincount(hues, minlength=18).argmax())
    chosen = px[keep][hues == top]
    return _median(chosen)


def _palette(arr: np.ndarray, count: int = 4) -> list[RGB]:
    """The ``count`` most common colours, by a median-cut quantisation."""
    px = _small(arr, 128)
    img = Image.fromarray(px.reshape(1, -1, 3).astype(np.uint8))
    quant = img.quantize(colors=count + 2, method=Image.Quantize.MEDIANCUT)
    pal: list[int] = list(quant.getpalette() or [])
    counts = sorted(quant.getcolors() or [], reverse=True)
    out: list[RGB] = []
    for _, index in counts[:count]:
        start = int(index) * 3  # type: ignore[call-overload]
        r, g, b = pal[start: start + 3]
        out.append((int(r), int(g), int(b)))
    return out or [(27, 153, 139)]
