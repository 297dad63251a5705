"""The contracts every provider fills: what goes in, what comes out, what it costs.

Requests are pydantic models so the choke point (``gateway.py``) can hash them into a
cache key; media comes back as bytes (PNG) or finished files, never as objects tied
to one provider.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ..models import AssetKind, Brief, Feedback, StageName, Story

Capability = Literal["text", "image", "inpaint", "video"]
CAPABILITIES: tuple[Capability, ...] = ("text", "image", "inpaint", "video")

#: ``progress(done, total, message)``: called by long work so a bar or panel can move.
Progress = Callable[[int, int, str], None]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cost(_Request):
    units: float
    unit: str
    usd: float


class FeedbackPlan(_Request):
    """What the interpreter made of one chat message."""

    reply: str
    changes: dict[str, Any] = Field(default_factory=dict)
    action: Literal["regenerate", "approve"] | None = None
    understood: bool = True


class ImageRequest(_Request):
    """One picture to draw: a reference sheet or a storyboard frame.

    Everything the picture depends on is in here (or in the reference images passed
    beside it), so equal requests may be served from the cache.
    """

    kind: AssetKind
    label: str
    prompt: str
    width: int = Field(ge=64, le=4096)
    height: int = Field(ge=64, le=4096)
    seed: int
    product: str
    category: str = ""
    product_color: str = "teal"
    character: str = ""
    palette: list[str] = Field(default_factory=list)
    setting: str = ""
    time_of_day: str = "day"
    camera: str = "medium"
    action: str = ""
    on_screen_text: str = ""
    #: Measurable feedback already applied: {"brightness": +1, "warmth": -1,
    #: "color": "red", "contrast": +1, "setting": "beach", "framing": "close-up"}.
    adjustments: dict[str, Any] = Field(default_factory=dict)


class VideoRequest(_Request):
    """A storyboard to turn into a video; frames are passed beside it in scene order."""

    story: Story
    width: int
    height: int
    fps: int = 30
    crf: int = 20
    preset: str = "veryfast"
    transition_s: float = 0.5
    seed: int = 0
    #: Per frame: it already shows its scene's on-screen text, so don't burn it in again.
    headlines_in_frames: list[bool] = Field(default_factory=list)


class RenderedVideo(_Request):
    """Files a video provider wrote; the pipeline moves them into the blob store."""

    video: Path
    poster: Path
    subtitles: Path
    width: int
    height: int
    fps: int
    duration_s: float
    frame_count: int


@runtime_checkable
class Provider(Protocol):
    name: str
    model: str

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        """What ``operation`` with ``params`` would cost, before it is made."""
        ...


@runtime_checkable
class TextProvider(Provider, Protocol):
    def write_story(
        self, brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
    ) -> Story: ...

    def interpret(
        self, stage: StageName, text: str, item: int | None, story: Story | None
    ) -> FeedbackPlan: ...


@runtime_checkable
class ImageProvider(Provider, Protocol):
    #: Whether frames it draws show the request's ``on_screen_text`` as the ad's headline
    #: (``adpipeline.media.text.draw_headline``); the video then does not draw it again.
    draws_headline: bool

    def generate(self, request: ImageRequest, references: list[bytes]) -> bytes:
        """Return a PNG of ``request.width`` x ``request.height``."""
        ...


@runtime_checkable
class InpaintProvider(Provider, Protocol):
    def inpaint(self, image: bytes, mask: bytes, prompt: str, seed: int) -> bytes:
        """Return a PNG the size of ``image`` where only the mask's white pixels changed."""
        ...


@runtime_checkable
class VideoProvider(Provider, Protocol):
    def render(
        self, request: VideoRequest, frames: list[bytes], workdir: Path, progress: Progress
    ) -> RenderedVideo: ...
