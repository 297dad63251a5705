"""Small pieces of English the brief parser and the feedback interpreter share.

Numbers written in words ("forty-five", "a minute and a half"), durations in any of
the ways people write them ("two-minute", ":30", "45 s"), quoted text kept verbatim,
messages cut into clauses, negation, and typo repair against the words the engine
knows. Typos are repaired with rapidfuzz's edit distance, and only toward a word
the engine would act on, so an unknown but correct English word is never "fixed".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}

_WORD_NUMBER = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(
        k for k in _UNITS if _UNITS[k] < 10) + r"))?|" + "|".join(
        sorted(_UNITS, key=len, reverse=True)) + r"|a couple of|a few|half a|an|a)"
)
#: A number as digits or English words, e.g. "45", "forty-five", "twenty five", "a".
NUMBER = rf"(?:\d+(?:\.\d+)?|{_WORD_NUMBER})"
_SECONDS = r"(?:s|sec|secs|second|seconds)\b"
_MINUTES = r"(?:min|mins|minute|minutes)\b"
# Digits may touch their unit ("45s"); words need a space or hyphen ("a minute"), so
# "as" is never "a s".
_DURATION = re.compile(
    rf"(?<![\w:.])(?:(?P<num>\d+(?:\.\d+)?)\s*-?\s*|(?P<word>{_WORD_NUMBER})[\s-]+)"
    rf"(?P<half>and[\s-]a[\s-]half[\s-]+)?"
    rf"(?:(?P<sec>{_SECONDS})|(?P<min>{_MINUTES}|m\b(?<=\dm))(?P<half2>[- ]and[- ]a[- ]half)?)"
    r"|(?<![\w:])(?P<clock>\d):(?P<clock_s>[0-5]\d)\b"
    r"|(?<![\w\d:]):(?P<colon>\d{2})\b(?!:)",
    re.I,
)


def number_value(text: str) -> float | None:
    """The value of a number in digits or words: "45", "forty-five", "a" -> 1."""
    word = text.strip().lower()
    if not word:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    if word in ("a", "an"):
        return 1
    if word == "half a":
        return 0.5
    if word == "a couple of":
        return 2
    if word == "a few":
        return 3
    if word in _UNITS:
        return _UNITS[word]
    parts = re.split(r"[- ]", word)
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


@dataclass(frozen=True)
class Duration:
    """A length found in text, with where it was found."""

    seconds: int
    start: int
    end: int


def find_durations(text: str) -> list[Duration]:
    """Every stated length in ``text``: "45 s", "two-minute", "a minute and a half",
    "1:30", ":30" (the ad industry's way to write a 30-second spot)."""
    found = []
    for match in _DURATION.finditer(text):
        if match.group("clock"):
            seconds = int(match.group("clock")) * 60 + int(match.group("clock_s"))
        elif match.group("colon"):
            seconds = int(match.group("colon"))
        else:
            value = number_value(match.group("num") or match.group("word"))
            if value is None:
                continue
            if match.group("half") or match.group("half2"):
                value += 0.5
            if match.group("min"):
                value *= 60
            seconds = round(value)
        found.append(Duration(seconds, match.start(), match.end()))
    return found


# quotes ---------------------------------------------------------------------

# An apostrophe inside a word ("it's", "don't") is not a quote: a single quote opens
# only after a space or punctuation and closes only before one.
_QUOTED = re.compile(
    r"\"([^\"]+)\"|\u201c([^\u201d]+)\u201d|\u2018([^\u2019]+)\u2019"
    r"|(?<![\w])'([^']+?)'(?![\w])"
)


def extract_quotes(text: str) -> tuple[str, list[str]]:
    """Replace each quoted span with a placeholder ``QUOTE0``, ``QUOTE1`` ...; return the
    text and the quotes, so punctuation inside a quote never splits a clause."""
    quotes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        quotes.append(next(g for g in match.groups() if g is not None).strip())
        return f" QUOTE{len(quotes) - 1} "

    return _QUOTED.sub(keep, text), quotes


def restore_quotes(text: str, quotes: list[str]) -> str:
    return re.sub(r"\s?QUOTE(\d+)\s?", lambda m: f"“{quotes[int(m.group(1))]}”", text).strip()


# clauses --------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(
    r"\s*(?:[.;!?\n]+(?:\s+|$)|,(?!\s*(?:not|rather|instead)\b)\s*(?:and\s+|but\s+|then\s+|also\s+|plus\s+)?|"
    r"\s+(?:but|also|plus|then|and then|and also|as well as)\s+|"
    r"\s+and\s+(?=(?:make|use|add|drop|lose|cut|remove|change|switch|set|keep|end|start|"
    r"open|close|focus|mention|talk|target|aim|shorten|lengthen|give|put|move|darken|"
    r"brighten|zoom|shift|replace|swap|turn|speed|slow|let|have|show|say|get|try|"
    r"don'?t|do not|no|less|more|make|it'?s|the|scene|frame|shot|call|regenerate|approve|"
    r"then|please|also|go|we|i)\b))",
    re.I,
)


def split_clauses(text: str) -> list[str]:
    """Cut a message into clauses at sentence ends, commas and joining words ("but",
    "and make ..."). Quoted text must already be replaced by placeholders."""
    parts = [p.strip(" ,") for p in _CLAUSE_BREAK.split(text)]
    return [p for p in parts if p and re.search(r"[A-Za-z0-9]", p)]


# negation -------------------------------------------------------------------

NEGATION = re.compile(
    r"\b(?:no|not|never|without|don'?t|do not|doesn'?t|does not|avoid|stop|skip|lose|drop|"
    r"remove|cut out|get rid of|leave out|less|fewer|nothing|nor|isn'?t|aren'?t|shouldn'?t|"
    r"too|away from|tone down|dial down|ditch|kill)\b",
    re.I,
)


def negated_before(text: str, start: int, window: int = 4) -> bool:
    """Whether a negating word stands within ``window`` words before ``start``."""
    before = re.findall(r"[\w']+", text[:start])[-window:]
    return bool(NEGATION.search(" ".join(before)))


# typos ----------------------------------------------------------------------

# Words people type that are one edit away from a keyword but mean something else.
_NEVER_FIX = frozenset({
    "prize", "prime", "calls", "sales", "scale", "serial", "series", "warmer", "warner",
    "words", "world", "frame", "frames", "fame", "price", "places", "plays", "fun", "funky",
    "bolder", "colder", "older", "closer", "cooler", "later", "lighter", "tighter", "shot",
    "shots", "short", "shorts", "scene", "scenes", "sense", "focus", "bright", "night",
    "light", "right", "might", "sight", "fight", "tight", "eight", "weight", "height",
    "darker", "faster", "slower", "lower", "power", "tower", "flower", "flowers", "shower",
    "brand", "grand", "bland", "blend", "trend", "where", "there", "these", "those",
    "their", "three", "threw", "throw", "thing", "things", "think", "thank", "thanks",
    "about", "above", "after", "again", "along", "always", "another", "anything",
    "people", "please", "pleased", "really", "should", "would", "could", "which", "while",
    "white", "whole", "shorter", "longer", "louder", "harder", "softer", "softly", "quote",
    # common English words one edit away from a keyword
    "close", "month", "months", "cheap", "plain", "plant", "paint", "point", "print", "party",
    "story", "store", "stone", "share", "shave", "shine", "shade", "sharp", "smart", "start",
    "state", "taste", "trust", "water", "wider", "write", "video", "voice", "money", "music",
    "movie", "model", "house", "horse", "happy", "heavy", "great", "green", "greet", "brown",
    "bread", "break", "clean", "clear", "cream", "crime", "dance", "dream", "drive", "early",
    "earth", "field", "fresh", "front", "fruit", "glass", "grass", "heart", "human", "image",
    "laugh", "learn", "level", "local", "lunch", "magic", "match", "metal", "mouth", "north",
    "ocean", "offer", "order", "other", "owner", "pants", "peace", "phone", "photo", "piece",
    "pizza", "place", "plane", "quick", "quiet", "radio", "ready", "river", "round", "sheet",
    "shift", "shirt", "skill", "sleep", "small", "smile", "sound", "south", "space", "speed",
    "spend", "sport", "staff", "stage", "steel", "still", "sugar", "sweet", "table", "teach",
    "thick", "title", "today", "total", "touch", "tough", "track", "train", "truck", "under",
    "until", "upper", "usual", "value", "visit", "watch", "wheel", "woman", "women", "worry",
    "worth", "young", "youth", "newer", "closed", "lately", "likes", "liked", "loved", "lover",
    "means", "minute", "second", "seconds", "makes", "funds", "hours",
})


def correct_typos(text: str, vocabulary: Iterable[str]) -> str:
    """``text`` with words that are one or two edits from a vocabulary word replaced by
    it ("premum" -> "premium", "sustainabilty" -> "sustainability").

    Only words of five letters or more are repaired (one edit up to seven letters, two
    beyond), so short words and real words listed in ``_NEVER_FIX`` stay as typed.
    """
    known = sorted({w.lower() for w in vocabulary if len(w) >= 5 and w.isalpha()})
    known_set = set(known)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        if len(low) < 5 or low in known_set or low in _NEVER_FIX:
            return word
        limit = 1 if len(low) <= 7 else 2
        best = extractOne(low, known, scorer=Levenshtein.distance, score_cutoff=limit)
        if best is None:
            return word
        candidate = best[0]
        # A typo keeps the first letter and about the same length.
        if candidate[0] != low[0] or abs(len(candidate) - len(low)) > limit:
            return word
        return candidate

    return re.sub(r"[A-Za-z]+", fix, text)


def word_in(text: str, words: Iterable[str]) -> re.Match[str] | None:
    """The first whole-word match of any of ``words`` in ``text``, case-insensitive."""
    best: re.Match[str] | None = None
    for word in words:
        match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best
