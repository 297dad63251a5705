"""What every backdrop is drawn from (:class:`Scene`), and where figures stand in each
setting.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .....media.colors import RGB


@dataclass
class Scene:
    """What backdrop drawing needs: size, light, palette, randomness."""

    w: float
    h: float
    time: str
    palette: list[RGB]
    rng: random.Random
    horizon: float = 0.55

    def pal(self, i: int) -> RGB:
        return self.palette[i % len(self.palette)]

    @property
    def night(self) -> bool:
        return self.time == "night"

    @property
    def dark(self) -> bool:
        return self.time in ("night", "sunset")


INTERIORS = frozenset({"kitchen", "office", "gym", "living room", "studio", "cafe", "bedroom",
                       "subway", "bathroom", "classroom", "interior"})

# Where figures stand (fraction of height) and how tall they are in a wide shot.
_STAGE: dict[str, tuple[float, float]] = {
    "interior": (0.93, 0.56), "exterior": (0.88, 0.36), "stadium": (0.9, 0.32),
    "rooftop": (0.9, 0.42), "subway": (0.9, 0.5), "studio": (0.88, 0.52),
    "beach": (0.88, 0.36), "city street": (0.86, 0.38),
}


def stage_for(setting: str) -> tuple[float, float]:
    if setting in _STAGE:
        return _STAGE[setting]
    return _STAGE["interior" if setting in INTERIORS else "exterior"]
