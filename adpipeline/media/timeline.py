"""The video's timeline: camera moves read from a scene's ``camera`` note, each shot's
place on the frame grid (crossfades that do not shorten the video), the path the
camera takes through a shot, and the poster frame.

Pure arithmetic on the story: no pixels, no ffmpeg.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import InvalidInput
from ..models import Scene, Story

Motion = Literal["push_in", "pull_out", "pan_left", "pan_right", "tilt_up", "tilt_down", "static", "handheld"]

# Camera moves, as zoom factors relative to a cover-fit of the still.
_PUSH = 0.10  # an explicit push-in / pull-out: 1.00 <-> 1.10 over the shot
_GENTLE_PUSH = 0.05  # the default when the note names no move
_PAN_ZOOM = 1.08  # zoom held during pans and tilts: leaves room to travel
PAN_TRAVEL = 0.08  # pan/tilt distance per shot, as a fraction of the frame
_HANDHELD_ZOOM = 1.05


_MOVES: tuple[tuple[Motion, tuple[str, ...]], ...] = (
    ("static", ("static", "locked off", "locked-off", "lockoff", "tripod", "still frame")),
    ("pull_out", ("pull back", "pull-back", "pullback", "pull out", "pull-out", "zoom out",
                  "dolly out", "dolly back", "track out", "push out", "widen")),
    ("push_in", ("push in", "push-in", "zoom in", "zoom-in", "dolly in", "track in",
                 "creep in", "move in", "slow zoom", "zooms in")),
    ("pan_left", ("pan left", "pans left", "panning left", "track left", "tracking left",
                  "truck left", "slide left", "move left")),
    ("pan_right", ("pan right", "pans right", "panning right", "track right",
                   "tracking right", "truck right", "slide right", "move right")),
    ("tilt_up", ("tilt up", "tilts up", "crane up", "pedestal up", "rise", "rising")),
    ("tilt_down", ("tilt down", "tilts down", "crane down", "pedestal down")),
    ("pan_right", ("tracking", "track", "pan", "truck", "follow", "dolly", "orbit", "arc")),
    ("handheld", ("handheld", "hand-held", "shaky", "documentary")),
)  # fmt: skip

# Framing words imply a move only when no move is named ("close-up, slow pan" pans).
_FRAMINGS: tuple[tuple[Motion, tuple[str, ...]], ...] = (
    ("push_in", ("close-up", "close up", "closeup", "macro", "detail", "insert", "zoom")),
    ("pull_out", ("wide", "establishing", "aerial", "drone", "reveal", "overhead",
                  "bird's-eye", "long shot")),
)  # fmt: skip


def camera_motion(camera: str) -> Motion:
    """Map a storyboard camera note to a move.

    The move named first wins ("pan left then push in" pans); framing words count only
    if no move is named ("close-up" -> push-in, "wide" -> pull-out). Anything else gets
    a gentle push-in, which reads as intentional on almost any still.

    >>> camera_motion("Slow push in on the bottle")
    'push_in'
    >>> camera_motion("wide establishing shot")
    'pull_out'
    """
    note = " " + re.sub(r"\s+", " ", camera.lower()) + " "
    for table in (_MOVES, _FRAMINGS):
        best: tuple[int, Motion] | None = None
        for motion, words in table:
            for word in words:
                hit = re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", note)
                if hit and (best is None or hit.start() < best[0]):
                    best = (hit.start(), motion)
        if best is not None:
            return best[1]
    return "push_in"


def _motion_strength(camera: str, motion: Motion) -> float:
    """How far a push/pull goes: an explicit move goes further than the default."""
    named = any(
        re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", camera.lower())
        for m, words in _MOVES + _FRAMINGS
        if m == motion
        for word in words
    )
    return _PUSH if named else _GENTLE_PUSH



@dataclass(frozen=True)
class ShotPlan:
    """Where one scene's shot sits on the frame grid.

    ``start``/``end`` are the scene's own frames (the cut points, end exclusive);
    ``span_start``/``span_end`` add the halves of the crossfades on either side, where
    the shot is visible while blending with its neighbour.
    """

    number: int
    scene: Scene
    start: int
    end: int
    span_start: int
    span_end: int
    motion: Motion

    @property
    def span(self) -> int:
        """Frames the shot is visible for, crossfades included."""
        return self.span_end - self.span_start


def plan_shots(story: Story, fps: int, transition_s: float) -> list[ShotPlan]:
    """Lay the story's scenes on a frame grid of ``fps`` with crossfades of ``transition_s``.

    Cut points are the scenes' cumulative durations rounded to frames, so the video
    lasts ``round(story.duration_s * fps)`` frames whatever the transitions: each
    crossfade is centred on its cut (half before, half after) and never longer than
    either neighbouring shot. Raises ``InvalidInput`` for a scene shorter than a frame.
    """
    if fps <= 0:
        raise InvalidInput(f"fps must be positive (got {fps}).")
    if not math.isfinite(transition_s) or transition_s < 0:
        raise InvalidInput(f"transition_s must be 0 or more seconds (got {transition_s}).")
    cuts = [0]
    elapsed = 0.0
    for scene in story.scenes:
        elapsed += scene.duration_s
        cuts.append(round(elapsed * fps))
    for scene, a, b in zip(story.scenes, cuts, cuts[1:], strict=False):
        if b <= a:
            raise InvalidInput(
                f"scene {scene.index} lasts {scene.duration_s:g} s, less than one frame at "
                f"{fps} fps: make it at least {1 / fps:.3f} s long."
            )
    want = round(transition_s * fps)
    # fades[i] is the crossfade length at cut i (cuts[0] and cuts[-1] have none).
    fades = [0] * len(cuts)
    for i in range(1, len(cuts) - 1):
        fades[i] = min(want, cuts[i] - cuts[i - 1], cuts[i + 1] - cuts[i])
    plans = []
    for i, scene in enumerate(story.scenes):
        start, end = cuts[i], cuts[i + 1]
        fade_in, fade_out = fades[i], fades[i + 1]
        plans.append(
            ShotPlan(
                number=i + 1,
                scene=scene,
                start=start,
                end=end,
                span_start=start - fade_in // 2,
                span_end=end - fade_out // 2 + fade_out,
                motion=camera_motion(scene.camera),
            )
        )
    return plans


def poster_frame(plans: Sequence[ShotPlan], fps: int) -> int:
    """The frame used as the poster: in the first shot, before any crossfade, with its
    text already on screen, about a second in (or mid-shot for a short first shot)."""
    first = plans[0]
    solo_end = plans[1].span_start if len(plans) > 1 else first.end
    return max(0, min(first.start + fps, (first.start + solo_end) // 2))


def camera_path(plan: ShotPlan, fps: int, seed: int) -> np.ndarray:
    """Zoom and view centre for each frame of the shot's span: rows of (z, dx, dy).

    ``dx``/``dy`` are offsets of the view centre from the still's centre, in output
    pixels at zoom 1. The move runs over the whole span (crossfades included), so the
    picture never stops moving while it blends.
    """
    n = plan.span
    p = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(1)
    z = np.ones(n)
    dx = np.zeros(n)
    dy = np.zeros(n)
    motion = plan.motion
    if motion in ("push_in", "pull_out"):
        amount = _motion_strength(plan.scene.camera, motion)
        z = 1.0 + amount * (p if motion == "push_in" else 1.0 - p)
    elif motion in ("pan_left", "pan_right", "tilt_up", "tilt_down"):
        z[:] = _PAN_ZOOM
        # +1 means the camera moves right (or down): the picture slides the other way.
        sign = 1.0 if motion in ("pan_right", "tilt_down") else -1.0
        travel = sign * (p - 0.5)
        if motion.startswith("pan"):
            dx = travel  # scaled to pixels by the caller
        else:
            dy = travel
    elif motion == "handheld":
        z[:] = _HANDHELD_ZOOM
        rng = np.random.default_rng([seed, plan.number])
        t = (np.arange(n) / fps)[:, None]
        freq = np.array([0.21, 0.53, 1.1])
        amp = np.array([1.0, 0.45, 0.15])
        phase = rng.uniform(0, 2 * np.pi, (2, 3))
        dx = (np.sin(2 * np.pi * freq * t + phase[0]) * amp).sum(axis=1) / amp.sum()
        dy = (np.sin(2 * np.pi * freq * t + phase[1]) * amp).sum(axis=1) / amp.sum()
    return np.stack([z, dx, dy], axis=1)
