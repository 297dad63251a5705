"""The entry points: :func:`render` a request as a picture or PNG, and
:func:`outfit_mask` to find a character's outfit in it.

How a picture is built:

1. the **backdrop** (sky, ground, room, props) is drawn at 2x and reduced, which
   anti-aliases every edge for one cheap box filter; a frame whose setting matches the
   approved setting sheet reuses that sheet's pixels instead, so edits to the sheet
   carry into the frames;
2. the backdrop is zoomed for the camera framing (blurred for close-ups, like a shallow
   depth of field) and tinted for a ``color`` adjustment;
3. the **subjects** (figures, product) are drawn at 2x on a transparent layer with ink
   outlines, lit for the time of day, reduced and composited;
4. ``warmth``, ``contrast`` and ``brightness`` grade the picture
   (:func:`adpipeline.media.adjustments.apply_adjustments`);
5. overlays that must stay legible whatever the grade (caption band, panel label,
   border) go on last.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageEnhance

from ....adjustments import Adjustments
from ....media.adjustments import apply_adjustments
from ....media.images import encode_png
from ....media.text import draw_headline
from ...base import ImageRequest
from .frames import draw_frame
from .plan import make_plan
from .references import META_KIND, META_LAYOUT
from .sheets import (
    character_sheet,
    character_sheet_text,
    corner_tag,
    draw_border,
    product_sheet,
    product_sheet_text,
    setting_sheet,
    setting_sheet_text,
)


def _grade(img: Image.Image, adjustments: Adjustments) -> Image.Image:
    saturation = adjustments.saturation or 0
    if saturation:
        # One step is a third more (or less) colour; -3 and below is black and white.
        img = ImageEnhance.Color(img.convert("RGB")).enhance(max(0.0, 1.0 + saturation / 3))
    if adjustments.warmth or adjustments.contrast or adjustments.brightness:
        # The colour tint is the backdrop's alone (see sheets and frames), not the picture's.
        return apply_adjustments(img, adjustments.model_copy(update={"color": None}))
    return img


def outfit_mask(request: ImageRequest, references: Sequence[bytes] = ()) -> np.ndarray:
    """Which pixels of :func:`render` ``(request, references)`` are the character's
    outfit (shirt, sleeves, trousers), as a bool array HxW; all False without a
    character.

    Found by drawing the picture twice with the outfit in two far-apart colours: the
    pixels that differ are the outfit's, including its anti-aliased edge.
    """
    first = render(_dressed(request, "#ff00ff"), references)
    second = render(_dressed(request, "#00ff00"), references)
    diff = np.abs(np.asarray(first, dtype=np.int16) - np.asarray(second, dtype=np.int16))
    return np.asarray(diff.max(axis=2) > 24)


def _dressed(request: ImageRequest, outfit: str) -> ImageRequest:
    adjustments = request.adjustments.model_copy(update={"outfit": outfit})
    return request.model_copy(update={"adjustments": adjustments})


def render(request: ImageRequest, references: Sequence[bytes] = ()) -> Image.Image:
    """Draw the picture ``request`` describes, at ``request.width`` x ``request.height``.

    ``references`` (PNG bytes of the product, character and setting sheets) are used by
    frames only: their colours, and the setting sheet's scene when the frame is set
    there, carry into the frame.
    """
    image, _ = _render(request, references)
    return image


def render_png(request: ImageRequest, references: Sequence[bytes] = ()) -> bytes:
    """:func:`render` as PNG bytes, with the sheet layout in text chunks for frames to
    sample."""
    image, layout = _render(request, references)
    text: dict[str, str] = {META_KIND: request.kind}
    if layout:
        text[META_LAYOUT] = json.dumps(layout, separators=(",", ":"))
    return encode_png(image, text=text)


def _render(request: ImageRequest, references: Sequence[bytes]) -> tuple[Image.Image,
                                                                         dict[str, Any]]:
    plan = make_plan(request, references)
    width, height = request.width, request.height
    layout: dict[str, Any] = {}
    if request.kind == "product":
        img, layout = product_sheet(plan, width, height)
    elif request.kind == "character":
        img, layout = character_sheet(plan, width, height)
    elif request.kind == "setting":
        img, layout = setting_sheet(plan, width, height)
    else:
        img = draw_frame(plan, width, height)
    img = _grade(img, request.adjustments)
    size = max(11.0, min(width, height) * 0.026)
    if request.kind == "product":
        product_sheet_text(img, plan)
    elif request.kind == "character":
        character_sheet_text(img, plan)
    elif request.kind == "setting":
        setting_sheet_text(img, plan)
    else:
        # A frame is the ad's picture: its text drawn as the video will show it, and no
        # storyboard labels (the review panels show those beside the picture).
        draw_headline(img, request.on_screen_text)
        return img, layout
    if request.kind != "setting":  # the setting sheet's label is in its notes band
        corner_tag(img, request.label, "left", size)
    draw_border(img)
    return img, layout
