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
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ...models import Brief, Feedback, Scene, Story
from ..shared.timing import split_duration
from .brief import parse_brief
from .vocabulary import (
    CHARACTER_NAMES,
    COLORS,
    GENERIC,
    PALETTES,
    Family,
    find_family,
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

# Voiceover lines per beat, best first. Every line is written for any product family:
# the family supplies {point}, {problem}, {feature} and {quote}.
_ROLE_LINES: dict[str, tuple[str, ...]] = {
    "attention": ("Meet {P}.", "Say hello to {P}.", "This is {P}.", "Introducing {P}.",
                  "Here's {P}."),
    "interest": ("{P} gives you {point}.", "With {P}, you get {point}.",
                 "Here's the thing: {point}.", "You get {point}.", "Expect {point}."),
    "desire": ("Imagine {point}, every single day.", "Picture it: {point}.",
               "{Point}. That's the {P} difference.", "All of it: {point}."),
    "problem": ("Ever notice how {problem}?", "Let's be honest: {problem}.",
                "{Audience} know it: {problem}.", "Sound familiar? {Problem}."),
    "agitate": ("And it only gets worse when you're busy.",
                "Every day it costs you time and patience.",
                "You've tried everything, and nothing sticks.", "It shouldn't be this hard."),
    "solution": ("{P} fixes that with {point}.", "That's why there's {P}: {point}.",
                 "Enter {P}: {point}.", "{P} changes that."),
    "before": ("Before {P}, {problem}.", "Life before {P}? {Problem}.", "It used to be hard."),
    "after": ("After {P}: {point}.", "Now? {Point}.", "Now it's {point}."),
    "bridge": ("{P} is how you get there.", "The difference? {P}.",
               "One change made it happen: {P}."),
    "feature": ("{P} has {feature}.", "What you get: {feature}.", "Look closer: {feature}."),
    "advantage": ("Which means {point}.", "So you get {point}.", "That adds up to {point}."),
    "benefit": ("For you, that's {point}.", "The result: {point}.", "What it means: {point}."),
    "proof": ("{Audience} already trust {P}.", "Thousands made the switch to {P}.",
              "Rated 4.8 out of 5 by the people who use it."),
    "hook": ("Don't take our word for it.", "Here's what people are saying.",
             "Hear it from someone who knows."),
    "testimonial": ("\"{quote}\" says {char}.", "\"Honestly? I'm never going back,\" says {char}.",
                    "\"I'd tell anyone to try {P},\" says {char}."),
    "result": ("Now it's {point}, every day.", "{Point}. Every single day.",
               "And the best part: {point}."),
}
# On-screen text per beat, best first; "{point_short}" and friends vary per scene.
_ROLE_TEXT: dict[str, tuple[str, ...]] = {
    "attention": ("Meet {P}", "{P}", "This is {P}"),
    "interest": ("{point_short}", "{feature_short}"),
    "desire": ("{point_short}", "Every single day"),
    "problem": ("Sound familiar?", "We've all been there", "There's a better way"),
    "agitate": ("Every. Single. Day.", "Enough is enough", "Time for a change"),
    "solution": ("{P} fixes it", "Enter {P}", "The {P} way"),
    "before": ("Before", "Before {P}", "The old way"),
    "after": ("After {P}", "After", "The new way"),
    "bridge": ("{P} makes the switch", "Make the switch", "The difference: {P}"),
    "feature": ("{feature_short}", "Built in"),
    "advantage": ("{point_short}", "{feature_short}"),
    "benefit": ("{point_short}", "Made for you"),
    "proof": ("★★★★★ 4.8/5", "Trusted by thousands", "Loved by real people"),
    "hook": ("Real people. Real results.", "In their words", "Real stories"),
    "testimonial": ("— {char}", "{char}'s story", "Real {audience_one} story"),
    "result": ("{point_short}", "Every single day"),
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
    "humorous": "Plot twist: this one's actually fun.",
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
#: The most a narrator says per second; briefs and tests hold the story to it.
MAX_WORDS_PER_SECOND = 3.0
_PRICE_WORDS = ("price", "prices", "pricing", "cost", "offer", "discount", "deal", "sale", "money",
                "cheap", "affordable", "savings")
_PRICE_POINTS = ("more for less", "great value, every day", "quality that doesn't cost the earth",
                 "a price that makes sense")
_GREEN_POINTS = ("less waste, every day", "better for the planet", "a lighter footprint")


@dataclass(frozen=True)
class BriefFacts:
    """What the engine read from the brief (see :mod:`.brief`), with defaults filled in."""

    product: str
    category: str
    family: Family
    audience: str
    offer: str | None
    color: str
    tone: str
    framework: str
    framework_reason: str
    cta: str | None = None
    duration_s: int | None = None
    platform: str | None = None
    aspect: str | None = None
    avoid: tuple[str, ...] = ()


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
    product: str = ""
    category: str = ""
    avoid: list[str] = field(default_factory=list)
    platform: str | None = None


def read_brief(brief: Brief) -> BriefFacts:
    """Pull product, category, audience, offer, call to action, colour, tone, platform,
    duration and framework from a brief; fields given on ``brief`` win."""
    text = brief.prompt
    parsed = parse_brief(text)
    product = brief.product or brief.brand or parsed.product
    category = parsed.category or ""
    family = parsed.family
    if not category:
        category = family.keywords[0] if family.keywords else "product"
    if not product:
        product = f"our {category}" if category != "product" else "our product"
    framework, why = _choose_framework(text)
    return BriefFacts(
        product=product,
        category=category,
        family=family,
        audience=brief.audience or parsed.audience or f"{family.person}s",
        offer=brief.offer or parsed.offer,
        color=_color(text, product),
        tone=parsed.tone or "friendly",
        framework=framework,
        framework_reason=why,
        cta=parsed.cta,
        duration_s=parsed.duration_s,
        platform=parsed.platform,
        aspect=parsed.aspect,
        avoid=parsed.avoid,
    )


def default_knobs(brief: Brief, facts: BriefFacts, seed: int) -> Knobs:
    focus = "price" if facts.offer else "benefits"
    duration = brief.duration_s
    # Brief.duration_s is 30 unless someone set it; a length stated in the prompt
    # ("two-minute brand film") is what the person asked for.
    if facts.duration_s and brief.duration_s == 30:
        duration = facts.duration_s
    knobs = Knobs(
        framework=facts.framework,
        framework_reason=facts.framework_reason,
        tone=facts.tone,
        focus=focus,
        audience=facts.audience,
        offer=facts.offer,
        cta=facts.cta,
        scenes=scene_count_for(duration),
        duration_s=duration,
        product_color=facts.color,
        variant=seed % 997,
        product=facts.product,
        category=facts.category,
        avoid=list(facts.avoid),
        platform=facts.platform,
    )
    if any(word in _PRICE_WORDS for word in knobs.avoid):
        knobs.focus, knobs.offer = "benefits", None
    return knobs


def knobs_from_story(story: Story, facts: BriefFacts) -> Knobs:
    family = _family_for(story.category, facts)
    default = _default_cta(story.product, story.offer, story.focus, family)
    return Knobs(
        framework=story.framework,
        framework_reason=story.framework_reason,
        tone=story.tone,
        focus=story.focus,
        audience=story.audience,
        offer=story.offer,
        # Keep a call to action only if a person chose it; a default one follows the offer.
        cta=None if story.cta == default else story.cta,
        scenes=len(story.scenes),
        duration_s=round(story.duration_s),
        product_color=story.product_color,
        variant=story.variant,
        scene_edits={int(k): dict(v) for k, v in story.scene_edits.items()},
        kept_settings=[(s.setting, s.time_of_day) for s in story.scenes],
        product=story.product,
        category=story.category,
        avoid=list(story.avoid),
        platform=story.understood.get("Platform", facts.platform),
    )


def apply_changes(knobs: Knobs, changes: dict[str, Any]) -> Knobs:
    """Turn the knobs a feedback plan names; unknown keys are ignored on purpose
    (plans from a newer interpreter must not break an older engine)."""
    k = replace(knobs, scene_edits=dict(knobs.scene_edits), avoid=list(knobs.avoid),
                kept_settings=list(knobs.kept_settings))
    if "product" in changes and str(changes["product"]).strip():
        k.product = str(changes["product"]).strip()
    if "category" in changes and str(changes["category"]).strip():
        k.category = str(changes["category"]).strip()
    if "platform" in changes:
        k.platform = changes["platform"]
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
        if k.offer is None and k.focus == "price":
            k.focus = "benefits"
    if "cta" in changes:
        k.cta = changes["cta"]
    for word in changes.get("avoid", []):
        if word not in k.avoid:
            k.avoid.append(word)
    for word in changes.get("allow", []):
        k.avoid = [w for w in k.avoid if w != word]
    if any(word in _PRICE_WORDS for word in k.avoid):
        k.offer = None
        if k.focus == "price":
            k.focus = "benefits"
    if "product_color" in changes:
        k.product_color = changes["product_color"]
    if "duration_s" in changes:
        k.duration_s = max(5, min(180, int(changes["duration_s"])))
        k.scenes = _clamp_scenes(scene_count_for(k.duration_s), k.duration_s) \
            if "scenes" not in changes and "scenes_delta" not in changes else k.scenes
    if "drop_scenes" in changes:
        _drop_scenes(k, [int(n) for n in changes["drop_scenes"]])
    if "pacing" in changes:
        step = 2 if changes["pacing"] == "fast" else -1
        k.scenes = _clamp_scenes(k.scenes + step, k.duration_s)
    if "scenes" in changes:
        k.scenes = _clamp_scenes(int(changes["scenes"]), k.duration_s)
    if "scenes_delta" in changes:
        k.scenes = _clamp_scenes(k.scenes + int(changes["scenes_delta"]), k.duration_s)
    k.scenes = _clamp_scenes(k.scenes, k.duration_s)
    for number, edit in changes.get("scene_edits", {}).items():
        index = k.scenes if str(number) == "last" else int(number)
        if 1 <= index <= k.scenes:
            k.scene_edits[index] = {**k.scene_edits.get(index, {}), **edit}
    return k


def _drop_scenes(k: Knobs, numbers: list[int]) -> None:
    """Remove scenes by number (1-based), keeping the others' settings and edits."""
    gone = {n for n in numbers if 1 <= n <= len(k.kept_settings or range(k.scenes))}
    gone = set(sorted(gone)[: max(0, k.scenes - MIN_SCENES)])
    if not gone:
        return
    if k.kept_settings:
        k.kept_settings = [s for i, s in enumerate(k.kept_settings, 1) if i not in gone]
    edits: dict[int, dict[str, str]] = {}
    for number, edit in sorted(k.scene_edits.items()):
        if number in gone:
            continue
        edits[number - sum(1 for g in gone if g < number)] = edit
    k.scene_edits = edits
    k.scenes -= len(gone)


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
        knobs = knobs_from_story(previous, facts)
        if feedback:
            for item in feedback:
                knobs = apply_changes(knobs, item.changes)
        else:
            knobs.variant = _new_variant(knobs.variant, seed)
            knobs.kept_settings = []
    return compose(facts, knobs)


def _family_for(category: str, facts: BriefFacts) -> Family:
    if category == facts.category:
        return facts.family
    family = find_family(category, head_last=True)
    return family if family is not GENERIC else facts.family


def compose(facts: BriefFacts, knobs: Knobs) -> Story:
    """Draw the story the knobs describe."""
    product = knobs.product or facts.product
    category = knobs.category or facts.category
    family = _family_for(category, facts)
    facts = replace(facts, product=product, category=category, family=family)
    pick = _Picker(knobs.variant)
    roles = _roles(knobs.framework, knobs.scenes)
    character = f"{pick.cast()}, {_article(family.person)} {family.person}"
    char_name = character.split(",")[0]
    settings = pick.rotation(family.settings, len(roles))
    time_of_day = pick.one(_TIMES)
    offer = knobs.offer
    cta = knobs.cta or _default_cta(product, offer, knobs.focus, family)
    writer = _Copywriter(facts, knobs, pick, char_name, cta)
    places: list[tuple[str, str]] = []
    for i in range(len(roles)):
        setting, when = settings[i], time_of_day
        if i < len(knobs.kept_settings):
            setting, when = knobs.kept_settings[i]
        edit = knobs.scene_edits.get(i + 1, {})
        places.append((edit.get("setting", setting), edit.get("time_of_day", when)))
    lines, durations = writer.voiceover_and_timing(roles, knobs.duration_s)
    scenes: list[Scene] = []
    start = 0.0
    for i, (role, duration) in enumerate(zip(roles, durations, strict=True)):
        number = i + 1
        setting, when = places[i]
        edit = knobs.scene_edits.get(number, {})
        values = writer.values(i, setting)
        on_screen = edit.get("on_screen_text") or writer.on_screen(role, i)
        action = edit.get("action") or _ROLE_ACTION[role].format(**values)
        if knobs.tone == "humorous" and role not in ("action", "feature"):
            action += ", with a comic double take"
        camera = edit.get("camera") or _camera(role, knobs)
        characters = [] if role in ("feature", "action") else [character]
        visual = edit.get("visual_prompt") or (
            f"{camera} of a {setting} at {when}: {action}. {product} {category} in "
            f"{knobs.product_color}; {knobs.tone} mood; storyboard frame"
        )
        scenes.append(
            Scene(
                index=number, start_s=start, duration_s=duration, beat=role, setting=setting,
                time_of_day=when, action=action, camera=camera, voiceover=lines[i],
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
        category=category,
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
        avoid=list(knobs.avoid),
        understood=_understood(facts, knobs, product, category),
    )


def _understood(facts: BriefFacts, knobs: Knobs, product: str, category: str) -> dict[str, str]:
    """What the engine took from the brief (and corrections), for the story panel."""
    fields = {"Product": product, "Category": category, "Audience": knobs.audience,
              "Offer": knobs.offer or "none", "Call to action": knobs.cta or "none (default)",
              "Tone": knobs.tone, "Duration": f"{knobs.duration_s} s"}
    if knobs.platform:
        fields["Platform"] = knobs.platform
    if facts.aspect:
        fields["Aspect"] = facts.aspect
    if knobs.avoid:
        fields["Keep out"] = ", ".join(knobs.avoid)
    return fields


def scene_count_for(duration_s: int) -> int:
    return _clamp_scenes(round(duration_s / 5), duration_s)


def _roles(framework: str, n: int) -> list[str]:
    beats = FRAMEWORKS[framework]
    middle = beats[1:-1]
    slots = n - 2
    if slots < len(middle):  # too few scenes for every beat: keep the one that pays off
        chosen = [_PAYOFF[framework], *[b for b in middle if b != _PAYOFF[framework]][: slots - 1]]
        chosen = sorted(chosen, key=middle.index) if slots > 1 else chosen
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


def _default_cta(product: str, offer: str | None, focus: str, family: Family = GENERIC) -> str:
    base = family.cta.format(P=product)
    if offer and focus == "price":
        return f"{base}: {offer}"
    if offer:
        return f"{base}, {offer}"
    return base


def _choose_framework(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for name, cues in _FRAMEWORK_CUES.items():
        for cue in cues:
            if re.search(rf"(?<![a-z]){re.escape(cue)}", lowered):
                return name, f"{name}: the brief says '{cue}', and {_FRAMEWORK_WHY[name]}."
    return "AIDA", f"AIDA: {_FRAMEWORK_WHY['AIDA']}."


def _color(text: str, product: str) -> str:
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in COLORS:
            return word
    names = [c for c in COLORS if c not in ("white", "black", "grey", "gray", "silver")]
    digest = hashlib.sha256(product.lower().encode()).digest()
    return names[digest[0] % len(names)]


def _new_variant(old: int, seed: int) -> int:
    """A variant that differs from ``old`` in cast, settings and lines alike."""
    variant = seed % 997
    while (variant % len(CHARACTER_NAMES) == old % len(CHARACTER_NAMES) or variant % 5 == old % 5
           or variant % 3 == old % 3):
        variant = (variant + 1) % 997
    return variant


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


class _Picker:
    """Deterministic choices from a variant number."""

    def __init__(self, variant: int) -> None:
        self.variant = variant

    def one(self, options: tuple[str, ...] | list[str], salt: int = 0) -> str:
        digest = hashlib.sha256(f"{self.variant}:{salt}:{len(options)}".encode()).digest()
        return options[int.from_bytes(digest[:4], "big") % len(options)]

    def cast(self) -> str:
        return CHARACTER_NAMES[self.variant % len(CHARACTER_NAMES)]

    def rotation(self, options: tuple[str, ...], n: int) -> list[str]:
        start = self.variant % len(options)
        return [options[(start + i) % len(options)] for i in range(n)]


def _words(text: str) -> int:
    # Every space-separated token counts ("&" too): a listener hears each one.
    return len(text.split())


def _half_seconds_for(text: str) -> int:
    """Half seconds needed to speak ``text`` at three words a second (at least one second)."""
    return max(2, math.ceil(_words(text) / MAX_WORDS_PER_SECOND * 2))


class _Copywriter:
    """Writes every line of one story: no line twice, none longer than its scene allows,
    none with a word the person asked to keep out."""

    def __init__(self, facts: BriefFacts, knobs: Knobs, pick: _Picker, char: str,
                 cta: str) -> None:
        self.facts, self.knobs, self.pick, self.char, self.cta = facts, knobs, pick, char, cta
        self.family = facts.family
        self.used_lines: set[str] = set()
        self.used_text: set[str] = set()

    def values(self, index: int, setting: str = "") -> dict[str, str]:
        family, knobs = self.family, self.knobs
        point = _focus_point(family, knobs, index)
        feature = family.features[(index + knobs.variant) % len(family.features)]
        audience = knobs.audience
        return {
            "P": self.facts.product, "category": self.facts.category, "char": self.char,
            "point": point, "Point": _sentence(point), "feature": feature,
            "problem": family.problem, "Problem": _sentence(family.problem),
            "audience": audience, "Audience": _sentence(audience),
            "audience_one": family.person, "activity": _ACTIVITY.get(setting, "goes about the day"),
            "point_short": _short(point), "feature_short": _short(feature), "cta": self.cta,
            "quote": family.quote.rstrip("."),
        }

    def _allowed(self, text: str) -> bool:
        low = text.lower()
        return not any(re.search(rf"(?<![\w-]){re.escape(w)}", low) for w in self.knobs.avoid)

    def _candidates(self, role: str, index: int, count: int) -> list[str]:
        """Voiceover lines for a scene, the variant's favourite first."""
        if role == "action":
            lines = [_sentence(self.cta) + "."]
            if self.knobs.offer and self.knobs.offer.lower() not in self.cta.lower():
                lines.insert(0, f"{_sentence(self.cta)}, {self.knobs.offer}.")
            return lines
        templates = list(_ROLE_LINES[role])
        start = (self.knobs.variant + index) % len(templates)
        ordered = templates[start:] + templates[:start]
        out = []
        for shift in range(3):  # other focus points if every template was used already
            values = self.values(index + shift * count)
            out += [_sentence(t.format(**values)) for t in ordered]
        return out

    def voiceover_and_timing(self, roles: list[str], duration_s: int) -> tuple[list[str], list[float]]:
        """Each scene's voiceover and duration: lines fit their scene at three words a
        second, and the durations sum exactly to ``duration_s``."""
        n = len(roles)
        budget = split_duration(duration_s, roles)
        lines: list[str] = []
        for i, role in enumerate(roles):
            edit = self.knobs.scene_edits.get(i + 1, {})
            if edit.get("voiceover"):
                lines.append(edit["voiceover"])
                self.used_lines.add(edit["voiceover"].lower())
                continue
            options = [c for c in self._candidates(role, i, n) if self._allowed(c)] or \
                self._candidates(role, i, n)
            if i == 0 and self.knobs.tone in _TONE_OPENER:
                options = [f"{_TONE_OPENER[self.knobs.tone]} {o}" for o in options] + options
            if (role != "action" and i == n // 2 and i != 0
                    and self.knobs.tone in _TONE_AFTERTHOUGHT):
                options = [f"{o} {_TONE_AFTERTHOUGHT[self.knobs.tone]}" for o in options] + options
            fresh = [o for o in options if o.lower() not in self.used_lines] or options
            room = int(budget[i] * MAX_WORDS_PER_SECOND)
            fitting = [o for o in fresh if _words(o) <= room]
            line = fitting[0] if fitting else min(fresh, key=_words)
            lines.append(line)
            self.used_lines.add(line.lower())
        least = [_half_seconds_for(line) for line in lines]
        while sum(least) > duration_s * 2:
            # Too many words for the length: shorten the wordiest line that is not the
            # call to action (which must stay as the person wrote it).
            wordiest = max((j for j in range(n) if roles[j] != "action" and _words(lines[j]) > 1),
                           key=lambda j: (_words(lines[j]), j), default=None)
            if wordiest is None:
                # Only the call to action is left long: fall back to it without the offer,
                # then let the floors give (the sum must stay exact).
                last = n - 1
                if roles[last] == "action" and lines[last] != _sentence(self.cta) + ".":
                    lines[last] = _sentence(self.cta) + "."
                    least[last] = _half_seconds_for(lines[last])
                    continue
                while sum(least) > duration_s * 2:
                    biggest = max(range(n), key=lambda j: least[j])
                    if least[biggest] <= 2:
                        break
                    least[biggest] -= 1
                break
            words = lines[wordiest].rstrip(".!?").split()
            lines[wordiest] = " ".join(words[: max(1, len(words) - 2)]).rstrip(",:;") + "."
            least[wordiest] = _half_seconds_for(lines[wordiest])
        return lines, split_duration(duration_s, roles, least)

    def on_screen(self, role: str, index: int) -> str:
        values = self.values(index)
        if role == "action":
            text = self.cta if _words(self.cta) <= 8 else _short(self.cta)
            options = [text]
        else:
            options = [t.format(**values) for t in _ROLE_TEXT[role]]
            options += [_short(p) for p in (*self.family.benefits, *self.family.features)]
            options += [f"Made for {self.knobs.audience}", self.facts.product,
                        f"{self.facts.product}, scene {index + 1}"]
            options = [o for o in options if _words(o) <= 6] or options
        options = [o for o in options if self._allowed(o)] or options
        if self.knobs.tone == "energetic":
            options = [o.upper() for o in options]
        text = next((o for o in options if o.lower() not in self.used_text), options[0])
        self.used_text.add(text.lower())
        return text


def _focus_point(family: Family, knobs: Knobs, index: int) -> str:
    i = index + knobs.variant
    if knobs.focus == "features":
        return family.features[i % len(family.features)]
    if knobs.focus == "price":
        points = ((f"{knobs.offer} for a limited time",) if knobs.offer else ()) + _PRICE_POINTS
        return points[index % len(points)]
    if knobs.focus == "sustainability":
        points = (family.green, *_GREEN_POINTS)
        return points[index % len(points)]
    if knobs.focus == "social proof":
        points = (f"the one {knobs.audience} recommend to friends",
                  f"a favourite of {knobs.audience}", "five-star reviews, again and again")
        return points[index % len(points)]
    return family.benefits[i % len(family.benefits)]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str, words: int = 6) -> str:
    """On-screen text: at most six words, so it can be read in a second or two."""
    short = " ".join(text.split()[:words]).rstrip(",")
    return short[:1].upper() + short[1:]
