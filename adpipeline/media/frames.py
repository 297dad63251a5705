"""The video's pictures: each storyboard still moved along its shot's camera path,
with its text burned in, crossfaded into the next, one I420 frame at a time.

How and why it is built this way (sub-pixel ``cv2.resize`` from pre-shifted copies,
frames made in the encoder's pixel format, text composed once per shot) is told in
:mod:`.video` and in the classes below.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence

import cv2
import numpy as np
from PIL import Image

from ..errors import InvalidInput
from ..models import Scene, Story
from .text import HEADLINE, SUBTITLE, headline_position, text_box, text_layout
from .timeline import PAN_TRAVEL, ShotPlan, camera_path, plan_shots
from .yuv import Overlay, i420_planes, rgb_to_yuv444


def _scene_overlays(
    scene: Scene, width: int, height: int, headline_drawn: bool = False
) -> list[Overlay]:
    _, bottom = text_layout(width, height)
    out = []
    headline = None if headline_drawn else text_box(scene.on_screen_text, HEADLINE, width, height)
    if headline is not None:
        out.append(Overlay.from_rgba(headline, *headline_position(headline, width, height)))
    subtitle = text_box(scene.voiceover, SUBTITLE, width, height)
    if subtitle is not None:
        x = (width - subtitle.width) // 2 & ~1
        y = max(0, round(bottom * height) - subtitle.height) & ~1
        out.append(Overlay.from_rgba(subtitle, x, y))
    return out


def decode_rgb(data: bytes, what: str) -> np.ndarray:
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
        rgb = decode_rgb(image, f"frame {plan.number} (scene {plan.scene.index})")
        src_h, src_w = rgb.shape[:2]
        # Cover-fit: 1 unit of "cover space" = 1 output pixel at zoom 1.
        cover = max(width / src_w, height / src_h)
        cover_w, cover_h = src_w * cover, src_h * cover
        path = camera_path(plan, fps, seed)
        z = path[:, 0]
        half_w, half_h = width / (2 * z), height / (2 * z)
        # Pan/tilt travel and handheld sway, in cover units, limited by the room the
        # zoom leaves (a wide still in a tall frame has room; never leave the still).
        if plan.motion.startswith("pan"):
            room = cover_w / 2 - half_w.max()
            cx = cover_w / 2 + path[:, 1] * min(2 * room, PAN_TRAVEL * width)
            cy = np.full_like(z, cover_h / 2)
        elif plan.motion.startswith("tilt"):
            room = cover_h / 2 - half_h.max()
            cx = np.full_like(z, cover_w / 2)
            cy = cover_h / 2 + path[:, 2] * min(2 * room, PAN_TRAVEL * height)
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
        self._planes = i420_planes(self.buf, width, height)
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
