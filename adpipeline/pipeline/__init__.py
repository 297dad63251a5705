"""The state machine and the public Python API."""

from .entry import batch, resume, sessions, start, store_at
from .outputs import ImageItem, VideoOutput
from .pipeline import Pipeline
from .stages import ImageStage, Stage, StoryStage, VideoStage

__all__ = ["ImageItem", "ImageStage", "Pipeline", "Stage", "StoryStage", "VideoOutput",
           "VideoStage", "batch", "resume", "sessions", "start", "store_at"]
