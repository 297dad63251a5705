"""Named colours: the names people type in feedback and stories, read from free text
("a reddish glow", "matte black", "#cc2244") as RGB."""

from __future__ import annotations

import re

from PIL import ImageColor

from ..errors import InvalidInput

RGB = tuple[int, int, int]

# Names people type in feedback and stories. Hand-picked rather than CSS's so that
# "green" is a grass green and "gold" reads as gold on a label, not as CSS's olive-ish.
COLORS: dict[str, RGB] = {
    "red": (214, 40, 40),
    "crimson": (190, 20, 50),
    "scarlet": (230, 36, 20),
    "burgundy": (120, 20, 40),
    "maroon": (128, 24, 32),
    "coral": (255, 111, 89),
    "salmon": (250, 128, 114),
    "orange": (245, 130, 20),
    "peach": (255, 190, 150),
    "amber": (255, 176, 0),
    "yellow": (250, 210, 30),
    "gold": (212, 170, 40),
    "golden": (218, 165, 32),
    "cream": (250, 240, 210),
    "ivory": (250, 246, 230),
    "beige": (225, 205, 170),
    "sand": (220, 195, 145),
    "tan": (200, 160, 110),
    "khaki": (190, 180, 120),
    "brown": (120, 75, 40),
    "chocolate": (90, 50, 25),
    "olive": (120, 130, 40),
    "lime": (140, 210, 40),
    "green": (40, 160, 70),
    "emerald": (20, 140, 90),
    "forest": (30, 100, 50),
    "mint": (150, 230, 190),
    "sage": (150, 175, 140),
    "teal": (0, 140, 140),
    "turquoise": (40, 200, 190),
    "aqua": (60, 220, 220),
    "cyan": (0, 200, 230),
    "sky": (120, 190, 240),
    "blue": (40, 90, 210),
    "cobalt": (0, 71, 171),
    "navy": (20, 35, 90),
    "indigo": (70, 40, 140),
    "violet": (140, 80, 200),
    "purple": (130, 50, 170),
    "lavender": (180, 160, 230),
    "lilac": (200, 160, 220),
    "magenta": (220, 30, 160),
    "pink": (245, 130, 180),
    "rose": (230, 100, 130),
    "white": (245, 245, 245),
    "silver": (192, 196, 204),
    "grey": (128, 128, 132),
    "gray": (128, 128, 132),
    "charcoal": (54, 58, 64),
    "black": (24, 24, 28),
}

_COLOR_ALIASES = {
    "sky blue": "sky",
    "light blue": "sky",
    "baby blue": "sky",
    "royal blue": "cobalt",
    "navy blue": "navy",
    "dark blue": "navy",
    "forest green": "forest",
    "dark green": "forest",
    "light green": "lime",
    "hot pink": "magenta",
    "off white": "ivory",
    "off-white": "ivory",
    "jet black": "black",
    "matte black": "black",
    "space gray": "charcoal",
    "space grey": "charcoal",
}


def color_rgb(name: str | RGB | list[int]) -> RGB:
    """Return the ``(r, g, b)`` for a colour name, ``#rrggbb`` or an RGB triple.

    Free text works when it contains a colour word ("matte black", "ocean blue").

    Raises:
        InvalidInput: if no colour can be read from ``name``.
    """
    if isinstance(name, tuple | list) and len(name) == 3:
        return (int(name[0]), int(name[1]), int(name[2]))
    if not isinstance(name, str):
        raise InvalidInput(f"{name!r} is not a colour: give a name like 'red' or '#cc2244'.")
    text = name.strip().lower()
    if text in COLORS:
        return COLORS[text]
    found = find_color(text)
    if found is not None:
        return found[1]
    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        raise InvalidInput(
            f"unknown colour {name!r}: use a name such as red, blue, green, yellow, purple, "
            "orange, pink, teal, black or white, or a hex code like '#cc2244'."
        ) from None
    return (int(rgb[0]), int(rgb[1]), int(rgb[2]))


# Colour names that are usually nouns in a sentence ("a palm tree on the sand").
_NOUN_COLORS = frozenset(
    {
        "forest",
        "sand",
        "sky",
        "rose",
        "cream",
        "chocolate",
        "lime",
        "olive",
        "peach",
        "salmon",
        "amber",
        "sage",
        "mint",
        "gold",
    }
)

_HEX = re.compile(r"#[0-9a-f]{6}\b")


def find_color(text: str) -> tuple[str, RGB] | None:
    """Find the first colour mentioned in free text: ``"a red sports car"`` -> red.

    Two-word names ("sky blue") win over their parts; returns ``None`` if no colour.
    """
    low = text.lower()
    match = _HEX.search(low)
    if match:
        rgb = ImageColor.getrgb(match.group(0))
        return match.group(0), (int(rgb[0]), int(rgb[1]), int(rgb[2]))
    best: tuple[int, str, RGB] | None = None
    for alias, key in _COLOR_ALIASES.items():
        pos = low.find(alias)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, alias, COLORS[key])
    if best is not None:
        return best[1], best[2]
    words = re.findall(r"[a-z]+", low)
    for word in words:
        if word in COLORS and word not in _NOUN_COLORS:
            return word, COLORS[word]
        if word.endswith("ish"):
            # greenish -> green, reddish -> red (doubled consonant), bluish -> blue
            stem = word[:-3]
            for base in (stem, stem[:-1] if stem[-2:-1] == stem[-1:] else "", stem + "e"):
                if base in COLORS:
                    return base, COLORS[base]
    return None
