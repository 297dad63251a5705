"""Reference sheets: the product, character and setting sheets, with their notes and the
layout frames sample colours from.
"""

from __future__ import annotations

from typing import Any

from PIL import Image, ImageDraw

from ....media.colors import RGB
from .backdrops import draw_backdrop
from .figures import Pose, draw_figure, figure_colors, pose_for
from .palette import INK, lighter, tint_backdrop, tint_color
from .pen import Box, Pen, printable, put_text, supersampling, text_width
from .plan import Plan
from .products import ASPECT, draw_product, fit_aspect


def corner_tag(img: Image.Image, text: str, corner: str, size: float) -> None:
    d = ImageDraw.Draw(img, "RGBA")
    text = printable(text)
    tw = text_width(text, size)
    pad = size * 0.45
    w, _ = img.size
    margin = size * 0.6
    x0 = margin if corner == "left" else w - margin - tw - 2 * pad
    y0 = margin
    d.rectangle((x0, y0, x0 + tw + 2 * pad, y0 + size + 2 * pad * 0.8),
                fill=(250, 250, 248, 226), outline=(30, 30, 34, 255), width=1)
    put_text(d, (x0 + pad, y0 + pad * 0.8 + size / 2), text, size, (24, 24, 28), anchor="lm")


def draw_border(img: Image.Image) -> None:
    w, h = img.size
    t = max(2, round(min(w, h) * 0.004))
    ImageDraw.Draw(img).rectangle((0, 0, w - 1, h - 1), outline=(28, 28, 32), width=t)


def _sheet_backdrop(plan: Plan, width: int, height: int, accent: RGB | None,
                    accent_x: float = 0.5) -> Image.Image:
    # A "color" adjustment on a sheet grades its backdrop only: the product or shirt a
    # frame samples keeps the approved colour.
    img = _neutral(width, height, accent, accent_x)
    color = plan.request.adjustments.color
    return tint_backdrop(img, color) if color else img


def _neutral(width: int, height: int, accent: RGB | None = None,
             accent_x: float = 0.5) -> Image.Image:
    ss = supersampling(width, height)
    canvas = Image.new("RGB", (width * ss, height * ss))
    pen = Pen(canvas, ss)
    pen.gradient((0, 0, width, height), ((0.0, (242, 241, 238)), (0.72, (226, 224, 220)),
                                         (0.721, (214, 212, 208)), (1.0, (232, 230, 226))))
    if accent is not None:
        pen.circle(width * accent_x, height * 0.45, min(width, height) * 0.36,
                   (*lighter(accent, 0.72), 255))
    return canvas.reduce(ss)


def product_sheet(plan: Plan, width: int, height: int) -> tuple[Image.Image, dict[str, Any]]:
    req = plan.request
    img = _sheet_backdrop(plan, width, height, None)
    w, h = float(width), float(height)
    ss = supersampling(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = Pen(layer, ss, ink_width=max(1.2, min(w, h) * 0.0025))
    portrait = h > w * 1.1
    shape, color, name = plan.shape, plan.product, req.product
    aspect = ASPECT[shape]
    floor = h * 0.72
    if portrait:
        slots = [(w * 0.5, h * 0.5, w * 0.8, h * 0.32), (w * 0.28, h * 0.84, w * 0.4, h * 0.18)]
        detail = (w * 0.72, h * 0.75, min(w, h) * 0.2)
    else:
        slots = [(w * 0.26, floor, w * 0.36, h * 0.52), (w * 0.56, floor, w * 0.2, h * 0.42)]
        detail = (w * 0.82, h * 0.46, min(w, h) * 0.19)
    sample: Box | None = None
    front: Box | None = None
    captions = {"phone": ("FRONT", "BACK"), "shoe": ("SIDE", "FRONT")}.get(shape, ("FRONT", "SIDE"))
    for (cx, bottom, max_w, max_h), view, caption in zip(slots, ("front", "side"), captions,
                                                         strict=True):
        vw, vh = fit_aspect(aspect if view == "front" or shape not in ("shoe",) else 0.9, max_w, max_h)
        pen.ellipse(cx, bottom, vw * 0.6, vh * 0.04, (0, 0, 0, 50), lit=False)
        region = draw_product(pen, shape, cx, bottom, vh, color, name, view=view)
        if sample is None and region is not None:
            sample = region
        if front is None:
            front = (cx - vw / 2, bottom - vh, cx + vw / 2, bottom)
        pen.text(cx, bottom + h * 0.04, caption, min(w, h) * 0.03, (70, 70, 78))
    layer = layer.reduce(ss)
    img.paste(layer, (0, 0), layer)
    dx, dy, dr = detail
    zoom_layer = Image.new("RGBA", (round(dr * 2 * ss), round(dr * 2 * ss)), (246, 245, 242, 255))
    zpen = Pen(zoom_layer, ss, ink_width=max(1.5, dr * 0.02))
    # Where each shape's name sits: its label's width as a share of the product's width,
    # its height above the base and its centre's offset from the middle (shares of
    # height and width). The zoom makes the label span most of the circle.
    label_w, label_y, label_x = {
        "bottle": (1.0, 0.4, 0.0), "can": (1.0, 0.48, 0.0), "cup": (0.72, 0.46, 0.0),
        "phone": (0.76, 0.52, 0.0), "tube": (0.84, 0.49, 0.0), "box": (0.75, 0.45, -0.07),
        "shoe": (0.64, 0.11, 0.0), "car": (0.32, 0.3, -0.04)}[shape]
    zh = dr * 1.75 / (label_w * aspect)
    draw_product(zpen, shape, dr - label_x * zh * aspect, dr + zh * label_y, zh, color, name)
    zoom_layer = zoom_layer.reduce(ss)
    disc = Image.new("L", zoom_layer.size, 0)
    ImageDraw.Draw(disc).ellipse((0, 0, zoom_layer.width - 1, zoom_layer.height - 1), fill=255)
    img.paste(zoom_layer.convert("RGB"), (round(dx - dr), round(dy - dr)), disc)
    d = ImageDraw.Draw(img)
    d.ellipse((dx - dr, dy - dr, dx + dr, dy + dr), outline=INK, width=max(2, round(dr * 0.025)))
    put_text(d, (dx, dy + dr + h * 0.04), "DETAIL", min(w, h) * 0.03, (70, 70, 78))
    layout = {"product": [round(v) for v in sample] if sample else None,
              "product_view": [round(v) for v in front] if front else None}
    return img, layout


def product_sheet_text(img: Image.Image, plan: Plan) -> None:
    req = plan.request
    w, h = img.size
    d = ImageDraw.Draw(img)
    title = max(16.0, min(w, h) * 0.075)
    name = printable(req.product or "Product")
    while text_width(name, title, True) > w * 0.8 and title > 12:
        title *= 0.9
    put_text(d, (w / 2, h * 0.1), name, title, (28, 28, 34), bold=True)
    sub = req.category or plan.shape
    put_text(d, (w / 2, h * 0.1 + title * 0.9), sub, title * 0.42, (90, 90, 98))
    size = max(11.0, min(w, h) * 0.026)
    sx, sy = w * 0.04, h * (0.96 if h > w * 1.1 else 0.9)
    d.rectangle((sx, sy - size, sx + size * 2, sy + size), fill=plan.product, outline=INK,
                width=1)
    hexcode = "#{:02x}{:02x}{:02x}".format(*plan.product)
    put_text(d, (sx + size * 2.6, sy), f"colour {req.product_color}  {hexcode}", size, (50, 50, 58),
             anchor="lm")


def character_sheet(plan: Plan, width: int, height: int) -> tuple[Image.Image, dict[str, Any]]:
    w, h = float(width), float(height)
    figure = plan.figure or figure_colors("Someone", avoid=plan.product)
    portrait = h > w * 1.1
    img = _sheet_backdrop(plan, width, height, plan.palette[1 % len(plan.palette)],
                          0.5 if portrait else 0.4)
    ss = supersampling(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = Pen(layer, ss, ink_width=max(1.2, min(w, h) * 0.0028))
    size = h * (0.6 if portrait else 0.74)
    cx = w * (0.5 if portrait else 0.4)
    feet = h * (0.76 if portrait else 0.88)
    pen.ellipse(cx, feet, size * 0.22, size * 0.03, (0, 0, 0, 60), lit=False)
    pose = pose_for(plan.request.action, "")
    draw_figure(pen, cx, feet, size, figure, Pose(mood=pose.mood))
    layer = layer.reduce(ss)
    img.paste(layer, (0, 0), layer)
    u = size
    shoulder, hip = feet - u * 0.78, feet - u * 0.46
    shirt_box = (cx - u * 0.06, shoulder + u * 0.06, cx + u * 0.06, hip - u * 0.06)
    if figure.accessory == "tie":
        shirt_box = (cx - u * 0.09, shoulder + u * 0.2, cx - u * 0.035, hip - u * 0.04)
    if figure.accessory == "apron":
        shirt_box = (cx - u * 0.1, shoulder + u * 0.02, cx + u * 0.1, shoulder + u * 0.07)
    return img, {"shirt": [round(v) for v in shirt_box], "character": plan.request.character}


def character_sheet_text(img: Image.Image, plan: Plan) -> None:
    figure = plan.figure or figure_colors("Someone")
    w, h = img.size
    portrait = h > w * 1.1
    d = ImageDraw.Draw(img)
    title = max(16.0, min(w, h) * 0.07)
    name_y = h * 0.86 if portrait else h * 0.14
    name_x = w * 0.5 if portrait else w * 0.74
    put_text(d, (name_x, name_y), figure.name.upper(), title, (28, 28, 34), bold=True)
    if figure.role:
        put_text(d, (name_x, name_y + title * 0.85), figure.role, title * 0.45, (90, 90, 98))
    size = max(11.0, min(w, h) * 0.028)
    rows = [("skin", figure.skin), ("hair", figure.hair), ("shirt", figure.shirt),
            ("trousers", figure.trousers)]
    x = w * (0.12 if portrait else 0.66)
    y = h * (0.92 if portrait else 0.34)
    for i, (label, color) in enumerate(rows):
        if portrait:
            xx, yy = x + i * w * 0.2, y
        else:
            xx, yy = x, y + i * size * 2.4
        d.rectangle((xx, yy - size * 0.8, xx + size * 1.6, yy + size * 0.8), fill=color,
                    outline=INK, width=1)
        put_text(d, (xx + size * 2.1, yy), label, size, (50, 50, 58), anchor="lm")
    put_text(d, (w * (0.5 if portrait else 0.4), h * (0.8 if portrait else 0.95)), "FRONT",
             min(w, h) * 0.028, (70, 70, 78))


def _band(width: int, height: int, swatches: int) -> tuple[int, float, float]:
    """The setting sheet's notes band: its height, swatch size, where swatches start."""
    band = max(40, round(min(height * 0.12, width * 0.11)))
    size = min(band * 0.5, width * 0.07)
    start = width - swatches * size * 1.25 - band * 0.3
    return band, size, start


def setting_sheet(plan: Plan, width: int, height: int) -> tuple[Image.Image, dict[str, Any]]:
    n = min(len(plan.palette), 6)
    band, size, x = _band(width, height, n)
    scene_h = height - band
    scene = draw_backdrop(plan.setting, plan.time, plan.palette, width, scene_h,
                          plan.rng("backdrop"))
    color = plan.request.adjustments.color
    if color:
        scene = tint_backdrop(scene, color)
    img = Image.new("RGB", (width, height), (248, 247, 244))
    img.paste(scene, (0, 0))
    d = ImageDraw.Draw(img)
    d.line((0, scene_h, width, scene_h), fill=INK, width=2)
    swatches: list[list[int]] = []
    top = scene_h + (band - size) / 2
    for i in range(n):
        c = plan.palette[i]
        if color:
            c = tint_color(c, color)
        box = [round(x + i * size * 1.25), round(top), round(x + i * size * 1.25 + size),
               round(top + size)]
        d.rectangle(box, fill=c, outline=INK, width=1)
        swatches.append([box[0] + 3, box[1] + 3, box[2] - 3, box[3] - 3])
    # The scene box stays clear of the panel border so frames reusing it get none.
    t = max(2, round(min(width, height) * 0.004)) + 1
    layout = {"scene": [t, t, width - t, scene_h - 1], "swatches": swatches,
              "setting": plan.setting, "time": plan.time}
    return img, layout


def setting_sheet_text(img: Image.Image, plan: Plan) -> None:
    w, h = img.size
    band, _, swatch_x = _band(w, h, min(len(plan.palette), 6))
    room = swatch_x - band * 0.6
    d = ImageDraw.Draw(img)
    where = plan.request.setting or plan.setting
    title = printable(plan.request.label or where.title())
    note = printable(f"{where} · {plan.time} · empty set · palette:")
    # widths scale with size: measure at 100 px and solve for the size that fits
    size = min(band * 0.3, room * 100 / max(1.0, text_width(title, 100, True)),
               room * 100 / max(1.0, text_width(note, 70)))
    put_text(d, (band * 0.3, h - band / 2 - size * 0.55), title, size, (28, 28, 34), anchor="lm",
             bold=True)
    put_text(d, (band * 0.3, h - band / 2 + size * 0.7), note, size * 0.7, (90, 90, 98), anchor="lm")
