"""Relevance scoring, highlighting, suggested filters and result ordering of ``/api/search``.

The score of a case (``calculateDetailedRelevanceScore`` in the original) has two parts:

* **filters**: of the non-empty BU/channel/severity/category lists, the share that contains
  the case's value, worth 40 points;
* **keywords**: per keyword, 0.6 for a hit in the summary, 0.25 in the category and 0.15 in
  the subcategory (lowercase substring tests, capped at 1); the mean is worth 60 points.

Without keywords the score is 50 when there are no filters, otherwise the filter part scaled
to 100. The final value is ``Math.round(Math.min(score, 100))``. Floating-point operations
run in the original's order so that halves round identically.

A keyword hit pattern is a *mask*: bit ``3*k`` for a summary hit of keyword ``k``, ``3*k+1``
for the category and ``3*k+2`` for the subcategory. The score and the keyword part of
``matchedFields`` depend on the case only through it, which lets the search compute them
once per distinct mask.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from control_tower.core.js import js_round
from control_tower.search.parser import ParsedQuery, js_lower

SUMMARY_WEIGHT: Final = 0.6
CATEGORY_WEIGHT: Final = 0.25
SUBCATEGORY_WEIGHT: Final = 0.15
_KEYWORD_FIELDS: Final = ("summary", "category", "subcategory")
SEVERITY_RANK: Final = {"critical": 4, "high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True, slots=True)
class Scored:
    score: int
    matched_fields: tuple[str, ...]


def filter_matches(
    parsed: ParsedQuery, *, business_unit: str, channel: str, severity: str, category: str
) -> tuple[str, ...]:
    """The filter fields whose list contains the case's value, in the original's order."""
    matched = []
    if parsed.business_units and business_unit in parsed.business_units:
        matched.append("businessUnit")
    if parsed.channels and channel in parsed.channels:
        matched.append("channel")
    if parsed.severities and severity in parsed.severities:
        matched.append("severity")
    if parsed.categories and category in parsed.categories:
        matched.append("category")
    return tuple(matched)


def keyword_mask(
    keywords: Sequence[str], summary: str, category: str, subcategory: str | None
) -> int:
    """The keyword hit mask of one case (texts as stored; lowercased here)."""
    summary_lower = js_lower(summary)
    category_lower = js_lower(category)
    subcategory_lower = js_lower(subcategory or "")
    mask = 0
    for index, keyword in enumerate(keywords):
        if keyword in summary_lower:
            mask |= 1 << (3 * index)
        if keyword in category_lower:
            mask |= 2 << (3 * index)
        if keyword in subcategory_lower:
            mask |= 4 << (3 * index)
    return mask


def score_case(
    *, filter_count: int, filter_hits: tuple[str, ...], keyword_count: int, mask: int
) -> Scored:
    """Score and matched fields from the filter hits and the keyword mask."""
    return _score(filter_count, filter_hits, keyword_count, mask)


@lru_cache(maxsize=4096)
def _score(
    filter_count: int, filter_hits: tuple[str, ...], keyword_count: int, mask: int
) -> Scored:
    filter_score = len(filter_hits)
    score = 0.0
    if filter_count > 0:
        score += filter_score / filter_count * 40
    matched = list(filter_hits)
    if keyword_count > 0:
        keyword_fields: list[str] = []
        total = 0.0
        for index in range(keyword_count):
            bits = mask >> (3 * index)
            keyword_score = 0.0
            if bits & 1:
                keyword_score += SUMMARY_WEIGHT
            if bits & 2:
                keyword_score += CATEGORY_WEIGHT
            if bits & 4:
                keyword_score += SUBCATEGORY_WEIGHT
            for bit, name in enumerate(_KEYWORD_FIELDS):
                if bits & (1 << bit) and name not in keyword_fields:
                    keyword_fields.append(name)
            total += min(keyword_score, 1)
        score += total / keyword_count * 60
        matched.extend(keyword_fields)
    elif filter_count == 0:
        score = 50
    else:
        score = score / 40 * 100 if filter_score > 0 else 0
    return Scored(js_round(min(score, 100)), tuple(dict.fromkeys(matched)))


def highlight(text: str, keywords: Iterable[str]) -> str:
    """Wrap every case-insensitive occurrence of each keyword in ``**``, keyword by keyword.

    Matching follows a JavaScript ``/…/gi`` regex of the escaped keyword: characters compare
    after ``Canonicalize`` (simple uppercase, unless that changes the length or maps a
    non-ASCII character to ASCII); characters outside the BMP compare exactly.
    """
    for keyword in keywords:
        needle = _canonical(keyword)
        if not needle:
            continue
        haystack = _canonical(text)
        pieces = []
        position = 0
        while (found := haystack.find(needle, position)) >= 0:
            end = found + len(needle)
            pieces.append(text[position:found])
            pieces.append(f"**{text[found:end]}**")
            position = end
        if pieces:
            pieces.append(text[position:])
            text = "".join(pieces)
    return text


def _canonical(text: str) -> str:
    return "".join(_canonical_char(char) for char in text)


@lru_cache(maxsize=65536)
def _canonical_char(char: str) -> str:
    if ord(char) > 0xFFFF:
        return char
    upper = char.upper()
    if len(upper) != 1:
        return char
    if ord(char) >= 128 and ord(upper) < 128:
        return char
    return upper


def suggested_filters(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """Filters the UI may offer, stably sorted by confidence (highest first)."""
    filters: list[dict[str, Any]] = []
    for bu in parsed.business_units:
        filters.append(_suggestion("businessUnit", bu, f"BU: {bu}", 0.9))
    for channel in parsed.channels:
        filters.append(_suggestion("channel", channel, f"Channel: {channel}", 0.9))
    for severity in parsed.severities:
        filters.append(_suggestion("severity", severity, f"Severity: {severity}", 0.85))
    for category in parsed.categories:
        filters.append(_suggestion("category", category, f"Category: {category}", 0.85))
    if parsed.time_range is not None:
        span = parsed.time_range.to_json()
        value = json.dumps({"start": span["start"], "end": span["end"]}, separators=(",", ":"))
        filters.append(_suggestion("timeRange", value, f"Date: {span['label']}", 0.95))
    if parsed.flags.urgent:
        filters.append(_suggestion("flag", "urgent", "Urgent only", 0.9))
    if parsed.flags.risk:
        filters.append(_suggestion("flag", "risk", "At-risk cases", 0.9))
    if parsed.flags.needs_review:
        filters.append(_suggestion("flag", "needsReview", "Needs review", 0.9))
    return sorted(filters, key=lambda item: -item["confidence"])


def _suggestion(kind: str, value: str, label: str, confidence: float) -> dict[str, Any]:
    return {"type": kind, "value": value, "label": label, "confidence": confidence}


def severity_rank(severity: str) -> int:
    """``{critical: 4, high: 3, medium: 2, low: 1}[severity] || 0``."""
    return SEVERITY_RANK.get(severity, 0)
