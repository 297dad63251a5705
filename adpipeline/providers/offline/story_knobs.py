"""What a story is made from: the facts read from the brief, and the *knobs* feedback
turns (framework, tone, focus, offer, call to action, scene count and length, ...).

:func:`apply_changes` turns the knobs as a feedback plan says; the scenes are timed by
:func:`~adpipeline.providers.shared.timing.split_duration`, in half-second steps that
sum exactly.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from ...adjustments import Changes
from ...models import Brief, Story
from ..shared.timing import MIN_SCENES, most_scenes
from .brief import parse_brief
from .vocabulary import COLORS, GENERIC, Family, find_family

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


_PRICE_WORDS = ("price", "prices", "pricing", "cost", "offer", "discount", "deal", "sale", "money",
                "cheap", "affordable", "savings")


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
    family = family_for(story.category, facts)
    default = default_cta(story.product, story.offer, story.focus, family)
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


def apply_changes(knobs: Knobs, changes: Changes) -> Knobs:
    """Turn the knobs a feedback plan names."""
    k = replace(knobs, scene_edits=dict(knobs.scene_edits), avoid=list(knobs.avoid),
                kept_settings=list(knobs.kept_settings))
    if changes.product and changes.product.strip():
        k.product = changes.product.strip()
    if changes.category and changes.category.strip():
        k.category = changes.category.strip()
    if changes.platform is not None:
        k.platform = changes.platform
    if changes.tone is not None:
        k.tone = changes.tone
    if changes.focus is not None:
        k.focus = changes.focus
    if changes.framework is not None and changes.framework in FRAMEWORKS:
        k.framework = changes.framework
        k.framework_reason = "you asked for it in the chat; " + _FRAMEWORK_WHY[k.framework]
    if changes.audience is not None:
        k.audience = changes.audience
    asked = changes.model_fields_set
    if "offer" in asked:
        k.offer = changes.offer
        if k.offer is None and k.focus == "price":
            k.focus = "benefits"
    if "cta" in asked:
        k.cta = changes.cta
    for word in changes.avoid or []:
        if word not in k.avoid:
            k.avoid.append(word)
    if any(word in _PRICE_WORDS for word in k.avoid):
        k.offer = None
        if k.focus == "price":
            k.focus = "benefits"
    if changes.product_color is not None:
        k.product_color = changes.product_color
    if changes.duration_s is not None:
        k.duration_s = changes.duration_s
        k.scenes = _clamp_scenes(scene_count_for(k.duration_s), k.duration_s) \
            if changes.scenes is None and changes.scenes_delta is None else k.scenes
    if changes.drop_scenes:
        _drop_scenes(k, changes.drop_scenes)
    if changes.pacing is not None:
        step = 2 if changes.pacing == "fast" else -1
        k.scenes = _clamp_scenes(k.scenes + step, k.duration_s)
    if changes.scenes is not None:
        k.scenes = _clamp_scenes(changes.scenes, k.duration_s)
    if changes.scenes_delta is not None:
        k.scenes = _clamp_scenes(k.scenes + changes.scenes_delta, k.duration_s)
    k.scenes = _clamp_scenes(k.scenes, k.duration_s)
    for number, edit in (changes.scene_edits or {}).items():
        index = k.scenes if number == "last" else int(number)
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


def family_for(category: str, facts: BriefFacts) -> Family:
    if category == facts.category:
        return facts.family
    family = find_family(category, head_last=True)
    return family if family is not GENERIC else facts.family


def scene_count_for(duration_s: int) -> int:
    return _clamp_scenes(round(duration_s / 5), duration_s)


def _clamp_scenes(n: int, duration_s: int) -> int:
    return max(MIN_SCENES, min(most_scenes(duration_s), n))


def default_cta(product: str, offer: str | None, focus: str, family: Family = GENERIC) -> str:
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
