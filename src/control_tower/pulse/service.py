"""The sidebar "pulse": KPIs, seven-day sparklines and the category "word cloud".

The numbers follow the original exactly, quirks included: a zero "yesterday" denominator
counts as 1, "yesterday" open/urgent counts mean "created before today and open now",
percentages use JavaScript's ``Math.round`` (halves toward +infinity), the resolution rate
is all-time and its change is the constant 2.1. "Today" and the day buckets follow the
process time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import (
    iso_from_ms,
    local_days_ago_ms,
    local_end_of_day_ms,
    local_midnight_ms,
    local_weekday,
)
from control_tower.core.js import js_number_to_string, js_round
from control_tower.pulse import repository
from control_tower.pulse.repository import DayRange, PulseCounts

VS_YESTERDAY = "vs yesterday"
RESOLUTION_RATE_CHANGE = 2.1
RESOLUTION_RATE_LABEL = "this week"
SPARKLINE_DAYS = 7
WORDCLOUD_DAYS = 7
THAI = "th"

# Short weekday names by getDay() (Sunday = 0). The Thai names are what the original's
# Node 20 / ICU produced; CLDR data shipped with Python libraries abbreviates differently.
WEEKDAYS_EN = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
WEEKDAYS_TH = ("อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัส", "ศุกร์", "เสาร์")


# -- KPIs ----------------------------------------------------------------------------------


def percent_change(current: int, previous: int) -> int:
    """``Math.round((current - previous) / previous * 100)``; ``previous`` 0 counts as 1."""
    denominator = previous or 1
    return js_round((current - denominator) / denominator * 100)


def resolution_rate(resolved: int, total: int) -> float:
    """Resolved share in percent with one decimal (``Math.round(r / t * 100 * 10) / 10``)."""
    denominator = total or 1
    return js_round(resolved / denominator * 100 * 10) / 10


def cases_today_status(change: int) -> str:
    return "red" if change > 20 else "yellow" if change > 0 else "green"


def open_cases_status(change: int) -> str:
    return "red" if change > 10 else "yellow" if change > 0 else "green"


def critical_status(value: int) -> str:
    """Judged on the count itself, not on its change."""
    return "red" if value > 50 else "yellow" if value > 20 else "green"


def resolution_status(rate: float) -> str:
    return "green" if rate >= 90 else "yellow" if rate >= 70 else "red"


def active_alerts_status(value: int) -> str:
    return "red" if value > 10 else "yellow" if value > 5 else "green"


def build_kpis(counts: PulseCounts) -> dict[str, Any]:
    """The ``kpis`` object, in the original's key order."""
    cases_change = percent_change(counts.today, counts.yesterday)
    open_change = percent_change(counts.open, counts.open_before_today)
    critical_change = percent_change(counts.urgent_open, counts.urgent_open_before_today)
    rate = resolution_rate(counts.resolved, counts.total)
    return {
        "totalCasesToday": {
            "value": counts.today,
            "change": cases_change,
            "changeLabel": VS_YESTERDAY,
            "status": cases_today_status(cases_change),
        },
        "openCases": {
            "value": counts.open,
            "change": open_change,
            "changeLabel": VS_YESTERDAY,
            "status": open_cases_status(open_change),
        },
        "criticalUrgent": {
            "value": counts.urgent_open,
            "change": critical_change,
            "changeLabel": VS_YESTERDAY,
            "status": critical_status(counts.urgent_open),
        },
        "resolutionRate": {
            "value": f"{js_number_to_string(rate)}%",
            "change": RESOLUTION_RATE_CHANGE,
            "changeLabel": RESOLUTION_RATE_LABEL,
            "status": resolution_status(rate),
        },
        "activeAlerts": {
            "value": counts.active_alerts,
            "status": active_alerts_status(counts.active_alerts),
        },
    }


async def get_pulse(session: AsyncSession, *, now_ms: int, scope: str | None) -> dict[str, Any]:
    """Compute the sidebar KPIs as of ``now_ms`` (cases and alerts of ``scope`` only)."""
    counts = await repository.pulse_counts(
        session,
        today_start=iso_from_ms(local_midnight_ms(now_ms)),
        yesterday_start=iso_from_ms(local_midnight_ms(now_ms, 1)),
        scope=scope,
    )
    return {"kpis": build_kpis(counts)}


# -- sparklines ----------------------------------------------------------------------------


def pick_locale(query_locale: str | None, header_locale: str | None) -> str:
    """``locale`` query parameter, else the ``x-locale`` header, else ``en`` (empty = absent)."""
    return query_locale or header_locale or "en"


@dataclass(frozen=True, slots=True)
class DayBucket:
    label: str
    start_ms: int
    end_ms: int

    @property
    def range(self) -> DayRange:
        return DayRange(iso_from_ms(self.start_ms), iso_from_ms(self.end_ms))


def day_label(days_ago: int, start_ms: int, locale: str) -> str:
    """``Today``, ``Yesterday`` (never translated), else the short local weekday name."""
    if days_ago == 0:
        return "Today"
    if days_ago == 1:
        return "Yesterday"
    names = WEEKDAYS_TH if locale == THAI else WEEKDAYS_EN
    return names[local_weekday(start_ms)]


def day_buckets(now_ms: int, locale: str, *, days: int = SPARKLINE_DAYS) -> list[DayBucket]:
    """The last ``days`` local calendar days, oldest first, each midnight to 23:59:59.999."""
    buckets = []
    for days_ago in range(days - 1, -1, -1):
        start = local_midnight_ms(now_ms, days_ago)
        buckets.append(
            DayBucket(day_label(days_ago, start, locale), start, local_end_of_day_ms(start))
        )
    return buckets


def _series(labels: list[str], values: list[int]) -> dict[str, Any]:
    return {
        "data": [
            {"label": label, "value": value} for label, value in zip(labels, values, strict=True)
        ],
        "currentValue": values[-1],
    }


async def get_sparklines(
    session: AsyncSession, *, now_ms: int, locale: str, scope: str | None
) -> dict[str, Any]:
    """Seven daily points per KPI series, oldest first, labelled in ``locale``."""
    buckets = day_buckets(now_ms, locale)
    counts = await repository.day_counts(session, [b.range for b in buckets], scope=scope)
    labels = [bucket.label for bucket in buckets]
    return {
        "sparklines": {
            "totalCases": _series(labels, [c.total for c in counts]),
            "openCases": _series(labels, [c.open for c in counts]),
            "criticalCases": _series(labels, [c.urgent for c in counts]),
            "resolvedCases": _series(labels, [c.resolved for c in counts]),
        }
    }


# -- word cloud ----------------------------------------------------------------------------


async def get_wordcloud(session: AsyncSession, *, now_ms: int, scope: str | None) -> dict[str, Any]:
    """Case counts per category over the last seven days, most frequent first.

    Not words: each entry is a category (``text`` and ``category`` are the same string).
    """
    since = iso_from_ms(local_days_ago_ms(now_ms, WORDCLOUD_DAYS))
    rows = await repository.category_counts(session, since=since, scope=scope)
    words = [{"text": category, "count": count, "category": category} for category, count in rows]
    return {"words": words, "generatedAt": iso_from_ms(now_ms)}
