"""The state machine and the public Python API."""

from .entry import batch, resume, sessions, start, store_at
from .outputs import ImageItem, VideoOutput
from .pipeline import Pipeline
from .stages import (
    ImageStage,
    ReferenceImagesStage,
    Stage,
    StoryboardStage,
    StoryStage,
    VideoStage,
)

__all__ = ["ImageItem", "ImageStage", "Pipeline", "ReferenceImagesStage", "Stage", "StoryStage",
           "StoryboardStage", "VideoOutput", "VideoStage", "batch", "resume", "sessions", "start",
           "store_at"]
