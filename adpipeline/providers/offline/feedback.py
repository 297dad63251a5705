"""The offline feedback interpreter: a chat message in, concrete changes and a plan out.

Rule-based on purpose: every rule names the change it makes, so the reply can say
exactly what will happen, and a message no rule understands is answered with what
the interpreter *can* do instead of being dropped.
"""

from __future__ import annotations

import re
from typing import Any

from ...models import StageName, Story
from ..base import FeedbackPlan
from .sound_feedback import sound_changes
from .vocabulary import COLORS, FOCUSES, TIMES_OF_DAY, TONES, find_setting, find_word

_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3,
            "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "last": -1}
_NUM = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)"
_ORD = r"(\d{1,2}|first|second|third|fourth|fifth|sixth|seventh|eighth|last)"

_REGENERATE = re.compile(
    r"\b(regenerate|try again|redo|re-do|another (?:version|take|variant)|new version|"
    r"start over|give me another)\b", re.I)
_APPROVE = re.compile(
    r"\b(approve[ds]?|looks (?:good|great|perfect)|ship it|lgtm|that'?s perfect|"
    r"good to go|go ahead)\b", re.I)
_NEGATED_APPROVE = re.compile(r"\b(don'?t|do not|not|never)\s+(?:\w+\s+)?approve", re.I)

_STORY_HELP = (
    "For the story I can change the tone (humorous, emotional, luxurious, energetic, calm, "
    "serious), the focus (benefits, features, price or offer, sustainability, social proof), "
    "the length ('make it 15 seconds') and pacing, the number of scenes, one scene ('scene 2 "
    "on a beach at sunset'), the call to action, the offer, the audience or the framework "
    "(AIDA, PAS, BAB, FAB, problem-solution, testimonial)."
)
_IMAGE_HELP = (
    "For images I can make one brighter or darker, warmer or cooler, add more or less "
    "contrast, shift it toward a colour ('more blue'), move it to another setting ('on a "
    "beach'), or frame it closer or wider; name the item ('frame 2') to change just one."
)
_VIDEO_HELP = (
    "For the video I can make the transitions longer or shorter, or switch them off; make "
    "the voice slower or faster, female or male, or leave it out; make the music calmer, "
    "more energetic, quieter or louder, or drop it; and render it again. To change pictures "
    "or words, reopen the storyboard or the story."
)


def interpret(stage: StageName, text: str, item: int | None, story: Story | None) -> FeedbackPlan:
    """Turn one chat message into changes, an optional action and a one- or two-sentence reply.

    ``item`` is the 0-based item the message is about, if the caller knows it; a message
    that names one ("frame 2") sets it.
    """
    message = " ".join(text.split())
    if stage == "story":
        changes, said = _story_changes(message, story)
        help_text = _STORY_HELP
    elif stage == "video":
        changes, said = _video_changes(message)
        help_text = _VIDEO_HELP
    else:
        changes, said, named_item = _image_changes(message)
        if named_item is not None:
            item = named_item
        if item is not None and changes:
            changes["item"] = item
        help_text = _IMAGE_HELP
    wants_regenerate = bool(_REGENERATE.search(message))
    wants_approve = (
        bool(_APPROVE.search(message)) and not _NEGATED_APPROVE.search(message) and not changes
    )
    if changes:
        plan = _join(said)
        if wants_regenerate:
            reply = f"Regenerating to {plan}."
        else:
            reply = f"Plan: {plan}. Press Regenerate (or say 'regenerate') to apply it."
        return FeedbackPlan(reply=reply, changes=changes,
                            action="regenerate" if wants_regenerate else None)
    if wants_approve:
        return FeedbackPlan(reply="Approving this stage and moving on.", action="approve")
    if wants_regenerate:
        return FeedbackPlan(reply="Making a fresh variant with the same settings.",
                            action="regenerate")
    shown = message if len(message) <= 80 else message[:77] + "..."
    return FeedbackPlan(
        reply=f"I read \u201c{shown}\u201d but could not turn it into a change. {help_text}",
        understood=False,
    )


def _story_changes(message: str, story: Story | None) -> tuple[dict[str, Any], list[str]]:
    changes: dict[str, Any] = {}
    said: list[str] = []
    lowered = message.lower()
    scene_edits, scene_said, rest = _scene_edits(message)
    if scene_edits:
        changes["scene_edits"] = scene_edits
        said += scene_said
    tone = find_word(rest, TONES)
    if tone:
        changes["tone"] = tone
        said.append(f"switch the tone to {tone}")
    focus = _focus(rest)
    if focus:
        changes["focus"] = focus
        said.append(f"focus on {'price and the offer' if focus == 'price' else focus}")
    duration = re.search(rf"\b{_NUM}[- ]?(?:s|sec|secs|seconds?)\b", lowered)
    if duration and not scene_edits:
        seconds = _number(duration.group(1))
        if 5 <= seconds <= 180:
            changes["duration_s"] = seconds
            said.append(f"make it {seconds} seconds long")
    elif story is not None and re.search(r"\b(shorter|cut it down|trim it)\b", lowered):
        changes["duration_s"] = max(5, round(story.duration_s * 0.67))
        said.append(f"cut it to {changes['duration_s']} seconds")
    elif story is not None and re.search(r"\b(longer|extend it)\b", lowered):
        changes["duration_s"] = min(180, round(story.duration_s * 1.5))
        said.append(f"extend it to {changes['duration_s']} seconds")
    if re.search(r"\b(faster|quicker|snappier|fast)[- ]?(pace|pacing|paced|cuts?)\b|\bspeed it up\b",
                 lowered):
        changes["pacing"] = "fast"
        said.append("quicken the pace with more, shorter scenes")
    elif re.search(r"\b(slower|slow)[- ]?(pace|pacing|paced|down)\b|\bless rushed\b", lowered):
        changes["pacing"] = "slow"
        said.append("slow the pace with fewer, longer scenes")
    count = re.search(rf"\b{_NUM} scenes\b", lowered)
    if count:
        changes["scenes"] = _number(count.group(1))
        said.append(f"use {changes['scenes']} scenes")
    elif re.search(r"\b(fewer|less) scenes\b", lowered):
        changes["scenes_delta"] = -1
        said.append("drop a scene")
    elif re.search(r"\bmore scenes\b|\badd (?:a|another) scene\b", lowered):
        changes["scenes_delta"] = 1
        said.append("add a scene")
    cta = re.search(
        r"\b(?:call to action|cta)\b(?:\s+(?:to|should be|be|is|say|saying|reads?))?\s*[:=]?\s*"
        r"[\"'\u201c\u2018]?([^\"'\u201d\u2019]{3,80}?)[\"'\u201d\u2019]?\s*[.!]?$",
        message, re.I)
    if cta:
        changes["cta"] = cta.group(1).strip()
        said.append(f"end with \u201c{changes['cta']}\u201d")
    offer = re.search(
        r"\b(\d{1,2}\s?% off|free shipping|buy one,? get one(?: free)?|[$€£]\d+(?:\.\d\d)? off|"
        r"free trial|half price)\b", message, re.I)
    if offer and "cta" not in changes:
        changes["offer"] = offer.group(1)
        said.append(f"feature the offer \u201c{changes['offer']}\u201d")
    elif re.search(r"\b(no|remove the|drop the|without the) (offer|discount)\b", lowered):
        changes["offer"] = None
        said.append("drop the offer")
    audience = re.search(
        r"\b(?:target(?:ing)?|aimed? at|audience(?: is| should be| to be)?|speak to|for)\s+"
        r"((?:busy |young |new |older |working |first-time |college )?"
        r"[a-z]+(?:s|ers|ren|ple))\b", lowered)
    if audience and re.search(r"\b(target|audience|aim|speak to|for (?:busy|young|new))", lowered):
        changes["audience"] = audience.group(1)
        said.append(f"speak to {changes['audience']}")
    framework = re.search(r"\b(aida|pas|bab|fab|problem[- ]solution|testimonial)\b", lowered)
    if framework and re.search(r"\b(framework|structure|use|switch|try|style|format)\b", lowered):
        name = framework.group(1)
        name = "problem-solution" if name.startswith("problem") else (
            "testimonial" if name == "testimonial" else name.upper())
        changes["framework"] = name
        said.append(f"restructure it as {name}")
    color = re.search(rf"\b({'|'.join(COLORS)})\s+(?:bottle|product|colou?r|one|version)\b", lowered)
    if color:
        changes["product_color"] = color.group(1)
        said.append(f"make the product {color.group(1)}")
    return changes, said


def _scene_edits(message: str) -> tuple[dict[str, dict[str, str]], list[str], str]:
    """Changes to one named scene ("scene 2 on a beach at sunset"); returns the rest."""
    match = re.search(rf"\b(?:in |make |set )?(?:the )?(?:scene|shot) {_ORD}\b[:,]?\s*(.*)$",
                      message, re.I)
    if not match:
        match = re.search(rf"\b(?:the )?{_ORD} (?:scene|shot)\b[:,]?\s*(.*)$", message, re.I)
    if not match:
        return {}, [], message
    number = _number(match.group(1))
    detail = match.group(2)
    edit: dict[str, str] = {}
    setting = find_setting(detail)
    if setting:
        edit["setting"] = setting
    when = find_word(detail, TIMES_OF_DAY)
    if when:
        edit["time_of_day"] = when
    text = re.search(r"(?:text|caption|title)\s*(?:to|:|=|says?|should say)?\s*[\"'\u201c]([^\"'\u201d]+)",
                     detail, re.I)
    if text:
        edit["on_screen_text"] = text.group(1).strip()
    action = re.search(r"(?:show|showing|where|with)\s+(.{4,120}?)[.!]?$", detail, re.I)
    if action and not setting and not text:
        edit["action"] = action.group(1)
    if not edit:
        return {}, [], message
    key = "last" if number == -1 else str(number)
    parts = [f"{k.replace('_', ' ')} {v}" for k, v in edit.items()]
    where = "the last scene" if number == -1 else f"scene {number}"
    return {key: edit}, [f"change {where}: {', '.join(parts)}"], message[: match.start()]


def _image_changes(message: str) -> tuple[dict[str, Any], list[str], int | None]:
    lowered = message.lower()
    changes: dict[str, Any] = {}
    said: list[str] = []
    item = None
    named = re.search(rf"\b(?:frame|image|picture|item|shot|sheet|scene) {_ORD}\b", lowered)
    if named:
        number = _number(named.group(1))
        item = number - 1 if number > 0 else -1
    if re.search(r"\b(brighter|lighter|more light|sunnier|less dark|brighten)\b", lowered):
        changes["brightness"] = 1
        said.append("brighten it")
    elif re.search(r"\b(darker|moodier|dimmer|less bright|darken)\b", lowered):
        changes["brightness"] = -1
        said.append("darken it")
    if re.search(r"\b(warmer|warm up|cozier|cosier)\b", lowered):
        changes["warmth"] = 1
        said.append("warm the colours")
    elif re.search(r"\b(cooler|colder|cool it down|icier)\b", lowered):
        changes["warmth"] = -1
        said.append("cool the colours")
    if re.search(r"\b(more contrast|punchier|higher contrast|more pop|crisper)\b", lowered):
        changes["contrast"] = 1
        said.append("add contrast")
    elif re.search(r"\b(less contrast|softer|flatter|lower contrast)\b", lowered):
        changes["contrast"] = -1
        said.append("soften the contrast")
    color = re.search(rf"\b({'|'.join(COLORS)})\b", lowered)
    if color:
        changes["color"] = color.group(1)
        said.append(f"shift it toward {color.group(1)}")
    setting = find_setting(lowered)
    if setting and re.search(r"\b(on|in|at|to|into|move|set)\b", lowered):
        changes["setting"] = setting
        said.append(f"move it to the {setting}")
    if re.search(r"\b(closer|close-up|close up|zoom in|tighter)\b", lowered):
        changes["framing"] = "close-up"
        said.append("frame it closer")
    elif re.search(r"\b(wider|wide shot|zoom out|pull back|further away)\b", lowered):
        changes["framing"] = "wide"
        said.append("frame it wider")
    if item is not None and said:
        which = "the last item" if item == -1 else f"item {item + 1}"
        said[0] = f"{said[0]} on {which}"
    return changes, said, item


def _video_changes(message: str) -> tuple[dict[str, Any], list[str]]:
    changes, said = sound_changes(message)
    if changes:
        return changes, said
    lowered = message.lower()
    if re.search(r"\b(no|without|remove the|cut the|hard cuts?)\b.*\b(transitions?|fades?)\b|"
                 r"\bhard cuts?\b", lowered):
        return {"transition_s": 0.0}, ["use hard cuts between shots"]
    if re.search(r"\b(longer|slower|softer)\s+(transitions?|fades?|crossfades?)\b", lowered):
        return {"transition_s": 1.0}, ["use slower one-second crossfades"]
    if re.search(r"\b(shorter|quicker|faster)\s+(transitions?|fades?|crossfades?)\b", lowered):
        return {"transition_s": 0.25}, ["use quick quarter-second crossfades"]
    return {}, []


def _focus(text: str) -> str | None:
    lowered = text.lower()
    if not re.search(r"\b(focus|emphasi[sz]e|highlight|about|more on|talk about|lead with|push)\b",
                     lowered):
        # Without a word that asks for focus, only unambiguous focus words count.
        table = {k: v for k, v in FOCUSES.items() if k in ("sustainability", "social proof")}
        return find_word(lowered, table)
    return find_word(lowered, FOCUSES)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
