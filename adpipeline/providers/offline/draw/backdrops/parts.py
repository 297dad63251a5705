"""The pieces backdrops are built from: sky, ground, hills, trees, windows, floors,
walls, buildings, mountains and small props.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .....media.colors import RGB
from ..palette import TIMES, darker, lighter, mix
from ..pen import Box, Pen
from .scene import Scene


def draw_sky(p: Pen, sc: Scene, bottom: float, *, top: float = 0.0, left: float = 0.0,
             right: float | None = None, bodies: bool = True) -> None:
    """Sky gradient for the time of day, with sun or moon, clouds or stars."""
    right = sc.w if right is None else right
    p.gradient((left, top, right, bottom), TIMES[sc.time].sky)
    if not bodies:
        return
    rng = sc.rng
    span, height = right - left, bottom - top
    if sc.night:
        for _ in range(int(span * height / 2500)):
            x, y = left + rng.random() * span, top + rng.random() * height * 0.9
            r = 0.6 + rng.random() * 1.1
            p.circle(x, y, r, (255, 255, 235, 160 + rng.randrange(90)), lit=False)
        mx, my, mr = left + span * (0.72 + 0.12 * rng.random()), top + height * 0.22, sc.h * 0.05
        p.circle(mx, my, mr * 2.2, (200, 210, 255, 28), lit=False)
        p.circle(mx, my, mr, (246, 242, 222), lit=False)
        p.circle(mx - mr * 0.3, my - mr * 0.2, mr * 0.18, (220, 216, 196), lit=False)
    elif sc.time == "sunset":
        sx, sy, sr = left + span * (0.3 + 0.4 * rng.random()), bottom - height * 0.08, sc.h * 0.09
        for k, a in ((3.2, 30), (2.2, 45), (1.5, 70)):
            p.circle(sx, sy, sr * k, (255, 190, 90, a), lit=False)
        p.circle(sx, sy, sr, (255, 226, 150), lit=False)
    else:
        sx = left + span * (0.78 if sc.time == "day" else 0.2) + rng.uniform(-0.05, 0.05) * span
        sy = top + height * (0.2 if sc.time == "day" else 0.62)
        sr = sc.h * 0.055
        p.circle(sx, sy, sr * 2.4, (255, 250, 210, 40), lit=False)
        p.circle(sx, sy, sr, (255, 246, 200), lit=False)
    if not sc.night:
        cloud = (255, 255, 255, 200) if sc.time == "day" else (255, 214, 200, 170)
        for _ in range(2 + rng.randrange(3)):
            cx = left + rng.random() * span
            cy = top + height * (0.12 + 0.45 * rng.random())
            size = sc.h * (0.03 + 0.03 * rng.random())
            draw_cloud(p, cx, cy, size, cloud)


def draw_cloud(p: Pen, cx: float, cy: float, size: float, color: Sequence[int]) -> None:
    for dx, dy, r in ((-1.6, 0.3, 0.9), (-0.6, -0.3, 1.2), (0.6, -0.1, 1.1), (1.6, 0.35, 0.8),
                      (0.0, 0.45, 1.0)):
        p.circle(cx + dx * size, cy + dy * size, r * size, color, lit=False)


def ground(p: Pen, sc: Scene, top: float, color: RGB, far: RGB | None = None) -> None:
    p.gradient((0, top, sc.w, sc.h), ((0.0, far or lighter(color, 0.15)), (1.0, color)),
               lit=True)


def hills(p: Pen, sc: Scene, base: float, height: float, color: RGB, bumps: int = 4) -> None:
    rng = sc.rng
    pts = [(0.0, base)]
    n = bumps * 6
    phase = rng.random() * 6.28
    for i in range(n + 1):
        x = sc.w * i / n
        y = base - height * (0.55 + 0.45 * math.sin(i / n * bumps * 3.14 + phase)
                             * (0.6 + 0.4 * math.sin(i * 1.7 + phase)))
        pts.append((x, y))
    pts.append((sc.w, base))
    p.poly(pts, color)


def tree_round(p: Pen, x: float, base: float, size: float, leaf: RGB,
               trunk: RGB = (112, 78, 52)) -> None:
    p.rect(x - size * 0.07, base - size * 0.55, x + size * 0.07, base, trunk, outline=True)
    for dx, dy, r in ((-0.22, -0.62, 0.3), (0.22, -0.64, 0.3), (0.0, -0.82, 0.34),
                      (0.0, -0.6, 0.3)):
        p.circle(x + dx * size, base + dy * size, r * size, leaf, outline=True)
    for dx, dy, r in ((-0.12, -0.85, 0.12), (0.15, -0.7, 0.09)):
        p.circle(x + dx * size, base + dy * size, r * size, lighter(leaf, 0.18))


def tree_pine(p: Pen, x: float, base: float, size: float, leaf: RGB,
              outline: bool = True) -> None:
    p.rect(x - size * 0.04, base - size * 0.16, x + size * 0.04, base, (96, 66, 44),
           outline=outline)
    for k in range(3):
        top = base - size * (1.0 - k * 0.22)
        bottom = base - size * (0.12 + (2 - k) * 0.2)
        half = size * (0.18 + k * 0.07)
        p.poly([(x, top), (x - half, bottom), (x + half, bottom)], darker(leaf, k * 0.06),
               outline=outline)


def palm(p: Pen, x: float, base: float, size: float, lean: float = 1.0) -> None:
    pts = [(x + lean * size * 0.25 * (t / 10) ** 2, base - size * t / 10) for t in range(11)]
    p.line(pts, (140, 100, 62), size * 0.06, outline=True)
    tx, ty = pts[-1]
    leaf = (52, 132, 66)
    for k, ang in enumerate((-165, -135, -105, -75, -45, -15, 160, 20)):
        a = math.radians(ang)
        # Fronds rise, then droop: a leaf-shaped polygon around a bent midrib.
        length = size * (0.38 if k % 2 else 0.44)
        dx, dy = math.cos(a), math.sin(a)
        mid = (tx + dx * length * 0.5, ty + dy * length * 0.35 - size * 0.03)
        tip = (tx + dx * length, ty + dy * length * 0.2 + size * 0.12)
        nx, ny = -dy, dx
        half = size * 0.045
        p.poly([(tx, ty), (mid[0] + nx * half, mid[1] + ny * half), tip,
                (mid[0] - nx * half, mid[1] - ny * half)], darker(leaf, 0.08 * (k % 2)),
               outline=True)
    p.circle(tx, ty + size * 0.03, size * 0.04, (110, 80, 50))


def window(p: Pen, sc: Scene, box: Box, frame: RGB = (245, 245, 240), panes: int = 2,
           view: str = "sky") -> None:
    x0, y0, x1, y1 = box
    sub = Scene(x1 - x0, y1 - y0, sc.time, sc.palette, sc.rng)
    p.gradient(box, TIMES[sc.time].sky)
    if view == "city":
        rng = sc.rng
        x = x0
        while x < x1:
            bw = (x1 - x0) * (0.12 + 0.15 * rng.random())
            top = y0 + (y1 - y0) * (0.35 + 0.4 * rng.random())
            shade = (150, 160, 176) if not sc.dark else (50, 56, 80)
            p.rect(x, top, min(x1, x + bw), y1, shade, lit=False)
            x += bw + 2
    elif view == "garden":
        p.rect(x0, y0 + (y1 - y0) * 0.7, x1, y1, (96, 156, 80) if not sc.night else (24, 40, 34),
               lit=False)
        for k in range(3):
            cx = x0 + (x1 - x0) * (0.2 + 0.3 * k)
            col = (70, 130, 66) if not sc.night else (20, 34, 30)
            p.circle(cx, y0 + (y1 - y0) * 0.68, (y1 - y0) * 0.16, col, lit=False)
    if sc.night:
        p.circle(x0 + sub.w * 0.7, y0 + sub.h * 0.25, min(sub.w, sub.h) * 0.08, (240, 236, 210),
                 lit=False)
    elif sc.time != "sunset" and view == "sky":
        draw_cloud(p, x0 + sub.w * 0.35, y0 + sub.h * 0.3, min(sub.w, sub.h) * 0.07,
                   (255, 255, 255, 210))
    t = max(2.0, (x1 - x0) * 0.04)
    p.rect(x0 - t, y0 - t, x1 + t, y0, frame, outline=True)
    p.rect(x0 - t, y1, x1 + t, y1 + t * 1.4, frame, outline=True)
    p.rect(x0 - t, y0, x0, y1, frame)
    p.rect(x1, y0, x1 + t, y1, frame)
    for k in range(1, panes):
        x = x0 + (x1 - x0) * k / panes
        p.rect(x - t / 2, y0, x + t / 2, y1, frame)
    p.rect(x0, (y0 + y1) / 2 - t / 3, x1, (y0 + y1) / 2 + t / 3, frame)


def plant(p: Pen, x: float, base: float, size: float, pot: RGB) -> None:
    leaf = (60, 140, 76)
    for ang in (-70, -40, -100, -130, -10, -160):
        a = math.radians(ang)
        ex, ey = x + math.cos(a) * size * 0.5, base - size * 0.35 + math.sin(a) * size * 0.6
        p.line([(x, base - size * 0.3), (ex, ey)], leaf, size * 0.08)
        p.ellipse(ex, ey, size * 0.1, size * 0.16, lighter(leaf, 0.1), outline=True)
    p.poly([(x - size * 0.2, base - size * 0.32), (x + size * 0.2, base - size * 0.32),
            (x + size * 0.15, base), (x - size * 0.15, base)], pot, outline=True)


def lamp_glow(p: Pen, x: float, y: float, r: float, sc: Scene) -> None:
    if sc.dark:
        for k, a in ((3.0, 26), (2.0, 40), (1.3, 60)):
            p.circle(x, y, r * k, (255, 214, 140, a), lit=False)


def frame_art(p: Pen, box: Box, sc: Scene, k: int) -> None:
    x0, y0, x1, y1 = box
    p.rect(x0, y0, x1, y1, (250, 248, 242), outline=True)
    m = (x1 - x0) * 0.12
    p.rect(x0 + m, y0 + m, x1 - m, y1 - m, lighter(sc.pal(k), 0.25))
    p.poly([(x0 + m, y1 - m), ((x0 + x1) / 2, y0 + (y1 - y0) * 0.45), (x1 - m, y1 - m)],
           darker(sc.pal(k + 1), 0.1))


def draw_floor(p: Pen, sc: Scene, top: float, color: RGB, kind: str = "wood") -> None:
    p.gradient((0, top, sc.w, sc.h), ((0.0, darker(color, 0.12)), (1.0, color)), lit=True)
    if kind == "wood":
        n = 9
        for i in range(n + 1):
            x_far = sc.w * (0.2 + 0.6 * i / n)
            x_near = sc.w * (-0.6 + 2.2 * i / n)
            p.line([(x_far, top), (x_near, sc.h)], darker(color, 0.18), 1.0)
    elif kind == "tile":
        for i in range(1, 6):
            y = top + (sc.h - top) * (i / 6) ** 1.4
            p.line([(0, y), (sc.w, y)], darker(color, 0.15), 1.0)
        for i in range(13):
            x_far = sc.w * (0.1 + 0.8 * i / 12)
            x_near = sc.w * (-0.8 + 2.6 * i / 12)
            p.line([(x_far, top), (x_near, sc.h)], darker(color, 0.15), 1.0)


def draw_wall(p: Pen, sc: Scene, bottom: float, color: RGB) -> None:
    p.gradient((0, 0, sc.w, bottom), ((0.0, darker(color, 0.08)), (1.0, color)), lit=True)
    p.rect(0, bottom - sc.h * 0.012, sc.w, bottom, darker(color, 0.25))


def buildings(p: Pen, sc: Scene, base: float, low: float, high: float, *,
              near: bool = True) -> None:
    rng, w, h = sc.rng, sc.w, sc.h
    x = -w * 0.02
    lit_window = (255, 214, 120)
    while x < w:
        bw = w * (0.07 + 0.09 * rng.random())
        top = base - h * (low + (high - low) * rng.random())
        tone = rng.choice([(168, 160, 150), (150, 120, 104), (120, 130, 146), (190, 178, 160),
                           mix(sc.pal(rng.randrange(4)), (150, 150, 150), 0.6)])
        if not near:
            tone = mix(tone, TIMES[sc.time].sky[-1][1], 0.45)
        p.rect(x, top, x + bw, base, tone, outline=near)
        if near:
            p.rect(x - 2, top - 3, x + bw + 2, top + 2, darker(tone, 0.2))
        cols = max(2, int(bw / (h * 0.035)))
        rows = max(2, int((base - top) / (h * 0.05)))
        gx = bw / cols
        gy = (base - top - h * 0.02) / rows
        for i in range(cols):
            for j in range(rows):
                wx, wy = x + i * gx + gx * 0.25, top + h * 0.02 + j * gy + gy * 0.2
                on = sc.dark and rng.random() < (0.6 if sc.night else 0.3)
                col = lit_window if on else (darker(tone, 0.35) if sc.dark else (196, 214, 230))
                p.rect(wx, wy, wx + gx * 0.5, wy + gy * 0.55, col, lit=not on)
        x += bw + w * 0.004


def mountains(p: Pen, sc: Scene, base: float, height: float, color: RGB, *,
              snow: bool = True, count: int = 4) -> None:
    rng, w = sc.rng, sc.w
    for _ in range(count):
        cx = rng.random() * w
        half = w * (0.15 + 0.15 * rng.random())
        top = base - height * (0.6 + 0.4 * rng.random())
        p.poly([(cx - half, base), (cx, top), (cx + half, base)], color)
        p.poly([(cx, top), (cx + half, base), (cx + half * 0.2, base)], darker(color, 0.12))
        if snow:
            t = 0.22
            p.poly([(cx, top), (cx - half * t, top + (base - top) * t),
                    (cx - half * t * 0.3, top + (base - top) * t * 0.8),
                    (cx + half * t * 0.3, top + (base - top) * t * 1.05),
                    (cx + half * t, top + (base - top) * t)], (246, 248, 252))


def cactus(p: Pen, x: float, base: float, size: float, color: RGB = (70, 134, 76)) -> None:
    arm = size * 0.12
    p.line([(x, base), (x, base - size)], color, size * 0.2, outline=True)
    p.line([(x - size * 0.1, base - size * 0.45), (x - size * 0.28, base - size * 0.45),
            (x - size * 0.28, base - size * 0.72)], color, arm, outline=True)
    p.line([(x + size * 0.1, base - size * 0.55), (x + size * 0.26, base - size * 0.55),
            (x + size * 0.26, base - size * 0.8)], color, arm, outline=True)
    p.line([(x, base), (x, base - size)], color, size * 0.2)
