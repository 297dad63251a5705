"""What a call to a model on Replicate costs, priced before it is made (the gateway's
budget check refuses a call the budget cannot pay for)."""

from __future__ import annotations

import json
from typing import Any

from ..base import Cost
from . import families

# Prices, keyed by owner/name (any version). Replicate bills official models per output
# (tokens, images) and community models per GPU-second; for the latter the figure is a
# typical run. Checked against replicate.com model pages, 2025-2026.
#: USD per million input / output tokens.
_TEXT_PRICES: dict[str, tuple[float, float]] = {
    "meta/meta-llama-3-70b-instruct": (0.65, 2.75),
    "meta/meta-llama-3-8b-instruct": (0.05, 0.25),
    "meta/meta-llama-3.1-405b-instruct": (9.50, 9.50),
}
#: USD per image.
_IMAGE_PRICES: dict[str, float] = {
    "black-forest-labs/flux-schnell": 0.003,
    "black-forest-labs/flux-dev": 0.025,
    "black-forest-labs/flux-1.1-pro": 0.04,
    "black-forest-labs/flux-pro": 0.055,
    "stability-ai/sdxl": 0.0063,  # ~4.5 s on an L40S; inpainting costs the same
}
#: USD per second of footage the model generates, and the length of one clip in seconds
#: (``None``: the clip is as long as its scene). SVD runs on an A100 (80 GB) at
#: $0.0014/s for ~75-90 s per 25-frame clip, about $0.11-0.13: $0.03 per second of its
#: 25 frames at 6 fps (4.17 s) is $0.125 a clip.
_VIDEO_PRICES: dict[str, tuple[float, float | None]] = {
    "stability-ai/stable-video-diffusion": (0.03, 25 / 6),
}
#: USD per thousand input characters of speech models (official models, billed per
#: character). Checked against replicate.com model pages, 2026-10.
_SPEECH_PRICES: dict[str, float] = {
    "minimax/speech-02-turbo": 0.06,
    "minimax/speech-02-hd": 0.10,
    "minimax/speech-2.6-turbo": 0.06,
    "minimax/speech-2.6-hd": 0.10,
}
_UNKNOWN_SPEECH = 0.30
# A model we do not know is priced at or above the dearest of its kind on Replicate, so
# a budget stops spending early rather than late.
_UNKNOWN_TEXT = (9.50, 15.00)
_UNKNOWN_IMAGE = 0.10
_UNKNOWN_VIDEO = (0.50, None)
#: An unknown video model is assumed to bill at least this many seconds per clip.
_MIN_CLIP_S = 5.0
STORY_OUTPUT_TOKENS = 2500


def estimate(capability: str, model: str, operation: str, params: dict[str, Any]) -> Cost:
    """What ``operation`` would cost with this model; unknown models are priced high."""
    key = model.split(":", 1)[0]
    if capability == "text":
        prompt_tokens = len(json.dumps(params, default=str)) / 4 + 1200
        output_tokens = STORY_OUTPUT_TOKENS if operation == "write_story" else 250
        price_in, price_out = _TEXT_PRICES.get(key, _UNKNOWN_TEXT)
        usd = (prompt_tokens * price_in + output_tokens * price_out) / 1e6
        return Cost(units=round(prompt_tokens + output_tokens), unit="tokens",
                    usd=round(usd, 6))
    if operation == "speak":
        chars = len(str(params.get("text", "")))
        per_k = _SPEECH_PRICES.get(key, _UNKNOWN_SPEECH)
        return Cost(units=chars, unit="characters", usd=round(chars * per_k / 1000, 6))
    if operation == "render":
        scenes = (params.get("story") or {}).get("scenes") or []
        family = families.family_of(key)
        if family is not None:
            # Billed for the clip length asked for, not the scene's.
            clips = sum(families.clip_seconds(family, float(s.get("duration_s", 0)))
                        for s in scenes)
            return Cost(units=clips, unit="seconds", usd=round(clips * family.usd_per_s, 6))
        per_second, clip_s = _VIDEO_PRICES.get(key, _UNKNOWN_VIDEO)
        seconds = sum(
            clip_s if clip_s is not None else max(_MIN_CLIP_S, float(s.get("duration_s", 0)))
            for s in scenes
        )
        return Cost(units=round(seconds, 3), unit="seconds", usd=round(seconds * per_second, 6))
    return Cost(units=1, unit="images", usd=_IMAGE_PRICES.get(key, _UNKNOWN_IMAGE))
