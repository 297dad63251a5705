"""The measurable picture adjustments feedback asks for ("brighter", "warmer", "more
contrast", "a red tint"), in steps, each moving the measured quantity the asked way."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from PIL import Image

from ..adjustments import Adjustments
from ..errors import InvalidInput
from .colors import RGB, color_rgb

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


def apply_adjustments(img: Image.Image, adjustments: Adjustments) -> Image.Image:
    """Apply the measurable adjustments in a fixed order: ``color`` (a tint),
    ``warmth``, ``contrast``, ``brightness`` (steps). The others (``setting``,
    ``framing`` ...) belong to the renderer and are ignored here.
    """
    out = img.convert("RGB")
    if adjustments.color:
        out = tint(out, adjustments.color, 0.3)
    if adjustments.warmth:
        out = adjust_warmth(out, adjustments.warmth)
    if adjustments.contrast:
        out = adjust_contrast(out, adjustments.contrast)
    if adjustments.brightness:
        out = adjust_brightness(out, adjustments.brightness)
    return out
