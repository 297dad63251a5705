"""The voiceover as SubRip (.srt) cues, one per scene, on the video's frame grid."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .timeline import ShotPlan

#: Characters per .srt line: the usual broadcast limit, so players do not wrap again.
SRT_LINE_CHARS = 42


def _timestamp(frame: int, fps: int) -> str:
    ms = round(frame * 1000 / fps)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{ms:03d}"


def srt_text(plans: Sequence[ShotPlan], fps: int) -> str:
    """SubRip cues: each scene's voiceover from its first frame to its cut.

    Scenes without a voiceover get no cue; lines are wrapped at 42 characters.
    """
    cues: list[str] = []
    for plan in plans:
        text = " ".join(plan.scene.voiceover.split())
        if not text:
            continue
        lines = textwrap.wrap(text, SRT_LINE_CHARS, break_long_words=False)
        cues.append(
            f"{len(cues) + 1}\n{_timestamp(plan.start, fps)} --> {_timestamp(plan.end, fps)}\n"
            + "\n".join(lines)
            + "\n"
        )
    return "\n".join(cues)
