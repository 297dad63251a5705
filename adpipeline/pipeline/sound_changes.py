"""What feedback on the video changes in its sound settings (voice, speed, music)."""

from __future__ import annotations

from typing import Any

from ..adjustments import Changes
from ..models import AudioSettings


def apply_changes(settings: AudioSettings, changes: Changes) -> AudioSettings:
    """``settings`` with one feedback's sound changes applied (relative ones add up)."""
    update: dict[str, Any] = {}
    if changes.voice_on is not None:
        update["voice_on"] = changes.voice_on
    if changes.voice is not None:
        update["voice"] = changes.voice
        update["voice_on"] = True
    if changes.speed_factor is not None:
        update["speed"] = round(min(2.0, max(0.5, settings.speed * changes.speed_factor)), 3)
    if changes.music is not None:
        update["music"] = changes.music
    if changes.music_db_delta is not None:
        update["music_db"] = min(12.0, max(-30.0, settings.music_db + changes.music_db_delta))
        if settings.music == "off":
            update.setdefault("music", "auto")
    return settings.model_copy(update=update)
