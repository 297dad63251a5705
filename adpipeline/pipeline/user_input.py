"""Checks on what a user hands a stage: text, item numbers, masks and images.

Each check raises :class:`~adpipeline.errors.InvalidInput` with the fix, before anything
is saved or spent.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

MAX_FEEDBACK_CHARS = 2000
#: The largest image file ``replace`` reads: a 40-megapixel PNG is well under this,
#: and a bigger file is refused before it is read.
MAX_IMAGE_BYTES = 64 * 1024 * 1024


def whole(value: object) -> bool:
    """An int that is not a bool (True would otherwise count as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_text(text: object, what: str, *, limit: int = MAX_FEEDBACK_CHARS) -> str:
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be text, got {type(text).__name__}.")
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(f"{what} is empty; say what should change.")
    if len(cleaned) > limit:
        raise InvalidInput(f"{what} is {len(cleaned)} characters; keep it under {limit}.")
    return cleaned


def as_mask_array(mask: Any) -> np.ndarray:
    import numpy as np
    from PIL import Image

    from ..media.masks import mask_from_png

    if isinstance(mask, bytes | bytearray | memoryview):
        return mask_from_png(bytes(mask))
    if isinstance(mask, Image.Image):
        return np.asarray(mask.convert("L"))
    if isinstance(mask, np.ndarray):
        return mask
    raise InvalidInput(
        f"mask must be a numpy array, a PIL image or PNG bytes, got {type(mask).__name__}."
    )


def image_bytes(image: bytes | str | Path | Image.Image) -> bytes:
    from PIL import Image

    if isinstance(image, bytes | bytearray | memoryview):
        if len(image) > MAX_IMAGE_BYTES:
            raise InvalidInput(f"the image is {len(image) / 1e6:,.0f} MB; the limit is "
                               f"{MAX_IMAGE_BYTES / 1e6:.0f} MB.")
        return bytes(image)
    if isinstance(image, str | Path):
        path = Path(image)
        try:
            size = path.stat().st_size if path.is_file() else None
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}.") from None
        if size is None:
            raise InvalidInput(f"no image file at {path}.")
        if size > MAX_IMAGE_BYTES:
            raise InvalidInput(f"{path} is {size / 1e6:,.0f} MB; images up to "
                               f"{MAX_IMAGE_BYTES / 1e6:.0f} MB can be used.")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}.") from None
    if isinstance(image, Image.Image):
        return png_of(image)
    raise InvalidInput(
        f"image must be bytes, a file path or a PIL image, got {type(image).__name__}."
    )


def png_of(image: Image.Image) -> bytes:
    """PNG bytes of any PIL image: CMYK, LAB, 16/32-bit and float modes become RGB."""
    import numpy as np
    from PIL import Image, ImageCms

    try:
        if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
            # Scale the value range to 8 bits: a plain convert would clip almost all to white.
            values = np.asarray(image, dtype=np.float64)
            low, high = np.nanmin(values), np.nanmax(values)
            span = high - low if np.isfinite(high - low) and high > low else 1.0
            scaled = np.nan_to_num((values - low) / span * 255.0, nan=0.0)
            image = Image.fromarray(scaled.clip(0, 255).astype(np.uint8), "L")
        elif image.mode == "LAB":
            converted = ImageCms.applyTransform(image, ImageCms.buildTransform(
                ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB"))
            image = converted if converted is not None else image.convert("RGB")
        elif image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"this {image.mode} image cannot be used ({exc}); convert it to RGB "
                           "first, e.g. image.convert('RGB').") from None
