"""The plan of a picture: everything decided from the request and its references before
anything is drawn.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ....media.colors import RGB
from ...base import ImageRequest
from .backdrops import resolve_setting
from .figures import FigureLook, dress, figure_colors
from .references import Look, read_references
from .words import parse_color, product_shape, resolve_framing, resolve_time, seeded_rng


@dataclass
class Plan:
    """Everything :func:`render` decided from the request and its references."""

    request: ImageRequest
    setting: str
    time: str
    framing: str
    shape: str
    product: RGB
    palette: list[RGB]
    look: Look
    figure: FigureLook | None
    rng_key: tuple[Any, ...]

    def rng(self, purpose: str) -> random.Random:
        return seeded_rng(*self.rng_key, purpose)


def make_plan(request: ImageRequest, references: Sequence[bytes]) -> Plan:
    look = read_references(references) if request.kind == "frame" else Look()
    adjustments = request.adjustments
    setting = resolve_setting(adjustments.setting or request.setting or "")
    time = resolve_time(adjustments.time_of_day or request.time_of_day)
    # A colour asked for in feedback wins over the one sampled from the product sheet.
    product = (parse_color(adjustments.product_color) if adjustments.product_color
               else look.product or parse_color(request.product_color))
    palette = list(look.palette or [parse_color(c) for c in request.palette])
    if not palette:
        palette = [(27, 153, 139), (246, 196, 69), (244, 244, 244), (47, 111, 223)]
    figure = None
    if request.character.strip():
        figure = figure_colors(request.character, avoid=product)
        same = look.character is None or look.character.strip().lower() == \
            request.character.strip().lower()
        if look.shirt is not None and same:
            figure = replace(figure, shirt=look.shirt)
    if figure is not None and adjustments.outfit:
        figure = dress(figure, adjustments.outfit)
    return Plan(
        request=request, setting=setting, time=time,
        framing=resolve_framing(request.camera, adjustments.framing),
        shape=product_shape(request.category, request.product), product=product,
        palette=palette, look=look, figure=figure,
        rng_key=(request.seed, request.prompt, request.kind),
    )
