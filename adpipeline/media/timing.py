"""Scene timing from the spoken voice: each line fits its scene with a little air,
and the scenes still add up to the brief's duration.

The story engine times scenes by their role before anything is voiced; once the
lines are spoken their real lengths are known. :func:`fit` gives every scene the time
its line needs plus air, then shares what is left in proportion to the time each
scene had beyond its need, so the story's pacing survives. When the lines need more
than the ad has, every scene is squeezed alike and the lines that no longer fit are
reported with a concrete suggestion, which the story review shows before anything is
rendered (from an estimate of the spoken length, :func:`estimate_speech_s`).

This module imports only ``adpipeline.models`` (media layer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Story

#: Silence before a line starts in its scene (a crossfade is centred on the cut, so this
#: lets the picture settle) and after it ends (so the next line does not follow at once).
LEAD_S = 0.3
TAIL_S = 0.4
#: A scene never gets shorter than this, line or not.
MIN_SCENE_S = 1.0
#: Spoken rate used before the voice is heard, measured on the offline piper voice
#: ("joe", medium) over the story engine's lines: syllables per second, and the
#: pause a comma or sentence end adds.
SYLLABLES_PER_S = 5.7
PAUSE_S = 0.18


def syllables(word: str) -> int:
    """A rough syllable count: groups of vowels, a silent final "e" taken off."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    groups = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def estimate_speech_s(text: str) -> float:
    """About how long a narrator takes to say ``text`` (already normalised for speech)."""
    words = text.split()
    if not words:
        return 0.0
    count = sum(syllables(w) for w in words)
    pauses = len(re.findall(r"[,;:.!?](?=\s)", text))
    return round(count / SYLLABLES_PER_S + pauses * PAUSE_S, 2)


@dataclass
class Fit:
    """New scene durations and where each line is spoken."""

    durations: list[float]
    #: Per scene: (start, end) of its line in seconds from the ad's start, or None.
    cues: list[tuple[float, float] | None]
    #: A sentence per line that does not fit, with what to do about it.
    problems: list[str] = field(default_factory=list)


def _need(speech: float | None) -> float:
    return max(MIN_SCENE_S, speech + LEAD_S + TAIL_S) if speech else MIN_SCENE_S


def fit(planned: Sequence[float], speech: Sequence[float | None], total_s: float) -> Fit:
    """Scene durations for lines lasting ``speech[i]`` seconds (None: no line), summing to
    ``total_s``, each at least its line plus air when the ad is long enough.

    >>> f = fit([5, 5, 5], [2.0, 6.0, 1.0], 15)
    >>> [round(d, 2) for d in f.durations], f.problems
    ([4.3, 6.7, 4.0], [])
    """
    needs = [_need(s) for s in speech]
    spare = [max(0.0, p - n) for p, n in zip(planned, needs, strict=True)]
    slack = total_s - sum(needs)
    if slack >= 0:
        weights = spare if sum(spare) > 0 else list(planned)
        scale = sum(weights) or 1.0
        durations = [n + slack * w / scale for n, w in zip(needs, weights, strict=True)]
    else:
        durations = [n * total_s / sum(needs) for n in needs]
    # Whole milliseconds, with the rounding put on the longest scene, so the sum is exact.
    durations = [round(d, 3) for d in durations]
    longest = max(range(len(durations)), key=durations.__getitem__)
    durations[longest] = round(total_s - sum(d for i, d in enumerate(durations) if i != longest), 3)
    cues: list[tuple[float, float] | None] = []
    start = 0.0
    problems = []
    for i, (d, s) in enumerate(zip(durations, speech, strict=True)):
        if s:
            lead = min(LEAD_S, max(0.0, (d - s) / 2))
            cues.append((round(start + lead, 3), round(start + lead + s, 3)))
            if s + LEAD_S + TAIL_S > d + 1e-6:
                problems.append(
                    f"scene {i + 1}'s line needs {s + LEAD_S + TAIL_S:.1f} s but the ad has "
                    f"only {d:.1f} s for it: shorten the line, or make the ad longer."
                )
        else:
            cues.append(None)
        start += d
    return Fit(durations=durations, cues=cues, problems=problems)


def story_fit_notes(story: Story, speech: Sequence[float | None]) -> list[str]:
    """For each scene whose line is longer than the scene (plus air), a sentence with a
    concrete fix: shorten the line, or take time from the nearest scene that can spare it
    ("scene 3's line needs 4.5 s but the scene lasts 3.5 s: shorten it to about 9 words,
    or give scene 3 one more second from scene 4.").
    """
    durations = [s.duration_s for s in story.scenes]
    needs = [_need(s) for s in speech]
    spare = [d - n for d, n in zip(durations, needs, strict=True)]
    notes = []
    for i, (scene, need, have) in enumerate(zip(story.scenes, needs, durations, strict=True)):
        if not speech[i] or need <= have + 1e-6:
            continue
        short = need - have
        # Half-second steps, like the story engine's timing.
        give = max(0.5, round(short * 2 + 0.49) / 2)
        donors = [j for j in range(len(durations)) if j != i and spare[j] >= give]
        words = len(scene.voiceover.split())
        keep = max(1, int(words * (have - LEAD_S - TAIL_S) / (speech[i] or 1)))
        fix = f"shorten it to about {keep} words"
        if donors:
            j = min(donors, key=lambda k: (abs(k - i), -spare[k]))
            amount = _seconds_words(give)
            fix += f", or give scene {scene.index} {amount} from scene {story.scenes[j].index}"
            spare[j] -= give
        notes.append(f"scene {scene.index}'s line needs {need:.1f} s but the scene lasts "
                     f"{have:g} s: {fix}.")
    return notes


def _seconds_words(seconds: float) -> str:
    names = {0.5: "half a second", 1.0: "one more second", 1.5: "one and a half more seconds",
             2.0: "two more seconds", 2.5: "two and a half more seconds", 3.0: "three more seconds"}
    return names.get(seconds, f"{seconds:g} more seconds")


def retimed(story: Story, durations: Sequence[float]) -> Story:
    """``story`` with new scene durations (and start times to match)."""
    start = 0.0
    scenes = []
    for scene, duration in zip(story.scenes, durations, strict=True):
        scenes.append(scene.model_copy(update={"start_s": round(start, 3), "duration_s": duration}))
        start += duration
    return story.model_copy(update={"scenes": scenes})
