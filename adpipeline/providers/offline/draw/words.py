"""What a request's words mean for drawing: colours, the product's shape, time of day,
camera framing, and the seeded randomness every choice is drawn from.

Everything here is a pure function of text, so the same words always draw the same
picture.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import Any

from ....errors import InvalidInput
from ....media.colors import RGB, color_rgb
from ..vocabulary import COLORS as STORY_COLORS
from ..vocabulary import TIMES_OF_DAY, find_word


def parse_color(value: Any, fallback: RGB = (27, 153, 139)) -> RGB:
    """A colour from a story colour name, a hex code, free text or an RGB triple.

    Story colour names use the story engine's own hex values so the product on a sheet
    matches the palette the story chose; anything unreadable gives ``fallback``.
    """
    if isinstance(value, str):
        key = value.strip().lower()
        if key in STORY_COLORS:
            return _hex(STORY_COLORS[key])
        if re.fullmatch(r"#?[0-9a-f]{6}", key):
            return _hex(key if key.startswith("#") else "#" + key)
    try:
        return color_rgb(value)
    except InvalidInput:
        return fallback


def _hex(text: str) -> RGB:
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


def resolve_time(time_of_day: str) -> str:
    """``day``, ``morning``, ``sunset`` or ``night`` from free text (default day)."""
    return find_word(time_of_day or "", TIMES_OF_DAY) or "day"


def resolve_framing(camera: str, framing: str | None = None) -> str:
    """``wide``, ``medium`` or ``close`` from camera words; a ``framing`` adjustment wins."""
    for text in ((framing or "").lower(), (camera or "").lower()):
        if re.search(r"close|macro|detail|tight|extreme|insert|zoom in", text):
            return "close"
        if re.search(r"wide|establishing|long shot|aerial|full shot|zoom out|pull back|far", text):
            return "wide"
        if text.strip():
            return "medium"
    return "medium"


_SHAPE_WORDS: dict[str, tuple[str, ...]] = {
    "bottle": ("bottle", "flask", "tumbler", "thermos", "canteen", "wine", "perfume", "shampoo",
               "serum", "oil", "sauce", "juice", "kombucha", "vodka", "whisky", "gin"),
    "can": ("can", "soda", "cola", "beer", "seltzer", "energy drink", "drink", "beverage",
            "sparkling", "lager", "tonic"),
    "cup": ("cup", "mug", "coffee", "tea", "latte", "espresso", "smoothie", "cappuccino"),
    "phone": ("phone", "smartphone", "tablet", "app", "software", "watch", "smartwatch",
              "laptop", "gadget", "device", "camera", "console", "e-reader", "speaker"),
    "shoe": ("shoe", "shoes", "sneaker", "sneakers", "boot", "boots", "trainers", "running",
             "sandals", "heels", "footwear", "cleats"),
    "car": ("car", "suv", "truck", "van", "bike", "e-bike", "bicycle", "scooter",
            "motorcycle", "vehicle", "ev", "sedan", "hatchback", "jeep"),
    "tube": ("tube", "cream", "lotion", "sunscreen", "toothpaste", "skincare", "moisturiser",
             "moisturizer", "balm", "lipstick", "gel", "ointment", "makeup", "cleanser"),
    "box": ("box", "snack", "bar", "cereal", "chocolate", "cookie", "cookies", "granola", "kit",
            "gift", "pack", "package", "soap", "meal", "pizza", "candy", "crackers"),
}


def rightmost_match(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    # English puts the head noun last ("water bottle", "energy drink can"), so the
    # match that ends furthest right names the thing; of matches ending together the
    # longer wins ("palm tree" over "tree").
    low = text.lower()
    best, best_rank = None, (-1, 0)
    for key, words in table.items():
        for word in words:
            for match in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", low):
                rank = (match.end(), match.end() - match.start())
                if rank > best_rank:
                    best, best_rank = key, rank
    return best


def product_shape(category: str, product: str = "") -> str:
    """The drawn shape for a product: bottle, can, cup, phone, shoe, car, tube or box."""
    return rightmost_match(category, _SHAPE_WORDS) or rightmost_match(product, _SHAPE_WORDS) or "box"


def stable_hash(*parts: Any) -> int:
    material = "|".join(str(p) for p in parts).encode("utf-8", "replace")
    return int.from_bytes(hashlib.sha256(material).digest()[:8], "big")


def seeded_rng(*parts: Any) -> random.Random:
    return random.Random(stable_hash(*parts))
