"""Timing a story to its brief: scene durations in half-second steps that sum exactly.

The offline engine plans with it; a remote model's story is retimed with it, since
models get the sum approximately right at best.
"""

from __future__ import annotations

from ...media.timing import retimed
from ...models import Story

MIN_SCENES, MAX_SCENES = 3, 8


def most_scenes(duration_s: int) -> int:
    """The most scenes ``duration_s`` seconds hold, at 1.5 s or more each."""
    return max(MIN_SCENES, min(MAX_SCENES, int(duration_s / 1.5)))


def split_duration(duration_s: int, roles: list[str],
                   least: list[int] | None = None) -> list[float]:
    """Split ``duration_s`` over the scenes in half-second steps that sum exactly.

    ``least`` is each scene's minimum in half seconds (so its voiceover can be spoken
    at no more than three words a second); the rest is shared by beat weight. Half
    seconds are exact in binary floating point, so the sum is exact too.
    """
    weights = [0.8 if i == 0 else 1.1 if role == "action" else 1.0 for i, role in enumerate(roles)]
    units = duration_s * 2
    floor = [max(2, n) for n in (least or [2] * len(roles))]
    total = sum(weights)
    shares = [max(f, int(units * w / total)) for f, w in zip(floor, weights, strict=True)]
    i = 0
    while sum(shares) != units and i < 100_000:
        # Hand out (or take back) the rounding, middle scenes first, never below a floor.
        j = (len(shares) // 2 + i) % len(shares)
        if sum(shares) < units:
            shares[j] += 1
        elif shares[j] > floor[j]:
            shares[j] -= 1
        elif all(s <= f for s, f in zip(shares, floor, strict=True)):
            break
        i += 1
    return [s / 2 for s in shares]


def retime(story: Story, duration_s: int) -> Story:
    """Make scene timings sum exactly to ``duration_s`` (models are approximate)."""
    return retimed(story, split_duration(duration_s, [s.beat for s in story.scenes]))
