"""The natural-language query parser of ``/api/search`` (pure and deterministic).

A query is lowercased (``toLowerCase``) and trimmed, then every extractor reads the whole
normalised text: a time range, business units, channels, categories, severities and three
flags. Whatever no vocabulary claims becomes the keywords. The vocabulary is the original's
banking one; the data is ThaiBev, which is why most BU/category hits find nothing.

JavaScript regular-expression semantics are kept on purpose: ``\\b`` is ASCII-only
(``re.ASCII``), ``\\s`` is ECMAScript whitespace and ``\\d`` is ``[0-9]``. The original's
patterns carried the ``i`` flag, but they only ever ran on lowercased text with lowercase
ASCII patterns, where JavaScript's case-insensitive matching equals a case-sensitive one
(a non-ASCII character never canonicalises to an ASCII letter), so none is needed here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Final

from control_tower.core.clock import DAY_MS, iso_from_ms, local_end_of_day_ms, local_midnight_ms
from control_tower.core.js import js_number_to_string, js_trim

# ECMAScript WhiteSpace + LineTerminator: what ``\s`` and ``String.prototype.trim`` use.
JS_SPACE_CHARS: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_S: Final = "[" + JS_SPACE_CHARS + "]"
_SPLIT_RE: Final = re.compile(_S + "+")
_DIGITS_RE: Final = re.compile("[0-9]+")

# More digits than this put "last N days" past any valid Date whatever "now" is.
_MAX_DAY_DIGITS: Final = 12
# A JavaScript Date holds at most 8.64e15 ms either side of the epoch.
JS_MAX_TIME_MS: Final = 8_640_000_000_000_000

BUSINESS_UNITS: Final = (
    "Credit Cards",
    "Mortgages",
    "Personal Loans",
    "Auto Finance",
    "Savings Accounts",
    "Checking Accounts",
    "Investments",
    "Insurance",
    "Business Banking",
    "Wealth Management",
    "Mobile Banking",
    "Online Banking",
    "Customer Support",
    "Fraud Prevention",
    "Collections",
)

BU_ALIASES: Final = (
    ("credit card", "Credit Cards"),
    ("credit cards", "Credit Cards"),
    ("cc", "Credit Cards"),
    ("mortgage", "Mortgages"),
    ("mortgages", "Mortgages"),
    ("personal loan", "Personal Loans"),
    ("personal loans", "Personal Loans"),
    ("loan", "Personal Loans"),
    ("loans", "Personal Loans"),
    ("auto", "Auto Finance"),
    ("auto finance", "Auto Finance"),
    ("car loan", "Auto Finance"),
    ("savings", "Savings Accounts"),
    ("savings account", "Savings Accounts"),
    ("savings accounts", "Savings Accounts"),
    ("checking", "Checking Accounts"),
    ("checking account", "Checking Accounts"),
    ("checking accounts", "Checking Accounts"),
    ("investment", "Investments"),
    ("investments", "Investments"),
    ("insurance", "Insurance"),
    ("business banking", "Business Banking"),
    ("business", "Business Banking"),
    ("wealth", "Wealth Management"),
    ("wealth management", "Wealth Management"),
    ("mobile banking", "Mobile Banking"),
    ("mobile", "Mobile Banking"),
    ("online banking", "Online Banking"),
    ("online", "Online Banking"),
    ("support", "Customer Support"),
    ("customer support", "Customer Support"),
    ("fraud", "Fraud Prevention"),
    ("fraud prevention", "Fraud Prevention"),
    ("collection", "Collections"),
    ("collections", "Collections"),
)

CHANNELS: Final = ("phone", "email", "line", "web")

CHANNEL_ALIASES: Final = (
    ("phone", "phone"),
    ("call", "phone"),
    ("calls", "phone"),
    ("telephone", "phone"),
    ("email", "email"),
    ("emails", "email"),
    ("mail", "email"),
    ("line", "line"),
    ("web", "web"),
    ("website", "web"),
    ("online", "web"),
    ("chat", "web"),
)

CATEGORY_ALIASES: Final = (
    ("account access", "Account Access"),
    ("login", "Account Access"),
    ("password", "Account Access"),
    ("payment", "Payment Issues"),
    ("payment issues", "Payment Issues"),
    ("payments", "Payment Issues"),
    ("refund", "Payment Issues"),
    ("refunds", "Payment Issues"),
    ("charge", "Payment Issues"),
    ("charges", "Payment Issues"),
    ("technical", "Technical Support"),
    ("technical support", "Technical Support"),
    ("tech support", "Technical Support"),
    ("billing", "Billing Dispute"),
    ("billing dispute", "Billing Dispute"),
    ("dispute", "Billing Dispute"),
    ("product", "Product Inquiry"),
    ("product inquiry", "Product Inquiry"),
    ("inquiry", "Product Inquiry"),
    ("complaint", "Complaint"),
    ("complaints", "Complaint"),
    ("feedback", "Feedback"),
    ("cancellation", "Cancellation Request"),
    ("cancel", "Cancellation Request"),
    ("fraud report", "Fraud Report"),
    ("fraud", "Fraud Report"),
    ("documentation", "Documentation Request"),
    ("documents", "Documentation Request"),
    ("rate", "Rate Inquiry"),
    ("rates", "Rate Inquiry"),
    ("interest rate", "Rate Inquiry"),
    ("balance", "Balance Inquiry"),
    ("activation", "Card Activation"),
    ("card activation", "Card Activation"),
    ("activate", "Card Activation"),
    ("pin", "PIN Reset"),
    ("pin reset", "PIN Reset"),
    ("statement", "Statement Request"),
    ("statements", "Statement Request"),
)

SEVERITIES: Final = ("low", "medium", "high", "critical")

SEVERITY_INDICATORS: Final = (
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

_TIME_WORDS: Final = (
    "today",
    "yesterday",
    "last",
    "past",
    "this",
    "week",
    "month",
    "quarter",
    "days",
    "day",
    "morning",
    "afternoon",
)
_FLAG_WORDS: Final = (
    "urgent",
    "asap",
    "immediately",
    "emergency",
    "risk",
    "risky",
    "review",
    "pending",
)
STOP_WORDS: Final = (
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "in",
    "on",
    "at",
    "to",
    "for",
    "of",
    "with",
    "by",
    "from",
    "as",
    "is",
    "was",
    "are",
    "were",
    "been",
    "be",
    "have",
    "has",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "must",
    "shall",
    "can",
    "need",
    "cases",
    "case",
    "issues",
    "issue",
    "problems",
    "problem",
    "trend",
    "trends",
    "show",
    "find",
    "search",
    "get",
    "list",
    "all",
    "about",
    "bu",
    "channel",
)


def _by_length_desc(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    # A stable sort, like V8's: equal lengths keep declaration order.
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _word(pattern: str) -> re.Pattern[str]:
    return re.compile(r"\b" + pattern + r"\b", re.ASCII)


_BU_BY_LENGTH: Final = _by_length_desc(BU_ALIASES)
_CATEGORY_BY_LENGTH: Final = _by_length_desc(CATEGORY_ALIASES)
_CHANNEL_RES: Final = tuple(
    (_word(re.escape(alias)), channel) for alias, channel in CHANNEL_ALIASES
)
_SEVERITY_RES: Final = tuple((_word(word), values) for word, values in SEVERITY_INDICATORS)

_URGENT_RE: Final = _word("(urgent|asap|immediately|emergency)")
_RISK_RE: Final = _word(f"(risk|risky|at[{JS_SPACE_CHARS}-]?risk)")
_REVIEW_RE: Final = _word(
    f"(review|needs[{JS_SPACE_CHARS}-]?review|pending[{JS_SPACE_CHARS}-]?review)"
)

_LAST_N_DAYS_RE: Final = re.compile(f"(?:last|past){_S}*([0-9]+){_S}*days?")
_SPAN_RULES: Final = (
    (
        tuple(re.compile(p) for p in (f"last{_S}*week", f"past{_S}*week", f"this{_S}*week"))
        + tuple(re.compile(p) for p in (f"past{_S}*7{_S}*days", f"last{_S}*7{_S}*days")),
        7,
        "Last 7 days",
    ),
    (
        tuple(re.compile(p) for p in (f"last{_S}*month", f"past{_S}*month", f"this{_S}*month"))
        + tuple(re.compile(p) for p in (f"past{_S}*30{_S}*days", f"last{_S}*30{_S}*days")),
        30,
        "Last 30 days",
    ),
    (
        tuple(
            re.compile(p)
            for p in (
                f"last{_S}*quarter",
                f"past{_S}*quarter",
                f"past{_S}*90{_S}*days",
                f"last{_S}*90{_S}*days",
            )
        ),
        90,
        "Last 90 days",
    ),
)

# The keyword step removes these whole words, in this order (each a global replace).
_REMOVALS: Final = tuple(
    _word(pattern)
    for pattern in (
        *_TIME_WORDS,
        "[0-9]+",
        *(re.escape(alias) for alias, _ in BU_ALIASES),
        *(re.escape(alias) for alias, _ in CHANNEL_ALIASES),
        *(re.escape(alias) for alias, _ in CATEGORY_ALIASES),
        *(word for word, _ in SEVERITY_INDICATORS),
        *_FLAG_WORDS,
        *STOP_WORDS,
    )
)


def utf16_length(text: str) -> int:
    """``text.length`` in JavaScript (UTF-16 code units)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def js_lower(text: str) -> str:
    """``String.prototype.toLowerCase`` (full Unicode mapping, final sigma included)."""
    return text.lower()


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A resolved time range; ``start_ms`` is ``None`` when the start is an invalid Date."""

    label: str
    start_ms: int | None
    end_ms: int

    @property
    def is_valid(self) -> bool:
        return self.start_ms is not None

    def start_iso(self) -> str:
        if self.start_ms is None:
            raise ValueError("the time range starts at an invalid date")
        return iso_from_ms(self.start_ms)

    def end_iso(self) -> str:
        return iso_from_ms(self.end_ms)

    def to_json(self) -> dict[str, Any]:
        start = None if self.start_ms is None else iso_from_ms(self.start_ms)
        return {"label": self.label, "start": start, "end": iso_from_ms(self.end_ms)}


@dataclass(frozen=True, slots=True)
class Flags:
    urgent: bool = False
    risk: bool = False
    needs_review: bool = False

    def to_json(self) -> dict[str, bool]:
        return {"urgent": self.urgent, "risk": self.risk, "needsReview": self.needs_review}


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What a query asks for, in the original's ``ParsedQuery`` shape."""

    keywords: tuple[str, ...] = ()
    time_range: TimeRange | None = None
    business_units: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    flags: Flags = field(default_factory=Flags)
    original_query: str = ""

    @property
    def filter_count(self) -> int:
        """How many of the BU/channel/severity/category lists are non-empty."""
        return sum(
            1
            for values in (self.business_units, self.channels, self.severities, self.categories)
            if values
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "keywords": list(self.keywords),
            "timeRange": None if self.time_range is None else self.time_range.to_json(),
            "businessUnits": list(self.business_units),
            "channels": list(self.channels),
            "severities": list(self.severities),
            "categories": list(self.categories),
            "flags": self.flags.to_json(),
            "originalQuery": self.original_query,
        }


def normalize(query: str) -> str:
    """``query.toLowerCase().trim()``."""
    return js_trim(js_lower(query))


def parse_query(query: str, *, now_ms: int) -> ParsedQuery:
    """Parse ``query`` as the original did, with ``now_ms`` as "now"."""
    text = normalize(query)
    return ParsedQuery(
        keywords=extract_keywords(text),
        time_range=extract_time_range(text, now_ms=now_ms),
        business_units=extract_business_units(text),
        channels=extract_channels(text),
        severities=extract_severities(text),
        categories=extract_categories(text),
        flags=extract_flags(text),
        original_query=query,
    )


def _days_back(now_ms: int, days: int) -> int | None:
    """``setDate(getDate() - days); setHours(0, 0, 0, 0)``; ``None`` for an invalid Date."""
    if now_ms - days * DAY_MS < -JS_MAX_TIME_MS:
        return None
    try:
        return local_midnight_ms(now_ms, days)
    except (OverflowError, OSError, ValueError):
        return None


def extract_time_range(text: str, *, now_ms: int) -> TimeRange | None:
    """The first time rule that matches the normalised ``text``."""
    match = _LAST_N_DAYS_RE.search(text)
    if match:
        digits = match.group(1).lstrip("0") or "0"
        if len(digits) > _MAX_DAY_DIGITS:
            # Far beyond any valid Date: parseInt's double only matters for the label.
            label = js_number_to_string(_digits_to_double(digits))
            return TimeRange(f"Last {label} days", None, now_ms)
        days = int(digits)
        label = js_number_to_string(float(days))
        return TimeRange(f"Last {label} days", _days_back(now_ms, days), now_ms)
    if "today" in text or "this morning" in text or "this afternoon" in text:
        return TimeRange("Today", local_midnight_ms(now_ms), now_ms)
    if "yesterday" in text:
        start = local_midnight_ms(now_ms, 1)
        return TimeRange("Yesterday", start, local_end_of_day_ms(start))
    for patterns, days, label in _SPAN_RULES:
        if any(pattern.search(text) for pattern in patterns):
            return TimeRange(label, _days_back(now_ms, days), now_ms)
    return None


def _digits_to_double(digits: str) -> float:
    """``parseInt`` of a long run of decimal digits (``Infinity`` past the double range)."""
    if len(digits) > 309:
        return math.inf
    try:
        return float(digits)
    except OverflowError:
        return math.inf


def _ordered_unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def extract_business_units(text: str) -> tuple[str, ...]:
    """Aliases (longest first) then canonical names, as substrings; first-found order."""
    found = [bu for alias, bu in _BU_BY_LENGTH if alias in text]
    found += [bu for bu in BUSINESS_UNITS if bu.lower() in text]
    return _ordered_unique(found)


def extract_channels(text: str) -> tuple[str, ...]:
    """Channel aliases as whole (ASCII-bounded) words, in declaration order."""
    return _ordered_unique([channel for pattern, channel in _CHANNEL_RES if pattern.search(text)])


def extract_categories(text: str) -> tuple[str, ...]:
    """Category aliases (longest first) as substrings; first-found order."""
    return _ordered_unique([category for alias, category in _CATEGORY_BY_LENGTH if alias in text])


def extract_severities(text: str) -> tuple[str, ...]:
    """Severity indicator words, each adding its severities in order."""
    found: list[str] = []
    for pattern, values in _SEVERITY_RES:
        if pattern.search(text):
            found.extend(values)
    return _ordered_unique(found)


def extract_flags(text: str) -> Flags:
    return Flags(
        urgent=_URGENT_RE.search(text) is not None,
        risk=_RISK_RE.search(text) is not None,
        needs_review=_REVIEW_RE.search(text) is not None,
    )


def extract_keywords(text: str) -> tuple[str, ...]:
    """What is left once every vocabulary word and stop word is blanked out."""
    remaining = js_lower(text)
    for pattern in _REMOVALS:
        remaining = pattern.sub(" ", remaining)
    words = [
        word
        for word in _SPLIT_RE.split(remaining)
        if utf16_length(word) > 2 and not _DIGITS_RE.fullmatch(word)
    ]
    return _ordered_unique(words)
