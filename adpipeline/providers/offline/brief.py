"""Reading a brief the way a person writes it.

A brief is free text: "Two-minute brand film for Okra & Thyme, a family-run Nigerian
restaurant in Leeds; audience: food lovers in their 30s; mention 20% off weekday
lunches; call to action: book a table". :func:`parse_brief` pulls out the product or
brand name (found by :mod:`.brief_names`), its category, the audience, the offer and
the call to action (both verbatim), the tone, the platform (and so the aspect) and the
duration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...models import Aspect
from .brief_names import find_product_name
from .language import find_durations
from .vocabulary import FAMILIES, GENERIC, TONES, Family, find_family


@dataclass(frozen=True)
class ParsedBrief:
    """What a brief says. ``None`` means the brief does not say."""

    product: str | None
    category: str | None
    family: Family
    audience: str | None
    offer: str | None
    cta: str | None
    tone: str | None
    platform: str | None
    aspect: str | None
    duration_s: int | None
    avoid: tuple[str, ...] = ()


def parse_brief(text: str) -> ParsedBrief:
    """Read ``text`` (a brief) into its fields; see :class:`ParsedBrief`."""
    text = " ".join(text.split())
    product, name_span = find_product_name(text)
    category = _category(text, name_span)
    family = find_family(category, head_last=True) if category else GENERIC
    if family is GENERIC:
        family = find_family(_without(text, product))
    if not category and family is not GENERIC:
        category = _category_words(_without(text, product), family)
    if family is GENERIC and product:
        # The name may say what it is: "Northwind Airlines", "SafeNest Insurance".
        family = find_family(product, head_last=True)
        if not category and family is not GENERIC:
            low = product.lower()
            category = next((w for w in family.keywords if re.search(rf"\b{re.escape(w)}", low)),
                            None)
    platform, aspect = platform_and_aspect(text)
    return ParsedBrief(
        product=product, category=category, family=family, audience=_audience(text, product),
        offer=find_offer(text), cta=find_cta(text), tone=find_tone(_without(text, product)),
        platform=platform, aspect=aspect, duration_s=brief_duration(text),
        avoid=tuple(_avoid(text)),
    )


def _without(text: str, product: str | None) -> str:
    return text.replace(product, " ") if product else text


# category -------------------------------------------------------------------

_STOP = re.compile(
    r"\s+(?:for|aimed|targeting|that|which|who|with|to|in|on|at|loved|made|designed|built|by|"
    r"from|where|whose|near|across|and\s+(?:mention|make|keep|end|use|include|ask)|"
    r"called|named|offering|selling|serving|specialising|specializing|since|based|"
    r"focused|focusing|known|now|this|using|like|plus|so)\b.*$"
    r"|\s*[,.;:!?()—–\"“]+.*$|\s+-\s+.*$",
    re.I,
)
_BAD_START = re.compile(
    r"^(?:who|which|that|what|where|when|how|why|whose|is|are|was|be|being|been|miss|"
    r"makes?|helps?|lets?|gives?|turns?|brings?|can|will|would|should|do|does|did|has|have|"
    r"\d+\s*(?:s|sec|seconds?|minutes?)\b|ad|spot|video)\b", re.I)
_NOT_CATEGORY = frozenset({"ad", "spot", "video", "film", "commercial", "brand film", "campaign",
                           "story", "clip", "reel", "post", "testimonial", "promo"})


def _category(text: str, name_span: tuple[int, int] | None) -> str | None:
    """The kind of thing the product is, from the words around its name."""
    found: list[str] = []
    needs_family: set[str] = set()
    if name_span is not None:
        start, end = name_span
        after = re.match(r"^\s*(?:['’]s\s+(?:new\s+|latest\s+)?|[,:(—–-]\s*|\s+(?:is|are)\s+)"
                         r"(?:(?:an?|the|our|my|their)\s+)?([A-Za-z][^.,;:!?()\n]{1,60})",
                         text[end:])
        if after:
            found.append(after.group(1))
            if not re.match(r"^\s*(?:\S+\s+)?(?:an?|the|our|my|their)\s", text[end:]) \
                    and not re.match(r"^['’]s", text[end:]):
                needs_family.add(after.group(1))  # "X, fun and upbeat": not a category
        right = re.match(r"^\s+([a-z][a-z&' -]{2,40})", text[end:])
        if right:
            found.append(right.group(1))
            needs_family.add(right.group(1))
        before = re.search(r"\b(?:an?|the|our|my|their)\s+([a-z][a-z&' -]{1,50}?)\s*"
                           r"(?:,|\s+(?:called|named)|\s*[—–-])\s*$", text[:start], re.I)
        if before:
            found.append(before.group(1))
    for raw in found:
        category = _STOP.sub("", " " + raw).strip(" -")
        category = re.sub(r"^(?:an?\s+|the\s+)?(?:new|brand[- ]new|latest)?\s*", "", category,
                          flags=re.I)
        if not category or _BAD_START.match(category) or category.lower() in _NOT_CATEGORY:
            continue
        words = category.split()
        if len(words) > 5:
            continue
        # Words a family knows make a category; so does a short noun phrase.
        known = find_family(category) is not GENERIC
        if known or (len(words) <= 3 and raw not in needs_family):
            return category
    return None


_NOT_DESCRIBING = {"a", "an", "the", "our", "new", "ad", "for", "of", "s", "second", "seconds",
                   "sec", "spot", "video", "commercial", "my", "their", "your", "to", "and",
                   "with", "about", "in", "on", "at", "is", "it", "its", "by", "from", "minute",
                   "brand", "film", "promote", "promoting", "launch", "launching", "testimonial",
                   "style", "this", "that", "who", "which", "we", "need", "want", "make"}


def _category_words(text: str, family: Family) -> str | None:
    """The family keyword in ``text`` with up to two describing words before it."""
    lowered = text.lower()
    for word in sorted(family.keywords,
                       key=lambda w: (lowered.find(w) if w in lowered else 9999, -len(w))):
        match = re.search(rf"((?:[a-z-]+\s+){{0,2}}){re.escape(word)}\b", lowered)
        if match:
            kept: list[str] = []
            for w in reversed(match.group(1).split()):
                if w in _NOT_DESCRIBING or re.fullmatch(r"\d.*|.*ly", w):
                    break
                kept.insert(0, w)
            return " ".join([*kept, word])
    return None


# audience -------------------------------------------------------------------

_AUDIENCE_CUE = re.compile(
    r"\b(?:target(?:ing|ed at)?|aimed at|aim(?:ing)? (?:it )?at|audience(?: is| are)?\s*[:=-]?|"
    r"for an audience of|to reach|reach(?:ing)?|speak(?:ing)? to|talk(?:ing)? to|"
    r"made for|designed for|geared (?:toward|towards|to)|for|to)\s+", re.I)
_PLURAL = (r"(?:[a-z-]+(?:ers|ors|ists|ians|ents|ants|ies|ees|ies|s)|people|children|men|"
           r"women|folks|families|teens|kids|youth|millennials|boomers|gen z|gen-z|everyone|"
           r"anyone|staff|teams|founders|owners|patients|clients|customers|buyers|"
           r"homeowners|renters|retirees|newlyweds)")
_AUDIENCE = re.compile(
    rf"((?:(?:[a-z0-9-]+|[A-Z][a-z]+)\s+){{0,4}}?{_PLURAL}"
    r"(?:\s+(?:aged|over|under|between|in their)\s+[\w-]+(?:\s*(?:-|to|and)\s*\d+)?s?)?"
    r"(?:\s+(?:who|that)\s+[^,.;:!?()]{3,40})?"
    r"(?:\s+in\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)?)"
    r"(?=$|[,.;:!?()]|\s+(?:and|with|on|in|across|via|who|that|to|for|but|so)\b|\s+-|\s+—)")
_NOT_AUDIENCE_START = re.compile(
    r"^(?:the|our|my|a|an|its|their)?\s*(?:\d+|ads?|seconds?|minutes?|instagram|tiktok|"
    r"youtube|facebook|linkedin|reels?|stories|shorts|sales|days|weeks|months|years|"
    r"results|benefits|features|details|savings|prices|products|services|holidays)\b", re.I)


def _audience(text: str, product: str | None) -> str | None:
    for cue in _AUDIENCE_CUE.finditer(text):
        rest = text[cue.end():]
        if product and rest.startswith(product):
            continue
        match = _AUDIENCE.match(rest)
        if not match:
            continue
        audience = match.group(1).strip()
        audience = re.sub(r"^(?:the|all)\s+", "", audience, flags=re.I)
        if _NOT_AUDIENCE_START.match(audience):
            continue
        if re.search(r"\b(?:seconds?|minutes?|months?|days?|weeks?|off|ads?|reels?|"
                     r"stories|shorts|posts?)\b", audience, re.I) and not re.search(
                         r"\b(?:aged|in their|over|under)\b", audience):
            continue
        head = audience.split()[-1].lower()
        if cue.group(0).lower().strip() in ("for", "to") and head in _NOT_PEOPLE:
            continue
        return audience
    return None


_NOT_PEOPLE = frozenset({"sneakers", "shoes", "bottles", "pans", "cookies", "pastries",
                         "bikes", "cars", "products", "goods", "services", "apps", "tools",
                         "things", "sales", "items", "sessions", "classes", "lessons",
                         "brands", "beans", "teeth", "trainers", "boots", "clothes", "meals",
                         "snacks", "drinks", "treats", "plans", "loans", "homes", "properties",
                         "rentals", "apartments", "glasses", "watches", "rings", "toys"})


# offer ----------------------------------------------------------------------

_MONEY = r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d\d)?|\d[\d,]*(?:\.\d\d)?\s?(?:dollars|euros|pounds|usd|eur|gbp))"
_COUNT = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty)"
_PERIOD = r"(?:days?|nights?|weeks?|months?|years?|lessons?|class(?:es)?|sessions?|visits?|box(?:es)?|" \
          r"orders?|rides?|deliveries|delivery|cups?|coffees?|drinks?|treatments?|consultations?)"
_OFFER_PATTERNS = [
    # "first 3 months free", "your first box half price", "first lesson on us"
    rf"(?:(?:your|the)\s+)?first\s+(?:{_COUNT}\s+)?{_PERIOD}\s+(?:free|on us|half[- ]price|"
    rf"for\s+{_MONEY}|at\s+\d+\s?% off|\d+\s?% off|for free)",
    # "0% APR financing (for 24 months)"
    r"\d+(?:\.\d+)?\s?%\s?APR(?:\s+financing)?(?:\s+for\s+\d+\s+months)?",
    # "100-night trial", "30-day free trial", "14 day money-back guarantee"
    rf"(?:a\s+)?{_COUNT}[- ](?:day|night|week|month|year)s?\s+(?:free\s+|risk[- ]free\s+|"
    r"home\s+|sleep\s+)?(?:trial|money[- ]back guarantee|guarantee|returns?|warranty)",
    # "up to 40% off (everything)", "20% off your first order", "$50 off", "save 30%"
    rf"(?:up to\s+|an extra\s+|extra\s+)?(?:\d+\s?%|{_MONEY})\s+off(?:\s+(?:your|the|all|every|"
    r"everything|first|orders?|sitewide|weekday|selected|new)(?:\s+[\w-]+){0,3})?",
    rf"save\s+(?:up to\s+)?(?:\d+\s?%|{_MONEY})(?:\s+(?:on|off)\s+(?:your\s+)?[\w-]+(?:\s+[\w-]+)?)?",
    # "buy one get one free", "2-for-1", "two for one"
    r"buy\s+(?:one|1|two|2),?\s+get\s+(?:one|1)(?:\s+(?:free|half[- ]price))?|bogo|"
    r"\d[- ]for[- ]\d(?:\s+[\w-]+){0,2}|two[- ]for[- ]one(?:\s+[\w-]+){0,2}",
    # "free shipping", "free delivery on orders over $30", "free whitening with every check-up"
    r"(?:a\s+)?free\s+(?:shipping|delivery|returns|consultation|first\s+[\w-]+|trial|"
    r"installation|gift|upgrade|estimate|quote|session|class|lesson|month|week|sample|"
    r"check-?up|whitening|dessert|drink|coffee|appetizer|starter|test drive|assessment|"
    r"[\w-]+\s+with\s+every\s+[\w-]+)"
    r"(?:\s+(?:on|with|for)\s+(?:orders?|every|all|your|the|any)(?:\s+[\w$€£.,-]+){0,3})?",
    r"(?:a\s+)?(?:\d+[- ]day\s+)?free trial(?:\s+for\s+\d+\s+(?:days|weeks|months))?",
    r"half[- ]price\s+[\w-]+(?:\s+[\w-]+)?|no (?:setup|sign-?up|joining|booking) fees?|"
    r"money[- ]back guarantee|price match(?: guarantee)?|lifetime warranty|"
    r"(?:use\s+)?(?:promo\s+)?code\s+[A-Z0-9]{3,}(?:\s+for\s+[^,.;]{2,30})?",
    rf"(?:only|just)\s+{_MONEY}(?:\s*(?:/|a|per)\s*(?:month|mo|week|year))?",
]
_OFFER = re.compile("|".join(f"(?:{p})" for p in _OFFER_PATTERNS), re.I)
_OFFER_LABEL = re.compile(
    r"\b(?:offer|promo(?:tion)?|deal|discount|special)\s*(?:is|:|-|—|–)\s*([^.;\n]{3,60}?)"
    r"(?=\s*(?:[.;\n]|$|,\s*(?:and|cta|call|tone|aimed|target|audience)\b))", re.I)


def find_offer(text: str) -> str | None:
    """The brief's offer exactly as written ("first 3 months free", "0% APR financing")."""
    label = _OFFER_LABEL.search(text)
    if label:
        return label.group(1).strip(" '\"“”")
    match = _OFFER.search(text)
    if not match:
        return None
    offer = match.group(0).strip(" ,.;")
    offer = re.sub(r"\s+(?:and|with|for|to|on|in|the|a|your)$", "", offer, flags=re.I)
    return offer


# call to action ---------------------------------------------------------------

_CTA = re.compile(
    r"(?:\bcall[- ]to[- ]action|\bCTA)\b\s*(?:should\s+be|must\s+be|is|be|:|-|—|–|=)?\s*"
    r"(?:to\s+)?(?P<a>[^.;\n]{3,80}?)\s*(?=[.;\n!]|$|,\s*(?:and|but|tone|keep|aimed|target|"
    r"audience|mention|make|with|for)\b)"
    r"|\b(?:ask|asking|tell|telling|encourage|encouraging|urge|urging|invite|inviting|get|"
    r"getting|drive|driving|push|pushing|prompt|prompting)\s+(?:viewers|people|them|users|"
    r"customers|visitors|watchers|the viewer|the audience|readers|listeners|folks|everyone|"
    r"parents|fans|shoppers|donors|supporters|developers|teams|buyers|guests)\s+to\s+"
    r"(?P<b>[^.;\n]{3,80}?)\s*(?=[.;\n!]|$|,\s*(?:and|but|tone|keep|aimed|target|audience|"
    r"mention|make)\b)"
    r"|\b(?:end|ending|close|closing|finish|finishing|sign off|wrap up)\s+(?:it\s+)?(?:with|on)\s+"
    r"(?:a\s+|the\s+)?(?:line\s+|words\s+)?(?P<c>[\"“'‘][^\"”’]{2,80}[\"”’'])",
    re.I,
)


def find_cta(text: str) -> str | None:
    """The call to action the brief asks for, as written (capitalised)."""
    match = _CTA.search(text)
    if not match:
        return None
    cta = (match.group("a") or match.group("b") or match.group("c") or "").strip()
    cta = cta.strip(" \"'“”‘’").rstrip(",")
    cta = re.sub(r"^(?:is|be|should be|to)\s+", "", cta, flags=re.I)
    cta = re.sub(r"^(?:a|an)\s+(?=(?:book|visit|call|sign|shop|try|donate|download|order)\b)",
                 "", cta, flags=re.I)
    if len(cta) < 3:
        return None
    return cta[:1].upper() + cta[1:]





def find_tone(text: str) -> str | None:
    """The tone a text asks for, skipping negated words ("no jokes", "not corporate")."""
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for tone, words in TONES.items():
        for word in words:
            if word not in lowered:
                continue
            for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered):
                before = lowered[max(0, match.start() - 24):match.start()]
                if re.search(r"\b(?:no|not|never|without|don'?t|avoid|less|nothing|too|"
                             r"zero|anti)\b[\w\s,-]*$", before):
                    continue
                if tone == "friendly" and word in ("light", "lighter"):
                    continue
                # "fun" alone is humour, but "fun and upbeat" is about the other word.
                rank = match.start() + (10_000 if word == "fun" else 0)
                if best is None or rank < best[0]:
                    best = (rank, tone)
    return best[1] if best else None


def _avoid(text: str) -> list[str]:
    """Words the brief asks to keep out: "don't mention price", "no jargon"."""
    out = []
    for match in re.finditer(r"\b(?:don'?t|do not|never|avoid)\s+(?:mention(?:ing)?|say(?:ing)?|"
                             r"talk(?:ing)? about|use|using)\s+(?:the\s+|our\s+|any\s+)?"
                             r"([\w'-]+(?:\s+[\w'-]+)?)", text, re.I):
        out.append(match.group(1).lower())
    return out


# platform, aspect and duration ----------------------------------------------

_PLATFORMS: list[tuple[str, str, Aspect]] = [
    # (pattern, platform name, aspect): the most specific placements first.
    (r"instagram\s+(?:reels?|stor(?:y|ies))|\big\s+(?:reels?|stor(?:y|ies))", "Instagram Reels", "9:16"),
    (r"youtube\s+shorts|\bshorts\b", "YouTube Shorts", "9:16"),
    (r"tik\s?tok", "TikTok", "9:16"),
    (r"\breels?\b", "Instagram Reels", "9:16"),
    (r"snapchat|\bsnap\b", "Snapchat", "9:16"),
    (r"facebook\s+stor(?:y|ies)|\bstor(?:y|ies)\s+ad", "Facebook Stories", "9:16"),
    (r"pinterest", "Pinterest", "9:16"),
    (r"instagram|\binsta\b|\big\b", "Instagram", "1:1"),
    (r"facebook|\bfb\b|\bmeta\b", "Facebook", "1:1"),
    (r"linkedin", "LinkedIn", "1:1"),
    (r"youtube|\byt\b|pre-?roll", "YouTube", "16:9"),
    (r"\btv\b|television|broadcast|cinema|connected tv|\bctv\b|\bott\b", "TV", "16:9"),
    (r"twitter|\bx\.com\b", "X", "16:9"),
    (r"website|homepage|landing page|web banner", "website", "16:9"),
]
_EXPLICIT_ASPECT: list[tuple[str, Aspect]] = [
    (r"\b9\s*[:x×/]\s*16\b|\bvertical\b|\bportrait\b|\bfull[- ]screen mobile\b", "9:16"),
    (r"\b1\s*[:x×/]\s*1\b|\bsquare\b", "1:1"),
    (r"\b16\s*[:x×/]\s*9\b|\blandscape\b|\bwidescreen\b|\bhorizontal\b", "16:9"),
    (r"\b4\s*[:x×/]\s*5\b", "1:1"),
]


def platform_and_aspect(text: str) -> tuple[str | None, Aspect | None]:
    """The platform a brief names and the aspect it implies; a stated shape ("square",
    "vertical", "16:9") wins over the platform's usual one."""
    platform: str | None = None
    aspect: Aspect | None = None
    for pattern, name, shape in _PLATFORMS:
        if re.search(pattern, text, re.I):
            platform, aspect = name, shape
            break
    for pattern, shape in _EXPLICIT_ASPECT:
        if re.search(pattern, text, re.I):
            aspect = shape
            break
    return platform, aspect


_LENGTH_CONTEXT = re.compile(
    r"^\W*(?:long\b|ad\b|advert|spot|video|film|commercial|clip|cut|promo|reel|teaser|"
    r"trailer|version|story|piece|brand|social|tv|radio|youtube|tiktok|instagram|"
    r"explainer|testimonial|animation|edit)", re.I)


def brief_duration(text: str) -> int | None:
    """The ad's length the brief asks for, in seconds (5..180), or ``None``.

    A length next to a word like "ad", "spot", "film" or "long" wins over other
    numbers with units in the brief ("ready in 5 minutes").
    """
    found = find_durations(text)
    if not found:
        return None
    fitting = [d for d in found if _LENGTH_CONTEXT.match(text[d.end:d.end + 25])]
    # "a quote in 2 minutes", "ready within 10 minutes": a time in the story, not its length.
    loose = [d for d in found if not re.search(
        r"\b(?:in|within|under|every|per|after|takes?|only|than|about|ready|for|each|up to|"
        r"last(?:s|ing)?|over)\s+$", text[max(0, d.start - 12):d.start], re.I)]
    if not fitting and not loose:
        return None
    chosen = (fitting or loose)[0]
    if not fitting and not 5 <= chosen.seconds <= 180:
        return None
    return max(5, min(180, chosen.seconds))


def known_family_words() -> list[str]:
    """Every keyword of every product family (for typo repair)."""
    return [w for family in FAMILIES for w in family.keywords]
