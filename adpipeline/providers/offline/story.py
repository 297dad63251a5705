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

The knobs and their defaults are in :mod:`.story_knobs`, the lines in :mod:`.story_copy`;
this module casts the scenes and puts the story together.
"""

from __future__ import annotations

from dataclasses import replace

from ...models import Brief, Feedback, Scene, Story
from .story_copy import Copywriter, Picker
from .story_knobs import (
    FRAMEWORKS,
    BriefFacts,
    Knobs,
    apply_changes,
    default_cta,
    default_knobs,
    family_for,
    knobs_from_story,
    read_brief,
)
from .vocabulary import CHARACTER_NAMES, COLORS, PALETTES

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


_TAGLINES: dict[str, str] = {
    "friendly": "Made for Your Day", "humorous": "Seriously Good, Not Too Serious",
    "emotional": "For the Moments That Matter", "luxurious": "Quiet Luxury, Every Day",
    "energetic": "Go Further, Faster", "calm": "Simply Better Days",
    "serious": "Built to Perform",
}
_PAYOFF = {"AIDA": "desire", "PAS": "solution", "BAB": "after", "FAB": "benefit",
           "problem-solution": "solution", "testimonial": "testimonial"}
_TIMES = ("day", "morning", "sunset", "day", "night")


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


def compose(facts: BriefFacts, knobs: Knobs) -> Story:
    """Draw the story the knobs describe."""
    product = knobs.product or facts.product
    category = knobs.category or facts.category
    family = family_for(category, facts)
    facts = replace(facts, product=product, category=category, family=family)
    pick = Picker(knobs.variant)
    roles = _roles(knobs.framework, knobs.scenes)
    character = f"{pick.cast()}, {_article(family.person)} {family.person}"
    char_name = character.split(",")[0]
    settings = pick.rotation(family.settings, len(roles))
    time_of_day = pick.one(_TIMES)
    offer = knobs.offer
    cta = knobs.cta or default_cta(product, offer, knobs.focus, family)
    writer = Copywriter(facts, knobs, pick, char_name, cta)
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


def _camera(role: str, knobs: Knobs) -> str:
    camera = _ROLE_CAMERA[role]
    if knobs.tone == "energetic":
        camera = camera.replace("slow push in", "fast push in").replace("static", "quick pan right")
    if knobs.tone == "calm":
        camera = camera.replace("fast", "slow")
    return camera


def _new_variant(old: int, seed: int) -> int:
    """A variant that differs from ``old`` in cast, settings and lines alike."""
    variant = seed % 997
    while (variant % len(CHARACTER_NAMES) == old % len(CHARACTER_NAMES) or variant % 5 == old % 5
           or variant % 3 == old % 3):
        variant = (variant + 1) % 997
    return variant


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
