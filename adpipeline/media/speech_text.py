"""Text normalisation for speech: write a voiceover line the way a narrator says it.

Speech engines read symbols literally or badly (piper says "$19.99" as "dollar
nineteen point nine nine"), so every line is rewritten before it is voiced: prices
the way ads say them ("nineteen ninety-nine"), percentages, discount codes spelled
out letter by letter, units and common abbreviations. The spoken text is also the
voice cache key, so two spellings of the same line are voiced once.

Numbers become words with ``inflect`` (a small, well-kept library) rather than our own
tables. Only English is handled; other languages pass through unchanged.

>>> speakable("Just $19.99 with code AURORA20: 20% off!")
'Just nineteen ninety-nine with code A U R O R A two zero: twenty percent off!'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_UNITS: dict[str, tuple[str, str]] = {
    "ml": ("millilitre", "millilitres"), "l": ("litre", "litres"),
    "oz": ("ounce", "ounces"), "fl oz": ("fluid ounce", "fluid ounces"),
    "g": ("gram", "grams"), "kg": ("kilogram", "kilograms"), "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"), "mg": ("milligram", "milligrams"),
    "km": ("kilometre", "kilometres"), "m": ("metre", "metres"), "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"), "mi": ("mile", "miles"), "ft": ("foot", "feet"),
    "in": ("inch", "inches"), "h": ("hour", "hours"), "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"), "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
    "s": ("second", "seconds"), "sec": ("second", "seconds"), "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometre per hour", "kilometres per hour"),
    "kph": ("kilometre per hour", "kilometres per hour"),
    "mah": ("milliamp hour", "milliamp hours"), "gb": ("gigabyte", "gigabytes"),
    "tb": ("terabyte", "terabytes"), "mb": ("megabyte", "megabytes"), "w": ("watt", "watts"),
    "kw": ("kilowatt", "kilowatts"), "v": ("volt", "volts"), "hz": ("hertz", "hertz"),
    "°c": ("degree Celsius", "degrees Celsius"), "°f": ("degree Fahrenheit", "degrees Fahrenheit"),
    "x": ("times", "times"),
}  # fmt: skip

_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"\be\.g\.", "for example"), (r"\bi\.e\.", "that is"), (r"\betc\.", "et cetera"),
    (r"\bvs\.?(?=\s)", "versus"), (r"\bapprox\.", "approximately"), (r"\bw/o\b", "without"),
    (r"\bw/(?=\s)", "with"), (r"\bDr\.(?=\s)", "Doctor"), (r"\bMr\.(?=\s)", "Mister"),
    (r"\bMrs\.(?=\s)", "Missus"), (r"\bSt\.(?=\s[A-Z])", "Saint"), (r"\bNo\.(?=\s?\d)", "number"),
    (r"\b24/7\b", "twenty-four seven"), (r"\bFAQ\b", "F A Q"), (r"\bDIY\b", "D I Y"),
    (r"\bUSB-C\b", "U S B C"), (r"\bUSB\b", "U S B"), (r"\bHD\b", "H D"), (r"\b4K\b", "four K"),
    (r"\bAI\b", "A I"), (r"\bUV\b", "U V"), (r"\bBPA\b", "B P A"), (r"\bLED\b", "L E D"),
    (r"\bSPF\b", "S P F"), (r"\bCEO\b", "C E O"), (r"\bASAP\b", "as soon as possible"),
    (r"★+", ""), (r"\s&\s", " and "), (r"\+\s*(?=\w)", "plus "),
)

_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
               "£": ("pound", "pounds", "penny", "pence")}


@lru_cache(maxsize=1)
def _engine() -> Any:
    import inflect

    return inflect.engine()


def number_words(value: int) -> str:
    """``1999`` -> "one thousand, nine hundred and ninety-nine" without commas or "and"."""
    words = str(_engine().number_to_words(value, andword=""))
    return " ".join(words.replace(",", "").split())


def price_words(whole: int, cents: int | None, symbol: str = "$") -> str:
    """How an ad says a price: "$19.99" -> "nineteen ninety-nine", "$20" -> "twenty dollars",
    "$0.99" -> "ninety-nine cents", "$5.50" -> "five fifty", "$5.05" -> "five oh five"."""
    one, many, cent, cents_word = _CURRENCIES.get(symbol, _CURRENCIES["$"])
    if cents is None or cents == 0:
        return f"{number_words(whole)} {one if whole == 1 else many}"
    if whole == 0:
        return f"{number_words(cents)} {cent if cents == 1 else cents_word}"
    tail = f"oh {number_words(cents)}" if cents < 10 else number_words(cents)
    return f"{number_words(whole)} {tail}"


def spell(code: str) -> str:
    """A code spelled for a listener: letters one by one, digits as words."""
    out = []
    for ch in code:
        if ch.isdigit():
            out.append(_DIGITS[int(ch)])
        elif ch.isalpha():
            out.append(ch.upper())
        elif ch in "-_":
            out.append("dash")
    return " ".join(out)


def _number_text(text: str) -> str:
    """A plain number as words: "1,000" -> "one thousand", "2.5" -> "two point five"."""
    raw = text.replace(",", "")
    if "." in raw:
        whole, _, frac = raw.partition(".")
        return f"{number_words(int(whole or 0))} point " + " ".join(_DIGITS[int(d)] for d in frac)
    value = int(raw)
    if 1100 <= value <= 2099 and value % 100 and len(raw) == 4:
        # Years and model numbers of four digits are said in pairs ("twenty twenty-six").
        return f"{number_words(value // 100)} {number_words(value % 100)}"
    return number_words(value)


_PRICE = re.compile(r"([$€£])\s?(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{2}))?(?!\d)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
_CODE = re.compile(r"\b((?:code|coupon|promo(?: code)?)\s*:?\s+)([A-Za-z0-9][A-Za-z0-9-]{2,19})\b", re.I)
_SHOUTED_CODE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,16}\b")
_UNIT = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(" + "|".join(
        re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)) + r")(?![\w/])", re.I)
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.I)
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
_RATING = re.compile(r"(\d(?:\.\d)?)\s?/\s?(5|10)\b")


def speakable(text: str, language: str = "en") -> str:
    """``text`` rewritten as a narrator would say it (English only; others unchanged).

    >>> speakable("500ml, 24h cold, 4.8/5 stars")
    'five hundred millilitres, twenty-four hours cold, four point eight out of five stars'
    """
    if not language.lower().startswith("en"):
        return " ".join(text.split())
    s = " ".join(text.split())
    s = s.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").replace("\u2014", ", ")
    for pattern, replacement in _ABBREVIATIONS:
        s = re.sub(pattern, replacement, s)
    s = _CODE.sub(lambda m: m.group(1) + spell(m.group(2)), s)
    s = _SHOUTED_CODE.sub(lambda m: spell(m.group(0)), s)
    s = _PRICE.sub(lambda m: price_words(int(m.group(2).replace(",", "")),
                                         int(m.group(3)) if m.group(3) else None, m.group(1)), s)
    s = _PERCENT.sub(lambda m: f"{_number_text(m.group(1))} percent", s)
    s = _RATING.sub(lambda m: f"{_number_text(m.group(1))} out of {_number_text(m.group(2))}", s)
    s = _UNIT.sub(_unit_words, s)
    s = _ORDINAL.sub(lambda m: str(_engine().ordinal(number_words(int(m.group(1))))), s)
    s = _NUMBER.sub(lambda m: _number_text(m.group(0)), s)
    return " ".join(s.split())


def _unit_words(match: re.Match[str]) -> str:
    amount, unit = match.group(1).replace(",", "."), match.group(2).lower()
    one, many = _UNITS[unit]
    if unit == "x":
        return f"{_number_text(amount)} times"
    return f"{_number_text(amount)} {one if amount in ('1', '1.0') else many}"
