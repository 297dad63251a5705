"""Story feedback that puts the person's own words into the story: corrections of the
brief (the product's name, its category), what one scene should say or show, the call
to action, the opening line, words to keep out, the offer and the audience.

These readers get the clause as typed, not typo-corrected, since they copy from it;
each records its change in a :class:`StoryPlan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...adjustments import Changes
from ...models import Story
from .brief import find_offer, platform_and_aspect
from .language import find_durations, restore_quotes
from .references import LAST, find_reference
from .vocabulary import TIMES_OF_DAY, find_setting, find_word


@dataclass
class StoryPlan:
    """What a message asks of the story: the changes and how to say them."""

    changes: Changes = field(default_factory=Changes)
    said: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def edit(self, number: int, key: str, value: str) -> None:
        name = "last" if number == LAST else str(number)
        edits = dict(self.changes.scene_edits or {})
        edits[name] = {**edits.get(name, {}), key: value}
        self.changes.scene_edits = edits


def _quote(text: str, quotes: list[str]) -> str | None:
    match = re.search(r"QUOTE(\d+)", text)
    return quotes[int(match.group(1))] if match else None


def _rest(text: str, quotes: list[str]) -> str:
    return restore_quotes(text, quotes).strip(" .!,;:\"'“”").strip()


# corrections of the brief -----------------------------------------------------

_PRODUCT_NAME = re.compile(
    r"\b(?:(?:the\s+)?(?:product|brand|company|business|app|shop|store|restaurant|bakery|"
    r"charity|clinic|practice)(?:'s)?\s+(?:name\s+)?(?:is\s+(?:actually\s+)?(?:called|named)?|"
    r"should be (?:called|named)|'s called|is)|it'?s\s+(?:actually\s+)?called|"
    r"(?:please\s+)?call\s+it|(?:the\s+)?name\s+(?:is|should be)|rename\s+it(?:\s+to)?|"
    r"we'?re\s+called|our\s+name\s+is)\s+(?P<name>.+)$", re.I)
_CATEGORY = re.compile(
    r"\b(?:it'?s|it is|we'?re|we are|this is)\s+(?:actually\s+)?(?:an?\s+)(?P<cat>[a-z][\w\s&'-]{2,40}?)"
    r"\s*,?\s+not\s+(?:an?\s+)?[\w\s-]+$"
    r"|\b(?:the\s+)?(?:category|product type)\s+(?:is|should be)\s+(?:an?\s+)?(?P<cat2>[\w\s&'-]{3,40})$",
    re.I)


def read_correction(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
                    whole: str) -> bool:
    match = _PRODUCT_NAME.search(clause)
    if match and not re.search(r"\b(?:scene|frame|shot|voiceover|line|cta)\b", low):
        name = _quote(match.group("name"), quotes) or _rest(match.group("name"), quotes)
        name = re.sub(r"\s*,?\s*not\s+.*$", "", name).strip(" .")
        if name:
            plan.changes.product = name
            plan.said.append(f"call the product \u201c{name}\u201d")
            return True
    match = _CATEGORY.search(clause)
    if match:
        category = (match.group("cat") or match.group("cat2") or "").strip()
        if category:
            plan.changes.category = category
            plan.said.append(f"treat it as {_a(category)} {category}")
            return True
    return False


def _a(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


# one scene --------------------------------------------------------------------

_VOICE = re.compile(r"\b(?:voice-?over|vo|narration|narrator|line|say|says|said|saying|read|"
                    r"reads|script|dialogue|spoken)\b", re.I)
_TEXT = re.compile(r"\b(?:text|caption|title|on-?screen|super|headline|overlay|card|subtitle)\b",
                   re.I)
_CAMERA = (
    (re.compile(r"\bclose[- ]?up|\bcloser\b|\bzoom(?:ed)? in\b|\btight(?:er)?\b", re.I),
     "close-up, slow push in"),
    (re.compile(r"\bwide(?:r)?\b|\bzoom(?:ed)? out\b|\bpull back\b|\bestablishing\b", re.I),
     "wide shot, pull back"),
    (re.compile(r"\baerial\b|\bdrone\b|\bbird'?s[- ]eye\b", re.I), "aerial drone shot"),
    (re.compile(r"\bslow[- ]?mo(?:tion)?\b", re.I), "slow-motion medium shot"),
    (re.compile(r"\btracking\b|\bfollow(?:ing)? shot\b", re.I), "medium tracking shot"),
)
_DROP_VERB = re.compile(r"\b(?:lose|drop|cut|remove|delete|skip|get rid of|ditch|kill|scrap|"
                        r"lose)\b", re.I)


def read_scene(plan: StoryPlan, clause: str, low: str, quotes: list[str],
               story: Story | None, whole: str) -> bool:
    ref = find_reference(clause, story)
    if ref is None:
        return False
    number, match = ref
    where = "the last scene" if number == LAST else f"scene {number}"
    if story is not None and not 1 <= number <= len(story.scenes):
        plan.unmapped.append(f"{restore_quotes(clause, quotes)} (there are scenes 1 to "
                             f"{len(story.scenes)})")
        return True
    detail = clause[: match.start()] + " " + clause[match.end():]
    if _DROP_VERB.search(clause[: match.start()]) and not _quote(clause, quotes):
        target = number if number != LAST else (len(story.scenes) if story else LAST)
        targets = [target]
        if story is not None and 1 <= target <= len(story.scenes):
            place = story.scenes[target - 1].setting
            if place in match.group(0).lower():  # "the office scene": every office scene
                targets = [s.index for s in story.scenes if s.setting == place]
                where = f"the {place} scene{'s' if len(targets) > 1 else ''}"
        plan.changes.drop_scenes = [*(plan.changes.drop_scenes or []), *targets]
        plan.said.append(f"drop {where}")
        return True
    quote = _quote(detail, quotes)
    said = []
    if quote is not None:
        spoken = re.search(r"\b(?:voice-?over|vo|narrat\w*|spoken|line)\b", detail, re.I)
        key = "on_screen_text" if _TEXT.search(detail) and not spoken else "voiceover"
        plan.edit(number, key, quote)
        said.append(f"{'on-screen text' if key == 'on_screen_text' else 'voiceover'} "
                    f"\u201c{quote}\u201d")
    else:
        setting = find_setting(detail)
        if setting and re.search(r"\b(?:on|in|at|to|into|move|set|by|near)\b", detail, re.I):
            plan.edit(number, "setting", setting)
            said.append(f"set it in the {setting}")
        when = "night" if re.search(r"\bnight\s?time\b", detail, re.I) \
            else find_word(detail, TIMES_OF_DAY)
        if when:
            plan.edit(number, "time_of_day", when)
            said.append(f"at {when}")
        for pattern, camera in _CAMERA:
            if pattern.search(detail):
                plan.edit(number, "camera", camera)
                said.append(f"shoot it as {camera.split(',')[0]}")
                break
        action = re.search(r"\b(?:show(?:ing)?|have (?:him|her|them|the \w+)|where|with)\s+"
                           r"(.{4,120}?)[.!]?$", detail, re.I)
        if action and not said:
            plan.edit(number, "action", action.group(1).strip())
            said.append(f"show {action.group(1).strip()}")
    if said:
        plan.said.append(f"change {where}: {', '.join(said)}")
        return True
    plan.unmapped.append(restore_quotes(clause, quotes))
    return True


# call to action and quoted lines ----------------------------------------------

_CTA_CUE = re.compile(
    r"\b(?:call[- ]to[- ]action|cta)\b(?:\s+(?:to|should\s+be|must\s+be|be|is|say|saying|"
    r"reads?|should\s+say|should\s+read|needs\s+to\s+be|with))?\s*[:=-]?\s*(?:to\s+)?(?P<a>.+)$"
    r"|\b(?:end|ending|close|closing|finish|finishing|sign off|wrap up|wrap it up)\s+"
    r"(?:it\s+)?(?:with|on|by saying)\s+(?:a\s+|the\s+)?(?:line\s+)?(?P<b>.+)$"
    r"|\b(?:ask|tell|get|invite|urge|encourage)\s+(?:people|viewers|them|folks|everyone|users|"
    r"customers|the viewer|the audience)\s+to\s+(?P<c>.+)$",
    re.I)


# "The call to action is boring / too long / fine": a verdict on it, not its new words.
_JUDGEMENT = re.compile(
    r"(?:too|so|very|really|quite|a bit|kind of|not|boring|bland|weak|bad|lame|meh|generic|vague|"
    r"unclear|confusing|pushy|salesy|cheesy|long|wordy|fine|good|great|ok|okay|perfect|nice)\b",
    re.I)
_PRAISE = re.compile(r"(?:fine|good|great|ok|okay|perfect|nice|really good|so good)\b", re.I)


def read_cta(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
             whole: str) -> bool:
    match = _CTA_CUE.search(clause)
    if not match:
        return False
    raw = match.group("a") or match.group("b") or match.group("c") or ""
    text = _quote(raw, quotes) or _rest(raw, quotes)
    text = re.sub(r"^(?:something like|like|saying)\s+", "", text, flags=re.I).strip()
    if match.group("b") and not _quote(raw, quotes) and len(text.split()) > 8:
        return False
    if len(text) < 2:
        return False
    judged = match.group("a") and not _quote(raw, quotes) and _JUDGEMENT.match(text)
    if judged and _PRAISE.match(text):
        return False  # "the call to action is fine": nothing to change
    if judged or re.fullmatch(r"(?:stronger|clearer|better|punchier|shorter|more urgent)", text,
                              re.I):
        plan.changes.cta = None
        plan.said.append("write a clearer call to action")
        return True
    cta = text[:1].upper() + text[1:]
    plan.changes.cta = cta
    plan.said.append(f"end with \u201c{cta}\u201d")
    return True


def read_opening_line(plan: StoryPlan, clause: str, low: str, quotes: list[str],
                      story: Story | None, whole: str) -> bool:
    match = re.search(r"\b(?:open|start|begin|kick off|lead)\s+(?:it\s+)?(?:with|on)\s+"
                      r"(?:the\s+line\s+)?(.+)$", clause, re.I)
    if not match or not _quote(match.group(1), quotes):
        return False
    line = _quote(match.group(1), quotes) or ""
    plan.edit(1, "voiceover", line)
    plan.said.append(f"open with \u201c{line}\u201d")
    return True


# words to keep out ------------------------------------------------------------

_AVOID = re.compile(
    r"\b(?:don'?t|do not|never|stop|please don'?t|no need to|avoid|without)\s+"
    r"(?:mention(?:ing)?|say(?:ing)?|talk(?:ing)? about|bring(?:ing)? up|reference|referencing|"
    r"use|using|include|including|show(?:ing)?)\s+(?:the\s+|our\s+|any\s+|a\s+)?(?P<a>[\w$%'-]+"
    r"(?:\s+[\w$%'-]+)?)"
    r"|\b(?:no|zero)\s+(?:mention\s+of\s+|talk\s+(?:of|about)\s+)(?:the\s+)?(?P<b>[\w$%'-]+)"
    r"|\b(?:leave|keep)\s+(?:the\s+|any\s+)?(?P<c>[\w$%'-]+(?:\s+[\w$%'-]+)?)\s+out\b",
    re.I)


def read_avoid(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
               whole: str) -> bool:
    match = _AVOID.search(clause)
    if not match:
        return False
    raw = match.group("a") or match.group("b") or match.group("c") or ""
    word = _quote(raw, quotes) or re.sub(
        r"\s+(?:at|in|on|please|anymore|again|either|whatsoever|or|and|to|for|entirely)\b.*$",
        "", raw, flags=re.I).strip().lower()
    word = re.sub(r"^(?:the|our|any)\s+", "", word)
    if not word or word in ("it", "that", "this"):
        return False
    plan.changes.avoid = [*(plan.changes.avoid or []), word.lower()]
    plan.said.append(f"keep \u201c{word}\u201d out of the copy")
    if word.lower() in ("price", "prices", "pricing", "cost", "offer", "discount", "deal", "sale",
                        "money"):
        plan.changes.offer = None
        if plan.changes.focus in (None, "price"):
            plan.changes.focus = "benefits"
    return True


def read_offer(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
               whole: str) -> bool:
    if re.search(r"\b(?:no|remove the|drop the|without the|lose the|ditch the|cut the|kill the)\s+"
                 r"(?:offer|discount|deal|promo|promotion|sale)\b", low):
        plan.changes.offer = None
        plan.said.append("drop the offer")
        return True
    labelled = re.search(r"\b(?:offer|deal|promo|discount)\s+(?:is|should be|:)\s+(.+)$", clause,
                         re.I)
    offer = (_quote(labelled.group(1), quotes) or _rest(labelled.group(1), quotes)) if labelled \
        else find_offer(restore_quotes(clause, quotes))
    if not offer:
        return False
    plan.changes.offer = offer
    plan.said.append(f"feature the offer \u201c{offer}\u201d")
    return True


_AUDIENCE = re.compile(
    r"\b(?:target(?:ing)?|aim(?:ed)?(?:\s+it)?\s+at|audience(?:\s+is|\s+should\s+be|\s+to\s+be)?|"
    r"speak(?:ing)?\s+to|talk(?:ing)?\s+to|make it for|it'?s for|it is for|this is for|"
    r"written for|more for|geared (?:to|toward|towards))\s*:?\s+(?:the\s+)?(?P<who>.+)$", re.I)


def read_audience(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
                  whole: str) -> bool:
    match = _AUDIENCE.search(clause)
    if not match:
        return False
    who = _rest(match.group("who"), quotes)
    who = re.sub(r"\s+(?:instead|now|please|too)$", "", who, flags=re.I).strip()
    platform, _ = platform_and_aspect(who)
    if not who or platform or len(who.split()) > 8 or find_durations(who):
        return False
    plan.changes.audience = who
    plan.said.append(f"speak to {who}")
    return True
