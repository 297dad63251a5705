"""What feedback on the video changes in its sound settings (voice, speed, music)."""

from __future__ import annotations

from typing import Any

from ..models import AudioSettings

#: Feedback keys that change the sound (see :func:`apply_changes`).
SOUND_KEYS = ("voice_on", "voice", "speed_factor", "music", "music_db_delta")


def apply_changes(settings: AudioSettings, changes: dict[str, Any]) -> AudioSettings:
    """``settings`` with one feedback's sound changes applied (relative ones add up)."""
    update: dict[str, Any] = {}
    if "voice_on" in changes:
        update["voice_on"] = bool(changes["voice_on"])
    if "voice" in changes:
        update["voice"] = str(changes["voice"])
        update["voice_on"] = True
    if "speed_factor" in changes:
        update["speed"] = round(min(2.0, max(0.5, settings.speed * float(changes["speed_factor"]))), 3)
    if "music" in changes:
        update["music"] = str(changes["music"])
    if "music_db_delta" in changes:
        update["music_db"] = min(12.0, max(-30.0, settings.music_db + float(changes["music_db_delta"])))
        if settings.music == "off":
            update.setdefault("music", "auto")
    return settings.model_copy(update=update)
