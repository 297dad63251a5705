"""The four stages as objects: read the output, talk about it, redo it, approve it."""

from .base import Stage
from .images import ImageStage, ReferenceImagesStage, StoryboardStage
from .story import StoryStage, timing_notes
from .video import VideoStage

__all__ = ["ImageStage", "ReferenceImagesStage", "Stage", "StoryStage", "StoryboardStage",
           "VideoStage", "timing_notes"]
