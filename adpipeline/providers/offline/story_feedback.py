"""Story feedback as a grammar of intents: each clause of a message becomes zero or
more changes to the story's knobs.

A clause is read for, in order: corrections to what the brief said ("the product is
called X"), references to one scene with what should change in it, the call to action
and quoted lines, words to keep out, tone (with negation and comparatives: "less
corporate, more playful", "no jokes"), focus, length (numbers in context: "it's 30s now,
need it to be 45", "halve it", "a minute"), scene count, pacing, framework, offer,
audience, platform and product colour. A clause nothing understood is reported back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...models import Story
from .brief import find_offer, platform_and_aspect
from .language import NUMBER, find_durations, number_value, restore_quotes
from .references import LAST, find_reference
from .vocabulary import COLORS, FOCUSES, TIMES_OF_DAY, TONES, find_setting, find_word

FRAMEWORK_NAMES = {
    "aida": "AIDA", "pas": "PAS", "bab": "BAB", "fab": "FAB",
    "problem solution": "problem-solution", "problem-solution": "problem-solution",
    "problem/solution": "problem-solution", "problem and solution": "problem-solution",
    "problem agitate solution": "PAS", "problem-agitate-solution": "PAS",
    "before and after": "BAB", "before/after": "BAB", "before-after": "BAB",
    "before after bridge": "BAB", "testimonial": "testimonial", "customer story": "testimonial",
    "customer testimonial": "testimonial", "features and benefits": "FAB",
    "feature advantage benefit": "FAB", "attention interest desire action": "AIDA",
}
# What the opposite of a tone is, when someone only says what they do not want.
_AWAY_FROM = {"humorous": "friendly", "serious": "friendly", "luxurious": "friendly",
              "energetic": "calm", "calm": "energetic", "emotional": "friendly",
              "friendly": "serious"}
_NEGATIVE_BEFORE = re.compile(
    r"\b(?:no|not|never|without|don'?t|do not|less|fewer|nothing|too|avoid|stop|skip|lose|"
    r"drop|ditch|remove|cut|tone down|dial down|dial back|kill|away from|not so|not as|"
    r"isn'?t|aren'?t|shouldn'?t|zero|anti|instead of|rather than|over the top|way too)\b"
    r"[\w\s,'-]{0,20}$", re.I)
_SALESY = re.compile(r"\b(?:salesy|pushy|hard[- ]sell|sales pitch|sell(?:ing)? too hard|"
                     r"spammy|infomercial)\b", re.I)
_CHEESY = re.compile(r"\b(?:cheesy|corny|cringe|cringey|cringy|over the top|too much)\b", re.I)


@dataclass
class StoryPlan:
    """What a message asks of the story: the changes and how to say them."""

    changes: dict[str, Any] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def edit(self, number: int, key: str, value: str) -> None:
        name = "last" if number == LAST else str(number)
        edits = self.changes.setdefault("scene_edits", {})
        edits.setdefault(name, {})[key] = value


def story_clause(plan: StoryPlan, clause: str, quotes: list[str], story: Story | None,
                 whole: str, raw: str | None = None) -> bool:
    """Read one clause into ``plan``; return whether anything in it was understood.

    ``clause`` has its typos repaired; ``raw`` is the clause as typed, read by the rules
    that copy the person's words (names, calls to action, offers, audiences).
    """
    found = False
    verbatim = (_correction, _scene_clause, _cta, _opening_line, _avoid, _offer, _audience)
    for reader in (_correction, _scene_clause, _cta, _opening_line, _avoid, _tone, _focus,
                   _duration, _scene_count, _pacing, _framework, _offer, _audience, _platform,
                   _product_color):
        text = raw if raw is not None and reader in verbatim else clause
        if reader(plan, text, text.lower(), quotes, story, whole):
            found = True
            if reader in (_correction, _scene_clause, _cta, _opening_line):
                break  # these consume the clause: its other words are their argument
    return found


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


def _correction(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
                whole: str) -> bool:
    match = _PRODUCT_NAME.search(clause)
    if match and not re.search(r"\b(?:scene|frame|shot|voiceover|line|cta)\b", low):
        name = _quote(match.group("name"), quotes) or _rest(match.group("name"), quotes)
        name = re.sub(r"\s*,?\s*not\s+.*$", "", name).strip(" .")
        if name:
            plan.changes["product"] = name
            plan.said.append(f"call the product \u201c{name}\u201d")
            return True
    match = _CATEGORY.search(clause)
    if match:
        category = (match.group("cat") or match.group("cat2") or "").strip()
        if category:
            plan.changes["category"] = category
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


def _scene_clause(plan: StoryPlan, clause: str, low: str, quotes: list[str],
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
        plan.changes.setdefault("drop_scenes", []).extend(targets)
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


def _cta(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
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
    if re.fullmatch(r"(?:stronger|clearer|better|punchier|shorter|more urgent)", text, re.I):
        plan.changes["cta"] = None
        plan.said.append("write a clearer call to action")
        return True
    cta = text[:1].upper() + text[1:]
    plan.changes["cta"] = cta
    plan.said.append(f"end with \u201c{cta}\u201d")
    return True


def _opening_line(plan: StoryPlan, clause: str, low: str, quotes: list[str],
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


def _avoid(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
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
    plan.changes.setdefault("avoid", []).append(word.lower())
    plan.said.append(f"keep \u201c{word}\u201d out of the copy")
    if word.lower() in ("price", "prices", "pricing", "cost", "offer", "discount", "deal", "sale",
                        "money"):
        plan.changes["offer"] = None
        if plan.changes.get("focus") in (None, "price"):
            plan.changes["focus"] = "benefits"
    return True


# tone -------------------------------------------------------------------------


def _tone(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
          whole: str) -> bool:
    wanted: list[tuple[int, str]] = []
    unwanted: list[str] = []
    for tone, words in TONES.items():
        for word in words:
            if word not in low:
                continue
            for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", low):
                if word in ("light", "lighter", "warm", "warmer", "soft", "fun", "human",
                            "loud", "louder", "quiet") and re.search(
                        r"\b(?:colou?rs?|lighting|light|grade|music|sound|image|background)\b", low):
                    continue
                if word == "trust" or (word in ("energy",) and "energy drink" in low):
                    continue
                before = low[max(0, match.start() - 30):match.start()]
                if _NEGATIVE_BEFORE.search(before) and not re.search(r"\bmore\s+$", before):
                    unwanted.append(tone)
                else:
                    wanted.append((match.start(), tone))
    salesy = _SALESY.search(low)
    if salesy and (_NEGATIVE_BEFORE.search(low[: salesy.start()]) or "too" in low):
        unwanted.append("salesy")
    cheesy = _CHEESY.search(low)
    if cheesy and (_NEGATIVE_BEFORE.search(low[: cheesy.start()]) or "too" in low
                   or "so " in low):
        unwanted.append("cheesy")
    if not wanted and not unwanted:
        return False
    current = story.tone if story is not None else "friendly"
    if wanted:
        # "less corporate, more playful": the wish stated last is the one to follow.
        tone = sorted(wanted)[-1][1] if unwanted else sorted(wanted)[0][1]
        plan.changes["tone"] = tone
        plan.said.append(f"switch the tone to {tone}")
    if "salesy" in unwanted:
        plan.changes["focus"] = "benefits"
        plan.said.append("stop selling so hard and lead with benefits")
    if "cheesy" in unwanted and not wanted:
        plan.changes["tone"] = "serious" if current in ("humorous", "emotional") else "friendly"
        plan.said.append(f"tone it down to {plan.changes['tone']}")
    away = [t for t in dict.fromkeys(unwanted) if t in TONES and t != plan.changes.get("tone")]
    for tone in away:
        plan.said.append("keep jokes out" if tone == "humorous" else f"keep it away from {tone}")
    if not wanted and current in away:
        plan.changes["tone"] = _AWAY_FROM[current]
        plan.said.append(f"switch the tone to {plan.changes['tone']}")
    return True


# focus ------------------------------------------------------------------------


def _focus(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
           whole: str) -> bool:
    asks = re.search(r"\b(?:focus|emphasi[sz]e|highlight|about|more on|talk about|lead with|"
                     r"push|mention|stress|play up|center on|centre on|show off|spotlight|"
                     r"angle|more|lean into)\b", low)
    table = FOCUSES if asks else {k: v for k, v in FOCUSES.items()
                                  if k in ("sustainability", "social proof", "features")}
    found = find_word(low, table)
    if not found:
        return False
    match = re.search(rf"(?<![\w-])(?:{'|'.join(re.escape(w) for w in FOCUSES[found])})", low)
    before = low[max(0, match.start() - 30):match.start()] if match else ""
    if _NEGATIVE_BEFORE.search(before) and not re.search(r"\bmore\s+$", before):
        if story is not None and story.focus != found and "focus" not in plan.changes:
            plan.said.append(f"keep {found} out of focus")
            return True
        plan.changes["focus"] = "benefits" if found != "benefits" else "features"
        plan.said.append(f"move the focus from {found} to {plan.changes['focus']}")
        return True
    if found == "price" and not asks:
        return False
    plan.changes["focus"] = found
    plan.said.append(f"focus on {'price and the offer' if found == 'price' else found}")
    return True


# length -----------------------------------------------------------------------

_CURRENT = re.compile(r"\b(?:it'?s|its|it is|currently|now|at the moment|right now|from|was|"
                      r"is)\s+(?:at\s+|only\s+|about\s+)?$", re.I)
_CURRENT_AFTER = re.compile(r"^\s*(?:now|currently|at the moment|right now|long now|is too)\b",
                            re.I)
_BARE_TARGET = re.compile(
    rf"\b(?:to be|be|make it|to|at|into|need|want|should be|down to|up to|around|about|"
    rf"exactly|only)\s+({NUMBER})\b(?!\s*(?:%|scenes?|words?|frames?|shots?|x\b|times))", re.I)
_LENGTH_TALK = re.compile(r"\b(?:long|length|longer|shorter|seconds?|secs?|duration|runtime|"
                          r"run time|minutes?|cut|trim|extend|s\b|timing)", re.I)


def _duration(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
              whole: str) -> bool:
    current = round(story.duration_s) if story is not None else 30
    if re.search(r"\bscenes?\b|\bframes?\b", low) and not re.search(
            r"\b(?:seconds?|secs?|minutes?|long|length)\b", low):
        return False
    targets: list[int] = []
    stated = find_durations(clause)
    for found in stated:
        if re.match(r"^\s*(?:shorter|longer|less|more|off|extra)\b", clause[found.end:], re.I):
            continue
        if _CURRENT.search(clause[max(0, found.start - 20):found.start]) or _CURRENT_AFTER.match(
                clause[found.end:]):
            continue
        if re.search(r"\b(?:by|add|plus|another|extra|cut|trim|take off|shave off|lose|remove)\s+"
                     r"(?:another\s+)?$", clause[max(0, found.start - 20):found.start], re.I):
            continue
        targets.append(found.seconds)
    if not targets and (_LENGTH_TALK.search(whole) or find_durations(whole)):
        for match in _BARE_TARGET.finditer(clause):
            if re.match(r"^\s*(?:s|secs?|seconds?)?\s*(?:shorter|longer|less|more|off|extra)\b",
                        clause[match.end():], re.I):
                continue
            value = number_value(match.group(1))
            if value is not None and 5 <= value <= 180 and value != 1:
                targets.append(int(value))
    if targets:
        return _set_length(plan, targets[-1], current)
    relative = _relative_length(low, current)
    if relative is not None:
        return _set_length(plan, relative, current)
    # "it's 30s now": a statement of the current length, understood, nothing to change.
    return bool(stated)


def _relative_length(low: str, current: int) -> int | None:
    if re.search(r"\b(?:halve|half as long|cut (?:it )?in half|half the length|half length)\b",
                 low):
        return current // 2
    if re.search(r"\b(?:double (?:it|the length)|twice as long|double length)\b", low):
        return current * 2
    amount = re.search(rf"\b({NUMBER})\s*(?:more\s+|extra\s+|fewer\s+|less\s+)?"
                       rf"(?:s|secs?|seconds?)\s+(shorter|longer|less|more|off|extra)\b"
                       rf"|\b(add|cut|trim|take off|shave off|lose|remove)\s+(?:another\s+)?"
                       rf"({NUMBER})\s*(?:s|secs?|seconds?)\b"
                       rf"|\b(shorter|longer)\s+by\s+({NUMBER})\s*(?:s|secs?|seconds?)?\b", low)
    if amount:
        number = number_value(amount.group(1) or amount.group(4) or amount.group(6) or "")
        word = amount.group(2) or amount.group(3) or amount.group(5) or ""
        if number:
            sign = 1 if word in ("longer", "more", "extra", "add") else -1
            return current + sign * int(number)
    little = re.search(r"\b(?:a (?:bit|little|touch)|slightly|somewhat)\s+(shorter|longer)\b", low)
    if little:
        return current + (5 if little.group(1) == "longer" else -5)
    if re.search(r"\b(?:shorter|cut it down|trim it|tighten(?: it)?(?: up)?|too long|shorten|"
                 r"condense|more concise)\b", low):
        return max(5, round(current * 2 / 3))
    if re.search(r"\b(?:longer|extend it|lengthen|too short|more time)\b", low):
        return min(180, round(current * 1.5))
    return None


def _set_length(plan: StoryPlan, seconds: int, current: int) -> bool:
    seconds = max(5, min(180, seconds))
    plan.changes["duration_s"] = seconds
    plan.said.append(f"make it {seconds} seconds long" if seconds != current
                     else f"keep it at {seconds} seconds")
    return True


# scenes -----------------------------------------------------------------------


def _scene_count(plan: StoryPlan, clause: str, low: str, quotes: list[str],
                 story: Story | None, whole: str) -> bool:
    add = re.search(rf"\b(?:add|insert|include|put in|throw in|want|need|give me)\s+"
                    rf"(?:(?:an?other|one more)|({NUMBER})(?:\s+more)?)?\s*(?:extra\s+|more\s+|new\s+)?"
                    rf"scenes?\b|\b(?:one|two|a)\s+more\s+scenes?\b|\bmore scenes\b", low)
    drop = re.search(rf"\b(?:drop|remove|cut|lose|delete|skip|take out|get rid of|one fewer|"
                     rf"one less)\s+(?:({NUMBER})\s+)?(?:of the\s+)?scenes?\b|\b(?:fewer|less)\s+"
                     rf"scenes\b|\bone\s+(?:fewer|less)\s+scene\b", low)
    relative = re.search(rf"\b({NUMBER})\s+(?:more|extra|fewer|less)\s+scenes?\b|"
                         rf"\b({NUMBER})\s+scenes?\s+(more|fewer|less)\b", low)
    if relative:
        n = int(number_value(relative.group(1) or relative.group(2)) or 1)
        more = "more" in relative.group(0) or "extra" in relative.group(0)
        plan.changes["scenes_delta"] = plan.changes.get("scenes_delta", 0) + (n if more else -n)
        plan.said.append(f"{'add' if more else 'drop'} {n} scene{'s' if n > 1 else ''}")
        return True
    exact = re.search(rf"\b(?:only|just|exactly|use|with|in|make it|to|into)?\s*({NUMBER})\s+"
                      rf"scenes?\b", low)
    if drop or add:
        sign = -1 if drop else 1
        match = drop or add
        assert match is not None
        count = int(number_value(match.group(1) or "1") or 1)
        plan.changes["scenes_delta"] = plan.changes.get("scenes_delta", 0) + sign * count
        plan.said.append(f"{'drop' if drop else 'add'} {count} scene{'s' if count > 1 else ''}")
        return True
    if exact:
        value = number_value(exact.group(1))
        if value and value >= 1:
            plan.changes["scenes"] = int(value)
            plan.said.append(f"use {int(value)} scenes")
            return True
    return False


def _pacing(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
            whole: str) -> bool:
    if re.search(r"\b(?:faster|quicker|snappier|fast|quick|rapid)[- ]?(?:pace|pacing|paced|cuts?|"
                 r"editing)\b|\bspeed it up\b|\bpick up the pace\b|\btoo slow\b|\bsnappier\b|"
                 r"\bmore cuts\b|\bdrags?\b", low):
        plan.changes["pacing"] = "fast"
        plan.said.append("quicken the pace with more, shorter scenes")
        return True
    if re.search(r"\b(?:slower|slow)[- ]?(?:pace|pacing|paced|down|it down)\b|\bless rushed\b|"
                 r"\btoo (?:fast|rushed|quick|hectic)\b|\blet it breathe\b|\bfewer cuts\b", low):
        plan.changes["pacing"] = "slow"
        plan.said.append("slow the pace with fewer, longer scenes")
        return True
    return False


def _framework(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
               whole: str) -> bool:
    for words in sorted(FRAMEWORK_NAMES, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", low):
            if words in ("testimonial", "customer story") and not re.search(
                    r"\b(?:structure|framework|format|style|make it|as an?|use|switch|try|"
                    r"turn it into|approach|testimonial-style)\b", low):
                return False
            name = FRAMEWORK_NAMES[words]
            if _NEGATIVE_BEFORE.search(low[: low.index(words)]):
                plan.changes["framework"] = "AIDA" if name != "AIDA" else "PAS"
                plan.said.append(f"restructure it away from {name}, as {plan.changes['framework']}")
                return True
            plan.changes["framework"] = name
            plan.said.append(f"restructure it as {name}")
            return True
    return False


def _offer(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
           whole: str) -> bool:
    if re.search(r"\b(?:no|remove the|drop the|without the|lose the|ditch the|cut the|kill the)\s+"
                 r"(?:offer|discount|deal|promo|promotion|sale)\b", low):
        plan.changes["offer"] = None
        plan.said.append("drop the offer")
        return True
    labelled = re.search(r"\b(?:offer|deal|promo|discount)\s+(?:is|should be|:)\s+(.+)$", clause,
                         re.I)
    offer = (_quote(labelled.group(1), quotes) or _rest(labelled.group(1), quotes)) if labelled \
        else find_offer(restore_quotes(clause, quotes))
    if not offer:
        return False
    plan.changes["offer"] = offer
    plan.said.append(f"feature the offer \u201c{offer}\u201d")
    return True


_AUDIENCE = re.compile(
    r"\b(?:target(?:ing)?|aim(?:ed)?(?:\s+it)?\s+at|audience(?:\s+is|\s+should\s+be|\s+to\s+be)?|"
    r"speak(?:ing)?\s+to|talk(?:ing)?\s+to|make it for|it'?s for|it is for|this is for|"
    r"written for|more for|geared (?:to|toward|towards))\s*:?\s+(?:the\s+)?(?P<who>.+)$", re.I)


def _audience(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
              whole: str) -> bool:
    match = _AUDIENCE.search(clause)
    if not match:
        return False
    who = _rest(match.group("who"), quotes)
    who = re.sub(r"\s+(?:instead|now|please|too)$", "", who, flags=re.I).strip()
    platform, _ = platform_and_aspect(who)
    if not who or platform or len(who.split()) > 8 or find_durations(who):
        return False
    plan.changes["audience"] = who
    plan.said.append(f"speak to {who}")
    return True


def _platform(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
              whole: str) -> bool:
    platform, aspect = platform_and_aspect(clause)
    if not aspect:
        return False
    if platform:
        plan.changes["platform"] = platform
    plan.changes["aspect"] = aspect
    plan.said.append(f"shape it for {platform or aspect} ({aspect})")
    return True


def _product_color(plan: StoryPlan, clause: str, low: str, quotes: list[str],
                   story: Story | None, whole: str) -> bool:
    color = re.search(rf"\b({'|'.join(COLORS)})\s+(?:bottle|product|colou?r|one|version|can|"
                      rf"shoe|packaging|pack)\b|\b(?:product|bottle|packaging)\s+(?:in\s+|to\s+)?"
                      rf"({'|'.join(COLORS)})\b", low)
    if not color:
        return False
    name = color.group(1) or color.group(2)
    plan.changes["product_color"] = name
    plan.said.append(f"make the product {name}")
    return True
