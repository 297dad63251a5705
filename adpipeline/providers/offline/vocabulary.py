"""Words the offline story engine and feedback interpreter share.

Product families decide the settings, benefits and problems an ad talks about;
tones and focuses are the knobs a person turns in chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TONES: dict[str, tuple[str, ...]] = {
    "humorous": ("humorous", "humour", "humor", "funny", "funnier", "comedic", "comedy", "joke",
                 "jokes", "witty", "playful", "silly", "lighthearted", "light-hearted"),
    "emotional": ("emotional", "heartfelt", "touching", "moving", "sentimental", "heartwarming",
                  "tearjerker", "warm-hearted"),
    "luxurious": ("luxurious", "luxury", "premium", "elegant", "upscale", "classy", "high-end",
                  "sophisticated", "exclusive"),
    "energetic": ("energetic", "energy", "upbeat", "exciting", "dynamic", "hype", "punchy",
                  "lively", "bold"),
    "calm": ("calm", "calmer", "relaxed", "relaxing", "soothing", "peaceful", "gentle", "serene",
             "chill", "mellow"),
    "serious": ("serious", "professional", "formal", "straightforward", "sober", "factual",
                "corporate"),
}

FOCUSES: dict[str, tuple[str, ...]] = {
    "benefits": ("benefit", "benefits", "what it does for", "outcome", "results"),
    "features": ("feature", "features", "spec", "specs", "specification", "technical", "tech",
                 "how it works", "materials"),
    "price": ("price", "pricing", "offer", "deal", "discount", "sale", "cheap", "affordable",
              "value for money", "savings"),
    "sustainability": ("sustainability", "sustainable", "eco", "eco-friendly", "green planet",
                       "environment", "environmental", "planet", "plastic-free", "recycled"),
    "social proof": ("social proof", "reviews", "review", "testimonial", "testimonials",
                     "customers", "ratings", "stars", "word of mouth"),
}

COLORS: dict[str, str] = {
    "red": "#d7263d", "orange": "#f46036", "yellow": "#f6c445", "green": "#2e9e5b",
    "teal": "#1b998b", "blue": "#2f6fdf", "navy": "#1d3461", "purple": "#7b4ab8",
    "pink": "#e85d9f", "black": "#222222", "white": "#f4f4f4", "silver": "#b8c0c8",
    "gold": "#d4a437", "brown": "#8c5a3c", "grey": "#8a8f98", "gray": "#8a8f98",
}

SETTINGS: tuple[str, ...] = (
    "beach", "city street", "kitchen", "office", "forest", "park", "mountain trail", "gym",
    "living room", "studio", "cafe", "bedroom", "desert road", "lake", "rooftop", "subway",
    "bathroom", "classroom", "garden", "stadium",
)

TIMES_OF_DAY: dict[str, tuple[str, ...]] = {
    "sunset": ("sunset", "golden hour", "dusk", "evening"),
    "night": ("night", "nighttime", "midnight", "after dark"),
    "morning": ("morning", "sunrise", "dawn", "breakfast"),
    "day": ("daytime", "midday", "noon", "afternoon", "day"),
}

PALETTES: dict[str, list[str]] = {
    "friendly": ["#1b998b", "#f6c445", "#f4f4f4", "#2f6fdf"],
    "humorous": ["#f46036", "#f6c445", "#2e9e5b", "#fdfdfd"],
    "emotional": ["#e8a87c", "#c38d9e", "#41b3a3", "#fff4e6"],
    "luxurious": ["#1d1d1d", "#d4a437", "#f4efe6", "#6b4f3a"],
    "energetic": ["#d7263d", "#f46036", "#1b1b1e", "#f6c445"],
    "calm": ["#a8dadc", "#457b9d", "#f1faee", "#e9ecef"],
    "serious": ["#1d3461", "#8a8f98", "#f4f4f4", "#2f6fdf"],
}

CHARACTER_NAMES: tuple[str, ...] = ("Maya", "Leo", "Priya", "Sam", "Noor", "Jonas", "Ana", "Kofi")


@dataclass(frozen=True)
class Family:
    """What ads for one kind of product tend to show and say."""

    name: str
    keywords: tuple[str, ...]
    settings: tuple[str, ...]
    person: str
    problem: str
    benefits: tuple[str, ...]
    features: tuple[str, ...]
    green: str


FAMILIES: tuple[Family, ...] = (
    Family("bottle", ("bottle", "flask", "tumbler", "thermos", "canteen"),
           ("mountain trail", "office", "gym", "beach", "city street"), "hiker",
           "your water goes warm and your plastic bottles pile up",
           ("ice-cold water all day", "one bottle instead of hundreds", "a bottle that fits every bag"),
           ("double-wall steel, cold for 24 hours", "leak-proof lid",
            "dishwasher-safe"), "300 fewer plastic bottles a year"),
    Family("drink", ("coffee", "tea", "soda", "juice", "drink", "beverage", "smoothie",
                     "kombucha", "energy drink"),
           ("cafe", "kitchen", "rooftop", "city street", "park"), "commuter",
           "the afternoon slump hits right when you need to focus",
           ("a clean lift without the crash", "flavour you can really taste", "a drink ready in seconds"),
           ("real ingredients, nothing artificial", "half the sugar", "recyclable can"),
           "brewed with responsibly sourced ingredients"),
    Family("shoe", ("shoe", "shoes", "sneaker", "sneakers", "boots", "trainers", "running"),
           ("city street", "park", "stadium", "mountain trail", "gym"), "runner",
           "your feet ache halfway through the day",
           ("comfort that lasts all day", "a lighter step every mile", "style that goes anywhere"),
           ("responsive foam midsole", "breathable knit upper", "grippy rubber outsole"),
           "made with recycled materials"),
    Family("tech", ("phone", "headphones", "earbuds", "laptop", "watch", "smartwatch", "speaker",
                    "camera", "tablet", "charger", "app", "software", "gadget"),
           ("office", "subway", "living room", "studio", "rooftop"), "professional",
           "your devices die or get in the way right when it matters",
           ("hours back in your day", "everything in one place", "power the moment you need it"),
           ("all-day battery", "instant pairing", "noise cancelling"),
           "built to last and fully repairable"),
    Family("food", ("snack", "bar", "cereal", "pizza", "chocolate", "cookie", "granola", "sauce",
                    "meal", "burger", "ice cream"),
           ("kitchen", "park", "office", "living room", "garden"), "parent",
           "healthy food never seems quick or tasty enough",
           ("real taste in seconds", "energy that lasts", "a treat you don't regret"),
           ("10 g of protein", "five natural ingredients", "no added sugar"),
           "in compostable packaging"),
    Family("beauty", ("skincare", "cream", "serum", "lotion", "shampoo", "lipstick", "perfume",
                      "makeup", "moisturiser", "moisturizer", "soap"),
           ("bathroom", "bedroom", "studio", "garden", "beach"), "creative",
           "your skin feels dull and tired after long days",
           ("a glow that lasts", "skin that feels like yours again", "a routine you'll enjoy"),
           ("dermatologist tested", "vitamin C and hyaluronic acid", "fragrance-free"),
           "in refillable glass"),
    Family("mobility", ("car", "bike", "e-bike", "scooter", "motorcycle", "van", "electric"),
           ("desert road", "city street", "mountain trail", "lake", "rooftop"), "commuter",
           "traffic eats your mornings",
           ("freedom on every trip", "mornings that start on time", "fun on the way"),
           ("300 km range", "fast charging in 20 minutes", "smart navigation"),
           "zero tailpipe emissions"),
    Family("home", ("vacuum", "blender", "lamp", "mattress", "sofa", "chair", "kettle",
                    "air purifier", "pan", "pillow", "home"),
           ("living room", "kitchen", "bedroom", "studio", "garden"), "homeowner",
           "chores and clutter steal your evenings",
           ("evenings back for what you love", "a home that feels calm", "effortless every day"),
           ("whisper-quiet motor", "one-touch controls", "five-year warranty"),
           "energy-efficient by design"),
)

GENERIC = Family(
    "generic", (), ("city street", "living room", "park", "office", "studio"), "customer",
    "everyday life is busier than it should be",
    ("more time for what matters", "less hassle every day", "quality you can feel"),
    ("thoughtful design", "premium materials", "made to last"),
    "made responsibly",
)


def find_family(text: str) -> Family:
    lowered = text.lower()
    best, best_pos = GENERIC, len(lowered) + 1
    for family in FAMILIES:
        for word in family.keywords:
            pos = _word_pos(lowered, word)
            if pos is not None and pos < best_pos:
                best, best_pos = family, pos
    return best


def find_word(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The key of ``table`` whose words appear first in ``text``."""
    lowered = text.lower()
    best, best_pos = None, len(lowered) + 1
    for key, words in table.items():
        for word in words:
            pos = _word_pos(lowered, word)
            if pos is not None and pos < best_pos:
                best, best_pos = key, pos
    return best


def find_setting(text: str) -> str | None:
    lowered = text.lower()
    aliases = {"beach": ("beach", "seaside", "ocean", "sea", "coast"),
               "city street": ("city", "street", "downtown", "urban"),
               "forest": ("forest", "woods", "jungle"),
               "mountain trail": ("mountain", "trail", "hike", "hiking", "summit"),
               "living room": ("living room", "couch", "sofa", "home"),
               "cafe": ("cafe", "café", "coffee shop"),
               "lake": ("lake", "river"),
               "desert road": ("desert",)}
    table = {s: aliases.get(s, (s,)) for s in SETTINGS}
    return find_word(lowered, table)


def _word_pos(lowered: str, word: str) -> int | None:
    match = re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered)
    return match.start() if match else None
