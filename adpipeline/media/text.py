"""Ad text drawn the same way wherever it appears: headlines and subtitles.

The video renderer burns these into each shot; the offline storyboard renderer draws
the same headline into a frame, so a frame shows its on-screen text exactly as the ad
will, and the video does not draw it a second time.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

_BOLD_FONTS = (
    "DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf",
    "Helvetica-Bold.ttf", "FreeSansBold.ttf", "NotoSans-Bold.ttf",
)  # fmt: skip


@lru_cache(maxsize=32)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow searches the system font folders for a bare file name; its bundled font
    # (Pillow >= 10.1) keeps text readable where none of these exist.
    for name in _BOLD_FONTS:
        with contextlib.suppress(OSError):
            return ImageFont.truetype(name, size)
    return ImageFont.load_default(size=size)


def wrap(text: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float) -> list[str]:
    """Greedy word wrap by rendered width; words wider than a line are split."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            while face.getlength(word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and face.getlength(word[:cut]) > width:
                    cut -= 1
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}".strip()
            if face.getlength(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
    return lines


@dataclass(frozen=True)
class TextStyle:
    size: float  # font size as a fraction of the frame's short side
    max_lines: int
    box_alpha: int
    stroke: bool


HEADLINE = TextStyle(size=0.068, max_lines=3, box_alpha=120, stroke=True)
SUBTITLE = TextStyle(size=0.045, max_lines=3, box_alpha=160, stroke=False)


def text_box(text: str, style: TextStyle, width: int, height: int) -> Image.Image | None:
    """Text on a dark translucent rounded box, as RGBA; shrinks until it fits."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if not text:
        return None
    short = min(width, height)
    max_w = 0.86 * width
    size = max(10, round(style.size * short))
    floor = max(10, round(size * 0.6))
    while True:
        face = font(size)
        lines = wrap(text, face, max_w - 1.2 * size)
        if len(lines) <= style.max_lines or size <= floor:
            break
        size = max(floor, round(size * 0.9))
    room = max_w - 1.2 * size
    if len(lines) > style.max_lines:
        lines = lines[: style.max_lines]
        last = lines[-1]
        while last and face.getlength(last + "…") > room:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    elif len(lines) > 1:
        # Balance the lines (one word left alone on the last line looks accidental):
        # the narrowest width that still needs no more lines than the greedy wrap.
        lo = max(face.getlength(word) for word in text.split())
        hi = room
        if lo < hi:
            for _ in range(10):
                mid = (lo + hi) / 2
                if len(wrap(text, face, mid)) <= len(lines):
                    hi = mid
                else:
                    lo = mid
            lines = wrap(text, face, hi)
    line_h = round(size * 1.22)
    pad_x, pad_y = round(size * 0.6), round(size * 0.32)
    text_w = max(face.getlength(line) for line in lines)
    box_w = min(width, int(text_w + 2 * pad_x + 1))
    box_h = min(height, line_h * len(lines) + 2 * pad_y)
    box_w += box_w % 2  # even sizes keep the 4:2:0 chroma grid aligned
    box_h += box_h % 2
    box = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
    ImageDraw.Draw(box).rounded_rectangle(
        (0, 0, box_w - 1, box_h - 1), radius=round(size * 0.35), fill=(0, 0, 0, style.box_alpha)
    )
    ink = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(ink)
    stroke = max(1, round(size / 16)) if style.stroke else 0
    for n, line in enumerate(lines):
        # Centre each line on the box; "ma" anchors at the ascender, so lines align.
        draw.text(
            (box_w / 2, pad_y + n * line_h + (line_h - size) / 2),
            line,
            font=face,
            fill=(255, 255, 255, 255),
            anchor="ma",
            stroke_width=stroke,
            stroke_fill=(0, 0, 0, 255),
        )
    return Image.alpha_composite(box, ink)


def text_layout(width: int, height: int) -> tuple[float, float]:
    """Top of the headline and bottom of the subtitles, as fractions of the height.

    Tall (9:16) frames keep text inside the area social apps leave uncovered.
    """
    if height > width * 1.2:
        return 0.12, 0.78
    if width > height * 1.2:
        return 0.07, 0.93
    return 0.08, 0.91


def headline_position(box: Image.Image, width: int, height: int) -> tuple[int, int]:
    """Where a headline box goes: centred, at the layout's top line (even offsets)."""
    top, _ = text_layout(width, height)
    x = (width - box.width) // 2 & ~1
    y = min(round(top * height), height - box.height) & ~1
    return x, y


def draw_headline(image: Image.Image, text: str) -> None:
    """Draw ``text`` as the ad's headline onto an RGB ``image``, in place."""
    box = text_box(text, HEADLINE, image.width, image.height)
    if box is not None:
        image.paste(box, headline_position(box, image.width, image.height), box)
