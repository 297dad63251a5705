"""The offline feedback interpreter: a chat message in, concrete changes and a plan out.

Rule-based on purpose: every rule names the change it makes, so the reply can say
exactly what will happen. A message is cut into clauses (quoted text kept whole and
verbatim, typos repaired first); each clause becomes zero or more changes, and each
clause no rule understands is named in the reply with what the interpreter can do
instead, so no part of a message is dropped silently.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...adjustments import Changes
from ...models import StageName, Story
from ..base import FeedbackPlan
from ..shared.intent import APPROVE as _APPROVE
from ..shared.intent import NEGATED_APPROVE as _NEGATED_APPROVE
from ..shared.intent import REGENERATE as _REGENERATE
from ..shared.intent import asked_action
from ..shared.sound_feedback import sound_changes
from .brief import known_family_words
from .image_feedback import image_clause, named_item, praises
from .language import correct_typos, extract_quotes, restore_quotes, split_clauses
from .story_feedback import FRAMEWORK_NAMES, story_clause
from .story_wording import StoryPlan
from .vocabulary import FOCUSES, SETTINGS, TONES

_FILLER = re.compile(
    r"^(?:please|pls|thanks|thank you|thx|cheers|hey|hi|hello|ok(?:ay)?|cool|nice|great|good|"
    r"hmm+|so|well|i think|maybe|perhaps|overall|also|and|but|now|then|otherwise(?: it'?s)? "
    r"(?:fine|good|great)|keep (?:the rest|everything else)(?: the same| as is)?|"
    r"the rest is (?:fine|good|great|perfect)|everything else is (?:fine|good|great)|"
    r"i (?:like|love) (?:it|the rest|the idea|the \w+)|nice work|good start|not bad|"
    r"almost there|close|getting there|one thing|a few things|couple of things|"
    r"quick note|just one thing|few notes|some notes)[\s!.]*$", re.I)

_STORY_HELP = (
    "For the story I can change the tone (humorous, emotional, luxurious, energetic, calm, "
    "serious), the focus (benefits, features, price or offer, sustainability, social proof), "
    "the length ('make it 15 seconds', 'halve it') and pacing, the number of scenes ('add one "
    "more scene'), one scene ('scene 2 on a beach at sunset', 'the last scene's voiceover "
    "should say \u201c...\u201d'), the call to action, the offer, the audience, words to keep "
    "out ('don't mention price'), the framework (AIDA, PAS, BAB, FAB, problem-solution, "
    "testimonial), or what I read from the brief ('the product is called ...')."
)
_IMAGE_HELP = (
    "For images I can make one brighter or darker, warmer or cooler, richer or more muted, "
    "add or soften contrast, relight it for morning, sunset or night, shift the background "
    "toward a colour, recolour the product or the character's outfit, move it to another "
    "setting, or frame it closer or wider; name the item ('frame 2', 'the last frame') to "
    "change just one."
)
_VIDEO_HELP = (
    "For the video I can make the transitions longer or shorter, or switch them off; make "
    "the voice slower or faster, female or male, or leave it out; make the music calmer, "
    "more energetic, quieter or louder, or drop it; and render it again. To change pictures "
    "or words, reopen the storyboard or the story."
)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    """Words worth repairing a typo toward: every word a rule acts on."""
    words: set[str] = set()
    for table in (TONES, FOCUSES):
        for values in table.values():
            for phrase in values:
                words.update(phrase.split())
    words.update(w for name in FRAMEWORK_NAMES for w in name.split())
    words.update(w for s in SETTINGS for w in s.split())
    words.update(w for k in known_family_words() for w in k.split())
    words.update(("voiceover", "scene", "scenes", "shorter", "longer", "seconds", "minute",
                  "minutes", "brighter", "darker", "contrast", "saturation", "nighttime",
                  "sunset", "morning", "outfit", "jacket", "shirt", "character", "product",
                  "opening", "regenerate", "approve", "mention", "audience", "highlight",
                  "emphasize", "emphasise", "sustainability", "testimonial", "washed",
                  "background", "closer", "zoom", "darken", "brighten", "lighten", "warmer", "punch",
                  "vivid", "muted", "called", "named", "structure", "format",
                  "cooler", "vibrant", "professional", "humorous", "premium", "discount"))
    return tuple(sorted(words))


def interpret(stage: StageName, text: str, item: int | None, story: Story | None) -> FeedbackPlan:
    """Turn one chat message into changes, an optional action and a reply that says what
    will change and which parts could not be mapped.

    ``item`` is the 0-based item the message is about, if the caller knows it; a message
    that names one ("frame 2", "the last frame") sets it.
    """
    message = " ".join(text.split())
    masked, quotes = extract_quotes(message)
    # Typos are repaired for reading; the reply quotes the person's own words.
    raw_clauses = split_clauses(masked)
    clauses = [correct_typos(c, _vocabulary()) for c in raw_clauses]
    masked = correct_typos(masked, _vocabulary())
    changes = Changes()
    said: list[str] = []
    unmapped: list[str] = []
    if stage == "story":
        plan = StoryPlan()
        for raw, clause in zip(raw_clauses, clauses, strict=True):
            if not story_clause(plan, clause, quotes, story, masked, raw) and not _is_meta(clause):
                plan.unmapped.append(restore_quotes(raw, quotes))
        changes, said, unmapped = plan.changes, plan.said, plan.unmapped
        help_text = _STORY_HELP
    elif stage == "video":
        changes, said = _video_changes(masked)
        help_text = _VIDEO_HELP
    else:
        praised = praises(clauses)
        for raw, clause in zip(raw_clauses, clauses, strict=True):
            if not image_clause(clause, story, changes, said, praised) and not _is_meta(clause) and \
                    named_item(clause, story, stage) is None:
                unmapped.append(restore_quotes(raw, quotes))
        found = named_item(masked, story, stage)
        if found is not None:
            item = found
        if item is not None and changes:
            changes.item = item
            which = "the last item" if item == -1 else f"item {item + 1}"
            if said:
                said[-1] = f"{said[-1]} on {which}"
        help_text = _IMAGE_HELP
    wants_regenerate = asked_action(masked) == "regenerate"
    wants_approve = (
        bool(_APPROVE.search(masked)) and not _NEGATED_APPROVE.search(masked) and not changes
        and not unmapped
    )
    said = list(dict.fromkeys(said))
    if changes:
        plan_text = _join(said) if said else "apply your changes"
        missed = _missed(unmapped, help_text)
        if wants_regenerate:
            reply = f"Regenerating to {plan_text}.{missed}"
        else:
            reply = (f"Plan: {plan_text}.{missed} Press Regenerate (or say 'regenerate') to "
                     "apply it.")
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


def _is_meta(clause: str) -> bool:
    """A clause that asks for nothing to change: politeness, approval, "regenerate"."""
    return bool(_FILLER.match(clause) or _REGENERATE.fullmatch(clause.strip(" .!"))
                or (_APPROVE.search(clause) and len(clause.split()) <= 6))


def _missed(unmapped: list[str], help_text: str) -> str:
    if not unmapped:
        return ""
    parts = ", ".join(f"\u201c{u}\u201d" for u in unmapped)
    return f" I could not map {parts}, so that part is left as it is. {help_text}"


def _video_changes(message: str) -> tuple[Changes, list[str]]:
    changes, said = sound_changes(message)
    if changes:
        return changes, said
    lowered = message.lower()
    if re.search(r"\b(no|without|remove the|cut the|hard cuts?)\b.*\b(transitions?|fades?)\b|"
                 r"\bhard cuts?\b", lowered):
        return Changes(transition_s=0.0), ["use hard cuts between shots"]
    if re.search(r"\b(longer|slower|softer)\s+(transitions?|fades?|crossfades?)\b", lowered):
        return Changes(transition_s=1.0), ["use slower one-second crossfades"]
    if re.search(r"\b(shorter|quicker|faster)\s+(transitions?|fades?|crossfades?)\b", lowered):
        return Changes(transition_s=0.25), ["use quick quarter-second crossfades"]
    return Changes(), []


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
