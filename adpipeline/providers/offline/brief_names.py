"""Finding the product or brand name in a brief.

Every run of capitalised words is a candidate, scored on the words around it ("for X",
"X, a ...", "called X") rather than matched by one pattern, so a name is found wherever
the brief puts it; platform names, months and sentence-opening verbs are never names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = r"(?:[A-Z0-9][\w'’.+!-]*|[a-z][A-Z][\w'’+-]*)"
_JOIN = r"(?:\s*&\s*|\s+(?:and|of|the|de|du|la|le|del|n'|'n')\s+(?=[A-Z])|\s+|-)"
_SPAN = re.compile(rf"(?<![\w'’]){_TOKEN}(?:{_JOIN}{_TOKEN}){{0,5}}")
# Capitalised words that are not names: sentence openers, platforms, dates, terms.
_NOT_NAME_WORDS = """
a an the our my your their its this that these those we i you it he she they us me write
create make need want please promote introduce introducing launch launching present
presenting meet show tell mention use keep target focus make do give build produce draft
ad ads advert advertisement video spot film commercial clip brief campaign story script
cta call offer audience tone platform duration product brand name company category aspect
instagram tiktok youtube facebook linkedin snapchat pinterest twitter x reels reel shorts
stories story tv ctv ott hulu netflix spotify google meta threads whatsapp january
february march april may june july august september october november december monday
tuesday wednesday thursday friday saturday sunday christmas easter halloween thanksgiving
diwali ramadan eid hanukkah new year years valentine valentine's black friday cyber summer
winter spring autumn fall mother's father's day weekend apr cta usd eur gbp us uk eu usa
b2b b2c saas api apis ai hd 4k ev usb faq ceo smb diy vo dtc d2c sms pdf iso gmt am pm ok
okay hey hi hello thanks thank also and or but so for with without from into onto about
just only very really more less no not don't what who why how when where which if then
than first second third one two three four five six seven eight nine ten half
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_PLACES_BEFORE = re.compile(
    r"(?:\b(?:in|near|across|around|throughout|to|via|on)\s+)$", re.I)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:for|meet|introducing|introduce|presenting|present|launching|launch|promote|"
    r"promoting|advertise|advertising|called|named|brand|product|company|client|"
    r"business|about|featuring|feature|spotlight(?:ing)?|showcase|showcasing|from|by|"
    r"welcome to|say hello to)\s*[:\-–—]?\s*$)", re.I)
_STRONG_BEFORE = re.compile(
    r"(?:\b(?:called|named|brand(?:\s+name)?\s*(?:is|:)|product(?:\s+name)?\s*(?:is|:)|"
    r"company\s*(?:is|:)|client\s*(?:is|:)|name\s*(?:is|:))\s*$)", re.I)
_APPOSITIVE_AFTER = re.compile(
    r"^\s*(?:,|—|–|-|:|\()\s*(?:an?|the|our|my|their)\s+[a-z]|^\s+(?:is|are)\s+(?:an?|the|our)\s"
    r"|^['’]s\s+(?:new|latest|first|own)?\s*[a-z]|^\s*[—–-]\s+[a-z]", re.I)
_APPOSITIVE_BEFORE = re.compile(r"\b(?:an?|our|the|my)\s+[a-z][\w\s&'’-]{1,50},\s*$", re.I)


@dataclass
class _Candidate:
    name: str
    start: int
    end: int
    score: float


def find_product_name(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The product or brand name and where it stands."""
    candidates: list[_Candidate] = []
    quoted = re.finditer(r"[\"“‘']([A-Z0-9][^\"”’']{1,40})[\"”’']", text)
    for match in quoted:
        if not re.search(r"\b(?:cta|call to action|end with|say|says|tagline|slogan)\b",
                         text[max(0, match.start() - 30):match.start()], re.I):
            candidates.append(_Candidate(match.group(1).strip(), match.start(1),
                                         match.end(1), 6))
    for match in _SPAN.finditer(text):
        candidate = _score(text, match.group(0), match.start())
        if candidate is not None:
            candidates.append(candidate)
    called = re.search(r"\b(?:called|named)\s+([a-z][\w'’&+-]*(?:\s+[a-z][\w'’&+-]*)?)"
                       r"(?=\s*(?:[,.;:!?)]|$|\s+(?:a|an|the|for|which|that|who|is)\b))",
                       text, re.I)
    if called:  # "an app called zenly": lower-case names count after "called"
        candidates.append(_Candidate(called.group(1), called.start(1), called.end(1), 5.5))
    if not candidates:
        return None, None
    best = max(candidates, key=lambda c: (c.score, -c.start))
    if best.score < 1:
        return None, None
    return best.name, (best.start, best.end)


def _score(text: str, span: str, start: int) -> _Candidate | None:
    words = span.split()
    at_start = start == 0 or bool(re.search(r"[.!?;:]\s*$", text[:start]))
    # Drop words that cannot be (part of) a name from both ends: "Meet Aurora" -> "Aurora";
    # a capital "The" inside a sentence belongs to the name ("for The Green Fork").
    while words and _plain(words[0]) in _NOT_NAMES and not (
            words[0] == "The" and not at_start and len(words) > 1):
        start += text[start:].index(words[0]) + len(words[0])
        start += len(text[start:]) - len(text[start:].lstrip())
        words = words[1:]
    while words and _plain(words[-1]) in _NOT_NAMES | {"&", "and", "of", "the"}:
        words = words[:-1]
    if not words:
        return None
    name = text[start:start + len(" ".join(words)) + 8]
    # Re-cut to the words kept (joining punctuation may differ from single spaces).
    end = start
    for word in words:
        end = text.index(word, end) + len(word)
    name = text[start:end].strip(" .,:;!?'’-")
    if name.endswith(("'s", "’s")):
        name = name[:-2]
        end -= 2
    if not name or re.fullmatch(r"[\d.,:%$€£-]+", name) or len(name) > 60:
        return None
    if re.fullmatch(r"\d+\s*(?:s|sec|second|seconds|min|minute|minutes)", name, re.I):
        return None
    before = text[max(0, start - 40):start]
    after = text[end:end + 40]
    at_sentence_start = start == 0 or bool(re.search(r"[.!?;]\s*$", text[:start]))
    score = 1.0
    if _STRONG_BEFORE.search(before):
        score += 5
    elif _CUE_BEFORE.search(before):
        score += 3.5
    if _APPOSITIVE_AFTER.search(after):
        score += 3
    if _APPOSITIVE_BEFORE.search(before):
        score += 3
    if re.match(r"^\s+(?:app|brand|store|shop|studio|bakery|clinic|kitchen|restaurant|"
                r"cafe|bank|gym|coffee|skincare|sneakers?|shoes?|bottle|bikes?|e-bike|"
                r"insurance|foundation|charity|dental)\b", after, re.I):
        score += 1.5
    if _PLACES_BEFORE.search(before) and not _CUE_BEFORE.search(before):
        score -= 3
    if at_sentence_start and score <= 1.0:
        score -= 0.5  # a capital at a sentence start may just be the sentence
    if re.fullmatch(r"[A-Z]{2,5}", name) and score < 4:
        score -= 1  # an acronym alone is more often a term than a brand
    if re.search(r"\d", name) and re.fullmatch(r"[\d\w]*\d[\d\w]*", name) and score < 4:
        score -= 1.5
    return _Candidate(name, start, end, score)


def _plain(word: str) -> str:
    return word.strip(".,:;!?()\"'’").lower()
