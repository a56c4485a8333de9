"""The assistant's reply texts, character for character as the original wrote them.

The quirks are kept on purpose: "top 1 trending topics", the double space before "need
attention." when only critical items exist, and help text suggesting phrases the classifier
does not understand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from control_tower.chat.entities import Entities
from control_tower.core.clock import iso_from_ms
from control_tower.core.js import js_number_to_string, js_round

NO_TRENDS = (
    "I don't see any significant trending topics right now. "
    "The case volume appears stable across all categories."
)
NO_URGENT = (
    "Good news! There are no urgent cases or alerts requiring immediate attention right now."
)
NO_FILTERS = (
    "I couldn't identify any specific filters to apply. Try saying something like:\n"
    '• "Filter to BU Credit Cards"\n'
    '• "Show only phone channel"\n'
    '• "Filter to last 7 days"'
)
_HELP = (
    "Here are some things I can do:\n\n"
    '• **Ask about trends**: "What\'s trending?" or "Show top topics"\n'
    '• **Find cases**: "Find cases about refunds" or "Search for payment issues"\n'
    '• **Show urgent items**: "Show urgent cases" or "What needs attention?"\n'
    '• **Get a summary**: "What\'s happening today?" or "Give me an update"\n'
    '• **Apply filters**: "Filter to BU Credit Cards" or "Show last 7 days"'
)


def js_text(value: Any) -> str:
    """``${value}`` in a JS template literal, for the values a database row can hold."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number_to_string(value)
    return str(value)


def rounded_text(value: float | int | None) -> str:
    """``Math.round(value || 0)`` as text."""
    number = float(value or 0)
    if math.isnan(number):
        number = 0.0
    if math.isinf(number):
        return js_number_to_string(number)
    return js_number_to_string(float(js_round(number)))


def plural(count: int) -> str:
    return "" if count == 1 else "s"


@dataclass(frozen=True, slots=True)
class TrendLine:
    """One trending topic as the reply describes it."""

    topic: Any
    case_count: Any
    percent_change: float | int | None


def trends(lines: list[TrendLine]) -> str:
    if not lines:
        return NO_TRENDS
    top = lines[0]
    return (
        f"Here are the top {len(lines)} trending topics. **{js_text(top.topic)}** is leading "
        f"with {js_text(top.case_count)} cases (+{rounded_text(top.percent_change)}%)."
    )


def found_cases(count: int, topics: list[str], message: str) -> str:
    if count == 0:
        return (
            f'I couldn\'t find any cases matching "{message}". '
            "Try adjusting your search terms or filters."
        )
    terms = ", ".join(topics) if topics else "your criteria"
    return f"Found **{count} case{plural(count)}** matching {terms}. Here are the most recent:"


def urgent(critical: int, high: int) -> str:
    if critical == 0 and high == 0:
        return NO_URGENT
    text = "🚨 "
    if critical > 0:
        text += f"**{critical} critical** item{plural(critical)} "
    if high > 0:
        text += (
            f"and **{high} high priority**"
            if critical > 0
            else f"**{high} high priority** item{plural(high)}"
        )
    return text + " need attention."


@dataclass(frozen=True, slots=True)
class Summary:
    business_units: list[str]
    today: int
    change_percent: int
    active_alerts: int
    urgent_cases: int
    top_trend: TrendLine | None


def summary(data: Summary) -> str:
    scope = f" for {', '.join(data.business_units)}" if data.business_units else ""
    if data.change_percent > 0:
        change = f"(+{data.change_percent}% from yesterday)"
    elif data.change_percent < 0:
        change = f"({data.change_percent}% from yesterday)"
    else:
        change = "(same as yesterday)"
    text = (
        f"📊 **Today's Summary{scope}**\n\n"
        f"• **{data.today}** cases today {change}\n"
        f"• **{data.active_alerts}** active alert{plural(data.active_alerts)}\n"
        f"• **{data.urgent_cases}** urgent case{plural(data.urgent_cases)} requiring attention"
    )
    if data.top_trend is not None:
        text += (
            f"\n• Top trending: **{js_text(data.top_trend.topic)}** "
            f"(+{rounded_text(data.top_trend.percent_change)}%)"
        )
    return text


def filter_state(entities: Entities) -> dict[str, Any]:
    """The ``filterState`` object handed to the UI (``timeRange`` only when named)."""
    state: dict[str, Any] = {
        "businessUnits": entities.business_units,
        "channels": entities.channels,
        "severities": entities.severities,
        "categories": entities.categories,
    }
    window = entities.time_range
    if window is not None and window.start_ms is not None:
        state["timeRange"] = {
            "label": window.label,
            "start": iso_from_ms(window.start_ms),
            "end": iso_from_ms(window.end_ms),
        }
    state["flags"] = {
        "urgent": entities.flags.urgent,
        "risk": entities.flags.risk,
        "needsReview": entities.flags.needs_review,
    }
    return state


def filter_parts(entities: Entities) -> list[str]:
    parts = []
    if entities.business_units:
        parts.append(f"**BU**: {', '.join(entities.business_units)}")
    if entities.channels:
        parts.append(f"**Channel**: {', '.join(entities.channels)}")
    if entities.severities:
        parts.append(f"**Severity**: {', '.join(entities.severities)}")
    if entities.categories:
        parts.append(f"**Category**: {', '.join(entities.categories)}")
    if entities.time_range is not None:
        parts.append(f"**Time**: {entities.time_range.label}")
    if entities.flags.urgent:
        parts.append("**Urgent only**")
    if entities.flags.risk:
        parts.append("**At-risk cases**")
    if entities.flags.needs_review:
        parts.append("**Needs review**")
    return parts


def filters_applied(parts: list[str]) -> str:
    if not parts:
        return NO_FILTERS
    lines = "\n".join(f"• {part}" for part in parts)
    return f"✅ Applied filters:\n{lines}\n\nThe view will update to show matching results."


def general(message: str) -> str:
    return f'I\'m not sure how to help with "{message}". {_HELP}'
