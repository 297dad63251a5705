"""A model's picture before it is kept: decoded with the blame on the model, fitted to
the size asked for, and -- after an edit -- unchanged outside the painted mask."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from PIL import Image

from ...errors import InvalidInput, ProviderError
from ...media.images import decode_image, encode_png, fit_to
from ...media.masks import mask_from_png, resize_mask


def decode_output(data: bytes, who: str = "the model") -> Any:
    """A model's picture as an RGB ``PIL.Image``; ``ProviderError`` if it is not one.

    ``decode_image`` raises ``InvalidInput`` (the user's fault) for bad bytes; here the
    bytes came from a provider, so the user's next step is to regenerate.
    """
    try:
        return decode_image(data)
    except InvalidInput as exc:
        raise ProviderError(f"{who} returned something that is not a usable image ({exc}); "
                            "regenerate to try again.") from None


def fit_png(data: bytes, width: int, height: int) -> bytes:
    """A model's picture cover-fitted to ``width`` x ``height``, as a PNG."""
    return encode_png(fit_to(decode_output(data), width, height))


def keep_unmasked(original: bytes, edited: bytes, mask: bytes) -> bytes:
    """``edited`` fitted to ``original``'s size, with every pixel outside the mask's white
    region taken from ``original``; a PNG.

    Remote edit models redraw the whole picture (gpt-image treats the mask as a hint,
    SDXL passes every pixel through its VAE), but the inpaint contract is that only the
    painted pixels change. The edit fades in over a few pixels *inside* the mask, so the
    seam does not show and nothing outside the mask moves.
    """
    base = decode_image(original)
    new = fit_to(decode_output(edited), base.width, base.height)
    painted = resize_mask(mask_from_png(mask), base.width, base.height)
    radius = max(1, min(base.width, base.height) // 256)
    alpha = cv2.GaussianBlur(painted.astype(np.float32), (2 * radius + 1, 2 * radius + 1), 0)
    alpha = (alpha * painted)[:, :, None]  # zero outside the mask, whatever the blur did
    mixed = np.asarray(base, np.float32) * (1 - alpha) + np.asarray(new, np.float32) * alpha
    return encode_png(Image.fromarray(np.rint(mixed).astype(np.uint8)))
