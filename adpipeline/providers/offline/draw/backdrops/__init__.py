"""Backdrops: the empty setting behind a picture.

:data:`BACKDROPS` maps each drawable setting to the function that draws it; a new
setting is a function in :mod:`.indoor` or :mod:`.outdoor` and one line here (an indoor
one is also named in :data:`.scene.INTERIORS`, which sets its light and where people
stand). Every story setting must have one (checked at import).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from PIL import Image

from .....media.colors import RGB
from ...vocabulary import SETTINGS, find_setting
from ..palette import INK, tone_for
from ..pen import Pen, supersampling
from . import indoor, outdoor
from .scene import INTERIORS, Scene


def resolve_setting(setting: str) -> str:
    """A drawable setting for free text: one of the story settings, else
    ``"interior"`` or ``"exterior"`` chosen from the words."""
    low = (setting or "").strip().lower()
    if low in BACKDROPS:
        return low
    found = find_setting(low)
    if found:
        return found
    if re.search(r"\b(room|hall|shop|store|restaurant|bar|hotel|library|hospital|lab|museum|"
                 r"mall|garage|lobby|bakery|kitchen|indoors?|inside|house|apartment|flat|"
                 r"salon|spa|theat(?:er|re)|cinema|church|school|warehouse|factory|pub|"
                 r"clinic|studio|loft|hallway|corridor|elevator|car park)\b", low):
        return "interior"
    return "exterior"


BACKDROPS: dict[str, Callable[[Pen, Scene], None]] = {
    "beach": outdoor.beach, "city street": outdoor.city_street, "kitchen": indoor.kitchen,
    "office": indoor.office, "forest": outdoor.forest, "park": outdoor.park,
    "mountain trail": outdoor.mountain_trail, "gym": indoor.gym,
    "living room": indoor.living_room, "studio": indoor.studio, "cafe": indoor.cafe,
    "bedroom": indoor.bedroom, "desert road": outdoor.desert_road, "lake": outdoor.lake,
    "rooftop": outdoor.rooftop, "subway": indoor.subway, "bathroom": indoor.bathroom,
    "classroom": indoor.classroom, "garden": outdoor.garden, "stadium": outdoor.stadium,
    "interior": indoor.plain_interior, "exterior": outdoor.plain_exterior,
}
assert set(SETTINGS) <= set(BACKDROPS), "every story setting needs a backdrop"


def draw_backdrop(setting: str, time: str, palette: list[RGB], width: int, height: int,
                  rng: random.Random) -> Image.Image:
    """The empty setting at ``width`` x ``height``, drawn at 2x and reduced.

    The set is drawn a little wider than the picture and cropped at a seeded offset,
    like moving the camera along it, so even a set with no random props looks
    different for a different seed.
    """
    ss = supersampling(width, height)
    wide = round(width * 1.08)
    canvas = Image.new("RGB", (wide * ss, height * ss), (200, 200, 200))
    pen = Pen(canvas, ss, tone_for(time, setting in INTERIORS, False),
              ink=(*INK, 150), ink_width=1.0)
    sc = Scene(float(wide), float(height), time, palette, rng)
    BACKDROPS[setting](pen, sc)
    offset = rng.randrange(0, (wide - width) * ss + 1, ss)
    return canvas.crop((offset, 0, offset + width * ss, height * ss)).reduce(ss)
