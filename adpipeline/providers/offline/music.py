"""The offline music provider: a bed synthesised with numpy from the story's mood
(:mod:`adpipeline.media.music`). Free, deterministic for a seed, no rights questions."""

from __future__ import annotations

from typing import Any

from ...media.audio import wav_bytes
from ...media.music import RATE, compose, mood_for
from ..base import Cost, MusicRequest


class OfflineMusicProvider:
    name = "offline"
    model = "numpy-synth-v1"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        return Cost(units=float(params.get("duration_s", 0.0)), unit="seconds", usd=0.0)

    def compose(self, request: MusicRequest) -> bytes:
        """A mono 48 kHz WAV of exactly ``request.duration_s`` seconds."""
        samples = compose(mood_for(request.mood), request.duration_s, request.seed)
        return wav_bytes(samples, RATE)
