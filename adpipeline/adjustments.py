"""What a person's feedback changes, as named, typed fields.

:class:`Adjustments` is how a picture should differ from what its request describes
("brighter", "at night", "a red outfit"). The feedback interpreter writes it, an
``ImageRequest`` carries it to the drawer and the drawn ``ImageAsset`` keeps it, so
the next redraw starts where this one ended. :class:`Changes` is all one feedback
message asks for: the picture adjustments, the story's knobs (tone, length, scenes,
call to action ...) and the sound (voice, music, transitions).

Both store only the fields that were set, under their names, with the value types
the interpreters write: the JSON is the plain object stored before these types
existed, so stored sessions load, and call-cache keys (hashes of these dumps) stay
the same. Unknown keys are dropped when read: a plan from a newer interpreter, or
one stored by an older version, must not stop a stage.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from .snapshot import SnapshotModel

#: Steps that add up over several messages ("brighter" twice is two steps). Any whole
#: number is kept as asked; drawing clamps to -5..5, past which every one saturates.
STEPS = ("brightness", "warmth", "contrast", "saturation")

#: Fields whose ``None`` is itself a change (drop the offer, write a new call to action).
_CLEARABLE = frozenset({"cta", "offer"})


class Adjustments(SnapshotModel):
    """How a picture should differ from its request. Falsy when nothing is asked."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    brightness: int | None = None
    #: -3 takes the colour out altogether.
    saturation: int | None = None
    warmth: int | None = None
    contrast: int | None = None
    time_of_day: str | None = None
    #: Colour names for the character's clothes, the product and the backdrop's tint.
    outfit: str | None = None
    product_color: str | None = None
    color: str | None = None
    setting: str | None = None
    framing: Literal["close-up", "medium", "wide"] | None = None
    #: The person's own words, for a model that reads prompts.
    instruction: str | None = None

    # The order the fields were asked in: dumps keep it, as the plain objects did, so a
    # prompt names them in that order and a stored session reads the same.
    _order: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_order(cls, data: Any, handler: ModelWrapValidatorHandler[Adjustments]) -> Adjustments:
        made = handler(data)
        if isinstance(data, dict):
            made._order = [name for name in data if name in made.model_fields_set]
        return made

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in type(self).model_fields and name not in self._order:
            # A new list, not an append: a shallow ``model_copy`` shares this one.
            self._order = [*self._order, name]

    @model_serializer(mode="wrap")
    def _only_what_was_asked(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        names = [*(n for n in self._order if n in data), *(n for n in data if n not in self._order)]
        return {name: data[name] for name in names if name in self.model_fields_set
                and (data[name] is not None or name in _CLEARABLE)}

    def __bool__(self) -> bool:
        return bool(self.model_dump())

    def __eq__(self, other: object) -> bool:
        # pydantic's equality ignores which fields were set; here that is the content.
        return (isinstance(other, Adjustments) and type(other) is type(self)
                and self.model_dump() == other.model_dump())

    def plus(self, later: Adjustments) -> Adjustments:
        """These adjustments with ``later`` ones on top: steps add up, the rest is
        replaced. Only the picture's fields of ``later`` are taken."""
        merged = self.model_dump()
        for name, value in Adjustments.model_validate(later.model_dump()).model_dump().items():
            merged[name] = merged.get(name, 0) + value if name in STEPS else value
        return Adjustments.model_validate(merged)


class Changes(Adjustments):
    """Everything one feedback message asks for, as the interpreter read it."""

    # The story.
    product: str | None = None
    category: str | None = None
    audience: str | None = None
    tone: str | None = None
    focus: str | None = None
    #: AIDA, PAS, BAB, FAB ...; a name the engine does not know is ignored.
    framework: str | None = None
    platform: str | None = None
    #: The frame shape the platform implies; it changes the brief.
    aspect: Literal["16:9", "9:16", "1:1"] | None = None
    #: ``None``: drop the offer.
    offer: str | None = None
    #: ``None``: write a new call to action.
    cta: str | None = None
    #: Words to keep out of the copy.
    avoid: list[str] | None = None
    duration_s: int | None = Field(default=None, ge=5, le=180)
    #: A scene count, or scenes to add (> 0) or drop; the engine keeps what fits.
    scenes: int | None = None
    scenes_delta: int | None = None
    pacing: Literal["fast", "slow"] | None = None
    #: Scene numbers (1-based, -1 the last) to remove.
    drop_scenes: list[int] | None = None
    #: Per scene ("1", "2" ..., or "last"): its fields to rewrite, e.g. {"voiceover": "..."}.
    scene_edits: dict[str, dict[str, str]] | None = None

    # The sound and the cuts.
    #: A mood for the music bed, "auto" or "off".
    music: str | None = None
    #: Decibels to move the bed by; the range spans every level there is.
    music_db_delta: float | None = Field(default=None, ge=-42, le=42)
    voice_on: bool | None = None
    #: Multiplies the speaking rate (0.85: slower); the range spans every speed there is.
    speed_factor: float | None = Field(default=None, ge=0.25, le=4)
    #: A voice name, or "female" / "male".
    voice: str | None = None
    #: Seconds of crossfade between shots (0: hard cuts).
    transition_s: float | None = Field(default=None, ge=0)

    #: The item the message named (0-based, -1 the last); the stage moves it to
    #: :attr:`Feedback.item`.
    item: int | None = None

    def only_sound(self) -> bool:
        """Whether these change nothing but the sound (the pictures can be reused)."""
        return set(self.model_dump()) <= set(SOUND)

    def without_item(self) -> Changes:
        return Changes.model_validate(self.model_dump(exclude={"item"}))


#: The fields of :class:`Changes` that only change the sound.
SOUND = ("music", "music_db_delta", "voice_on", "speed_factor", "voice")
