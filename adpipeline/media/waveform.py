"""A picture of an ad's sound: the waveform, with the spoken lines marked under it.

Used to look at a mix (``cli_tools/audio.py``) and by the video panel. Drawn with
numpy and Pillow: a min/max envelope per pixel column, as audio editors draw it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from .audio import RATE


def waveform_png(samples: np.ndarray, *, width: int = 1200, height: int = 240,
                 marks: Sequence[tuple[float, float]] = (), rate: int = RATE) -> bytes:
    """A PNG of ``samples`` (mono float) with ``marks`` (start, end seconds) shaded below."""
    image = Image.new("RGB", (width, height), (250, 250, 252))
    draw = ImageDraw.Draw(image)
    band = 16 if marks else 0
    mid = (height - band) / 2
    total = max(1, len(samples))
    for start, end in marks:
        x0, x1 = start * rate / total * width, end * rate / total * width
        draw.rectangle([x0, height - band + 3, x1, height - 3], fill=(90, 150, 230))
        draw.rectangle([x0, 0, x1, height - band], fill=(232, 240, 252))
    if len(samples):
        columns = np.array_split(np.asarray(samples, np.float32), width)
        for x, col in enumerate(columns):
            if not len(col):
                continue
            top, bottom = float(col.max()), float(col.min())
            draw.line([(x, mid - top * mid), (x, mid - bottom * mid)], fill=(40, 60, 90))
    for db in (-6.0, -20.0):  # reference lines help compare levels between pictures
        y = 10 ** (db / 20) * mid
        for yy in (mid - y, mid + y):
            draw.line([(0, yy), (width, yy)], fill=(220, 200, 200))
    draw.line([(0, mid), (width, mid)], fill=(180, 180, 190))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
