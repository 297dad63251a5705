"""The pen every shape is drawn with: Pillow's ``ImageDraw`` in picture coordinates on a
supersampled canvas, lit by the time of day and outlined in ink, plus fonts and text.

Layers are drawn at 2x (:data:`SS`) and reduced with one box filter, which
anti-aliases every edge cheaply; above full HD they are drawn at 1x to save memory.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .palette import INK, Tone

SS = 2  # supersampling factor for drawn layers
_SS_LIMIT = 2_100_000  # pixels (1920x1080): above it a 2x canvas costs too much memory


def supersampling(width: float, height: float) -> int:
    """Supersampling for a picture: 2x up to full HD, 1x beyond (a 4096² frame at 2x
    would need over a gigabyte of canvases)."""
    return SS if width * height <= _SS_LIMIT else 1


Box = tuple[float, float, float, float]


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


def printable(text: str) -> str:
    """Text the chosen font can show (only the built-in font needs help)."""
    _font(12)
    if _system_font:
        return text
    text = text.translate(_ASCII_FALLBACK)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ord(ch) < 128 or ch in "…·“”‘’")


def text_width(text: str, size: float, bold: bool = False) -> float:
    return float(_font(size, bold).getlength(text))


def put_text(d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: float,
             fill: Sequence[int], *, anchor: str = "mm", bold: bool = False) -> None:
    d.text(xy, printable(text), font=_font(size, bold), fill=tuple(fill), anchor=anchor)


class Pen:
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
        self.draw.text((x * s, y * s), printable(text), font=_font(size * s, bold),
                       fill=self.col(fill, lit), anchor=anchor)

    def fit_text(self, box: Box, text: str, fill: Sequence[int], *, max_size: float = 400,
                 lit: bool = False, bold: bool = False) -> None:
        """Write ``text`` as large as fits in ``box``, centred."""
        x0, y0, x1, y1 = box
        text = printable(text)
        if not text or x1 - x0 < 4 or y1 - y0 < 3:
            return
        size = min(max_size, (y1 - y0) * 0.8)
        width = text_width(text, size, bold)
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
