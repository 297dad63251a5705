"""The copywriter: every line of one story (voiceover, on-screen text) in the tone and
focus the knobs ask for, each short enough to be spoken in its scene, none repeated.
"""

from __future__ import annotations

import hashlib
import math
import re

from ..shared.timing import split_duration
from .story_knobs import BriefFacts, Knobs
from .vocabulary import CHARACTER_NAMES, Family

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


#: The most a narrator says per second; briefs and tests hold the story to it.
MAX_WORDS_PER_SECOND = 3.0


_PRICE_POINTS = ("more for less", "great value, every day", "quality that doesn't cost the earth",
                 "a price that makes sense")
_GREEN_POINTS = ("less waste, every day", "better for the planet", "a lighter footprint")


class Picker:
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


class Copywriter:
    """Writes every line of one story: no line twice, none longer than its scene allows,
    none with a word the person asked to keep out."""

    def __init__(self, facts: BriefFacts, knobs: Knobs, pick: Picker, char: str,
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
