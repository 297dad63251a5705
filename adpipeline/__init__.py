"""adpipeline: human-in-the-loop AI video-ad generation.

>>> import adpipeline as ap
>>> p = ap.start("30 s ad for Aurora, a reusable water bottle")   # doctest: +SKIP
>>> p.story.approve()                                             # doctest: +SKIP
"""

from .adjustments import Adjustments, Changes
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
from .models import (
    AudioSettings,
    Brief,
    Feedback,
    ImageAsset,
    LedgerEntry,
    Message,
    Scene,
    Session,
    SessionSummary,
    Story,
    Version,
    VideoAsset,
)
from .pipeline import (
    ImageItem,
    ImageStage,
    Pipeline,
    ReferenceImagesStage,
    Stage,
    StoryboardStage,
    StoryStage,
    VideoOutput,
    VideoStage,
    batch,
    resume,
    sessions,
    start,
)

__version__ = "0.1.0"

__all__ = [
    "AdPipelineError", "Adjustments", "AudioSettings", "Brief", "BudgetExceeded", "Changes",
    "ConflictError", "CorruptBlob", "Feedback", "ImageAsset", "ImageItem", "ImageStage",
    "InvalidInput", "LedgerEntry", "Message", "Pipeline", "ProviderError", "ReferenceImagesStage",
    "Scene", "Session", "SessionNotFound", "SessionSummary", "Stage", "StageError", "StoreCorrupt",
    "StoreError", "Story", "StoryStage", "StoryboardStage", "Version", "VideoAsset", "VideoOutput",
    "VideoStage", "__version__", "batch", "resume", "sessions", "start",
]

