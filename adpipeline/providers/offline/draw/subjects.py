"""Subjects painted into an inpainted region ("a red sports car", "a palm tree"): what
kind of thing the words name, and the thing drawn on a transparent layer.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from PIL import Image

from ....errors import InvalidInput
from ....media.colors import RGB, find_color
from ..vocabulary import COLORS as STORY_COLORS
from .backdrops.parts import cactus, draw_cloud, palm, plant, tree_round
from .figures import SHIRTS, Pose, draw_figure, figure_colors
from .palette import INK, darker, lighter, text_on
from .pen import Pen, supersampling
from .products import ASPECT, draw_product, fit_aspect
from .words import rightmost_match, seeded_rng, stable_hash

_SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "car": ("car", "sports car", "truck", "van", "bus", "taxi", "jeep", "suv", "vehicle",
            "convertible", "sedan", "limo", "limousine"),
    "bike": ("bike", "bicycle", "motorcycle", "scooter", "motorbike", "e-bike"),
    "animal": ("dog", "puppy", "retriever", "labrador", "cat", "kitten", "horse", "cow", "fox",
               "bear", "sheep", "rabbit", "deer", "pet", "poodle", "terrier", "corgi"),
    "bird": ("bird", "parrot", "seagull", "pigeon", "duck", "eagle", "owl"),
    "person": ("man", "woman", "person", "child", "kid", "boy", "girl", "friend", "people",
               "runner", "hiker", "chef", "guy", "lady", "surfer", "athlete", "model",
               "customer", "worker", "student", "figure"),
    "palm": ("palm", "palm tree", "coconut tree"),
    "tree": ("tree", "oak", "pine", "bush", "shrub", "hedge", "maple", "birch"),
    "flower": ("flower", "flowers", "tulip", "tulips", "roses", "bouquet", "daisy", "daisies",
               "sunflower"),
    "plant": ("plant", "potted plant", "houseplant", "fern", "succulent"),
    "cactus": ("cactus", "cacti"),
    "house": ("house", "building", "cabin", "hut", "tower", "shop", "home", "barn"),
    "sun": ("sun",), "moon": ("moon",), "cloud": ("cloud", "clouds"),
    "balloon": ("balloon", "balloons"),
    "umbrella": ("umbrella", "parasol"),
    "chair": ("chair", "stool", "armchair"),
    "lamp": ("lamp", "light", "lantern"),
    "ball": ("ball", "football", "basketball", "beach ball", "soccer ball", "tennis ball"),
    "rock": ("rock", "stone", "boulder"),
    "bottle": ("bottle", "flask", "tumbler", "thermos", "wine"),
    "can": ("can", "soda"),
    "cup": ("cup", "mug", "coffee", "latte"),
    "phone": ("phone", "smartphone", "tablet", "laptop"),
    "shoe": ("shoe", "shoes", "sneaker", "sneakers", "boot", "boots"),
    "box": ("box", "gift", "package", "parcel", "present"),
    "tube": ("tube", "cream", "lotion", "toothpaste"),
}

_SUBJECT_ASPECT = {"car": 2.2, "bike": 1.7, "animal": 1.35, "bird": 1.1, "person": 0.42,
                   "palm": 1.1, "tree": 0.8, "flower": 0.9, "plant": 0.7, "cactus": 0.7,
                   "house": 1.05, "sun": 1.0, "moon": 1.0, "cloud": 1.9, "balloon": 0.6,
                   "umbrella": 1.0, "chair": 0.75, "lamp": 0.4, "ball": 1.0, "rock": 1.5,
                   "thing": 1.0, **ASPECT}

_SUBJECT_COLOR: dict[str, RGB] = {
    "car": (52, 96, 200), "bike": (214, 40, 40), "animal": (196, 146, 76), "bird": (60, 120, 210),
    "palm": (52, 132, 66), "tree": (62, 140, 72), "flower": (230, 90, 140),
    "plant": (60, 140, 76), "cactus": (70, 134, 76), "house": (204, 140, 100),
    "sun": (255, 210, 60), "moon": (240, 236, 210), "cloud": (250, 250, 252),
    "balloon": (220, 40, 60), "umbrella": (230, 80, 60), "chair": (170, 120, 80),
    "lamp": (250, 220, 140), "ball": (240, 120, 30), "rock": (140, 136, 130),
}


def subject_kind(text: str) -> str:
    """What to draw for an inpainting prompt: ``car``, ``animal``, ``person``, ``palm``,
    ... or ``thing`` when no word is known."""
    return rightmost_match(text, _SUBJECT_WORDS) or "thing"


def _subject_noun(text: str) -> str:
    words = re.findall(r"[a-z][a-z-]*", text.lower())
    stop = {"a", "an", "the", "some", "with", "of", "and", "in", "on", "big", "small", "large",
            "little", "tiny", "huge", "new", "old", "nice", "shiny", "bright", "dark"}
    words = [w for w in words if w not in stop and w not in STORY_COLORS]
    return " ".join(words[-2:]) if words else "object"


def draw_subject(text: str, width: int, height: int, seed: int = 0) -> Image.Image:
    """Draw the subject an inpainting prompt names ("a red sports car", "a golden
    retriever", "a palm tree") on a transparent ``width`` x ``height`` RGBA image.

    The shape comes from the subject's words (:func:`subject_kind`), the colour from a
    colour word if there is one; unknown subjects become a labelled object, as a
    storyboard artist would pencil them in.
    """
    if width < 1 or height < 1:
        raise InvalidInput(f"cannot draw a subject {width}x{height}: sizes must be positive.")
    kind = subject_kind(text)
    found = find_color(text)
    named = found[1] if found else None
    if kind in ("flower", "plant", "tree", "palm") and found and found[0] in ("forest", "green"):
        named = None
    rng = seeded_rng("subject", seed, text)
    color = named or _SUBJECT_COLOR.get(kind) or SHIRTS[stable_hash(text) % len(SHIRTS)]
    ss = supersampling(width, height)
    layer = Image.new("RGBA", (width * ss, height * ss), (0, 0, 0, 0))
    pen = Pen(layer, ss, ink_width=max(1.0, min(width, height) * 0.012))
    margin = 0.06
    bw, bh = fit_aspect(_SUBJECT_ASPECT.get(kind, 1.0), width * (1 - 2 * margin),
                        height * (1 - 2 * margin))
    cx, bottom = width / 2, height * (1 - margin)
    x0, top = cx - bw / 2, bottom - bh
    if kind in ASPECT:
        draw_product(pen, kind, cx, bottom, bh, color, "")
    elif kind == "person":
        look = figure_colors(text)
        if named:
            look = replace(look, shirt=named)
        draw_figure(pen, cx, bottom, bh, look, Pose())
    elif kind == "car":
        draw_product(pen, "car", cx, bottom, bh, color, "")
    elif kind == "bike":
        r = bh * 0.3
        for wx in (x0 + r, x0 + bw - r):
            pen.circle(wx, bottom - r, r, None, outline=True)
            pen.circle(wx, bottom - r, r * 0.85, None, outline=(60, 60, 66))
        frame = [(x0 + r, bottom - r), (cx - bw * 0.05, bottom - r), (cx + bw * 0.12, top + bh * 0.3),
                 (x0 + bw * 0.3, top + bh * 0.3), (x0 + r, bottom - r)]
        pen.line(frame, color, bh * 0.06, outline=True)
        pen.line([(cx + bw * 0.12, top + bh * 0.3), (x0 + bw - r, bottom - r)], color, bh * 0.06,
                 outline=True)
        pen.line([(cx + bw * 0.12, top + bh * 0.3), (cx + bw * 0.16, top + bh * 0.12)],
                 (50, 50, 56), bh * 0.05)
        pen.rect(x0 + bw * 0.24, top + bh * 0.18, x0 + bw * 0.38, top + bh * 0.24, (40, 40, 44),
                 radius=4, outline=True)
    elif kind == "animal":
        body = (x0 + bw * 0.18, top + bh * 0.3, x0 + bw * 0.8, top + bh * 0.72)
        for lx in (0.24, 0.36, 0.64, 0.74):
            pen.line([(x0 + bw * lx, top + bh * 0.6), (x0 + bw * lx, bottom - bh * 0.03)],
                     color, bw * 0.07, outline=True)
        pen.line([(x0 + bw * 0.2, top + bh * 0.42), (x0 + bw * 0.04, top + bh * 0.2)], color,
                 bw * 0.05, outline=True)
        pen.ellipse((body[0] + body[2]) / 2, (body[1] + body[3]) / 2, (body[2] - body[0]) / 2,
                    (body[3] - body[1]) / 2, color, outline=True)
        hx, hy, hr = x0 + bw * 0.82, top + bh * 0.28, bh * 0.2
        pen.ellipse(hx, hy, hr, hr * 0.9, color, outline=True)
        pen.ellipse(hx + hr * 0.8, hy + hr * 0.3, hr * 0.5, hr * 0.35, lighter(color, 0.2),
                    outline=True)
        pen.circle(hx + hr * 1.25, hy + hr * 0.2, hr * 0.12, INK, lit=False)
        pen.ellipse(hx - hr * 0.5, hy + hr * 0.2, hr * 0.3, hr * 0.6, darker(color, 0.25),
                    outline=True)
        pen.circle(hx + hr * 0.3, hy - hr * 0.2, hr * 0.1, INK, lit=False)
    elif kind == "bird":
        pen.ellipse(cx, top + bh * 0.55, bw * 0.32, bh * 0.28, color, outline=True)
        pen.circle(cx + bw * 0.28, top + bh * 0.32, bh * 0.16, color, outline=True)
        pen.poly([(cx + bw * 0.42, top + bh * 0.3), (cx + bw * 0.54, top + bh * 0.35),
                  (cx + bw * 0.42, top + bh * 0.38)], (240, 170, 40), outline=True)
        pen.poly([(cx - bw * 0.1, top + bh * 0.5), (cx + bw * 0.12, top + bh * 0.48),
                  (cx - bw * 0.2, top + bh * 0.2)], darker(color, 0.2), outline=True)
        pen.circle(cx + bw * 0.31, top + bh * 0.3, bh * 0.03, INK, lit=False)
    elif kind == "palm":
        palm(pen, cx - bw * 0.08, bottom, bh * 0.95, 1.0)
    elif kind == "tree":
        tree_round(pen, cx, bottom, bh, color)
    elif kind in ("flower", "plant"):
        if kind == "plant":
            plant(pen, cx, bottom, bh, (200, 110, 80))
        else:
            for k in range(5):
                fx = x0 + bw * (0.15 + 0.175 * k)
                fy = top + bh * (0.2 + 0.15 * rng.random())
                pen.line([(fx, bottom), (fx, fy)], (60, 130, 60), bw * 0.03)
                for a in range(6):
                    ang = math.radians(a * 60)
                    pen.circle(fx + math.cos(ang) * bh * 0.06, fy + math.sin(ang) * bh * 0.06,
                               bh * 0.05, color, outline=True)
                pen.circle(fx, fy, bh * 0.04, (250, 210, 60), outline=True)
    elif kind == "cactus":
        cactus(pen, cx, bottom, bh, color if named else (70, 134, 76))
    elif kind == "house":
        pen.rect(x0 + bw * 0.1, top + bh * 0.4, x0 + bw * 0.9, bottom, color, outline=True)
        pen.poly([(x0, top + bh * 0.42), (cx, top), (x0 + bw, top + bh * 0.42)],
                 darker(color, 0.3), outline=True)
        pen.rect(cx - bw * 0.08, bottom - bh * 0.3, cx + bw * 0.08, bottom, (110, 76, 50),
                 outline=True)
        for wx in (0.25, 0.65):
            pen.rect(x0 + bw * wx, top + bh * 0.5, x0 + bw * (wx + 0.12), top + bh * 0.62,
                     (200, 226, 240), outline=True)
    elif kind in ("sun", "moon", "ball"):
        r = min(bw, bh) / 2
        pen.circle(cx, bottom - r, r, color, outline=True)
        if kind == "sun":
            for a in range(12):
                ang = math.radians(a * 30)
                pen.line([(cx + math.cos(ang) * r * 1.1, bottom - r + math.sin(ang) * r * 1.1),
                          (cx + math.cos(ang) * r * 1.35, bottom - r + math.sin(ang) * r * 1.35)],
                         color, r * 0.08)
        elif kind == "ball":
            pen.arc((cx - r, bottom - 2 * r, cx + r, bottom), 200, 340, (250, 250, 250), r * 0.1)
        else:
            pen.circle(cx - r * 0.3, bottom - r * 1.2, r * 0.18, darker(color, 0.1))
    elif kind == "cloud":
        draw_cloud(pen, cx, bottom - bh * 0.5, bh * 0.36, color)
    elif kind == "balloon":
        pen.line([(cx, top + bh * 0.62), (cx + bw * 0.05, bottom)], (90, 90, 96), 1.5)
        pen.ellipse(cx, top + bh * 0.32, bw * 0.48, bh * 0.32, color, outline=True)
        pen.ellipse(cx - bw * 0.15, top + bh * 0.2, bw * 0.1, bh * 0.07, lighter(color, 0.5))
    elif kind == "umbrella":
        pen.line([(cx, top + bh * 0.2), (cx, bottom)], (90, 90, 96), bw * 0.03, outline=True)
        pen.chord((x0, top + bh * 0.05, x0 + bw, top + bh * 0.6), 180, 360, color, outline=True)
    elif kind == "chair":
        pen.rect(x0 + bw * 0.1, top, x0 + bw * 0.25, bottom, color, outline=True)
        pen.rect(x0 + bw * 0.1, top + bh * 0.5, x0 + bw * 0.9, top + bh * 0.6, color,
                 outline=True)
        pen.rect(x0 + bw * 0.78, top + bh * 0.6, x0 + bw * 0.9, bottom, color, outline=True)
    elif kind == "lamp":
        pen.rect(cx - bw * 0.05, top + bh * 0.3, cx + bw * 0.05, bottom - bh * 0.04,
                 (70, 70, 76), outline=True)
        pen.rect(cx - bw * 0.4, bottom - bh * 0.05, cx + bw * 0.4, bottom, (70, 70, 76),
                 outline=True)
        pen.poly([(cx - bw * 0.3, top), (cx + bw * 0.3, top), (cx + bw * 0.5, top + bh * 0.32),
                  (cx - bw * 0.5, top + bh * 0.32)], color, outline=True)
    elif kind == "rock":
        pen.poly([(x0, bottom), (x0 + bw * 0.1, top + bh * 0.4), (x0 + bw * 0.4, top),
                  (x0 + bw * 0.8, top + bh * 0.2), (x0 + bw, bottom)], color, outline=True)
    else:
        pen.rect(x0, top, x0 + bw, bottom, color, radius=min(bw, bh) * 0.18, outline=True)
        pen.rect(x0 + bw * 0.08, top + bh * 0.08, x0 + bw * 0.2, bottom - bh * 0.08,
                 lighter(color, 0.35), radius=bw * 0.04)
        pen.fit_text((x0 + bw * 0.24, top + bh * 0.35, x0 + bw * 0.92, top + bh * 0.65),
                     _subject_noun(text), text_on(color))
    return layer.reduce(ss)
