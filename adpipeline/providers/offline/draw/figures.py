"""People: how a character looks (skin, hair, shirt, accessory, derived from its
description so it is the same in every picture), their pose, and the figure itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ....errors import InvalidInput
from ....media.colors import RGB, color_rgb
from .palette import INK, darker, lighter
from .pen import Pen
from .words import stable_hash

SHIRTS: tuple[RGB, ...] = (
    (46, 88, 168), (196, 52, 52), (58, 140, 84), (214, 164, 40), (122, 82, 172),
    (28, 138, 150), (228, 118, 42), (214, 98, 148), (142, 92, 60), (92, 160, 220),
    (118, 128, 48), (70, 70, 84),
)
_SKINS: tuple[RGB, ...] = (
    (246, 214, 186), (234, 192, 160), (214, 164, 122), (186, 130, 92), (146, 96, 64),
    (104, 68, 46),
)
_HAIRS: tuple[RGB, ...] = (
    (40, 30, 26), (86, 56, 34), (150, 100, 50), (214, 176, 98), (120, 40, 28), (60, 60, 66),
)
_TROUSERS: tuple[RGB, ...] = ((52, 74, 116), (60, 60, 68), (150, 126, 90), (92, 98, 70),
                              (40, 44, 58))


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    return math.sqrt(sum((float(x) - float(y)) ** 2 for x, y in zip(a, b, strict=False)))


def shirt_color(character: str, avoid: RGB | None = None) -> RGB:
    """The shirt colour for a character description, the same wherever it appears.

    ``avoid`` (the product colour) skips shirts that would be mistaken for the product.
    """
    key = (character or "").strip().lower()
    start = stable_hash("shirt", key) % len(SHIRTS)
    for i in range(len(SHIRTS)):
        shirt = SHIRTS[(start + i) % len(SHIRTS)]
        if avoid is None or _distance(shirt, avoid) > 110:
            return shirt
    return SHIRTS[start]


@dataclass(frozen=True)
class FigureLook:
    """How one character is drawn: colours, hair and a role accessory."""

    name: str
    role: str
    skin: RGB
    hair: RGB
    hair_style: str
    shirt: RGB
    trousers: RGB
    shoes: RGB
    accessory: str


_ACCESSORIES = (
    ("backpack", ("hiker", "traveller", "traveler", "student", "explorer", "camper")),
    ("headband", ("runner", "athlete", "player", "cyclist", "trainer", "yogi")),
    ("tie", ("professional", "manager", "lawyer", "businessman", "businesswoman", "banker")),
    ("bag", ("commuter", "creative", "designer", "photographer", "journalist")),
    ("apron", ("chef", "cook", "baker", "barista", "parent", "homeowner", "gardener")),
)


def figure_colors(character: str, avoid: RGB | None = None) -> FigureLook:
    """Everything that makes a character recognisable, derived from its description."""
    text = (character or "someone").strip()
    name = text.split(",")[0].strip() or "Someone"
    role = text.split(",", 1)[1].strip() if "," in text else ""
    role = re.sub(r"^(an?|the)\s+", "", role, flags=re.I)
    key = name.lower()
    low = text.lower()
    accessory = next((acc for acc, words in _ACCESSORIES
                      if any(re.search(rf"\b{w}\b", low) for w in words)), "")
    return FigureLook(
        name=name, role=role,
        skin=_SKINS[stable_hash("skin", key) % len(_SKINS)],
        hair=_HAIRS[stable_hash("hair", key) % len(_HAIRS)],
        hair_style=("short", "long", "bun", "curly", "short")[stable_hash("style", key) % 5],
        shirt=shirt_color(text, avoid),
        trousers=_TROUSERS[stable_hash("trousers", key) % len(_TROUSERS)],
        shoes=(236, 236, 236) if stable_hash("shoes", key) % 2 else (50, 50, 56),
        accessory=accessory,
    )


@dataclass(frozen=True)
class Pose:
    walk: bool = False
    hold: bool = False
    mood: str = "smile"
    wave: bool = False


def draw_figure(p: Pen, cx: float, feet: float, size: float, look: FigureLook, pose: Pose,
                held: Callable[[float, float], None] | None = None,
                product_shoes: RGB | None = None) -> tuple[float, float]:
    """A storyboard figure standing on ``feet``, ``size`` tall; returns the right hand.

    Drawn back to front (backpack and long hair, legs, torso, the far arm, head, the
    near arm) so every overlap is right without layers. ``held`` is called with the
    right hand's position after the body and before the hand, so a held product sits
    behind the fingers.
    """
    u = size
    head_r = u * 0.075
    head_cy = feet - u + head_r
    shoulder = feet - u * 0.78
    hip = feet - u * 0.46
    sw, hw = u * 0.12, u * 0.095
    stride = u * (0.08 if pose.walk else 0.028)
    arm_w, leg_w = u * 0.052, u * 0.07
    shirt, skin = look.shirt, look.skin
    shoes = product_shoes or look.shoes

    if look.accessory == "backpack":
        p.rect(cx - sw - u * 0.03, shoulder + u * 0.01, cx + sw + u * 0.03, hip - u * 0.03,
               (110, 80, 56), radius=u * 0.04, outline=True)
    if look.hair_style == "long":
        p.rect(cx - head_r * 1.12, head_cy - head_r * 0.4, cx + head_r * 1.12,
               head_cy + head_r * 1.6, look.hair, radius=head_r * 0.6, outline=True)
    for side in (-1, 1):
        hx = cx + side * u * 0.045
        fx = cx + side * (u * 0.04 + stride)
        p.line([(hx, hip), (fx, feet - u * 0.035)], look.trousers, leg_w, outline=True)
        p.ellipse(fx + side * u * 0.012, feet - u * 0.022, u * 0.05, u * 0.026, shoes,
                  outline=True)
    p.rect(cx - hw - u * 0.005, hip - u * 0.06, cx + hw + u * 0.005, hip + u * 0.03,
           look.trousers, radius=u * 0.02, outline=True)
    p.poly([(cx - sw, shoulder + u * 0.02), (cx - sw + u * 0.03, shoulder - u * 0.012),
            (cx + sw - u * 0.03, shoulder - u * 0.012), (cx + sw, shoulder + u * 0.02),
            (cx + hw, hip), (cx - hw, hip)], shirt, outline=True)
    if look.accessory == "apron":
        p.rect(cx - hw * 0.8, shoulder + u * 0.09, cx + hw * 0.8, hip + u * 0.05,
               (244, 244, 240), radius=u * 0.01, outline=True)
    if look.accessory == "tie":
        p.poly([(cx - u * 0.012, shoulder), (cx + u * 0.012, shoulder), (cx + u * 0.02,
                shoulder + u * 0.16), (cx, shoulder + u * 0.19), (cx - u * 0.02,
                shoulder + u * 0.16)], (150, 30, 40), outline=True)
    if look.accessory == "backpack":
        for side in (-1, 1):
            p.line([(cx + side * sw * 0.6, shoulder), (cx + side * sw * 0.7, hip - u * 0.05)],
                   (90, 64, 44), u * 0.018)
    if look.accessory == "bag":
        p.line([(cx - sw * 0.8, shoulder), (cx + hw * 1.1, hip - u * 0.02)], (90, 64, 44),
               u * 0.016)
    lsx, lsy = cx - sw + u * 0.015, shoulder + u * 0.025
    swing = u * 0.05 if pose.walk else 0.0
    if pose.wave:
        left = [(lsx, lsy), (lsx - u * 0.1, lsy - u * 0.02), (lsx - u * 0.12, lsy - u * 0.16)]
    else:
        left = [(lsx, lsy), (lsx - u * 0.035 - swing, lsy + u * 0.15),
                (lsx - u * 0.035 - swing * 1.6, hip + u * 0.01)]
    p.line(left, shirt, arm_w, outline=True)
    p.circle(left[-1][0], left[-1][1], u * 0.027, skin, outline=True)
    p.rect(cx - u * 0.022, head_cy + head_r * 0.6, cx + u * 0.022, shoulder + u * 0.005, skin,
           outline=True)
    p.poly([(cx - u * 0.03, shoulder - u * 0.012), (cx, shoulder + u * 0.03),
            (cx + u * 0.03, shoulder - u * 0.012)], lighter(shirt, 0.25))
    p.ellipse(cx, head_cy, head_r, head_r * 1.08, skin, outline=True)
    hair_box = (cx - head_r * 1.06, head_cy - head_r * 1.18, cx + head_r * 1.06,
                head_cy + head_r * 0.5)
    if look.hair_style == "curly":
        for k in range(7):
            a = math.radians(180 + k * 30)
            p.circle(cx + math.cos(a) * head_r * 0.85, head_cy + math.sin(a) * head_r * 0.9,
                     head_r * 0.36, look.hair)
    else:
        p.chord(hair_box, 180, 360, look.hair, outline=True)
    if look.hair_style == "bun":
        p.circle(cx, head_cy - head_r * 1.15, head_r * 0.4, look.hair, outline=True)
    if look.accessory == "backpack":
        p.chord((cx - head_r * 1.1, head_cy - head_r * 1.25, cx + head_r * 1.1,
                 head_cy + head_r * 0.3), 180, 360, (60, 110, 70), outline=True)
        p.rect(cx - head_r * 0.2, head_cy - head_r * 0.5, cx + head_r * 1.5,
               head_cy - head_r * 0.32, (60, 110, 70), outline=True)
    if look.accessory == "headband":
        p.rect(cx - head_r * 1.02, head_cy - head_r * 0.62, cx + head_r * 1.02,
               head_cy - head_r * 0.38, (230, 60, 60), outline=True)
    ey = head_cy + head_r * 0.05
    for side in (-1, 1):
        p.ellipse(cx + side * head_r * 0.38, ey, max(0.8, head_r * 0.1), max(0.9, head_r * 0.13),
                  INK, lit=False)
    mouth = (cx - head_r * 0.38, head_cy + head_r * 0.2, cx + head_r * 0.38,
             head_cy + head_r * 0.68)
    if pose.mood == "frown":
        p.arc((mouth[0], mouth[1] + head_r * 0.3, mouth[2], mouth[3] + head_r * 0.3), 200, 340,
              INK, max(0.8, head_r * 0.08), lit=False)
    else:
        p.arc(mouth, 20, 160, INK, max(0.8, head_r * 0.08), lit=False)
    rsx, rsy = cx + sw - u * 0.015, shoulder + u * 0.025
    if pose.hold:
        right = [(rsx, rsy), (rsx + u * 0.07, rsy + u * 0.15), (rsx + u * 0.13, rsy + u * 0.09)]
    else:
        right = [(rsx, rsy), (rsx + u * 0.035 + swing, rsy + u * 0.15),
                 (rsx + u * 0.035 + swing * 1.6, hip + u * 0.01)]
    p.line(right, shirt, arm_w, outline=True)
    hand = right[-1]
    if held is not None:
        held(hand[0], hand[1])
    p.circle(hand[0], hand[1], u * 0.027, skin, outline=True)
    return hand


def pose_for(action: str, prompt: str) -> Pose:
    low = f"{action} {prompt}".lower()
    return Pose(
        walk=bool(re.search(r"\b(walk|walks|walking|run|runs|running|jog|jogs|hike|hikes|"
                            r"hiking|stroll|strolls|along|rushes|commute)\b", low)),
        hold=bool(re.search(r"\b(hold|holds|holding|in hand|picks? up|drinks?|sips?|uses?|"
                            r"hands|grabs?|opens?|shows?|raises?)\b", low)),
        mood="frown" if re.search(r"\b(frustrated|tired|stuck|unimpressed|annoyed|sad|"
                                  r"stressed|angry|slump)\b", low) else "smile",
        wave=bool(re.search(r"\b(wave|waves|waving|cheers|celebrat)", low)),
    )


def extra_people(action: str) -> int:
    low = action.lower()
    if re.search(r"\b(friends|group|crowd|team|together|family|everyone|compare)\b", low):
        return 2
    if re.search(r"\b(a friend|partner|colleague|to a|with a)\b", low):
        return 1
    return 0


def dress(figure: FigureLook, color: Any) -> FigureLook:
    """``figure`` in an outfit of ``color``: the shirt in it and the trousers a darker
    shade of it, so the whole outfit reads as that colour."""
    try:
        rgb = color_rgb(color)
    except InvalidInput:
        return figure
    return replace(figure, shirt=rgb, trousers=darker(rgb, 0.3))
