"""Storyboard frames: the backdrop zoomed for the camera framing, then figures and the
product composited on it.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter

from ....media.images import fit_to
from .backdrops import draw_backdrop
from .backdrops.scene import INTERIORS, stage_for
from .figures import FigureLook, Pose, draw_figure, extra_people, figure_colors, pose_for
from .palette import lighter, text_on, tint_backdrop, tone_for
from .pen import Pen, printable, put_text, supersampling, text_width
from .plan import Plan
from .products import ASPECT, HOLDABLE, draw_product, fit_aspect

_ZOOM = {"wide": 1.0, "medium": 1.18, "close": 1.55}


def _zoom(img: Image.Image, factor: float, anchor: tuple[float, float]) -> Image.Image:
    if factor <= 1.0:
        return img
    w, h = img.size
    cw, ch = w / factor, h / factor
    x0 = min(max(anchor[0] * w - cw / 2, 0), w - cw)
    y0 = min(max(anchor[1] * h - ch / 2, 0), h - ch)
    return img.resize((w, h), Image.Resampling.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))


def _backdrop_for(plan: Plan, width: int, height: int) -> Image.Image:
    look = plan.look
    if (look.backdrop is not None and look.setting == plan.setting
            and (look.time_of_day or "day") == plan.time):
        # The approved setting sheet, with every edit a person made to it.
        return fit_to(look.backdrop, width, height)
    return draw_backdrop(plan.setting, plan.time, plan.palette, width, height,
                         plan.rng("backdrop"))


def _subjects_layer(plan: Plan, width: int, height: int) -> Image.Image:
    """Figures and product for a frame, on a transparent 2x layer (returned at 1x)."""
    req = plan.request
    ss = supersampling(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = Pen(layer, ss, tone_for(plan.time, plan.setting in INTERIORS, True),
              ink_width=max(1.0, min(width, height) * 0.0022))
    w, h = float(width), float(height)
    floor, wide_h = stage_for(plan.setting)
    rng = plan.rng("subjects")
    framing = plan.framing
    pose = pose_for(req.action, req.prompt)
    name = req.product
    shape = plan.shape
    figure = plan.figure
    portrait = h > w * 1.1

    if framing == "close":
        ph = h * (0.55 if portrait else 0.64)
        pw, ph = fit_aspect(ASPECT[shape], w * 0.8, ph)
        cx = w * (0.5 if figure is None else 0.62) + rng.uniform(-0.02, 0.02) * w
        bottom = h * (0.78 if portrait else 0.86)
        pen.ellipse(cx, bottom, pw * 0.62, ph * 0.05, (0, 0, 0, 70), lit=False)
        draw_product(pen, shape, cx, bottom, ph, plan.product, name)
        return layer.reduce(ss)

    if framing == "wide":
        fig_h, feet = h * wide_h * (0.8 if portrait else 1.0), h * floor
    else:
        fig_h, feet = h * (0.62 if portrait else 0.8), h * (0.97 if portrait else 1.02)
    people = 0 if figure is None else 1 + extra_people(req.action)
    fx = w * (0.42 if people else 0.5) + rng.uniform(-0.06, 0.06) * w
    if portrait:
        fx = w * 0.45
    product_h = fig_h * 0.26
    holding = figure is not None and pose.hold and shape in HOLDABLE and shape != "box"
    shadows: list[tuple[float, float, float]] = []
    extra: list[tuple[float, FigureLook]] = []
    for k in range(people - 1):
        side = -1 if k % 2 == 0 else 1
        ex = fx + side * min(fig_h * (0.42 + 0.1 * k), w * (0.27 + 0.05 * k))
        extra.append((ex, figure_colors(f"friend {k + 1} of {req.character}",
                                        avoid=plan.product)))
    for ex, _ in extra:
        shadows.append((ex, feet, fig_h * 0.92))
    if figure is not None:
        shadows.append((fx, feet, fig_h))

    product_box: tuple[float, float, float] | None = None  # cx, bottom, height
    if shape == "car":
        # In a medium shot the car is parked a few steps behind the person, so it
        # stays in frame above the caption instead of being cut off at the wheels.
        back = framing == "medium" and figure is not None
        cw, car_h = fit_aspect(ASPECT["car"], w * 0.9, fig_h * (0.48 if back else 0.62))
        base = feet - fig_h * (0.16 if back else 0.02)
        ccx = fx + fig_h * 0.45 + cw * 0.3 if figure is not None else w * 0.5
        ccx = min(ccx, w - cw * 0.45)
        product_box = (ccx, base, car_h)
        shadows.append((ccx, base, cw * 0.9))
    elif not holding:
        # A plinth beside the figure, like a product display: readable at any size.
        ph = product_h * (1.3 if figure is None else 1.0)
        if ASPECT[shape] > 1:
            ph *= 0.55  # a shoe lies long and low
        if figure is None:
            ph = h * (0.42 if framing == "medium" else 0.3) * (0.5 if ASPECT[shape] > 1 else 1)
        px = fx + fig_h * 0.3 + ph * ASPECT[shape] / 2 if figure is not None else w * 0.5
        plinth_h = (fig_h * 0.42) if figure is not None else h * 0.12
        product_box = (px, feet - plinth_h, ph)
    for sx, sy, size in shadows:
        pen.ellipse(sx, sy, size * 0.22, size * 0.03, (0, 0, 0, 60), lit=False)

    if shape == "car" and product_box is not None:
        draw_product(pen, shape, product_box[0], product_box[1], product_box[2], plan.product, name)
    for ex, look in extra:
        draw_figure(pen, ex, feet - fig_h * 0.03, fig_h * 0.92, look,
                    Pose(mood=pose.mood, walk=pose.walk))
    if shape != "car" and product_box is not None:
        px, pb, ph = product_box
        aspect_w, _ = fit_aspect(ASPECT[shape], w, ph)
        plinth_w = max(aspect_w * 1.5, ph * 0.5)
        pen.rect(px - plinth_w / 2, pb, px + plinth_w / 2, feet, (236, 234, 228),
                 outline=True)
        pen.rect(px - plinth_w / 2, pb, px + plinth_w / 2, pb + (feet - pb) * 0.08,
                 lighter(plan.palette[0], 0.2), outline=True)
        draw_product(pen, shape, px, pb, ph, plan.product, name)
    if figure is not None:
        def held(hx: float, hy: float) -> None:
            draw_product(pen, shape, hx, hy + product_h * 0.14, product_h, plan.product, name)

        draw_figure(pen, fx, feet, fig_h, figure, pose, held if holding else None,
                    product_shoes=plan.product if shape == "shoe" else None)
    layer = layer.reduce(ss)
    if framing == "wide" and req.product:
        _callout(layer, plan, fx, feet, fig_h, holding, product_box, product_h)
    return layer


def _callout(layer: Image.Image, plan: Plan, fx: float, feet: float, fig_h: float,
             holding: bool, product_box: tuple[float, float, float] | None,
             product_h: float) -> None:
    # In a wide shot the name on the product is a few pixels tall; storyboard artists
    # point at it with a labelled arrow instead.
    if holding:
        tx, ty = fx + fig_h * 0.17, feet - fig_h * 0.78
    elif product_box is not None:
        tx, ty = product_box[0], product_box[1] - product_box[2] * 0.6
    else:
        return
    w, h = layer.size
    size = max(11.0, min(w, h) * 0.026)
    text = printable(plan.request.product)
    tw = text_width(text, size, True)
    lx = min(max(tx + w * 0.06, tw / 2 + 10), w - tw / 2 - 10)
    ly = max(size * 3.2, ty - h * 0.12)
    d = ImageDraw.Draw(layer)
    d.line((tx, ty, lx, ly + size * 0.7), fill=(30, 30, 34, 255), width=2)
    pad = size * 0.35
    d.rectangle((lx - tw / 2 - pad, ly - size * 0.7, lx + tw / 2 + pad, ly + size * 0.7),
                fill=(*plan.product, 255), outline=(30, 30, 34, 255), width=1)
    put_text(d, (lx, ly), text, size, (*text_on(plan.product), 255), bold=True)


def _background_figure(img: Image.Image, plan: Plan) -> None:
    """The character large and off-centre behind a close-up product (blurred later)."""
    if plan.figure is None:
        return
    w, h = img.size
    portrait = h > w * 1.1
    size = h * (1.0 if portrait else 1.5)
    cx = w * (0.28 if portrait else 0.26)
    feet = h + size * (0.3 if portrait else 0.55)
    pen = Pen(img, 1, tone_for(plan.time, plan.setting in INTERIORS, True),
              ink_width=2.0)
    draw_figure(pen, cx, feet, size, plan.figure, Pose(mood="smile"))


def draw_frame(plan: Plan, width: int, height: int) -> Image.Image:
    backdrop = _backdrop_for(plan, width, height)
    floor, _ = stage_for(plan.setting)
    anchor = (0.5, min(0.75, floor - 0.2))
    if plan.framing == "close":
        backdrop = _zoom(backdrop, _ZOOM["close"], anchor)
        _background_figure(backdrop, plan)
        backdrop = backdrop.filter(ImageFilter.GaussianBlur(max(2.0, min(width, height) * 0.006)))
    elif plan.framing == "medium":
        backdrop = _zoom(backdrop, _ZOOM["medium"], anchor)
    color = plan.request.adjustments.color
    if color:
        backdrop = tint_backdrop(backdrop, color)
    layer = _subjects_layer(plan, width, height)
    backdrop.paste(layer, (0, 0), layer)
    return backdrop
