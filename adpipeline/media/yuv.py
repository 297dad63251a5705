"""Planar YUV 4:2:0 (ffmpeg's ``yuv420p``) pixel maths: BT.709 limited-range colour
conversion, views of a frame's planes, and text boxes blended as premultiplied YUV.

Frames are made directly in the encoder's pixel format (see :mod:`.video`), so this is
the colour arithmetic every frame goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

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
    y, u, v = i420_planes(buf, width, height)
    uv = cv2.merge([u, v])
    uv = cv2.resize(uv, (width, height), interpolation=cv2.INTER_LINEAR)
    yuv = np.dstack([y, uv])
    return cv2.transform(yuv, _YUV_TO_RGB)


def i420_planes(buf: np.ndarray, width: int, height: int) -> tuple[np.ndarray, ...]:
    """Views of the Y, U and V planes of a flat I420 buffer (no copies)."""
    n = width * height
    q = n // 4
    return (
        buf[:n].reshape(height, width),
        buf[n : n + q].reshape(height // 2, width // 2),
        buf[n + q : n + 2 * q].reshape(height // 2, width // 2),
    )


@dataclass
class Overlay:
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
        planes = zip(i420_planes(buf, width, height), self.planes, strict=True)
        for n, (plane, (inv, pre)) in enumerate(planes):
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

    @classmethod
    def from_rgba(cls, box: Image.Image, x: int, y: int) -> Overlay:
        """An RGBA text box placed at ``x``, ``y`` (even numbers: the chroma grid)."""
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
        return cls(x=x, y=y, w=w, h=h, planes=planes, scratch=scratch)
