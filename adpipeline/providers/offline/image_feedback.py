"""Image feedback as a grammar of intents: which item, which subject, what change.

"change the character's outfit to red" recolours the clothes (``outfit``), "make the
bottle blue" the product (``product_color``), "more blue" the backdrop (``color``);
"frame 3 is way too dark" brightens frame 3 by two steps; "washed out, more punch"
adds saturation and contrast; "shift frame 3 to nighttime" relights it; "zoom out" and
"close-up on the product" reframe it.
"""

from __future__ import annotations

import re

from ...adjustments import Changes
from ...media.colors import find_color
from ...models import Story
from .language import negated_before
from .references import LAST, find_reference, find_sheet
from .vocabulary import TIMES_OF_DAY, find_setting, find_word

_OUTFIT = re.compile(r"\b(?:outfit|clothes|clothing|jacket|shirt|t-?shirt|tee|top|hoodie|"
                     r"sweater|jumper|coat|dress|blouse|uniform|wardrobe|suit|cardigan|vest|"
                     r"apparel|attire)\b", re.I)
_DRESS = re.compile(r"\b(?:dress|put|clothe)\s+(?:him|her|them|the (?:character|person|guy|"
                    r"woman|man|girl|boy|model|runner|hiker|lead|actor))\s+in\b", re.I)
_PRODUCT = re.compile(r"\b(?:product|bottle|can|packaging|pack|box|shoe|shoes|sneakers?|phone|"
                      r"cup|mug|tube|car|bike|device|label)\b", re.I)
#: "It's so bright" told with praise ("and sunny", "I love it") describes the light, it
#: does not complain about it.
_PRAISE = re.compile(r"\b(?:love|like|perfect|great|beautiful|gorgeous|stunning|amazing|awesome|"
                     r"lovely|cinematic|moody|cheerful|sunny)\b", re.I)
_WHOLE_PRAISE = re.compile(r"(?:i )?(?:love|like) it|perfect|great|beautiful|gorgeous|stunning|"
                           r"amazing|awesome|lovely|nice", re.I)
_DESCRIBED_LIGHT = re.compile(r"\b(?:(?:it'?s|is|looks|seems) )?(?:so|very|really) (?:dark|bright)\b")
_STRONG = re.compile(r"\b(?:way|much|far|very|really|a lot|super|so|extremely|too)\b", re.I)


def praises(clauses: list[str]) -> bool:
    """Whether one of a message's ``clauses`` praises the whole ("I love it", "perfect")."""
    return any(_WHOLE_PRAISE.fullmatch(clause.strip(" !.")) for clause in clauses)


def image_clause(clause: str, story: Story | None, changes: Changes, said: list[str],
                 praised: bool = False) -> bool:
    """Read one clause into ``changes`` (adjustments) and ``said``; return whether
    anything was understood. ``praised``: the message :func:`praises` the whole."""
    low = clause.lower()
    found = False
    steps = 2 if re.search(r"\b(?:way|much|far|a lot|super|extremely)\b", low) else 1
    # "It's so dark" is a complaint; "make it very dark" is a wish: only the first is read.
    complaint = r"(?:not (?:so|too)|(?:it'?s|is|looks|seems) (?:so|very|really|quite|rather|a bit))"
    if praised or any(not negated_before(low, m.start(), 3) for m in _PRAISE.finditer(low)):
        light = _DESCRIBED_LIGHT.sub(" ", low)
    else:
        light = low
    if re.search(rf"\b(?:too dark|underexposed|brighter|lighter|more light|sunnier|less dark|"
                 rf"brighten|lighten|light it up|can'?t see|gloomy|murky|dim|very bright|"
                 rf"really bright|{complaint} dark)\b",
                 light) and not re.search(rf"\b(?:too (?:bright|light)|so bright|overexposed|"
                                         rf"{complaint} bright)\b", light):
        changes.brightness = (changes.brightness or 0) + steps
        said.append("brighten it" if steps == 1 else "brighten it a lot")
        found = True
    elif re.search(rf"\b(?:too bright|too light|overexposed|darker|moodier|dimmer|less bright|"
                   rf"darken|blown out|tone down the light|very dark|really dark|"
                   rf"so bright|{complaint} bright)\b", light):
        changes.brightness = (changes.brightness or 0) - steps
        said.append("darken it" if steps == 1 else "darken it a lot")
        found = True
    if re.search(r"\b(?:too (?:muted|dull|grey|gray|flat|desaturated|pale)|washed[- ]out|"
                 r"dull|flat colou?rs?|lifeless|more punch|punchier|pop|"
                 r"more vivid|vivid|vibrant|more saturat\w*|saturate|more colou?rful|"
                 r"richer colou?rs?|boost the colou?rs?)\b", low):
        changes.saturation = (changes.saturation or 0) + 1
        said.append("make the colours richer")
        found = True
    elif re.search(r"\b(?:muted|desaturate\w*|less saturated|too saturated|too colou?rful|"
                   r"garish|softer colou?rs?|tone down the colou?rs?|pastel)\b", low):
        changes.saturation = (changes.saturation or 0) - 1
        said.append("mute the colours")
        found = True
    elif re.search(r"\b(?:black and white|black-and-white|greyscale|grayscale|monochrome|b&w)\b",
                   low):
        changes.saturation = -3
        said.append("take the colour out")
        found = True
    if re.search(r"\b(?:warmer|warm (?:it )?up|cozier|cosier|more golden)\b", low):
        changes.warmth = (changes.warmth or 0) + 1
        said.append("warm the colours")
        found = True
    elif re.search(r"\b(?:cooler|colder|cool it down|icier|too warm|too orange|too yellow)\b", low):
        changes.warmth = (changes.warmth or 0) - 1
        said.append("cool the colours")
        found = True
    if re.search(r"\b(?:more contrast|punch|punchier|higher contrast|more pop|crisper|"
                 r"washed[- ]out|flat)\b", low) and not re.search(r"\bflat colou?rs?\b", low):
        changes.contrast = (changes.contrast or 0) + 1
        said.append("add contrast")
        found = True
    elif re.search(r"\b(?:less contrast|softer|lower contrast|too harsh|too contrasty)\b", low):
        changes.contrast = (changes.contrast or 0) - 1
        said.append("soften the contrast")
        found = True
    when = find_word(low, TIMES_OF_DAY)
    if re.search(r"\bnight\s?time|\bnight\b|\bafter dark\b|\bat night\b", low):
        when = "night"
    if when and re.search(r"\b(?:to|into|at|make it|set|shift|change|turn|night|nighttime|"
                          r"sunset|sunrise|dusk|dawn|evening|morning|golden hour)\b", low):
        changes.time_of_day = when
        said.append(f"relight it for {when}")
        found = True
    color = find_color(clause)
    color_name = color[0] if color else None
    if color_name and (_OUTFIT.search(low) or _DRESS.search(low)):
        changes.outfit = color_name
        said.append(f"dress the character in {color_name}")
        found = True
    elif color_name and _PRODUCT.search(low):
        changes.product_color = color_name
        said.append(f"make the product {color_name}")
        found = True
    elif color_name and (changes.saturation or 0) > -3:
        changes.color = color_name
        said.append(f"shift the background toward {color_name}")
        found = True
    setting = find_setting(low)
    if setting and re.search(r"\b(?:on|in|at|to|into|move|set)\b", low) and not \
            re.search(r"\bthe\s+\w+\s+(?:frame|shot|image|scene)\b", low):
        changes.setting = setting
        said.append(f"move it to the {setting}")
        found = True
    if re.search(r"\b(?:close[- ]?up|closer|zoom(?:ed)? in|tighter|push in|crop in|"
                 r"focus on the product|product shot|hero shot)\b", low):
        changes.framing = "close-up"
        said.append("frame it closer" + (" on the product" if "product" in low else ""))
        found = True
    elif re.search(r"\b(?:wider|wide shot|zoom(?:ed)? out|pull back|further away|show more|"
                   r"too close|too tight|step back)\b", low):
        changes.framing = "wide"
        said.append("frame it wider")
        found = True
    elif re.search(r"\bmedium shot\b|\bmid[- ]shot\b", low):
        changes.framing = "medium"
        said.append("frame it as a medium shot")
        found = True
    return found


def named_item(text: str, story: Story | None, stage: str) -> int | None:
    """The 0-based item a message names (-1: the last), if any."""
    if stage == "reference_images":
        sheet = find_sheet(text)
        if sheet is not None:
            return sheet
    ref = find_reference(text, story)
    if ref is None:
        return None
    number, _ = ref
    if number == LAST:
        return -1
    return number - 1 if number > 0 else -2  # -2: "image 0", which the pipeline refuses
