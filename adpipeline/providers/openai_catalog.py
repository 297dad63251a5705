"""OpenAI's models as adpipeline uses them: defaults, prices (dated), and the shutdowns
the installed ``openai`` client announces.

The client's generated types carry the deprecation notes (``openai/types/image_model.py``:
"GPT Image 1 was shut down on October 23, 2026. Use gpt-image-2.5-sunburst or
gpt-image-2.5-flare instead."; ``openai/types/shared/chat_model.py``: "Announced shutdown
date: 2027-01-14"). Reading them there means a newer client with new dates is believed
without a release of ours, and a model already shut down is refused before any request.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass
from datetime import date, datetime

#: The client's major version these defaults were chosen from (the ``openai`` floor).
CLIENT_MAJOR = 3
#: Listed by openai 3.x as available, with no shutdown announced.
DEFAULT_TEXT_MODEL = "gpt-5.4-mini"
DEFAULT_IMAGE_MODEL = "gpt-image-2.5-flare"
#: When the prices below were last checked (see each table for what was verified).
PRICES_DATED = "2026-12-03"

#: USD per million input / output tokens. The gpt-5.4 family and gpt-5.5 are as quoted
#: from OpenAI's pricing page by several secondary sources (2026); not read from the page
#: itself.
TEXT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-5.4-mini": (0.75, 4.50),
    "gpt-5.4-nano": (0.20, 1.25),
    "gpt-5.4": (2.50, 15.00),
    "gpt-5.5": (5.00, 30.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4o": (2.50, 10.00),
}

Quality = str  # "low" | "medium" | "high"; always sent, since "auto" has no fixed price
DEFAULT_QUALITY: Quality = "medium"
#: USD per picture by quality, for the square and for the landscape/portrait standard
#: sizes. Other sizes are priced by area from the nearest (pixels drive output tokens).
#: Unverified: no published per-picture price was found for gpt-image-2.x. The figures are
#: gpt-image-1's published ones (flare, gpt-image-2) and 1.5x those (sunburst); with
#: gpt-image-2's output tokens cheaper than gpt-image-1's they err high, which a budget
#: can live with. The real cost is read from each response's ``usage``.
IMAGE_PRICES: dict[str, dict[Quality, tuple[float, float]]] = {
    "gpt-image-2.5-flare": {"low": (0.011, 0.016), "medium": (0.042, 0.063), "high": (0.167, 0.25)},
    "gpt-image-2.5-sunburst": {"low": (0.016, 0.024), "medium": (0.063, 0.094),
                               "high": (0.25, 0.375)},
    "gpt-image-2.6-flare": {"low": (0.011, 0.016), "medium": (0.042, 0.063), "high": (0.167, 0.25)},
    "gpt-image-2.6-sunburst": {"low": (0.016, 0.024), "medium": (0.063, 0.094),
                               "high": (0.25, 0.375)},
    "gpt-image-2": {"low": (0.011, 0.016), "medium": (0.042, 0.063), "high": (0.167, 0.25)},
}
#: USD per million tokens (text in, image in, image out) of token-billed image models,
#: for the real cost read from a response's ``usage``. gpt-image-2's are as quoted from
#: OpenAI's pricing page by secondary sources (2026). Unverified: every 2.5 and 2.6
#: figure (no source found; flare is taken at gpt-image-2's rates, sunburst higher).
IMAGE_TOKEN_PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-image-2.5-flare": (5.0, 8.0, 30.0),
    "gpt-image-2.5-sunburst": (5.0, 10.0, 60.0),
    "gpt-image-2.6-flare": (5.0, 8.0, 30.0),
    "gpt-image-2.6-sunburst": (5.0, 10.0, 60.0),
    "gpt-image-2": (5.0, 8.0, 30.0),
}
#: gpt-image-2.x takes any WIDTHxHEIGHT divisible by 16 (ratio 1:3 .. 3:1); older GPT
#: image models only the three standard sizes.
FREE_SIZE_PREFIXES = ("gpt-image-2",)
_SQUARE_PIXELS = 1024 * 1024


def takes_any_size(model: str) -> bool:
    return model.startswith(FREE_SIZE_PREFIXES)


def image_price(model: str, quality: Quality, width: int, height: int) -> float | None:
    """USD for one picture, or None for a model not in the table."""
    table = IMAGE_PRICES.get(model)
    if table is None:
        return None
    square, oblong = table.get(quality, table["high"])
    if width == height:
        return square * max(1.0, width * height / _SQUARE_PIXELS)
    return oblong * max(1.0, width * height / (1536 * 1024))


def image_usage_cost(model: str, usage: object) -> float | None:
    """USD from an images response's ``usage`` (token counts), or None if not given."""
    prices = IMAGE_TOKEN_PRICES.get(model)
    if prices is None or usage is None:
        return None
    text_in, image_in, image_out = prices
    details = getattr(usage, "input_tokens_details", None)
    image_tokens = getattr(details, "image_tokens", 0) or 0
    text_tokens = getattr(details, "text_tokens", None)
    input_tokens = getattr(usage, "input_tokens", 0) or 0
    if text_tokens is None:
        text_tokens = max(0, input_tokens - image_tokens)
    output = getattr(usage, "output_tokens", 0) or 0
    return (text_tokens * text_in + image_tokens * image_in + output * image_out) / 1e6


def text_usage_cost(model: str, usage: object) -> float | None:
    prices = TEXT_PRICES.get(model)
    if prices is None or usage is None:
        return None
    prompt = getattr(usage, "prompt_tokens", 0) or 0
    completion = getattr(usage, "completion_tokens", 0) or 0
    return (prompt * prices[0] + completion * prices[1]) / 1e6


@dataclass(frozen=True)
class Shutdown:
    model: str
    on: date | None
    note: str  # the client's own sentence
    replacement: str | None


_MONTHS = "January February March April May June July August September October November December"


@functools.cache
def announced() -> dict[str, Shutdown]:
    """Every shutdown the installed client announces for chat and image models."""
    found: dict[str, Shutdown] = {}
    try:
        from openai.types import image_model
        from openai.types.shared import chat_model
    except ImportError:
        return found
    for module in (image_model, chat_model):
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):
            continue
        block = source.partition('"""Deprecated values:')[2]
        for names, text in re.findall(r'^- ((?:"[^"]+",?\s*)+):\s*(.*?)(?=^- |"""|\Z)', block,
                                      re.M | re.S):
            text = " ".join(text.split())
            when = _date_in(text)
            replacement = re.search(r"Use (gpt-[\w.-]+)", text)
            for name in re.findall(r'"([^"]+)"', names):
                found[name] = Shutdown(name, when, text, replacement.group(1) if replacement else None)
    return found


def _date_in(text: str) -> date | None:
    iso = re.search(r"(\d{4}-\d{2}-\d{2})", text)
    if iso:
        return date.fromisoformat(iso.group(1))
    spoken = re.search(rf"({'|'.join(_MONTHS.split())}) (\d{{1,2}}), (\d{{4}})", text)
    if spoken:
        return datetime.strptime(" ".join(spoken.groups()), "%B %d %Y").date()
    return None


def shut_down(model: str, today: date | None = None) -> Shutdown | None:
    """The client's shutdown note for ``model`` if that date has passed, else None."""
    entry = announced().get(model)
    if entry is None or entry.on is None:
        return None
    return entry if entry.on <= (today or date.today()) else None


def refusal(model: str, today: date | None = None) -> str | None:
    """Why ``model`` cannot be used any more, naming what to use instead; None if it can."""
    entry = shut_down(model, today)
    if entry is None:
        return None
    instead = entry.replacement or (DEFAULT_IMAGE_MODEL if "image" in model or "dall" in model
                                    else DEFAULT_TEXT_MODEL)
    return (f"OpenAI model {model!r} is shut down (the installed openai client says: "
            f"{entry.note.split(' See ')[0]}). Use {instead!r} instead, e.g. "
            f"p.use(image='openai:{instead}') or providers={{'image': 'openai:{instead}'}}."
            if "image" in model or "dall" in model else
            f"OpenAI model {model!r} is shut down ({entry.note.split(' See ')[0]}). Use "
            f"{instead!r} instead, e.g. providers={{'text': 'openai:{instead}'}}.")
