"""Outdoor backdrops, one function per setting, each listed in the registry (``BACKDROPS``)."""

from __future__ import annotations

import math

from ..palette import INK, TIMES, lighter, mix
from ..pen import Pen
from .parts import (
    buildings,
    cactus,
    draw_sky,
    ground,
    hills,
    lamp_glow,
    mountains,
    palm,
    plant,
    tree_pine,
    tree_round,
)
from .scene import Scene


def beach(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    hz = h * 0.5
    draw_sky(p, sc, hz)
    sea = {"day": ((40, 118, 188), (74, 170, 206)), "morning": ((70, 130, 180), (150, 190, 200)),
           "sunset": ((90, 70, 120), (226, 136, 96)), "night": ((10, 18, 44), (24, 40, 74))}
    top, near = sea[sc.time]
    shore = h * 0.68
    p.gradient((0, hz, w, shore), ((0.0, top), (1.0, near)))
    if sc.time in ("sunset", "night"):
        glint = (255, 200, 120, 90) if sc.time == "sunset" else (220, 230, 255, 70)
        for k in range(8):
            y = hz + (shore - hz) * (k + 0.5) / 8
            half = w * (0.02 + 0.015 * k)
            p.rect(w * 0.5 - half, y - 1.5, w * 0.5 + half, y + 1.5, glint, lit=False)
    for _ in range(14):
        y = hz + (shore - hz) * rng.random()
        x = rng.random() * w
        p.line([(x, y), (x + w * 0.04, y)], (255, 255, 255, 110), 1.5, lit=False)
    sand = (232, 206, 150)
    ground(p, sc, shore, sand, lighter(sand, 0.1))
    p.poly([(0, shore), (w, shore), (w, shore + h * 0.018)] + [
        (w * (1 - i / 10), shore + h * (0.012 + 0.012 * math.sin(i * 1.3))) for i in range(11)],
        (250, 250, 245, 200))
    if rng.random() < 0.7:
        bx = w * (0.78 + 0.1 * rng.random())
        p.poly([(bx, hz - h * 0.045), (bx + w * 0.01, hz - h * 0.005),
                (bx - w * 0.012, hz - h * 0.005)], (250, 250, 250))
        p.rect(bx - w * 0.016, hz - h * 0.006, bx + w * 0.014, hz, (120, 90, 70))
    ux = w * (0.12 + 0.1 * rng.random()) if rng.random() < 0.5 else w * (0.78 + 0.1 * rng.random())
    base = h * 0.84
    p.line([(ux, base), (ux, base - h * 0.26)], (236, 236, 236), 2.5, outline=True)
    top_y = base - h * 0.27
    for k in range(6):
        a0, a1 = 180 + k * 30, 180 + (k + 1) * 30
        col = sc.pal(k % 2) if k % 2 else (250, 250, 245)
        p.draw.pieslice(tuple(v * p.s for v in (ux - w * 0.1, top_y - h * 0.06, ux + w * 0.1,
                                                top_y + h * 0.08)), a0, a1,
                        fill=p.col(col), outline=p.col(INK), width=max(1, round(1.2 * p.s)))
    tx = ux + (w * 0.07 if ux < w / 2 else -w * 0.16)
    p.poly([(tx, h * 0.86), (tx + w * 0.1, h * 0.86), (tx + w * 0.12, h * 0.93),
            (tx + w * 0.02, h * 0.93)], sc.pal(2), outline=True)
    p.line([(tx + w * 0.035, h * 0.86), (tx + w * 0.055, h * 0.93)], (255, 255, 255), 2.0)
    palm(p, w * (0.92 if ux < w / 2 else 0.06), h * 0.8, h * 0.55, -1 if ux < w / 2 else 1)


def city_street(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.6)
    buildings(p, sc, h * 0.62, 0.25, 0.42, near=False)
    buildings(p, sc, h * 0.7, 0.3, 0.6)
    for k in range(3):
        ax = w * (0.1 + 0.3 * k + 0.05 * rng.random())
        p.poly([(ax, h * 0.6), (ax + w * 0.12, h * 0.6), (ax + w * 0.13, h * 0.64),
                (ax - w * 0.01, h * 0.64)], sc.pal(k), outline=True)
        for s in range(0, 6, 2):
            sx = ax + w * 0.12 * s / 6
            p.rect(sx, h * 0.6, sx + w * 0.02, h * 0.64, (250, 250, 245, 160))
    p.rect(0, h * 0.7, w, h * 0.77, (176, 174, 170))
    p.line([(0, h * 0.77), (w, h * 0.77)], (120, 118, 116), 2.0)
    p.gradient((0, h * 0.77, w, h), ((0.0, (70, 72, 78)), (1.0, (52, 54, 60))), lit=True)
    for k in range(8):
        x = w * (k / 8 + 0.02)
        p.rect(x, h * 0.875, x + w * 0.06, h * 0.885, (236, 230, 200))
    for lx in (w * 0.08, w * 0.62):
        p.rect(lx - 2, h * 0.36, lx + 2, h * 0.77, (60, 64, 70), outline=True)
        p.rect(lx - 2, h * 0.36, lx + w * 0.04, h * 0.375, (60, 64, 70))
        p.ellipse(lx + w * 0.04, h * 0.385, w * 0.012, h * 0.012,
                  (255, 236, 170) if sc.dark else (220, 220, 210), lit=not sc.dark)
        lamp_glow(p, lx + w * 0.04, h * 0.39, h * 0.03, sc)
    tree_round(p, w * 0.9, h * 0.74, h * 0.3, (70, 140, 76))


def forest(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.55)
    far = mix((60, 110, 80), TIMES[sc.time].sky[-1][1], 0.45)
    for _ in range(int(w / (h * 0.06))):
        tree_pine(p, rng.random() * w, h * 0.6, h * (0.3 + 0.15 * rng.random()), far,
                  outline=False)
    ground(p, sc, h * 0.58, (70, 96, 52), (90, 116, 66))
    p.poly([(w * 0.46, h * 0.58), (w * 0.54, h * 0.58), (w * 0.78, h), (w * 0.22, h)],
           (170, 140, 100))
    mid = (46, 104, 60)
    for _ in range(9):
        x = rng.random() * w
        tree_pine(p, x, h * (0.66 + 0.06 * rng.random()), h * (0.45 + 0.15 * rng.random()), mid)
    for x in (w * 0.06, w * 0.92, w * 0.16):
        p.rect(x - h * 0.03, 0, x + h * 0.03, h * 0.95, (92, 64, 44), outline=True)
        p.circle(x, h * 0.02, h * 0.18, (40, 92, 52), outline=True)
    if sc.time in ("day", "morning"):
        for k in range(3):
            x = w * (0.3 + 0.2 * k)
            p.poly([(x, 0), (x + w * 0.05, 0), (x + w * 0.2, h * 0.9), (x + w * 0.08, h * 0.9)],
                   (255, 250, 200, 36), lit=False)
    for _ in range(10):
        fx, fy = rng.random() * w, h * (0.8 + 0.18 * rng.random())
        p.ellipse(fx, fy, h * 0.03, h * 0.012, (60, 120, 60))
    if sc.night:
        for _ in range(14):
            p.circle(rng.random() * w, h * (0.5 + 0.4 * rng.random()), 1.6, (240, 250, 140),
                     lit=False)


def park(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.56)
    far = mix((76, 130, 84), TIMES[sc.time].sky[-1][1], 0.4)
    for k in range(int(w / (h * 0.1))):
        p.circle(k * h * 0.1 + rng.random() * 10, h * 0.55, h * (0.05 + 0.03 * rng.random()), far)
    ground(p, sc, h * 0.55, (96, 166, 82), (126, 184, 100))
    p.poly([(w * 0.55, h * 0.55), (w * 0.6, h * 0.55), (w * 0.45, h * 0.75), (w * 0.7, h),
            (w * 0.35, h), (w * 0.32, h * 0.75)], (214, 200, 170))
    for x, s in ((w * 0.12, 0.42), (w * 0.85, 0.48), (w * 0.68, 0.26)):
        tree_round(p, x, h * (0.58 + 0.2 * s), h * s, (64, 136, 70))
    bx = w * 0.74
    p.rect(bx, h * 0.74, bx + w * 0.14, h * 0.755, (150, 104, 64), outline=True)
    p.rect(bx, h * 0.69, bx + w * 0.14, h * 0.705, (150, 104, 64), outline=True)
    for lx in (bx + 5, bx + w * 0.14 - 8):
        p.rect(lx, h * 0.755, lx + 3, h * 0.8, (60, 60, 64))
    lx = w * 0.28
    p.rect(lx - 2, h * 0.4, lx + 2, h * 0.72, (50, 54, 60), outline=True)
    p.circle(lx, h * 0.39, h * 0.015, (255, 236, 170) if sc.dark else (230, 230, 220),
             lit=not sc.dark)
    lamp_glow(p, lx, h * 0.39, h * 0.025, sc)
    for _ in range(24):
        fx, fy = rng.random() * w, h * (0.62 + 0.35 * rng.random())
        p.circle(fx, fy, 2.2, sc.pal(rng.randrange(5)))


def mountain_trail(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.6)
    sky_low = TIMES[sc.time].sky[-1][1]
    mountains(p, sc, h * 0.6, h * 0.4, mix((110, 126, 160), sky_low, 0.3))
    hills(p, sc, h * 0.66, h * 0.1, mix((84, 130, 80), sky_low, 0.2))
    ground(p, sc, h * 0.64, (110, 140, 78), (128, 150, 92))
    p.poly([(w * 0.5, h * 0.64), (w * 0.53, h * 0.64), (w * 0.45, h * 0.75), (w * 0.72, h),
            (w * 0.4, h), (w * 0.38, h * 0.75)], (186, 160, 120))
    for _ in range(6):
        x, y = rng.random() * w, h * (0.72 + 0.25 * rng.random())
        s = h * (0.02 + 0.03 * rng.random())
        p.poly([(x - s, y), (x - s * 0.6, y - s * 0.9), (x + s * 0.4, y - s),
                (x + s, y)], (140, 136, 130), outline=True)
    for x in (w * 0.06, w * 0.14, w * 0.9):
        tree_pine(p, x, h * (0.8 + 0.05 * rng.random()), h * 0.4, (46, 100, 60))
    sx = w * 0.8
    p.rect(sx - 2, h * 0.62, sx + 2, h * 0.78, (120, 90, 60), outline=True)
    p.poly([(sx - w * 0.05, h * 0.63), (sx + w * 0.06, h * 0.63), (sx + w * 0.075, h * 0.655),
            (sx + w * 0.06, h * 0.68), (sx - w * 0.05, h * 0.68)], (170, 130, 84), outline=True)


def desert_road(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    hz = h * 0.56
    draw_sky(p, sc, hz)
    sky_low = TIMES[sc.time].sky[-1][1]
    for _ in range(3):
        cx, half = rng.random() * w, w * (0.08 + 0.08 * rng.random())
        top = hz - h * (0.08 + 0.08 * rng.random())
        p.poly([(cx - half, hz), (cx - half * 0.7, top), (cx + half * 0.7, top), (cx + half, hz)],
               mix((176, 92, 60), sky_low, 0.35))
    ground(p, sc, hz, (214, 170, 110), (226, 190, 140))
    hills(p, sc, h * 0.62, h * 0.03, (206, 160, 100), bumps=3)
    p.poly([(w * 0.49, hz), (w * 0.51, hz), (w * 0.9, h), (w * 0.1, h)], (70, 70, 76))
    for k in range(7):
        t0, t1 = (k / 7) ** 2, ((k + 0.5) / 7) ** 2
        y0, y1 = hz + (h - hz) * t0, hz + (h - hz) * t1
        half0, half1 = w * 0.002 + t0 * w * 0.008, w * 0.002 + t1 * w * 0.008
        p.poly([(w / 2 - half0, y0), (w / 2 + half0, y0), (w / 2 + half1, y1),
                (w / 2 - half1, y1)], (240, 210, 80))
    for k in range(4):
        t = 0.15 + 0.25 * k
        x, y = w * 0.5 + (w * 0.42) * t + w * 0.05, hz + (h - hz) * t
        size = h * 0.25 * t + 4
        p.line([(x, y), (x, y - size)], (90, 70, 50), max(1.0, size * 0.04))
        p.line([(x - size * 0.2, y - size * 0.92), (x + size * 0.2, y - size * 0.92)],
               (90, 70, 50), max(1.0, size * 0.03))
    for x, s in ((w * 0.14, 0.26), (w * 0.3, 0.12), (w * 0.86, 0.2)):
        cactus(p, x, h * (0.66 + 0.5 * s), h * s)


def lake(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    hz = h * 0.5
    draw_sky(p, sc, hz)
    sky_low = TIMES[sc.time].sky[-1][1]
    mountains(p, sc, hz, h * 0.22, mix((100, 120, 150), sky_low, 0.35), count=3)
    for k in range(int(w / (h * 0.04))):
        tree_pine(p, k * h * 0.04 + rng.random() * 6, hz + h * 0.02,
                  h * (0.08 + 0.05 * rng.random()), mix((40, 90, 60), sky_low, 0.2),
                  outline=False)
    water_top, water_near = {"day": ((80, 150, 200), (40, 100, 150)),
                             "morning": ((170, 190, 205), (80, 120, 150)),
                             "sunset": ((220, 140, 110), (90, 70, 110)),
                             "night": ((30, 40, 76), (10, 16, 36))}[sc.time]
    p.gradient((0, hz + h * 0.02, w, h * 0.82), ((0.0, water_top), (1.0, water_near)))
    for _ in range(16):
        x, y = rng.random() * w, hz + h * (0.04 + 0.3 * rng.random())
        p.line([(x, y), (x + w * 0.05, y)], (255, 255, 255, 80), 1.5, lit=False)
    ground(p, sc, h * 0.82, (98, 140, 76), (110, 150, 86))
    dx = w * (0.62 + 0.1 * rng.random())
    p.poly([(dx, h * 0.66), (dx + w * 0.08, h * 0.66), (dx + w * 0.16, h * 0.86),
            (dx - w * 0.02, h * 0.86)], (150, 110, 76), outline=True)
    for k in range(5):
        y = h * (0.68 + k * 0.04)
        p.line([(dx - w * 0.01 * k / 4 * 2, y), (dx + w * 0.08 + w * 0.08 * k / 4, y)],
               (110, 80, 56), 1.2)
    p.ellipse(w * 0.25, h * 0.7, w * 0.08, h * 0.012, sc.pal(0), outline=True)
    for _ in range(12):
        gx = rng.random() * w
        p.line([(gx, h * 0.84), (gx + 3, h * 0.8)], (60, 110, 60), 2)


def rooftop(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.64)
    buildings(p, sc, h * 0.64, 0.06, 0.3, near=False)
    p.gradient((0, h * 0.64, w, h), ((0.0, (150, 146, 140)), (1.0, (120, 116, 112))), lit=True)
    p.rect(0, h * 0.6, w, h * 0.66, (170, 160, 150), outline=True)
    for k in range(11):
        x = w * k / 10
        p.rect(x - 2, h * 0.5, x + 2, h * 0.6, (60, 60, 64))
    p.rect(0, h * 0.49, w, h * 0.505, (60, 60, 64))
    pts = [(w * k / 20, h * (0.2 + 0.05 * math.sin(k / 20 * math.pi * 2))) for k in range(21)]
    p.line(pts, (40, 40, 40), 1.2)
    for k, (x, y) in enumerate(pts):
        bulb = (255, 226, 150) if sc.dark else (240, 240, 230)
        if sc.dark:
            p.circle(x, y + 6, 7, (255, 214, 140, 50), lit=False)
        p.circle(x, y + 5, 3.5, bulb if k % 3 else sc.pal(k), lit=not sc.dark)
    tx = w * (0.82 if rng.random() < 0.5 else 0.08)
    p.rect(tx, h * 0.3, tx + w * 0.1, h * 0.48, (130, 96, 70), outline=True)
    p.poly([(tx - 5, h * 0.3), (tx + w * 0.05, h * 0.24), (tx + w * 0.1 + 5, h * 0.3)],
           (100, 74, 56), outline=True)
    for lx in (tx + 8, tx + w * 0.1 - 12):
        p.rect(lx, h * 0.48, lx + 4, h * 0.6, (70, 70, 76))
    for k in range(2):
        px = w * (0.3 + 0.4 * k)
        plant(p, px, h * 0.74, h * 0.16, sc.pal(k + 2))
    cx = w * 0.55
    p.rect(cx, h * 0.74, cx + w * 0.14, h * 0.78, sc.pal(1), radius=4, outline=True)
    p.poly([(cx, h * 0.74), (cx - w * 0.02, h * 0.66), (cx + w * 0.01, h * 0.66),
            (cx + w * 0.03, h * 0.74)], sc.pal(1), outline=True)


def garden(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.5)
    tree_round(p, w * 0.86, h * 0.62, h * 0.5, (60, 130, 70))
    p.rect(0, h * 0.46, w, h * 0.62, (90, 140, 76), radius=8)
    for k in range(int(w / (h * 0.06)) + 1):
        x = k * h * 0.06
        p.poly([(x, h * 0.42), (x + h * 0.018, h * 0.4), (x + h * 0.036, h * 0.42),
                (x + h * 0.036, h * 0.6), (x, h * 0.6)], (236, 226, 206), outline=True)
    p.rect(0, h * 0.47, w, h * 0.485, (226, 214, 190))
    ground(p, sc, h * 0.6, (92, 160, 80), (110, 172, 92))
    for bed in range(2):
        y0 = h * (0.62 + 0.12 * bed)
        p.rect(w * 0.04, y0, w * 0.42, y0 + h * 0.08, (120, 84, 56), radius=6, outline=True)
        p.rect(w * 0.58, y0, w * 0.96, y0 + h * 0.08, (120, 84, 56), radius=6, outline=True)
        for _ in range(28):
            fx = w * (0.06 + 0.34 * rng.random()) if rng.random() < 0.5 else \
                w * (0.6 + 0.34 * rng.random())
            fy = y0 + h * 0.02 * rng.random()
            p.line([(fx, fy + h * 0.02), (fx, fy - h * 0.02)], (60, 120, 60), 1.5)
            p.circle(fx, fy - h * 0.025, h * 0.012, sc.pal(rng.randrange(5)), outline=True)
    for k in range(5):
        t = k / 4
        y = h * (0.64 + 0.34 * t)
        p.ellipse(w * 0.5, y, w * (0.03 + 0.03 * t), h * (0.01 + 0.012 * t), (190, 186, 176),
                  outline=True)
    cx = w * 0.47
    p.rect(cx, h * 0.86, cx + w * 0.05, h * 0.93, sc.pal(1), radius=4, outline=True)
    p.line([(cx + w * 0.05, h * 0.875), (cx + w * 0.08, h * 0.85)], sc.pal(1), 4, outline=True)


def stadium(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.3)
    p.poly([(0, h * 0.22), (w, h * 0.22), (w, h * 0.56), (0, h * 0.56)], (70, 74, 84))
    for tier in range(3):
        y0 = h * (0.24 + 0.1 * tier)
        p.rect(0, y0 + h * 0.085, w, y0 + h * 0.1, (50, 52, 60))
        for _ in range(int(w / 7)):
            x, y = rng.random() * w, y0 + rng.random() * h * 0.08
            p.circle(x, y, 2.2, sc.pal(rng.randrange(5)) if rng.random() < 0.6 else
                     (230, 200, 170))
    p.rect(0, h * 0.54, w, h * 0.58, (40, 40, 46))
    p.fit_text((w * 0.3, h * 0.545, w * 0.7, h * 0.575), "HOME  2 : 1  AWAY", (250, 250, 250))
    green = (70, 150, 70)
    p.rect(0, h * 0.58, w, h, green)
    for k in range(8):
        y0 = h * 0.58 + (h * 0.42) * (k / 8) ** 1.2
        y1 = h * 0.58 + (h * 0.42) * ((k + 1) / 8) ** 1.2
        if k % 2:
            p.rect(0, y0, w, y1, lighter(green, 0.1))
    p.line([(w * 0.5, h * 0.6), (w * 0.5, h)], (245, 245, 245), 2.5)
    p.ellipse(w * 0.5, h * 0.8, w * 0.12, h * 0.08, None, outline=(245, 245, 245))
    for x in (w * 0.05, w * 0.95):
        p.rect(x - 3, h * 0.02, x + 3, h * 0.3, (90, 90, 96), outline=True)
        p.rect(x - w * 0.04, h * 0.0, x + w * 0.04, h * 0.06, (60, 60, 66), outline=True)
        for k in range(4):
            lx = x - w * 0.03 + k * w * 0.02
            p.circle(lx, h * 0.03, h * 0.012, (255, 255, 230), lit=False)
        if sc.dark:
            p.circle(x, h * 0.03, h * 0.12, (255, 255, 220, 40), lit=False)


def plain_exterior(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    draw_sky(p, sc, h * 0.58)
    sky_low = TIMES[sc.time].sky[-1][1]
    hills(p, sc, h * 0.6, h * 0.12, mix((96, 140, 90), sky_low, 0.35))
    ground(p, sc, h * 0.58, (108, 160, 84), (130, 174, 98))
    for _ in range(3):
        tree_round(p, rng.random() * w, h * (0.64 + 0.06 * rng.random()),
                   h * (0.25 + 0.1 * rng.random()), (64, 134, 70))
    p.poly([(w * 0.48, h * 0.58), (w * 0.52, h * 0.58), (w * 0.7, h), (w * 0.3, h)],
           (200, 186, 156))
