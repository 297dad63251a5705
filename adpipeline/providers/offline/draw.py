"""Procedural storyboard renderer: settings, products, figures and captions in Pillow.

Pictures are drawn, not generated: every shape comes from the request's words and a
seeded random generator, so the same request and seed always give the same bytes, and
each feedback adjustment changes exactly what it names.

How a picture is built (all in :func:`render`):

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

Reference sheets carry their layout (where the product body, the shirt and the palette
swatches are) in PNG text chunks; frames sample colours from those regions, or from
dominant colours when a sheet was uploaded and has no layout.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from ...errors import InvalidInput
from ...media.adjustments import apply_adjustments, tint
from ...media.colors import RGB, color_rgb, find_color
from ...media.images import decode_image, encode_png, fit_to, png_text
from ...media.text import draw_headline
from ..base import ImageRequest
from .vocabulary import COLORS as STORY_COLORS
from .vocabulary import SETTINGS, TIMES_OF_DAY, find_setting, find_word

__all__ = [
    "FigureLook",
    "Look",
    "draw_subject",
    "dress",
    "figure_colors",
    "outfit_mask",
    "parse_color",
    "product_shape",
    "read_references",
    "render",
    "render_png",
    "resolve_framing",
    "resolve_setting",
    "resolve_time",
    "shirt_color",
    "subject_kind",
]

SS = 2  # supersampling factor for drawn layers
_SS_LIMIT = 2_100_000  # pixels (1920x1080): above it a 2x canvas costs too much memory


def _ss(width: float, height: float) -> int:
    """Supersampling for a picture: 2x up to full HD, 1x beyond (a 4096² frame at 2x
    would need over a gigabyte of canvases)."""
    return SS if width * height <= _SS_LIMIT else 1
INK: RGB = (34, 34, 42)
META_KIND = "adpipeline:kind"
META_LAYOUT = "adpipeline:layout"

Box = tuple[float, float, float, float]
Tone = Callable[[RGB], RGB]


# ============================================================================ words


def parse_color(value: Any, fallback: RGB = (27, 153, 139)) -> RGB:
    """A colour from a story colour name, a hex code, free text or an RGB triple.

    Story colour names use the story engine's own hex values so the product on a sheet
    matches the palette the story chose; anything unreadable gives ``fallback``.
    """
    if isinstance(value, str):
        key = value.strip().lower()
        if key in STORY_COLORS:
            return _hex(STORY_COLORS[key])
        if re.fullmatch(r"#?[0-9a-f]{6}", key):
            return _hex(key if key.startswith("#") else "#" + key)
    try:
        return color_rgb(value)
    except InvalidInput:
        return fallback


def _hex(text: str) -> RGB:
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


def resolve_setting(setting: str) -> str:
    """A drawable setting for free text: one of the story settings, else
    ``"interior"`` or ``"exterior"`` chosen from the words."""
    low = (setting or "").strip().lower()
    if low in _BACKDROPS:
        return low
    found = find_setting(low)
    if found:
        return found
    if re.search(r"\b(room|hall|shop|store|restaurant|bar|hotel|library|hospital|lab|museum|"
                 r"mall|garage|lobby|bakery|kitchen|indoors?|inside|house|apartment|flat|"
                 r"salon|spa|theat(?:er|re)|cinema|church|school|warehouse|factory|pub|"
                 r"clinic|studio|loft|hallway|corridor|elevator|car park)\b", low):
        return "interior"
    return "exterior"


def resolve_time(time_of_day: str) -> str:
    """``day``, ``morning``, ``sunset`` or ``night`` from free text (default day)."""
    return find_word(time_of_day or "", TIMES_OF_DAY) or "day"


def resolve_framing(camera: str, adjustments: dict[str, Any] | None = None) -> str:
    """``wide``, ``medium`` or ``close`` from camera words; a ``framing`` adjustment wins."""
    framing = str((adjustments or {}).get("framing") or "").lower()
    for text in (framing, (camera or "").lower()):
        if re.search(r"close|macro|detail|tight|extreme|insert|zoom in", text):
            return "close"
        if re.search(r"wide|establishing|long shot|aerial|full shot|zoom out|pull back|far", text):
            return "wide"
        if text.strip():
            return "medium"
    return "medium"


_SHAPE_WORDS: dict[str, tuple[str, ...]] = {
    "bottle": ("bottle", "flask", "tumbler", "thermos", "canteen", "wine", "perfume", "shampoo",
               "serum", "oil", "sauce", "juice", "kombucha", "vodka", "whisky", "gin"),
    "can": ("can", "soda", "cola", "beer", "seltzer", "energy drink", "drink", "beverage",
            "sparkling", "lager", "tonic"),
    "cup": ("cup", "mug", "coffee", "tea", "latte", "espresso", "smoothie", "cappuccino"),
    "phone": ("phone", "smartphone", "tablet", "app", "software", "watch", "smartwatch",
              "laptop", "gadget", "device", "camera", "console", "e-reader", "speaker"),
    "shoe": ("shoe", "shoes", "sneaker", "sneakers", "boot", "boots", "trainers", "running",
             "sandals", "heels", "footwear", "cleats"),
    "car": ("car", "suv", "truck", "van", "bike", "e-bike", "bicycle", "scooter",
            "motorcycle", "vehicle", "ev", "sedan", "hatchback", "jeep"),
    "tube": ("tube", "cream", "lotion", "sunscreen", "toothpaste", "skincare", "moisturiser",
             "moisturizer", "balm", "lipstick", "gel", "ointment", "makeup", "cleanser"),
    "box": ("box", "snack", "bar", "cereal", "chocolate", "cookie", "cookies", "granola", "kit",
            "gift", "pack", "package", "soap", "meal", "pizza", "candy", "crackers"),
}


def _rightmost(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    # English puts the head noun last ("water bottle", "energy drink can"), so the
    # match that ends furthest right names the thing; of matches ending together the
    # longer wins ("palm tree" over "tree").
    low = text.lower()
    best, best_rank = None, (-1, 0)
    for key, words in table.items():
        for word in words:
            for match in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", low):
                rank = (match.end(), match.end() - match.start())
                if rank > best_rank:
                    best, best_rank = key, rank
    return best


def product_shape(category: str, product: str = "") -> str:
    """The drawn shape for a product: bottle, can, cup, phone, shoe, car, tube or box."""
    return _rightmost(category, _SHAPE_WORDS) or _rightmost(product, _SHAPE_WORDS) or "box"


def _digest(*parts: Any) -> int:
    material = "|".join(str(p) for p in parts).encode("utf-8", "replace")
    return int.from_bytes(hashlib.sha256(material).digest()[:8], "big")


def _rng(*parts: Any) -> random.Random:
    return random.Random(_digest(*parts))


_SHIRTS: tuple[RGB, ...] = (
    (46, 88, 168), (196, 52, 52), (58, 140, 84), (214, 164, 40), (122, 82, 172),
    (28, 138, 150), (228, 118, 42), (214, 98, 148), (142, 92, 60), (92, 160, 220),
    (118, 128, 48), (70, 70, 84),
)
_SKINS: tuple[RGB, ...] = (
    (246, 214, 186), (234, 192, 160), (214, 164, 122), (186, 130, 92), (146, 96, 64),
    (104, 68, 46),
)
_HAIRS: tuple[RGB, ...] = (
    (40, 30, 26), (86, 56, 34), (150, 100, 50), (214, 176, 98), (120, 40, 28), (60, 60, 66),
)
_TROUSERS: tuple[RGB, ...] = ((52, 74, 116), (60, 60, 68), (150, 126, 90), (92, 98, 70),
                              (40, 44, 58))


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    return math.sqrt(sum((float(x) - float(y)) ** 2 for x, y in zip(a, b, strict=False)))


def shirt_color(character: str, avoid: RGB | None = None) -> RGB:
    """The shirt colour for a character description, the same wherever it appears.

    ``avoid`` (the product colour) skips shirts that would be mistaken for the product.
    """
    key = (character or "").strip().lower()
    start = _digest("shirt", key) % len(_SHIRTS)
    for i in range(len(_SHIRTS)):
        shirt = _SHIRTS[(start + i) % len(_SHIRTS)]
        if avoid is None or _distance(shirt, avoid) > 110:
            return shirt
    return _SHIRTS[start]


@dataclass(frozen=True)
class FigureLook:
    """How one character is drawn: colours, hair and a role accessory."""

    name: str
    role: str
    skin: RGB
    hair: RGB
    hair_style: str
    shirt: RGB
    trousers: RGB
    shoes: RGB
    accessory: str


_ACCESSORIES = (
    ("backpack", ("hiker", "traveller", "traveler", "student", "explorer", "camper")),
    ("headband", ("runner", "athlete", "player", "cyclist", "trainer", "yogi")),
    ("tie", ("professional", "manager", "lawyer", "businessman", "businesswoman", "banker")),
    ("bag", ("commuter", "creative", "designer", "photographer", "journalist")),
    ("apron", ("chef", "cook", "baker", "barista", "parent", "homeowner", "gardener")),
)


def figure_colors(character: str, avoid: RGB | None = None) -> FigureLook:
    """Everything that makes a character recognisable, derived from its description."""
    text = (character or "someone").strip()
    name = text.split(",")[0].strip() or "Someone"
    role = text.split(",", 1)[1].strip() if "," in text else ""
    role = re.sub(r"^(an?|the)\s+", "", role, flags=re.I)
    key = name.lower()
    low = text.lower()
    accessory = next((acc for acc, words in _ACCESSORIES
                      if any(re.search(rf"\b{w}\b", low) for w in words)), "")
    return FigureLook(
        name=name, role=role,
        skin=_SKINS[_digest("skin", key) % len(_SKINS)],
        hair=_HAIRS[_digest("hair", key) % len(_HAIRS)],
        hair_style=("short", "long", "bun", "curly", "short")[_digest("style", key) % 5],
        shirt=shirt_color(text, avoid),
        trousers=_TROUSERS[_digest("trousers", key) % len(_TROUSERS)],
        shoes=(236, 236, 236) if _digest("shoes", key) % 2 else (50, 50, 56),
        accessory=accessory,
    )


# ============================================================================ colour


def _mix(a: Sequence[float], b: Sequence[float], t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def _lighter(c: RGB, t: float) -> RGB:
    return _mix(c, (255, 255, 255), t)


def _darker(c: RGB, t: float) -> RGB:
    return _mix(c, (0, 0, 0), t)


def _luma(c: Sequence[float]) -> float:
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _text_on(c: RGB) -> RGB:
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


_TIMES: dict[str, _Time] = {
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


# ============================================================================ pen

_font_cache: dict[tuple[int, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
# DejaVu (on most Linux systems) covers accents, dashes and symbols that Pillow's
# built-in Aileron lacks; without it, text is reduced to what Aileron can show.
_FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
_system_font: bool | None = None


def _font(size: float, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    global _system_font
    px = max(6, round(size))
    font = _font_cache.get((px, bold))
    if font is None:
        font = None
        if _system_font is not False:
            try:
                font = ImageFont.truetype(_FONT_FILES[bold], px)
                _system_font = True
            except OSError:
                _system_font = False
        if font is None:
            font = ImageFont.load_default(size=px)
        _font_cache[(px, bold)] = font
    return font


_ASCII_FALLBACK = str.maketrans({"—": "-", "–": "-", "→": "->", "★": "*", "☆": "*",
                                 "✓": "v", "€": "EUR", "£": "GBP", "™": "(TM)", "®": "(R)"})


def _clean(text: str) -> str:
    """Text the chosen font can show (only the built-in font needs help)."""
    _font(12)
    if _system_font:
        return text
    text = text.translate(_ASCII_FALLBACK)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ord(ch) < 128 or ch in "…·“”‘’")


def _text_width(text: str, size: float, bold: bool = False) -> float:
    return float(_font(size, bold).getlength(text))


def _put(d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: float,
         fill: Sequence[int], *, anchor: str = "mm", bold: bool = False) -> None:
    d.text(xy, _clean(text), font=_font(size, bold), fill=tuple(fill), anchor=anchor)


class _Pen:
    """ImageDraw in picture coordinates on a canvas ``scale`` times larger.

    Fill colours pass through ``tone`` (the light of the time of day) unless
    ``lit=False``; ``outline=True`` strokes the shape in ink.
    """

    def __init__(self, img: Image.Image, scale: float = SS, tone: Tone | None = None,
                 ink: tuple[int, ...] = INK, ink_width: float = 1.4) -> None:
        self.img = img
        self.s = scale
        # On RGB canvases "RGBA" mode blends translucent fills; RGBA layers store them.
        self.draw = ImageDraw.Draw(img, "RGBA") if img.mode == "RGB" else ImageDraw.Draw(img)
        self.tone: Tone = tone or (lambda c: c)
        self.ink = ink
        self.ink_width = ink_width

    def col(self, color: Sequence[int] | None, lit: bool = True) -> tuple[int, ...] | None:
        if color is None:
            return None
        rgb = (int(color[0]), int(color[1]), int(color[2]))
        if lit:
            rgb = self.tone(rgb)
        return (*rgb, int(color[3])) if len(color) == 4 else rgb

    def _stroke(self, outline: bool | Sequence[int]) -> tuple[tuple[int, ...] | None, int]:
        if outline is False or self.ink_width <= 0:
            return None, 0
        ink = self.ink if outline is True else tuple(int(v) for v in outline)
        return ink, max(1, round(self.ink_width * self.s))

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Sequence[int] | None, *,
             radius: float = 0, outline: bool | Sequence[int] = False, lit: bool = True) -> None:
        if x1 <= x0 or y1 <= y0:
            return
        ink, width = self._stroke(outline)
        s = self.s
        box = (x0 * s, y0 * s, x1 * s, y1 * s)
        r = min(radius * s, (x1 - x0) * s / 2, (y1 - y0) * s / 2)
        if r >= 1:
            self.draw.rounded_rectangle(box, r, fill=self.col(fill, lit), outline=ink, width=width)
        else:
            self.draw.rectangle(box, fill=self.col(fill, lit), outline=ink, width=width)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Sequence[int] | None, *,
                outline: bool | Sequence[int] = False, lit: bool = True) -> None:
        if rx <= 0 or ry <= 0:
            return
        ink, width = self._stroke(outline)
        s = self.s
        self.draw.ellipse(((cx - rx) * s, (cy - ry) * s, (cx + rx) * s, (cy + ry) * s),
                          fill=self.col(fill, lit), outline=ink, width=width)

    def circle(self, cx: float, cy: float, r: float, fill: Sequence[int] | None, *,
               outline: bool | Sequence[int] = False, lit: bool = True) -> None:
        self.ellipse(cx, cy, r, r, fill, outline=outline, lit=lit)

    def poly(self, pts: Iterable[tuple[float, float]], fill: Sequence[int] | None, *,
             outline: bool | Sequence[int] = False, lit: bool = True) -> None:
        ink, width = self._stroke(outline)
        s = self.s
        xy = [(x * s, y * s) for x, y in pts]
        if len(xy) >= 3:
            self.draw.polygon(xy, fill=self.col(fill, lit), outline=ink, width=width)

    def line(self, pts: Sequence[tuple[float, float]], fill: Sequence[int], width: float, *,
             outline: bool = False, lit: bool = True, round_ends: bool = True) -> None:
        s = self.s
        xy = [(x * s, y * s) for x, y in pts]
        if outline and self.ink_width > 0:
            self._line(xy, self.ink, (width + 2 * self.ink_width) * s, round_ends)
        color = self.col(fill, lit)
        assert color is not None
        self._line(xy, color, width * s, round_ends)

    def _line(self, xy: list[tuple[float, float]], color: tuple[int, ...], width: float,
              round_ends: bool) -> None:
        w = max(1, round(width))
        self.draw.line(xy, fill=color, width=w, joint="curve")
        if round_ends and w > 3:
            r = w / 2
            for x, y in (xy[0], xy[-1]):
                self.draw.ellipse((x - r, y - r, x + r, y + r), fill=color)

    def arc(self, box: Box, start: float, end: float, fill: Sequence[int], width: float, *,
            lit: bool = True) -> None:
        s = self.s
        color = self.col(fill, lit)
        self.draw.arc(tuple(v * s for v in box), start, end, fill=color,  # type: ignore[arg-type]
                      width=max(1, round(width * s)))

    def chord(self, box: Box, start: float, end: float, fill: Sequence[int], *,
              outline: bool | Sequence[int] = False, lit: bool = True) -> None:
        ink, width = self._stroke(outline)
        s = self.s
        self.draw.chord(tuple(v * s for v in box), start, end,  # type: ignore[arg-type]
                        fill=self.col(fill, lit), outline=ink, width=width)

    def text(self, x: float, y: float, text: str, size: float, fill: Sequence[int], *,
             anchor: str = "mm", lit: bool = False, bold: bool = False) -> None:
        s = self.s
        self.draw.text((x * s, y * s), _clean(text), font=_font(size * s, bold),
                       fill=self.col(fill, lit), anchor=anchor)

    def fit_text(self, box: Box, text: str, fill: Sequence[int], *, max_size: float = 400,
                 lit: bool = False, bold: bool = False) -> None:
        """Write ``text`` as large as fits in ``box``, centred."""
        x0, y0, x1, y1 = box
        text = _clean(text)
        if not text or x1 - x0 < 4 or y1 - y0 < 3:
            return
        size = min(max_size, (y1 - y0) * 0.8)
        width = _text_width(text, size, bold)
        if width > (x1 - x0):
            size *= (x1 - x0) / width
        if size < 3:
            return
        self.text((x0 + x1) / 2, (y0 + y1) / 2, text, size, fill, lit=lit, bold=bold)

    def gradient(self, box: Box, stops: Sequence[tuple[float, Sequence[int]]], *,
                 lit: bool = False, horizontal: bool = False) -> None:
        """Fill ``box`` with a linear gradient through ``stops`` (position 0..1, colour)."""
        s = self.s
        x0, y0, x1, y1 = (round(v * s) for v in box)
        width, height = x1 - x0, y1 - y0
        if width <= 0 or height <= 0:
            return
        n = width if horizontal else height
        pos = np.linspace(0.0, 1.0, max(n, 2))[:n]
        xs = [p for p, _ in stops]
        cols = [self.col(c, lit) or (0, 0, 0) for _, c in stops]
        ramp = np.stack([np.interp(pos, xs, [c[i] for c in cols]) for i in range(3)], axis=-1)
        ramp = np.clip(ramp + 0.5, 0, 255).astype(np.uint8)
        strip = ramp[None, :, :] if horizontal else ramp[:, None, :]
        tile = Image.fromarray(np.ascontiguousarray(strip))
        tile = tile.resize((width, height), Image.Resampling.NEAREST)
        if self.img.mode == "RGBA":
            self.img.paste(tile.convert("RGBA"), (x0, y0))
        else:
            self.img.paste(tile, (x0, y0))


# ============================================================================ backdrops


@dataclass
class _Scene:
    """What backdrop drawing needs: size, light, palette, randomness."""

    w: float
    h: float
    time: str
    palette: list[RGB]
    rng: random.Random
    horizon: float = 0.55

    def pal(self, i: int) -> RGB:
        return self.palette[i % len(self.palette)]

    @property
    def night(self) -> bool:
        return self.time == "night"

    @property
    def dark(self) -> bool:
        return self.time in ("night", "sunset")


_INTERIORS = frozenset({"kitchen", "office", "gym", "living room", "studio", "cafe", "bedroom",
                        "subway", "bathroom", "classroom", "interior"})

# Where figures stand (fraction of height) and how tall they are in a wide shot.
_STAGE: dict[str, tuple[float, float]] = {
    "interior": (0.93, 0.56), "exterior": (0.88, 0.36), "stadium": (0.9, 0.32),
    "rooftop": (0.9, 0.42), "subway": (0.9, 0.5), "studio": (0.88, 0.52),
    "beach": (0.88, 0.36), "city street": (0.86, 0.38),
}


def _stage(setting: str) -> tuple[float, float]:
    if setting in _STAGE:
        return _STAGE[setting]
    return _STAGE["interior" if setting in _INTERIORS else "exterior"]


def _sky(p: _Pen, sc: _Scene, bottom: float, *, top: float = 0.0, left: float = 0.0,
         right: float | None = None, bodies: bool = True) -> None:
    """Sky gradient for the time of day, with sun or moon, clouds or stars."""
    right = sc.w if right is None else right
    p.gradient((left, top, right, bottom), _TIMES[sc.time].sky)
    if not bodies:
        return
    rng = sc.rng
    span, height = right - left, bottom - top
    if sc.night:
        for _ in range(int(span * height / 2500)):
            x, y = left + rng.random() * span, top + rng.random() * height * 0.9
            r = 0.6 + rng.random() * 1.1
            p.circle(x, y, r, (255, 255, 235, 160 + rng.randrange(90)), lit=False)
        mx, my, mr = left + span * (0.72 + 0.12 * rng.random()), top + height * 0.22, sc.h * 0.05
        p.circle(mx, my, mr * 2.2, (200, 210, 255, 28), lit=False)
        p.circle(mx, my, mr, (246, 242, 222), lit=False)
        p.circle(mx - mr * 0.3, my - mr * 0.2, mr * 0.18, (220, 216, 196), lit=False)
    elif sc.time == "sunset":
        sx, sy, sr = left + span * (0.3 + 0.4 * rng.random()), bottom - height * 0.08, sc.h * 0.09
        for k, a in ((3.2, 30), (2.2, 45), (1.5, 70)):
            p.circle(sx, sy, sr * k, (255, 190, 90, a), lit=False)
        p.circle(sx, sy, sr, (255, 226, 150), lit=False)
    else:
        sx = left + span * (0.78 if sc.time == "day" else 0.2) + rng.uniform(-0.05, 0.05) * span
        sy = top + height * (0.2 if sc.time == "day" else 0.62)
        sr = sc.h * 0.055
        p.circle(sx, sy, sr * 2.4, (255, 250, 210, 40), lit=False)
        p.circle(sx, sy, sr, (255, 246, 200), lit=False)
    if not sc.night:
        cloud = (255, 255, 255, 200) if sc.time == "day" else (255, 214, 200, 170)
        for _ in range(2 + rng.randrange(3)):
            cx = left + rng.random() * span
            cy = top + height * (0.12 + 0.45 * rng.random())
            size = sc.h * (0.03 + 0.03 * rng.random())
            _cloud(p, cx, cy, size, cloud)


def _cloud(p: _Pen, cx: float, cy: float, size: float, color: Sequence[int]) -> None:
    for dx, dy, r in ((-1.6, 0.3, 0.9), (-0.6, -0.3, 1.2), (0.6, -0.1, 1.1), (1.6, 0.35, 0.8),
                      (0.0, 0.45, 1.0)):
        p.circle(cx + dx * size, cy + dy * size, r * size, color, lit=False)


def _ground(p: _Pen, sc: _Scene, top: float, color: RGB, far: RGB | None = None) -> None:
    p.gradient((0, top, sc.w, sc.h), ((0.0, far or _lighter(color, 0.15)), (1.0, color)),
               lit=True)


def _hills(p: _Pen, sc: _Scene, base: float, height: float, color: RGB, bumps: int = 4) -> None:
    rng = sc.rng
    pts = [(0.0, base)]
    n = bumps * 6
    phase = rng.random() * 6.28
    for i in range(n + 1):
        x = sc.w * i / n
        y = base - height * (0.55 + 0.45 * math.sin(i / n * bumps * 3.14 + phase)
                             * (0.6 + 0.4 * math.sin(i * 1.7 + phase)))
        pts.append((x, y))
    pts.append((sc.w, base))
    p.poly(pts, color)


def _tree_round(p: _Pen, x: float, base: float, size: float, leaf: RGB,
                trunk: RGB = (112, 78, 52)) -> None:
    p.rect(x - size * 0.07, base - size * 0.55, x + size * 0.07, base, trunk, outline=True)
    for dx, dy, r in ((-0.22, -0.62, 0.3), (0.22, -0.64, 0.3), (0.0, -0.82, 0.34),
                      (0.0, -0.6, 0.3)):
        p.circle(x + dx * size, base + dy * size, r * size, leaf, outline=True)
    for dx, dy, r in ((-0.12, -0.85, 0.12), (0.15, -0.7, 0.09)):
        p.circle(x + dx * size, base + dy * size, r * size, _lighter(leaf, 0.18))


def _tree_pine(p: _Pen, x: float, base: float, size: float, leaf: RGB,
               outline: bool = True) -> None:
    p.rect(x - size * 0.04, base - size * 0.16, x + size * 0.04, base, (96, 66, 44),
           outline=outline)
    for k in range(3):
        top = base - size * (1.0 - k * 0.22)
        bottom = base - size * (0.12 + (2 - k) * 0.2)
        half = size * (0.18 + k * 0.07)
        p.poly([(x, top), (x - half, bottom), (x + half, bottom)], _darker(leaf, k * 0.06),
               outline=outline)


def _palm(p: _Pen, x: float, base: float, size: float, lean: float = 1.0) -> None:
    pts = [(x + lean * size * 0.25 * (t / 10) ** 2, base - size * t / 10) for t in range(11)]
    p.line(pts, (140, 100, 62), size * 0.06, outline=True)
    tx, ty = pts[-1]
    leaf = (52, 132, 66)
    for k, ang in enumerate((-165, -135, -105, -75, -45, -15, 160, 20)):
        a = math.radians(ang)
        # Fronds rise, then droop: a leaf-shaped polygon around a bent midrib.
        length = size * (0.38 if k % 2 else 0.44)
        dx, dy = math.cos(a), math.sin(a)
        mid = (tx + dx * length * 0.5, ty + dy * length * 0.35 - size * 0.03)
        tip = (tx + dx * length, ty + dy * length * 0.2 + size * 0.12)
        nx, ny = -dy, dx
        half = size * 0.045
        p.poly([(tx, ty), (mid[0] + nx * half, mid[1] + ny * half), tip,
                (mid[0] - nx * half, mid[1] - ny * half)], _darker(leaf, 0.08 * (k % 2)),
               outline=True)
    p.circle(tx, ty + size * 0.03, size * 0.04, (110, 80, 50))


def _window(p: _Pen, sc: _Scene, box: Box, frame: RGB = (245, 245, 240), panes: int = 2,
            view: str = "sky") -> None:
    x0, y0, x1, y1 = box
    sub = _Scene(x1 - x0, y1 - y0, sc.time, sc.palette, sc.rng)
    p.gradient(box, _TIMES[sc.time].sky)
    if view == "city":
        rng = sc.rng
        x = x0
        while x < x1:
            bw = (x1 - x0) * (0.12 + 0.15 * rng.random())
            top = y0 + (y1 - y0) * (0.35 + 0.4 * rng.random())
            shade = (150, 160, 176) if not sc.dark else (50, 56, 80)
            p.rect(x, top, min(x1, x + bw), y1, shade, lit=False)
            x += bw + 2
    elif view == "garden":
        p.rect(x0, y0 + (y1 - y0) * 0.7, x1, y1, (96, 156, 80) if not sc.night else (24, 40, 34),
               lit=False)
        for k in range(3):
            cx = x0 + (x1 - x0) * (0.2 + 0.3 * k)
            col = (70, 130, 66) if not sc.night else (20, 34, 30)
            p.circle(cx, y0 + (y1 - y0) * 0.68, (y1 - y0) * 0.16, col, lit=False)
    if sc.night:
        p.circle(x0 + sub.w * 0.7, y0 + sub.h * 0.25, min(sub.w, sub.h) * 0.08, (240, 236, 210),
                 lit=False)
    elif sc.time != "sunset" and view == "sky":
        _cloud(p, x0 + sub.w * 0.35, y0 + sub.h * 0.3, min(sub.w, sub.h) * 0.07,
               (255, 255, 255, 210))
    t = max(2.0, (x1 - x0) * 0.04)
    p.rect(x0 - t, y0 - t, x1 + t, y0, frame, outline=True)
    p.rect(x0 - t, y1, x1 + t, y1 + t * 1.4, frame, outline=True)
    p.rect(x0 - t, y0, x0, y1, frame)
    p.rect(x1, y0, x1 + t, y1, frame)
    for k in range(1, panes):
        x = x0 + (x1 - x0) * k / panes
        p.rect(x - t / 2, y0, x + t / 2, y1, frame)
    p.rect(x0, (y0 + y1) / 2 - t / 3, x1, (y0 + y1) / 2 + t / 3, frame)


def _plant(p: _Pen, x: float, base: float, size: float, pot: RGB) -> None:
    leaf = (60, 140, 76)
    for ang in (-70, -40, -100, -130, -10, -160):
        a = math.radians(ang)
        ex, ey = x + math.cos(a) * size * 0.5, base - size * 0.35 + math.sin(a) * size * 0.6
        p.line([(x, base - size * 0.3), (ex, ey)], leaf, size * 0.08)
        p.ellipse(ex, ey, size * 0.1, size * 0.16, _lighter(leaf, 0.1), outline=True)
    p.poly([(x - size * 0.2, base - size * 0.32), (x + size * 0.2, base - size * 0.32),
            (x + size * 0.15, base), (x - size * 0.15, base)], pot, outline=True)


def _lamp_glow(p: _Pen, x: float, y: float, r: float, sc: _Scene) -> None:
    if sc.dark:
        for k, a in ((3.0, 26), (2.0, 40), (1.3, 60)):
            p.circle(x, y, r * k, (255, 214, 140, a), lit=False)


def _frame_art(p: _Pen, box: Box, sc: _Scene, k: int) -> None:
    x0, y0, x1, y1 = box
    p.rect(x0, y0, x1, y1, (250, 248, 242), outline=True)
    m = (x1 - x0) * 0.12
    p.rect(x0 + m, y0 + m, x1 - m, y1 - m, _lighter(sc.pal(k), 0.25))
    p.poly([(x0 + m, y1 - m), ((x0 + x1) / 2, y0 + (y1 - y0) * 0.45), (x1 - m, y1 - m)],
           _darker(sc.pal(k + 1), 0.1))


def _floor(p: _Pen, sc: _Scene, top: float, color: RGB, kind: str = "wood") -> None:
    p.gradient((0, top, sc.w, sc.h), ((0.0, _darker(color, 0.12)), (1.0, color)), lit=True)
    if kind == "wood":
        n = 9
        for i in range(n + 1):
            x_far = sc.w * (0.2 + 0.6 * i / n)
            x_near = sc.w * (-0.6 + 2.2 * i / n)
            p.line([(x_far, top), (x_near, sc.h)], _darker(color, 0.18), 1.0)
    elif kind == "tile":
        for i in range(1, 6):
            y = top + (sc.h - top) * (i / 6) ** 1.4
            p.line([(0, y), (sc.w, y)], _darker(color, 0.15), 1.0)
        for i in range(13):
            x_far = sc.w * (0.1 + 0.8 * i / 12)
            x_near = sc.w * (-0.8 + 2.6 * i / 12)
            p.line([(x_far, top), (x_near, sc.h)], _darker(color, 0.15), 1.0)


def _wall(p: _Pen, sc: _Scene, bottom: float, color: RGB) -> None:
    p.gradient((0, 0, sc.w, bottom), ((0.0, _darker(color, 0.08)), (1.0, color)), lit=True)
    p.rect(0, bottom - sc.h * 0.012, sc.w, bottom, _darker(color, 0.25))


def _beach(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    hz = h * 0.5
    _sky(p, sc, hz)
    sea = {"day": ((40, 118, 188), (74, 170, 206)), "morning": ((70, 130, 180), (150, 190, 200)),
           "sunset": ((90, 70, 120), (226, 136, 96)), "night": ((10, 18, 44), (24, 40, 74))}
    top, near = sea[sc.time]
    shore = h * 0.68
    p.gradient((0, hz, w, shore), ((0.0, top), (1.0, near)))
    if sc.time in ("sunset", "night"):
        glint = (255, 200, 120, 90) if sc.time == "sunset" else (220, 230, 255, 70)
        for k in range(8):
            y = hz + (shore - hz) * (k + 0.5) / 8
            half = w * (0.02 + 0.015 * k)
            p.rect(w * 0.5 - half, y - 1.5, w * 0.5 + half, y + 1.5, glint, lit=False)
    for _ in range(14):
        y = hz + (shore - hz) * rng.random()
        x = rng.random() * w
        p.line([(x, y), (x + w * 0.04, y)], (255, 255, 255, 110), 1.5, lit=False)
    sand = (232, 206, 150)
    _ground(p, sc, shore, sand, _lighter(sand, 0.1))
    p.poly([(0, shore), (w, shore), (w, shore + h * 0.018)] + [
        (w * (1 - i / 10), shore + h * (0.012 + 0.012 * math.sin(i * 1.3))) for i in range(11)],
        (250, 250, 245, 200))
    if rng.random() < 0.7:
        bx = w * (0.78 + 0.1 * rng.random())
        p.poly([(bx, hz - h * 0.045), (bx + w * 0.01, hz - h * 0.005),
                (bx - w * 0.012, hz - h * 0.005)], (250, 250, 250))
        p.rect(bx - w * 0.016, hz - h * 0.006, bx + w * 0.014, hz, (120, 90, 70))
    ux = w * (0.12 + 0.1 * rng.random()) if rng.random() < 0.5 else w * (0.78 + 0.1 * rng.random())
    base = h * 0.84
    p.line([(ux, base), (ux, base - h * 0.26)], (236, 236, 236), 2.5, outline=True)
    top_y = base - h * 0.27
    for k in range(6):
        a0, a1 = 180 + k * 30, 180 + (k + 1) * 30
        col = sc.pal(k % 2) if k % 2 else (250, 250, 245)
        p.draw.pieslice(tuple(v * p.s for v in (ux - w * 0.1, top_y - h * 0.06, ux + w * 0.1,
                                                top_y + h * 0.08)), a0, a1,
                        fill=p.col(col), outline=p.col(INK), width=max(1, round(1.2 * p.s)))
    tx = ux + (w * 0.07 if ux < w / 2 else -w * 0.16)
    p.poly([(tx, h * 0.86), (tx + w * 0.1, h * 0.86), (tx + w * 0.12, h * 0.93),
            (tx + w * 0.02, h * 0.93)], sc.pal(2), outline=True)
    p.line([(tx + w * 0.035, h * 0.86), (tx + w * 0.055, h * 0.93)], (255, 255, 255), 2.0)
    _palm(p, w * (0.92 if ux < w / 2 else 0.06), h * 0.8, h * 0.55, -1 if ux < w / 2 else 1)


def _buildings(p: _Pen, sc: _Scene, base: float, low: float, high: float, *,
               near: bool = True) -> None:
    rng, w, h = sc.rng, sc.w, sc.h
    x = -w * 0.02
    lit_window = (255, 214, 120)
    while x < w:
        bw = w * (0.07 + 0.09 * rng.random())
        top = base - h * (low + (high - low) * rng.random())
        tone = rng.choice([(168, 160, 150), (150, 120, 104), (120, 130, 146), (190, 178, 160),
                           _mix(sc.pal(rng.randrange(4)), (150, 150, 150), 0.6)])
        if not near:
            tone = _mix(tone, _TIMES[sc.time].sky[-1][1], 0.45)
        p.rect(x, top, x + bw, base, tone, outline=near)
        if near:
            p.rect(x - 2, top - 3, x + bw + 2, top + 2, _darker(tone, 0.2))
        cols = max(2, int(bw / (h * 0.035)))
        rows = max(2, int((base - top) / (h * 0.05)))
        gx = bw / cols
        gy = (base - top - h * 0.02) / rows
        for i in range(cols):
            for j in range(rows):
                wx, wy = x + i * gx + gx * 0.25, top + h * 0.02 + j * gy + gy * 0.2
                on = sc.dark and rng.random() < (0.6 if sc.night else 0.3)
                col = lit_window if on else (_darker(tone, 0.35) if sc.dark else (196, 214, 230))
                p.rect(wx, wy, wx + gx * 0.5, wy + gy * 0.55, col, lit=not on)
        x += bw + w * 0.004


def _city_street(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.6)
    _buildings(p, sc, h * 0.62, 0.25, 0.42, near=False)
    _buildings(p, sc, h * 0.7, 0.3, 0.6)
    for k in range(3):
        ax = w * (0.1 + 0.3 * k + 0.05 * rng.random())
        p.poly([(ax, h * 0.6), (ax + w * 0.12, h * 0.6), (ax + w * 0.13, h * 0.64),
                (ax - w * 0.01, h * 0.64)], sc.pal(k), outline=True)
        for s in range(0, 6, 2):
            sx = ax + w * 0.12 * s / 6
            p.rect(sx, h * 0.6, sx + w * 0.02, h * 0.64, (250, 250, 245, 160))
    p.rect(0, h * 0.7, w, h * 0.77, (176, 174, 170))
    p.line([(0, h * 0.77), (w, h * 0.77)], (120, 118, 116), 2.0)
    p.gradient((0, h * 0.77, w, h), ((0.0, (70, 72, 78)), (1.0, (52, 54, 60))), lit=True)
    for k in range(8):
        x = w * (k / 8 + 0.02)
        p.rect(x, h * 0.875, x + w * 0.06, h * 0.885, (236, 230, 200))
    for lx in (w * 0.08, w * 0.62):
        p.rect(lx - 2, h * 0.36, lx + 2, h * 0.77, (60, 64, 70), outline=True)
        p.rect(lx - 2, h * 0.36, lx + w * 0.04, h * 0.375, (60, 64, 70))
        p.ellipse(lx + w * 0.04, h * 0.385, w * 0.012, h * 0.012,
                  (255, 236, 170) if sc.dark else (220, 220, 210), lit=not sc.dark)
        _lamp_glow(p, lx + w * 0.04, h * 0.39, h * 0.03, sc)
    _tree_round(p, w * 0.9, h * 0.74, h * 0.3, (70, 140, 76))


def _kitchen(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    wall = _mix(sc.pal(3), (246, 240, 228), 0.7)
    _wall(p, sc, h * 0.88, wall)
    _floor(p, sc, h * 0.88, (196, 190, 180), "tile")
    cab = _mix(sc.pal(1), (240, 240, 236), 0.35)
    _window(p, sc, (w * 0.38, h * 0.1, w * 0.62, h * 0.42), view="garden")
    for x0, x1 in ((w * 0.02, w * 0.34), (w * 0.66, w * 0.98)):
        p.rect(x0, h * 0.06, x1, h * 0.34, cab, outline=True)
        n = 3
        for k in range(n):
            a = x0 + (x1 - x0) * k / n
            p.rect(a + 4, h * 0.08, a + (x1 - x0) / n - 4, h * 0.32, _lighter(cab, 0.08),
                   outline=True)
            p.rect(a + (x1 - x0) / n / 2 - 1.5, h * 0.27, a + (x1 - x0) / n / 2 + 1.5,
                   h * 0.31, (90, 90, 96))
    for i in range(int(w / (h * 0.05)) + 1):
        for j in range(3):
            x, y = i * h * 0.05, h * (0.46 + j * 0.05)
            p.rect(x, y, x + h * 0.05, y + h * 0.05, (236, 238, 236), outline=(180, 184, 186))
    p.rect(0, h * 0.6, w, h * 0.635, (214, 206, 192), outline=True)
    p.rect(0, h * 0.635, w, h * 0.88, cab, outline=True)
    for k in range(6):
        x0 = w * k / 6
        p.rect(x0 + 5, h * 0.66, x0 + w / 6 - 5, h * 0.86, _lighter(cab, 0.06), outline=True)
        p.rect(x0 + w / 12 - 8, h * 0.68, x0 + w / 12 + 8, h * 0.69, (90, 90, 96))
    p.rect(w * 0.7, h * 0.585, w * 0.9, h * 0.6, (50, 50, 56), outline=True)
    for k in range(2):
        p.ellipse(w * (0.75 + 0.1 * k), h * 0.592, w * 0.03, h * 0.006, (90, 90, 96))
    p.ellipse(w * 0.16, h * 0.56, h * 0.045, h * 0.04, (200, 200, 204), outline=True)
    p.rect(w * 0.16 - h * 0.05, h * 0.595, w * 0.16 + h * 0.05, h * 0.6, (160, 160, 166))
    _plant(p, w * 0.3, h * 0.6, h * 0.12, sc.pal(0))
    p.line([(w * 0.5, 0), (w * 0.5, h * 0.05)], (60, 60, 60), 1.5)
    p.chord((w * 0.47, h * 0.03, w * 0.53, h * 0.09), 180, 360, sc.pal(2), outline=True)
    _lamp_glow(p, w * 0.5, h * 0.07, h * 0.03, sc)


def _office(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    wall = _mix(sc.pal(3), (232, 234, 236), 0.75)
    _wall(p, sc, h * 0.78, wall)
    _floor(p, sc, h * 0.78, (120, 126, 136), "carpet")
    _window(p, sc, (w * 0.05, h * 0.08, w * 0.55, h * 0.5), frame=(70, 74, 82), panes=4,
            view="city")
    p.rect(w * 0.62, h * 0.12, w * 0.95, h * 0.14, (150, 120, 90), outline=True)
    p.rect(w * 0.62, h * 0.3, w * 0.95, h * 0.32, (150, 120, 90), outline=True)
    for shelf_y in (h * 0.12, h * 0.3):
        x = w * 0.63
        while x < w * 0.93:
            bw = w * (0.012 + 0.01 * rng.random())
            bh = h * (0.08 + 0.04 * rng.random())
            p.rect(x, shelf_y - bh, x + bw, shelf_y, sc.pal(rng.randrange(5)), outline=True)
            x += bw + 1
    for dx in (w * 0.08, w * 0.56):
        top = h * 0.62
        p.rect(dx, top, dx + w * 0.36, top + h * 0.025, (214, 196, 168), outline=True)
        p.rect(dx + 6, top + h * 0.025, dx + 14, h * 0.8, (110, 110, 116))
        p.rect(dx + w * 0.36 - 14, top + h * 0.025, dx + w * 0.36 - 6, h * 0.8, (110, 110, 116))
        p.rect(dx + w * 0.1, top - h * 0.16, dx + w * 0.26, top - h * 0.04, (40, 42, 48),
               radius=3, outline=True)
        glow = _lighter(sc.pal(1), 0.45)
        p.rect(dx + w * 0.108, top - h * 0.152, dx + w * 0.252, top - h * 0.048, glow,
               lit=not sc.dark)
        p.rect(dx + w * 0.17, top - h * 0.04, dx + w * 0.19, top, (60, 62, 68))
    _plant(p, w * 0.52, h * 0.8, h * 0.2, sc.pal(2))
    for k in range(3):
        lx = w * (0.2 + 0.3 * k)
        p.rect(lx - w * 0.07, 0, lx + w * 0.07, h * 0.012, (250, 250, 240), lit=False)


def _forest(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.55)
    far = _mix((60, 110, 80), _TIMES[sc.time].sky[-1][1], 0.45)
    for _ in range(int(w / (h * 0.06))):
        _tree_pine(p, rng.random() * w, h * 0.6, h * (0.3 + 0.15 * rng.random()), far,
                   outline=False)
    _ground(p, sc, h * 0.58, (70, 96, 52), (90, 116, 66))
    p.poly([(w * 0.46, h * 0.58), (w * 0.54, h * 0.58), (w * 0.78, h), (w * 0.22, h)],
           (170, 140, 100))
    mid = (46, 104, 60)
    for _ in range(9):
        x = rng.random() * w
        _tree_pine(p, x, h * (0.66 + 0.06 * rng.random()), h * (0.45 + 0.15 * rng.random()), mid)
    for x in (w * 0.06, w * 0.92, w * 0.16):
        p.rect(x - h * 0.03, 0, x + h * 0.03, h * 0.95, (92, 64, 44), outline=True)
        p.circle(x, h * 0.02, h * 0.18, (40, 92, 52), outline=True)
    if sc.time in ("day", "morning"):
        for k in range(3):
            x = w * (0.3 + 0.2 * k)
            p.poly([(x, 0), (x + w * 0.05, 0), (x + w * 0.2, h * 0.9), (x + w * 0.08, h * 0.9)],
                   (255, 250, 200, 36), lit=False)
    for _ in range(10):
        fx, fy = rng.random() * w, h * (0.8 + 0.18 * rng.random())
        p.ellipse(fx, fy, h * 0.03, h * 0.012, (60, 120, 60))
    if sc.night:
        for _ in range(14):
            p.circle(rng.random() * w, h * (0.5 + 0.4 * rng.random()), 1.6, (240, 250, 140),
                     lit=False)


def _park(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.56)
    far = _mix((76, 130, 84), _TIMES[sc.time].sky[-1][1], 0.4)
    for k in range(int(w / (h * 0.1))):
        p.circle(k * h * 0.1 + rng.random() * 10, h * 0.55, h * (0.05 + 0.03 * rng.random()), far)
    _ground(p, sc, h * 0.55, (96, 166, 82), (126, 184, 100))
    p.poly([(w * 0.55, h * 0.55), (w * 0.6, h * 0.55), (w * 0.45, h * 0.75), (w * 0.7, h),
            (w * 0.35, h), (w * 0.32, h * 0.75)], (214, 200, 170))
    for x, s in ((w * 0.12, 0.42), (w * 0.85, 0.48), (w * 0.68, 0.26)):
        _tree_round(p, x, h * (0.58 + 0.2 * s), h * s, (64, 136, 70))
    bx = w * 0.74
    p.rect(bx, h * 0.74, bx + w * 0.14, h * 0.755, (150, 104, 64), outline=True)
    p.rect(bx, h * 0.69, bx + w * 0.14, h * 0.705, (150, 104, 64), outline=True)
    for lx in (bx + 5, bx + w * 0.14 - 8):
        p.rect(lx, h * 0.755, lx + 3, h * 0.8, (60, 60, 64))
    lx = w * 0.28
    p.rect(lx - 2, h * 0.4, lx + 2, h * 0.72, (50, 54, 60), outline=True)
    p.circle(lx, h * 0.39, h * 0.015, (255, 236, 170) if sc.dark else (230, 230, 220),
             lit=not sc.dark)
    _lamp_glow(p, lx, h * 0.39, h * 0.025, sc)
    for _ in range(24):
        fx, fy = rng.random() * w, h * (0.62 + 0.35 * rng.random())
        p.circle(fx, fy, 2.2, sc.pal(rng.randrange(5)))


def _mountains(p: _Pen, sc: _Scene, base: float, height: float, color: RGB, *,
               snow: bool = True, count: int = 4) -> None:
    rng, w = sc.rng, sc.w
    for _ in range(count):
        cx = rng.random() * w
        half = w * (0.15 + 0.15 * rng.random())
        top = base - height * (0.6 + 0.4 * rng.random())
        p.poly([(cx - half, base), (cx, top), (cx + half, base)], color)
        p.poly([(cx, top), (cx + half, base), (cx + half * 0.2, base)], _darker(color, 0.12))
        if snow:
            t = 0.22
            p.poly([(cx, top), (cx - half * t, top + (base - top) * t),
                    (cx - half * t * 0.3, top + (base - top) * t * 0.8),
                    (cx + half * t * 0.3, top + (base - top) * t * 1.05),
                    (cx + half * t, top + (base - top) * t)], (246, 248, 252))


def _mountain_trail(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.6)
    sky_low = _TIMES[sc.time].sky[-1][1]
    _mountains(p, sc, h * 0.6, h * 0.4, _mix((110, 126, 160), sky_low, 0.3))
    _hills(p, sc, h * 0.66, h * 0.1, _mix((84, 130, 80), sky_low, 0.2))
    _ground(p, sc, h * 0.64, (110, 140, 78), (128, 150, 92))
    p.poly([(w * 0.5, h * 0.64), (w * 0.53, h * 0.64), (w * 0.45, h * 0.75), (w * 0.72, h),
            (w * 0.4, h), (w * 0.38, h * 0.75)], (186, 160, 120))
    for _ in range(6):
        x, y = rng.random() * w, h * (0.72 + 0.25 * rng.random())
        s = h * (0.02 + 0.03 * rng.random())
        p.poly([(x - s, y), (x - s * 0.6, y - s * 0.9), (x + s * 0.4, y - s),
                (x + s, y)], (140, 136, 130), outline=True)
    for x in (w * 0.06, w * 0.14, w * 0.9):
        _tree_pine(p, x, h * (0.8 + 0.05 * rng.random()), h * 0.4, (46, 100, 60))
    sx = w * 0.8
    p.rect(sx - 2, h * 0.62, sx + 2, h * 0.78, (120, 90, 60), outline=True)
    p.poly([(sx - w * 0.05, h * 0.63), (sx + w * 0.06, h * 0.63), (sx + w * 0.075, h * 0.655),
            (sx + w * 0.06, h * 0.68), (sx - w * 0.05, h * 0.68)], (170, 130, 84), outline=True)


def _gym(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    wall = (92, 96, 104)
    _wall(p, sc, h * 0.8, wall)
    p.rect(0, h * 0.42, w, h * 0.46, sc.pal(0))
    for k in range(3):
        _window(p, sc, (w * (0.08 + 0.3 * k), h * 0.06, w * (0.26 + 0.3 * k), h * 0.2),
                frame=(60, 62, 68), panes=3)
    p.rect(w * 0.04, h * 0.24, w * 0.96, h * 0.78, (176, 196, 206), outline=True)
    for k in range(5):
        x = w * (0.1 + 0.2 * k)
        p.line([(x, h * 0.26), (x + w * 0.08, h * 0.5)], (226, 236, 240, 140), 3.0, lit=False)
    p.rect(w * 0.04, h * 0.2, w * 0.96, h * 0.24, (40, 40, 44))
    p.fit_text((w * 0.3, h * 0.203, w * 0.7, h * 0.237), "TRAIN · MOVE · REPEAT", (240, 240, 240))
    p.gradient((0, h * 0.8, w, h), ((0.0, (46, 46, 50)), (1.0, (30, 30, 34))), lit=True)
    rx = w * 0.62
    p.rect(rx, h * 0.68, rx + w * 0.32, h * 0.7, (70, 70, 76), outline=True)
    p.rect(rx, h * 0.76, rx + w * 0.32, h * 0.78, (70, 70, 76), outline=True)
    for k in range(6):
        cx = rx + w * (0.025 + 0.05 * k)
        for y in (h * 0.665, h * 0.745):
            p.rect(cx - w * 0.02, y - 2, cx + w * 0.02, y + 2, (120, 120, 126))
            p.circle(cx - w * 0.02, y, h * 0.014, (36, 36, 40), outline=True)
            p.circle(cx + w * 0.02, y, h * 0.014, (36, 36, 40), outline=True)
    bx = w * 0.12
    p.rect(bx, h * 0.76, bx + w * 0.2, h * 0.785, (30, 30, 34), radius=4, outline=True)
    p.rect(bx + 10, h * 0.785, bx + 16, h * 0.84, (120, 120, 126))
    p.rect(bx + w * 0.2 - 16, h * 0.785, bx + w * 0.2 - 10, h * 0.84, (120, 120, 126))
    for k in range(3):
        kx = w * (0.4 + 0.06 * k)
        p.circle(kx, h * 0.9, h * 0.03, (40, 40, 44), outline=True)
        p.arc((kx - h * 0.02, h * 0.84, kx + h * 0.02, h * 0.88), 180, 360, (40, 40, 44), 3)
        p.circle(kx, h * 0.9, h * 0.012, sc.pal(k + rng.randrange(2)))


def _living_room(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    wall = _mix(sc.pal(2), (240, 232, 220), 0.72)
    _wall(p, sc, h * 0.78, wall)
    _floor(p, sc, h * 0.78, (170, 126, 88), "wood")
    _window(p, sc, (w * 0.06, h * 0.12, w * 0.3, h * 0.52), view="garden")
    cur = sc.pal(1)
    p.rect(w * 0.02, h * 0.08, w * 0.07, h * 0.62, cur, outline=True)
    p.rect(w * 0.29, h * 0.08, w * 0.34, h * 0.62, cur, outline=True)
    p.rect(w * 0.01, h * 0.07, w * 0.35, h * 0.085, (120, 100, 80))
    _frame_art(p, (w * 0.5, h * 0.14, w * 0.64, h * 0.34), sc, 0)
    _frame_art(p, (w * 0.68, h * 0.18, w * 0.78, h * 0.3), sc, 2)
    sofa = sc.pal(0)
    p.rect(w * 0.42, h * 0.5, w * 0.9, h * 0.66, _darker(sofa, 0.1), radius=14, outline=True)
    p.rect(w * 0.4, h * 0.62, w * 0.92, h * 0.76, sofa, radius=10, outline=True)
    p.rect(w * 0.38, h * 0.56, w * 0.45, h * 0.76, _darker(sofa, 0.05), radius=10, outline=True)
    p.rect(w * 0.87, h * 0.56, w * 0.94, h * 0.76, _darker(sofa, 0.05), radius=10, outline=True)
    for k in range(2):
        cx = w * (0.55 + 0.2 * k)
        p.rect(cx - w * 0.05, h * 0.54, cx + w * 0.05, h * 0.63, _lighter(sc.pal(3), 0.2),
               radius=8, outline=True)
    p.ellipse(w * 0.62, h * 0.9, w * 0.3, h * 0.07, _lighter(sc.pal(1), 0.3))
    p.rect(w * 0.5, h * 0.8, w * 0.74, h * 0.82, (120, 86, 60), outline=True)
    lx = w * 0.96
    p.rect(lx - 2, h * 0.3, lx + 2, h * 0.78, (60, 60, 64))
    p.poly([(lx - w * 0.03, h * 0.22), (lx + w * 0.03, h * 0.22), (lx + w * 0.04, h * 0.31),
            (lx - w * 0.04, h * 0.31)], (250, 236, 200), outline=True, lit=not sc.dark)
    _lamp_glow(p, lx, h * 0.28, h * 0.05, sc)
    _plant(p, w * 0.37, h * 0.8, h * 0.22, (220, 220, 216))


def _studio(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    paper = _mix(sc.pal(1), (236, 236, 236), 0.7)
    p.gradient((0, 0, w, h), ((0.0, _darker(paper, 0.2)), (0.6, paper),
                              (0.75, _lighter(paper, 0.15)), (1.0, paper)), lit=True)
    p.ellipse(w * 0.5, h * 0.8, w * 0.4, h * 0.08, (255, 255, 255, 50), lit=False)
    for x, d in ((w * 0.1, 1), (w * 0.9, -1)):
        p.line([(x, h * 0.9), (x, h * 0.3)], (50, 50, 56), 3)
        p.line([(x - w * 0.03, h * 0.95), (x, h * 0.85), (x + w * 0.03, h * 0.95)],
               (50, 50, 56), 2.5)
        box = [(x - d * w * 0.02, h * 0.14), (x + d * w * 0.08, h * 0.2),
               (x + d * w * 0.08, h * 0.44), (x - d * w * 0.02, h * 0.5)]
        p.poly(box, (40, 40, 44), outline=True)
        inner = [(x + d * w * 0.075, h * 0.21), (x + d * w * 0.075, h * 0.43)]
        p.line(inner, (255, 255, 250), 6, lit=False)
    p.rect(w * 0.47, h * 0.02, w * 0.53, h * 0.05, (40, 40, 44), outline=True)


def _cafe(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    wall = _mix(sc.pal(0), (226, 200, 170), 0.75)
    _wall(p, sc, h * 0.8, wall)
    for i in range(0, int(w / (h * 0.06)) + 1):
        for j in range(5):
            x, y = i * h * 0.06 + (j % 2) * h * 0.03, h * (0.44 + j * 0.025)
            p.rect(x, y, x + h * 0.058, y + h * 0.023, (186, 110, 84), outline=(150, 86, 64))
    _floor(p, sc, h * 0.8, (120, 86, 62), "wood")
    p.rect(w * 0.08, h * 0.08, w * 0.36, h * 0.36, (46, 56, 52), outline=True)
    p.rect(w * 0.07, h * 0.07, w * 0.37, h * 0.09, (120, 86, 60))
    p.text(w * 0.22, h * 0.13, "MENU", h * 0.04, (240, 240, 230))
    for k in range(4):
        y = h * (0.19 + k * 0.04)
        p.line([(w * 0.11, y), (w * (0.24 + 0.04 * rng.random()), y)], (220, 220, 210), 2,
               lit=False)
        p.line([(w * 0.3, y), (w * 0.33, y)], (220, 220, 210), 2, lit=False)
    _window(p, sc, (w * 0.46, h * 0.1, w * 0.92, h * 0.4), frame=(60, 50, 44), panes=3,
            view="city")
    p.rect(0, h * 0.56, w * 0.45, h * 0.6, (90, 62, 44), outline=True)
    p.rect(0, h * 0.6, w * 0.43, h * 0.8, (134, 94, 64), outline=True)
    p.rect(w * 0.1, h * 0.46, w * 0.2, h * 0.56, (170, 172, 178), radius=4, outline=True)
    p.rect(w * 0.12, h * 0.49, w * 0.18, h * 0.5, (60, 60, 66))
    for k in range(3):
        px = w * (0.55 + 0.15 * k)
        p.line([(px, 0), (px, h * 0.08)], (50, 50, 50), 1.5)
        p.chord((px - h * 0.04, h * 0.06, px + h * 0.04, h * 0.14), 180, 360, sc.pal(k + 1),
                outline=True)
        _lamp_glow(p, px, h * 0.11, h * 0.025, sc)
    for tx in (w * 0.58, w * 0.84):
        p.ellipse(tx, h * 0.66, w * 0.07, h * 0.015, (230, 226, 220), outline=True)
        p.rect(tx - 2, h * 0.67, tx + 2, h * 0.8, (50, 50, 56))
        p.rect(tx - w * 0.03, h * 0.795, tx + w * 0.03, h * 0.805, (50, 50, 56))
        p.rect(tx - w * 0.012, h * 0.635, tx + w * 0.012, h * 0.655, (250, 250, 250),
               outline=True)


def _bedroom(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    wall = _mix(sc.pal(3), (232, 226, 240), 0.7)
    _wall(p, sc, h * 0.76, wall)
    _floor(p, sc, h * 0.76, (180, 146, 110), "wood")
    _window(p, sc, (w * 0.72, h * 0.12, w * 0.92, h * 0.48))
    p.rect(w * 0.68, h * 0.08, w * 0.73, h * 0.6, sc.pal(1), outline=True)
    p.rect(w * 0.91, h * 0.08, w * 0.96, h * 0.6, sc.pal(1), outline=True)
    _frame_art(p, (w * 0.3, h * 0.1, w * 0.5, h * 0.26), sc, 1)
    p.rect(w * 0.18, h * 0.36, w * 0.62, h * 0.62, (130, 92, 64), radius=10, outline=True)
    p.rect(w * 0.16, h * 0.58, w * 0.64, h * 0.8, (246, 246, 244), radius=8, outline=True)
    p.rect(w * 0.16, h * 0.66, w * 0.64, h * 0.84, sc.pal(0), radius=8, outline=True)
    p.line([(w * 0.16, h * 0.7), (w * 0.64, h * 0.7)], _lighter(sc.pal(0), 0.3), 3)
    for k in range(2):
        cx = w * (0.29 + 0.22 * k)
        p.rect(cx - w * 0.08, h * 0.52, cx + w * 0.08, h * 0.62, (252, 252, 250), radius=12,
               outline=True)
    p.rect(w * 0.04, h * 0.56, w * 0.13, h * 0.74, (150, 110, 76), outline=True)
    p.rect(w * 0.075, h * 0.46, w * 0.095, h * 0.56, (80, 80, 84))
    p.poly([(w * 0.05, h * 0.4), (w * 0.12, h * 0.4), (w * 0.11, h * 0.47),
            (w * 0.06, h * 0.47)], (250, 236, 200), outline=True, lit=not sc.dark)
    _lamp_glow(p, w * 0.085, h * 0.45, h * 0.05, sc)
    p.ellipse(w * 0.4, h * 0.92, w * 0.3, h * 0.05, _lighter(sc.pal(2), 0.3))


def _desert_road(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    hz = h * 0.56
    _sky(p, sc, hz)
    sky_low = _TIMES[sc.time].sky[-1][1]
    for _ in range(3):
        cx, half = rng.random() * w, w * (0.08 + 0.08 * rng.random())
        top = hz - h * (0.08 + 0.08 * rng.random())
        p.poly([(cx - half, hz), (cx - half * 0.7, top), (cx + half * 0.7, top), (cx + half, hz)],
               _mix((176, 92, 60), sky_low, 0.35))
    _ground(p, sc, hz, (214, 170, 110), (226, 190, 140))
    _hills(p, sc, h * 0.62, h * 0.03, (206, 160, 100), bumps=3)
    p.poly([(w * 0.49, hz), (w * 0.51, hz), (w * 0.9, h), (w * 0.1, h)], (70, 70, 76))
    for k in range(7):
        t0, t1 = (k / 7) ** 2, ((k + 0.5) / 7) ** 2
        y0, y1 = hz + (h - hz) * t0, hz + (h - hz) * t1
        half0, half1 = w * 0.002 + t0 * w * 0.008, w * 0.002 + t1 * w * 0.008
        p.poly([(w / 2 - half0, y0), (w / 2 + half0, y0), (w / 2 + half1, y1),
                (w / 2 - half1, y1)], (240, 210, 80))
    for k in range(4):
        t = 0.15 + 0.25 * k
        x, y = w * 0.5 + (w * 0.42) * t + w * 0.05, hz + (h - hz) * t
        size = h * 0.25 * t + 4
        p.line([(x, y), (x, y - size)], (90, 70, 50), max(1.0, size * 0.04))
        p.line([(x - size * 0.2, y - size * 0.92), (x + size * 0.2, y - size * 0.92)],
               (90, 70, 50), max(1.0, size * 0.03))
    for x, s in ((w * 0.14, 0.26), (w * 0.3, 0.12), (w * 0.86, 0.2)):
        _cactus(p, x, h * (0.66 + 0.5 * s), h * s)


def _cactus(p: _Pen, x: float, base: float, size: float, color: RGB = (70, 134, 76)) -> None:
    arm = size * 0.12
    p.line([(x, base), (x, base - size)], color, size * 0.2, outline=True)
    p.line([(x - size * 0.1, base - size * 0.45), (x - size * 0.28, base - size * 0.45),
            (x - size * 0.28, base - size * 0.72)], color, arm, outline=True)
    p.line([(x + size * 0.1, base - size * 0.55), (x + size * 0.26, base - size * 0.55),
            (x + size * 0.26, base - size * 0.8)], color, arm, outline=True)
    p.line([(x, base), (x, base - size)], color, size * 0.2)


def _lake(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    hz = h * 0.5
    _sky(p, sc, hz)
    sky_low = _TIMES[sc.time].sky[-1][1]
    _mountains(p, sc, hz, h * 0.22, _mix((100, 120, 150), sky_low, 0.35), count=3)
    for k in range(int(w / (h * 0.04))):
        _tree_pine(p, k * h * 0.04 + rng.random() * 6, hz + h * 0.02,
                   h * (0.08 + 0.05 * rng.random()), _mix((40, 90, 60), sky_low, 0.2),
                   outline=False)
    water_top, water_near = {"day": ((80, 150, 200), (40, 100, 150)),
                             "morning": ((170, 190, 205), (80, 120, 150)),
                             "sunset": ((220, 140, 110), (90, 70, 110)),
                             "night": ((30, 40, 76), (10, 16, 36))}[sc.time]
    p.gradient((0, hz + h * 0.02, w, h * 0.82), ((0.0, water_top), (1.0, water_near)))
    for _ in range(16):
        x, y = rng.random() * w, hz + h * (0.04 + 0.3 * rng.random())
        p.line([(x, y), (x + w * 0.05, y)], (255, 255, 255, 80), 1.5, lit=False)
    _ground(p, sc, h * 0.82, (98, 140, 76), (110, 150, 86))
    dx = w * (0.62 + 0.1 * rng.random())
    p.poly([(dx, h * 0.66), (dx + w * 0.08, h * 0.66), (dx + w * 0.16, h * 0.86),
            (dx - w * 0.02, h * 0.86)], (150, 110, 76), outline=True)
    for k in range(5):
        y = h * (0.68 + k * 0.04)
        p.line([(dx - w * 0.01 * k / 4 * 2, y), (dx + w * 0.08 + w * 0.08 * k / 4, y)],
               (110, 80, 56), 1.2)
    p.ellipse(w * 0.25, h * 0.7, w * 0.08, h * 0.012, sc.pal(0), outline=True)
    for _ in range(12):
        gx = rng.random() * w
        p.line([(gx, h * 0.84), (gx + 3, h * 0.8)], (60, 110, 60), 2)


def _rooftop(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.64)
    _buildings(p, sc, h * 0.64, 0.06, 0.3, near=False)
    p.gradient((0, h * 0.64, w, h), ((0.0, (150, 146, 140)), (1.0, (120, 116, 112))), lit=True)
    p.rect(0, h * 0.6, w, h * 0.66, (170, 160, 150), outline=True)
    for k in range(11):
        x = w * k / 10
        p.rect(x - 2, h * 0.5, x + 2, h * 0.6, (60, 60, 64))
    p.rect(0, h * 0.49, w, h * 0.505, (60, 60, 64))
    pts = [(w * k / 20, h * (0.2 + 0.05 * math.sin(k / 20 * math.pi * 2))) for k in range(21)]
    p.line(pts, (40, 40, 40), 1.2)
    for k, (x, y) in enumerate(pts):
        bulb = (255, 226, 150) if sc.dark else (240, 240, 230)
        if sc.dark:
            p.circle(x, y + 6, 7, (255, 214, 140, 50), lit=False)
        p.circle(x, y + 5, 3.5, bulb if k % 3 else sc.pal(k), lit=not sc.dark)
    tx = w * (0.82 if rng.random() < 0.5 else 0.08)
    p.rect(tx, h * 0.3, tx + w * 0.1, h * 0.48, (130, 96, 70), outline=True)
    p.poly([(tx - 5, h * 0.3), (tx + w * 0.05, h * 0.24), (tx + w * 0.1 + 5, h * 0.3)],
           (100, 74, 56), outline=True)
    for lx in (tx + 8, tx + w * 0.1 - 12):
        p.rect(lx, h * 0.48, lx + 4, h * 0.6, (70, 70, 76))
    for k in range(2):
        px = w * (0.3 + 0.4 * k)
        _plant(p, px, h * 0.74, h * 0.16, sc.pal(k + 2))
    cx = w * 0.55
    p.rect(cx, h * 0.74, cx + w * 0.14, h * 0.78, sc.pal(1), radius=4, outline=True)
    p.poly([(cx, h * 0.74), (cx - w * 0.02, h * 0.66), (cx + w * 0.01, h * 0.66),
            (cx + w * 0.03, h * 0.74)], sc.pal(1), outline=True)


def _subway(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    tile = (230, 232, 228)
    p.rect(0, 0, w, h * 0.72, tile, lit=False)
    for j in range(int(h * 0.72 / (h * 0.035)) + 1):
        y = j * h * 0.035
        p.line([(0, y), (w, y)], (200, 202, 198), 1, lit=False)
    p.rect(0, h * 0.3, w, h * 0.34, sc.pal(0), lit=False)
    p.rect(w * 0.55, h * 0.12, w * 0.9, h * 0.2, (30, 30, 34), outline=True, lit=False)
    p.fit_text((w * 0.56, h * 0.125, w * 0.89, h * 0.195), "CENTRAL", (250, 250, 250))
    p.gradient((0, h * 0.72, w, h), ((0.0, (120, 120, 124)), (1.0, (90, 90, 96))), lit=False)
    p.rect(0, h * 0.72, w, h * 0.745, (242, 200, 40), lit=False)
    car = (196, 200, 208)
    p.rect(-w * 0.02, h * 0.22, w * 0.48, h * 0.72, car, radius=12, outline=True, lit=False)
    p.rect(-w * 0.02, h * 0.5, w * 0.48, h * 0.53, sc.pal(1), lit=False)
    for k in range(3):
        x = w * (0.02 + 0.15 * k)
        glass = (60, 80, 100) if not sc.night else (250, 230, 170)
        p.rect(x, h * 0.28, x + w * 0.11, h * 0.46, glass, radius=6, outline=True, lit=False)
    p.rect(w * 0.36, h * 0.27, w * 0.46, h * 0.72, (170, 176, 186), outline=True, lit=False)
    p.line([(w * 0.41, h * 0.27), (w * 0.41, h * 0.72)], (120, 126, 136), 2, lit=False)
    for k in range(3):
        x = w * (0.25 + 0.3 * k)
        p.rect(x, 0, x + w * 0.12, h * 0.02, (255, 255, 245), lit=False)
    p.rect(w * 0.72, h * 0.2, w * 0.76, h * 0.72, (200, 200, 196), outline=True, lit=False)


def _bathroom(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    tile = _mix(sc.pal(3), (234, 240, 242), 0.8)
    p.rect(0, 0, w, h * 0.82, tile)
    step = h * 0.07
    for i in range(int(w / step) + 1):
        p.line([(i * step, h * 0.4), (i * step, h * 0.82)], _darker(tile, 0.12), 1)
    for j in range(7):
        y = h * 0.4 + j * step
        p.line([(0, y), (w, y)], _darker(tile, 0.12), 1)
    _floor(p, sc, h * 0.82, (200, 204, 206), "tile")
    p.rect(w * 0.3, h * 0.08, w * 0.56, h * 0.44, (210, 226, 234), radius=10, outline=True)
    p.line([(w * 0.34, h * 0.14), (w * 0.4, h * 0.3)], (250, 250, 255, 160), 4, lit=False)
    p.rect(w * 0.26, h * 0.54, w * 0.6, h * 0.82, _mix(sc.pal(1), (240, 240, 236), 0.4),
           outline=True)
    p.rect(w * 0.25, h * 0.5, w * 0.61, h * 0.55, (246, 246, 246), outline=True)
    p.ellipse(w * 0.43, h * 0.52, w * 0.08, h * 0.015, (210, 214, 218))
    p.line([(w * 0.43, h * 0.5), (w * 0.43, h * 0.46), (w * 0.45, h * 0.46)], (180, 184, 190),
           3)
    p.rect(w * 0.68, h * 0.56, w * 1.02, h * 0.8, (250, 250, 250), radius=20, outline=True)
    p.rect(w * 0.7, h * 0.56, w * 1.0, h * 0.6, (200, 220, 232))
    p.rect(w * 0.08, h * 0.3, w * 0.16, h * 0.58, sc.pal(0), radius=4, outline=True)
    p.rect(w * 0.06, h * 0.29, w * 0.18, h * 0.31, (180, 184, 190))
    _plant(p, w * 0.64, h * 0.5, h * 0.1, (240, 240, 240))
    _window(p, sc, (w * 0.72, h * 0.1, w * 0.92, h * 0.3), panes=2)


def _classroom(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    wall = _mix(sc.pal(2), (236, 232, 214), 0.75)
    _wall(p, sc, h * 0.74, wall)
    _floor(p, sc, h * 0.74, (176, 150, 116), "wood")
    p.rect(w * 0.2, h * 0.1, w * 0.74, h * 0.44, (120, 90, 60), outline=True)
    p.rect(w * 0.215, h * 0.12, w * 0.725, h * 0.42, (44, 84, 64))
    for k, text in enumerate(("a² + b² = c²", "Today: ideas!")):
        p.text(w * 0.45, h * (0.2 + 0.1 * k), text, h * 0.045, (236, 240, 230))
    p.circle(w * 0.86, h * 0.14, h * 0.05, (250, 250, 246), outline=True)
    p.line([(w * 0.86, h * 0.14), (w * 0.86, h * 0.11)], INK, 2)
    p.line([(w * 0.86, h * 0.14), (w * 0.88, h * 0.15)], INK, 2)
    _window(p, sc, (w * 0.02, h * 0.12, w * 0.14, h * 0.46))
    for row in range(2):
        y = h * (0.66 + 0.14 * row)
        for k in range(4):
            x = w * (0.08 + 0.24 * k) + (row * w * 0.04)
            size = 1 + row * 0.25
            p.rect(x, y, x + w * 0.14 * size, y + h * 0.02 * size, (200, 164, 110), outline=True)
            p.rect(x + 4, y + h * 0.02 * size, x + 8, y + h * 0.1 * size, (90, 90, 96))
            p.rect(x + w * 0.14 * size - 8, y + h * 0.02 * size, x + w * 0.14 * size - 4,
                   y + h * 0.1 * size, (90, 90, 96))


def _garden(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.5)
    _tree_round(p, w * 0.86, h * 0.62, h * 0.5, (60, 130, 70))
    p.rect(0, h * 0.46, w, h * 0.62, (90, 140, 76), radius=8)
    for k in range(int(w / (h * 0.06)) + 1):
        x = k * h * 0.06
        p.poly([(x, h * 0.42), (x + h * 0.018, h * 0.4), (x + h * 0.036, h * 0.42),
                (x + h * 0.036, h * 0.6), (x, h * 0.6)], (236, 226, 206), outline=True)
    p.rect(0, h * 0.47, w, h * 0.485, (226, 214, 190))
    _ground(p, sc, h * 0.6, (92, 160, 80), (110, 172, 92))
    for bed in range(2):
        y0 = h * (0.62 + 0.12 * bed)
        p.rect(w * 0.04, y0, w * 0.42, y0 + h * 0.08, (120, 84, 56), radius=6, outline=True)
        p.rect(w * 0.58, y0, w * 0.96, y0 + h * 0.08, (120, 84, 56), radius=6, outline=True)
        for _ in range(28):
            fx = w * (0.06 + 0.34 * rng.random()) if rng.random() < 0.5 else \
                w * (0.6 + 0.34 * rng.random())
            fy = y0 + h * 0.02 * rng.random()
            p.line([(fx, fy + h * 0.02), (fx, fy - h * 0.02)], (60, 120, 60), 1.5)
            p.circle(fx, fy - h * 0.025, h * 0.012, sc.pal(rng.randrange(5)), outline=True)
    for k in range(5):
        t = k / 4
        y = h * (0.64 + 0.34 * t)
        p.ellipse(w * 0.5, y, w * (0.03 + 0.03 * t), h * (0.01 + 0.012 * t), (190, 186, 176),
                  outline=True)
    cx = w * 0.47
    p.rect(cx, h * 0.86, cx + w * 0.05, h * 0.93, sc.pal(1), radius=4, outline=True)
    p.line([(cx + w * 0.05, h * 0.875), (cx + w * 0.08, h * 0.85)], sc.pal(1), 4, outline=True)


def _stadium(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.3)
    p.poly([(0, h * 0.22), (w, h * 0.22), (w, h * 0.56), (0, h * 0.56)], (70, 74, 84))
    for tier in range(3):
        y0 = h * (0.24 + 0.1 * tier)
        p.rect(0, y0 + h * 0.085, w, y0 + h * 0.1, (50, 52, 60))
        for _ in range(int(w / 7)):
            x, y = rng.random() * w, y0 + rng.random() * h * 0.08
            p.circle(x, y, 2.2, sc.pal(rng.randrange(5)) if rng.random() < 0.6 else
                     (230, 200, 170))
    p.rect(0, h * 0.54, w, h * 0.58, (40, 40, 46))
    p.fit_text((w * 0.3, h * 0.545, w * 0.7, h * 0.575), "HOME  2 : 1  AWAY", (250, 250, 250))
    green = (70, 150, 70)
    p.rect(0, h * 0.58, w, h, green)
    for k in range(8):
        y0 = h * 0.58 + (h * 0.42) * (k / 8) ** 1.2
        y1 = h * 0.58 + (h * 0.42) * ((k + 1) / 8) ** 1.2
        if k % 2:
            p.rect(0, y0, w, y1, _lighter(green, 0.1))
    p.line([(w * 0.5, h * 0.6), (w * 0.5, h)], (245, 245, 245), 2.5)
    p.ellipse(w * 0.5, h * 0.8, w * 0.12, h * 0.08, None, outline=(245, 245, 245))
    for x in (w * 0.05, w * 0.95):
        p.rect(x - 3, h * 0.02, x + 3, h * 0.3, (90, 90, 96), outline=True)
        p.rect(x - w * 0.04, h * 0.0, x + w * 0.04, h * 0.06, (60, 60, 66), outline=True)
        for k in range(4):
            lx = x - w * 0.03 + k * w * 0.02
            p.circle(lx, h * 0.03, h * 0.012, (255, 255, 230), lit=False)
        if sc.dark:
            p.circle(x, h * 0.03, h * 0.12, (255, 255, 220, 40), lit=False)


def _interior(p: _Pen, sc: _Scene) -> None:
    w, h = sc.w, sc.h
    _wall(p, sc, h * 0.78, _mix(sc.pal(2), (236, 232, 226), 0.72))
    _floor(p, sc, h * 0.78, (164, 134, 104), "wood")
    _window(p, sc, (w * 0.62, h * 0.12, w * 0.9, h * 0.5))
    _frame_art(p, (w * 0.16, h * 0.16, w * 0.34, h * 0.36), sc, 0)
    p.rect(w * 0.08, h * 0.6, w * 0.5, h * 0.63, (150, 110, 76), outline=True)
    p.rect(w * 0.1, h * 0.63, w * 0.12, h * 0.78, (110, 80, 56))
    p.rect(w * 0.46, h * 0.63, w * 0.48, h * 0.78, (110, 80, 56))
    _plant(p, w * 0.56, h * 0.8, h * 0.22, sc.pal(1))


def _exterior(p: _Pen, sc: _Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    _sky(p, sc, h * 0.58)
    sky_low = _TIMES[sc.time].sky[-1][1]
    _hills(p, sc, h * 0.6, h * 0.12, _mix((96, 140, 90), sky_low, 0.35))
    _ground(p, sc, h * 0.58, (108, 160, 84), (130, 174, 98))
    for _ in range(3):
        _tree_round(p, rng.random() * w, h * (0.64 + 0.06 * rng.random()),
                    h * (0.25 + 0.1 * rng.random()), (64, 134, 70))
    p.poly([(w * 0.48, h * 0.58), (w * 0.52, h * 0.58), (w * 0.7, h), (w * 0.3, h)],
           (200, 186, 156))


_BACKDROPS: dict[str, Callable[[_Pen, _Scene], None]] = {
    "beach": _beach, "city street": _city_street, "kitchen": _kitchen, "office": _office,
    "forest": _forest, "park": _park, "mountain trail": _mountain_trail, "gym": _gym,
    "living room": _living_room, "studio": _studio, "cafe": _cafe, "bedroom": _bedroom,
    "desert road": _desert_road, "lake": _lake, "rooftop": _rooftop, "subway": _subway,
    "bathroom": _bathroom, "classroom": _classroom, "garden": _garden, "stadium": _stadium,
    "interior": _interior, "exterior": _exterior,
}
assert set(SETTINGS) <= set(_BACKDROPS), "every story setting needs a backdrop"


def _tone_for(time: str, interior: bool, subject: bool) -> Tone:
    t = _TIMES[time]
    mult = t.subject if subject else (t.room if interior else t.backdrop)
    if mult == (1.0, 1.0, 1.0):
        return lambda c: c
    return lambda c: _scale(c, mult)


def _draw_backdrop(setting: str, time: str, palette: list[RGB], width: int, height: int,
                   rng: random.Random) -> Image.Image:
    """The empty setting at ``width`` x ``height``, drawn at 2x and reduced.

    The set is drawn a little wider than the picture and cropped at a seeded offset,
    like moving the camera along it, so even a set with no random props looks
    different for a different seed.
    """
    ss = _ss(width, height)
    wide = round(width * 1.08)
    canvas = Image.new("RGB", (wide * ss, height * ss), (200, 200, 200))
    pen = _Pen(canvas, ss, _tone_for(time, setting in _INTERIORS, False),
               ink=(*INK, 150), ink_width=1.0)
    sc = _Scene(float(wide), float(height), time, palette, rng)
    _BACKDROPS[setting](pen, sc)
    offset = rng.randrange(0, (wide - width) * ss + 1, ss)
    return canvas.crop((offset, 0, offset + width * ss, height * ss)).reduce(ss)


# ============================================================================ figures


@dataclass(frozen=True)
class _Pose:
    walk: bool = False
    hold: bool = False
    mood: str = "smile"
    wave: bool = False


def _figure(p: _Pen, cx: float, feet: float, size: float, look: FigureLook, pose: _Pose,
            held: Callable[[float, float], None] | None = None,
            product_shoes: RGB | None = None) -> tuple[float, float]:
    """A storyboard figure standing on ``feet``, ``size`` tall; returns the right hand.

    Drawn back to front (backpack and long hair, legs, torso, the far arm, head, the
    near arm) so every overlap is right without layers. ``held`` is called with the
    right hand's position after the body and before the hand, so a held product sits
    behind the fingers.
    """
    u = size
    head_r = u * 0.075
    head_cy = feet - u + head_r
    shoulder = feet - u * 0.78
    hip = feet - u * 0.46
    sw, hw = u * 0.12, u * 0.095
    stride = u * (0.08 if pose.walk else 0.028)
    arm_w, leg_w = u * 0.052, u * 0.07
    shirt, skin = look.shirt, look.skin
    shoes = product_shoes or look.shoes

    if look.accessory == "backpack":
        p.rect(cx - sw - u * 0.03, shoulder + u * 0.01, cx + sw + u * 0.03, hip - u * 0.03,
               (110, 80, 56), radius=u * 0.04, outline=True)
    if look.hair_style == "long":
        p.rect(cx - head_r * 1.12, head_cy - head_r * 0.4, cx + head_r * 1.12,
               head_cy + head_r * 1.6, look.hair, radius=head_r * 0.6, outline=True)
    for side in (-1, 1):
        hx = cx + side * u * 0.045
        fx = cx + side * (u * 0.04 + stride)
        p.line([(hx, hip), (fx, feet - u * 0.035)], look.trousers, leg_w, outline=True)
        p.ellipse(fx + side * u * 0.012, feet - u * 0.022, u * 0.05, u * 0.026, shoes,
                  outline=True)
    p.rect(cx - hw - u * 0.005, hip - u * 0.06, cx + hw + u * 0.005, hip + u * 0.03,
           look.trousers, radius=u * 0.02, outline=True)
    p.poly([(cx - sw, shoulder + u * 0.02), (cx - sw + u * 0.03, shoulder - u * 0.012),
            (cx + sw - u * 0.03, shoulder - u * 0.012), (cx + sw, shoulder + u * 0.02),
            (cx + hw, hip), (cx - hw, hip)], shirt, outline=True)
    if look.accessory == "apron":
        p.rect(cx - hw * 0.8, shoulder + u * 0.09, cx + hw * 0.8, hip + u * 0.05,
               (244, 244, 240), radius=u * 0.01, outline=True)
    if look.accessory == "tie":
        p.poly([(cx - u * 0.012, shoulder), (cx + u * 0.012, shoulder), (cx + u * 0.02,
                shoulder + u * 0.16), (cx, shoulder + u * 0.19), (cx - u * 0.02,
                shoulder + u * 0.16)], (150, 30, 40), outline=True)
    if look.accessory == "backpack":
        for side in (-1, 1):
            p.line([(cx + side * sw * 0.6, shoulder), (cx + side * sw * 0.7, hip - u * 0.05)],
                   (90, 64, 44), u * 0.018)
    if look.accessory == "bag":
        p.line([(cx - sw * 0.8, shoulder), (cx + hw * 1.1, hip - u * 0.02)], (90, 64, 44),
               u * 0.016)
    lsx, lsy = cx - sw + u * 0.015, shoulder + u * 0.025
    swing = u * 0.05 if pose.walk else 0.0
    if pose.wave:
        left = [(lsx, lsy), (lsx - u * 0.1, lsy - u * 0.02), (lsx - u * 0.12, lsy - u * 0.16)]
    else:
        left = [(lsx, lsy), (lsx - u * 0.035 - swing, lsy + u * 0.15),
                (lsx - u * 0.035 - swing * 1.6, hip + u * 0.01)]
    p.line(left, shirt, arm_w, outline=True)
    p.circle(left[-1][0], left[-1][1], u * 0.027, skin, outline=True)
    p.rect(cx - u * 0.022, head_cy + head_r * 0.6, cx + u * 0.022, shoulder + u * 0.005, skin,
           outline=True)
    p.poly([(cx - u * 0.03, shoulder - u * 0.012), (cx, shoulder + u * 0.03),
            (cx + u * 0.03, shoulder - u * 0.012)], _lighter(shirt, 0.25))
    p.ellipse(cx, head_cy, head_r, head_r * 1.08, skin, outline=True)
    hair_box = (cx - head_r * 1.06, head_cy - head_r * 1.18, cx + head_r * 1.06,
                head_cy + head_r * 0.5)
    if look.hair_style == "curly":
        for k in range(7):
            a = math.radians(180 + k * 30)
            p.circle(cx + math.cos(a) * head_r * 0.85, head_cy + math.sin(a) * head_r * 0.9,
                     head_r * 0.36, look.hair)
    else:
        p.chord(hair_box, 180, 360, look.hair, outline=True)
    if look.hair_style == "bun":
        p.circle(cx, head_cy - head_r * 1.15, head_r * 0.4, look.hair, outline=True)
    if look.accessory == "backpack":
        p.chord((cx - head_r * 1.1, head_cy - head_r * 1.25, cx + head_r * 1.1,
                 head_cy + head_r * 0.3), 180, 360, (60, 110, 70), outline=True)
        p.rect(cx - head_r * 0.2, head_cy - head_r * 0.5, cx + head_r * 1.5,
               head_cy - head_r * 0.32, (60, 110, 70), outline=True)
    if look.accessory == "headband":
        p.rect(cx - head_r * 1.02, head_cy - head_r * 0.62, cx + head_r * 1.02,
               head_cy - head_r * 0.38, (230, 60, 60), outline=True)
    ey = head_cy + head_r * 0.05
    for side in (-1, 1):
        p.ellipse(cx + side * head_r * 0.38, ey, max(0.8, head_r * 0.1), max(0.9, head_r * 0.13),
                  INK, lit=False)
    mouth = (cx - head_r * 0.38, head_cy + head_r * 0.2, cx + head_r * 0.38,
             head_cy + head_r * 0.68)
    if pose.mood == "frown":
        p.arc((mouth[0], mouth[1] + head_r * 0.3, mouth[2], mouth[3] + head_r * 0.3), 200, 340,
              INK, max(0.8, head_r * 0.08), lit=False)
    else:
        p.arc(mouth, 20, 160, INK, max(0.8, head_r * 0.08), lit=False)
    rsx, rsy = cx + sw - u * 0.015, shoulder + u * 0.025
    if pose.hold:
        right = [(rsx, rsy), (rsx + u * 0.07, rsy + u * 0.15), (rsx + u * 0.13, rsy + u * 0.09)]
    else:
        right = [(rsx, rsy), (rsx + u * 0.035 + swing, rsy + u * 0.15),
                 (rsx + u * 0.035 + swing * 1.6, hip + u * 0.01)]
    p.line(right, shirt, arm_w, outline=True)
    hand = right[-1]
    if held is not None:
        held(hand[0], hand[1])
    p.circle(hand[0], hand[1], u * 0.027, skin, outline=True)
    return hand


# ============================================================================ products

_ASPECT = {"bottle": 0.36, "can": 0.56, "cup": 0.66, "phone": 0.5, "shoe": 2.3, "box": 0.8,
           "car": 2.4, "tube": 0.34}
_HOLDABLE = frozenset({"bottle", "can", "cup", "phone", "tube", "box"})


def _fit(shape_aspect: float, max_w: float, max_h: float) -> tuple[float, float]:
    h = min(max_h, max_w / shape_aspect)
    return h * shape_aspect, h


def _label(p: _Pen, box: Box, name: str, body: RGB, band: RGB | None = None) -> None:
    x0, y0, x1, y1 = box
    if band is not None:
        p.rect(x0, y0, x1, y1, band, outline=True)
    ink = _text_on(band or body)
    pad = (x1 - x0) * 0.08
    p.fit_text((x0 + pad, y0, x1 - pad, y1), name, ink, bold=True)


def _product(p: _Pen, shape: str, cx: float, bottom: float, height: float, color: RGB, name: str,
             view: str = "front") -> Box | None:
    """Draw the product centred on ``cx`` standing on ``bottom``; returns a box of solid
    product colour (for sampling), or ``None`` when this view has none."""
    h = height
    w = h * _ASPECT[shape]
    x0, x1 = cx - w / 2, cx + w / 2
    top = bottom - h
    hi, lo = _lighter(color, 0.38), _darker(color, 0.22)
    if shape == "bottle":
        # body, shoulder and neck read as one silhouette: ink all three, then fill them
        e = p.ink_width
        p.rect(cx - w * 0.26 - e, bottom - h * 0.88 - e, cx + w * 0.26 + e, bottom - h * 0.78,
               p.ink, lit=False)
        p.ellipse(cx, bottom - h * 0.74, w / 2 + e, h * 0.1 + e, p.ink, lit=False)
        p.rect(x0 - e, bottom - h * 0.76, x1 + e, bottom + e, p.ink, radius=w * 0.28 + e,
               lit=False)
        p.rect(cx - w * 0.26, bottom - h * 0.88, cx + w * 0.26, bottom - h * 0.78, color)
        p.ellipse(cx, bottom - h * 0.74, w / 2, h * 0.1, color)
        p.rect(x0, bottom - h * 0.76, x1, bottom, color, radius=w * 0.28)
        p.rect(cx - w * 0.34, top + h * 0.02, cx + w * 0.34, bottom - h * 0.87, (60, 62, 70),
               radius=w * 0.08, outline=True)
        p.arc((cx - w * 0.16, top - h * 0.02, cx + w * 0.16, top + h * 0.07), 180, 360,
              (60, 62, 70), max(1.0, w * 0.06))
        p.rect(x0 + w * 0.14, bottom - h * 0.68, x0 + w * 0.26, bottom - h * 0.06, hi,
               radius=w * 0.05)
        p.rect(x1 - w * 0.16, bottom - h * 0.66, x1 - w * 0.06, bottom - h * 0.05, lo,
               radius=w * 0.04)
        if view == "front":
            _label(p, (x0, bottom - h * 0.5, x1, bottom - h * 0.3), name, color,
                   (248, 246, 240))
        else:
            p.rect(x0, bottom - h * 0.5, cx - w * 0.1, bottom - h * 0.3, (248, 246, 240),
                   outline=True)
        return (cx - w * 0.08, bottom - h * 0.66, cx + w * 0.2, bottom - h * 0.54)
    if shape == "can":
        p.rect(x0, top + h * 0.05, x1, bottom - h * 0.04, color, outline=True)
        p.ellipse(cx, bottom - h * 0.04, w / 2, h * 0.04, (190, 194, 200), outline=True)
        p.rect(x0 + w * 0.04, top + h * 0.02, x1 - w * 0.04, top + h * 0.07, (200, 204, 210),
               outline=True)
        p.ellipse(cx, top + h * 0.02, w * 0.46, h * 0.03, (214, 218, 224), outline=True)
        p.rect(x0 + w * 0.12, top + h * 0.1, x0 + w * 0.22, bottom - h * 0.1, hi)
        p.rect(x1 - w * 0.14, top + h * 0.1, x1 - w * 0.06, bottom - h * 0.1, lo)
        if view == "front":
            _label(p, (x0, top + h * 0.42, x1, top + h * 0.62), name, color, (250, 250, 246))
        return (cx - w * 0.05, top + h * 0.15, cx + w * 0.2, top + h * 0.36)
    if shape == "cup":
        bw = w * 0.74
        p.poly([(x0 + w * 0.04, top + h * 0.14), (x1 - w * 0.04, top + h * 0.14),
                (cx + bw / 2, bottom), (cx - bw / 2, bottom)], color, outline=True)
        p.rect(x0, top + h * 0.08, x1, top + h * 0.16, (246, 246, 244), radius=h * 0.02,
               outline=True)
        p.chord((x0 + w * 0.08, top, x1 - w * 0.08, top + h * 0.16), 180, 360, (246, 246, 244),
                outline=True)
        if view == "front":
            p.poly([(x0 + w * 0.1, top + h * 0.4), (x1 - w * 0.1, top + h * 0.4),
                    (x1 - w * 0.15, top + h * 0.68), (x0 + w * 0.15, top + h * 0.68)],
                   (236, 222, 196), outline=True)
            _label(p, (x0 + w * 0.14, top + h * 0.42, x1 - w * 0.14, top + h * 0.66), name,
                   (236, 222, 196))
        return (cx - w * 0.1, top + h * 0.2, cx + w * 0.2, top + h * 0.34)
    if shape == "phone":
        if view == "front":
            # the screen shows the brand's splash: the product colour reads at any size
            p.rect(x0, top, x1, bottom, (30, 32, 40), radius=w * 0.16, outline=True)
            p.rect(x0 + w * 0.06, top + w * 0.06, x1 - w * 0.06, bottom - w * 0.06, color,
                   radius=w * 0.11)
            p.rect(cx - w * 0.14, top + w * 0.1, cx + w * 0.14, top + w * 0.16, (10, 10, 14),
                   radius=w * 0.03)
            p.circle(cx, top + h * 0.3, w * 0.16, _lighter(color, 0.35), outline=True)
            p.fit_text((x0 + w * 0.12, top + h * 0.42, x1 - w * 0.12, top + h * 0.54), name,
                       _text_on(color), bold=True)
            p.rect(cx - w * 0.26, top + h * 0.68, cx + w * 0.26, top + h * 0.74,
                   _lighter(color, 0.6), radius=h * 0.03, outline=True)
            p.rect(cx - w * 0.18, bottom - w * 0.14, cx + w * 0.18, bottom - w * 0.12,
                   _lighter(color, 0.5))
            return (cx - w * 0.3, top + h * 0.56, cx + w * 0.3, top + h * 0.64)
        p.rect(x0, top, x1, bottom, color, radius=w * 0.16, outline=True)
        p.rect(x0 + w * 0.08, top + w * 0.08, x0 + w * 0.46, top + w * 0.46, (40, 42, 50),
               radius=w * 0.08, outline=True)
        for dx, dy in ((0.18, 0.18), (0.36, 0.18), (0.18, 0.36)):
            p.circle(x0 + w * dx, top + w * dy, w * 0.06, (90, 100, 120), outline=True)
        p.fit_text((x0 + w * 0.2, top + h * 0.6, x1 - w * 0.2, top + h * 0.68), name,
                   _text_on(color))
        p.rect(x0 + w * 0.06, top + h * 0.1, x0 + w * 0.12, bottom - h * 0.1, hi)
        return (cx - w * 0.1, top + h * 0.4, cx + w * 0.3, top + h * 0.55)
    if shape == "shoe":
        if view == "side":
            # the toe, seen from the front
            tw = h * 0.9
            p.rect(cx - tw / 2, bottom - h * 0.2, cx + tw / 2, bottom, (246, 246, 244),
                   radius=h * 0.08, outline=True)
            p.chord((cx - tw / 2, bottom - h * 0.95, cx + tw / 2, bottom - h * 0.05), 180, 360,
                    color, outline=True)
            p.rect(cx - tw * 0.18, bottom - h * 0.8, cx + tw * 0.18, bottom - h * 0.5, hi,
                   radius=h * 0.05, outline=True)
            return None
        sole = (246, 246, 244)
        p.rect(x0, bottom - h * 0.22, x1, bottom, sole, radius=h * 0.1, outline=True)
        upper = [(x0 + w * 0.02, bottom - h * 0.2), (x0, bottom - h * 0.78),
                 (x0 + w * 0.08, bottom - h * 0.86), (x0 + w * 0.3, bottom - h * 0.8),
                 (x0 + w * 0.46, bottom - h * 0.66), (x0 + w * 0.74, bottom - h * 0.46),
                 (x0 + w * 0.93, bottom - h * 0.36), (x1, bottom - h * 0.22)]
        p.poly(upper, color, outline=True)
        p.poly([(x0 + w * 0.02, bottom - h * 0.24), (x0 + w * 0.01, bottom - h * 0.7),
                (x0 + w * 0.12, bottom - h * 0.6), (x0 + w * 0.14, bottom - h * 0.24)], lo)
        for k in range(4):
            lx = x0 + w * (0.48 + 0.07 * k)
            ly = bottom - h * (0.62 - 0.05 * k)
            p.line([(lx - w * 0.02, ly - h * 0.04), (lx + w * 0.03, ly + h * 0.05)],
                   (250, 250, 250), max(1.0, h * 0.03))
        p.arc((x0 + w * 0.3, bottom - h * 0.7, x0 + w * 0.95, bottom - h * 0.05), 160, 220,
              (250, 250, 250), max(1.0, h * 0.05))
        _label(p, (x0 + w * 0.18, bottom - h * 0.2, x0 + w * 0.82, bottom - h * 0.02), name,
               sole)
        return (x0 + w * 0.2, bottom - h * 0.58, x0 + w * 0.36, bottom - h * 0.4)
    if shape == "car":
        body_top, sill = bottom - h * 0.58, bottom - h * 0.14
        p.rect(x0, body_top, x1, sill, color, radius=h * 0.14, outline=True)
        p.poly([(x0 + w * 0.2, body_top + 1), (x0 + w * 0.33, top), (x0 + w * 0.64, top),
                (x0 + w * 0.8, body_top + 1)], color, outline=True)
        glass = (176, 206, 226)
        p.poly([(x0 + w * 0.24, body_top - h * 0.02), (x0 + w * 0.35, top + h * 0.06),
                (x0 + w * 0.48, top + h * 0.06), (x0 + w * 0.48, body_top - h * 0.02)], glass,
               outline=True)
        p.poly([(x0 + w * 0.51, body_top - h * 0.02), (x0 + w * 0.51, top + h * 0.06),
                (x0 + w * 0.62, top + h * 0.06), (x0 + w * 0.75, body_top - h * 0.02)], glass,
               outline=True)
        p.rect(x0 + w * 0.02, body_top + h * 0.06, x0 + w * 0.98, body_top + h * 0.1, hi)
        p.line([(x0 + w * 0.5, body_top), (x0 + w * 0.5, sill)], _darker(color, 0.3), 1.2)
        p.rect(x1 - w * 0.05, body_top + h * 0.12, x1 - w * 0.005, body_top + h * 0.2,
               (255, 240, 170), radius=h * 0.03, outline=True)
        p.rect(x0 + w * 0.005, body_top + h * 0.12, x0 + w * 0.04, body_top + h * 0.2,
               (220, 40, 40), radius=h * 0.03, outline=True)
        for wx in (x0 + w * 0.2, x0 + w * 0.8):
            p.circle(wx, bottom - h * 0.16, h * 0.17, (36, 36, 40), outline=True)
            p.circle(wx, bottom - h * 0.16, h * 0.08, (190, 194, 200), outline=True)
        _label(p, (x0 + w * 0.3, body_top + h * 0.16, x0 + w * 0.62, sill - h * 0.04), name,
               color)
        return (x0 + w * 0.66, body_top + h * 0.16, x0 + w * 0.74, body_top + h * 0.26)
    if shape == "tube":
        p.rect(cx - w * 0.32, bottom - h * 0.14, cx + w * 0.32, bottom, (244, 244, 244),
               radius=w * 0.1, outline=True)
        p.poly([(cx - w * 0.36, bottom - h * 0.14), (cx + w * 0.36, bottom - h * 0.14),
                (x1, top + h * 0.08), (x0, top + h * 0.08)], color, outline=True)
        p.rect(x0, top, x1, top + h * 0.08, _darker(color, 0.1), outline=True)
        for k in range(4):
            rx = x0 + w * (0.15 + 0.23 * k)
            p.line([(rx, top + h * 0.01), (rx, top + h * 0.07)], _darker(color, 0.3), 1)
        p.rect(x0 + w * 0.1, top + h * 0.12, x0 + w * 0.2, bottom - h * 0.2, hi)
        if view == "front":
            _label(p, (x0 + w * 0.08, top + h * 0.42, x1 - w * 0.08, top + h * 0.6), name,
                   color, (250, 250, 248))
        return (cx - w * 0.05, top + h * 0.16, cx + w * 0.25, top + h * 0.34)
    # box: a package seen slightly from above and the right
    d = h * 0.12
    fw = w - d
    fx0, fx1 = x0, x0 + fw
    p.poly([(fx0, top + d), (fx0 + d, top), (fx1 + d, top), (fx1, top + d)], hi, outline=True)
    p.poly([(fx1, top + d), (fx1 + d, top), (fx1 + d, bottom - d), (fx1, bottom)], lo,
           outline=True)
    p.rect(fx0, top + d, fx1, bottom, color, outline=True)
    if view == "front":
        _label(p, (fx0, top + d + (h - d) * 0.38, fx1, top + d + (h - d) * 0.62), name, color,
               (250, 250, 246))
    return (fx0 + fw * 0.3, top + d + (h - d) * 0.1, fx0 + fw * 0.7, top + d + (h - d) * 0.3)


# ============================================================================ references


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


# ============================================================================ overlays


def _wrap(text: str, size: float, max_width: float, max_lines: int = 3,
          bold: bool = True) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if _text_width(trial, size, bold) <= max_width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _text_width(last + "…", size, bold) > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _tag(img: Image.Image, text: str, corner: str, size: float) -> None:
    d = ImageDraw.Draw(img, "RGBA")
    text = _clean(text)
    tw = _text_width(text, size)
    pad = size * 0.45
    w, _ = img.size
    margin = size * 0.6
    x0 = margin if corner == "left" else w - margin - tw - 2 * pad
    y0 = margin
    d.rectangle((x0, y0, x0 + tw + 2 * pad, y0 + size + 2 * pad * 0.8),
                fill=(250, 250, 248, 226), outline=(30, 30, 34, 255), width=1)
    _put(d, (x0 + pad, y0 + pad * 0.8 + size / 2), text, size, (24, 24, 28), anchor="lm")


def _border(img: Image.Image) -> None:
    w, h = img.size
    t = max(2, round(min(w, h) * 0.004))
    ImageDraw.Draw(img).rectangle((0, 0, w - 1, h - 1), outline=(28, 28, 32), width=t)


# ============================================================================ composition


@dataclass
class _Plan:
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
        return _rng(*self.rng_key, purpose)


def _plan(request: ImageRequest, references: Sequence[bytes]) -> _Plan:
    look = read_references(references) if request.kind == "frame" else Look()
    adjustments = request.adjustments or {}
    setting = resolve_setting(str(adjustments.get("setting") or request.setting or ""))
    time = resolve_time(str(adjustments.get("time_of_day") or request.time_of_day))
    # A colour asked for in feedback wins over the one sampled from the product sheet.
    product = (parse_color(adjustments["product_color"]) if adjustments.get("product_color")
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
    if figure is not None and adjustments.get("outfit"):
        figure = dress(figure, adjustments["outfit"])
    return _Plan(
        request=request, setting=setting, time=time,
        framing=resolve_framing(request.camera, adjustments),
        shape=product_shape(request.category, request.product), product=product,
        palette=palette, look=look, figure=figure,
        rng_key=(request.seed, request.prompt, request.kind),
    )


_ZOOM = {"wide": 1.0, "medium": 1.18, "close": 1.55}


def _zoom(img: Image.Image, factor: float, anchor: tuple[float, float]) -> Image.Image:
    if factor <= 1.0:
        return img
    w, h = img.size
    cw, ch = w / factor, h / factor
    x0 = min(max(anchor[0] * w - cw / 2, 0), w - cw)
    y0 = min(max(anchor[1] * h - ch / 2, 0), h - ch)
    return img.resize((w, h), Image.Resampling.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))


def _backdrop_for(plan: _Plan, width: int, height: int) -> Image.Image:
    look = plan.look
    if (look.backdrop is not None and look.setting == plan.setting
            and (look.time_of_day or "day") == plan.time):
        # The approved setting sheet, with every edit a person made to it.
        return fit_to(look.backdrop, width, height)
    return _draw_backdrop(plan.setting, plan.time, plan.palette, width, height,
                          plan.rng("backdrop"))


def _pose(action: str, prompt: str) -> _Pose:
    low = f"{action} {prompt}".lower()
    return _Pose(
        walk=bool(re.search(r"\b(walk|walks|walking|run|runs|running|jog|jogs|hike|hikes|"
                            r"hiking|stroll|strolls|along|rushes|commute)\b", low)),
        hold=bool(re.search(r"\b(hold|holds|holding|in hand|picks? up|drinks?|sips?|uses?|"
                            r"hands|grabs?|opens?|shows?|raises?)\b", low)),
        mood="frown" if re.search(r"\b(frustrated|tired|stuck|unimpressed|annoyed|sad|"
                                  r"stressed|angry|slump)\b", low) else "smile",
        wave=bool(re.search(r"\b(wave|waves|waving|cheers|celebrat)", low)),
    )


def _extra_people(action: str) -> int:
    low = action.lower()
    if re.search(r"\b(friends|group|crowd|team|together|family|everyone|compare)\b", low):
        return 2
    if re.search(r"\b(a friend|partner|colleague|to a|with a)\b", low):
        return 1
    return 0


def _subjects_layer(plan: _Plan, width: int, height: int) -> Image.Image:
    """Figures and product for a frame, on a transparent 2x layer (returned at 1x)."""
    req = plan.request
    ss = _ss(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = _Pen(layer, ss, _tone_for(plan.time, plan.setting in _INTERIORS, True),
               ink_width=max(1.0, min(width, height) * 0.0022))
    w, h = float(width), float(height)
    floor, wide_h = _stage(plan.setting)
    rng = plan.rng("subjects")
    framing = plan.framing
    pose = _pose(req.action, req.prompt)
    name = req.product
    shape = plan.shape
    figure = plan.figure
    portrait = h > w * 1.1

    if framing == "close":
        ph = h * (0.55 if portrait else 0.64)
        pw, ph = _fit(_ASPECT[shape], w * 0.8, ph)
        cx = w * (0.5 if figure is None else 0.62) + rng.uniform(-0.02, 0.02) * w
        bottom = h * (0.78 if portrait else 0.86)
        pen.ellipse(cx, bottom, pw * 0.62, ph * 0.05, (0, 0, 0, 70), lit=False)
        _product(pen, shape, cx, bottom, ph, plan.product, name)
        return layer.reduce(ss)

    if framing == "wide":
        fig_h, feet = h * wide_h * (0.8 if portrait else 1.0), h * floor
    else:
        fig_h, feet = h * (0.62 if portrait else 0.8), h * (0.97 if portrait else 1.02)
    people = 0 if figure is None else 1 + _extra_people(req.action)
    fx = w * (0.42 if people else 0.5) + rng.uniform(-0.06, 0.06) * w
    if portrait:
        fx = w * 0.45
    product_h = fig_h * 0.26
    holding = figure is not None and pose.hold and shape in _HOLDABLE and shape != "box"
    shadows: list[tuple[float, float, float]] = []
    extra: list[tuple[float, FigureLook]] = []
    for k in range(people - 1):
        side = -1 if k % 2 == 0 else 1
        ex = fx + side * min(fig_h * (0.42 + 0.1 * k), w * (0.27 + 0.05 * k))
        extra.append((ex, figure_colors(f"friend {k + 1} of {req.character}",
                                        avoid=plan.product)))
    for ex, _ in extra:
        shadows.append((ex, feet, fig_h * 0.92))
    if figure is not None:
        shadows.append((fx, feet, fig_h))

    product_box: tuple[float, float, float] | None = None  # cx, bottom, height
    if shape == "car":
        # In a medium shot the car is parked a few steps behind the person, so it
        # stays in frame above the caption instead of being cut off at the wheels.
        back = framing == "medium" and figure is not None
        cw, car_h = _fit(_ASPECT["car"], w * 0.9, fig_h * (0.48 if back else 0.62))
        base = feet - fig_h * (0.16 if back else 0.02)
        ccx = fx + fig_h * 0.45 + cw * 0.3 if figure is not None else w * 0.5
        ccx = min(ccx, w - cw * 0.45)
        product_box = (ccx, base, car_h)
        shadows.append((ccx, base, cw * 0.9))
    elif not holding:
        # A plinth beside the figure, like a product display: readable at any size.
        ph = product_h * (1.3 if figure is None else 1.0)
        if _ASPECT[shape] > 1:
            ph *= 0.55  # a shoe lies long and low
        if figure is None:
            ph = h * (0.42 if framing == "medium" else 0.3) * (0.5 if _ASPECT[shape] > 1 else 1)
        px = fx + fig_h * 0.3 + ph * _ASPECT[shape] / 2 if figure is not None else w * 0.5
        plinth_h = (fig_h * 0.42) if figure is not None else h * 0.12
        product_box = (px, feet - plinth_h, ph)
    for sx, sy, size in shadows:
        pen.ellipse(sx, sy, size * 0.22, size * 0.03, (0, 0, 0, 60), lit=False)

    if shape == "car" and product_box is not None:
        _product(pen, shape, product_box[0], product_box[1], product_box[2], plan.product, name)
    for ex, look in extra:
        _figure(pen, ex, feet - fig_h * 0.03, fig_h * 0.92, look,
                _Pose(mood=pose.mood, walk=pose.walk))
    if shape != "car" and product_box is not None:
        px, pb, ph = product_box
        aspect_w, _ = _fit(_ASPECT[shape], w, ph)
        plinth_w = max(aspect_w * 1.5, ph * 0.5)
        pen.rect(px - plinth_w / 2, pb, px + plinth_w / 2, feet, (236, 234, 228),
                 outline=True)
        pen.rect(px - plinth_w / 2, pb, px + plinth_w / 2, pb + (feet - pb) * 0.08,
                 _lighter(plan.palette[0], 0.2), outline=True)
        _product(pen, shape, px, pb, ph, plan.product, name)
    if figure is not None:
        def held(hx: float, hy: float) -> None:
            _product(pen, shape, hx, hy + product_h * 0.14, product_h, plan.product, name)

        _figure(pen, fx, feet, fig_h, figure, pose, held if holding else None,
                product_shoes=plan.product if shape == "shoe" else None)
    layer = layer.reduce(ss)
    if framing == "wide" and req.product:
        _callout(layer, plan, fx, feet, fig_h, holding, product_box, product_h)
    return layer


def _callout(layer: Image.Image, plan: _Plan, fx: float, feet: float, fig_h: float,
             holding: bool, product_box: tuple[float, float, float] | None,
             product_h: float) -> None:
    # In a wide shot the name on the product is a few pixels tall; storyboard artists
    # point at it with a labelled arrow instead.
    if holding:
        tx, ty = fx + fig_h * 0.17, feet - fig_h * 0.78
    elif product_box is not None:
        tx, ty = product_box[0], product_box[1] - product_box[2] * 0.6
    else:
        return
    w, h = layer.size
    size = max(11.0, min(w, h) * 0.026)
    text = _clean(plan.request.product)
    tw = _text_width(text, size, True)
    lx = min(max(tx + w * 0.06, tw / 2 + 10), w - tw / 2 - 10)
    ly = max(size * 3.2, ty - h * 0.12)
    d = ImageDraw.Draw(layer)
    d.line((tx, ty, lx, ly + size * 0.7), fill=(30, 30, 34, 255), width=2)
    pad = size * 0.35
    d.rectangle((lx - tw / 2 - pad, ly - size * 0.7, lx + tw / 2 + pad, ly + size * 0.7),
                fill=(*plan.product, 255), outline=(30, 30, 34, 255), width=1)
    _put(d, (lx, ly), text, size, (*_text_on(plan.product), 255), bold=True)


def _background_figure(img: Image.Image, plan: _Plan) -> None:
    """The character large and off-centre behind a close-up product (blurred later)."""
    if plan.figure is None:
        return
    w, h = img.size
    portrait = h > w * 1.1
    size = h * (1.0 if portrait else 1.5)
    cx = w * (0.28 if portrait else 0.26)
    feet = h + size * (0.3 if portrait else 0.55)
    pen = _Pen(img, 1, _tone_for(plan.time, plan.setting in _INTERIORS, True),
               ink_width=2.0)
    _figure(pen, cx, feet, size, plan.figure, _Pose(mood="smile"))


def _sheet_backdrop(plan: _Plan, width: int, height: int, accent: RGB | None,
                    accent_x: float = 0.5) -> Image.Image:
    # A "color" adjustment on a sheet grades its backdrop only: the product or shirt a
    # frame samples keeps the approved colour.
    img = _neutral(width, height, accent, accent_x)
    color = (plan.request.adjustments or {}).get("color")
    return _tint_backdrop(img, color) if color else img


def _neutral(width: int, height: int, accent: RGB | None = None,
             accent_x: float = 0.5) -> Image.Image:
    ss = _ss(width, height)
    canvas = Image.new("RGB", (width * ss, height * ss))
    pen = _Pen(canvas, ss)
    pen.gradient((0, 0, width, height), ((0.0, (242, 241, 238)), (0.72, (226, 224, 220)),
                                         (0.721, (214, 212, 208)), (1.0, (232, 230, 226))))
    if accent is not None:
        pen.circle(width * accent_x, height * 0.45, min(width, height) * 0.36,
                   (*_lighter(accent, 0.72), 255))
    return canvas.reduce(ss)


def _product_sheet(plan: _Plan, width: int, height: int) -> tuple[Image.Image, dict[str, Any]]:
    req = plan.request
    img = _sheet_backdrop(plan, width, height, None)
    w, h = float(width), float(height)
    ss = _ss(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = _Pen(layer, ss, ink_width=max(1.2, min(w, h) * 0.0025))
    portrait = h > w * 1.1
    shape, color, name = plan.shape, plan.product, req.product
    aspect = _ASPECT[shape]
    floor = h * 0.72
    if portrait:
        slots = [(w * 0.5, h * 0.5, w * 0.8, h * 0.32), (w * 0.28, h * 0.84, w * 0.4, h * 0.18)]
        detail = (w * 0.72, h * 0.75, min(w, h) * 0.2)
    else:
        slots = [(w * 0.26, floor, w * 0.36, h * 0.52), (w * 0.56, floor, w * 0.2, h * 0.42)]
        detail = (w * 0.82, h * 0.46, min(w, h) * 0.19)
    sample: Box | None = None
    front: Box | None = None
    captions = {"phone": ("FRONT", "BACK"), "shoe": ("SIDE", "FRONT")}.get(shape, ("FRONT", "SIDE"))
    for (cx, bottom, max_w, max_h), view, caption in zip(slots, ("front", "side"), captions,
                                                         strict=True):
        vw, vh = _fit(aspect if view == "front" or shape not in ("shoe",) else 0.9, max_w, max_h)
        pen.ellipse(cx, bottom, vw * 0.6, vh * 0.04, (0, 0, 0, 50), lit=False)
        region = _product(pen, shape, cx, bottom, vh, color, name, view=view)
        if sample is None and region is not None:
            sample = region
        if front is None:
            front = (cx - vw / 2, bottom - vh, cx + vw / 2, bottom)
        pen.text(cx, bottom + h * 0.04, caption, min(w, h) * 0.03, (70, 70, 78))
    layer = layer.reduce(ss)
    img.paste(layer, (0, 0), layer)
    dx, dy, dr = detail
    zoom_layer = Image.new("RGBA", (round(dr * 2 * ss), round(dr * 2 * ss)), (246, 245, 242, 255))
    zpen = _Pen(zoom_layer, ss, ink_width=max(1.5, dr * 0.02))
    # Where each shape's name sits: its label's width as a share of the product's width,
    # its height above the base and its centre's offset from the middle (shares of
    # height and width). The zoom makes the label span most of the circle.
    label_w, label_y, label_x = {
        "bottle": (1.0, 0.4, 0.0), "can": (1.0, 0.48, 0.0), "cup": (0.72, 0.46, 0.0),
        "phone": (0.76, 0.52, 0.0), "tube": (0.84, 0.49, 0.0), "box": (0.75, 0.45, -0.07),
        "shoe": (0.64, 0.11, 0.0), "car": (0.32, 0.3, -0.04)}[shape]
    zh = dr * 1.75 / (label_w * aspect)
    _product(zpen, shape, dr - label_x * zh * aspect, dr + zh * label_y, zh, color, name)
    zoom_layer = zoom_layer.reduce(ss)
    disc = Image.new("L", zoom_layer.size, 0)
    ImageDraw.Draw(disc).ellipse((0, 0, zoom_layer.width - 1, zoom_layer.height - 1), fill=255)
    img.paste(zoom_layer.convert("RGB"), (round(dx - dr), round(dy - dr)), disc)
    d = ImageDraw.Draw(img)
    d.ellipse((dx - dr, dy - dr, dx + dr, dy + dr), outline=INK, width=max(2, round(dr * 0.025)))
    _put(d, (dx, dy + dr + h * 0.04), "DETAIL", min(w, h) * 0.03, (70, 70, 78))
    layout = {"product": [round(v) for v in sample] if sample else None,
              "product_view": [round(v) for v in front] if front else None}
    return img, layout


def _product_sheet_text(img: Image.Image, plan: _Plan) -> None:
    req = plan.request
    w, h = img.size
    d = ImageDraw.Draw(img)
    title = max(16.0, min(w, h) * 0.075)
    name = _clean(req.product or "Product")
    while _text_width(name, title, True) > w * 0.8 and title > 12:
        title *= 0.9
    _put(d, (w / 2, h * 0.1), name, title, (28, 28, 34), bold=True)
    sub = req.category or plan.shape
    _put(d, (w / 2, h * 0.1 + title * 0.9), sub, title * 0.42, (90, 90, 98))
    size = max(11.0, min(w, h) * 0.026)
    sx, sy = w * 0.04, h * (0.96 if h > w * 1.1 else 0.9)
    d.rectangle((sx, sy - size, sx + size * 2, sy + size), fill=plan.product, outline=INK,
                width=1)
    hexcode = "#{:02x}{:02x}{:02x}".format(*plan.product)
    _put(d, (sx + size * 2.6, sy), f"colour {req.product_color}  {hexcode}", size, (50, 50, 58),
         anchor="lm")


def _character_sheet(plan: _Plan, width: int, height: int) -> tuple[Image.Image, dict[str, Any]]:
    w, h = float(width), float(height)
    figure = plan.figure or figure_colors("Someone", avoid=plan.product)
    portrait = h > w * 1.1
    img = _sheet_backdrop(plan, width, height, plan.palette[1 % len(plan.palette)],
                          0.5 if portrait else 0.4)
    ss = _ss(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = _Pen(layer, ss, ink_width=max(1.2, min(w, h) * 0.0028))
    size = h * (0.6 if portrait else 0.74)
    cx = w * (0.5 if portrait else 0.4)
    feet = h * (0.76 if portrait else 0.88)
    pen.ellipse(cx, feet, size * 0.22, size * 0.03, (0, 0, 0, 60), lit=False)
    pose = _pose(plan.request.action, "")
    _figure(pen, cx, feet, size, figure, _Pose(mood=pose.mood))
    layer = layer.reduce(ss)
    img.paste(layer, (0, 0), layer)
    u = size
    shoulder, hip = feet - u * 0.78, feet - u * 0.46
    shirt_box = (cx - u * 0.06, shoulder + u * 0.06, cx + u * 0.06, hip - u * 0.06)
    if figure.accessory == "tie":
        shirt_box = (cx - u * 0.09, shoulder + u * 0.2, cx - u * 0.035, hip - u * 0.04)
    if figure.accessory == "apron":
        shirt_box = (cx - u * 0.1, shoulder + u * 0.02, cx + u * 0.1, shoulder + u * 0.07)
    return img, {"shirt": [round(v) for v in shirt_box], "character": plan.request.character}


def _character_sheet_text(img: Image.Image, plan: _Plan) -> None:
    figure = plan.figure or figure_colors("Someone")
    w, h = img.size
    portrait = h > w * 1.1
    d = ImageDraw.Draw(img)
    title = max(16.0, min(w, h) * 0.07)
    name_y = h * 0.86 if portrait else h * 0.14
    name_x = w * 0.5 if portrait else w * 0.74
    _put(d, (name_x, name_y), figure.name.upper(), title, (28, 28, 34), bold=True)
    if figure.role:
        _put(d, (name_x, name_y + title * 0.85), figure.role, title * 0.45, (90, 90, 98))
    size = max(11.0, min(w, h) * 0.028)
    rows = [("skin", figure.skin), ("hair", figure.hair), ("shirt", figure.shirt),
            ("trousers", figure.trousers)]
    x = w * (0.12 if portrait else 0.66)
    y = h * (0.92 if portrait else 0.34)
    for i, (label, color) in enumerate(rows):
        if portrait:
            xx, yy = x + i * w * 0.2, y
        else:
            xx, yy = x, y + i * size * 2.4
        d.rectangle((xx, yy - size * 0.8, xx + size * 1.6, yy + size * 0.8), fill=color,
                    outline=INK, width=1)
        _put(d, (xx + size * 2.1, yy), label, size, (50, 50, 58), anchor="lm")
    _put(d, (w * (0.5 if portrait else 0.4), h * (0.8 if portrait else 0.95)), "FRONT",
         min(w, h) * 0.028, (70, 70, 78))


def _band(width: int, height: int, swatches: int) -> tuple[int, float, float]:
    """The setting sheet's notes band: its height, swatch size, where swatches start."""
    band = max(40, round(min(height * 0.12, width * 0.11)))
    size = min(band * 0.5, width * 0.07)
    start = width - swatches * size * 1.25 - band * 0.3
    return band, size, start


def _setting_sheet(plan: _Plan, width: int, height: int) -> tuple[Image.Image, dict[str, Any]]:
    n = min(len(plan.palette), 6)
    band, size, x = _band(width, height, n)
    scene_h = height - band
    scene = _draw_backdrop(plan.setting, plan.time, plan.palette, width, scene_h,
                           plan.rng("backdrop"))
    color = (plan.request.adjustments or {}).get("color")
    if color:
        scene = _tint_backdrop(scene, color)
    img = Image.new("RGB", (width, height), (248, 247, 244))
    img.paste(scene, (0, 0))
    d = ImageDraw.Draw(img)
    d.line((0, scene_h, width, scene_h), fill=INK, width=2)
    swatches: list[list[int]] = []
    top = scene_h + (band - size) / 2
    for i in range(n):
        c = plan.palette[i]
        if color:
            c = _tint_color(c, color)
        box = [round(x + i * size * 1.25), round(top), round(x + i * size * 1.25 + size),
               round(top + size)]
        d.rectangle(box, fill=c, outline=INK, width=1)
        swatches.append([box[0] + 3, box[1] + 3, box[2] - 3, box[3] - 3])
    # The scene box stays clear of the panel border so frames reusing it get none.
    t = max(2, round(min(width, height) * 0.004)) + 1
    layout = {"scene": [t, t, width - t, scene_h - 1], "swatches": swatches,
              "setting": plan.setting, "time": plan.time}
    return img, layout


def _setting_sheet_text(img: Image.Image, plan: _Plan) -> None:
    w, h = img.size
    band, _, swatch_x = _band(w, h, min(len(plan.palette), 6))
    room = swatch_x - band * 0.6
    d = ImageDraw.Draw(img)
    where = plan.request.setting or plan.setting
    title = _clean(plan.request.label or where.title())
    note = _clean(f"{where} · {plan.time} · empty set · palette:")
    # widths scale with size: measure at 100 px and solve for the size that fits
    size = min(band * 0.3, room * 100 / max(1.0, _text_width(title, 100, True)),
               room * 100 / max(1.0, _text_width(note, 70)))
    _put(d, (band * 0.3, h - band / 2 - size * 0.55), title, size, (28, 28, 34), anchor="lm",
         bold=True)
    _put(d, (band * 0.3, h - band / 2 + size * 0.7), note, size * 0.7, (90, 90, 98), anchor="lm")


def _tint_color(c: RGB, color: Any) -> RGB:
    return _tint_backdrop(Image.new("RGB", (1, 1), c), color).getpixel((0, 0))  # type: ignore[return-value]


def _tint_backdrop(img: Image.Image, color: Any) -> Image.Image:
    # A "color" adjustment takes the backdrop toward the colour and leaves the product
    # and people alone, so the product colour stays the approved one.
    try:
        rgb = color_rgb(color)
    except InvalidInput:
        return img
    return tint(img, rgb, 0.45)


def _frame(plan: _Plan, width: int, height: int) -> Image.Image:
    backdrop = _backdrop_for(plan, width, height)
    floor, _ = _stage(plan.setting)
    anchor = (0.5, min(0.75, floor - 0.2))
    if plan.framing == "close":
        backdrop = _zoom(backdrop, _ZOOM["close"], anchor)
        _background_figure(backdrop, plan)
        backdrop = backdrop.filter(ImageFilter.GaussianBlur(max(2.0, min(width, height) * 0.006)))
    elif plan.framing == "medium":
        backdrop = _zoom(backdrop, _ZOOM["medium"], anchor)
    color = (plan.request.adjustments or {}).get("color")
    if color:
        backdrop = _tint_backdrop(backdrop, color)
    layer = _subjects_layer(plan, width, height)
    backdrop.paste(layer, (0, 0), layer)
    return backdrop


def dress(figure: FigureLook, color: Any) -> FigureLook:
    """``figure`` in an outfit of ``color``: the shirt in it and the trousers a darker
    shade of it, so the whole outfit reads as that colour."""
    try:
        rgb = color_rgb(color)
    except InvalidInput:
        return figure
    return replace(figure, shirt=rgb, trousers=_darker(rgb, 0.3))


def _grade(img: Image.Image, adjustments: dict[str, Any]) -> Image.Image:
    rest = {k: v for k, v in adjustments.items() if k in ("warmth", "contrast", "brightness")}
    saturation = float(adjustments.get("saturation") or 0)
    if saturation:
        # One step is a third more (or less) colour; -3 and below is black and white.
        img = ImageEnhance.Color(img.convert("RGB")).enhance(max(0.0, 1.0 + saturation / 3))
    return apply_adjustments(img, rest) if any(rest.values()) else img


def outfit_mask(request: ImageRequest, references: Sequence[bytes] = ()) -> np.ndarray:
    """Which pixels of :func:`render` ``(request, references)`` are the character's
    outfit (shirt, sleeves, trousers), as a bool array HxW; all False without a
    character.

    Found by drawing the picture twice with the outfit in two far-apart colours: the
    pixels that differ are the outfit's, including its anti-aliased edge.
    """
    adjustments = dict(request.adjustments or {})
    first = render(request.model_copy(update={"adjustments": {**adjustments, "outfit": "#ff00ff"}}),
                   references)
    second = render(request.model_copy(update={"adjustments": {**adjustments, "outfit": "#00ff00"}}),
                    references)
    diff = np.abs(np.asarray(first, dtype=np.int16) - np.asarray(second, dtype=np.int16))
    return np.asarray(diff.max(axis=2) > 24)


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
    plan = _plan(request, references)
    width, height = request.width, request.height
    adjustments = dict(request.adjustments or {})
    layout: dict[str, Any] = {}
    if request.kind == "product":
        img, layout = _product_sheet(plan, width, height)
    elif request.kind == "character":
        img, layout = _character_sheet(plan, width, height)
    elif request.kind == "setting":
        img, layout = _setting_sheet(plan, width, height)
    else:
        img = _frame(plan, width, height)
    img = _grade(img, adjustments)
    size = max(11.0, min(width, height) * 0.026)
    if request.kind == "product":
        _product_sheet_text(img, plan)
    elif request.kind == "character":
        _character_sheet_text(img, plan)
    elif request.kind == "setting":
        _setting_sheet_text(img, plan)
    else:
        # A frame is the ad's picture: its text drawn as the video will show it, and no
        # storyboard labels (the review panels show those beside the picture).
        draw_headline(img, request.on_screen_text)
        return img, layout
    if request.kind != "setting":  # the setting sheet's label is in its notes band
        _tag(img, request.label, "left", size)
    _border(img)
    return img, layout


# ============================================================================ subjects


_SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "car": ("car", "sports car", "truck", "van", "bus", "taxi", "jeep", "suv", "vehicle",
            "convertible", "sedan", "limo", "limousine"),
    "bike": ("bike", "bicycle", "motorcycle", "scooter", "motorbike", "e-bike"),
    "animal": ("dog", "puppy", "retriever", "labrador", "cat", "kitten", "horse", "cow", "fox",
               "bear", "sheep", "rabbit", "deer", "pet", "poodle", "terrier", "corgi"),
    "bird": ("bird", "parrot", "seagull", "pigeon", "duck", "eagle", "owl"),
    "person": ("man", "woman", "person", "child", "kid", "boy", "girl", "friend", "people",
               "runner", "hiker", "chef", "guy", "lady", "surfer", "athlete", "model",
               "customer", "worker", "student", "figure"),
    "palm": ("palm", "palm tree", "coconut tree"),
    "tree": ("tree", "oak", "pine", "bush", "shrub", "hedge", "maple", "birch"),
    "flower": ("flower", "flowers", "tulip", "tulips", "roses", "bouquet", "daisy", "daisies",
               "sunflower"),
    "plant": ("plant", "potted plant", "houseplant", "fern", "succulent"),
    "cactus": ("cactus", "cacti"),
    "house": ("house", "building", "cabin", "hut", "tower", "shop", "home", "barn"),
    "sun": ("sun",), "moon": ("moon",), "cloud": ("cloud", "clouds"),
    "balloon": ("balloon", "balloons"),
    "umbrella": ("umbrella", "parasol"),
    "chair": ("chair", "stool", "armchair"),
    "lamp": ("lamp", "light", "lantern"),
    "ball": ("ball", "football", "basketball", "beach ball", "soccer ball", "tennis ball"),
    "rock": ("rock", "stone", "boulder"),
    "bottle": ("bottle", "flask", "tumbler", "thermos", "wine"),
    "can": ("can", "soda"),
    "cup": ("cup", "mug", "coffee", "latte"),
    "phone": ("phone", "smartphone", "tablet", "laptop"),
    "shoe": ("shoe", "shoes", "sneaker", "sneakers", "boot", "boots"),
    "box": ("box", "gift", "package", "parcel", "present"),
    "tube": ("tube", "cream", "lotion", "toothpaste"),
}

_SUBJECT_ASPECT = {"car": 2.2, "bike": 1.7, "animal": 1.35, "bird": 1.1, "person": 0.42,
                   "palm": 1.1, "tree": 0.8, "flower": 0.9, "plant": 0.7, "cactus": 0.7,
                   "house": 1.05, "sun": 1.0, "moon": 1.0, "cloud": 1.9, "balloon": 0.6,
                   "umbrella": 1.0, "chair": 0.75, "lamp": 0.4, "ball": 1.0, "rock": 1.5,
                   "thing": 1.0, **_ASPECT}

_SUBJECT_COLOR: dict[str, RGB] = {
    "car": (52, 96, 200), "bike": (214, 40, 40), "animal": (196, 146, 76), "bird": (60, 120, 210),
    "palm": (52, 132, 66), "tree": (62, 140, 72), "flower": (230, 90, 140),
    "plant": (60, 140, 76), "cactus": (70, 134, 76), "house": (204, 140, 100),
    "sun": (255, 210, 60), "moon": (240, 236, 210), "cloud": (250, 250, 252),
    "balloon": (220, 40, 60), "umbrella": (230, 80, 60), "chair": (170, 120, 80),
    "lamp": (250, 220, 140), "ball": (240, 120, 30), "rock": (140, 136, 130),
}


def subject_kind(text: str) -> str:
    """What to draw for an inpainting prompt: ``car``, ``animal``, ``person``, ``palm``,
    ... or ``thing`` when no word is known."""
    return _rightmost(text, _SUBJECT_WORDS) or "thing"


def _subject_noun(text: str) -> str:
    words = re.findall(r"[a-z][a-z-]*", text.lower())
    stop = {"a", "an", "the", "some", "with", "of", "and", "in", "on", "big", "small", "large",
            "little", "tiny", "huge", "new", "old", "nice", "shiny", "bright", "dark"}
    words = [w for w in words if w not in stop and w not in STORY_COLORS]
    return " ".join(words[-2:]) if words else "object"


def draw_subject(text: str, width: int, height: int, seed: int = 0) -> Image.Image:
    """Draw the subject an inpainting prompt names ("a red sports car", "a golden
    retriever", "a palm tree") on a transparent ``width`` x ``height`` RGBA image.

    The shape comes from the subject's words (:func:`subject_kind`), the colour from a
    colour word if there is one; unknown subjects become a labelled object, as a
    storyboard artist would pencil them in.
    """
    if width < 1 or height < 1:
        raise InvalidInput(f"cannot draw a subject {width}x{height}: sizes must be positive.")
    kind = subject_kind(text)
    found = find_color(text)
    named = found[1] if found else None
    if kind in ("flower", "plant", "tree", "palm") and found and found[0] in ("forest", "green"):
        named = None
    rng = _rng("subject", seed, text)
    color = named or _SUBJECT_COLOR.get(kind) or _SHIRTS[_digest(text) % len(_SHIRTS)]
    ss = _ss(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = _Pen(layer, ss, ink_width=max(1.0, min(width, height) * 0.012))
    margin = 0.06
    bw, bh = _fit(_SUBJECT_ASPECT.get(kind, 1.0), width * (1 - 2 * margin),
                  height * (1 - 2 * margin))
    cx, bottom = width / 2, height * (1 - margin)
    x0, top = cx - bw / 2, bottom - bh
    if kind in _ASPECT:
        _product(pen, kind, cx, bottom, bh, color, "")
    elif kind == "person":
        look = figure_colors(text)
        if named:
            look = replace(look, shirt=named)
        _figure(pen, cx, bottom, bh, look, _Pose())
    elif kind == "car":
        _product(pen, "car", cx, bottom, bh, color, "")
    elif kind == "bike":
        r = bh * 0.3
        for wx in (x0 + r, x0 + bw - r):
            pen.circle(wx, bottom - r, r, None, outline=True)
            pen.circle(wx, bottom - r, r * 0.85, None, outline=(60, 60, 66))
        frame = [(x0 + r, bottom - r), (cx - bw * 0.05, bottom - r), (cx + bw * 0.12, top + bh * 0.3),
                 (x0 + bw * 0.3, top + bh * 0.3), (x0 + r, bottom - r)]
        pen.line(frame, color, bh * 0.06, outline=True)
        pen.line([(cx + bw * 0.12, top + bh * 0.3), (x0 + bw - r, bottom - r)], color, bh * 0.06,
                 outline=True)
        pen.line([(cx + bw * 0.12, top + bh * 0.3), (cx + bw * 0.16, top + bh * 0.12)],
                 (50, 50, 56), bh * 0.05)
        pen.rect(x0 + bw * 0.24, top + bh * 0.18, x0 + bw * 0.38, top + bh * 0.24, (40, 40, 44),
                 radius=4, outline=True)
    elif kind == "animal":
        body = (x0 + bw * 0.18, top + bh * 0.3, x0 + bw * 0.8, top + bh * 0.72)
        for lx in (0.24, 0.36, 0.64, 0.74):
            pen.line([(x0 + bw * lx, top + bh * 0.6), (x0 + bw * lx, bottom - bh * 0.03)],
                     color, bw * 0.07, outline=True)
        pen.line([(x0 + bw * 0.2, top + bh * 0.42), (x0 + bw * 0.04, top + bh * 0.2)], color,
                 bw * 0.05, outline=True)
        pen.ellipse((body[0] + body[2]) / 2, (body[1] + body[3]) / 2, (body[2] - body[0]) / 2,
                    (body[3] - body[1]) / 2, color, outline=True)
        hx, hy, hr = x0 + bw * 0.82, top + bh * 0.28, bh * 0.2
        pen.ellipse(hx, hy, hr, hr * 0.9, color, outline=True)
        pen.ellipse(hx + hr * 0.8, hy + hr * 0.3, hr * 0.5, hr * 0.35, _lighter(color, 0.2),
                    outline=True)
        pen.circle(hx + hr * 1.25, hy + hr * 0.2, hr * 0.12, INK, lit=False)
        pen.ellipse(hx - hr * 0.5, hy + hr * 0.2, hr * 0.3, hr * 0.6, _darker(color, 0.25),
                    outline=True)
        pen.circle(hx + hr * 0.3, hy - hr * 0.2, hr * 0.1, INK, lit=False)
    elif kind == "bird":
        pen.ellipse(cx, top + bh * 0.55, bw * 0.32, bh * 0.28, color, outline=True)
        pen.circle(cx + bw * 0.28, top + bh * 0.32, bh * 0.16, color, outline=True)
        pen.poly([(cx + bw * 0.42, top + bh * 0.3), (cx + bw * 0.54, top + bh * 0.35),
                  (cx + bw * 0.42, top + bh * 0.38)], (240, 170, 40), outline=True)
        pen.poly([(cx - bw * 0.1, top + bh * 0.5), (cx + bw * 0.12, top + bh * 0.48),
                  (cx - bw * 0.2, top + bh * 0.2)], _darker(color, 0.2), outline=True)
        pen.circle(cx + bw * 0.31, top + bh * 0.3, bh * 0.03, INK, lit=False)
    elif kind == "palm":
        _palm(pen, cx - bw * 0.08, bottom, bh * 0.95, 1.0)
    elif kind == "tree":
        _tree_round(pen, cx, bottom, bh, color)
    elif kind in ("flower", "plant"):
        if kind == "plant":
            _plant(pen, cx, bottom, bh, (200, 110, 80))
        else:
            for k in range(5):
                fx = x0 + bw * (0.15 + 0.175 * k)
                fy = top + bh * (0.2 + 0.15 * rng.random())
                pen.line([(fx, bottom), (fx, fy)], (60, 130, 60), bw * 0.03)
                for a in range(6):
                    ang = math.radians(a * 60)
                    pen.circle(fx + math.cos(ang) * bh * 0.06, fy + math.sin(ang) * bh * 0.06,
                               bh * 0.05, color, outline=True)
                pen.circle(fx, fy, bh * 0.04, (250, 210, 60), outline=True)
    elif kind == "cactus":
        _cactus(pen, cx, bottom, bh, color if named else (70, 134, 76))
    elif kind == "house":
        pen.rect(x0 + bw * 0.1, top + bh * 0.4, x0 + bw * 0.9, bottom, color, outline=True)
        pen.poly([(x0, top + bh * 0.42), (cx, top), (x0 + bw, top + bh * 0.42)],
                 _darker(color, 0.3), outline=True)
        pen.rect(cx - bw * 0.08, bottom - bh * 0.3, cx + bw * 0.08, bottom, (110, 76, 50),
                 outline=True)
        for wx in (0.25, 0.65):
            pen.rect(x0 + bw * wx, top + bh * 0.5, x0 + bw * (wx + 0.12), top + bh * 0.62,
                     (200, 226, 240), outline=True)
    elif kind in ("sun", "moon", "ball"):
        r = min(bw, bh) / 2
        pen.circle(cx, bottom - r, r, color, outline=True)
        if kind == "sun":
            for a in range(12):
                ang = math.radians(a * 30)
                pen.line([(cx + math.cos(ang) * r * 1.1, bottom - r + math.sin(ang) * r * 1.1),
                          (cx + math.cos(ang) * r * 1.35, bottom - r + math.sin(ang) * r * 1.35)],
                         color, r * 0.08)
        elif kind == "ball":
            pen.arc((cx - r, bottom - 2 * r, cx + r, bottom), 200, 340, (250, 250, 250), r * 0.1)
        else:
            pen.circle(cx - r * 0.3, bottom - r * 1.2, r * 0.18, _darker(color, 0.1))
    elif kind == "cloud":
        _cloud(pen, cx, bottom - bh * 0.5, bh * 0.36, color)
    elif kind == "balloon":
        pen.line([(cx, top + bh * 0.62), (cx + bw * 0.05, bottom)], (90, 90, 96), 1.5)
        pen.ellipse(cx, top + bh * 0.32, bw * 0.48, bh * 0.32, color, outline=True)
        pen.ellipse(cx - bw * 0.15, top + bh * 0.2, bw * 0.1, bh * 0.07, _lighter(color, 0.5))
    elif kind == "umbrella":
        pen.line([(cx, top + bh * 0.2), (cx, bottom)], (90, 90, 96), bw * 0.03, outline=True)
        pen.chord((x0, top + bh * 0.05, x0 + bw, top + bh * 0.6), 180, 360, color, outline=True)
    elif kind == "chair":
        pen.rect(x0 + bw * 0.1, top, x0 + bw * 0.25, bottom, color, outline=True)
        pen.rect(x0 + bw * 0.1, top + bh * 0.5, x0 + bw * 0.9, top + bh * 0.6, color,
                 outline=True)
        pen.rect(x0 + bw * 0.78, top + bh * 0.6, x0 + bw * 0.9, bottom, color, outline=True)
    elif kind == "lamp":
        pen.rect(cx - bw * 0.05, top + bh * 0.3, cx + bw * 0.05, bottom - bh * 0.04,
                 (70, 70, 76), outline=True)
        pen.rect(cx - bw * 0.4, bottom - bh * 0.05, cx + bw * 0.4, bottom, (70, 70, 76),
                 outline=True)
        pen.poly([(cx - bw * 0.3, top), (cx + bw * 0.3, top), (cx + bw * 0.5, top + bh * 0.32),
                  (cx - bw * 0.5, top + bh * 0.32)], color, outline=True)
    elif kind == "rock":
        pen.poly([(x0, bottom), (x0 + bw * 0.1, top + bh * 0.4), (x0 + bw * 0.4, top),
                  (x0 + bw * 0.8, top + bh * 0.2), (x0 + bw, bottom)], color, outline=True)
    else:
        pen.rect(x0, top, x0 + bw, bottom, color, radius=min(bw, bh) * 0.18, outline=True)
        pen.rect(x0 + bw * 0.08, top + bh * 0.08, x0 + bw * 0.2, bottom - bh * 0.08,
                 _lighter(color, 0.35), radius=bw * 0.04)
        pen.fit_text((x0 + bw * 0.24, top + bh * 0.35, x0 + bw * 0.92, top + bh * 0.65),
                     _subject_noun(text), _text_on(color))
    return layer.reduce(ss)
