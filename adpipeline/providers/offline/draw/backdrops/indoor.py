"""Indoor backdrops, one function per setting, each listed in the registry (``BACKDROPS``)."""

from __future__ import annotations

from ..palette import INK, darker, lighter, mix
from ..pen import Pen
from .parts import draw_floor, draw_wall, frame_art, lamp_glow, plant, window
from .scene import Scene


def kitchen(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    wall = mix(sc.pal(3), (246, 240, 228), 0.7)
    draw_wall(p, sc, h * 0.88, wall)
    draw_floor(p, sc, h * 0.88, (196, 190, 180), "tile")
    cab = mix(sc.pal(1), (240, 240, 236), 0.35)
    window(p, sc, (w * 0.38, h * 0.1, w * 0.62, h * 0.42), view="garden")
    for x0, x1 in ((w * 0.02, w * 0.34), (w * 0.66, w * 0.98)):
        p.rect(x0, h * 0.06, x1, h * 0.34, cab, outline=True)
        n = 3
        for k in range(n):
            a = x0 + (x1 - x0) * k / n
            p.rect(a + 4, h * 0.08, a + (x1 - x0) / n - 4, h * 0.32, lighter(cab, 0.08),
                   outline=True)
            p.rect(a + (x1 - x0) / n / 2 - 1.5, h * 0.27, a + (x1 - x0) / n / 2 + 1.5,
                   h * 0.31, (90, 90, 96))
    for i in range(int(w / (h * 0.05)) + 1):
        for j in range(3):
            x, y = i * h * 0.05, h * (0.46 + j * 0.05)
            p.rect(x, y, x + h * 0.05, y + h * 0.05, (236, 238, 236), outline=(180, 184, 186))
    p.rect(0, h * 0.6, w, h * 0.635, (214, 206, 192), outline=True)
    p.rect(0, h * 0.635, w, h * 0.88, cab, outline=True)
    for k in range(6):
        x0 = w * k / 6
        p.rect(x0 + 5, h * 0.66, x0 + w / 6 - 5, h * 0.86, lighter(cab, 0.06), outline=True)
        p.rect(x0 + w / 12 - 8, h * 0.68, x0 + w / 12 + 8, h * 0.69, (90, 90, 96))
    p.rect(w * 0.7, h * 0.585, w * 0.9, h * 0.6, (50, 50, 56), outline=True)
    for k in range(2):
        p.ellipse(w * (0.75 + 0.1 * k), h * 0.592, w * 0.03, h * 0.006, (90, 90, 96))
    p.ellipse(w * 0.16, h * 0.56, h * 0.045, h * 0.04, (200, 200, 204), outline=True)
    p.rect(w * 0.16 - h * 0.05, h * 0.595, w * 0.16 + h * 0.05, h * 0.6, (160, 160, 166))
    plant(p, w * 0.3, h * 0.6, h * 0.12, sc.pal(0))
    p.line([(w * 0.5, 0), (w * 0.5, h * 0.05)], (60, 60, 60), 1.5)
    p.chord((w * 0.47, h * 0.03, w * 0.53, h * 0.09), 180, 360, sc.pal(2), outline=True)
    lamp_glow(p, w * 0.5, h * 0.07, h * 0.03, sc)


def office(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    wall = mix(sc.pal(3), (232, 234, 236), 0.75)
    draw_wall(p, sc, h * 0.78, wall)
    draw_floor(p, sc, h * 0.78, (120, 126, 136), "carpet")
    window(p, sc, (w * 0.05, h * 0.08, w * 0.55, h * 0.5), frame=(70, 74, 82), panes=4,
           view="city")
    p.rect(w * 0.62, h * 0.12, w * 0.95, h * 0.14, (150, 120, 90), outline=True)
    p.rect(w * 0.62, h * 0.3, w * 0.95, h * 0.32, (150, 120, 90), outline=True)
    for shelf_y in (h * 0.12, h * 0.3):
        x = w * 0.63
        while x < w * 0.93:
            bw = w * (0.012 + 0.01 * rng.random())
            bh = h * (0.08 + 0.04 * rng.random())
            p.rect(x, shelf_y - bh, x + bw, shelf_y, sc.pal(rng.randrange(5)), outline=True)
            x += bw + 1
    for dx in (w * 0.08, w * 0.56):
        top = h * 0.62
        p.rect(dx, top, dx + w * 0.36, top + h * 0.025, (214, 196, 168), outline=True)
        p.rect(dx + 6, top + h * 0.025, dx + 14, h * 0.8, (110, 110, 116))
        p.rect(dx + w * 0.36 - 14, top + h * 0.025, dx + w * 0.36 - 6, h * 0.8, (110, 110, 116))
        p.rect(dx + w * 0.1, top - h * 0.16, dx + w * 0.26, top - h * 0.04, (40, 42, 48),
               radius=3, outline=True)
        glow = lighter(sc.pal(1), 0.45)
        p.rect(dx + w * 0.108, top - h * 0.152, dx + w * 0.252, top - h * 0.048, glow,
               lit=not sc.dark)
        p.rect(dx + w * 0.17, top - h * 0.04, dx + w * 0.19, top, (60, 62, 68))
    plant(p, w * 0.52, h * 0.8, h * 0.2, sc.pal(2))
    for k in range(3):
        lx = w * (0.2 + 0.3 * k)
        p.rect(lx - w * 0.07, 0, lx + w * 0.07, h * 0.012, (250, 250, 240), lit=False)


def gym(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    wall = (92, 96, 104)
    draw_wall(p, sc, h * 0.8, wall)
    p.rect(0, h * 0.42, w, h * 0.46, sc.pal(0))
    for k in range(3):
        window(p, sc, (w * (0.08 + 0.3 * k), h * 0.06, w * (0.26 + 0.3 * k), h * 0.2),
               frame=(60, 62, 68), panes=3)
    p.rect(w * 0.04, h * 0.24, w * 0.96, h * 0.78, (176, 196, 206), outline=True)
    for k in range(5):
        x = w * (0.1 + 0.2 * k)
        p.line([(x, h * 0.26), (x + w * 0.08, h * 0.5)], (226, 236, 240, 140), 3.0, lit=False)
    p.rect(w * 0.04, h * 0.2, w * 0.96, h * 0.24, (40, 40, 44))
    p.fit_text((w * 0.3, h * 0.203, w * 0.7, h * 0.237), "TRAIN · MOVE · REPEAT", (240, 240, 240))
    p.gradient((0, h * 0.8, w, h), ((0.0, (46, 46, 50)), (1.0, (30, 30, 34))), lit=True)
    rx = w * 0.62
    p.rect(rx, h * 0.68, rx + w * 0.32, h * 0.7, (70, 70, 76), outline=True)
    p.rect(rx, h * 0.76, rx + w * 0.32, h * 0.78, (70, 70, 76), outline=True)
    for k in range(6):
        cx = rx + w * (0.025 + 0.05 * k)
        for y in (h * 0.665, h * 0.745):
            p.rect(cx - w * 0.02, y - 2, cx + w * 0.02, y + 2, (120, 120, 126))
            p.circle(cx - w * 0.02, y, h * 0.014, (36, 36, 40), outline=True)
            p.circle(cx + w * 0.02, y, h * 0.014, (36, 36, 40), outline=True)
    bx = w * 0.12
    p.rect(bx, h * 0.76, bx + w * 0.2, h * 0.785, (30, 30, 34), radius=4, outline=True)
    p.rect(bx + 10, h * 0.785, bx + 16, h * 0.84, (120, 120, 126))
    p.rect(bx + w * 0.2 - 16, h * 0.785, bx + w * 0.2 - 10, h * 0.84, (120, 120, 126))
    for k in range(3):
        kx = w * (0.4 + 0.06 * k)
        p.circle(kx, h * 0.9, h * 0.03, (40, 40, 44), outline=True)
        p.arc((kx - h * 0.02, h * 0.84, kx + h * 0.02, h * 0.88), 180, 360, (40, 40, 44), 3)
        p.circle(kx, h * 0.9, h * 0.012, sc.pal(k + rng.randrange(2)))


def living_room(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    wall = mix(sc.pal(2), (240, 232, 220), 0.72)
    draw_wall(p, sc, h * 0.78, wall)
    draw_floor(p, sc, h * 0.78, (170, 126, 88), "wood")
    window(p, sc, (w * 0.06, h * 0.12, w * 0.3, h * 0.52), view="garden")
    cur = sc.pal(1)
    p.rect(w * 0.02, h * 0.08, w * 0.07, h * 0.62, cur, outline=True)
    p.rect(w * 0.29, h * 0.08, w * 0.34, h * 0.62, cur, outline=True)
    p.rect(w * 0.01, h * 0.07, w * 0.35, h * 0.085, (120, 100, 80))
    frame_art(p, (w * 0.5, h * 0.14, w * 0.64, h * 0.34), sc, 0)
    frame_art(p, (w * 0.68, h * 0.18, w * 0.78, h * 0.3), sc, 2)
    sofa = sc.pal(0)
    p.rect(w * 0.42, h * 0.5, w * 0.9, h * 0.66, darker(sofa, 0.1), radius=14, outline=True)
    p.rect(w * 0.4, h * 0.62, w * 0.92, h * 0.76, sofa, radius=10, outline=True)
    p.rect(w * 0.38, h * 0.56, w * 0.45, h * 0.76, darker(sofa, 0.05), radius=10, outline=True)
    p.rect(w * 0.87, h * 0.56, w * 0.94, h * 0.76, darker(sofa, 0.05), radius=10, outline=True)
    for k in range(2):
        cx = w * (0.55 + 0.2 * k)
        p.rect(cx - w * 0.05, h * 0.54, cx + w * 0.05, h * 0.63, lighter(sc.pal(3), 0.2),
               radius=8, outline=True)
    p.ellipse(w * 0.62, h * 0.9, w * 0.3, h * 0.07, lighter(sc.pal(1), 0.3))
    p.rect(w * 0.5, h * 0.8, w * 0.74, h * 0.82, (120, 86, 60), outline=True)
    lx = w * 0.96
    p.rect(lx - 2, h * 0.3, lx + 2, h * 0.78, (60, 60, 64))
    p.poly([(lx - w * 0.03, h * 0.22), (lx + w * 0.03, h * 0.22), (lx + w * 0.04, h * 0.31),
            (lx - w * 0.04, h * 0.31)], (250, 236, 200), outline=True, lit=not sc.dark)
    lamp_glow(p, lx, h * 0.28, h * 0.05, sc)
    plant(p, w * 0.37, h * 0.8, h * 0.22, (220, 220, 216))


def studio(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    paper = mix(sc.pal(1), (236, 236, 236), 0.7)
    p.gradient((0, 0, w, h), ((0.0, darker(paper, 0.2)), (0.6, paper),
                              (0.75, lighter(paper, 0.15)), (1.0, paper)), lit=True)
    p.ellipse(w * 0.5, h * 0.8, w * 0.4, h * 0.08, (255, 255, 255, 50), lit=False)
    for x, d in ((w * 0.1, 1), (w * 0.9, -1)):
        p.line([(x, h * 0.9), (x, h * 0.3)], (50, 50, 56), 3)
        p.line([(x - w * 0.03, h * 0.95), (x, h * 0.85), (x + w * 0.03, h * 0.95)],
               (50, 50, 56), 2.5)
        box = [(x - d * w * 0.02, h * 0.14), (x + d * w * 0.08, h * 0.2),
               (x + d * w * 0.08, h * 0.44), (x - d * w * 0.02, h * 0.5)]
        p.poly(box, (40, 40, 44), outline=True)
        inner = [(x + d * w * 0.075, h * 0.21), (x + d * w * 0.075, h * 0.43)]
        p.line(inner, (255, 255, 250), 6, lit=False)
    p.rect(w * 0.47, h * 0.02, w * 0.53, h * 0.05, (40, 40, 44), outline=True)


def cafe(p: Pen, sc: Scene) -> None:
    w, h, rng = sc.w, sc.h, sc.rng
    wall = mix(sc.pal(0), (226, 200, 170), 0.75)
    draw_wall(p, sc, h * 0.8, wall)
    for i in range(0, int(w / (h * 0.06)) + 1):
        for j in range(5):
            x, y = i * h * 0.06 + (j % 2) * h * 0.03, h * (0.44 + j * 0.025)
            p.rect(x, y, x + h * 0.058, y + h * 0.023, (186, 110, 84), outline=(150, 86, 64))
    draw_floor(p, sc, h * 0.8, (120, 86, 62), "wood")
    p.rect(w * 0.08, h * 0.08, w * 0.36, h * 0.36, (46, 56, 52), outline=True)
    p.rect(w * 0.07, h * 0.07, w * 0.37, h * 0.09, (120, 86, 60))
    p.text(w * 0.22, h * 0.13, "MENU", h * 0.04, (240, 240, 230))
    for k in range(4):
        y = h * (0.19 + k * 0.04)
        p.line([(w * 0.11, y), (w * (0.24 + 0.04 * rng.random()), y)], (220, 220, 210), 2,
               lit=False)
        p.line([(w * 0.3, y), (w * 0.33, y)], (220, 220, 210), 2, lit=False)
    window(p, sc, (w * 0.46, h * 0.1, w * 0.92, h * 0.4), frame=(60, 50, 44), panes=3,
           view="city")
    p.rect(0, h * 0.56, w * 0.45, h * 0.6, (90, 62, 44), outline=True)
    p.rect(0, h * 0.6, w * 0.43, h * 0.8, (134, 94, 64), outline=True)
    p.rect(w * 0.1, h * 0.46, w * 0.2, h * 0.56, (170, 172, 178), radius=4, outline=True)
    p.rect(w * 0.12, h * 0.49, w * 0.18, h * 0.5, (60, 60, 66))
    for k in range(3):
        px = w * (0.55 + 0.15 * k)
        p.line([(px, 0), (px, h * 0.08)], (50, 50, 50), 1.5)
        p.chord((px - h * 0.04, h * 0.06, px + h * 0.04, h * 0.14), 180, 360, sc.pal(k + 1),
                outline=True)
        lamp_glow(p, px, h * 0.11, h * 0.025, sc)
    for tx in (w * 0.58, w * 0.84):
        p.ellipse(tx, h * 0.66, w * 0.07, h * 0.015, (230, 226, 220), outline=True)
        p.rect(tx - 2, h * 0.67, tx + 2, h * 0.8, (50, 50, 56))
        p.rect(tx - w * 0.03, h * 0.795, tx + w * 0.03, h * 0.805, (50, 50, 56))
        p.rect(tx - w * 0.012, h * 0.635, tx + w * 0.012, h * 0.655, (250, 250, 250),
               outline=True)


def bedroom(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    wall = mix(sc.pal(3), (232, 226, 240), 0.7)
    draw_wall(p, sc, h * 0.76, wall)
    draw_floor(p, sc, h * 0.76, (180, 146, 110), "wood")
    window(p, sc, (w * 0.72, h * 0.12, w * 0.92, h * 0.48))
    p.rect(w * 0.68, h * 0.08, w * 0.73, h * 0.6, sc.pal(1), outline=True)
    p.rect(w * 0.91, h * 0.08, w * 0.96, h * 0.6, sc.pal(1), outline=True)
    frame_art(p, (w * 0.3, h * 0.1, w * 0.5, h * 0.26), sc, 1)
    p.rect(w * 0.18, h * 0.36, w * 0.62, h * 0.62, (130, 92, 64), radius=10, outline=True)
    p.rect(w * 0.16, h * 0.58, w * 0.64, h * 0.8, (246, 246, 244), radius=8, outline=True)
    p.rect(w * 0.16, h * 0.66, w * 0.64, h * 0.84, sc.pal(0), radius=8, outline=True)
    p.line([(w * 0.16, h * 0.7), (w * 0.64, h * 0.7)], lighter(sc.pal(0), 0.3), 3)
    for k in range(2):
        cx = w * (0.29 + 0.22 * k)
        p.rect(cx - w * 0.08, h * 0.52, cx + w * 0.08, h * 0.62, (252, 252, 250), radius=12,
               outline=True)
    p.rect(w * 0.04, h * 0.56, w * 0.13, h * 0.74, (150, 110, 76), outline=True)
    p.rect(w * 0.075, h * 0.46, w * 0.095, h * 0.56, (80, 80, 84))
    p.poly([(w * 0.05, h * 0.4), (w * 0.12, h * 0.4), (w * 0.11, h * 0.47),
            (w * 0.06, h * 0.47)], (250, 236, 200), outline=True, lit=not sc.dark)
    lamp_glow(p, w * 0.085, h * 0.45, h * 0.05, sc)
    p.ellipse(w * 0.4, h * 0.92, w * 0.3, h * 0.05, lighter(sc.pal(2), 0.3))


def subway(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    tile = (230, 232, 228)
    p.rect(0, 0, w, h * 0.72, tile, lit=False)
    for j in range(int(h * 0.72 / (h * 0.035)) + 1):
        y = j * h * 0.035
        p.line([(0, y), (w, y)], (200, 202, 198), 1, lit=False)
    p.rect(0, h * 0.3, w, h * 0.34, sc.pal(0), lit=False)
    p.rect(w * 0.55, h * 0.12, w * 0.9, h * 0.2, (30, 30, 34), outline=True, lit=False)
    p.fit_text((w * 0.56, h * 0.125, w * 0.89, h * 0.195), "CENTRAL", (250, 250, 250))
    p.gradient((0, h * 0.72, w, h), ((0.0, (120, 120, 124)), (1.0, (90, 90, 96))), lit=False)
    p.rect(0, h * 0.72, w, h * 0.745, (242, 200, 40), lit=False)
    car = (196, 200, 208)
    p.rect(-w * 0.02, h * 0.22, w * 0.48, h * 0.72, car, radius=12, outline=True, lit=False)
    p.rect(-w * 0.02, h * 0.5, w * 0.48, h * 0.53, sc.pal(1), lit=False)
    for k in range(3):
        x = w * (0.02 + 0.15 * k)
        glass = (60, 80, 100) if not sc.night else (250, 230, 170)
        p.rect(x, h * 0.28, x + w * 0.11, h * 0.46, glass, radius=6, outline=True, lit=False)
    p.rect(w * 0.36, h * 0.27, w * 0.46, h * 0.72, (170, 176, 186), outline=True, lit=False)
    p.line([(w * 0.41, h * 0.27), (w * 0.41, h * 0.72)], (120, 126, 136), 2, lit=False)
    for k in range(3):
        x = w * (0.25 + 0.3 * k)
        p.rect(x, 0, x + w * 0.12, h * 0.02, (255, 255, 245), lit=False)
    p.rect(w * 0.72, h * 0.2, w * 0.76, h * 0.72, (200, 200, 196), outline=True, lit=False)


def bathroom(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    tile = mix(sc.pal(3), (234, 240, 242), 0.8)
    p.rect(0, 0, w, h * 0.82, tile)
    step = h * 0.07
    for i in range(int(w / step) + 1):
        p.line([(i * step, h * 0.4), (i * step, h * 0.82)], darker(tile, 0.12), 1)
    for j in range(7):
        y = h * 0.4 + j * step
        p.line([(0, y), (w, y)], darker(tile, 0.12), 1)
    draw_floor(p, sc, h * 0.82, (200, 204, 206), "tile")
    p.rect(w * 0.3, h * 0.08, w * 0.56, h * 0.44, (210, 226, 234), radius=10, outline=True)
    p.line([(w * 0.34, h * 0.14), (w * 0.4, h * 0.3)], (250, 250, 255, 160), 4, lit=False)
    p.rect(w * 0.26, h * 0.54, w * 0.6, h * 0.82, mix(sc.pal(1), (240, 240, 236), 0.4),
           outline=True)
    p.rect(w * 0.25, h * 0.5, w * 0.61, h * 0.55, (246, 246, 246), outline=True)
    p.ellipse(w * 0.43, h * 0.52, w * 0.08, h * 0.015, (210, 214, 218))
    p.line([(w * 0.43, h * 0.5), (w * 0.43, h * 0.46), (w * 0.45, h * 0.46)], (180, 184, 190),
           3)
    p.rect(w * 0.68, h * 0.56, w * 1.02, h * 0.8, (250, 250, 250), radius=20, outline=True)
    p.rect(w * 0.7, h * 0.56, w * 1.0, h * 0.6, (200, 220, 232))
    p.rect(w * 0.08, h * 0.3, w * 0.16, h * 0.58, sc.pal(0), radius=4, outline=True)
    p.rect(w * 0.06, h * 0.29, w * 0.18, h * 0.31, (180, 184, 190))
    plant(p, w * 0.64, h * 0.5, h * 0.1, (240, 240, 240))
    window(p, sc, (w * 0.72, h * 0.1, w * 0.92, h * 0.3), panes=2)


def classroom(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    wall = mix(sc.pal(2), (236, 232, 214), 0.75)
    draw_wall(p, sc, h * 0.74, wall)
    draw_floor(p, sc, h * 0.74, (176, 150, 116), "wood")
    p.rect(w * 0.2, h * 0.1, w * 0.74, h * 0.44, (120, 90, 60), outline=True)
    p.rect(w * 0.215, h * 0.12, w * 0.725, h * 0.42, (44, 84, 64))
    for k, text in enumerate(("a² + b² = c²", "Today: ideas!")):
        p.text(w * 0.45, h * (0.2 + 0.1 * k), text, h * 0.045, (236, 240, 230))
    p.circle(w * 0.86, h * 0.14, h * 0.05, (250, 250, 246), outline=True)
    p.line([(w * 0.86, h * 0.14), (w * 0.86, h * 0.11)], INK, 2)
    p.line([(w * 0.86, h * 0.14), (w * 0.88, h * 0.15)], INK, 2)
    window(p, sc, (w * 0.02, h * 0.12, w * 0.14, h * 0.46))
    for row in range(2):
        y = h * (0.66 + 0.14 * row)
        for k in range(4):
            x = w * (0.08 + 0.24 * k) + (row * w * 0.04)
            size = 1 + row * 0.25
            p.rect(x, y, x + w * 0.14 * size, y + h * 0.02 * size, (200, 164, 110), outline=True)
            p.rect(x + 4, y + h * 0.02 * size, x + 8, y + h * 0.1 * size, (90, 90, 96))
            p.rect(x + w * 0.14 * size - 8, y + h * 0.02 * size, x + w * 0.14 * size - 4,
                   y + h * 0.1 * size, (90, 90, 96))


def plain_interior(p: Pen, sc: Scene) -> None:
    w, h = sc.w, sc.h
    draw_wall(p, sc, h * 0.78, mix(sc.pal(2), (236, 232, 226), 0.72))
    draw_floor(p, sc, h * 0.78, (164, 134, 104), "wood")
    window(p, sc, (w * 0.62, h * 0.12, w * 0.9, h * 0.5))
    frame_art(p, (w * 0.16, h * 0.16, w * 0.34, h * 0.36), sc, 0)
    p.rect(w * 0.08, h * 0.6, w * 0.5, h * 0.63, (150, 110, 76), outline=True)
    p.rect(w * 0.1, h * 0.63, w * 0.12, h * 0.78, (110, 80, 56))
    p.rect(w * 0.46, h * 0.63, w * 0.48, h * 0.78, (110, 80, 56))
    plant(p, w * 0.56, h * 0.8, h * 0.22, sc.pal(1))
