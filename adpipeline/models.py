"""Plain, validated data: the session and everything in it.

Nothing here does I/O or imports another adpipeline module except ``errors``,
``snapshot`` and ``adjustments`` (what feedback changes); every other layer builds on
these types.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator

from .adjustments import Adjustments, Changes
from .errors import InvalidInput
from .snapshot import SnapshotModel

Aspect = Literal["16:9", "9:16", "1:1"]
StageName = Literal["story", "reference_images", "storyboard", "video"]
SessionStage = Literal["story", "reference_images", "storyboard", "video", "complete"]
Status = Literal["pending", "generating", "review", "approved", "stale", "failed"]

STAGES: tuple[StageName, ...] = ("story", "reference_images", "storyboard", "video")
ASPECTS: tuple[Aspect, ...] = ("16:9", "9:16", "1:1")
FRAME_SIZES: dict[str, tuple[int, int]] = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (1024, 1024)}

#: A stored image or video is named by the SHA-256 of its content and an extension.
BLOB_NAME = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,5}")
_BLOB_NAMES_IN_TEXT = re.compile(r"(?<![0-9a-zA-Z])[0-9a-f]{64}\.[a-z0-9]{1,5}(?![a-z0-9])")


def blob_names_in(text: str) -> list[str]:
    """Every blob name that appears in ``text`` (a record, a cached result as JSON)."""
    return _BLOB_NAMES_IN_TEXT.findall(text)


# 16 random bytes = 128 bits, URL-safe base64 without padding = 22 characters.
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def now() -> datetime:
    return datetime.now(UTC)


def new_session_id() -> str:
    # An id starting with "-" reads as an option on a command line (`adpipeline review
    # -x…`), so draw again: one draw in 64 (the id keeps its 128 random bits).
    while True:
        session_id = secrets.token_urlsafe(16)
        if not session_id.startswith("-"):
            return session_id


def check_session_id(session_id: object) -> str:
    """Return ``session_id`` if it is a well-formed id, else raise ``InvalidInput``.

    Runs before any id reaches the disk, so ``../../etc`` never becomes a path or key.
    """
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        shown = repr(session_id)[:60]
        raise InvalidInput(
            f"{shown} is not a session id: ids are 22 URL-safe characters as shown by "
            "`adpipeline sessions list` or `ap.sessions()`."
        )
    return session_id


def check_stage(name: object) -> StageName:
    if name not in STAGES:
        raise InvalidInput(f"unknown stage {name!r}: choose one of {', '.join(STAGES)}.")
    return name


class _Model(SnapshotModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class _Record(_Model):
    """An entry of a history (conversation, ledger, a stage's versions): appended, never
    changed, so the store keeps it once and shares it between loaded copies."""

    model_config = ConfigDict(frozen=True)


class Brief(_Model):
    """What the person asked for. Built with :meth:`Brief.create` for friendly errors."""

    prompt: str = Field(min_length=3, max_length=4000)
    duration_s: int = Field(default=30, ge=5, le=180)
    aspect: Aspect = "16:9"
    brand: str | None = Field(default=None, max_length=200)
    product: str | None = Field(default=None, max_length=200)
    audience: str | None = Field(default=None, max_length=400)
    offer: str | None = Field(default=None, max_length=400)
    language: str = Field(default="en", max_length=20)

    @field_validator("prompt", "brand", "product", "audience", "offer", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("duration_s", mode="before")
    @classmethod
    def _whole_seconds(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("duration must be a number of seconds")
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    @classmethod
    def create(cls, **fields: Any) -> Brief:
        try:
            return cls(**fields)
        except ValidationError as exc:
            raise InvalidInput(describe_validation_error(exc, _BRIEF_HINTS)) from None


_BRIEF_HINTS = {
    "prompt": "give a prompt of 3 to 4000 characters, e.g. '30 s ad for Aurora, a reusable "
    "water bottle'",
    "duration_s": "give a whole number of seconds from 5 to 180",
    "aspect": "use one of 16:9, 9:16, 1:1",
}


def describe_validation_error(exc: ValidationError, hints: dict[str, str]) -> str:
    parts = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "value"
        got = repr(err.get("input"))
        got = got if len(got) <= 40 else got[:37] + "..."
        hint = hints.get(field, "")
        parts.append(f"{field}: {err['msg'].lower()} (got {got}){'; ' + hint if hint else ''}")
    return "invalid brief: " + "; ".join(parts) + "."


class Scene(_Model):
    index: int = Field(ge=1)
    start_s: float = Field(ge=0)
    duration_s: float = Field(gt=0)
    beat: str
    setting: str
    time_of_day: str = "day"
    action: str
    camera: str
    voiceover: str
    on_screen_text: str
    visual_prompt: str
    characters: list[str] = Field(default_factory=list)

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


class Story(_Model):
    title: str
    product: str
    category: str
    framework: str
    framework_reason: str
    tone: str
    focus: str
    audience: str
    offer: str | None = None
    product_color: str = "teal"
    main_character: str
    palette: list[str] = Field(default_factory=list)
    scenes: list[Scene] = Field(min_length=1)
    cta: str
    #: Which of the engine's alternatives (settings, lines, cast) this story drew.
    variant: int = 0
    #: Changes a person asked for by scene number; kept by later regenerations.
    scene_edits: dict[int, dict[str, str]] = Field(default_factory=dict)
    #: Words the person asked to keep out of the copy ("don't mention price").
    avoid: list[str] = Field(default_factory=list)
    #: What was understood from the brief, field by field ("Product": "Okra & Thyme"),
    #: so a person can check it and correct a field in the chat.
    understood: dict[str, str] = Field(default_factory=dict)

    @property
    def understood_summary(self) -> str:
        """One line: "Product: Okra & Thyme · Audience: food lovers · Offer: none"."""
        return " · ".join(f"{k}: {v}" for k, v in self.understood.items())

    @property
    def duration_s(self) -> float:
        return sum(scene.duration_s for scene in self.scenes)

    @property
    def voiceover(self) -> str:
        return " ".join(scene.voiceover for scene in self.scenes)


AssetKind = Literal["product", "character", "setting", "frame"]


class ImageAsset(_Model):
    kind: AssetKind
    label: str
    prompt: str
    blob: str
    width: int
    height: int
    seed: int = 0
    source: Literal["generated", "inpainted", "uploaded"] = "generated"
    scene: int | None = None
    references: list[str] = Field(default_factory=list)
    #: What feedback asked of this picture so far; a redraw adds to it.
    adjustments: Adjustments = Field(default_factory=Adjustments)
    note: str = ""
    #: The picture already shows its scene's on-screen text as the ad's headline.
    shows_headline: bool = False


class AudioSettings(_Model):
    """What the ad sounds like; changed by video-stage feedback or ``--voice``/``--music``.

    ``voice`` is a voice name the voice provider knows ("joe", "nova"), or "female" /
    "male" to let it pick one; ``speed`` scales the speaking rate (1 = the voice's own).
    ``music`` is a mood for the bed ("auto" follows the story's tone) or "off"; ``music_db``
    moves the bed relative to its default level.
    """

    voice_on: bool = True
    voice: str = "default"
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    music: str = "auto"
    music_db: float = Field(default=0.0, ge=-30, le=12)


class SpokenLine(_Model):
    """Where a scene's voiceover is heard in the finished ad (seconds from the start)."""

    scene: int
    text: str
    start_s: float
    end_s: float
    blob: str = ""


class VideoAsset(_Model):
    blob: str
    poster: str
    subtitles: str
    width: int
    height: int
    fps: int
    duration_s: float
    frame_count: int
    transition_s: float = 0.5
    frames: list[str] = Field(default_factory=list)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    #: The renderer's seed (camera shake); kept when only the sound changes.
    seed: int = 0
    #: The voiceover as heard: one entry per spoken scene, in order.
    lines: list[SpokenLine] = Field(default_factory=list)
    #: The story as rendered: scene durations follow the spoken lines.
    scene_durations: list[float] = Field(default_factory=list)
    #: Measured on the finished file (ffmpeg ebur128); ``None`` for a silent track.
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    #: What a person should know about the sound (no voice installed, a line too long).
    notes: list[str] = Field(default_factory=list)


class Version(_Record):
    """One output of a stage. Versions are appended, never overwritten."""

    number: int
    created_at: datetime = Field(default_factory=now)
    note: str = ""
    story: Story | None = None
    images: list[ImageAsset] | None = None
    video: VideoAsset | None = None
    inputs: str = ""


class Feedback(_Model):
    text: str
    item: int | None = None
    changes: Changes = Field(default_factory=Changes)
    time: datetime = Field(default_factory=now)


class StageState(_Model):
    name: StageName
    status: Status = "pending"
    versions: list[Version] = Field(default_factory=list)
    current: int | None = None
    pending: list[Feedback] = Field(default_factory=list)
    error: str | None = None
    #: "host:pid" of the process generating, so a crashed worker can be told apart
    #: from a slow one.
    worker: str | None = None
    started_at: datetime | None = None

    @property
    def output(self) -> Version | None:
        return None if self.current is None else self.versions[self.current]


class Message(_Record):
    role: Literal["user", "assistant", "system"]
    text: str
    stage: StageName
    item: int | None = None
    time: datetime = Field(default_factory=now)


class LedgerEntry(_Record):
    provider: str
    model: str
    stage: str
    operation: str
    units: float
    unit: str
    cost_usd: float
    cached: bool
    time: datetime = Field(default_factory=now)
    #: The estimate checked against the budget before the call; ``cost_usd`` is the real
    #: cost where the response said (its ``usage``), else the same estimate.
    estimate_usd: float | None = None
    #: Something a person should know about the call ("takes no reference images").
    note: str | None = None
    #: The call-cache entry this call made or used, so garbage collection keeps it.
    key: str | None = None


class SessionSummary(_Model):
    id: str
    title: str
    stage: SessionStage
    status: Status
    cost_usd: float
    created_at: datetime
    updated_at: datetime


class Session(_Model):
    id: str = Field(default_factory=new_session_id)
    brief: Brief
    stage: SessionStage = "story"
    stages: dict[StageName, StageState] = Field(
        default_factory=lambda: {name: StageState(name=name) for name in STAGES}
    )
    conversation: list[Message] = Field(default_factory=list)
    ledger: list[LedgerEntry] = Field(default_factory=list)
    budget_usd: float | None = Field(default=None, ge=0)
    providers: dict[str, str] = Field(default_factory=dict)
    #: The sound asked for when the session started; the video stage's feedback changes
    #: the rendered video's copy (``VideoAsset.audio``).
    audio: AudioSettings = Field(default_factory=lambda: AudioSettings())
    version: int = 0
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)

    @property
    def cost_usd(self) -> float:
        return round(sum(e.cost_usd for e in self.ledger if not e.cached), 6)

    @property
    def title(self) -> str:
        version = self.stages["story"].output
        if version is not None and version.story is not None:
            return version.story.title
        prompt = self.brief.prompt
        return prompt if len(prompt) <= 60 else prompt[:57] + "..."

    def summary(self) -> SessionSummary:
        status = "approved" if self.stage == "complete" else self.stages[self.stage].status
        return SessionSummary(
            id=self.id,
            title=self.title,
            stage=self.stage,
            status=status,
            cost_usd=self.cost_usd,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )
