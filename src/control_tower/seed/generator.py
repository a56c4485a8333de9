"""Deterministic seed data generator (contract analytics.md §7, core.md §9.2).

``generate(anchor)`` reproduces the original application's seed database row for row:
the same seeded LCG, the same draw order, the same text constants (``data.py``). All
timestamps are ``anchor - d * 24h`` for integer ``d``, so every seeded row shares the
anchor's time of day.

``generate_extra_cases`` streams additional random cases (benchmarks, ``control-tower seed
--cases N``) drawn with the same per-case procedure from a differently seeded LCG.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final, NamedTuple, TypeVar

from control_tower.seed import data

__all__ = [
    "CASE_COLUMNS",
    "TABLE_COLUMNS",
    "Lcg",
    "generate",
    "generate_extra_cases",
]

T = TypeVar("T")

Row = dict[str, object]

SEED: Final = 42
_MULTIPLIER: Final = 1103515245.0
_INCREMENT: Final = 12345.0
_MASK: Final = 0x7FFFFFFF
_DIVISOR: Final = 0x7FFFFFFF

# Aliases so the Lcg methods named ``int``/``bool`` do not shadow the builtin types in
# annotations inside the class body.
_Int = int
_Bool = bool


def _lcg_step(state: int) -> int:
    """One LCG step with JavaScript number semantics.

    The original computes ``(s * 1103515245 + 12345) & 0x7fffffff`` on float64 values:
    the product loses precision above 2**53 and ``&`` applies ToInt32 (truncate, modulo
    2**32). The operands are non-negative, so the low 31 bits of the truncated float give
    the same result as ``(int(x) % 2**32) & 0x7fffffff``.
    """
    return int(float(state) * _MULTIPLIER + _INCREMENT) & _MASK


class Lcg:
    """The seeded linear congruential generator of the original seed script."""

    __slots__ = ("state",)

    def __init__(self, seed: _Int = SEED) -> None:
        self.state: _Int = seed

    def next(self) -> float:
        """Advance and return a float in ``[0, 1]``."""
        self.state = state = _lcg_step(self.state)
        return state / _DIVISOR

    def pick(self, items: Sequence[T]) -> T:
        """``items[floor(next * len)]``."""
        return items[_Int(self.next() * len(items))]

    def int(self, low: _Int, high: _Int) -> _Int:
        """Integer in ``[low, high]``: ``floor(next * (high - low + 1)) + low``."""
        return _Int(self.next() * (high - low + 1)) + low

    def bool(self, probability: float = 0.5) -> _Bool:
        """``next < probability``."""
        return self.next() < probability

    def weighted_pick(self, weighted: Sequence[tuple[T, _Int]]) -> T:
        """Walk the entries in order subtracting weights; first entry where ``r <= 0``."""
        remaining = self.next() * sum(weight for _, weight in weighted)
        for item, weight in weighted:
            remaining -= weight
            if remaining <= 0:
                return item
        return weighted[-1][0]

    def customer_name(self) -> str:
        """Thai first + last name with probability 0.7, otherwise an English name."""
        if self.bool(0.7):
            return f"{self.pick(data.THAI_FIRST_NAMES)} {self.pick(data.THAI_LAST_NAMES)}"
        return f"{self.pick(data.ENGLISH_FIRST_NAMES)} {self.pick(data.ENGLISH_LAST_NAMES)}"

    def lot(self) -> str:
        """A production lot ``YYYY-MM-DD`` (three draws)."""
        year = self.int(2024, 2025)
        month = self.int(1, 12)
        day = self.int(1, 28)
        return f"{year}-{month:02d}-{day:02d}"

    def summary_from_template(self, template: str) -> str:
        """Fill ``{{lot}}``/``{{quantity}}``; always consumes the four draws."""
        lot = self.lot()
        quantity = self.int(2, 20)
        return template.replace("{{lot}}", lot).replace("{{quantity}}", str(quantity))


# --------------------------------------------------------------------------------------
# Table layouts (SQL column names in schema order)
# --------------------------------------------------------------------------------------

USER_COLUMNS: Final = (
    "id", "name", "email", "role", "business_unit", "avatar_url", "created_at",
)  # fmt: skip
CASE_COLUMNS: Final = (
    "id", "case_number", "channel", "status", "category", "subcategory", "sentiment",
    "severity", "risk_flag", "needs_review_flag", "business_unit", "summary",
    "customer_name", "agent_id", "assigned_to", "created_at", "updated_at", "resolved_at",
    "upload_id",
)  # fmt: skip
ALERT_COLUMNS: Final = (
    "id", "type", "severity", "title", "description", "business_unit", "category",
    "channel", "baseline_value", "current_value", "percentage_change", "status",
    "acknowledged_by", "acknowledged_at", "created_at", "updated_at",
)  # fmt: skip
TRENDING_TOPIC_COLUMNS: Final = (
    "id", "topic", "description", "case_count", "baseline_count", "trend",
    "percentage_change", "trend_score", "business_unit", "category", "sample_case_ids",
    "created_at", "updated_at",
)  # fmt: skip
FEED_ITEM_COLUMNS: Final = (
    "id", "type", "title", "content", "metadata", "priority", "reference_id",
    "reference_type", "created_at", "expires_at",
)  # fmt: skip
SHARE_COLUMNS: Final = (
    "id", "type", "source_type", "source_id", "sender_id", "recipient_id", "channel",
    "message", "status", "created_at", "read_at", "actioned_at",
)  # fmt: skip
UPLOAD_COLUMNS: Final = (
    "id", "file_name", "file_size", "status", "total_rows", "success_count", "error_count",
    "errors", "uploaded_by", "created_at", "completed_at", "recompute_status",
    "recompute_started_at", "recompute_completed_at", "alerts_generated",
    "trending_updated",
)  # fmt: skip
SEARCH_ANALYTICS_COLUMNS: Final = (
    "id", "query", "normalized_query", "result_count", "execution_time_ms", "user_id",
    "created_at",
)  # fmt: skip

TABLE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "users": USER_COLUMNS,
    "cases": CASE_COLUMNS,
    "alerts": ALERT_COLUMNS,
    "trending_topics": TRENDING_TOPIC_COLUMNS,
    "feed_items": FEED_ITEM_COLUMNS,
    "shares": SHARE_COLUMNS,
    "uploads": UPLOAD_COLUMNS,
    "search_analytics": SEARCH_ANALYTICS_COLUMNS,
}

RANDOM_CASE_COUNT: Final = 2000
RANDOM_CASE_MAX_DAYS_AGO: Final = 30
RESOLVED_MAX_DAYS_AGO: Final = 15


# --------------------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------------------


def _format_instant(instant: datetime) -> str:
    """``Date.prototype.toISOString`` for an aware datetime (millisecond precision)."""
    utc = instant.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


class _Clock:
    """Formats ``anchor - days * 24h`` with a per-day cache."""

    __slots__ = ("_anchor", "_cache")

    def __init__(self, anchor: datetime) -> None:
        if anchor.tzinfo is None:
            raise ValueError("anchor must be timezone-aware")
        utc = anchor.astimezone(UTC)
        self._anchor = utc.replace(microsecond=utc.microsecond // 1000 * 1000)
        self._cache: dict[int, str] = {}

    def days_ago(self, days: int) -> str:
        text = self._cache.get(days)
        if text is None:
            text = _format_instant(self._anchor - timedelta(days=days))
            self._cache[days] = text
        return text

    @property
    def now(self) -> str:
        return self.days_ago(0)


def _json(value: object) -> str:
    """``JSON.stringify`` layout (no whitespace, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _js_round(value: float) -> int:
    """``Math.round``: halves round up."""
    return math.floor(value + 0.5)


def _percent_change(current: int, baseline: int) -> float:
    if baseline == 0:
        return 100.0 if current > 0 else 0.0
    return (current - baseline) / baseline * 100


def _trend_score(current: int, baseline: int) -> float:
    """Trend score of analytics.md §2.2."""
    pct = _percent_change(current, baseline)
    if pct <= 0:
        return 0.0
    score = pct * math.log(current + 1)
    if pct > 100:
        score *= 1.5
    return min(score, 1000.0)


# --------------------------------------------------------------------------------------
# Random cases (§7.2)
# --------------------------------------------------------------------------------------


class _CaseDraw(NamedTuple):
    """Everything one random case draws, independent of its id/number."""

    channel: str
    status: str
    category: str
    subcategory: str
    sentiment: str
    severity: str
    risk_flag: int
    needs_review_flag: int
    business_unit: str
    summary: str
    customer_name: str
    agent_id: str
    assigned_to: str | None
    created_days_ago: int
    resolved_days_ago: int | None


_AGENT_IDS: Final = tuple(f"agent-{n}" for n in range(51))
_SUPERVISOR_IDS: Final = tuple(f"user-supervisor-{n}" for n in range(data.SUPERVISOR_COUNT + 1))
_GENERIC_SUMMARY_PREFIX: Final = {
    category: f"Customer reported {category.lower()} issue with " for category in data.CATEGORIES
}
_RESOLVED_STATUSES: Final = frozenset({"resolved", "closed"})
_HIGH_SEVERITIES: Final = frozenset({"high", "critical"})


def _draw_random_case(rng: Lcg) -> _CaseDraw:
    """Draw one random case in the original's order (§7.2 steps 1-17)."""
    business_unit = rng.weighted_pick(data.BU_WEIGHTS)
    category = rng.pick(data.BU_CATEGORIES[business_unit])
    subcategory = rng.pick(data.SUBCATEGORIES[category])
    created_days_ago = rng.int(0, RANDOM_CASE_MAX_DAYS_AGO)
    status = rng.pick(data.CASE_STATUSES)
    severity = rng.pick(data.SEVERITIES)
    sentiment = rng.pick(
        data.SENTIMENTS_NEGATIVE_CATEGORY
        if category in data.NEGATIVE_CATEGORIES
        else data.SENTIMENTS_OTHER_CATEGORY
    )
    risk_flag = sentiment == "negative" and severity in _HIGH_SEVERITIES and rng.bool(0.3)
    needs_review_flag = rng.bool(0.1)

    templates = data.CASE_SUMMARIES[business_unit][category]
    if templates:
        summary = rng.summary_from_template(rng.pick(templates))
    else:
        summary = _GENERIC_SUMMARY_PREFIX[category] + rng.pick(data.PRODUCTS[business_unit])
    locations = data.BU_LOCATIONS.get(business_unit)
    if locations is not None:
        location = rng.pick(locations)
        if rng.bool(0.4):
            summary = f"{summary} - {location}"

    channel = rng.pick(data.CHANNELS)
    customer_name = rng.customer_name()
    agent_id = _AGENT_IDS[rng.int(1, 50)]
    assigned_to = _SUPERVISOR_IDS[rng.int(1, data.SUPERVISOR_COUNT)] if rng.bool(0.7) else None
    resolved_days_ago = rng.int(0, RESOLVED_MAX_DAYS_AGO) if status in _RESOLVED_STATUSES else None
    return _CaseDraw(
        channel=channel,
        status=status,
        category=category,
        subcategory=subcategory,
        sentiment=sentiment,
        severity=severity,
        risk_flag=1 if risk_flag else 0,
        needs_review_flag=1 if needs_review_flag else 0,
        business_unit=business_unit,
        summary=summary,
        customer_name=customer_name,
        agent_id=agent_id,
        assigned_to=assigned_to,
        created_days_ago=created_days_ago,
        resolved_days_ago=resolved_days_ago,
    )


def _case_number(n: int) -> str:
    return f"CC-{n:06d}"


def _case_row(case_id: str, case_number: str, draw: _CaseDraw, clock: _Clock) -> Row:
    created_at = clock.days_ago(draw.created_days_ago)
    resolved = draw.resolved_days_ago
    return {
        "id": case_id,
        "case_number": case_number,
        "channel": draw.channel,
        "status": draw.status,
        "category": draw.category,
        "subcategory": draw.subcategory,
        "sentiment": draw.sentiment,
        "severity": draw.severity,
        "risk_flag": draw.risk_flag,
        "needs_review_flag": draw.needs_review_flag,
        "business_unit": draw.business_unit,
        "summary": draw.summary,
        "customer_name": draw.customer_name,
        "agent_id": draw.agent_id,
        "assigned_to": draw.assigned_to,
        "created_at": created_at,
        "updated_at": created_at,
        "resolved_at": None if resolved is None else clock.days_ago(resolved),
        "upload_id": None,
    }


# --------------------------------------------------------------------------------------
# Seed tables
# --------------------------------------------------------------------------------------


def _users(rng: Lcg, clock: _Clock) -> list[Row]:
    admin_id, admin_name, admin_email = data.ADMIN_USER
    rows: list[Row] = [
        {
            "id": admin_id,
            "name": admin_name,
            "email": admin_email,
            "role": "admin",
            "business_unit": None,
            "avatar_url": None,
            "created_at": clock.days_ago(365),
        }
    ]
    for n, (name, business_unit) in enumerate(
        zip(data.MANAGER_NAMES, data.BUSINESS_UNITS[: len(data.MANAGER_NAMES)], strict=True),
        start=1,
    ):
        rows.append(
            {
                "id": f"user-manager-{n}",
                "name": name,
                "email": f"manager{n}@thaibev.com",
                "role": "bu_manager",
                "business_unit": business_unit,
                "avatar_url": None,
                "created_at": clock.days_ago(180),
            }
        )
    for n in range(1, data.SUPERVISOR_COUNT + 1):
        name = rng.customer_name()
        business_unit = rng.pick(data.BUSINESS_UNITS)
        rows.append(
            {
                "id": f"user-supervisor-{n}",
                "name": name,
                "email": f"supervisor{n}@thaibev.com",
                "role": "supervisor",
                "business_unit": business_unit,
                "avatar_url": None,
                "created_at": clock.days_ago(90),
            }
        )
    return rows


class _ScenarioWriter:
    """Creates the guaranteed scenario cases (§7.3), numbering them like the original."""

    def __init__(self, rng: Lcg, clock: _Clock, first_id: int) -> None:
        self._rng = rng
        self._clock = clock
        self._next_id = first_id
        self.rows: list[Row] = []

    def add(self, days_ago: int, summary: str, business_unit: str, category: str) -> None:
        rng = self._rng
        channel = rng.pick(data.CHANNELS)
        status = rng.pick(data.CASE_STATUSES)
        subcategory = rng.pick(data.SUBCATEGORIES[category])
        sentiment = rng.pick(data.SCENARIO_SENTIMENTS)
        severity = rng.pick(data.SCENARIO_SEVERITIES)
        risk_flag = rng.bool(0.2)
        needs_review_flag = rng.bool(0.1)
        summary = rng.summary_from_template(summary)
        customer_name = rng.customer_name()
        agent_id = _AGENT_IDS[rng.int(1, 50)]
        assigned_to = _SUPERVISOR_IDS[rng.int(1, data.SUPERVISOR_COUNT)] if rng.bool(0.7) else None
        draw = _CaseDraw(
            channel=channel,
            status=status,
            category=category,
            subcategory=subcategory,
            sentiment=sentiment,
            severity=severity,
            risk_flag=1 if risk_flag else 0,
            needs_review_flag=1 if needs_review_flag else 0,
            business_unit=business_unit,
            summary=summary,
            customer_name=customer_name,
            agent_id=agent_id,
            assigned_to=assigned_to,
            created_days_ago=days_ago,
            resolved_days_ago=None,
        )
        n = self._next_id
        self._next_id += 1
        # Original quirk: the case number is one higher than the id.
        self.rows.append(_case_row(f"case-{n}", _case_number(n + 1), draw, self._clock))


def _scenario_cases(rng: Lcg, clock: _Clock, first_id: int) -> list[Row]:
    writer = _ScenarioWriter(rng, clock, first_id)

    # KFC app outage: fixed daily counts.
    for days_ago, count in ((3, 3), (2, 5), (1, 10), (0, 18)):
        for _ in range(count):
            summary = rng.pick(data.KFC_APP_OUTAGE_SUMMARIES)
            writer.add(days_ago, summary, "KFC Delivery", "App & Technical")

    # Oishi quality: low random baseline, then mostly the problem lot.
    oishi = ("Oishi Beverages", "Product Quality")
    for days_ago in range(14, 6, -1):
        for _ in range(rng.int(1, 2)):
            # Baseline days: the template is picked *before* its random lot is drawn.
            template = rng.pick(data.OISHI_QUALITY_SUMMARIES)
            writer.add(days_ago, template.replace("{{lot}}", rng.lot()), *oishi)
    for days_ago in range(6, -1, -1):
        for _ in range(rng.int(3, 5)):
            # Surge days: the lot is decided first, then the template is picked.
            lot = data.OISHI_PROBLEM_LOT if rng.bool(0.8) else rng.lot()
            template = rng.pick(data.OISHI_QUALITY_SUMMARIES)
            writer.add(days_ago, template.replace("{{lot}}", lot), *oishi)

    # Chang promotion error: random baseline, then a fixed surge.
    def chang_day(days_ago: int, count: int) -> None:
        for _ in range(count):
            summary = rng.pick(data.CHANG_PROMO_SUMMARIES)
            writer.add(days_ago, summary, "Beer & Spirits", "Promotions & Pricing")

    for days_ago in range(7, 2, -1):
        chang_day(days_ago, rng.int(2, 4))
    for days_ago, count in ((2, 15), (1, 15), (0, 25)):
        chang_day(days_ago, count)

    return writer.rows


def _alert_row(
    alert_id: str,
    alert_type: str,
    severity: str,
    template: data.TextTemplate,
    *,
    title: str | None = None,
    description: str | None = None,
    channel: str | None = None,
    baseline_value: float | None = None,
    current_value: float | None = None,
    percentage_change: float | None = None,
    status: str = "active",
    acknowledged_by: str | None = None,
    acknowledged_at: str | None = None,
    created_at: str,
    updated_at: str,
) -> Row:
    return {
        "id": alert_id,
        "type": alert_type,
        "severity": severity,
        "title": template.title if title is None else title,
        "description": template.description if description is None else description,
        "business_unit": template.business_unit,
        "category": template.category,
        "channel": channel,
        "baseline_value": baseline_value,
        "current_value": current_value,
        "percentage_change": percentage_change,
        "status": status,
        "acknowledged_by": acknowledged_by,
        "acknowledged_at": acknowledged_at,
        "created_at": created_at,
        "updated_at": updated_at,
    }


def _alerts(rng: Lcg, clock: _Clock) -> list[Row]:
    now = clock.now
    rows: list[Row] = []

    for i, template in enumerate(data.SPIKE_ALERT_TEMPLATES):
        pct = rng.int(65, 150)
        channel = rng.pick(data.CHANNELS)
        baseline = rng.int(20, 50)
        current = rng.int(60, 120)
        status = "active" if i == 0 else rng.pick(data.ALERT_STATUS_CHOICES)
        acknowledged_by = "user-manager-1" if i > 0 and rng.bool(0.5) else None
        acknowledged_at = now if i > 0 and rng.bool(0.5) else None
        created_at = clock.days_ago(rng.int(0, 2))
        rows.append(
            _alert_row(
                f"alert-spike-{i + 1}",
                "spike",
                "critical" if pct > 100 else "high",
                template,
                description=template.description.replace("{{percent}}", str(pct)),
                channel=channel,
                baseline_value=float(baseline),
                current_value=float(current),
                percentage_change=float(pct),
                status=status,
                acknowledged_by=acknowledged_by,
                acknowledged_at=acknowledged_at,
                created_at=created_at,
                updated_at=now,
            )
        )

    for i, template in enumerate(data.THRESHOLD_ALERT_TEMPLATES):
        baseline = rng.int(30, 50)
        current = rng.int(55, 75)
        pct = rng.int(20, 40)
        created_at = clock.days_ago(rng.int(1, 3))
        rows.append(
            _alert_row(
                f"alert-threshold-{i + 1}",
                "threshold",
                "high",
                template,
                baseline_value=float(baseline),
                current_value=float(current),
                percentage_change=float(pct),
                created_at=created_at,
                updated_at=clock.days_ago(1),
            )
        )

    for i, template in enumerate(data.URGENCY_ALERT_TEMPLATES):
        channel = rng.pick(data.CHANNELS)
        rows.append(
            _alert_row(
                f"alert-urgency-{i + 1}",
                "urgency",
                "critical",
                template,
                channel=channel,
                created_at=now,
                updated_at=now,
            )
        )

    for i, template in enumerate(data.MISCLASSIFICATION_ALERT_TEMPLATES):
        count = rng.int(5, 12)
        status = rng.pick(data.ALERT_STATUS_CHOICES)
        acknowledged_by = "user-manager-2" if rng.bool(0.3) else None
        acknowledged_at = now if rng.bool(0.3) else None
        created_at = clock.days_ago(rng.int(0, 2))
        rows.append(
            _alert_row(
                f"alert-misclass-{i + 1}",
                "misclassification",
                "high",
                template,
                title=template.title.replace("{{count}}", str(count)),
                current_value=float(count),
                status=status,
                acknowledged_by=acknowledged_by,
                acknowledged_at=acknowledged_at,
                created_at=created_at,
                updated_at=now,
            )
        )
    return rows


def _trending_topics(rng: Lcg, clock: _Clock) -> list[Row]:
    rows: list[Row] = []
    for i, template in enumerate(data.TRENDING_TOPIC_TEMPLATES, start=1):
        case_count = rng.int(30, 150)
        pct = rng.int(15, 85)
        baseline = _js_round(case_count / (1 + pct / 100))
        trend = "rising" if pct > 30 else ("stable" if pct > 10 else "declining")
        samples = [
            f"case-{rng.int(1, 100)}",
            f"case-{rng.int(101, 200)}",
            f"case-{rng.int(201, 300)}",
        ]
        created_at = clock.days_ago(rng.int(1, 5))
        rows.append(
            {
                "id": f"trend-{i}",
                "topic": template.title,
                "description": template.description,
                "case_count": case_count,
                "baseline_count": baseline,
                "trend": trend,
                "percentage_change": float(pct),
                "trend_score": _trend_score(case_count, baseline),
                "business_unit": template.business_unit,
                "category": template.category,
                "sample_case_ids": _json(samples),
                "created_at": created_at,
                "updated_at": clock.now,
            }
        )
    return rows


_ALERT_PRIORITY: Final = {"critical": 100, "high": 75}


def _feed_items(rng: Lcg, clock: _Clock, alerts: list[Row], topics: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for i, alert in enumerate(alerts, start=1):
        severity = str(alert["severity"])
        rows.append(
            {
                "id": f"feed-alert-{i}",
                "type": "alert",
                "title": alert["title"],
                "content": alert["description"],
                "metadata": _json({"severity": severity, "type": alert["type"]}),
                "priority": _ALERT_PRIORITY.get(severity, 50),
                "reference_id": alert["id"],
                "reference_type": "alert",
                "created_at": alert["created_at"],
                "expires_at": None,
            }
        )
    rising = [topic for topic in topics if topic["trend"] == "rising"]
    for i, topic in enumerate(rising, start=1):
        pct = topic["percentage_change"]
        assert isinstance(pct, float)
        rows.append(
            {
                "id": f"feed-trend-{i}",
                "type": "trending",
                "title": f"Trending: {topic['topic']}",
                "content": topic["description"] or "",
                # JS prints integral numbers without a fraction.
                "metadata": _json(
                    {
                        "caseCount": topic["case_count"],
                        "percentageChange": int(pct) if pct.is_integer() else pct,
                    }
                ),
                "priority": 60,
                "reference_id": topic["id"],
                "reference_type": "trending_topic",
                "created_at": topic["created_at"],
                "expires_at": None,
            }
        )
    total_cases = rng.int(200, 350)
    rows.append(
        {
            "id": "feed-highlight-1",
            "type": "highlight",
            "title": data.HIGHLIGHT_TITLE,
            "content": data.HIGHLIGHT_CONTENT,
            "metadata": _json({"topBUs": list(data.HIGHLIGHT_TOP_BUS), "totalCases": total_cases}),
            "priority": 80,
            "reference_id": None,
            "reference_type": None,
            "created_at": clock.now,
            "expires_at": clock.days_ago(-1),
        }
    )
    rows.append(
        {
            "id": "feed-upload-1",
            "type": "upload",
            "title": data.UPLOAD_FEED_TITLE,
            "content": data.UPLOAD_FEED_CONTENT,
            "metadata": _json(
                {
                    "recordCount": data.UPLOAD_FEED_RECORD_COUNT,
                    "source": data.UPLOAD_FEED_SOURCE,
                    "processingTime": data.UPLOAD_FEED_PROCESSING_TIME,
                    "channels": list(data.UPLOAD_FEED_CHANNELS),
                }
            ),
            "priority": 40,
            "reference_id": None,
            "reference_type": None,
            "created_at": clock.now,
            "expires_at": None,
        }
    )
    return rows


def _shares(clock: _Clock) -> list[Row]:
    escalation, fyi, callback = data.SHARE_MESSAGES
    return [
        {
            "id": "share-1",
            "type": "escalation",
            "source_type": "alert",
            "source_id": "alert-urgency-1",
            "sender_id": "user-supervisor-1",
            "recipient_id": "user-manager-1",
            "channel": "internal",
            "message": escalation,
            "status": "pending",
            "created_at": clock.now,
            "read_at": None,
            "actioned_at": None,
        },
        {
            "id": "share-2",
            "type": "share",
            "source_type": "alert",
            "source_id": "alert-spike-1",
            "sender_id": "user-manager-1",
            "recipient_id": "user-admin-1",
            "channel": "email",
            "message": fyi,
            "status": "read",
            "created_at": clock.days_ago(1),
            "read_at": clock.now,
            "actioned_at": None,
        },
        {
            "id": "share-3",
            "type": "escalation",
            "source_type": "case",
            "source_id": "case-1",
            "sender_id": "user-supervisor-3",
            "recipient_id": "user-manager-2",
            "channel": "line",
            "message": callback,
            "status": "actioned",
            "created_at": clock.days_ago(2),
            "read_at": clock.days_ago(1),
            "actioned_at": clock.now,
        },
    ]


def generate(anchor: datetime) -> dict[str, list[dict[str, object]]]:
    """All seed rows, per table, in insertion order, keyed by SQL column name.

    ``anchor`` is the seed's "now" (timezone-aware). Values are as stored in SQLite:
    0/1 integers for flags, floats for REAL columns, ISO strings for timestamps.
    """
    clock = _Clock(anchor)
    rng = Lcg(SEED)

    users = _users(rng, clock)
    cases = [
        _case_row(f"case-{n}", _case_number(n), _draw_random_case(rng), clock)
        for n in range(1, RANDOM_CASE_COUNT + 1)
    ]
    cases.extend(_scenario_cases(rng, clock, RANDOM_CASE_COUNT + 1))
    alerts = _alerts(rng, clock)
    topics = _trending_topics(rng, clock)
    feed_items = _feed_items(rng, clock, alerts, topics)

    return {
        "users": users,
        "cases": cases,
        "alerts": alerts,
        "trending_topics": topics,
        "feed_items": feed_items,
        "shares": _shares(clock),
        "uploads": [],
        "search_analytics": [],
    }


# The degenerate float LCG falls into a 10,466-step cycle after a few thousand steps from
# any seed, so a case is fully determined by the state it starts from and the set of
# starting states is small. Memoising per starting state keeps bulk generation fast; the
# cap bounds memory whatever the seed does.
_EXTRA_CACHE_LIMIT: Final = 1 << 16


def generate_extra_cases(
    count: int, anchor: datetime, *, start_number: int
) -> Iterator[dict[str, object]]:
    """Yield ``count`` additional random cases (ids ``case-<n>``, numbers ``CC-<n:06d>``).

    Numbering starts at ``start_number``. Each case uses the §7.2 per-case draw procedure
    on an LCG seeded with ``42 + start_number``, so a batch is reproducible but is not a
    copy of the base seed's first cases. Rows are produced lazily (constant memory).
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if start_number < 1:
        raise ValueError("start_number must be >= 1")
    clock = _Clock(anchor)
    rng = Lcg(SEED + start_number)
    max_days = max(RANDOM_CASE_MAX_DAYS_AGO, RESOLVED_MAX_DAYS_AGO)
    dates = [clock.days_ago(d) for d in range(max_days + 1)]
    cache: dict[int, tuple[int, _CaseDraw]] = {}

    for n in range(start_number, start_number + count):
        start_state = rng.state
        hit = cache.get(start_state)
        if hit is None:
            draw = _draw_random_case(rng)
            if len(cache) < _EXTRA_CACHE_LIMIT:
                cache[start_state] = (rng.state, draw)
        else:
            rng.state, draw = hit
        created_at = dates[draw.created_days_ago]
        resolved = draw.resolved_days_ago
        yield {
            "id": f"case-{n}",
            "case_number": f"CC-{n:06d}",
            "channel": draw.channel,
            "status": draw.status,
            "category": draw.category,
            "subcategory": draw.subcategory,
            "sentiment": draw.sentiment,
            "severity": draw.severity,
            "risk_flag": draw.risk_flag,
            "needs_review_flag": draw.needs_review_flag,
            "business_unit": draw.business_unit,
            "summary": draw.summary,
            "customer_name": draw.customer_name,
            "agent_id": draw.agent_id,
            "assigned_to": draw.assigned_to,
            "created_at": created_at,
            "updated_at": created_at,
            "resolved_at": None if resolved is None else dates[resolved],
            "upload_id": None,
        }
