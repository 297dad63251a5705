"""Replicate models by family: which input fields each takes, what each costs, and the
check of an input against the model version's own OpenAPI schema before paying.

Unknown inputs are silently ignored by models on Replicate (cog), so a wrong field name
costs money, not an error: hailuo drops ``image`` and bills a clip unrelated to the
approved frame. So every video input is built per family and then checked against the
schema the API returns (``GET /v1/models/{owner}/{name}``: ``latest_version.
openapi_schema``): the frame's field must be in it, durations and aspect ratios are
snapped to the values it allows, and fields it does not know are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import InvalidInput

#: When the prices here were read from the models' pages on replicate.com.
PRICES_DATED = "2026-12-01"


@dataclass(frozen=True)
class VideoFamily:
    """How one image-to-video model family is asked for a clip."""

    image_field: str
    #: Clip lengths it can make (seconds); the shortest at least the scene is asked for.
    durations: tuple[int, ...]
    #: USD per second of generated footage, billed for the requested duration.
    usd_per_s: float
    aspect_field: bool = False
    #: Seedance and Veo make an audio track by default: paid for and then thrown away.
    audio_off: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


VIDEO_FAMILIES: dict[str, VideoFamily] = {
    "kwaivgi/kling-v2.1": VideoFamily("start_image", (5, 10), 0.05, extra={"mode": "standard"}),
    "kwaivgi/kling-v2.5-turbo-pro": VideoFamily("start_image", (5, 10), 0.07, aspect_field=True),
    "minimax/hailuo-02": VideoFamily("first_frame_image", (6, 10), 0.045,
                                     extra={"resolution": "768p"}),
    "minimax/hailuo-2.3": VideoFamily("first_frame_image", (6, 10), 0.045,
                                      extra={"resolution": "768p"}),
    "bytedance/seedance-1-pro": VideoFamily("image", tuple(range(2, 13)), 0.06, aspect_field=True,
                                            audio_off=True, extra={"resolution": "720p"}),
    "bytedance/seedance-1-lite": VideoFamily("image", tuple(range(2, 13)), 0.036,
                                             aspect_field=True, audio_off=True,
                                             extra={"resolution": "720p"}),
    "google/veo-3.1": VideoFamily("image", (4, 6, 8), 0.20, aspect_field=True, audio_off=True),
    "google/veo-3.1-fast": VideoFamily("image", (4, 6, 8), 0.10, aspect_field=True,
                                       audio_off=True),
    "pixverse/pixverse-v5": VideoFamily("image", (5, 8), 0.06, aspect_field=True),
}

#: Image models that take reference pictures, and the field (a list, or one picture).
REFERENCE_FIELDS: dict[str, tuple[str, int]] = {
    "black-forest-labs/flux-2-pro": ("input_images", 8),
    "black-forest-labs/flux-2-dev": ("input_images", 8),
    "black-forest-labs/flux-2-flex": ("input_images", 8),
    "black-forest-labs/flux-kontext-pro": ("input_image", 1),
    "black-forest-labs/flux-kontext-max": ("input_image", 1),
    "black-forest-labs/flux-kontext-dev": ("input_image", 1),
}


def input_shape(model: str) -> str:
    """Which input shape ``model`` takes: flux, flux-fill, svd, or generic (SDXL-like)."""
    name = model.split(":", 1)[0].lower()
    if name.startswith("black-forest-labs/flux-fill"):
        return "flux-fill"
    if name.startswith("black-forest-labs/flux"):
        return "flux"
    if name == "stability-ai/stable-video-diffusion":
        return "svd"
    return "generic"


def family_of(model: str) -> VideoFamily | None:
    return VIDEO_FAMILIES.get(model.split(":", 1)[0].lower())


def clip_seconds(family: VideoFamily, scene_s: float) -> int:
    """The shortest clip length the model makes that covers the scene (else its longest);
    the clip is trimmed or looped to the scene afterwards."""
    fitting = [d for d in family.durations if d >= scene_s - 1e-6]
    return min(fitting) if fitting else max(family.durations)


def nearest_aspect(aspect: str, allowed: list[str]) -> str:
    w, h = (int(x) for x in aspect.split(":"))
    return min(allowed, key=lambda a: abs(int(a.split(":")[0]) / int(a.split(":")[1]) - w / h))


def input_properties(openapi: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The ``Input`` properties and required names of a version's OpenAPI schema."""
    schema = (openapi.get("components") or {}).get("schemas", {}).get("Input") or {}
    return dict(schema.get("properties") or {}), list(schema.get("required") or [])


def fit_to_schema(model: str, inputs: dict[str, Any], openapi: dict[str, Any],
                  must_keep: tuple[str, ...]) -> dict[str, Any]:
    """``inputs`` made acceptable to ``model``'s input schema, or ``InvalidInput`` (before
    anything is paid) when a field we rely on is not there or a required one is missing.

    Enumerated values (``duration``, ``aspect_ratio``) snap to the nearest allowed one;
    fields the schema does not list are left out (the model would ignore them)."""
    properties, required = input_properties(openapi)
    if not properties:
        return inputs
    for name in must_keep:
        if name not in properties:
            raise InvalidInput(
                f"Replicate model {model} has no input {name!r} (it takes "
                f"{', '.join(sorted(properties))}); it would ignore the storyboard frame and "
                "bill a clip unrelated to it. Choose an image-to-video model."
            )
    fitted: dict[str, Any] = {}
    for name, value in inputs.items():
        if name not in properties:
            continue
        allowed = _allowed(properties[name], openapi)
        if allowed and value not in allowed:
            if name == "aspect_ratio":
                value = nearest_aspect(str(value), [str(a) for a in allowed])
            elif all(isinstance(a, int | float) for a in allowed) and isinstance(value, int | float):
                value = min(allowed, key=lambda a: (a < value, abs(a - value)))
            else:
                continue  # the model's default is better than a value it refuses
        fitted[name] = value
    missing = [name for name in required if name not in fitted]
    if missing:
        raise InvalidInput(f"Replicate model {model} needs input {', '.join(missing)}, which "
                           "adpipeline does not know how to fill; choose another model.")
    return fitted


def _allowed(prop: dict[str, Any], openapi: dict[str, Any]) -> list[Any]:
    if "enum" in prop:
        return list(prop["enum"])
    for option in prop.get("allOf", []) + prop.get("anyOf", []):
        ref = option.get("$ref", "")
        if ref:
            target = openapi.get("components", {}).get("schemas", {}).get(ref.split("/")[-1], {})
            if "enum" in target:
                return list(target["enum"])
    return []
