"""Story feedback as a grammar of intents: each clause of a message becomes zero or
more changes to the story's knobs.

A clause is read for, in order: corrections to what the brief said ("the product is
called X"), references to one scene with what should change in it, the call to action
and quoted lines, words to keep out, tone (with negation and comparatives: "less
corporate, more playful", "no jokes"), focus, length (numbers in context: "it's 30s now,
need it to be 45", "halve it", "a minute"), scene count, pacing, framework, offer,
audience, platform and product colour. A clause nothing understood is reported back.

The readers that copy the person's words are in :mod:`.story_wording`; this module
holds the ones that turn knobs (tone, focus, length, framework, platform, colour) and
:func:`story_clause`, which runs them all in order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from ...models import Story
from ..shared.timing import MIN_SCENES, most_scenes
from .brief import platform_and_aspect
from .language import NUMBER, find_durations, number_value
from .story_wording import (
    StoryPlan,
    read_audience,
    read_avoid,
    read_correction,
    read_cta,
    read_offer,
    read_opening_line,
    read_scene,
)
from .vocabulary import COLORS, FOCUSES, TONES, find_word

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


def story_clause(plan: StoryPlan, clause: str, quotes: list[str], story: Story | None,
                 whole: str, raw: str | None = None) -> bool:
    """Read one clause into ``plan``; return whether anything in it was understood.

    ``clause`` has its typos repaired; ``raw`` is the clause as typed, read by the rules
    that copy the person's words (names, calls to action, offers, audiences).
    """
    found = False
    verbatim = (read_correction, read_scene, read_cta, read_opening_line, read_avoid, read_offer,
                read_audience)
    for reader in (read_correction, read_scene, read_cta, read_opening_line, read_avoid, _tone,
                   _focus, _duration, _scene_count, _pacing, _framework, read_offer, read_audience,
                   _platform, _product_color):
        text = raw if raw is not None and reader in verbatim else clause
        if reader(plan, text, text.lower(), quotes, story, whole):
            found = True
            if reader in (read_correction, read_scene, read_cta, read_opening_line):
                break  # these consume the clause: its other words are their argument
    return found


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
        plan.changes.tone = tone
        plan.said.append(f"switch the tone to {tone}")
    if "salesy" in unwanted:
        plan.changes.focus = "benefits"
        plan.said.append("stop selling so hard and lead with benefits")
    if "cheesy" in unwanted and not wanted:
        plan.changes.tone = "serious" if current in ("humorous", "emotional") else "friendly"
        plan.said.append(f"tone it down to {plan.changes.tone}")
    away = [t for t in dict.fromkeys(unwanted) if t in TONES and t != plan.changes.tone]
    for tone in away:
        plan.said.append("keep jokes out" if tone == "humorous" else f"keep it away from {tone}")
    if not wanted and current in away:
        plan.changes.tone = _AWAY_FROM[current]
        plan.said.append(f"switch the tone to {plan.changes.tone}")
    return True





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
        if story is not None and story.focus != found and plan.changes.focus is None:
            plan.said.append(f"keep {found} out of focus")
            return True
        plan.changes.focus = "benefits" if found != "benefits" else "features"
        plan.said.append(f"move the focus from {found} to {plan.changes.focus}")
        return True
    if found == "price" and not asks:
        return False
    plan.changes.focus = found
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


# "under 20 seconds", "at least 45 s": a bound, met by the current length or by the
# nearest round length inside it. Negated ("no more than 20", "shouldn't be longer than
# 20", "not under 45"), a bound is the other side's.
def _under(current: int, n: int) -> int:
    return current if current < n else max(5, n - 5)


def _at_most(current: int, n: int) -> int:
    return min(current, n)


def _over(current: int, n: int) -> int:
    return current if current > n else min(180, n + 5)


def _at_least(current: int, n: int) -> int:
    return max(current, n)


_BOUNDS = (  # (the words before the length, its rule, the rule when negated)
    (re.compile(r"\b(?:under|less than|shorter than|below)\s+(?:about\s+)?$", re.I),
     _under, _at_least),
    (re.compile(r"\b(?:at most|max(?:imum)?|up to|within)\s+(?:about\s+)?$", re.I),
     _at_most, _at_most),
    (re.compile(r"\b(?:over|more than|longer than|above)\s+(?:about\s+)?$", re.I),
     _over, _at_most),
    (re.compile(r"\b(?:at least|min(?:imum)?)\s+(?:about\s+)?$", re.I),
     _at_least, _at_least),
)
_NEGATED_BOUND = re.compile(r"(?:\b(?:not|no|never|nothing)|n't)\s+(?:\w+\s+){0,2}$", re.I)
#: After a bound, says it is what the person does not want: "over 20 s is too long".
_UNWANTED_BOUND = re.compile(r"^\s*(?:is|feels|seems|would be)?\s*(?:way |much )?too (?:long|short)\b",
                             re.I)
_BETWEEN = re.compile(rf"\bbetween\s+({NUMBER})\s*(?:s|secs?|seconds?)?\s+and\s+({NUMBER})\s*"
                      rf"(?:s|secs?|seconds?)\b", re.I)
_LENGTH_TALK = re.compile(r"\b(?:long|length|longer|shorter|seconds?|secs?|duration|runtime|"
                          r"run time|minutes?|cut|trim|extend|s\b|timing)", re.I)


def _duration(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
              whole: str) -> bool:
    current = round(story.duration_s) if story is not None else 30
    if re.search(r"\bscenes?\b|\bframes?\b", low) and not re.search(
            r"\b(?:seconds?|secs?|minutes?|long|length)\b", low):
        return False
    if _PER_SCENE.search(low):
        return _scene_length(plan, clause, current)
    targets: list[int] = []
    between = _BETWEEN.search(clause)
    if between:
        low_s, high_s = sorted(int(number_value(between.group(i)) or 0) for i in (1, 2))
        if 5 <= low_s <= high_s <= 180:
            return _set_length(plan, min(high_s, max(low_s, current)), current)
    stated = find_durations(clause)
    for found in stated:
        bound = _bound(clause[max(0, found.start - 40):found.start], clause[found.end:])
        if bound is not None:
            targets.append(bound(current, found.seconds))
            continue
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


# "Shorter sentences", "the headline is too long": the length of a piece of text, not
# of the ad.
_TEXT_UNIT = (r"(?:sentences?|lines?|words?|voice ?-?overs?|narration|script|headlines?|"
              r"titles?|text|copy|captions?|subtitles?|taglines?|slogans?|cta|call to action)")
_TEXT_LENGTH = re.compile(
    rf"\b(?:shorter|longer|short|long|shorten|lengthen)\s+(?:\w+\s+)?{_TEXT_UNIT}\b"
    rf"|\b{_TEXT_UNIT}(?:\s+\w+){{0,3}}?\s+(?:too long|too short|shorter|longer|shortened|"
    rf"lengthened)\b")


def _bound(before: str, after: str) -> Callable[[int, int], int] | None:
    """The rule of the bound that ``before``, the words before a length, ends with
    (``after``: the words after it)."""
    for pattern, rule, negated in _BOUNDS:
        if found := pattern.search(before):
            other_way = bool(_NEGATED_BOUND.search(before[:found.start()])) != bool(
                _UNWANTED_BOUND.match(after))
            return negated if other_way else rule
    return None


# "each scene under 5 seconds": the length of a scene, so a number of scenes.
_PER_SCENE = re.compile(r"\b(?:each|every|per|any|a single|one|no)\s+(?:scene|shot|frame)s?\b")


def _scene_length(plan: StoryPlan, clause: str, current: int) -> bool:
    stated = find_durations(clause)
    if not stated or stated[0].seconds <= 0:
        return False
    seconds = stated[0].seconds
    before = clause[max(0, stated[0].start - 25):stated[0].start]
    negated = re.search(r"\b(?:no|not|none)\b|n't\b", clause, re.I)
    if re.search(r"\b(?:over|longer than|more than)\s+(?:about\s+)?$", before, re.I):
        wanted = math.floor(current / seconds) + (1 if negated else 0)  # "no scene over 6 s"
    elif re.search(r"\b(?:under|less than|shorter than|below)\s+(?:about\s+)?$", before, re.I):
        wanted = math.floor(current / seconds) + 1
    elif re.search(r"\b(?:at most|no more than|no longer than|max(?:imum)?|up to|within)\s+"
                   r"(?:about\s+)?$", before, re.I):
        wanted = math.ceil(current / seconds)
    else:
        wanted = round(current / seconds)
    scenes = max(MIN_SCENES, min(most_scenes(current), wanted))
    plan.changes.scenes = scenes
    limit = (f", the most a {current} s ad holds" if scenes < wanted
             else ", the fewest it takes" if scenes > wanted else "")
    plan.said.append(f"use {scenes} scenes{limit} (about {current / scenes:.2g} s each)")
    return True


def _relative_length(low: str, current: int) -> int | None:
    low = _TEXT_LENGTH.sub(" ", low)
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
    plan.changes.duration_s = seconds
    plan.said.append(f"make it {seconds} seconds long" if seconds != current
                     else f"keep it at {seconds} seconds")
    return True





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
        plan.changes.scenes_delta = (plan.changes.scenes_delta or 0) + (n if more else -n)
        plan.said.append(f"{'add' if more else 'drop'} {n} scene{'s' if n > 1 else ''}")
        return True
    exact = re.search(rf"\b(?:only|just|exactly|use|with|in|make it|to|into)?\s*({NUMBER})\s+"
                      rf"scenes?\b", low)
    if drop or add:
        sign = -1 if drop else 1
        match = drop or add
        assert match is not None
        count = int(number_value(match.group(1) or "1") or 1)
        plan.changes.scenes_delta = (plan.changes.scenes_delta or 0) + sign * count
        plan.said.append(f"{'drop' if drop else 'add'} {count} scene{'s' if count > 1 else ''}")
        return True
    if exact:
        value = number_value(exact.group(1))
        if value and value >= 1:
            plan.changes.scenes = int(value)
            plan.said.append(f"use {int(value)} scenes")
            return True
    return False


def _pacing(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
            whole: str) -> bool:
    if re.search(r"\b(?:faster|quicker|snappier|fast|quick|rapid)[- ]?(?:pace|pacing|paced|cuts?|"
                 r"editing)\b|\bspeed it up\b|\bpick up the pace\b|\btoo slow\b|\bsnappier\b|"
                 r"\bmore cuts\b|\bdrags?\b", low):
        plan.changes.pacing = "fast"
        plan.said.append("quicken the pace with more, shorter scenes")
        return True
    if re.search(r"\b(?:slower|slow)[- ]?(?:pace|pacing|paced|down|it down)\b|\bless rushed\b|"
                 r"\btoo (?:fast|rushed|quick|hectic)\b|\blet it breathe\b|\bfewer cuts\b", low):
        plan.changes.pacing = "slow"
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
                plan.changes.framework = "AIDA" if name != "AIDA" else "PAS"
                plan.said.append(f"restructure it away from {name}, as {plan.changes.framework}")
                return True
            plan.changes.framework = name
            plan.said.append(f"restructure it as {name}")
            return True
    return False


def _platform(plan: StoryPlan, clause: str, low: str, quotes: list[str], story: Story | None,
              whole: str) -> bool:
    platform, aspect = platform_and_aspect(clause)
    if not aspect:
        return False
    if platform:
        plan.changes.platform = platform
    plan.changes.aspect = aspect
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
    plan.changes.product_color = name
    plan.said.append(f"make the product {name}")
    return True
