"""Words the offline story engine and feedback interpreter share.

Product families decide the settings, benefits and problems an ad talks about;
tones and focuses are the knobs a person turns in chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

TONES: dict[str, tuple[str, ...]] = {
    "humorous": ("humorous", "humourous", "humour", "humor", "funny", "funnier", "comedic",
                 "comedy", "joke", "jokes", "joking", "witty", "wittier", "playful", "silly",
                 "sillier", "lighthearted", "light-hearted", "cheeky", "quirky", "goofy",
                 "laughs", "irreverent", "tongue-in-cheek", "whimsical", "fun"),
    "emotional": ("emotional", "heartfelt", "touching", "moving", "sentimental", "heartwarming",
                  "tearjerker", "warm-hearted", "sincere", "earnest", "warm", "warmer",
                  "nostalgic", "inspiring", "inspirational", "uplifting", "hopeful",
                  "tender", "human", "genuine", "authentic", "from the heart", "emotive"),
    "luxurious": ("luxurious", "luxury", "premium", "elegant", "upscale", "classy", "classier",
                  "high-end", "sophisticated", "exclusive", "refined", "posh", "fancy",
                  "fancier", "upmarket", "prestige", "glamorous", "elevated", "chic"),
    "energetic": ("energetic", "energy", "upbeat", "exciting", "dynamic", "hype", "punchy",
                  "punchier", "lively", "livelier", "bold", "bolder", "edgy", "edgier",
                  "high-energy", "fast-paced", "hyped", "loud", "louder", "vibrant", "fun-loving",
                  "adrenaline", "intense", "sporty"),
    "calm": ("calm", "calmer", "relaxed", "relaxing", "soothing", "peaceful", "gentle", "serene",
             "chill", "chilled", "mellow", "quiet", "quieter", "soft", "laid-back", "zen",
             "tranquil", "understated", "minimal", "minimalist"),
    "serious": ("serious", "professional", "formal", "straightforward", "sober", "factual",
                "corporate", "authoritative", "trustworthy", "credible", "businesslike",
                "no-nonsense", "informative", "reassuring", "matter-of-fact", "grown-up"),
    "friendly": ("friendly", "approachable", "casual", "conversational", "neighbourly",
                 "neighborly", "welcoming", "down-to-earth", "relatable", "light", "lighter",
                 "cheerful", "positive", "easygoing", "accessible"),
}

FOCUSES: dict[str, tuple[str, ...]] = {
    "benefits": ("benefit", "benefits", "what it does for", "outcome", "outcomes", "results",
                 "the customer", "the viewer", "why it matters"),
    "features": ("feature", "features", "spec", "specs", "specification", "specifications",
                 "technical", "tech", "how it works", "materials", "ingredients", "details",
                 "functionality", "capabilities"),
    "price": ("price", "prices", "pricing", "offer", "deal", "deals", "discount", "sale",
              "cheap", "affordable", "value for money", "savings", "cost", "costs",
              "promo", "promotion", "the money"),
    "sustainability": ("sustainability", "sustainable", "eco", "eco-friendly", "green planet",
                       "environment", "environmental", "planet", "plastic-free", "recycled"),
    "social proof": ("social proof", "reviews", "review", "testimonial", "testimonials",
                     "customers", "ratings", "stars", "word of mouth", "what people say",
                     "customer quotes", "trust"),
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
    """What ads for one kind of product tend to show and say.

    Every line the engine writes about the product comes from its family, so a
    kitchen brand never hears a vacuum cleaner's lines.
    """

    name: str
    keywords: tuple[str, ...]
    settings: tuple[str, ...]
    person: str
    problem: str
    benefits: tuple[str, ...]
    features: tuple[str, ...]
    green: str
    #: The call to action when the brief asks for none; ``{P}`` is the product.
    cta: str = "Get {P} today"
    #: How a happy customer sums it up in a testimonial.
    quote: str = "Honestly? I'm never going back."


FAMILIES: tuple[Family, ...] = (
    Family("bottle", ("water bottle", "bottle", "flask", "tumbler", "thermos", "canteen"),
           ("mountain trail", "office", "gym", "beach", "city street"), "hiker",
           "your water goes warm and your plastic bottles pile up",
           ("ice-cold water all day", "one bottle instead of hundreds",
            "a bottle that fits every bag"),
           ("double-wall steel, cold for 24 hours", "a leak-proof lid", "a dishwasher-safe build"),
           "300 fewer plastic bottles a year", quote="It goes everywhere with me."),
    Family("drink", ("coffee", "tea", "soda", "juice", "drink", "beverage", "smoothie",
                     "kombucha", "energy drink", "beer", "wine", "cider", "seltzer", "spirits",
                     "gin", "whisky", "lemonade", "brewery", "roastery", "roaster", "latte", "espresso",
                     "cafe", "café", "coffee shop", "matcha"),
           ("cafe", "kitchen", "rooftop", "city street", "park"), "commuter",
           "the afternoon slump hits right when you need to focus",
           ("a clean lift without the crash", "flavour you can really taste",
            "a drink ready in seconds"),
           ("real ingredients, nothing artificial", "half the sugar", "a recyclable can"),
           "brewed with responsibly sourced ingredients", quote="It's my favourite part of the day."),
    Family("shoe", ("running shoe", "shoe", "shoes", "sneaker", "sneakers", "boots", "trainers",
                    "footwear", "sandals", "cleats"),
           ("city street", "park", "stadium", "mountain trail", "gym"), "runner",
           "your feet ache halfway through the day",
           ("comfort that lasts all day", "a lighter step every mile", "style that goes anywhere"),
           ("a responsive foam midsole", "a breathable knit upper", "a grippy rubber outsole"),
           "made with recycled materials", quote="My feet finally stopped complaining."),
    Family("apparel", ("clothing", "apparel", "jacket", "jackets", "hoodie", "t-shirt", "jeans",
                       "dress", "dresses", "fashion", "swimwear", "socks", "outerwear",
                       "activewear", "leggings", "knitwear", "raincoat", "coat"),
           ("city street", "studio", "park", "rooftop", "cafe"), "creative",
           "nothing in your wardrobe feels quite like you",
           ("a fit that feels made for you", "style that lasts past one season",
            "comfort from morning to night"),
           ("soft organic cotton", "reinforced seams", "a cut that moves with you"),
           "made from recycled fabric", cta="Shop {P} today", quote="I get asked where it's from every day."),
    Family("software", ("api", "apis", "saas", "software", "platform", "crm", "dashboard",
                        "analytics", "b2b", "developer tool", "developers", "cloud", "sdk",
                        "startup", "tool", "workflow", "automation", "app", "apps", "assistant",
                        "ai assistant", "chatbot", "writing assistant", "project management"),
           ("office", "studio", "cafe", "living room", "rooftop"), "professional",
           "your team loses hours to manual work and tools that don't talk to each other",
           ("hours back every week", "one place for the whole team", "answers in seconds"),
           ("setup in minutes", "integrations with the tools you use", "enterprise-grade security"),
           "running on renewable-powered servers", cta="Try {P} free today",
           quote="We shipped in days instead of weeks."),
    Family("tech", ("phone", "headphones", "earbuds", "laptop", "smartwatch", "speaker", "camera",
                    "tablet", "charger", "gadget", "console", "drone", "keyboard", "monitor"),
           ("office", "subway", "living room", "studio", "rooftop"), "professional",
           "your devices die or get in the way right when it matters",
           ("hours back in your day", "everything in one place", "power the moment you need it"),
           ("an all-day battery", "instant pairing", "noise cancelling"),
           "built to last and fully repairable", quote="It just works, every single time."),
    Family("finance", ("bank", "banking", "credit card", "loan", "loans", "mortgage", "savings",
                       "investing", "investment", "fintech", "budgeting", "payments", "wallet",
                       "pension", "accountant", "accounting", "tax"),
           ("living room", "office", "cafe", "city street", "kitchen"), "professional",
           "money stress follows you home every month",
           ("money that works as hard as you do", "clear numbers and no surprises",
            "more left over each month"),
           ("no hidden fees", "instant alerts on every payment", "bank-level encryption"),
           "investing in a cleaner future", cta="Open your {P} account today",
           quote="For the first time, I know where my money goes."),
    Family("insurance", ("insurance", "insurer", "cover", "coverage", "policy", "life insurance",
                         "home insurance", "car insurance", "pet insurance"),
           ("living room", "kitchen", "city street", "park", "office"), "parent",
           "one bad day can undo years of hard work",
           ("peace of mind for the whole family", "help the moment you need it",
            "cover that fits your life"),
           ("claims settled in days", "24/7 support from real people", "one simple monthly price"),
           "paperless from start to finish", cta="Get a quote from {P} today",
           quote="When it mattered, they were there."),
    Family("charity", ("charity", "nonprofit", "non-profit", "foundation", "fundraiser",
                       "donation", "donations", "donate", "appeal", "ngo", "shelter",
                       "food bank", "volunteer", "volunteers", "cause", "campaign"),
           ("city street", "kitchen", "park", "classroom", "living room"), "volunteer",
           "too many families go without the basics",
           ("a warm meal for someone tonight", "a safe place to sleep",
            "real change in your own community"),
           ("every pound going straight to the work", "local teams on the ground",
            "monthly updates on what your gift did"),
           "building a fairer future together", cta="Donate to {P} today",
           quote="Someone helped me, and now I help others."),
    Family("dental", ("dentist", "dental", "dental clinic", "orthodontist", "teeth",
                      "teeth whitening", "braces", "dentistry"),
           ("office", "city street", "bathroom", "living room", "park"), "parent",
           "a dental visit is the appointment everyone keeps putting off",
           ("a smile you're proud to show", "check-ups without the dread",
            "care the whole family trusts"),
           ("gentle, pain-free treatment", "evening and weekend appointments",
            "same-day emergency visits"),
           "digital x-rays that cut waste", cta="Book your visit at {P} today",
           quote="I actually look forward to my check-ups now."),
    Family("health", ("clinic", "doctor", "physio", "physiotherapy", "therapy", "therapist",
                      "pharmacy", "vitamins", "supplements", "wellness", "health", "healthcare",
                      "telehealth", "optician", "glasses", "hearing aids", "meditation"),
           ("living room", "office", "park", "bedroom", "city street"), "parent",
           "looking after yourself always slips to the bottom of the list",
           ("feeling like yourself again", "care that fits around your day",
            "answers from people who listen"),
           ("appointments within 48 hours", "qualified, friendly specialists",
            "follow-ups on your phone"),
           "care that's good for people and planet", cta="Book with {P} today",
           quote="I finally feel like myself again."),
    Family("fitness", ("gym", "fitness", "yoga", "pilates", "workout", "personal trainer",
                       "training", "crossfit", "spin", "climbing gym", "boxing"),
           ("gym", "park", "studio", "stadium", "city street"), "runner",
           "workouts never fit into a busy week",
           ("getting stronger every week", "energy that lasts all day",
            "a routine you'll actually keep"),
           ("classes from 6 a.m.", "coaches who know your name", "a plan built around you"),
           "powered by renewable energy", cta="Start your first class at {P}",
           quote="I've never stuck with anything this long."),
    Family("bakery", ("bakery", "bread", "sourdough", "pastry", "pastries", "croissant",
                      "croissants", "cake", "cakes", "patisserie", "bakes", "donuts", "bagels"),
           ("kitchen", "cafe", "city street", "park", "living room"), "parent",
           "supermarket bread just doesn't taste like anything",
           ("bread still warm from the oven", "a treat worth getting up for",
            "the smell of fresh baking on your street"),
           ("dough proved for 48 hours", "flour from local mills", "baked fresh every morning"),
           "with zero food waste at closing time", cta="Visit {P} today",
           quote="Saturday mornings start here."),
    Family("restaurant", ("restaurant", "bistro", "diner", "eatery", "takeaway", "food truck",
                          "pizzeria", "trattoria", "brasserie", "steakhouse", "sushi bar",
                          "taqueria", "supper club", "dining", "tasting menu", "brunch spot"),
           ("kitchen", "cafe", "city street", "rooftop", "garden"), "parent",
           "dinner out too often means the same tired menu",
           ("a table that feels like home", "dishes you'll talk about all week",
            "an evening that's worth dressing up for"),
           ("a seasonal menu from local farms", "a chef's table every weekend",
            "recipes handed down for generations"),
           "sourcing from farms within 50 miles", cta="Book your table at {P}",
           quote="It's our favourite night of the week."),
    Family("cookware", ("cookware", "pan", "pans", "skillet", "pots", "knife", "knives",
                        "kitchenware", "cast iron", "wok", "bakeware", "chef's knife",
                        "kitchen tools", "cutting board"),
           ("kitchen", "garden", "living room", "cafe", "studio"), "cook",
           "cheap pans stick, scratch and end up in the bin",
           ("dinner that comes out right every time", "cooking that feels like a pleasure",
            "a pan you'll hand down one day"),
           ("tri-ply steel that heats evenly", "a lifetime warranty", "an oven-safe handle"),
           "built to last a lifetime, not a season", cta="Cook with {P} tonight",
           quote="Everything I cook tastes better in it."),
    Family("food", ("snack", "snack bar", "cereal", "pizza", "chocolate", "cookie", "cookies",
                    "granola", "granola bar", "sauce", "meal", "meals", "meal kit", "burger",
                    "ice cream", "groceries", "grocery", "food", "dog treats", "yogurt",
                    "protein bar", "hot sauce", "pasta", "spices"),
           ("kitchen", "park", "office", "living room", "garden"), "parent",
           "healthy food never seems quick or tasty enough",
           ("real taste in seconds", "energy that lasts", "a treat you don't regret"),
           ("10 g of protein", "five natural ingredients", "no added sugar"),
           "in compostable packaging", quote="My kids ask for it by name."),
    Family("beauty", ("skincare", "cream", "serum", "lotion", "shampoo", "lipstick", "perfume",
                      "makeup", "moisturiser", "moisturizer", "soap", "cosmetics", "salon",
                      "haircare", "nail", "spa", "fragrance", "sunscreen", "razor"),
           ("bathroom", "bedroom", "studio", "garden", "beach"), "creative",
           "your skin feels dull and tired after long days",
           ("a glow that lasts", "skin that feels like yours again", "a routine you'll enjoy"),
           ("dermatologist tested", "vitamin C and hyaluronic acid", "fragrance-free"),
           "in refillable glass", quote="My skin hasn't looked this good in years."),
    Family("mobility", ("car", "e-bike", "ebike", "bike", "bicycle", "scooter", "motorcycle",
                        "van", "electric car", "ev", "suv", "truck", "car rental", "ride"),
           ("desert road", "city street", "mountain trail", "lake", "rooftop"), "commuter",
           "traffic eats your mornings",
           ("freedom on every trip", "mornings that start on time", "fun on the way"),
           ("a long-range battery", "fast charging in 20 minutes", "smart navigation"),
           "zero tailpipe emissions", cta="Book a test ride of {P} today",
           quote="I actually look forward to my commute."),
    Family("travel", ("hotel", "resort", "airline", "travel", "trip", "trips", "holiday",
                      "holidays", "vacation", "cruise", "tours", "tour", "hostel", "getaway",
                      "b&b", "glamping", "flights", "airlines", "hotels", "resorts"),
           ("beach", "lake", "mountain trail", "city street", "rooftop"), "traveller",
           "holidays end up as stressful as the weeks before them",
           ("days that feel like a proper escape", "views you'll remember for years",
            "rest without the planning"),
           ("rooms with a view", "flexible free cancellation", "local guides who know the way"),
           "carbon-balanced stays", cta="Book your stay with {P}",
           quote="We're already planning the next trip."),
    Family("education", ("course", "courses", "school", "tutoring", "tutor", "university",
                         "college", "bootcamp", "lessons", "classes", "academy", "learning",
                         "language app", "learning app", "coding", "e-learning", "workshop"),
           ("classroom", "living room", "cafe", "office", "park"), "student",
           "learning something new feels impossible next to everything else",
           ("real progress in minutes a day", "skills you can use on Monday",
            "confidence that shows"),
           ("lessons from working experts", "bite-sized daily lessons", "a certificate you can share"),
           "open to learners everywhere", cta="Enroll with {P} today",
           quote="It changed what I thought I could do."),
    Family("pets", ("pet", "pets", "dog", "dogs", "cat", "cats", "puppy", "kitten", "vet",
                    "pet food", "dog food", "cat food", "grooming"),
           ("park", "living room", "garden", "kitchen", "beach"), "parent",
           "your pet deserves better than the cheapest option on the shelf",
           ("a happier, healthier pet", "more tail wags every day", "care your pet can feel"),
           ("vet-approved recipes", "real meat as the first ingredient", "delivery to your door"),
           "in recyclable packaging", quote="My dog goes crazy for it."),
    Family("home", ("vacuum", "blender", "lamp", "sofa", "chair", "kettle", "air purifier",
                    "washing machine", "dishwasher", "fridge", "furniture", "desk", "homeware", "home goods",
                    "appliance", "appliances", "robot vacuum", "thermostat", "heater",
                    "cleaning", "cleaner", "candle", "candles", "diffuser", "rug", "rugs"),
           ("living room", "kitchen", "bedroom", "studio", "garden"), "homeowner",
           "chores and clutter steal your evenings",
           ("evenings back for what you love", "a home that feels calm", "effortless every day"),
           ("a whisper-quiet motor", "one-touch controls", "a five-year warranty"),
           "energy-efficient by design", quote="The house finally feels like ours."),
    Family("sleep", ("mattress", "mattresses", "pillow", "pillows", "bedding", "duvet",
                     "sheets", "sleep"),
           ("bedroom", "living room", "bathroom", "studio", "garden"), "parent",
           "you wake up more tired than when you went to bed",
           ("deep sleep, night after night", "mornings without the aches",
            "waking up ready for the day"),
           ("seven layers of cooling foam", "a breathable cover", "edge-to-edge support"),
           "made with natural latex and wool", cta="Sleep on {P} tonight",
           quote="I haven't slept this well in years."),
    Family("telecom", ("broadband", "internet", "wifi", "wi-fi", "mobile plan", "sim",
                       "phone plan", "fibre", "fiber", "5g", "network"),
           ("living room", "office", "subway", "city street", "bedroom"), "parent",
           "the connection drops right when everyone's online",
           ("streaming without the buffering", "a connection the whole house can share",
            "calls that never cut out"),
           ("full-fibre speeds", "no annual price rises", "unlimited data"),
           "on a network powered by renewables", cta="Switch to {P} today",
           quote="No more shouting 'is the wifi down?'."),
    Family("jewellery", ("jewellery", "jewelry", "ring", "rings", "necklace", "bracelet",
                         "earrings", "watch", "watches", "engagement ring", "diamonds"),
           ("studio", "rooftop", "city street", "cafe", "garden"), "creative",
           "the moments that matter deserve more than something ordinary",
           ("a piece to wear every day", "a gift they'll keep forever",
            "craftsmanship you can feel"),
           ("hand-finished by master jewellers", "ethically sourced stones", "a lifetime guarantee"),
           "made with recycled gold", cta="Find your {P} piece today",
           quote="I haven't taken it off since."),
    Family("realestate", ("real estate", "realtor", "estate agent", "apartments", "condos",
                          "homes for sale", "property", "properties", "lettings", "rentals"),
           ("living room", "city street", "garden", "rooftop", "kitchen"), "homeowner",
           "finding the right home feels like a second job",
           ("a home that fits your next chapter", "a move without the stress",
            "keys in your hand sooner"),
           ("local agents who answer the phone", "virtual tours of every home",
            "no fees until you move"),
           "energy-rated homes", cta="Book a viewing with {P}",
           quote="We found the one in a week."),
    Family("kids", ("toy", "toys", "baby", "toddler", "kids", "diapers", "nappies", "stroller",
                    "pram", "nursery", "board game", "games", "game", "video game", "puzzle"),
           ("living room", "park", "garden", "bedroom", "classroom"), "parent",
           "screens win every battle for your kids' attention",
           ("afternoons full of laughter", "play that teaches something new",
            "family time everyone looks forward to"),
           ("safety-tested materials", "endless ways to play", "built to survive real kids"),
           "made from sustainable wood", quote="We play it every single weekend."),
)

GENERIC = Family(
    "generic", (), ("city street", "living room", "park", "office", "studio"), "customer",
    "everyday life is busier than it should be",
    ("more time for what matters", "less hassle every day", "quality you can feel"),
    ("thoughtful design", "carefully chosen materials", "made to last"),
    "made responsibly",
)


def find_family(text: str, *, head_last: bool = False) -> Family:
    """The family whose keyword appears first in ``text``.

    With ``head_last`` (for a noun phrase such as a category), the keyword that ends
    furthest right wins instead: English puts the head noun last, so "pet insurance"
    is insurance and "dental clinic" a clinic only if no "dental" comes before it.
    """
    lowered = text.lower()
    best, best_rank = GENERIC, (len(lowered) + 1, 0)
    for family in FAMILIES:
        for word in family.keywords:
            # A keyword counts in the plural too ("protein bars"), not inside a compound
            # ("gym-goers").
            if word not in lowered:  # cheap test first: most keywords are absent
                continue
            pattern = _keyword(word)
            match = pattern.search(lowered)
            if match is None:
                continue
            if head_last:
                ends = [m.end() for m in pattern.finditer(lowered)]
                rank = (-ends[-1], -len(word))
            else:
                rank = (match.start(), -len(word))
            if rank < best_rank:
                best, best_rank = family, rank
    return best


@cache
def _keyword(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z-]){re.escape(word)}(?:s|es)?(?![a-z-])")


@cache
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])")


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
    if word not in lowered:
        return None
    match = _whole_word(word).search(lowered)
    return match.start() if match else None
