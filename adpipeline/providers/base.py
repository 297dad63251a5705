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

from ..adjustments import Adjustments, Changes
from ..models import AssetKind, Brief, Feedback, StageName, Story

Capability = Literal["text", "image", "inpaint", "video", "voice", "music"]
CAPABILITIES: tuple[Capability, ...] = ("text", "image", "inpaint", "video", "voice", "music")

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
    changes: Changes = Field(default_factory=Changes)
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
    #: What feedback asked of this picture so far ("brighter", "at night" ...).
    adjustments: Adjustments = Field(default_factory=Adjustments)


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


class SpeechRequest(_Request):
    """One voiceover line to speak. ``text`` is already normalised for speech
    (``media.speech_text``), so the cache key is what is actually said."""

    text: str = Field(min_length=1, max_length=4000)
    #: A voice name the provider knows, or "default" / "female" / "male".
    voice: str = "default"
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    #: A speaking-style hint for providers that take one ("warm, confident, upbeat").
    style: str = ""


class Speech(_Request):
    """A spoken line: audio bytes in a format ffmpeg reads (WAV, MP3 ...)."""

    audio: bytes
    format: str
    #: Where speech starts and ends inside ``audio`` if the provider knows (seconds);
    #: otherwise the mixer finds it from the waveform.
    start_s: float | None = None
    end_s: float | None = None


class MusicRequest(_Request):
    """A music bed for the whole ad."""

    mood: str
    duration_s: float = Field(gt=0, le=600)
    seed: int = 0
    #: Seconds where a scene starts, so sections can change with the pictures.
    cuts: list[float] = Field(default_factory=list)


class VoiceUnavailable(Exception):
    """The voice provider cannot speak here (e.g. the optional extra is not installed).

    Not a failure of the ad: the video keeps a silent voice track and says why once.
    """


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
class VoiceProvider(Provider, Protocol):
    def pick_voice(self, wish: str) -> tuple[str, str | None]:
        """The voice name to use for ``wish`` ("default", "female", "male" or a name) and
        a note for the person if the wish cannot be met."""
        ...

    def speak(self, request: SpeechRequest) -> Speech:
        """Say one line; raises ``VoiceUnavailable`` when this provider cannot speak here."""
        ...


@runtime_checkable
class MusicProvider(Provider, Protocol):
    def compose(self, request: MusicRequest) -> bytes:
        """A WAV (or any ffmpeg-readable audio) of about ``request.duration_s`` seconds."""
        ...


@runtime_checkable
class VideoProvider(Provider, Protocol):
    def render(
        self, request: VideoRequest, frames: list[bytes], workdir: Path, progress: Progress
    ) -> RenderedVideo: ...
