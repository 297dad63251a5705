"""What the remote providers ask language and image models, in one place: the story and
chat prompts, the model-facing JSON schemas, how an answer becomes a ``Story`` or a
``FeedbackPlan``, and the picture prompt. OpenAI and Replicate share all of it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from ...adjustments import Changes
from ...models import Brief, Feedback, StageName, Story
from ..base import FeedbackPlan, ImageRequest
from .intent import asked_action
from .sound_feedback import only_about_sound, sound_changes
from .structured import model_schema
from .timing import MAX_SCENES, most_scenes, retime

#: Fields the model never writes: the engine's own bookkeeping (``variant``, the
#: person's ``scene_edits``) and what the pipeline fills in (numbering, start times).
INTERNAL_FIELDS = {"Story": {"variant", "scene_edits", "avoid", "understood"},
                   "Scene": {"index", "start_s"}}
#: Characters a story field may take on a server that enforces bounds: room for what a
#: good answer writes, not for rambling (a field holding a name or a colour gets less
#: than one holding a sentence). Unlisted fields take 160.
FIELD_LENGTHS = {"title": 80, "product": 60, "category": 60, "framework": 40, "tone": 40,
                 "focus": 60, "product_color": 30, "main_character": 60, "palette": 30,
                 "beat": 40, "time_of_day": 30, "camera": 60, "on_screen_text": 50,
                 "characters": 60, "cta": 100}


def story_schema(strict: bool, duration_s: int | None = None) -> dict[str, Any]:
    scenes = most_scenes(duration_s) if duration_s else MAX_SCENES
    return model_schema(Story, leave_out=INTERNAL_FIELDS, strict=strict,
                        max_items={"scenes": scenes, "palette": 5, "characters": 3},
                        max_length=160, lengths=FIELD_LENGTHS)


def story_messages(brief: Brief, previous: Story | None, feedback: list[Feedback],
                   seed: int) -> tuple[str, str]:
    system = (
        "You write video-ad stories. Pick an ad framework (AIDA, PAS, BAB, FAB, "
        "problem-solution or testimonial) and say why in framework_reason. Write 3 to "
        f"{most_scenes(brief.duration_s)} scenes with duration_s in seconds that sum to "
        f"{brief.duration_s}; each with beat, setting, time_of_day, action, camera, "
        "voiceover, on_screen_text (at most 6 words) and visual_prompt. End with a "
        "call-to-action scene."
    )
    user: dict[str, Any] = {"brief": brief.model_dump(mode="json"), "seed": seed}
    if previous is not None:
        keep = previous.model_dump(mode="json", exclude=INTERNAL_FIELDS["Story"])
        user["previous_story"] = keep
        user["apply_feedback"] = [f.text for f in feedback] or ["write a different variant"]
    return system, json.dumps(user)


def read_story(data: dict[str, Any], brief: Brief) -> Story:
    """A model's story object as a ``Story``: scenes numbered, timed to the brief exactly
    (extra scenes are dropped: each needs a second or more of the brief's length).

    Raises ``ValueError`` (pydantic's) when it does not fit, for the repair retry."""
    if not isinstance(data, dict) or not isinstance(data.get("scenes"), list):
        raise ValueError("the object needs a 'scenes' list")
    scenes = [{**scene, "index": i, "start_s": 0.0,
               "duration_s": scene.get("duration_s") or 1.0}
              for i, scene in enumerate(data["scenes"][:most_scenes(brief.duration_s)], start=1)
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


#: The longest chat reply kept: "one or two sentences" with room to spare.
MAX_REPLY_CHARS = 400

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


def plan_schema(strict: bool) -> dict[str, Any]:
    """The chat reply's schema. Without strict mode the reply gets a length bound: a
    grammar-constrained server (llama.cpp) then closes the string in time, where a small
    model would otherwise ramble until the token limit and leave the JSON unfinished."""
    if strict:
        return PLAN_SCHEMA
    reply = {**PLAN_SCHEMA["properties"]["reply"], "maxLength": MAX_REPLY_CHARS}
    return {**PLAN_SCHEMA, "properties": {**PLAN_SCHEMA["properties"], "reply": reply}}


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
    # Approving or regenerating is the person's call: the same words move a session the
    # same way whichever model chats.
    asked = asked_action(text)
    action = asked if data.get("action") == asked else None
    changes = Changes(instruction=text)
    if stage == "video":
        # The sound settings are structured: read them with the offline rules, so
        # "no music" works whichever model chats. Words that ask for more than the sound
        # stay the model's to read, which makes a new take.
        sound = sound_changes(text)[0].model_dump()
        changes = Changes(**sound) if only_about_sound(text) else Changes(instruction=text, **sound)
    return FeedbackPlan(reply=str(data["reply"]).strip()[:MAX_REPLY_CHARS], changes=changes, action=action)


def image_prompt(request: ImageRequest, *, with_references: bool = False) -> str:
    parts = [request.prompt, f"storyboard {request.kind}, {request.camera} framing"]
    if request.palette:
        parts.append("palette: " + ", ".join(request.palette))
    if request.adjustments:
        asked = request.adjustments.model_dump()
        parts.append("adjust: " + ", ".join(f"{k} {v}" for k, v in asked.items()))
    if with_references:
        parts.append("keep the product, the character and the setting exactly as in the "
                     "reference images (same shape, colours, face, clothes)")
    return "; ".join(parts)
