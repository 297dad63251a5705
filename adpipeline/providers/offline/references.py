"""Which scene or frame a message means: "scene 3", "the 2nd frame", "the opening",
"the last shot", "the beach scene", "the product sheet"."""

from __future__ import annotations

import re

from ...models import Story
from .language import ORDINALS, number_value
from .vocabulary import find_setting

_NOUN = r"(?:scene|shot|frame|image|picture|panel|still|beat|part|clip|slide)s?"
_ORDINAL_WORD = "|".join(ORDINALS)
_NUMBERED = re.compile(
    rf"\b{_NOUN}\s*(?:#|no\.?|number)?\s*(\d{{1,2}}|one|two|three|four|five|six|seven|eight)\b"
    rf"|\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)\s+{_NOUN}\b"
    rf"|\b(?:the\s+)?({_ORDINAL_WORD})\s+(?:\w+\s+)?{_NOUN}\b",
    re.I,
)
_LAST = re.compile(
    rf"\b(?:the\s+)?(?:very\s+)?(?:last|final|closing|end(?:ing)?)\s+(?:\w+\s+)?{_NOUN}\b|"
    r"\bthe\s+(?:ending|end|outro|finale|close|last one|final one)\b|\b(?:at|in)\s+the\s+end\b",
    re.I)
_FIRST = re.compile(
    rf"\b(?:the\s+)?(?:opening|first|intro|start(?:ing)?)\s+(?:\w+\s+)?{_NOUN}\b|"
    r"\bthe\s+(?:opening|opener|intro|beginning|start|first one|cold open|hook)\b|"
    r"\bat\s+the\s+(?:start|beginning)\b",
    re.I)
_PENULTIMATE = re.compile(rf"\b(?:second[- ]to[- ]last|penultimate|next[- ]to[- ]last)\s*{_NOUN}?\b",
                          re.I)
_MIDDLE = re.compile(rf"\bthe\s+middle\s+{_NOUN}\b", re.I)
_BY_SETTING = re.compile(rf"\b(?:the\s+)?([a-z]+(?:\s+[a-z]+)?)\s+{_NOUN}\b", re.I)

LAST = -1


def find_reference(text: str, story: Story | None) -> tuple[int, re.Match[str]] | None:
    """The 1-based scene number ``text`` refers to (``LAST`` = -1 for the last one when
    no story is known), and the words that said so; ``None`` if it names none."""
    count = len(story.scenes) if story is not None else None
    match = _PENULTIMATE.search(text)
    if match and count:
        return max(1, count - 1), match
    match = _NUMBERED.search(text)
    if match:
        word = next(g for g in match.groups() if g)
        ordinal = ORDINALS.get(word.lower())
        value = number_value(word) if ordinal is None else ordinal
        if value is not None:  # "image 0" is said, and answered, not read as "no number"
            return int(value), match
    match = _LAST.search(text)
    if match:
        return (count if count else LAST), match
    match = _FIRST.search(text)
    if match:
        return 1, match
    match = _MIDDLE.search(text)
    if match and count:
        return count // 2 + 1, match
    if story is not None:
        for match in _BY_SETTING.finditer(text):
            words = match.group(1).lower()
            setting = find_setting(words)
            for scene in story.scenes:
                if setting and scene.setting == setting:
                    return scene.index, match
                if words.split()[-1] == scene.beat:
                    return scene.index, match
    return None


_SHEETS = (
    (re.compile(r"\bproduct(?:\s+(?:sheet|image|picture|shot|reference))\b", re.I), 0),
    (re.compile(r"\bcharacter(?:\s+(?:sheet|image|picture|reference))\b", re.I), 1),
    (re.compile(r"\b(?:setting|location|background|scene|environment)\s+(?:sheet|reference)\b",
                re.I), 2),
)


def find_sheet(text: str) -> int | None:
    """The reference sheet a message names (0 product, 1 character, 2 setting)."""
    for pattern, index in _SHEETS:
        if pattern.search(text):
            return index
    return None
