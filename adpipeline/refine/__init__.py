"""Prompt refinement: a cinematographer critiques, a prompt engineer rewrites, in rounds.

Used by ``cli_tools/enhance_image_prompt.py`` and ``cli_tools/enhance_video_prompt.py``;
works offline (rule-based roles) or with any text model that can answer in JSON.
"""

from .criteria import CRITERIA, KINDS, Criterion, Kind
from .loop import (
    MemoryCalls,
    ModelRoles,
    OfflineRoles,
    Refinement,
    Roles,
    Round,
    refine,
    roles_for,
)

__all__ = ["CRITERIA", "KINDS", "Criterion", "Kind", "MemoryCalls", "ModelRoles", "OfflineRoles",
           "Refinement", "Roles", "Round", "refine", "roles_for"]
