"""The offline ad-story engine: a brief in, a timed, framework-shaped story out.

Deterministic: the same brief, previous story, feedback and seed always give the same
story. The engine reads the brief for the product, its category, the audience, the
offer and a colour; picks an ad framework and says why; splits the duration into
3..8 scenes in half-second steps (so the durations sum exactly); and writes each
scene's setting, action, camera, voiceover line, on-screen text and visual prompt.

A story is drawn from *knobs* (tone, focus, framework, scene count, ...) plus a
*variant* (which settings, cast and lines). Feedback turns knobs and keeps the
variant, so "make it funnier" changes the voice, not the whole ad; regenerating
without feedback keeps the knobs and draws a new variant.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ...models import Brief, Feedback, Scene, Story
from .vocabulary import (
    CHARACTER_NAMES,
    COLORS,
    PALETTES,
    SETTINGS,
    TONES,
    Family,
    find_family,
    find_word,
)

MIN_SCENES, MAX_SCENES = 3, 8
FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "AIDA": ("attention", "interest", "desire", "action"),
    "PAS": ("problem", "agitate", "solution", "action"),
    "BAB": ("before", "after", "bridge", "action"),
    "FAB": ("feature", "advantage", "benefit", "action"),
    "problem-solution": ("problem", "solution", "proof", "action"),
    "testimonial": ("hook", "testimonial", "result", "action"),
}
_FRAMEWORK_CUES: dict[str, tuple[str, ...]] = {
    "PAS": ("tired of", "sick of", "struggle", "frustrat", "annoying", "hate", "pain point",
            "fed up"),
    "BAB": ("transform", "before and after", "imagine", "upgrade your", "from chaos",
            "makeover"),
    "FAB": ("feature", "specs", "technology", "engineered", "innovative", "battery",
            "sensor", "how it works"),
    "problem-solution": ("solve", "solution", "fix", "finally", "no more", "problem"),
    "testimonial": ("review", "testimonial", "customers", "loved by", "rated", "real people",
                    "social proof", "word of mouth"),
}
_FRAMEWORK_WHY = {
    "AIDA": "it introduces the product, so the ad grabs attention, builds interest and "
            "desire, then asks for action",
    "PAS": "it starts from a pain the audience feels, so the ad names the problem, "
           "agitates it, then offers the product as the solution",
    "BAB": "it promises a change, so the ad shows life before, life after, and the "
           "product as the bridge",
    "FAB": "it is about what the product is made of, so each feature is turned into an "
           "advantage and a benefit",
    "problem-solution": "it points at a problem to fix, so the ad shows the problem, the "
                        "fix and proof it works",
    "testimonial": "it leans on what people say, so a real-feeling customer tells the story",
}

_ROLE_LINES: dict[str, tuple[str, ...]] = {
    "attention": ("Meet {P}.", "Say hello to {P}.", "This is {P}, and it changes your day."),
    "interest": ("{P} gives you {point}.", "With {P}, you get {point}.",
                 "Here's the thing: {point}."),
    "desire": ("Imagine {point}, every single day.", "{Point}. That's the {P} difference.",
               "Picture it: {point}."),
    "problem": ("Ever notice how {problem}?", "Let's be honest: {problem}.",
                "Every {audience_one} knows it: {problem}."),
    "agitate": ("And it only gets worse when you're busy.",
                "Every day it costs you time and patience.",
                "You've tried everything, and nothing sticks."),
    "solution": ("{P} fixes that with {point}.", "That's why we made {P}: {point}.",
                 "Enter {P}: {point}."),
    "before": ("Before {P}, {problem}.", "Life before {P}? {Problem}."),
    "after": ("After {P}: {point}.", "Now? {Point}."),
    "bridge": ("The difference is a {category} designed around you.",
               "{P} is how you get there."),
    "feature": ("{P} has {feature}.", "Built in: {feature}."),
    "advantage": ("Which means {point}.", "So you get {point}."),
    "benefit": ("For you, that's {point}.", "The result: {point}."),
    "proof": ("{Audience} already trust {P}, rated 4.8 out of 5.",
              "Thousands of {audience} made the switch to {P}."),
    "hook": ("Don't take our word for it.", "Here's what {audience} are saying."),
    "testimonial": ("\"I didn't expect a {category} to change my day,\" says {char}.",
                    "\"Honestly? I'm never going back,\" says {char}."),
    "result": ("Now it's {point}, every day.", "{Point}. Every single day."),
}
_ROLE_TEXT: dict[str, str] = {
    "attention": "Meet {P}", "interest": "{point_short}", "desire": "{point_short}",
    "problem": "Sound familiar?", "agitate": "Every. Single. Day.", "solution": "{P} fixes it",
    "before": "Before", "after": "After {P}", "bridge": "{P} makes the switch",
    "feature": "{feature_short}", "advantage": "{point_short}", "benefit": "{point_short}",
    "proof": "★★★★★ 4.8/5", "hook": "Real people. Real results.", "testimonial": "— {char}",
    "result": "{point_short}",
}
_ROLE_ACTION: dict[str, str] = {
    "attention": "{char} {activity}; {P} catches the light",
    "interest": "{char} {activity}, {P} in hand",
    "desire": "{P} in focus, {char} smiling behind it",
    "problem": "{char} looks frustrated: {problem}",
    "agitate": "{char} {activity}, still stuck with the old way",
    "solution": "{char} picks up {P} for the first time",
    "before": "{char} {activity}, tired and unimpressed",
    "after": "{char} {activity}, relaxed, {P} at hand",
    "bridge": "{char} hands {P} to a friend",
    "feature": "{P} turns slowly, details catching the light",
    "advantage": "{char} uses {P} without thinking about it",
    "benefit": "{char} enjoys the moment, {P} beside them",
    "proof": "friends compare their {P}s and nod",
    "hook": "{char} looks into the camera",
    "testimonial": "{char} talks to camera, holding {P}",
    "result": "{char} {activity}, with {P} along",
    "action": "{P} hero shot with the logo and the call to action",
}
_ROLE_CAMERA: dict[str, str] = {
    "attention": "wide establishing shot, slow push in",
    "interest": "medium tracking shot, pan right",
    "desire": "close-up, slow push in",
    "problem": "medium shot, static",
    "agitate": "close-up, pan left",
    "solution": "medium shot, push in",
    "before": "wide shot, static",
    "after": "wide shot, pull back",
    "bridge": "medium tracking shot, pan left",
    "feature": "close-up, slow push in",
    "advantage": "medium shot, pan right",
    "benefit": "wide shot, pull back",
    "proof": "medium shot, static",
    "hook": "close-up, static",
    "testimonial": "medium close-up, slow push in",
    "result": "wide shot, pan right",
    "action": "static hero shot, close-up",
}
_ACTIVITY: dict[str, str] = {
    "beach": "walks along the shoreline", "city street": "weaves through the crowd",
    "kitchen": "cooks breakfast", "office": "works at a busy desk",
    "forest": "hikes between tall trees", "park": "jogs along the path",
    "mountain trail": "climbs the trail", "gym": "finishes a hard set",
    "living room": "relaxes on the couch", "studio": "poses under soft lights",
    "cafe": "sits by the window", "bedroom": "gets ready for the day",
    "desert road": "drives the open road", "lake": "rests by the water",
    "rooftop": "watches the skyline", "subway": "rides the morning train",
    "bathroom": "starts a morning routine", "classroom": "studies between classes",
    "garden": "waters the plants", "stadium": "sprints the last lap",
}
_TONE_OPENER: dict[str, str] = {
    "humorous": "Your old {category} just filed for early retirement.",
    "emotional": "Some moments deserve more than good enough.",
    "luxurious": "Crafted for those who notice every detail.",
    "energetic": "Ready? Let's go!",
    "calm": "Take a breath.",
}
_TONE_AFTERTHOUGHT: dict[str, str] = {
    "humorous": "(Yes, we tested that. Twice.)",
    "emotional": "Because the small moments are the ones that stay.",
    "luxurious": "Quietly exceptional.",
    "energetic": "No limits!",
    "calm": "Simple. Easy. Yours.",
}
_TAGLINES: dict[str, str] = {
    "friendly": "Made for Your Day", "humorous": "Seriously Good, Not Too Serious",
    "emotional": "For the Moments That Matter", "luxurious": "Quiet Luxury, Every Day",
    "energetic": "Go Further, Faster", "calm": "Simply Better Days",
    "serious": "Built to Perform",
}
_PAYOFF = {"AIDA": "desire", "PAS": "solution", "BAB": "after", "FAB": "benefit",
           "problem-solution": "solution", "testimonial": "testimonial"}
_TIMES = ("day", "morning", "sunset", "day", "night")
_WORDS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


@dataclass(frozen=True)
class BriefFacts:
    """What the engine read from the brief."""

    product: str
    category: str
    family: Family
    audience: str
    offer: str | None
    color: str
    tone: str
    framework: str
    framework_reason: str


@dataclass
class Knobs:
    """Everything about a story a person can turn by feedback."""

    framework: str
    framework_reason: str
    tone: str
    focus: str
    audience: str
    offer: str | None
    cta: str | None
    scenes: int
    duration_s: int
    product_color: str
    variant: int
    scene_edits: dict[int, dict[str, str]] = field(default_factory=dict)
    kept_settings: list[tuple[str, str]] = field(default_factory=list)


def read_brief(brief: Brief) -> BriefFacts:
    """Pull product, category, audience, offer, colour, tone and framework from a brief."""
    text = brief.prompt
    product, category = _product_and_category(text)
    product = brief.product or brief.brand or product
    family = find_family(f"{category} {text}")
    if not category:
        category = family.keywords[0] if family.keywords else "product"
    framework, why = _choose_framework(text)
    return BriefFacts(
        product=product,
        category=category,
        family=family,
        audience=brief.audience or _audience(text) or f"{family.person}s",
        offer=brief.offer or _offer(text),
        color=_color(text, product),
        tone=find_word(text, TONES) or "friendly",
        framework=framework,
        framework_reason=why,
    )


def default_knobs(brief: Brief, facts: BriefFacts, seed: int) -> Knobs:
    focus = "price" if facts.offer else "benefits"
    return Knobs(
        framework=facts.framework,
        framework_reason=facts.framework_reason,
        tone=facts.tone,
        focus=focus,
        audience=facts.audience,
        offer=facts.offer,
        cta=None,
        scenes=scene_count_for(brief.duration_s),
        duration_s=brief.duration_s,
        product_color=facts.color,
        variant=seed % 997,
    )


def knobs_from_story(story: Story) -> Knobs:
    return Knobs(
        framework=story.framework,
        framework_reason=story.framework_reason,
        tone=story.tone,
        focus=story.focus,
        audience=story.audience,
        offer=story.offer,
        # Keep a call to action only if a person chose it; a default one follows the offer.
        cta=None if story.cta == _default_cta(story.product, story.offer, story.focus)
        else story.cta,
        scenes=len(story.scenes),
        duration_s=round(story.duration_s),
        product_color=story.product_color,
        variant=story.variant,
        scene_edits={int(k): dict(v) for k, v in story.scene_edits.items()},
        kept_settings=[(s.setting, s.time_of_day) for s in story.scenes],
    )


def apply_changes(knobs: Knobs, changes: dict[str, Any]) -> Knobs:
    """Turn the knobs a feedback plan names; unknown keys are ignored on purpose
    (plans from a newer interpreter must not break an older engine)."""
    k = replace(knobs, scene_edits=dict(knobs.scene_edits))
    if "tone" in changes:
        k.tone = changes["tone"]
    if "focus" in changes:
        k.focus = changes["focus"]
    if "framework" in changes and changes["framework"] in FRAMEWORKS:
        k.framework = changes["framework"]
        k.framework_reason = "you asked for it in the chat; " + _FRAMEWORK_WHY[k.framework]
    if "audience" in changes:
        k.audience = changes["audience"]
    if "offer" in changes:
        k.offer = changes["offer"]
        if k.cta is not None and changes["offer"] is None:
            k.cta = None
    if "cta" in changes:
        k.cta = changes["cta"]
    if "product_color" in changes:
        k.product_color = changes["product_color"]
    if "duration_s" in changes:
        k.duration_s = int(changes["duration_s"])
        k.scenes = _clamp_scenes(k.scenes, k.duration_s)
    if "pacing" in changes:
        step = 2 if changes["pacing"] == "fast" else -1
        k.scenes = _clamp_scenes(k.scenes + step, k.duration_s)
    if "scenes" in changes:
        k.scenes = _clamp_scenes(int(changes["scenes"]), k.duration_s)
    if "scenes_delta" in changes:
        k.scenes = _clamp_scenes(k.scenes + int(changes["scenes_delta"]), k.duration_s)
    for number, edit in changes.get("scene_edits", {}).items():
        index = k.scenes if str(number) == "last" else int(number)
        if 1 <= index <= k.scenes:
            k.scene_edits[index] = {**k.scene_edits.get(index, {}), **edit}
    return k


def write_story(
    brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
) -> Story:
    """Write a story for ``brief``; with ``previous``, revise it.

    With feedback, the previous story's knobs are turned and its variant kept; without
    feedback, the knobs are kept and a new variant is drawn from ``seed``.
    """
    facts = read_brief(brief)
    if previous is None:
        knobs = default_knobs(brief, facts, seed)
    else:
        knobs = knobs_from_story(previous)
        if feedback:
            for item in feedback:
                knobs = apply_changes(knobs, item.changes)
        else:
            knobs.variant = _new_variant(knobs.variant, seed)
            knobs.kept_settings = []
    return compose(facts, knobs)


def compose(facts: BriefFacts, knobs: Knobs) -> Story:
    """Draw the story the knobs describe."""
    pick = _Picker(knobs.variant)
    roles = _roles(knobs.framework, knobs.scenes)
    durations = split_duration(knobs.duration_s, roles)
    character = f"{pick.one(CHARACTER_NAMES)}, {_article(facts.family.person)} {facts.family.person}"
    char_name = character.split(",")[0]
    settings = pick.rotation(facts.family.settings, len(roles))
    time_of_day = pick.one(_TIMES)
    product = facts.product
    offer = knobs.offer
    cta = knobs.cta or _default_cta(product, offer, knobs.focus)
    scenes: list[Scene] = []
    start = 0.0
    for i, (role, duration) in enumerate(zip(roles, durations, strict=True)):
        number = i + 1
        setting, when = settings[i], time_of_day
        if i < len(knobs.kept_settings):
            setting, when = knobs.kept_settings[i]
        edit = knobs.scene_edits.get(number, {})
        setting = edit.get("setting", setting)
        when = edit.get("time_of_day", when)
        words = _Words(facts, knobs, pick, char_name, setting, i, cta)
        voiceover = edit.get("voiceover") or words.line(role)
        if i == 0 and knobs.tone in _TONE_OPENER and "voiceover" not in edit:
            voiceover = f"{words.fill(_TONE_OPENER[knobs.tone])} {voiceover}"
        if role != "action" and i == len(roles) // 2 and knobs.tone in _TONE_AFTERTHOUGHT:
            voiceover = f"{voiceover} {_TONE_AFTERTHOUGHT[knobs.tone]}"
        on_screen = edit.get("on_screen_text") or words.on_screen(role)
        action = edit.get("action") or words.fill(_ROLE_ACTION[role])
        if knobs.tone == "humorous" and role not in ("action", "feature"):
            action += ", with a comic double take"
        camera = edit.get("camera") or _camera(role, knobs)
        characters = [] if role in ("feature", "action") else [character]
        visual = edit.get("visual_prompt") or (
            f"{camera} of a {setting} at {when}: {action}. {product} {facts.category} in "
            f"{knobs.product_color}; {knobs.tone} mood; storyboard frame"
        )
        scenes.append(
            Scene(
                index=number, start_s=start, duration_s=duration, beat=role, setting=setting,
                time_of_day=when, action=action, camera=camera, voiceover=voiceover,
                on_screen_text=on_screen, visual_prompt=visual, characters=characters,
            )
        )
        start += duration
    tagline = "Good for You, Better for the Planet" if knobs.focus == "sustainability" \
        else _TAGLINES.get(knobs.tone, _TAGLINES["friendly"])
    palette = [COLORS.get(knobs.product_color, COLORS["teal"])]
    palette += PALETTES.get(knobs.tone, PALETTES["friendly"])
    return Story(
        title=f"{product}: {tagline}",
        product=product,
        category=facts.category,
        framework=knobs.framework,
        framework_reason=knobs.framework_reason,
        tone=knobs.tone,
        focus=knobs.focus,
        audience=knobs.audience,
        offer=offer,
        product_color=knobs.product_color,
        main_character=character,
        palette=palette,
        scenes=scenes,
        cta=cta,
        variant=knobs.variant,
        scene_edits=knobs.scene_edits,
    )


def scene_count_for(duration_s: int) -> int:
    return _clamp_scenes(round(duration_s / 5), duration_s)


def split_duration(duration_s: int, roles: list[str]) -> list[float]:
    """Split ``duration_s`` over the scenes in half-second steps that sum exactly.

    Half seconds are exact in binary floating point, so the sum is exact too.
    """
    weights = [0.8 if i == 0 else 1.1 if role == "action" else 1.0 for i, role in enumerate(roles)]
    units = duration_s * 2
    total = sum(weights)
    shares = [max(2, int(units * w / total)) for w in weights]
    i = 0
    while sum(shares) != units:  # hand out (or take back) the rounding, middle scenes first
        j = (len(shares) // 2 + i) % len(shares)
        if sum(shares) < units:
            shares[j] += 1
        elif shares[j] > 2:
            shares[j] -= 1
        i += 1
    return [s / 2 for s in shares]


def _roles(framework: str, n: int) -> list[str]:
    beats = FRAMEWORKS[framework]
    middle = beats[1:-1]
    slots = n - 2
    if slots < len(middle):  # too few scenes for every beat: keep the one that pays off
        chosen = [_PAYOFF[framework]]
    else:
        chosen = [middle[j * len(middle) // slots] for j in range(slots)]
    return [beats[0], *chosen, beats[-1]]


def _clamp_scenes(n: int, duration_s: int) -> int:
    most = max(MIN_SCENES, min(MAX_SCENES, int(duration_s / 1.5)))
    return max(MIN_SCENES, min(most, n))


def _camera(role: str, knobs: Knobs) -> str:
    camera = _ROLE_CAMERA[role]
    if knobs.tone == "energetic":
        camera = camera.replace("slow push in", "fast push in").replace("static", "quick pan right")
    if knobs.tone == "calm":
        camera = camera.replace("fast", "slow")
    return camera


def _default_cta(product: str, offer: str | None, focus: str) -> str:
    if offer and focus == "price":
        return f"Grab {offer} on {product} now"
    if offer:
        return f"Get {product} today, {offer}"
    return f"Get {product} today"


def _choose_framework(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for name, cues in _FRAMEWORK_CUES.items():
        for cue in cues:
            if cue in lowered:
                return name, f"{name}: the brief says '{cue}', and {_FRAMEWORK_WHY[name]}."
    return "AIDA", f"AIDA: {_FRAMEWORK_WHY['AIDA']}."


_NAME = re.compile(
    r"\b(?i:for|introducing|meet|launch(?:ing)?|presenting)\s+(?:the\s+)?"
    r"([A-Z][\w'’&+-]*(?:\s+[A-Z0-9][\w'’&+-]*){0,3})"
)
_CATEGORY_AFTER = re.compile(r"^\s*(?:,|—|–|-|:)?\s*(?:an?|the|our)\s+([^.,;:!?()\n]{2,60})")
_CATEGORY_BEFORE = re.compile(r"\b(?:an?|the|our)\s+([a-z][a-z -]{2,40}?)\s+(?:called|named)\s+$")
_STOP_AT = re.compile(
    r"\s+(?:for|aimed|targeting|that|which|with|to|in|on|loved|made|designed|built|by|from)"
    r"\s+.*$"
)


def _product_and_category(text: str) -> tuple[str, str]:
    match = _NAME.search(text)
    if not match:
        category = _category_words(text)
        return ("our " + category if category else "our product"), category
    product = match.group(1).strip()
    after = _CATEGORY_AFTER.match(text[match.end():])
    category = after.group(1) if after else ""
    if not category:
        before = _CATEGORY_BEFORE.search(text[: match.start(1)])
        category = before.group(1) if before else _category_words(text)
    category = _STOP_AT.sub("", category).strip()
    return product, category


def _category_words(text: str) -> str:
    """The family keyword in ``text`` with up to two describing words before it."""
    lowered = text.lower()
    for word in find_family(text).keywords:
        match = re.search(rf"((?:[a-z-]+\s+){{0,2}}){re.escape(word)}\b", lowered)
        if match:
            kept = [w for w in match.group(1).split() if w not in _NOT_DESCRIBING]
            return " ".join([*kept, word])
    return ""


_NOT_DESCRIBING = {"a", "an", "the", "our", "new", "ad", "for", "of", "s", "second", "seconds",
                   "sec", "spot", "video", "commercial", "my", "their", "your"}


_AUDIENCE = re.compile(
    r"\b(?:for|targeting|aimed at|audience:?)\s+((?:busy |young |new |working |active |"
    r"first-time |remote |college |outdoor |urban |)"
    r"(?:parents|students|runners|hikers|gamers|professionals|commuters|athletes|families|kids|"
    r"teens|seniors|moms|dads|mothers|fathers|travel(?:l)?ers|developers|nurses|cyclists|"
    r"creators|workers|cooks|chefs|homeowners|pet owners|dog owners|[a-z]+ers))\b",
    re.IGNORECASE,
)
_OFFER = re.compile(
    r"(\d{1,2}\s?% off|free shipping|buy one,? get one(?: free)?|[$€£]\d+(?:\.\d\d)? off|"
    r"free trial|launch discount|half price)",
    re.IGNORECASE,
)


def _audience(text: str) -> str | None:
    match = _AUDIENCE.search(text)
    return match.group(1).lower() if match else None


def _offer(text: str) -> str | None:
    match = _OFFER.search(text)
    return match.group(1) if match else None


def _color(text: str, product: str) -> str:
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in COLORS:
            return word
    names = [c for c in COLORS if c not in ("white", "black", "grey", "gray", "silver")]
    digest = hashlib.sha256(product.lower().encode()).digest()
    return names[digest[0] % len(names)]


def _new_variant(old: int, seed: int) -> int:
    variant = seed % 997
    return variant if variant != old else (variant + 1) % 997


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


class _Picker:
    """Deterministic choices from a variant number."""

    def __init__(self, variant: int) -> None:
        self.variant = variant

    def one(self, options: tuple[str, ...] | list[str], salt: int = 0) -> str:
        digest = hashlib.sha256(f"{self.variant}:{salt}:{len(options)}".encode()).digest()
        return options[int.from_bytes(digest[:4], "big") % len(options)]

    def rotation(self, options: tuple[str, ...], n: int) -> list[str]:
        start = int(hashlib.sha256(f"rot:{self.variant}".encode()).hexdigest(), 16)
        pool = list(options) + [s for s in SETTINGS if s not in options]
        return [pool[(start + i) % len(options)] for i in range(n)]


class _Words:
    """Fills the templates for one scene."""

    def __init__(
        self, facts: BriefFacts, knobs: Knobs, pick: _Picker, char: str, setting: str,
        index: int, cta: str,
    ) -> None:
        family = facts.family
        self.pick, self.index, self.knobs = pick, index, knobs
        point = _focus_point(family, knobs, index)
        feature = family.features[(index + knobs.variant) % len(family.features)]
        activity = _ACTIVITY.get(setting, "goes about the day")
        self.values = {
            "P": facts.product, "category": facts.category, "char": char, "point": point,
            "Point": point[:1].upper() + point[1:], "feature": feature,
            "problem": family.problem, "Problem": family.problem[:1].upper() + family.problem[1:],
            "audience": knobs.audience,
            "Audience": knobs.audience[:1].upper() + knobs.audience[1:],
            "audience_one": family.person, "activity": activity,
            "point_short": _short(point), "feature_short": _short(feature), "cta": cta,
        }

    def fill(self, template: str) -> str:
        return template.format(**self.values)

    def line(self, role: str) -> str:
        if role == "action":
            return _sentence(self.values["cta"]) + "."
        return _sentence(self.fill(self.pick.one(_ROLE_LINES[role], salt=self.index)))

    def on_screen(self, role: str) -> str:
        text = self.values["cta"] if role == "action" else self.fill(_ROLE_TEXT[role])
        if self.knobs.tone == "energetic":
            text = text.upper()
        return text


def _focus_point(family: Family, knobs: Knobs, index: int) -> str:
    i = index + knobs.variant
    if knobs.focus == "features":
        return family.features[i % len(family.features)]
    if knobs.focus == "price":
        return f"{knobs.offer} for a limited time" if knobs.offer else "more for less"
    if knobs.focus == "sustainability":
        return family.green
    if knobs.focus == "social proof":
        return f"the one {knobs.audience} recommend to friends"
    return family.benefits[i % len(family.benefits)]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str, words: int = 6) -> str:
    """On-screen text: at most six words, so it can be read in a second or two."""
    short = " ".join(text.split()[:words]).rstrip(",")
    return short[:1].upper() + short[1:]
