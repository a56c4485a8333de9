"""Entities in a chat message: business units, channels, severities, categories, time range,
flags and free-text topics, in the chat assistant's own (ThaiBev) vocabulary.

Business-unit and category aliases match as *substrings* of the lowercased message, longest
alias first, so "latest" names Non-Alcoholic Beverages (``est``) and "apply" App & Technical
(``app``); channels and severities match whole words. Topics are what remains once the
command words and every alias are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from control_tower.chat.intents import normalize
from control_tower.chat.jsregex import JS_WHITESPACE_RUN, js_regex, whole_word
from control_tower.core.clock import local_days_ago_ms, local_end_of_day_ms, local_midnight_ms
from control_tower.core.js import js_number_to_string

# -- vocabulary (declaration order matters: it breaks ties between equally long aliases) ---

BUSINESS_UNITS: tuple[str, ...] = (
    "Beer & Spirits",
    "Non-Alcoholic Beverages",
    "Oishi Beverages",
    "Oishi Restaurants",
    "KFC Delivery",
    "KFC Restaurants",
    "KFC Loyalty",
    "Corporate & Events",
)


def _aliases(groups: dict[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    return tuple((alias, canonical) for canonical, names in groups.items() for alias in names)


BU_ALIASES = _aliases(
    {
        "Beer & Spirits": (
            "beer",
            "beer & spirits",
            "spirits",
            "chang",
            "mekhong",
            "sangsom",
            "blend 285",
            "hong thong",
            "whiskey",
            "whisky",
            "thaibev",
        ),
        "Non-Alcoholic Beverages": (
            "non-alcoholic",
            "soft drinks",
            "est cola",
            "est",
            "crystal",
            "crystal water",
            "100 plus",
            "sermsuk",
        ),
        "Oishi Beverages": (
            "oishi beverages",
            "oishi drinks",
            "oishi tea",
            "green tea",
            "oishi green tea",
            "gyukaku",
            "chakulza",
        ),
        "Oishi Restaurants": (
            "oishi restaurants",
            "oishi restaurant",
            "oishi buffet",
            "oishi grand",
            "shabushi",
            "nikuya",
            "oishi",
        ),
        "KFC Delivery": ("kfc delivery", "kfc app", "kfc order"),
        "KFC Restaurants": (
            "kfc restaurants",
            "kfc restaurant",
            "kfc branch",
            "kfc store",
            "kfc",
        ),
        "KFC Loyalty": (
            "kfc loyalty",
            "colonel's club",
            "colonels club",
            "kfc points",
            "kfc rewards",
        ),
        "Corporate & Events": ("corporate", "events", "wholesale", "catering", "bulk order"),
    }
)

CHANNEL_ALIASES = _aliases(
    {
        "phone": ("phone", "call", "calls", "telephone"),
        "email": ("email", "emails", "mail"),
        "line": ("line",),
        "web": ("web", "website", "chat"),
    }
)

CATEGORY_ALIASES = _aliases(
    {
        "Order Issues": ("order", "order issues", "wrong order", "missing items", "order problem"),
        "Product Quality": (
            "product quality",
            "quality",
            "damaged",
            "expired",
            "taste",
            "defective",
        ),
        "Delivery Problems": (
            "delivery",
            "delivery problems",
            "late delivery",
            "driver",
            "cold food",
        ),
        "Payment & Billing": (
            "payment",
            "billing",
            "payment & billing",
            "refund",
            "overcharge",
            "double charge",
        ),
        "App & Technical": ("app", "technical", "app & technical", "app crash", "login", "gps"),
        "Loyalty & Rewards": ("loyalty", "rewards", "points", "member"),
        "Restaurant Experience": ("restaurant", "wait time", "staff", "cleanliness", "service"),
        "Promotions & Pricing": ("promotion", "promo", "discount", "price", "pricing"),
        "Product Availability": ("availability", "out of stock", "sold out", "unavailable"),
        "Feedback & Suggestions": ("feedback", "suggestion", "compliment"),
        "Corporate & Bulk Orders": ("corporate order", "bulk", "wholesale", "invoice"),
        "Food Safety": (
            "food safety",
            "allergy",
            "allergic",
            "food poisoning",
            "halal",
            "sick",
        ),
    }
)

SEVERITY_INDICATORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("urgent", ("high", "critical")),
    ("critical", ("critical",)),
    ("high", ("high",)),
    ("medium", ("medium",)),
    ("low", ("low",)),
    ("important", ("high", "critical")),
    ("priority", ("high", "critical")),
    ("severe", ("critical",)),
    ("serious", ("high", "critical")),
    ("minor", ("low",)),
)

# Words dropped before topics are read: the command vocabulary and filler.
TOPIC_STOP_WORDS: tuple[str, ...] = (
    "show", "find", "search", "get", "list", "display", "view", "what",
    "is", "are", "the", "me", "all", "about", "related", "to", "with",
    "for", "cases", "case", "issues", "issue", "tickets", "ticket",
    "trends", "trending", "urgent", "critical", "high", "priority",
    "happening", "today", "yesterday", "last", "past", "week", "month",
    "filter", "only", "days", "day", "please", "can", "you", "i", "need",
    "want", "would", "like", "a", "an", "any", "some", "that", "this",
)  # fmt: skip


def _longest_first(aliases: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    # sorted() is stable, so equally long aliases keep their declaration order.
    return tuple(sorted(aliases, key=lambda pair: -len(pair[0])))


_BU_BY_LENGTH = _longest_first(BU_ALIASES)
_CATEGORY_BY_LENGTH = _longest_first(CATEGORY_ALIASES)
_CHANNEL_PATTERNS = tuple((whole_word(alias), channel) for alias, channel in CHANNEL_ALIASES)
_SEVERITY_PATTERNS = tuple((whole_word(word), levels) for word, levels in SEVERITY_INDICATORS)
_TOPIC_REMOVALS = tuple(
    (word, whole_word(word))
    for word in (
        *TOPIC_STOP_WORDS,
        *(alias for alias, _ in BU_ALIASES),
        *(alias for alias, _ in CHANNEL_ALIASES),
        *(alias for alias, _ in CATEGORY_ALIASES),
    )
)
_NON_TOPIC_CHARS = re.compile(r"[^\w-]", re.ASCII)
_ALL_DIGITS = re.compile(r"\d+", re.ASCII)

_URGENT = js_regex(r"\b(urgent|asap|immediately|emergency)\b")
_RISK = js_regex(r"\b(risk|risky|at[\s-]?risk)\b")
_NEEDS_REVIEW = js_regex(r"\b(review|needs[\s-]?review|pending[\s-]?review)\b")
_ESCALATION = js_regex(r"\b(escalat(?:e|ed|ion)|needs[\s-]?escalation)\b")

_LAST_N_DAYS = js_regex(r"(?:last|past)\s*(\d+)\s*days?")
_TODAY = tuple(js_regex(p) for p in (r"\btoday\b", r"\bthis morning\b", r"\bthis afternoon\b"))
_YESTERDAY = js_regex(r"\byesterday\b")
_LAST_WEEK = tuple(
    js_regex(p)
    for p in (r"\blast\s*week\b", r"\bpast\s*week\b", r"\bthis\s*week\b", r"\bpast\s*7\s*days\b")
)
_LAST_MONTH = tuple(
    js_regex(p)
    for p in (
        r"\blast\s*month\b",
        r"\bpast\s*month\b",
        r"\bthis\s*month\b",
        r"\bpast\s*30\s*days\b",
    )
)

# ECMAScript dates span +-8.64e15 ms; a start further back is an Invalid Date.
JS_DATE_LIMIT_MS = 8_640_000_000_000_000
_MAX_PLAUSIBLE_DAYS = 200_000_000
_MAX_EXACT_DIGITS = 15


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A named window; ``start_ms`` is ``None`` when the original got an Invalid Date."""

    label: str
    start_ms: int | None
    end_ms: int


@dataclass(frozen=True, slots=True)
class Flags:
    urgent: bool
    risk: bool
    needs_review: bool
    escalation: bool


@dataclass(frozen=True, slots=True)
class Entities:
    business_units: list[str]
    channels: list[str]
    severities: list[str]
    categories: list[str]
    time_range: TimeRange | None
    topics: list[str]
    flags: Flags


def extract_business_units(text: str) -> list[str]:
    """Business units named in ``text`` (aliases longest first, then canonical names)."""
    found: dict[str, None] = {}
    for alias, unit in _BU_BY_LENGTH:
        if alias in text:
            found.setdefault(unit)
    for unit in BUSINESS_UNITS:
        if unit.lower() in text:
            found.setdefault(unit)
    return list(found)


def extract_channels(text: str) -> list[str]:
    found: dict[str, None] = {}
    for pattern, channel in _CHANNEL_PATTERNS:
        if pattern.search(text):
            found.setdefault(channel)
    return list(found)


def extract_categories(text: str) -> list[str]:
    found: dict[str, None] = {}
    for alias, category in _CATEGORY_BY_LENGTH:
        if alias in text:
            found.setdefault(category)
    return list(found)


def extract_severities(text: str) -> list[str]:
    found: dict[str, None] = {}
    for pattern, levels in _SEVERITY_PATTERNS:
        if pattern.search(text):
            for level in levels:
                found.setdefault(level)
    return list(found)


def extract_flags(text: str) -> Flags:
    return Flags(
        urgent=_URGENT.search(text) is not None,
        risk=_RISK.search(text) is not None,
        needs_review=_NEEDS_REVIEW.search(text) is not None,
        escalation=_ESCALATION.search(text) is not None,
    )


def _days_back(now_ms: int, days: int) -> int | None:
    """Local midnight ``days`` days before ``now_ms``; ``None`` outside JS's date range."""
    if days > _MAX_PLAUSIBLE_DAYS:
        return None
    if local_days_ago_ms(now_ms, days) < -JS_DATE_LIMIT_MS:
        return None
    return local_midnight_ms(now_ms, days)


def extract_time_range(text: str, now_ms: int) -> TimeRange | None:
    """The first time window ``text`` names, relative to ``now_ms``."""
    match = _LAST_N_DAYS.search(text)
    if match:
        digits = match.group(1).lstrip("0") or "0"
        if len(digits) > _MAX_EXACT_DIGITS:
            # parseInt gives a double this large (or Infinity): far outside JS's date range.
            huge = float(digits)
            return TimeRange(f"Last {js_number_to_string(huge)} days", None, now_ms)
        days = int(digits)
        return TimeRange(f"Last {days} days", _days_back(now_ms, days), now_ms)
    if any(pattern.search(text) for pattern in _TODAY):
        return TimeRange("Today", local_midnight_ms(now_ms), now_ms)
    if _YESTERDAY.search(text):
        start = local_midnight_ms(now_ms, 1)
        return TimeRange("Yesterday", start, local_end_of_day_ms(start))
    if any(pattern.search(text) for pattern in _LAST_WEEK):
        return TimeRange("Last 7 days", local_midnight_ms(now_ms, 7), now_ms)
    if any(pattern.search(text) for pattern in _LAST_MONTH):
        return TimeRange("Last 30 days", local_midnight_ms(now_ms, 30), now_ms)
    return None


def extract_topics(message: str) -> list[str]:
    """Free-text keywords: words left after removing command words and every alias."""
    remaining = message.lower()
    for word, pattern in _TOPIC_REMOVALS:
        # The text is lowercased and the patterns fold ASCII only: no substring, no match.
        if word in remaining:
            remaining = pattern.sub(" ", remaining)
    found: dict[str, None] = {}
    for token in JS_WHITESPACE_RUN.split(remaining):
        word = _NON_TOPIC_CHARS.sub("", token)
        if len(word) > 2 and not _ALL_DIGITS.fullmatch(word):
            found.setdefault(word)
    return list(found)


def extract_entities(message: str, now_ms: int) -> Entities:
    """Every entity of a raw chat message."""
    text = normalize(message)
    return Entities(
        business_units=extract_business_units(text),
        channels=extract_channels(text),
        severities=extract_severities(text),
        categories=extract_categories(text),
        time_range=extract_time_range(text, now_ms),
        topics=extract_topics(message),
        flags=extract_flags(text),
    )
