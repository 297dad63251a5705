"""Colour maths and light: mixing, lighter and darker shades, legible text colours, the
sky and tint of each time of day, and the backdrop tint a ``color`` adjustment asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ....errors import InvalidInput
from ....media.adjustments import tint
from ....media.colors import RGB, color_rgb

INK: RGB = (34, 34, 42)


Tone = Callable[[RGB], RGB]


def mix(a: Sequence[float], b: Sequence[float], t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def lighter(c: RGB, t: float) -> RGB:
    return mix(c, (255, 255, 255), t)


def darker(c: RGB, t: float) -> RGB:
    return mix(c, (0, 0, 0), t)


def _luma(c: Sequence[float]) -> float:
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def text_on(c: RGB) -> RGB:
    return (28, 28, 34) if _luma(c) > 150 else (250, 250, 250)


def _scale(c: RGB, mult: Sequence[float]) -> RGB:
    return (min(255, round(c[0] * mult[0])), min(255, round(c[1] * mult[1])),
            min(255, round(c[2] * mult[2])))


@dataclass(frozen=True)
class _Time:
    sky: tuple[tuple[float, RGB], ...]
    backdrop: tuple[float, float, float]
    subject: tuple[float, float, float]
    room: tuple[float, float, float]


TIMES: dict[str, _Time] = {
    "day": _Time(((0.0, (78, 148, 222)), (1.0, (190, 224, 248))),
                 (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), (1.0, 1.0, 1.0)),
    "morning": _Time(((0.0, (118, 166, 224)), (0.65, (220, 214, 212)), (1.0, (255, 206, 160))),
                     (1.0, 0.96, 0.9), (1.0, 0.98, 0.94), (1.0, 0.97, 0.92)),
    "sunset": _Time(((0.0, (52, 50, 116)), (0.45, (196, 96, 120)), (0.8, (248, 142, 72)),
                     (1.0, (255, 196, 110))),
                    (0.9, 0.7, 0.6), (1.0, 0.92, 0.84), (0.98, 0.84, 0.72)),
    "night": _Time(((0.0, (6, 10, 30)), (1.0, (34, 46, 92))),
                   (0.3, 0.34, 0.5), (0.82, 0.84, 0.94), (0.66, 0.58, 0.5)),
}


def tone_for(time: str, interior: bool, subject: bool) -> Tone:
    t = TIMES[time]
    mult = t.subject if subject else (t.room if interior else t.backdrop)
    if mult == (1.0, 1.0, 1.0):
        return lambda c: c
    return lambda c: _scale(c, mult)


def tint_color(c: RGB, color: Any) -> RGB:
    return tint_backdrop(Image.new("RGB", (1, 1), c), color).getpixel((0, 0))  # type: ignore[return-value]


def tint_backdrop(img: Image.Image, color: Any) -> Image.Image:
    # A "color" adjustment takes the backdrop toward the colour and leaves the product
    # and people alone, so the product colour stays the approved one.
    try:
        rgb = color_rgb(color)
    except InvalidInput:
        return img
    return tint(img, rgb, 0.45)
