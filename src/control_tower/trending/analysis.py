"""Trend scores, trending topics and predicted risks over light case rows.

The trend score of a term compares how many cases mention it now with how many did in the
previous period of the same length::

    percentChange = baseline == 0 ? (current > 0 ? 100 : 0) : (current - baseline) / baseline * 100
    trendScore    = percentChange <= 0 ? 0
                  : min(percentChange * ln(current + 1) * (percentChange > 100 ? 1.5 : 1), 1000)

Counts are document frequencies (a case counts a term once). Many growing terms reach the
1000 cap, so their ranking is the order in which the terms were first seen, walking the cases
in the order the database returned them (ascending ``created_at``, then insertion order):
cases must be given in that order. A term that is new in this period (baseline 0) scores
below one that grew from 1, as it did in the original.

Predicted risks look at the top ten rising terms' per-day counts: three or more days rising in
a row, a window count approaching an alert threshold, or day-on-day growth accelerating.

The algorithms ask a ``Period`` (one window's cases) for term counts, matching cases and
per-day counts. ``CaseList`` answers from a plain list; ``trending.recent`` answers the same
questions from an in-memory index without touching every case.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, NamedTuple, Protocol

from control_tower.core.clock import (
    DAY_MS,
    iso_from_ms,
    local_end_of_day_ms,
    local_midnight_ms,
)
from control_tower.core.js import js_number_to_string, js_round, js_to_fixed0
from control_tower.trending.jsmath import js_log, slice_end
from control_tower.trending.terms import SPACE_RUN, case_terms

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


# -- days ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalDays:
    """The last ``count`` local calendar days (today partial), oldest first; bounds inclusive."""

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
        """How many of the ``created`` timestamps fall in each day."""
        starts, ends = self.starts, self.ends
        totals = [0] * len(starts)
        for stamp in created:
            day = bisect_right(starts, stamp) - 1
            if day >= 0 and stamp <= ends[day]:
                totals[day] += 1
        return totals


# -- periods: one window's cases, indexed by term -----------------------------------------


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Matching cases counted per business unit and per category, first seen first."""

    units: dict[str, int]
    categories: dict[str, int]


class Period(Protocol):
    """One period's cases (in the database's row order), as trending asks about them.

    Terms are normalised terms as ``case_terms`` extracts them; the cases "containing" a
    term are those whose summary yields it.
    """

    @property
    def size(self) -> int:
        """How many cases the period holds."""
        ...

    @property
    def frequencies(self) -> Mapping[str, int]:
        """Document frequency of every term, in first-seen order."""
        ...

    def count(self, term: str) -> int:
        """How many cases contain ``term``."""
        ...

    def matching(self, term: str, limit: int) -> list[CaseData]:
        """The first ``limit`` cases containing ``term``."""
        ...

    def business_units(self, term: str) -> list[str]:
        """Distinct business units of the cases containing ``term``, first seen first."""
        ...

    def breakdown(self, term: str) -> Breakdown:
        """Cases containing ``term`` counted per business unit and per category."""
        ...

    def daily_counts(self, term: str, days: LocalDays) -> list[int]:
        """Cases containing ``term`` per local day."""
        ...


def _summary_of(case: CaseData) -> str:
    return case.summary


class CaseList:
    """A period given as a list of cases.

    Cases sharing a summary share its terms, so terms are extracted once per distinct
    summary and counted per summary group. Iterating the groups in first-appearance order
    visits every term first at the first case that contains it, which keeps the frequency
    map in the original's first-seen order.
    """

    def __init__(self, cases: Sequence[CaseData]) -> None:
        self.cases = cases
        groups: dict[str, list[int]] = {}
        for position, summary in enumerate(map(_summary_of, cases)):
            group = groups.get(summary)
            if group is None:
                groups[summary] = [position]
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
        self._frequencies = frequencies
        self._postings = postings

    @property
    def size(self) -> int:
        return len(self.cases)

    @property
    def frequencies(self) -> Mapping[str, int]:
        return self._frequencies

    def count(self, term: str) -> int:
        return self._frequencies.get(term, 0)

    def _positions(self, term: str) -> Iterator[int]:
        lists = [self._groups[summary] for summary in self._postings.get(term, ())]
        if len(lists) == 1:
            return iter(lists[0])
        return heapq.merge(*lists)

    def matching(self, term: str, limit: int) -> list[CaseData]:
        return [self.cases[position] for position in islice(self._positions(term), limit)]

    def business_units(self, term: str) -> list[str]:
        first_seen: dict[str, int] = {}
        for summary in self._postings.get(term, ()):
            for position in self._groups[summary]:
                unit = self.cases[position].business_unit
                known = first_seen.get(unit)
                if known is None or position < known:
                    first_seen[unit] = position
        return sorted(first_seen, key=first_seen.__getitem__)

    def breakdown(self, term: str) -> Breakdown:
        units: dict[str, int] = {}
        categories: dict[str, int] = {}
        for position in self._positions(term):
            case = self.cases[position]
            units[case.business_unit] = units.get(case.business_unit, 0) + 1
            categories[case.category] = categories.get(case.category, 0) + 1
        return Breakdown(units, categories)

    def daily_counts(self, term: str, days: LocalDays) -> list[int]:
        cases = self.cases
        positions = chain.from_iterable(
            self._groups[summary] for summary in self._postings.get(term, ())
        )
        return days.counts(cases[position].created_at for position in positions)


# -- windows and sources --------------------------------------------------------------------


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

    def current_json(self) -> dict[str, Any]:
        return {"start": self.current_start, "end": self.current_end}

    def baseline_json(self) -> dict[str, Any]:
        return {"start": self.baseline_start, "end": self.baseline_end}


def in_range(cases: Iterable[CaseData], start: str, end: str) -> list[CaseData]:
    """Cases with ``start <= createdAt <= end`` (string comparison), order kept."""
    return [case for case in cases if start <= case.created_at <= end]


class Source(Protocol):
    """The loaded cases of a time range, cut into periods on request."""

    @property
    def size(self) -> int:
        """How many cases were loaded."""
        ...

    def period(self, start: str, end: str) -> Period:
        """The loaded cases with ``start <= createdAt <= end``."""
        ...


class CaseListSource:
    """A ``Source`` over a plain list of cases (filtered like the original's in-memory pass)."""

    def __init__(self, cases: Sequence[CaseData]) -> None:
        self.cases = cases

    @property
    def size(self) -> int:
        return len(self.cases)

    def period(self, start: str, end: str) -> Period:
        return CaseList(in_range(self.cases, start, end))


# -- trends and topics ----------------------------------------------------------------------


def compute_trends(current: Period, baseline: Period) -> list[Trend]:
    """Every term seen at least five times now, highest trend score first (stable)."""
    trends = [
        Trend.of(term, count, baseline.count(term))
        for term, count in current.frequencies.items()
        if count >= MIN_OCCURRENCES
    ]
    trends.sort(key=lambda trend: -trend.trend_score)
    return trends


def top_trending(current: Period, baseline: Period, limit: int | float | None) -> list[Trend]:
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
    current: Period, baseline: Period, limit: int | float | None
) -> list[TrendingTopic]:
    """The top rising terms with the business units and first cases that mention them."""
    return [
        TrendingTopic(
            trend,
            current.business_units(trend.term),
            current.matching(trend.term, SAMPLE_CASES),
        )
        for trend in top_trending(current, baseline, limit)
    ]


def window_topics(
    source: Source, window: object, limit: int | float | None, now_ms: int
) -> list[TrendingTopic]:
    """Trending topics of ``window`` from loaded cases covering both its periods."""
    ranges = WindowRanges.of(window, now_ms)
    return trending_topics(
        source.period(ranges.current_start, ranges.current_end),
        source.period(ranges.baseline_start, ranges.baseline_end),
        limit,
    )


def trending_for_window(
    cases: Sequence[CaseData], window: object, limit: int | float | None, now_ms: int
) -> list[TrendingTopic]:
    """``computeTrendingForWindow``: trending topics of ``window`` from a list of cases."""
    return window_topics(CaseListSource(cases), window, limit, now_ms)


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
    source: Source,
    window: object,
    *,
    threshold: int | float | None,
    limit: int | float | None,
    now_ms: int,
) -> list[dict[str, Any]]:
    """Predictions for the window's top ten rising terms, most severe and largest first.

    ``source`` must cover the window's two periods and the days the rules look back over.
    """
    topics = window_topics(source, window, PREDICTION_TOPICS, now_ms)
    days = LocalDays.ending_at(now_ms, 4 if window == WINDOW_24H else LOOKBACK_DAYS)
    found: list[dict[str, Any]] = []
    if topics:
        everything = source.period(days.starts[0], iso_from_ms(now_ms))
        for topic in topics:
            daily = everything.daily_counts(topic.trend.term, days)
            found.extend(predictions_for_topic(topic, daily, threshold, now_ms))
    found.sort(key=lambda item: (_SEVERITY_RANK[item["severity"]], -item["currentCount"]))
    return found[: slice_end(len(found), limit)]


def predicted_risks_for_window(
    cases: Sequence[CaseData],
    window: object,
    *,
    threshold: int | float | None,
    limit: int | float | None,
    now_ms: int,
) -> list[dict[str, Any]]:
    """``computePredictedRisksForWindow`` over a list of cases."""
    return predicted_risks(
        CaseListSource(cases), window, threshold=threshold, limit=limit, now_ms=now_ms
    )


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


def breakdown(counts: Mapping[str, int], key: str) -> list[dict[str, Any]]:
    """``[{key: value, count}]`` by count descending, ties in JavaScript object key order."""
    ordered = sorted(js_object_keys(counts), key=lambda value: -counts[value])
    return [{key: value, "count": counts[value]} for value in ordered]


def topic_detail(
    topic: str, normalized: str, source: Source, window: str, now_ms: int
) -> dict[str, Any] | None:
    """One topic over the window with 14 days of daily counts; None when never seen.

    ``source`` must cover the last 14 days (which include the window's two periods).
    """
    ranges = WindowRanges.of(window, now_ms)
    current = source.period(ranges.current_start, ranges.current_end)
    baseline = source.period(ranges.baseline_start, ranges.baseline_end)
    current_count, baseline_count = current.count(normalized), baseline.count(normalized)
    if current_count == 0 and baseline_count == 0:
        return None
    trend = Trend.of(normalized, current_count, baseline_count)
    days = LocalDays.ending_at(now_ms, LOOKBACK_DAYS)
    recent = source.period(iso_from_ms(now_ms - LOOKBACK_DAYS * DAY_MS), iso_from_ms(now_ms))
    split = current.breakdown(normalized)
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
        "impactedBUs": list(split.units),
        "dailyTrend": [
            {"date": start.split("T")[0], "count": count}
            for start, count in zip(days.starts, recent.daily_counts(normalized, days), strict=True)
        ],
        "categoryBreakdown": breakdown(split.categories, "category"),
        "buBreakdown": breakdown(split.units, "businessUnit"),
        "sampleCases": [
            case.to_json() for case in current.matching(normalized, TOPIC_SAMPLE_CASES)
        ],
        "metadata": {
            "window": window,
            "currentPeriod": ranges.current_json(),
            "baselinePeriod": ranges.baseline_json(),
        },
    }
