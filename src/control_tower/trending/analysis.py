"""Trend scores, trending topics and predicted risks over light case rows.

The trend score of a term compares how many cases mention it now with how many did in the
previous period of the same length::

    percentChange = baseline == 0 ? (current > 0 ? 100 : 0) : (current - baseline) / baseline * 100
    trendScore    = percentChange <= 0 ? 0
                  : min(percentChange * ln(current + 1) * (percentChange > 100 ? 1.5 : 1), 1000)

Counts are document frequencies (a case counts a term once). Many growing terms reach the
1000 cap, so their ranking is the order in which the terms were first seen, walking the cases
in the order the database returned them (ascending ``created_at``, then insertion order):
callers must pass cases in that order. A term that is new in this period (baseline 0) scores
below one that grew from 1, as it did in the original.

Predicted risks look at the top ten rising terms' per-day counts: three or more days rising in
a row, a window count approaching an alert threshold, or day-on-day growth accelerating.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple

from control_tower.core.clock import (
    DAY_MS,
    iso_from_ms,
    local_end_of_day_ms,
    local_midnight_ms,
)
from control_tower.core.js import js_number_to_string, js_round, js_to_fixed0
from control_tower.trending.jsmath import js_log, slice_end
from control_tower.trending.terms import SPACE_RUN, case_terms, normalize_term

MIN_OCCURRENCES = 5
MAX_SCORE = 1000
VELOCITY_BONUS = 1.5
STABLE_THRESHOLD = 10

SAMPLE_CASES = 3
TOPIC_SAMPLE_CASES = 10
PREDICTION_TOPICS = 10
LOOKBACK_DAYS = 14

CONSECUTIVE_WINDOWS = 3
APPROACHING_PERCENT = 80
DEFAULT_ALERT_THRESHOLD = 100
GROWTH_MULTIPLIER = 1.5
MIN_CASES_FOR_PREDICTION = 5
MIN_ACCELERATING_RATE = 0.2

WINDOW_24H = "24h"


class CaseData(NamedTuple):
    """The light case row trending works on (``CaseData`` on the wire)."""

    id: str
    summary: str
    business_unit: str
    category: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "summary": self.summary,
            "businessUnit": self.business_unit,
            "category": self.category,
            "createdAt": self.created_at,
        }


# -- trend math ---------------------------------------------------------------------------


def percent_change(current: int, baseline: int) -> float:
    """Growth from ``baseline`` to ``current`` in percent (100 for a brand-new term)."""
    if baseline == 0:
        return 100.0 if current > 0 else 0.0
    return (current - baseline) / baseline * 100


def trend_score(current: int, baseline: int) -> float:
    """``percentChange * ln(current + 1)``, x1.5 above +100%, capped at 1000; 0 if not growing."""
    change = percent_change(current, baseline)
    if change <= 0:
        return 0.0
    score = change * js_log(current + 1)
    if change > 100:
        score *= VELOCITY_BONUS
    return min(score, MAX_SCORE)


def trend_direction(change: float) -> str:
    """``rising`` above +10%, ``declining`` below -10%, otherwise ``stable``."""
    if change > STABLE_THRESHOLD:
        return "rising"
    if change < -STABLE_THRESHOLD:
        return "declining"
    return "stable"


@dataclass(frozen=True, slots=True)
class Trend:
    term: str
    current_count: int
    baseline_count: int
    percent_change: float
    trend_score: float
    direction: str

    @classmethod
    def of(cls, term: str, current: int, baseline: int) -> Trend:
        change = percent_change(current, baseline)
        return cls(
            term, current, baseline, change, trend_score(current, baseline), trend_direction(change)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "currentCount": self.current_count,
            "baselineCount": self.baseline_count,
            "percentChange": self.percent_change,
            "trendScore": self.trend_score,
            "direction": self.direction,
        }


# -- cases indexed by term ----------------------------------------------------------------


class TermIndex:
    """One period's cases indexed by term.

    Cases sharing a summary share its terms, so terms are extracted once per distinct
    summary and counted per summary group. Iterating the groups in first-appearance order
    visits every term first at the first case that contains it, which keeps the frequency
    map in the original's first-seen order.
    """

    def __init__(self, cases: Sequence[CaseData]) -> None:
        self.cases = cases
        groups: dict[str, list[int]] = {}
        for position, case in enumerate(cases):
            group = groups.get(case.summary)
            if group is None:
                groups[case.summary] = [position]
            else:
                group.append(position)
        self._groups = groups
        frequencies: dict[str, int] = {}
        postings: dict[str, list[str]] = {}
        for summary, positions in groups.items():
            for term in case_terms(summary):
                if term in frequencies:
                    frequencies[term] += len(positions)
                    postings[term].append(summary)
                else:
                    frequencies[term] = len(positions)
                    postings[term] = [summary]
        self.frequencies = frequencies
        self._postings = postings
        self._units: dict[str, list[tuple[int, str]]] = {}

    def __len__(self) -> int:
        return len(self.cases)

    def count(self, term: str) -> int:
        """How many cases contain ``term`` (already normalised)."""
        return self.frequencies.get(term, 0)

    def positions(self, term: str) -> Iterator[int]:
        """Positions of the cases containing ``term``, in case order."""
        lists = [self._groups[summary] for summary in self._postings.get(term, ())]
        if len(lists) == 1:
            return iter(lists[0])
        return heapq.merge(*lists)

    def matching(self, term: str, limit: int | None = None) -> list[CaseData]:
        """The cases containing ``term`` (the first ``limit`` of them), in case order."""
        positions = self.positions(term)
        if limit is not None:
            positions = islice(positions, limit)
        return [self.cases[position] for position in positions]

    def business_units(self, term: str) -> list[str]:
        """Distinct business units of the cases containing ``term``, first seen first."""
        first_seen: dict[str, int] = {}
        for summary in self._postings.get(term, ()):
            for position, unit in self._units_of(summary):
                known = first_seen.get(unit)
                if known is None or position < known:
                    first_seen[unit] = position
        return sorted(first_seen, key=first_seen.__getitem__)

    def _units_of(self, summary: str) -> list[tuple[int, str]]:
        units = self._units.get(summary)
        if units is None:
            seen: dict[str, int] = {}
            for position in self._groups[summary]:
                seen.setdefault(self.cases[position].business_unit, position)
            units = [(position, unit) for unit, position in seen.items()]
            self._units[summary] = units
        return units


def cases_with_term(cases: Iterable[CaseData], term: str) -> list[CaseData]:
    """Cases whose extracted terms contain ``normalize_term(term)`` exactly."""
    wanted = normalize_term(term)
    return [case for case in cases if wanted in case_terms(case.summary)]


def distinct_business_units(cases: Iterable[CaseData]) -> list[str]:
    return list(dict.fromkeys(case.business_unit for case in cases))


# -- trends and topics ----------------------------------------------------------------------


def compute_trends(current: TermIndex, baseline: TermIndex) -> list[Trend]:
    """Every term seen at least five times now, highest trend score first (stable)."""
    trends = [
        Trend.of(term, count, baseline.count(term))
        for term, count in current.frequencies.items()
        if count >= MIN_OCCURRENCES
    ]
    trends.sort(key=lambda trend: -trend.trend_score)
    return trends


def top_trending(current: TermIndex, baseline: TermIndex, limit: int | float | None) -> list[Trend]:
    """Rising trends only, then ``slice(0, limit)`` (NaN gives none, negative drops the tail)."""
    rising = [trend for trend in compute_trends(current, baseline) if trend.direction == "rising"]
    return rising[: slice_end(len(rising), limit)]


@dataclass(frozen=True, slots=True)
class TrendingTopic:
    trend: Trend
    impacted_units: list[str]
    sample_cases: list[CaseData]

    def to_json(self) -> dict[str, Any]:
        body = self.trend.to_json()
        body["impactedBUs"] = self.impacted_units
        body["sampleCases"] = [case.to_json() for case in self.sample_cases]
        return body


def trending_topics(
    current: Sequence[CaseData], baseline: Sequence[CaseData], limit: int | float | None
) -> list[TrendingTopic]:
    """The top rising terms with the business units and first cases that mention them."""
    current_index = TermIndex(current)
    return [
        TrendingTopic(
            trend,
            current_index.business_units(trend.term),
            current_index.matching(trend.term, SAMPLE_CASES),
        )
        for trend in top_trending(current_index, TermIndex(baseline), limit)
    ]


# -- windows ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WindowRanges:
    """Current and baseline periods; both bounds inclusive, as ISO strings."""

    current_start: str
    current_end: str
    baseline_start: str
    baseline_end: str

    @classmethod
    def of(cls, window: object, now_ms: int) -> WindowRanges:
        """``24h`` compares the last day with the day before; anything else the last 7 days."""
        span = DAY_MS if window == WINDOW_24H else 7 * DAY_MS
        return cls(
            iso_from_ms(now_ms - span),
            iso_from_ms(now_ms),
            iso_from_ms(now_ms - 2 * span),
            iso_from_ms(now_ms - span),
        )

    @property
    def earliest(self) -> str:
        return self.baseline_start

    def current_json(self) -> dict[str, Any]:
        return {"start": self.current_start, "end": self.current_end}

    def baseline_json(self) -> dict[str, Any]:
        return {"start": self.baseline_start, "end": self.baseline_end}


def in_range(cases: Iterable[CaseData], start: str, end: str) -> list[CaseData]:
    """Cases with ``start <= createdAt <= end`` (string comparison), order kept."""
    return [case for case in cases if start <= case.created_at <= end]


def trending_for_window(
    cases: Sequence[CaseData], window: object, limit: int | float | None, now_ms: int
) -> list[TrendingTopic]:
    """Trending topics of ``window`` computed from an already loaded set of cases."""
    ranges = WindowRanges.of(window, now_ms)
    return trending_topics(
        in_range(cases, ranges.current_start, ranges.current_end),
        in_range(cases, ranges.baseline_start, ranges.baseline_end),
        limit,
    )


# -- per-day counts -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalDays:
    """The last ``count`` local calendar days (today partial), oldest first."""

    starts: list[str]
    ends: list[str]

    @classmethod
    def ending_at(cls, now_ms: int, count: int) -> LocalDays:
        starts: list[str] = []
        ends: list[str] = []
        for back in range(count - 1, -1, -1):
            start = local_midnight_ms(now_ms, back)
            starts.append(iso_from_ms(start))
            ends.append(iso_from_ms(local_end_of_day_ms(start)))
        return cls(starts, ends)

    def counts(self, created: Iterable[str]) -> list[int]:
        """How many of the ``created`` timestamps fall in each day (bounds inclusive)."""
        starts, ends = self.starts, self.ends
        totals = [0] * len(starts)
        for stamp in created:
            day = bisect_right(starts, stamp) - 1
            if day >= 0 and stamp <= ends[day]:
                totals[day] += 1
        return totals


def daily_counts(index: TermIndex, term: str, days: LocalDays) -> list[int]:
    """Cases containing ``term`` per local day."""
    cases = index.cases
    return days.counts(cases[position].created_at for position in index.positions(term))


# -- predicted risks ----------------------------------------------------------------------


def consecutive_rise(daily: Sequence[int]) -> tuple[bool, int]:
    """Whether the last days rose strictly at least twice in a row; and the days that spans."""
    if len(daily) < CONSECUTIVE_WINDOWS:
        return False, 0
    rises = 0
    for i in range(len(daily) - 1, 0, -1):
        if daily[i] > daily[i - 1]:
            rises += 1
        else:
            break
    return rises >= CONSECUTIVE_WINDOWS - 1, rises + 1


def js_divide(numerator: float, denominator: float) -> float:
    """``a / b`` with IEEE semantics (division by zero gives an infinity or NaN)."""
    if denominator == 0:
        if numerator == 0 or math.isnan(numerator):
            return math.nan
        return math.copysign(math.inf, numerator) * math.copysign(1.0, denominator)
    return numerator / denominator


def percent_of_threshold(count: int, threshold: int | float | None) -> float:
    if threshold is None:
        return math.nan
    return js_divide(count, threshold) * 100


@dataclass(frozen=True, slots=True)
class Acceleration:
    accelerating: bool
    growth_rate: float
    projected_count: int


def acceleration(daily: Sequence[int]) -> Acceleration:
    """Day-on-day growth of the last two days compared with the two days before."""
    if len(daily) < 4:
        return Acceleration(False, 0.0, 0)
    recent = (daily[-1] - daily[-2]) / daily[-2] if daily[-2] > 0 else 0.0
    earlier = (daily[-3] - daily[-4]) / daily[-4] if daily[-4] > 0 else 0.0
    accelerating = recent > earlier * GROWTH_MULTIPLIER and recent > MIN_ACCELERATING_RATE
    return Acceleration(accelerating, recent * 100, js_round(daily[-1] * (1 + recent)))


def days_to_threshold(count: int, growth_rate: float, threshold: int | float) -> int | None:
    """Days until ``count`` growing ``growth_rate`` % a day passes ``threshold``; None if never."""
    if growth_rate <= 0 or count >= threshold:
        return None
    rate = growth_rate / 100
    if rate <= 0:
        return None
    return math.ceil(js_log(threshold / count) / js_log(1 + rate))


def _consecutive_severity(days: int) -> str:
    if days >= 5:
        return "high"
    if days >= 4:
        return "medium"
    return "low"


def _threshold_severity(percent: float) -> str:
    if percent >= 95:
        return "high"
    if percent >= 90:
        return "medium"
    return "low"


def _growth_severity(growth_rate: float) -> str:
    if growth_rate >= 50:
        return "high"
    if growth_rate >= 30:
        return "medium"
    return "low"


_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def prediction_id(term: str, kind: str, now_ms: int) -> str:
    """``pred-<type>-<slug>-<ms>``; the slug is the term with dashes, cut to 20 characters."""
    slug = SPACE_RUN.sub("-", term.lower())[:20]
    return f"pred-{kind}-{slug}-{now_ms}"


def _prediction(
    topic: TrendingTopic,
    kind: str,
    severity: str,
    title: str,
    explanation: str,
    specific: dict[str, Any],
    now_ms: int,
) -> dict[str, Any]:
    term = topic.trend.term
    body: dict[str, Any] = {
        "id": prediction_id(term, kind, now_ms),
        "term": term,
        "type": kind,
        "severity": severity,
        "title": f"{term} - {title}",
        "explanation": explanation,
        "currentCount": topic.trend.current_count,
    }
    body.update(specific)
    body["impactedBUs"] = topic.impacted_units
    body["sampleCases"] = [case.to_json() for case in topic.sample_cases]
    body["createdAt"] = iso_from_ms(now_ms)
    return body


def predictions_for_topic(
    topic: TrendingTopic,
    daily: Sequence[int],
    threshold: int | float | None,
    now_ms: int,
) -> list[dict[str, Any]]:
    """Up to three predictions for one rising term, in rule order."""
    found: list[dict[str, Any]] = []
    term = topic.trend.term
    count = topic.trend.current_count
    if count < MIN_CASES_FOR_PREDICTION:
        return found
    rising, days = consecutive_rise(daily)
    if rising:
        found.append(
            _prediction(
                topic,
                "consecutive_increase",
                _consecutive_severity(days),
                "Sustained Increase",
                f'"{term}" has increased for {days} consecutive days, suggesting a sustained '
                "trend that may require attention.",
                {"consecutiveDays": days},
                now_ms,
            )
        )
    growth = acceleration(daily)
    percent = percent_of_threshold(count, threshold)
    if threshold is not None and APPROACHING_PERCENT <= percent < 100:
        days_left = days_to_threshold(count, growth.growth_rate, threshold)
        outlook = (
            f"At current rate, will trigger spike alert in ~{days_left} days."
            if days_left
            else "Monitor closely for potential spike."
        )
        specific: dict[str, Any] = {"threshold": threshold}
        if days_left is not None:
            specific["daysToThreshold"] = days_left
        found.append(
            _prediction(
                topic,
                "approaching_threshold",
                _threshold_severity(percent),
                "Approaching Alert Threshold",
                f'"{term}" is at {count} cases, approaching the alert threshold of '
                f"{js_number_to_string(threshold)} ({js_to_fixed0(percent)}% of threshold). "
                f"{outlook}",
                specific,
                now_ms,
            )
        )
    if growth.accelerating:
        found.append(
            _prediction(
                topic,
                "accelerating_growth",
                _growth_severity(growth.growth_rate),
                "Accelerating Growth",
                f'"{term}" shows accelerating growth at {js_to_fixed0(growth.growth_rate)}% daily '
                f"rate. Projected to reach {growth.projected_count} cases tomorrow if trend "
                "continues.",
                {"projectedCount": growth.projected_count, "growthRate": growth.growth_rate},
                now_ms,
            )
        )
    return found


def predicted_risks(
    cases: Sequence[CaseData],
    window: object,
    *,
    threshold: int | float | None,
    limit: int | float | None,
    now_ms: int,
) -> list[dict[str, Any]]:
    """Predictions for the window's top ten rising terms, most severe and largest first."""
    topics = trending_for_window(cases, window, PREDICTION_TOPICS, now_ms)
    days = LocalDays.ending_at(now_ms, 4 if window == WINDOW_24H else LOOKBACK_DAYS)
    everything = TermIndex(cases) if topics else None
    found: list[dict[str, Any]] = []
    for topic in topics:
        assert everything is not None
        daily = daily_counts(everything, topic.trend.term, days)
        found.extend(predictions_for_topic(topic, daily, threshold, now_ms))
    found.sort(key=lambda item: (_SEVERITY_RANK[item["severity"]], -item["currentCount"]))
    return found[: slice_end(len(found), limit)]


def lookback_start_ms(window: object, now_ms: int) -> int:
    """Earliest instant ``predicted_risks`` looks at for ``window``."""
    if window == WINDOW_24H:
        return min(now_ms - 2 * DAY_MS, local_midnight_ms(now_ms, 3))
    return now_ms - LOOKBACK_DAYS * DAY_MS


# -- one topic in detail ------------------------------------------------------------------


def _is_array_index(key: str) -> bool:
    canonical = key.isascii() and key.isdigit() and (key == "0" or key[0] != "0")
    return canonical and int(key) < 2**32 - 1


def js_object_keys(keys: Iterable[str]) -> list[str]:
    """Keys in JavaScript object order: array indices ascending first, then insertion order."""
    ordered = list(keys)
    indices = sorted((key for key in ordered if _is_array_index(key)), key=int)
    if not indices:
        return ordered
    return indices + [key for key in ordered if not _is_array_index(key)]


def breakdown(values: Iterable[str], key: str) -> list[dict[str, Any]]:
    """``[{key: value, count}]`` by count descending, ties in object key order."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    ordered = sorted(js_object_keys(counts), key=lambda value: -counts[value])
    return [{key: value, "count": counts[value]} for value in ordered]


def topic_detail(
    topic: str,
    normalized: str,
    cases: Sequence[CaseData],
    window: str,
    now_ms: int,
) -> dict[str, Any] | None:
    """The detail view of one topic over the last 14 days of cases; None when never seen."""
    ranges = WindowRanges.of(window, now_ms)
    recent = in_range(cases, iso_from_ms(now_ms - LOOKBACK_DAYS * DAY_MS), iso_from_ms(now_ms))
    matching_recent = cases_with_term(recent, normalized)
    current = in_range(matching_recent, ranges.current_start, ranges.current_end)
    baseline = in_range(matching_recent, ranges.baseline_start, ranges.baseline_end)
    if not current and not baseline:
        return None
    trend = Trend.of(normalized, len(current), len(baseline))
    days = LocalDays.ending_at(now_ms, LOOKBACK_DAYS)
    counts = days.counts(case.created_at for case in matching_recent)
    return {
        "topic": topic,
        "normalizedTopic": normalized,
        "metrics": {
            "currentCount": trend.current_count,
            "baselineCount": trend.baseline_count,
            "percentChange": trend.percent_change,
            "trendScore": trend.trend_score,
            "direction": trend.direction,
        },
        "impactedBUs": distinct_business_units(current),
        "dailyTrend": [
            {"date": start.split("T")[0], "count": count}
            for start, count in zip(days.starts, counts, strict=True)
        ],
        "categoryBreakdown": breakdown((case.category for case in current), "category"),
        "buBreakdown": breakdown((case.business_unit for case in current), "businessUnit"),
        "sampleCases": [case.to_json() for case in current[:TOPIC_SAMPLE_CASES]],
        "metadata": {
            "window": window,
            "currentPeriod": ranges.current_json(),
            "baselinePeriod": ranges.baseline_json(),
        },
    }
