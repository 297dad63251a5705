"""What the remote providers ask language and image models, in one place: the story and
chat prompts, the model-facing JSON schemas, how an answer becomes a ``Story`` or a
``FeedbackPlan``, and the picture prompt. OpenAI and Replicate share all of it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from ...models import Brief, Feedback, StageName, Story
from ..base import FeedbackPlan, ImageRequest
from .sound_feedback import sound_changes
from .structured import model_schema
from .timing import retime

#: Fields the model never writes: the engine's own bookkeeping (``variant``, the
#: person's ``scene_edits``) and what the pipeline fills in (numbering, start times).
INTERNAL_FIELDS = {"Story": {"variant", "scene_edits", "avoid", "understood"},
                   "Scene": {"index", "start_s"}}
MAX_SCENES = 8


def story_schema(strict: bool) -> dict[str, Any]:
    return model_schema(Story, leave_out=INTERNAL_FIELDS, strict=strict,
                        max_items={"scenes": MAX_SCENES, "palette": 5, "characters": 3},
                        max_length=160)


def story_messages(brief: Brief, previous: Story | None, feedback: list[Feedback],
                   seed: int) -> tuple[str, str]:
    system = (
        "You write video-ad stories. Pick an ad framework (AIDA, PAS, BAB, FAB, "
        "problem-solution or testimonial) and say why in framework_reason. Write 3 to "
        f"{MAX_SCENES} scenes with duration_s in seconds that sum to {brief.duration_s}; each "
        "with beat, setting, time_of_day, action, camera, voiceover, on_screen_text (at most "
        "6 words) and visual_prompt. End with a call-to-action scene."
    )
    user: dict[str, Any] = {"brief": brief.model_dump(mode="json"), "seed": seed}
    if previous is not None:
        keep = previous.model_dump(mode="json", exclude=INTERNAL_FIELDS["Story"])
        user["previous_story"] = keep
        user["apply_feedback"] = [f.text for f in feedback] or ["write a different variant"]
    return system, json.dumps(user)


def read_story(data: dict[str, Any], brief: Brief) -> Story:
    """A model's story object as a ``Story``: scenes numbered, timed to the brief exactly.

    Raises ``ValueError`` (pydantic's) when it does not fit, for the repair retry."""
    if not isinstance(data, dict) or not isinstance(data.get("scenes"), list):
        raise ValueError("the object needs a 'scenes' list")
    scenes = [{**scene, "index": i, "start_s": 0.0,
               "duration_s": scene.get("duration_s") or 1.0}
              for i, scene in enumerate(data["scenes"][:MAX_SCENES], start=1)
              if isinstance(scene, dict)]
    fields = {k: v for k, v in data.items() if k not in INTERNAL_FIELDS["Story"]}
    try:
        story = Story.model_validate({**fields, "scenes": scenes})
    except ValidationError as exc:
        raise ValueError(_first_errors(exc)) from None
    return retime(story, brief.duration_s)


def _first_errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                     for e in exc.errors()[:5])


#: The chat reply: closed, so strict mode takes it.
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reply": {"type": "string"},
        "action": {"anyOf": [{"type": "string", "enum": ["regenerate", "approve"]},
                             {"type": "null"}]},
    },
    "required": ["reply", "action"],
    "additionalProperties": False,
}


def plan_messages(stage: StageName, text: str, item: int | None,
                  story: Story | None) -> tuple[str, str]:
    system = (
        f"You help a person review the {stage} stage of a video ad. In reply, write one or "
        "two sentences saying what you will change. Set action to null, or to regenerate "
        "or approve only when the person asks for that."
    )
    context = {"message": text, "item": item,
               "story": story.model_dump(mode="json", exclude=INTERNAL_FIELDS["Story"])
               if story else None}
    return system, json.dumps(context)


def read_plan(data: dict[str, Any], stage: StageName, text: str) -> FeedbackPlan:
    if not isinstance(data, dict) or not str(data.get("reply") or "").strip():
        raise ValueError("the object needs a non-empty 'reply'")
    action = data.get("action") if data.get("action") in ("regenerate", "approve") else None
    changes: dict[str, Any] = {"instruction": text}
    if stage == "video":
        # The sound settings are structured: read them with the offline rules, so
        # "no music" works whichever model chats.
        changes.update(sound_changes(text)[0])
    return FeedbackPlan(reply=str(data["reply"]).strip()[:600], changes=changes, action=action)


def image_prompt(request: ImageRequest, *, with_references: bool = False) -> str:
    parts = [request.prompt, f"storyboard {request.kind}, {request.camera} framing"]
    if request.palette:
        parts.append("palette: " + ", ".join(request.palette))
    if request.adjustments:
        parts.append("adjust: " + ", ".join(f"{k} {v}" for k, v in request.adjustments.items()))
    if with_references:
        parts.append("keep the product, the character and the setting exactly as in the "
                     "reference images (same shape, colours, face, clothes)")
    return "; ".join(parts)
