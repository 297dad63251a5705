"""What the cinematographer judges a prompt on, and the offline pair of roles.

The offline critic is rule-based: each criterion has a vocabulary of the words a good
prompt uses for it, and a criterion's score comes from how many distinct ones the
prompt says, so every point can be explained in its note ("names soft light; add where
it comes from"). The offline prompt engineer adds, for the weakest criteria, a phrase
that names what was missing; the phrase is picked with the seed, so the same prompt
and seed always give the same rewrite.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["image", "video"]
KINDS: tuple[Kind, ...] = ("image", "video")

#: A criterion at or above this is "good" and the rewriter leaves it alone while
#: weaker ones remain.
GOOD = 80
#: Criteria the offline prompt engineer fixes per round: few enough that the rounds
#: show the prompt improving step by step, enough to reach a target in a few rounds.
FIXES_PER_ROUND = 2


@dataclass(frozen=True)
class Criterion:
    """One thing a cinematographer looks for in a prompt.

    ``asks`` says what a good prompt does (the LLM critic is given it, and the offline
    critic quotes it when a prompt falls short); ``terms`` are the words that show it;
    ``fixes`` are phrases the offline prompt engineer may add, each naming two or more
    terms so that one addition takes a missing criterion to "good".
    """

    name: str
    asks: str
    terms: tuple[str, ...]
    fixes: tuple[str, ...]


IMAGE_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "composition", "say how the frame is arranged: where the subject sits, what is in "
        "the foreground and background",
        ("rule of thirds", "centered", "centred", "off-center", "off-centre", "symmetrical",
         "symmetry", "leading lines", "foreground", "background", "negative space",
         "framed by", "layered", "balanced", "diagonal", "composition", "in the corner"),
        ("rule of thirds composition with the subject off-center and clean negative space",
         "symmetrical composition with leading lines drawing the eye to the subject",
         "layered composition with a soft foreground and an uncluttered background"),
    ),
    Criterion(
        "lighting", "name the light: its source, direction and quality",
        ("lighting", "light", "lit", "sunlight", "daylight", "golden hour", "backlit",
         "backlight", "rim light", "softbox", "window light", "shadows", "soft light",
         "hard light", "diffused", "high-key", "low-key", "neon", "candlelight",
         "volumetric", "chiaroscuro", "overcast", "glow"),
        ("soft window light from the left with gentle shadows",
         "warm golden hour backlight with a subtle rim light",
         "diffused softbox lighting with soft shadows"),
    ),
    Criterion(
        "subject", "name the subject concretely and give it a detail or an action",
        ("holding", "wearing", "made of", "texture", "detailed", "in sharp focus",
         "hero", "close to the camera", "condensation", "droplets", "label", "smiling"),
        ("the subject in sharp focus as the hero of the frame, with detailed texture",
         "the subject clearly the hero, detailed texture and a crisp label"),
    ),
    Criterion(
        "style", "name a visual style or medium",
        ("photorealistic", "photograph", "photography", "photo", "cinematic", "film still",
         "editorial", "commercial", "illustration", "watercolor", "watercolour", "3d render",
         "minimalist", "hyperreal", "35mm film", "analog", "documentary", "studio shot"),
        ("photorealistic commercial photography, cinematic film still",
         "clean editorial product photography, minimalist and cinematic"),
    ),
    Criterion(
        "colour", "give a palette or named colours",
        ("red", "orange", "yellow", "green", "teal", "blue", "navy", "purple", "pink",
         "black", "white", "silver", "gold", "brown", "grey", "gray", "beige", "cream",
         "pastel", "muted", "vibrant", "saturated", "monochrome", "palette", "warm tones",
         "cool tones", "complementary", "earth tones"),
        ("a muted teal and warm orange palette",
         "soft pastel palette with cream and sage green accents",
         "vibrant complementary colours, warm tones against cool blue"),
    ),
    Criterion(
        "camera", "name the shot size, angle or lens",
        ("close-up", "close up", "wide shot", "medium shot", "full shot", "macro",
         "overhead", "top-down", "aerial", "low angle", "high angle", "eye level",
         "eye-level", "lens", "35mm", "50mm", "85mm", "telephoto", "wide-angle",
         "depth of field", "bokeh", "f/1.8", "f/2.8", "tilt-shift"),
        ("shot on an 85mm lens at f/1.8 with shallow depth of field",
         "eye-level medium shot on a 50mm lens, soft bokeh",
         "low angle wide shot on a 35mm lens"),
    ),
)

VIDEO_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "camera move", "name one camera move and its speed (push in, pull out, pan, tilt, "
        "dolly, orbit, static)",
        ("push in", "push-in", "pull out", "pull back", "zoom in", "zoom out", "dolly",
         "pan left", "pan right", "pan", "tilt up", "tilt down", "orbit", "tracking",
         "crane", "handheld", "static", "locked off", "slow", "smooth"),
        ("slow push in toward the subject",
         "smooth dolly right, tracking the subject",
         "gentle orbit around the subject, slow and smooth"),
    ),
    Criterion(
        "subject motion", "say what moves in the frame and how",
        ("walks", "turns", "smiles", "pours", "lifts", "raises", "runs", "steps",
         "spins", "drifts", "ripples", "sways", "rises", "falls", "splashes", "blinks",
         "looks", "reaches", "breeze", "steam", "moves", "moving", "motion"),
        ("the subject turns slightly toward the camera and smiles",
         "the subject lifts the product while hair and fabric sway in a light breeze",
         "water ripples and steam rises while the subject looks up"),
    ),
    Criterion(
        "pacing", "say how the motion is paced: speed, easing, beats",
        ("slow motion", "real-time", "steady", "unhurried", "gentle", "quick", "fast",
         "brisk", "ease in", "ease out", "eases", "builds", "then", "pause", "beat",
         "rhythm", "calm pace", "pacing"),
        ("steady, unhurried pacing that eases in and eases out",
         "a calm pace that builds, then settles on a short pause",
         "brisk rhythm with one beat of pause at the end"),
    ),
    Criterion(
        "duration", "give the clip's length in seconds",
        ("seconds", "second", "sec", "long", "short clip", "loop"),
        ("over {duration} seconds",),
    ),
)

CRITERIA: dict[Kind, tuple[Criterion, ...]] = {"image": IMAGE_CRITERIA, "video": VIDEO_CRITERIA}

_SECONDS = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:s|sec|secs|seconds?)(?![a-z])", re.I)
_WORD = re.compile(r"[a-z][a-z'-]+")
_STOPWORDS = frozenset((
    "a", "an", "the", "and", "or", "of", "on", "in", "at", "to", "for", "with", "by", "from",
    "into", "onto", "over", "under", "its", "it", "is", "are", "this", "that", "these",
    "those", "very", "some", "any", "as", "be",
))


@dataclass(frozen=True)
class Judgement:
    """One criterion's score (0-100) and the note that explains it."""

    name: str
    score: int
    note: str


def found_terms(prompt: str, criterion: Criterion) -> list[str]:
    """The criterion's terms the prompt says, in vocabulary order, each counted once.

    A term inside a longer term that also matched ("light" in "soft light") is not
    counted again, so naming one thing twice does not score twice.
    """
    lowered = " " + re.sub(r"\s+", " ", prompt.lower()) + " "
    hits = [t for t in criterion.terms
            if re.search(r"(?<![a-z0-9])" + re.escape(t) + r"(?![a-z0-9])", lowered)]
    return [t for t in hits if not any(t != other and t in other for other in hits)]


def judge_offline(prompt: str, kind: Kind) -> list[Judgement]:
    """Score ``prompt`` on every criterion of ``kind``, with a note saying why."""
    return [_judge(prompt, criterion, kind) for criterion in CRITERIA[kind]]


def _judge(prompt: str, criterion: Criterion, kind: Kind) -> Judgement:
    terms = found_terms(prompt, criterion)
    if criterion.name == "duration":
        return _judge_duration(prompt, terms)
    if criterion.name == "subject":
        return _judge_subject(prompt, terms)
    # 0 terms: nothing said; 1: named; 2: specific; 3 or more: fully specified.
    score = (0, 60, 80, 95)[min(len(terms), 3)]
    return Judgement(criterion.name, score, _note(criterion, terms, score))


def _note(criterion: Criterion, terms: list[str], score: int) -> str:
    named = ", ".join(f'"{t}"' for t in terms[:4])
    if not terms:
        return f"nothing about {criterion.name}: {criterion.asks}."
    if score < GOOD:
        return f"only {named}: be more specific; {criterion.asks}."
    return f"good: {named}."


def _judge_duration(prompt: str, terms: list[str]) -> Judgement:
    length = _SECONDS.search(prompt)
    if length:
        return Judgement("duration", 100, f'good: "{length.group(0)}".')
    if terms:
        return Judgement("duration", 40, f"only {', '.join(terms)}: give the length in seconds, "
                                         "e.g. 5 seconds.")
    return Judgement("duration", 0, "no length given: say how many seconds the clip lasts.")


def _judge_subject(prompt: str, terms: list[str]) -> Judgement:
    # A subject is what is left once the words of the other criteria are taken out:
    # "a bottle, soft light, 85mm" names one subject word, "bottle".
    # Only the first clause counts: prompts name their subject first, and the phrases
    # added for other criteria must not make the subject look richer than it is.
    others = [c for c in IMAGE_CRITERIA if c.name != "subject"]
    rest = re.split(r"[,;.]", prompt.lower(), maxsplit=1)[0]
    for criterion in others:
        for term in found_terms(prompt, criterion):
            rest = re.sub(r"(?<![a-z0-9])" + re.escape(term) + r"(?![a-z0-9])", " ", rest)
    words = [w for w in _WORD.findall(rest) if w not in _STOPWORDS]
    base = 0 if not words else 45 if len(words) <= 2 else 65 if len(words) <= 5 else 75
    score = min(100, base + (20 if terms and words else 0))
    if not words:
        return Judgement("subject", 0, "no subject: say what the picture shows.")
    shown = " ".join(words[:6])
    if score < GOOD:
        return Judgement("subject", score, f'"{shown}" is thin: give the subject a detail, a '
                                           "material or an action.")
    return Judgement("subject", score, f'good: "{shown}" with {", ".join(terms[:3])}.')


def rewrite_offline(prompt: str, judgements: list[Judgement], kind: Kind, *, seed: int,
                    round_number: int, duration_s: float = 5.0) -> str:
    """Add a phrase for each of the weakest criteria (at most :data:`FIXES_PER_ROUND`).

    Criteria below :data:`GOOD` are fixed first, weakest first; once all are good, the
    ones below 100 are strengthened. A phrase is added only if it raises its criterion's
    score, so a prompt with nothing left to gain comes back unchanged (the loop stops).
    """
    by_name = {c.name: c for c in CRITERIA[kind]}
    weak = [j for j in judgements if j.score < GOOD] or [j for j in judgements if j.score < 100]
    additions: list[str] = []
    for judgement in sorted(weak, key=lambda j: j.score):
        if len(additions) == FIXES_PER_ROUND:
            break
        criterion = by_name[judgement.name]
        rng = random.Random(f"{seed}|{round_number}|{criterion.name}")
        options = [f.format(duration=f"{duration_s:g}") for f in criterion.fixes]
        rng.shuffle(options)
        for option in options:
            # Only a phrase that raises this criterion's score is worth its words: a
            # fourth lighting phrase, or a second camera move, would only add clutter.
            if _judge(_joined(prompt, [*additions, option]), criterion, kind).score > judgement.score:
                additions.append(option)
                break
    return _joined(prompt, additions) if additions else prompt


def _joined(prompt: str, additions: list[str]) -> str:
    return ", ".join([prompt.strip().rstrip(".,;"), *additions])
