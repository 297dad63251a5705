"""Image helpers shared by every layer: safe decoding, fast lossless PNG, cover-crop,
named colours and the measurable adjustments feedback asks for.

Images are ``PIL.Image.Image`` at the edges (what notebooks show and users hold) and
numpy arrays inside the heavier work. PNG is encoded with OpenCV: on illustration-like
1024x1024 frames it is ~5x faster than Pillow at its default level and still lossless
(see PERF-NOTES, Images).
"""

from __future__ import annotations

import contextlib
import io
import numbers
import re
import struct
import zlib
from collections.abc import Mapping
from typing import Any, Literal

import cv2
import numpy as np
from PIL import Image, ImageColor, ImageOps, UnidentifiedImageError

from ..errors import InvalidInput

RGB = tuple[int, int, int]

__all__ = [
    "COLORS",
    "RGB",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_warmth",
    "apply_adjustments",
    "color_rgb",
    "decode_image",
    "encode_png",
    "find_color",
    "fit_to",
    "luminance",
    "png_text",
    "steps",
    "tint",
]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Names people type in feedback and stories. Hand-picked rather than CSS's so that
# "green" is a grass green and "gold" reads as gold on a label, not as CSS's olive-ish.
COLORS: dict[str, RGB] = {
    "red": (214, 40, 40),
    "crimson": (190, 20, 50),
    "scarlet": (230, 36, 20),
    "burgundy": (120, 20, 40),
    "maroon": (128, 24, 32),
    "coral": (255, 111, 89),
    "salmon": (250, 128, 114),
    "orange": (245, 130, 20),
    "peach": (255, 190, 150),
    "amber": (255, 176, 0),
    "yellow": (250, 210, 30),
    "gold": (212, 170, 40),
    "golden": (218, 165, 32),
    "cream": (250, 240, 210),
    "ivory": (250, 246, 230),
    "beige": (225, 205, 170),
    "sand": (220, 195, 145),
    "tan": (200, 160, 110),
    "khaki": (190, 180, 120),
    "brown": (120, 75, 40),
    "chocolate": (90, 50, 25),
    "olive": (120, 130, 40),
    "lime": (140, 210, 40),
    "green": (40, 160, 70),
    "emerald": (20, 140, 90),
    "forest": (30, 100, 50),
    "mint": (150, 230, 190),
    "sage": (150, 175, 140),
    "teal": (0, 140, 140),
    "turquoise": (40, 200, 190),
    "aqua": (60, 220, 220),
    "cyan": (0, 200, 230),
    "sky": (120, 190, 240),
    "blue": (40, 90, 210),
    "cobalt": (0, 71, 171),
    "navy": (20, 35, 90),
    "indigo": (70, 40, 140),
    "violet": (140, 80, 200),
    "purple": (130, 50, 170),
    "lavender": (180, 160, 230),
    "lilac": (200, 160, 220),
    "magenta": (220, 30, 160),
    "pink": (245, 130, 180),
    "rose": (230, 100, 130),
    "white": (245, 245, 245),
    "silver": (192, 196, 204),
    "grey": (128, 128, 132),
    "gray": (128, 128, 132),
    "charcoal": (54, 58, 64),
    "black": (24, 24, 28),
}

_COLOR_ALIASES = {
    "sky blue": "sky",
    "light blue": "sky",
    "baby blue": "sky",
    "royal blue": "cobalt",
    "navy blue": "navy",
    "dark blue": "navy",
    "forest green": "forest",
    "dark green": "forest",
    "light green": "lime",
    "hot pink": "magenta",
    "off white": "ivory",
    "off-white": "ivory",
    "jet black": "black",
    "matte black": "black",
    "space gray": "charcoal",
    "space grey": "charcoal",
}


def color_rgb(name: str | RGB | list[int]) -> RGB:
    """Return the ``(r, g, b)`` for a colour name, ``#rrggbb`` or an RGB triple.

    Free text works when it contains a colour word ("matte black", "ocean blue").

    Raises:
        InvalidInput: if no colour can be read from ``name``.
    """
    if isinstance(name, tuple | list) and len(name) == 3:
        return (int(name[0]), int(name[1]), int(name[2]))
    if not isinstance(name, str):
        raise InvalidInput(f"{name!r} is not a colour: give a name like 'red' or '#cc2244'.")
    text = name.strip().lower()
    if text in COLORS:
        return COLORS[text]
    found = find_color(text)
    if found is not None:
        return found[1]
    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        raise InvalidInput(
            f"unknown colour {name!r}: use a name such as red, blue, green, yellow, purple, "
            "orange, pink, teal, black or white, or a hex code like '#cc2244'."
        ) from None
    return (int(rgb[0]), int(rgb[1]), int(rgb[2]))


# Colour names that are usually nouns in a sentence ("a palm tree on the sand").
_NOUN_COLORS = frozenset(
    {
        "forest",
        "sand",
        "sky",
        "rose",
        "cream",
        "chocolate",
        "lime",
        "olive",
        "peach",
        "salmon",
        "amber",
        "sage",
        "mint",
        "gold",
    }
)

_HEX = re.compile(r"#[0-9a-f]{6}\b")


def find_color(text: str) -> tuple[str, RGB] | None:
    """Find the first colour mentioned in free text: ``"a red sports car"`` -> red.

    Two-word names ("sky blue") win over their parts; returns ``None`` if no colour.
    """
    low = text.lower()
    match = _HEX.search(low)
    if match:
        rgb = ImageColor.getrgb(match.group(0))
        return match.group(0), (int(rgb[0]), int(rgb[1]), int(rgb[2]))
    best: tuple[int, str, RGB] | None = None
    for alias, key in _COLOR_ALIASES.items():
        pos = low.find(alias)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, alias, COLORS[key])
    if best is not None:
        return best[1], best[2]
    words = re.findall(r"[a-z]+", low)
    for word in words:
        if word in COLORS and word not in _NOUN_COLORS:
            return word, COLORS[word]
        if word.endswith("ish"):
            # greenish -> green, reddish -> red (doubled consonant), bluish -> blue
            stem = word[:-3]
            for base in (stem, stem[:-1] if stem[-2:-1] == stem[-1:] else "", stem + "e"):
                if base in COLORS:
                    return base, COLORS[base]
    return None


# ---------------------------------------------------------------------------- decoding


def _png_header_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR, read without decoding anything."""
    if len(data) >= 24 and data[:8] == _PNG_SIGNATURE and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    return None


def _too_large(width: int, height: int, max_pixels: int, max_side: int) -> InvalidInput:
    return InvalidInput(
        f"image is {width}x{height} pixels ({width * height / 1e6:,.1f} megapixels); the limit "
        f"is {max_side} px per side and {max_pixels / 1e6:,.0f} megapixels. Resize it (for "
        "example to 4096 px on the long side) and upload it again."
    )


def decode_image(
    data: bytes | bytearray | memoryview,
    *,
    max_pixels: int = 40_000_000,
    max_side: int = 8192,
    mode: Literal["RGB", "RGBA", "L"] | None = "RGB",
) -> Image.Image:
    """Decode and validate uploaded image bytes (PNG, JPEG, WebP, GIF, ...).

    The size is checked from the file header *before* any pixels are decoded, so a
    50,000 x 50,000 PNG is refused without allocating it. The image is then fully
    loaded so a truncated or corrupt file fails here rather than later in a render.
    Phone photos are turned upright using their EXIF orientation.

    Args:
        data: the file's bytes.
        max_pixels: the largest width x height accepted.
        max_side: the largest width or height accepted.
        mode: convert to this mode (``"RGB"`` composites transparency over white);
            ``None`` keeps RGB/RGBA/L as decoded and converts anything else to RGB(A).

    Raises:
        InvalidInput: not an image, truncated or corrupt, or too large; the message says
            which, and what to do.

    Example:
        >>> img = decode_image(open("bottle.png", "rb").read())
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidInput(
            f"expected image bytes, got {type(data).__name__}: pass the file's contents, "
            "e.g. open(path, 'rb').read()."
        )
    data = bytes(data)
    if not data:
        raise InvalidInput("the image is empty (0 bytes): choose the file again and re-upload.")
    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        # Pillow refuses > 2x its own pixel limit at open time: still no allocation.
        size = _png_header_size(data)
        if size is not None:
            raise _too_large(size[0], size[1], max_pixels, max_side) from None
        raise InvalidInput(
            f"image is too large to decode safely; the limit is {max_side} px per side and "
            f"{max_pixels / 1e6:,.0f} megapixels. Resize it and upload it again."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(
            f"these {len(data):,} bytes are not an image Pillow can read: upload a PNG, JPEG "
            "or WebP file."
        ) from None
    width, height = img.size
    if width <= 0 or height <= 0:
        raise InvalidInput(f"image has no pixels ({width}x{height}): upload a real picture.")
    if width > max_side or height > max_side or width * height > max_pixels:
        raise _too_large(width, height, max_pixels, max_side)
    fmt = img.format
    try:
        if fmt == "PNG":
            # Pillow decodes a PNG that lost its tail (after the last IDAT) without
            # complaint; verify() walks every chunk and CRC without inflating pixels.
            Image.open(io.BytesIO(data)).verify()
        img.load()
    except Exception as exc:  # Pillow raises OSError, SyntaxError, zlib.error, ...
        raise InvalidInput(
            f"the {fmt or 'image'} file is truncated or corrupt ({exc}); export it again "
            "or upload a different file."
        ) from None
    # A malformed EXIF block must not make an otherwise readable picture fail.
    with contextlib.suppress(Exception):
        img = ImageOps.exif_transpose(img) or img  # type: ignore[assignment]
    return _to_mode(img, mode)


def _to_mode(img: Image.Image, mode: str | None) -> Image.Image:
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    if mode is None:
        if img.mode in ("RGB", "RGBA", "L"):
            return img
        mode = "RGBA" if has_alpha else "RGB"
    if img.mode == mode:
        return img
    if mode == "RGB" and has_alpha:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits rather than clip everything to white.
        arr = np.asarray(img, dtype=np.float64)
        top = float(arr.max()) or 1.0
        img = Image.fromarray((arr * (255.0 / max(top, 255.0))).astype(np.uint8))
    return img.convert(mode)


# ---------------------------------------------------------------------------- encoding


def _as_array(img: Image.Image | np.ndarray) -> np.ndarray:
    """Uint8 array in OpenCV's channel order (gray, BGR or BGRA)."""
    if isinstance(img, Image.Image):
        if img.mode not in ("RGB", "RGBA", "L"):
            img = _to_mode(img, None)
        arr = np.asarray(img)
    elif isinstance(img, np.ndarray):
        arr = img
        if arr.dtype == np.bool_:
            arr = arr.astype(np.uint8) * 255
        elif arr.dtype != np.uint8:
            arr = np.clip(arr, 0, 255).astype(np.uint8)
    else:
        raise InvalidInput(
            f"cannot encode {type(img).__name__} as PNG: pass a PIL image or a numpy array."
        )
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        return np.ascontiguousarray(arr)
    if arr.ndim == 3 and arr.shape[2] == 3:
        return cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_RGB2BGR)
    if arr.ndim == 3 and arr.shape[2] == 4:
        return cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_RGBA2BGRA)
    raise InvalidInput(
        f"cannot encode an array of shape {arr.shape} as PNG: use HxW, HxWx3 or HxWx4."
    )


def encode_png(img: Image.Image | np.ndarray, *, text: Mapping[str, str] | None = None) -> bytes:
    """Encode a PIL image or an RGB(A)/grey uint8 array as lossless PNG bytes.

    Uses OpenCV's encoder (several times faster than Pillow's at equal losslessness).
    ``text`` adds ``tEXt`` chunks (Latin-1 keys and values) that :func:`png_text` reads
    back, e.g. ``{"adpipeline:kind": "product"}``.

    Raises:
        InvalidInput: for things that are not images.
    """
    arr = _as_array(img)
    ok, buf = cv2.imencode(".png", arr)
    if not ok:  # pragma: no cover - OpenCV only fails on impossible shapes
        raise InvalidInput(f"OpenCV could not encode an image of shape {arr.shape} as PNG.")
    data = buf.tobytes()
    if text:
        data = _insert_text_chunks(data, text)
    return data


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def _insert_text_chunks(png: bytes, text: Mapping[str, str]) -> bytes:
    # IHDR is always first and always 25 bytes; text chunks may follow it directly.
    head = 8 + 25
    chunks = b"".join(
        _chunk(b"tEXt", key.encode("latin-1") + b"\x00" + value.encode("latin-1", "replace"))
        for key, value in text.items()
    )
    return png[:head] + chunks + png[head:]


def png_text(data: bytes) -> dict[str, str]:
    """The ``tEXt`` chunks before the pixel data of a PNG, without decoding pixels.

    Returns ``{}`` for non-PNG or malformed input (metadata is a hint, never required).
    """
    out: dict[str, str] = {}
    if data[:8] != _PNG_SIGNATURE:
        return out
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind in (b"IDAT", b"IEND") or pos + 12 + length > len(data):
            break
        if kind == b"tEXt":
            payload = data[pos + 8 : pos + 8 + length]
            key, _, value = payload.partition(b"\x00")
            out[key.decode("latin-1")] = value.decode("latin-1")
        pos += 12 + length
    return out


# ---------------------------------------------------------------------------- geometry


def fit_to(img: Image.Image, width: int, height: int) -> Image.Image:
    """Scale ``img`` to cover ``width`` x ``height`` and crop the overflow, centred.

    Nothing is letterboxed and nothing is stretched: a 4:3 photo fitted to 16:9 loses
    a band at top and bottom.
    """
    if width <= 0 or height <= 0:
        raise InvalidInput(f"cannot fit an image to {width}x{height}: sizes must be positive.")
    if img.size == (width, height):
        return img.copy()
    return ImageOps.fit(img, (width, height), method=Image.Resampling.LANCZOS)


# ---------------------------------------------------------------------------- adjustments

_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
_STEP_WORDS = {
    "more": 1.0,
    "up": 1.0,
    "higher": 1.0,
    "increase": 1.0,
    "less": -1.0,
    "down": -1.0,
    "lower": -1.0,
    "decrease": -1.0,
}


def steps(value: Any) -> float:
    """Read an adjustment amount: ``1``, ``-2``, ``"+1"``, ``"more"``, ``"less"``.

    Clamped to [-5, 5] because past that every adjustment saturates anyway.

    Raises:
        InvalidInput: for values that are not a number of steps.
    """
    if isinstance(value, bool):
        amount = 1.0 if value else 0.0
    elif isinstance(value, numbers.Real):
        amount = float(value)
    elif isinstance(value, str) and value.strip().lower() in _STEP_WORDS:
        amount = _STEP_WORDS[value.strip().lower()]
    else:
        try:
            amount = float(str(value).strip())
        except ValueError:
            raise InvalidInput(
                f"adjustment {value!r} is not a number of steps: use e.g. +1, -1 or 'more'."
            ) from None
    if not np.isfinite(amount):
        raise InvalidInput(f"adjustment {value!r} is not a finite number of steps.")
    return float(np.clip(amount, -5.0, 5.0))


def luminance(img: Image.Image | np.ndarray) -> np.ndarray:
    """Rec. 709 luminance (0-255, float32) of an RGB image, HxW."""
    arr = np.asarray(img.convert("RGB") if isinstance(img, Image.Image) else img)
    return arr[..., :3].astype(np.float32) @ _LUMA


def _rgb_float(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"), dtype=np.float32)


def _to_image(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))


def adjust_brightness(img: Image.Image, amount: float) -> Image.Image:
    """Brighter (``amount`` > 0) or darker (< 0), about 18 % of the way per step.

    Brightening moves pixels toward white and darkening scales toward black, so
    highlights never clip flat and mean luminance always moves in the asked direction.
    """
    amount = steps(amount)
    if amount == 0:
        return img.convert("RGB")
    arr = _rgb_float(img)
    t = 1.0 - 0.82 ** abs(amount)
    arr = arr + (255.0 - arr) * t if amount > 0 else arr * (1.0 - t)
    return _to_image(arr)


def adjust_warmth(img: Image.Image, amount: float) -> Image.Image:
    """Warmer (> 0: more red, less blue) or cooler (< 0), about 10 % per step."""
    amount = steps(amount)
    if amount == 0:
        return img.convert("RGB")
    arr = _rgb_float(img)
    t = 1.0 - 0.9 ** abs(amount)
    warm, cool = (0, 2) if amount > 0 else (2, 0)
    arr[..., warm] += (255.0 - arr[..., warm]) * t
    arr[..., 1] += (255.0 - arr[..., 1]) * t * 0.25  # a touch of green keeps it golden, not pink
    arr[..., cool] *= 1.0 - t
    return _to_image(arr)


def adjust_contrast(img: Image.Image, amount: float) -> Image.Image:
    """More (> 0) or less (< 0) contrast around the image's mean luminance, ~30 % per step."""
    amount = steps(amount)
    if amount == 0:
        return img.convert("RGB")
    arr = _rgb_float(img)
    mean = float((arr @ _LUMA).mean())
    factor = 1.3**amount
    return _to_image(mean + (arr - mean) * factor)


def tint(img: Image.Image, color: str | RGB, strength: float = 0.3) -> Image.Image:
    """Grade ``img`` toward a colour while keeping its light and shade.

    Each pixel is blended with the colour scaled to that pixel's luminance, so a
    ``"red"`` tint makes shadows dark red and highlights bright red rather than
    painting a flat red veil.
    """
    rgb = np.array(color_rgb(color), dtype=np.float32)
    strength = float(np.clip(strength, 0.0, 1.0))
    arr = _rgb_float(img)
    lum = arr @ _LUMA
    target = lum[..., None] * (rgb / max(float(rgb @ _LUMA), 8.0))
    return _to_image(arr * (1.0 - strength) + np.clip(target, 0, 255) * strength)


def apply_adjustments(img: Image.Image, adjustments: Mapping[str, Any]) -> Image.Image:
    """Apply the measurable keys of ``adjustments`` in a fixed order.

    Known keys: ``color`` (a name, tint), ``warmth``, ``contrast``, ``brightness``
    (steps). Other keys (``setting``, ``framing``) belong to the renderer and are
    ignored here.
    """
    out = img.convert("RGB")
    if adjustments.get("color"):
        out = tint(out, adjustments["color"], 0.3)
    if adjustments.get("warmth"):
        out = adjust_warmth(out, adjustments["warmth"])
    if adjustments.get("contrast"):
        out = adjust_contrast(out, adjustments["contrast"])
    if adjustments.get("brightness"):
        out = adjust_brightness(out, adjustments["brightness"])
    return out
