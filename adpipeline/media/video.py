"""Offline video assembly: storyboard stills -> an H.264 MP4 ad, an .srt and a poster.

One shot per storyboard frame, lasting its scene's duration, with a camera move read
from the scene's ``camera`` note, crossfades that do not shorten the video, the
on-screen text and the voiceover burned in, a silent AAC track, and the voiceover
also written as an .srt beside the video.

How it is built, and why (figures from ``PERF-NOTES.md`` and ``benchmarks/bench_video.py``
on the 2-core machine; on two cores every CPU-millisecond spent here is taken from x264):

* Frames are made here with OpenCV and piped raw into ffmpeg, not built in a filter
  graph: ``zoompan`` moves in whole pixels (visible jitter on slow zooms) and the graphs
  were slower than piping frames.
* Frames are made directly in the encoder's pixel format (planar YUV 4:2:0, BT.709,
  limited range, tagged as such). Each still is converted once per shot, so per frame
  we resample 1.5 bytes per pixel instead of 3, ffmpeg converts nothing, and the pipe
  carries half the data.
* Each still is cropped and scaled once per shot to the largest zoom that shot uses;
  per frame it is resampled with ``cv2.resize`` from sub-pixel pre-shifted copies
  (see :class:`_Plane`): ~3x cheaper than ``cv2.warpAffine`` and still sub-pixel exact.
* Text is drawn once per shot with Pillow, converted to premultiplied YUV, and blended
  per frame only inside its own boxes. Static shots are composed once and reused.
* Frames stream through a pipe into ffmpeg one at a time: memory stays flat whatever
  the duration (at most two shots, a crossfade, are held at once).

Measured (30 s 720p, push-in on every shot, 0.5 s crossfades, veryfast CRF 20): ~1.17x
the CPU time and 1.1-1.4x the wall time of encoding the same frames with the same
ffmpeg command; ~9x faster than moviepy's opaque composition, ~12x its default one. A
60 s 1080x1920 render peaks at ~550 MiB, Python and ffmpeg together.

This module imports only ``adpipeline.models`` and ``adpipeline.errors`` (media layer).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import cv2
import imageio_ffmpeg
import numpy as np
from PIL import Image

from ..errors import InvalidInput, ProviderError
from ..models import Scene, Story
from .text import HEADLINE, SUBTITLE, headline_position, text_box, text_layout

#: ``progress(done, total, message)``; the same shape as ``providers.base.Progress``.
ProgressFn = Callable[[int, int, str], None]

Motion = Literal["push_in", "pull_out", "pan_left", "pan_right", "tilt_up", "tilt_down", "static", "handheld"]

X264_PRESETS: tuple[str, ...] = (
    "ultrafast", "superfast", "veryfast", "faster", "fast",
    "medium", "slow", "slower", "veryslow", "placebo",
)  # fmt: skip

AUDIO_RATE = 48_000
#: Characters per .srt line: the usual broadcast limit, so players do not wrap again.
SRT_LINE_CHARS = 42

# Camera moves, as zoom factors relative to a cover-fit of the still.
_PUSH = 0.10  # an explicit push-in / pull-out: 1.00 <-> 1.10 over the shot
_GENTLE_PUSH = 0.05  # the default when the note names no move
_PAN_ZOOM = 1.08  # zoom held during pans and tilts: leaves room to travel
_PAN_TRAVEL = 0.08  # pan/tilt distance per shot, as a fraction of the frame
_HANDHELD_ZOOM = 1.05


# --------------------------------------------------------------------------- motion


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


# --------------------------------------------------------------------------- timeline


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


# --------------------------------------------------------------------------- colour

# BT.709, limited ("TV") range: what the output is tagged with, and what players assume
# for HD video that is not tagged at all.
_KR, _KB = 0.2126, 0.0722
_KG = 1.0 - _KR - _KB
_RGB_TO_YUV = np.array(
    [
        [_KR * 219 / 255, _KG * 219 / 255, _KB * 219 / 255, 16.0],
        [
            -_KR / (2 * (1 - _KB)) * 224 / 255,
            -_KG / (2 * (1 - _KB)) * 224 / 255,
            0.5 * 224 / 255,
            128.0,
        ],
        [
            0.5 * 224 / 255,
            -_KG / (2 * (1 - _KR)) * 224 / 255,
            -_KB / (2 * (1 - _KR)) * 224 / 255,
            128.0,
        ],
    ],
    dtype=np.float64,
)
_YUV_TO_RGB = np.linalg.inv(np.vstack([_RGB_TO_YUV, [0, 0, 0, 1]]))[:3]


def rgb_to_yuv444(rgb: np.ndarray) -> np.ndarray:
    """RGB uint8 (H, W, 3) -> Y, Cb, Cr uint8 (H, W, 3), BT.709 limited range."""
    return cv2.transform(rgb, _RGB_TO_YUV)


def i420_to_rgb(buf: np.ndarray, width: int, height: int) -> np.ndarray:
    """One planar YUV 4:2:0 (BT.709, limited range) frame -> RGB uint8 (H, W, 3)."""
    y, u, v = _planes(buf, width, height)
    uv = cv2.merge([u, v])
    uv = cv2.resize(uv, (width, height), interpolation=cv2.INTER_LINEAR)
    yuv = np.dstack([y, uv])
    return cv2.transform(yuv, _YUV_TO_RGB)


def _planes(buf: np.ndarray, width: int, height: int) -> tuple[np.ndarray, ...]:
    """Views of the Y, U and V planes of a flat I420 buffer (no copies)."""
    n = width * height
    q = n // 4
    return (
        buf[:n].reshape(height, width),
        buf[n : n + q].reshape(height // 2, width // 2),
        buf[n + q : n + 2 * q].reshape(height // 2, width // 2),
    )


# --------------------------------------------------------------------------- text


@dataclass
class _Overlay:
    """One text box as premultiplied YUV, blended per frame inside its own rectangle.

    For each plane: ``out = (bg * inv + pre) >> 8`` with ``inv + alpha == 256``, which
    fits uint16 exactly and costs three vector operations per pixel.
    """

    x: int
    y: int
    w: int
    h: int
    planes: list[tuple[np.ndarray, np.ndarray]]  # per plane: (inv, pre), uint16
    scratch: list[np.ndarray] = field(default_factory=list)

    def blend(self, buf: np.ndarray, width: int, height: int, strength: float = 1.0) -> None:
        """Draw the box onto an I420 frame, ``strength`` 0..1 scaling its opacity."""
        level = round(strength * 256)
        if level <= 0:
            return
        for n, (plane, (inv, pre)) in enumerate(zip(_planes(buf, width, height), self.planes, strict=True)):
            s = 1 if n == 0 else 2
            region = plane[self.y // s : (self.y + self.h) // s, self.x // s : (self.x + self.w) // s]
            tmp = self.scratch[n]
            if level >= 256:
                np.multiply(region, inv, out=tmp)
                tmp += pre
            else:
                # Fading (a few frames per crossfade): scale alpha and colour alike;
                # the sum still fits uint16 (at most 255 * 257).
                alpha = ((256 - inv.astype(np.uint32)) * level) >> 8
                np.multiply(region, (256 - alpha).astype(np.uint16), out=tmp)
                tmp += ((pre.astype(np.uint32) * level) >> 8).astype(np.uint16)
            tmp >>= 8
            np.copyto(region, tmp, casting="unsafe")


def _overlay(box: Image.Image, x: int, y: int) -> _Overlay:
    rgba = np.asarray(box)
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    yuv = rgb_to_yuv444(np.ascontiguousarray(rgba[..., :3])).astype(np.float32)
    h, w = alpha.shape
    planes = []
    a16 = np.rint(alpha * 256)
    pre_y = np.minimum(np.rint(alpha * yuv[..., 0] * 256), a16 * 255)
    planes.append(((256 - a16).astype(np.uint16), pre_y.astype(np.uint16)))
    # Chroma: average the premultiplied colour and the alpha over each 2x2 block.
    half = (w // 2, h // 2)
    a_c = cv2.resize(alpha, half, interpolation=cv2.INTER_AREA)
    a_c16 = np.rint(a_c * 256)
    for c in (1, 2):
        pre = cv2.resize(alpha * yuv[..., c], half, interpolation=cv2.INTER_AREA) * 256
        pre = np.minimum(np.rint(pre), a_c16 * 255)
        planes.append(((256 - a_c16).astype(np.uint16), pre.astype(np.uint16)))
    scratch = [np.empty(inv.shape, np.uint16) for inv, _ in planes]
    return _Overlay(x=x, y=y, w=w, h=h, planes=planes, scratch=scratch)


def _scene_overlays(
    scene: Scene, width: int, height: int, headline_drawn: bool = False
) -> list[_Overlay]:
    _, bottom = text_layout(width, height)
    out = []
    headline = None if headline_drawn else text_box(scene.on_screen_text, HEADLINE, width, height)
    if headline is not None:
        out.append(_overlay(headline, *headline_position(headline, width, height)))
    subtitle = text_box(scene.voiceover, SUBTITLE, width, height)
    if subtitle is not None:
        x = (width - subtitle.width) // 2 & ~1
        y = max(0, round(bottom * height) - subtitle.height) & ~1
        out.append(_overlay(subtitle, x, y))
    return out


# --------------------------------------------------------------------------- shots


def decode_image(data: bytes, what: str) -> np.ndarray:
    """PNG/JPEG/WebP bytes -> RGB uint8 (H, W, 3); ``InvalidInput`` if it is not an image."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidInput(f"{what} is a {type(data).__name__}, not image bytes: pass PNG bytes.")
    arr = np.frombuffer(data, np.uint8)
    bgr = cv2.imdecode(arr, cv2.IMREAD_COLOR) if arr.size else None
    if bgr is None:
        # OpenCV reads the usual formats; Pillow reads a few more (GIF, BMP variants...).
        try:
            with Image.open(io.BytesIO(bytes(data))) as im:
                return np.asarray(im.convert("RGB"))
        except Exception:
            head = bytes(data[:8])
            raise InvalidInput(
                f"{what} is not an image ({len(data)} bytes starting {head!r}): pass PNG "
                "bytes, one storyboard frame per scene."
            ) from None
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _path(plan: ShotPlan, fps: int, seed: int) -> np.ndarray:
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


class _Plane:
    """One plane of a shot's scaled still, resampled per frame with ``cv2.resize``.

    A camera move here is only ever a scale plus a shift, and ``cv2.resize`` does that
    about 3x faster than ``cv2.warpAffine`` (0.5 against 1.6 ms for a 720p luma plane,
    and a plain copy when the scale is exactly 1, as in pans). Its scale is exact when
    given as ``fx``/``fy``, but its window starts on a whole source pixel; the sub-pixel
    part of the shift comes from copies of the plane pre-shifted by ``1/steps`` px, made
    on first use:

    * pans and tilts (scale 1): 16 steps along the move, so positions are exact to
      1/32 px (what warpAffine itself resolves) and the slide is even; across the move
      the whole shot may sit up to 1/2 px off, which nobody can see;
    * zooms and handheld: 4 x 4 steps, and the scale is nudged (by at most 1/(4 n)) so
      that the frame centre lands exactly; the remaining error grows to 1/8 px at the
      frame edges, where the picture moves fastest (H.264 itself codes motion in 1/4 px).

    Against an exact ``warpAffine`` on storyboard-like 720p frames the luma PSNR is
    48-51 dB for zooms and ~51 dB for pans; zoompan's whole pixels gave 22 dB.
    Memory: up to 16 copies of the shot's still per plane, made lazily (~60 MB for
    a 1080x1920 push-in); two shots are alive only during a crossfade.
    """

    def __init__(self, pixels: np.ndarray, steps_x: int, steps_y: int, anchored: bool) -> None:
        self.pixels = pixels
        self.steps_x, self.steps_y, self.anchored = steps_x, steps_y, anchored
        self._shifted: dict[tuple[int, int], np.ndarray] = {(0, 0): pixels}
        self._scratch: np.ndarray | None = None

    def _copy(self, jy: int, jx: int) -> np.ndarray:
        shifted = self._shifted.get((jy, jx))
        if shifted is None:
            m = np.array([[1.0, 0.0, jx / self.steps_x], [0.0, 1.0, jy / self.steps_y]])
            h, w = self.pixels.shape
            shifted = cv2.warpAffine(
                self.pixels, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                borderMode=cv2.BORDER_REPLICATE,
            )  # fmt: skip
            self._shifted[(jy, jx)] = shifted
        return shifted

    def sample(self, a: float, tx: float, ty: float, dst: np.ndarray) -> None:
        """``dst[y, x] = pixels(a * y + ty, a * x + tx)``, bilinear, into ``dst``."""
        h, w = dst.shape
        sh, sw = self.pixels.shape
        across = _resize_window(a, tx, w, sw, self.steps_x, self.anchored)
        down = _resize_window(a, ty, h, sh, self.steps_y, self.anchored)
        if across is not None and down is not None:
            (x0, rw, jx, ax), (y0, rh, jy, ay) = across, down
            plane = self._copy(jy, jx)
            if ax == ay == 1.0:
                np.copyto(dst, plane[y0 : y0 + rh, x0 : x0 + rw])
                return
            if (rh, rw) != (h, w):
                out = cv2.resize(
                    plane[y0 : y0 + rh, x0 : x0 + rw], None, dst=dst, fx=1 / ax, fy=1 / ay,
                    interpolation=cv2.INTER_LINEAR,
                )  # fmt: skip
                if out is dst:
                    return
            elif y0 + rh < sh:
                # A window of the output's own size makes cv2.resize copy, ignoring fx/fy
                # (a scale within 1/(2n) of 1): take one row more, drop it after.
                if self._scratch is None or self._scratch.shape != (h + 1, w):
                    self._scratch = np.empty((h + 1, w), np.uint8)
                out = cv2.resize(
                    plane[y0 : y0 + rh + 1, x0 : x0 + rw], None, dst=self._scratch,
                    fx=1 / ax, fy=1 / ay, interpolation=cv2.INTER_LINEAR,
                )  # fmt: skip
                if out is self._scratch:
                    np.copyto(dst, out[:h])
                    return
        # The window would leave the still (a view touching its edge) or rounding made
        # the size off by one: use the exact, slower warp for this frame.
        m = np.array([[a, 0.0, tx], [0.0, a, ty]])
        cv2.warpAffine(
            self.pixels, m, (w, h), dst=dst, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )  # fmt: skip


def _resize_window(
    a: float, t: float, n: int, size: int, steps: int, anchored: bool
) -> tuple[int, int, int, float] | None:
    """For one axis: (window start, window length, shifted copy, scale) for ``cv2.resize``.

    ``cv2.resize`` with ``fx = 1/a`` maps output pixel ``i`` of a window starting at
    ``s`` to ``s + (i + 0.5) * a - 0.5`` and makes ``round(length / a)`` pixels. We want
    ``a * i + t``: ``s`` is rounded to ``1/steps`` px (the copy supplies the fraction);
    if ``anchored``, the scale then absorbs the rounding so the centre is exact.
    ``None`` if the window does not fit inside the plane.
    """
    quantum = round((t - 0.5 * a + 0.5) * steps)
    if anchored:
        centre = (n - 1) / 2
        a = (a * centre + t + 0.5 - quantum / steps) / (centre + 0.5)
    start, step = divmod(quantum, steps)
    length = math.ceil((n - 0.5) * a)
    while length > 1 and round(length / a) > n:
        length -= 1
    while round(length / a) < n:
        length += 1
    if start < 0 or start + length > size:
        return None
    return start, length, step, a


class _Shot:
    """One shot's frames in I420, one at a time, into a buffer the shot owns."""

    def __init__(
        self, plan: ShotPlan, image: bytes, width: int, height: int, fps: int, seed: int,
        headline_drawn: bool = False,
    ) -> None:
        self.plan = plan
        self.width, self.height = width, height
        rgb = decode_image(image, f"frame {plan.number} (scene {plan.scene.index})")
        src_h, src_w = rgb.shape[:2]
        # Cover-fit: 1 unit of "cover space" = 1 output pixel at zoom 1.
        cover = max(width / src_w, height / src_h)
        cover_w, cover_h = src_w * cover, src_h * cover
        path = _path(plan, fps, seed)
        z = path[:, 0]
        half_w, half_h = width / (2 * z), height / (2 * z)
        # Pan/tilt travel and handheld sway, in cover units, limited by the room the
        # zoom leaves (a wide still in a tall frame has room; never leave the still).
        if plan.motion.startswith("pan"):
            room = cover_w / 2 - half_w.max()
            cx = cover_w / 2 + path[:, 1] * min(2 * room, _PAN_TRAVEL * width)
            cy = np.full_like(z, cover_h / 2)
        elif plan.motion.startswith("tilt"):
            room = cover_h / 2 - half_h.max()
            cx = np.full_like(z, cover_w / 2)
            cy = cover_h / 2 + path[:, 2] * min(2 * room, _PAN_TRAVEL * height)
        else:
            sway = 0.012 * min(width, height)
            cx = np.clip(cover_w / 2 + path[:, 1] * sway, half_w, cover_w - half_w)
            cy = np.clip(cover_h / 2 + path[:, 2] * sway, half_h, cover_h - half_h)
        # Crop the still to what the move ever shows, then scale it once to the shot's
        # largest zoom, so per-frame resampling only ever shrinks or shifts it slightly
        # (and is a plain shift, scale exactly 1, for pans, tilts and static shots).
        zoom_max = float(z.max())
        margin = 2.0 / cover  # two source pixels for the bilinear taps
        x0 = max(0, math.floor(((cx - half_w).min()) / cover - margin))
        x1 = min(src_w, math.ceil(((cx + half_w).max()) / cover + margin))
        y0 = max(0, math.floor(((cy - half_h).min()) / cover - margin))
        y1 = min(src_h, math.ceil(((cy + half_h).max()) / cover + margin))
        crop = rgb[y0:y1, x0:x1]
        del rgb
        scale = cover * zoom_max  # given as fx/fy, so it is exact whatever the sizes
        scaled = cv2.resize(
            crop, None, fx=scale, fy=scale,
            interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
        )  # fmt: skip
        # Even sizes keep the chroma grid aligned; trimming the far edge moves nothing.
        sh, sw = scaled.shape[0] & ~1, scaled.shape[1] & ~1
        if sh < 2 or sw < 2:
            raise InvalidInput(f"frame {plan.number} is too small to fill a {width}x{height} video.")
        yuv = rgb_to_yuv444(np.ascontiguousarray(scaled[:sh, :sw]))
        del scaled, crop
        uv = cv2.resize(yuv[..., 1:], (sw // 2, sh // 2), interpolation=cv2.INTER_AREA)
        if plan.motion.startswith("pan"):
            grid = (16, 1, False)
        elif plan.motion.startswith("tilt"):
            grid = (1, 16, False)
        else:
            grid = (4, 4, True)
        self._sources = (
            _Plane(np.ascontiguousarray(yuv[..., 0]), *grid),
            _Plane(np.ascontiguousarray(uv[..., 0]), *grid),
            _Plane(np.ascontiguousarray(uv[..., 1]), *grid),
        )
        del yuv, uv
        # Output pixel centre x+0.5 -> cover u = cx + (x + 0.5 - W/2) / z -> source index
        # zoom_max * (u - ox) - 0.5 (OpenCV puts pixel centres on integers).
        ox, oy = x0 * cover, y0 * cover
        self._ax = zoom_max / z
        self._tx = zoom_max * (cx + (0.5 - width / 2) / z - ox) - 0.5
        self._ty = zoom_max * (cy + (0.5 - height / 2) / z - oy) - 0.5
        self._overlays = _scene_overlays(plan.scene, width, height, headline_drawn)
        self.buf = np.empty(width * height * 3 // 2, np.uint8)
        self._planes = _planes(self.buf, width, height)
        # A locked-off shot is the same picture every frame: make it once (bare and
        # with text) and hand out the same buffers.
        self._still = plan.motion == "static" and bool(np.ptp(self._tx) == np.ptp(self._ty) == 0)
        self._bare: np.ndarray | None = None
        self._composed = False

    def frame(self, k: int, text: bool = True) -> np.ndarray:
        """The shot's picture at output frame ``k``, with or without its text boxes.

        The buffer belongs to the shot and is valid until the next call.
        """
        if not self._still:
            self._draw(k)
            if text:
                self.text(self.buf, 1.0)
            return self.buf
        if self._bare is None:
            self._draw(k)
            self._bare = self.buf.copy()
            self._composed = False
        if not text:
            return self._bare
        if not self._composed:
            np.copyto(self.buf, self._bare)
            self.text(self.buf, 1.0)
            self._composed = True
        return self.buf

    def text(self, buf: np.ndarray, strength: float) -> None:
        """Draw this shot's text boxes onto ``buf`` at ``strength`` (0..1) opacity."""
        for overlay in self._overlays:
            overlay.blend(buf, self.width, self.height, strength)

    def _draw(self, k: int) -> None:
        i = min(max(k - self.plan.span_start, 0), len(self._ax) - 1)
        a, tx, ty = float(self._ax[i]), float(self._tx[i]), float(self._ty[i])
        luma, cb, cr = self._sources
        y, u, v = self._planes
        luma.sample(a, tx, ty, y)
        # A chroma sample sits at the centre of its 2x2 luma block: luma 2c + 0.5.
        cx, cy = (0.5 * a + tx - 0.5) / 2, (0.5 * a + ty - 0.5) / 2
        cb.sample(a, cx, cy, u)
        cr.sample(a, cx, cy, v)


class FrameSource:
    """The frames of a video, made one at a time in planar YUV 4:2:0 (ffmpeg ``yuv420p``).

    Iterating yields ``(frame_index, buffer)``; the buffer is reused, so write it out
    (or copy it) before taking the next one. At most two shots (a crossfade) are held.
    """

    def __init__(
        self,
        story: Story,
        frames: Sequence[bytes],
        *,
        width: int,
        height: int,
        fps: int = 30,
        transition_s: float = 0.5,
        seed: int = 0,
        headlines_drawn: Sequence[bool] = (),
    ) -> None:
        check_video_params(width, height, fps)
        if not isinstance(frames, Sequence) or isinstance(frames, bytes | str):
            raise InvalidInput("frames must be a list of PNG bytes, one per scene.")
        if len(frames) != len(story.scenes):
            raise InvalidInput(
                f"got {len(frames)} storyboard frame(s) for {len(story.scenes)} scene(s): "
                "pass exactly one frame per scene, in scene order."
            )
        for n, data in enumerate(frames, start=1):
            _check_image_header(data, f"frame {n} (scene {story.scenes[n - 1].index})")
        self.story = story
        self.frames = frames
        self.headlines_drawn = [n < len(headlines_drawn) and bool(headlines_drawn[n])
                                for n in range(len(frames))]
        self.width, self.height, self.fps, self.seed = width, height, fps, seed
        self.plans = plan_shots(story, fps, transition_s)
        self.frame_count = self.plans[-1].end
        self._mix = np.empty(width * height * 3 // 2, np.uint8)

    @property
    def duration_s(self) -> float:
        """Length of the video: whole frames, so within half a frame of the story's."""
        return self.frame_count / self.fps

    def _shot(self, n: int) -> _Shot:
        return _Shot(self.plans[n], self.frames[n], self.width, self.height, self.fps, self.seed,
                     self.headlines_drawn[n])

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        plans = self.plans
        live: dict[int, _Shot] = {}
        current = 0
        for k in range(self.frame_count):
            while plans[current].span_end <= k:
                live.pop(current, None)  # free the still as soon as the shot is over
                current += 1
            nxt = current + 1
            if current not in live:
                live[current] = self._shot(current)
            a = live[current]
            if nxt < len(plans) and plans[nxt].span_start <= k:
                if nxt not in live:
                    live[nxt] = self._shot(nxt)
                b = live[nxt]
                fade = plans[nxt].span_start, plans[current].span_end
                alpha = (k - fade[0] + 0.5) / (fade[1] - fade[0])
                mix = self._mix
                cv2.addWeighted(a.frame(k, False), 1 - alpha, b.frame(k, False), alpha, 0, dst=mix)
                # Pictures dissolve; text goes out then comes in, never two lines at once.
                a.text(mix, 1.0 - 2.0 * alpha)
                b.text(mix, 2.0 * alpha - 1.0)
                yield k, mix
            else:
                yield k, a.frame(k)


def check_video_params(width: int, height: int, fps: int) -> None:
    """``InvalidInput`` unless the size and rate suit H.264 4:2:0 (even sizes, sane fps)."""
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or isinstance(value, bool) or not 16 <= value <= 8192:
            raise InvalidInput(f"{name} must be a whole number of pixels from 16 to 8192 (got {value!r}).")
        if value % 2:
            raise InvalidInput(f"{name} must be even for H.264 4:2:0 video (got {value}); try {value + 1}.")
    if not isinstance(fps, int) or isinstance(fps, bool) or not 1 <= fps <= 120:
        raise InvalidInput(f"fps must be a whole number from 1 to 120 (got {fps!r}).")


def _check_image_header(data: object, what: str) -> None:
    """Fail before ffmpeg starts if a frame is obviously not an image (cheap: header only)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidInput(f"{what} is a {type(data).__name__}, not image bytes: pass PNG bytes.")
    try:
        with Image.open(io.BytesIO(bytes(data))):  # reads the header only
            pass
    except Exception:
        head = bytes(data[:8])
        raise InvalidInput(
            f"{what} is not an image ({len(data)} bytes starting {head!r}): pass PNG bytes, "
            "one storyboard frame per scene."
        ) from None


# --------------------------------------------------------------------------- ffmpeg


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary imageio-ffmpeg ships (no system ffmpeg needed)."""
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise ProviderError(
            f"no ffmpeg found ({exc}); reinstall imageio-ffmpeg, which ships one, or set "
            "IMAGEIO_FFMPEG_EXE to an ffmpeg binary."
        ) from exc


def encode_command(
    output: Path, *, width: int, height: int, fps: int, frame_count: int, crf: int, preset: str
) -> list[str]:
    """The ffmpeg command that turns raw I420 frames on stdin into the final MP4.

    Silent AAC from ``anullsrc`` makes players and ad platforms treat the file as a
    normal ad. It is cut on the input side to whole 1024-sample AAC frames that end no
    later than the video, so the container lasts exactly ``frame_count / fps`` (an
    output-side ``-frames:a`` made ffmpeg drop the last video frame).
    """
    if preset not in X264_PRESETS:
        raise InvalidInput(f"unknown x264 preset {preset!r}: use one of {', '.join(X264_PRESETS)}.")
    if not isinstance(crf, int) or isinstance(crf, bool) or not 0 <= crf <= 51:
        raise InvalidInput(f"crf must be a whole number from 0 to 51 (got {crf!r}); 18-23 is typical.")
    audio_s = (frame_count * AUDIO_RATE // fps) // 1024 * 1024 / AUDIO_RATE
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        # The frames are BT.709 limited range (see rgb_to_yuv444): say so on the input,
        # so the stream is tagged without any conversion.
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", f"{width}x{height}",
        "-framerate", str(fps), "-colorspace", "bt709", "-color_primaries", "bt709",
        "-color_trc", "bt709", "-color_range", "tv", "-i", "pipe:0",
        "-f", "lavfi", "-t", f"{audio_s:.6f}",
        "-i", f"anullsrc=channel_layout=stereo:sample_rate={AUDIO_RATE}",
        "-map", "0:v:0", "-map", "1:a:0",
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k",
        "-movflags", "+faststart", "-f", "mp4", str(output),
    ]  # fmt: skip


class Encoder:
    """An ffmpeg child reading raw frames on a pipe; ``ProviderError`` with its stderr.

    Use as a context manager: leaving the block normally waits for ffmpeg and checks it;
    leaving with an exception kills it.
    """

    def __init__(self, command: list[str]) -> None:
        self.command = command
        # Lives as long as the encoder (closed in __exit__): ffmpeg writes to it directly,
        # so a chatty ffmpeg can never block on a full stderr pipe.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr
            )
        except OSError as exc:
            self._stderr.close()
            raise ProviderError(f"could not start ffmpeg ({command[0]}): {exc}") from exc
        assert self._proc.stdin is not None
        self._fd = self._proc.stdin.fileno()
        with contextlib.suppress(OSError, AttributeError):
            # Linux: a 1 MiB pipe lets ffmpeg take a frame in fewer wake-ups.
            import fcntl

            fcntl.fcntl(self._fd, 1031, 1 << 20)  # F_SETPIPE_SZ

    def write(self, frame: np.ndarray) -> None:
        """Send one frame; raises ``ProviderError`` if ffmpeg has gone away."""
        view = memoryview(frame.data).cast("B")
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except (BrokenPipeError, ConnectionResetError):
            self._proc.wait()
            raise ProviderError(self._failure("stopped reading frames")) from None

    def close(self) -> None:
        """Finish the file; raises ``ProviderError`` if ffmpeg failed."""
        with contextlib.suppress(BrokenPipeError, OSError):
            assert self._proc.stdin is not None
            self._proc.stdin.close()
        code = self._proc.wait()
        if code != 0:
            raise ProviderError(self._failure(f"exited with code {code}"))

    def kill(self) -> None:
        """Stop ffmpeg now (the partial file is the caller's to remove)."""
        if self._proc.poll() is None:
            self._proc.kill()
        with contextlib.suppress(OSError):
            assert self._proc.stdin is not None
            self._proc.stdin.close()
        self._proc.wait()

    def _failure(self, what: str) -> str:
        return f"ffmpeg {what} while encoding the video. Last lines from ffmpeg:\n{self.stderr_tail()}"

    def stderr_tail(self, lines: int = 12) -> str:
        """The last ``lines`` lines ffmpeg printed, for error messages."""
        self._stderr.seek(0)
        text = self._stderr.read()[-8000:].decode("utf-8", "replace").strip()
        return "\n".join(text.splitlines()[-lines:]) or "(ffmpeg printed nothing)"

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self.close()
            else:
                self.kill()
        finally:
            self._stderr.close()


def encode(
    frames: Iterable[np.ndarray],
    output: Path,
    *,
    width: int,
    height: int,
    fps: int,
    frame_count: int,
    crf: int,
    preset: str,
) -> None:
    """Encode already-made I420 frames with exactly the settings :func:`render_video` uses.

    Used by the benchmark as the encode-only limit; also handy for tests.
    """
    command = encode_command(
        output, width=width, height=height, fps=fps, frame_count=frame_count, crf=crf, preset=preset
    )
    with Encoder(command) as encoder:
        for frame in frames:
            encoder.write(frame)


# --------------------------------------------------------------------------- subtitles


def _timestamp(frame: int, fps: int) -> str:
    ms = round(frame * 1000 / fps)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{ms:03d}"


def srt_text(plans: Sequence[ShotPlan], fps: int) -> str:
    """SubRip cues: each scene's voiceover from its first frame to its cut.

    Scenes without a voiceover get no cue; lines are wrapped at 42 characters.
    """
    cues: list[str] = []
    for plan in plans:
        text = " ".join(plan.scene.voiceover.split())
        if not text:
            continue
        lines = textwrap.wrap(text, SRT_LINE_CHARS, break_long_words=False)
        cues.append(
            f"{len(cues) + 1}\n{_timestamp(plan.start, fps)} --> {_timestamp(plan.end, fps)}\n"
            + "\n".join(lines)
            + "\n"
        )
    return "\n".join(cues)


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class VideoFiles:
    """What :func:`render_video` wrote."""

    video: Path
    poster: Path
    subtitles: Path
    width: int
    height: int
    fps: int
    duration_s: float
    frame_count: int


def poster_frame(plans: Sequence[ShotPlan], fps: int) -> int:
    """The frame used as the poster: in the first shot, before any crossfade, with its
    text already on screen, about a second in (or mid-shot for a short first shot)."""
    first = plans[0]
    solo_end = plans[1].span_start if len(plans) > 1 else first.end
    return max(0, min(first.start + fps, (first.start + solo_end) // 2))


def render_video(
    story: Story,
    frames: Sequence[bytes],
    workdir: Path | str,
    *,
    width: int,
    height: int,
    fps: int = 30,
    crf: int = 20,
    preset: str = "veryfast",
    transition_s: float = 0.5,
    seed: int = 0,
    headlines_drawn: Sequence[bool] = (),
    progress: ProgressFn | None = None,
    video_name: str = "ad.mp4",
    poster_name: str = "poster.png",
    subtitles_name: str = "ad.srt",
) -> VideoFiles:
    """Render ``story`` from its storyboard ``frames`` (PNG bytes, one per scene) into
    ``workdir``: an H.264/AAC MP4, a PNG poster and an .srt of the voiceover.

    ``headlines_drawn[i]`` says frame ``i`` already shows its scene's on-screen text as
    a headline (the offline storyboard draws it), so it is not burned in twice.
    ``progress(done_frames, total_frames, "Rendering shot 3 of 6")`` is called at each
    shot and about once per second of video. Raises ``InvalidInput`` for a wrong number
    of frames, bytes that are not an image or unusable sizes, and ``ProviderError`` if
    ffmpeg fails (with its last stderr lines). Files appear only when complete.

    >>> files = render_video(story, pngs, "out", width=1280, height=720)  # doctest: +SKIP
    """
    source = FrameSource(
        story, frames, width=width, height=height, fps=fps, transition_s=transition_s, seed=seed,
        headlines_drawn=headlines_drawn,
    )
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    video = workdir / video_name
    poster = workdir / poster_name
    subtitles = workdir / subtitles_name
    partial = workdir / f".{video_name}.part"
    report = progress or (lambda done, total, message: None)
    total = source.frame_count
    shots = len(source.plans)
    starts = {plan.start: plan.number for plan in source.plans}
    poster_at = poster_frame(source.plans, fps)
    poster_rgb: np.ndarray | None = None
    command = encode_command(
        partial, width=width, height=height, fps=fps, frame_count=total, crf=crf, preset=preset
    )
    shot = 1
    try:
        with Encoder(command) as encoder:
            for k, buf in source:
                if k in starts or k % fps == 0:
                    shot = starts.get(k, shot)
                    report(k, total, f"Rendering shot {shot} of {shots}")
                if k == poster_at:
                    poster_rgb = i420_to_rgb(buf, width, height)
                encoder.write(buf)
            report(total, total, "Finishing video")
        os.replace(partial, video)
    finally:
        partial.unlink(missing_ok=True)
    assert poster_rgb is not None
    ok, png = cv2.imencode(".png", cv2.cvtColor(poster_rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ProviderError("could not encode the poster frame as PNG.")
    poster.write_bytes(png.tobytes())
    subtitles.write_text(srt_text(source.plans, fps), encoding="utf-8")
    report(total, total, f"Video ready: {source.duration_s:g} s, {width}x{height}")
    return VideoFiles(
        video=video,
        poster=poster,
        subtitles=subtitles,
        width=width,
        height=height,
        fps=fps,
        duration_s=source.duration_s,
        frame_count=total,
    )
