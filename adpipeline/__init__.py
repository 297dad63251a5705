"""adpipeline: human-in-the-loop AI video-ad generation.

>>> import adpipeline as ap
>>> p = ap.start("30 s ad for Aurora, a reusable water bottle")   # doctest: +SKIP
>>> p.story.approve()                                             # doctest: +SKIP
"""

from .errors import (
    AdPipelineError,
    BudgetExceeded,
    ConflictError,
    CorruptBlob,
    InvalidInput,
    ProviderError,
    SessionNotFound,
    StageError,
    StoreCorrupt,
    StoreError,
)
from .models import Brief, ImageAsset, Scene, Session, SessionSummary, Story, VideoAsset
from .pipeline import (
    ImageItem,
    Pipeline,
    VideoOutput,
    batch,
    resume,
    sessions,
    start,
)

__version__ = "0.1.0"

__all__ = [
    "AdPipelineError", "Brief", "BudgetExceeded", "ConflictError", "CorruptBlob", "ImageAsset",
    "ImageItem", "InvalidInput", "Pipeline", "ProviderError", "Scene", "Session",
    "SessionNotFound", "SessionSummary", "StageError", "StoreCorrupt", "StoreError", "Story",
    "VideoAsset", "VideoOutput",
    "__version__", "batch", "resume", "sessions", "start",
]


def _show_in_jupyter() -> None:
    """In a Jupyter kernel, make ``p`` show its review app (widgets load only on display)."""
    from .ui.display import register_in_kernel

    register_in_kernel()


_show_in_jupyter()
