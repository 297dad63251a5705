"""The product, drawn as one of eight shapes (bottle, can, cup, phone, shoe, car, tube,
box) in its colour with its name on a label.
"""

from __future__ import annotations

from ....media.colors import RGB
from .palette import darker, lighter, text_on
from .pen import Box, Pen

ASPECT = {"bottle": 0.36, "can": 0.56, "cup": 0.66, "phone": 0.5, "shoe": 2.3, "box": 0.8,
          "car": 2.4, "tube": 0.34}
HOLDABLE = frozenset({"bottle", "can", "cup", "phone", "tube", "box"})


def fit_aspect(shape_aspect: float, max_w: float, max_h: float) -> tuple[float, float]:
    h = min(max_h, max_w / shape_aspect)
    return h * shape_aspect, h


def _label(p: Pen, box: Box, name: str, body: RGB, band: RGB | None = None) -> None:
    x0, y0, x1, y1 = box
    if band is not None:
        p.rect(x0, y0, x1, y1, band, outline=True)
    ink = text_on(band or body)
    pad = (x1 - x0) * 0.08
    p.fit_text((x0 + pad, y0, x1 - pad, y1), name, ink, bold=True)


def draw_product(p: Pen, shape: str, cx: float, bottom: float, height: float, color: RGB, name: str,
                 view: str = "front") -> Box | None:
    """Draw the product centred on ``cx`` standing on ``bottom``; returns a box of solid
    product colour (for sampling), or ``None`` when this view has none."""
    h = height
    w = h * ASPECT[shape]
    x0, x1 = cx - w / 2, cx + w / 2
    top = bottom - h
    hi, lo = lighter(color, 0.38), darker(color, 0.22)
    if shape == "bottle":
        # body, shoulder and neck read as one silhouette: ink all three, then fill them
        e = p.ink_width
        p.rect(cx - w * 0.26 - e, bottom - h * 0.88 - e, cx + w * 0.26 + e, bottom - h * 0.78,
               p.ink, lit=False)
        p.ellipse(cx, bottom - h * 0.74, w / 2 + e, h * 0.1 + e, p.ink, lit=False)
        p.rect(x0 - e, bottom - h * 0.76, x1 + e, bottom + e, p.ink, radius=w * 0.28 + e,
               lit=False)
        p.rect(cx - w * 0.26, bottom - h * 0.88, cx + w * 0.26, bottom - h * 0.78, color)
        p.ellipse(cx, bottom - h * 0.74, w / 2, h * 0.1, color)
        p.rect(x0, bottom - h * 0.76, x1, bottom, color, radius=w * 0.28)
        p.rect(cx - w * 0.34, top + h * 0.02, cx + w * 0.34, bottom - h * 0.87, (60, 62, 70),
               radius=w * 0.08, outline=True)
        p.arc((cx - w * 0.16, top - h * 0.02, cx + w * 0.16, top + h * 0.07), 180, 360,
              (60, 62, 70), max(1.0, w * 0.06))
        p.rect(x0 + w * 0.14, bottom - h * 0.68, x0 + w * 0.26, bottom - h * 0.06, hi,
               radius=w * 0.05)
        p.rect(x1 - w * 0.16, bottom - h * 0.66, x1 - w * 0.06, bottom - h * 0.05, lo,
               radius=w * 0.04)
        if view == "front":
            _label(p, (x0, bottom - h * 0.5, x1, bottom - h * 0.3), name, color,
                   (248, 246, 240))
        else:
            p.rect(x0, bottom - h * 0.5, cx - w * 0.1, bottom - h * 0.3, (248, 246, 240),
                   outline=True)
        return (cx - w * 0.08, bottom - h * 0.66, cx + w * 0.2, bottom - h * 0.54)
    if shape == "can":
        p.rect(x0, top + h * 0.05, x1, bottom - h * 0.04, color, outline=True)
        p.ellipse(cx, bottom - h * 0.04, w / 2, h * 0.04, (190, 194, 200), outline=True)
        p.rect(x0 + w * 0.04, top + h * 0.02, x1 - w * 0.04, top + h * 0.07, (200, 204, 210),
               outline=True)
        p.ellipse(cx, top + h * 0.02, w * 0.46, h * 0.03, (214, 218, 224), outline=True)
        p.rect(x0 + w * 0.12, top + h * 0.1, x0 + w * 0.22, bottom - h * 0.1, hi)
        p.rect(x1 - w * 0.14, top + h * 0.1, x1 - w * 0.06, bottom - h * 0.1, lo)
        if view == "front":
            _label(p, (x0, top + h * 0.42, x1, top + h * 0.62), name, color, (250, 250, 246))
        return (cx - w * 0.05, top + h * 0.15, cx + w * 0.2, top + h * 0.36)
    if shape == "cup":
        bw = w * 0.74
        p.poly([(x0 + w * 0.04, top + h * 0.14), (x1 - w * 0.04, top + h * 0.14),
                (cx + bw / 2, bottom), (cx - bw / 2, bottom)], color, outline=True)
        p.rect(x0, top + h * 0.08, x1, top + h * 0.16, (246, 246, 244), radius=h * 0.02,
               outline=True)
        p.chord((x0 + w * 0.08, top, x1 - w * 0.08, top + h * 0.16), 180, 360, (246, 246, 244),
                outline=True)
        if view == "front":
            p.poly([(x0 + w * 0.1, top + h * 0.4), (x1 - w * 0.1, top + h * 0.4),
                    (x1 - w * 0.15, top + h * 0.68), (x0 + w * 0.15, top + h * 0.68)],
                   (236, 222, 196), outline=True)
            _label(p, (x0 + w * 0.14, top + h * 0.42, x1 - w * 0.14, top + h * 0.66), name,
                   (236, 222, 196))
        return (cx - w * 0.1, top + h * 0.2, cx + w * 0.2, top + h * 0.34)
    if shape == "phone":
        if view == "front":
            # the screen shows the brand's splash: the product colour reads at any size
            p.rect(x0, top, x1, bottom, (30, 32, 40), radius=w * 0.16, outline=True)
            p.rect(x0 + w * 0.06, top + w * 0.06, x1 - w * 0.06, bottom - w * 0.06, color,
                   radius=w * 0.11)
            p.rect(cx - w * 0.14, top + w * 0.1, cx + w * 0.14, top + w * 0.16, (10, 10, 14),
                   radius=w * 0.03)
            p.circle(cx, top + h * 0.3, w * 0.16, lighter(color, 0.35), outline=True)
            p.fit_text((x0 + w * 0.12, top + h * 0.42, x1 - w * 0.12, top + h * 0.54), name,
                       text_on(color), bold=True)
            p.rect(cx - w * 0.26, top + h * 0.68, cx + w * 0.26, top + h * 0.74,
                   lighter(color, 0.6), radius=h * 0.03, outline=True)
            p.rect(cx - w * 0.18, bottom - w * 0.14, cx + w * 0.18, bottom - w * 0.12,
                   lighter(color, 0.5))
            return (cx - w * 0.3, top + h * 0.56, cx + w * 0.3, top + h * 0.64)
        p.rect(x0, top, x1, bottom, color, radius=w * 0.16, outline=True)
        p.rect(x0 + w * 0.08, top + w * 0.08, x0 + w * 0.46, top + w * 0.46, (40, 42, 50),
               radius=w * 0.08, outline=True)
        for dx, dy in ((0.18, 0.18), (0.36, 0.18), (0.18, 0.36)):
            p.circle(x0 + w * dx, top + w * dy, w * 0.06, (90, 100, 120), outline=True)
        p.fit_text((x0 + w * 0.2, top + h * 0.6, x1 - w * 0.2, top + h * 0.68), name,
                   text_on(color))
        p.rect(x0 + w * 0.06, top + h * 0.1, x0 + w * 0.12, bottom - h * 0.1, hi)
        return (cx - w * 0.1, top + h * 0.4, cx + w * 0.3, top + h * 0.55)
    if shape == "shoe":
        if view == "side":
            # the toe, seen from the front
            tw = h * 0.9
            p.rect(cx - tw / 2, bottom - h * 0.2, cx + tw / 2, bottom, (246, 246, 244),
                   radius=h * 0.08, outline=True)
            p.chord((cx - tw / 2, bottom - h * 0.95, cx + tw / 2, bottom - h * 0.05), 180, 360,
                    color, outline=True)
            p.rect(cx - tw * 0.18, bottom - h * 0.8, cx + tw * 0.18, bottom - h * 0.5, hi,
                   radius=h * 0.05, outline=True)
            return None
        sole = (246, 246, 244)
        p.rect(x0, bottom - h * 0.22, x1, bottom, sole, radius=h * 0.1, outline=True)
        upper = [(x0 + w * 0.02, bottom - h * 0.2), (x0, bottom - h * 0.78),
                 (x0 + w * 0.08, bottom - h * 0.86), (x0 + w * 0.3, bottom - h * 0.8),
                 (x0 + w * 0.46, bottom - h * 0.66), (x0 + w * 0.74, bottom - h * 0.46),
                 (x0 + w * 0.93, bottom - h * 0.36), (x1, bottom - h * 0.22)]
        p.poly(upper, color, outline=True)
        p.poly([(x0 + w * 0.02, bottom - h * 0.24), (x0 + w * 0.01, bottom - h * 0.7),
                (x0 + w * 0.12, bottom - h * 0.6), (x0 + w * 0.14, bottom - h * 0.24)], lo)
        for k in range(4):
            lx = x0 + w * (0.48 + 0.07 * k)
            ly = bottom - h * (0.62 - 0.05 * k)
            p.line([(lx - w * 0.02, ly - h * 0.04), (lx + w * 0.03, ly + h * 0.05)],
                   (250, 250, 250), max(1.0, h * 0.03))
        p.arc((x0 + w * 0.3, bottom - h * 0.7, x0 + w * 0.95, bottom - h * 0.05), 160, 220,
              (250, 250, 250), max(1.0, h * 0.05))
        _label(p, (x0 + w * 0.18, bottom - h * 0.2, x0 + w * 0.82, bottom - h * 0.02), name,
               sole)
        return (x0 + w * 0.2, bottom - h * 0.58, x0 + w * 0.36, bottom - h * 0.4)
    if shape == "car":
        body_top, sill = bottom - h * 0.58, bottom - h * 0.14
        p.rect(x0, body_top, x1, sill, color, radius=h * 0.14, outline=True)
        p.poly([(x0 + w * 0.2, body_top + 1), (x0 + w * 0.33, top), (x0 + w * 0.64, top),
                (x0 + w * 0.8, body_top + 1)], color, outline=True)
        glass = (176, 206, 226)
        p.poly([(x0 + w * 0.24, body_top - h * 0.02), (x0 + w * 0.35, top + h * 0.06),
                (x0 + w * 0.48, top + h * 0.06), (x0 + w * 0.48, body_top - h * 0.02)], glass,
               outline=True)
        p.poly([(x0 + w * 0.51, body_top - h * 0.02), (x0 + w * 0.51, top + h * 0.06),
                (x0 + w * 0.62, top + h * 0.06), (x0 + w * 0.75, body_top - h * 0.02)], glass,
               outline=True)
        p.rect(x0 + w * 0.02, body_top + h * 0.06, x0 + w * 0.98, body_top + h * 0.1, hi)
        p.line([(x0 + w * 0.5, body_top), (x0 + w * 0.5, sill)], darker(color, 0.3), 1.2)
        p.rect(x1 - w * 0.05, body_top + h * 0.12, x1 - w * 0.005, body_top + h * 0.2,
               (255, 240, 170), radius=h * 0.03, outline=True)
        p.rect(x0 + w * 0.005, body_top + h * 0.12, x0 + w * 0.04, body_top + h * 0.2,
               (220, 40, 40), radius=h * 0.03, outline=True)
        for wx in (x0 + w * 0.2, x0 + w * 0.8):
            p.circle(wx, bottom - h * 0.16, h * 0.17, (36, 36, 40), outline=True)
            p.circle(wx, bottom - h * 0.16, h * 0.08, (190, 194, 200), outline=True)
        _label(p, (x0 + w * 0.3, body_top + h * 0.16, x0 + w * 0.62, sill - h * 0.04), name,
               color)
        return (x0 + w * 0.66, body_top + h * 0.16, x0 + w * 0.74, body_top + h * 0.26)
    if shape == "tube":
        p.rect(cx - w * 0.32, bottom - h * 0.14, cx + w * 0.32, bottom, (244, 244, 244),
               radius=w * 0.1, outline=True)
        p.poly([(cx - w * 0.36, bottom - h * 0.14), (cx + w * 0.36, bottom - h * 0.14),
                (x1, top + h * 0.08), (x0, top + h * 0.08)], color, outline=True)
        p.rect(x0, top, x1, top + h * 0.08, darker(color, 0.1), outline=True)
        for k in range(4):
            rx = x0 + w * (0.15 + 0.23 * k)
            p.line([(rx, top + h * 0.01), (rx, top + h * 0.07)], darker(color, 0.3), 1)
        p.rect(x0 + w * 0.1, top + h * 0.12, x0 + w * 0.2, bottom - h * 0.2, hi)
        if view == "front":
            _label(p, (x0 + w * 0.08, top + h * 0.42, x1 - w * 0.08, top + h * 0.6), name,
                   color, (250, 250, 248))
        return (cx - w * 0.05, top + h * 0.16, cx + w * 0.25, top + h * 0.34)
    # box: a package seen slightly from above and the right
    d = h * 0.12
    fw = w - d
    fx0, fx1 = x0, x0 + fw
    p.poly([(fx0, top + d), (fx0 + d, top), (fx1 + d, top), (fx1, top + d)], hi, outline=True)
    p.poly([(fx1, top + d), (fx1 + d, top), (fx1 + d, bottom - d), (fx1, bottom)], lo,
           outline=True)
    p.rect(fx0, top + d, fx1, bottom, color, outline=True)
    if view == "front":
        _label(p, (fx0, top + d + (h - d) * 0.38, fx1, top + d + (h - d) * 0.62), name, color,
               (250, 250, 246))
    return (fx0 + fw * 0.3, top + d + (h - d) * 0.1, fx0 + fw * 0.7, top + d + (h - d) * 0.3)
