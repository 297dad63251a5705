"""Image helpers shared by every layer: safe decoding, fast lossless PNG with text
chunks, and cover-crop. (Named colours are in :mod:`.colors`; the adjustments feedback
asks for in :mod:`.adjustments`.)

Images are ``PIL.Image.Image`` at the edges (what notebooks show and users hold) and
numpy arrays inside the heavier work. PNG is encoded with OpenCV: on illustration-like
1024x1024 frames it is ~5x faster than Pillow at its default level and still lossless
(see PERF-NOTES, Images).
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from collections.abc import Mapping
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import InvalidInput

__all__ = ["decode_image", "encode_png", "fit_to", "png_text"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
