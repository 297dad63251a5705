"""Replicate's speech models (MiniMax): one spoken line, with where speech starts and
ends when the model says so."""

from __future__ import annotations

import io
from typing import Any

from ..base import Speech, SpeechRequest
from .client import ReplicateProvider

#: MiniMax system voices: the default narrator, and one per wish.
_MINIMAX_VOICES = {"default": "Friendly_Person", "female": "Calm_Woman", "male": "Deep_Voice_Man"}
_MAX_AUDIO_BYTES = 50 * 1024 * 1024


class ReplicateVoiceProvider(ReplicateProvider):
    """Voice: a MiniMax voice per wish, and an MP3 per line."""

    def pick_voice(self, wish: str) -> tuple[str, str | None]:
        """A MiniMax voice id for ``wish``: "female", "male", "default" or an id itself."""
        name = wish.strip()
        if name.lower() in _MINIMAX_VOICES:
            return _MINIMAX_VOICES[name.lower()], None
        return name, None  # a voice id (MiniMax has many, and clones): passed through

    def speak(self, request: SpeechRequest) -> Speech:
        """Say one line with a speech model; MiniMax's sentence timestamps (``subtitle_enable``)
        mark where speech starts and ends when the model returns them."""
        client = self.client()
        (output,) = self._run(client, [{
            "text": request.text, "voice_id": request.voice, "speed": request.speed,
            "emotion": "auto", "audio_format": "mp3", "sample_rate": 32000,
            "subtitle_enable": True,
        }])
        buffer = io.BytesIO()
        audio = output.get("audio") if isinstance(output, dict) else output
        self._download(client, audio, buffer, limit=_MAX_AUDIO_BYTES, what="the spoken line")
        start, end = _speech_span(output)
        return Speech(audio=buffer.getvalue(), format="mp3", start_s=start, end_s=end)


def _speech_span(output: Any) -> tuple[float | None, float | None]:
    """Start and end of speech (seconds) from MiniMax's subtitle entries, if present:
    a list of ``{"time_begin": ms, "time_end": ms, "text": ...}`` under ``subtitle``."""
    entries = output.get("subtitle") if isinstance(output, dict) else None
    if not isinstance(entries, list) or not entries:
        return None, None
    try:
        begin = min(float(e["time_begin"]) for e in entries) / 1000
        end = max(float(e["time_end"]) for e in entries) / 1000
    except (KeyError, TypeError, ValueError):
        return None, None
    return (begin, end) if end > begin else (None, None)
