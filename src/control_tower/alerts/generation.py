"""Alert generation: spikes, volume thresholds, urgent and possibly misclassified cases.

Every detector is a pure function over light case rows (``AlertCase``) and the analysis
instant; the caller loads the rows of the last two windows once and stores what comes back.
The rules, texts and orderings are the original's (``lib/alerts.ts``):

* **spike**: per (business unit, category), the current window's count exceeds 1.5x the
  previous window's, which must be at least 5. Severity by growth: >=200% critical, >=100%
  high, >=65% medium, else low.
* **threshold**: per business unit, the current window's count exceeds a fixed limit
  (hourly 20, daily 100, weekly 500; two named units have their own). Severity by
  count/limit: >=3 critical, >=2 high, >=1.5 medium, else low.
* **urgency**: high or critical cases whose summary contains a risk keyword (plain substring
  match, so ``sue`` matches "issues"), grouped per unit; critical with 5+ cases or a grave
  keyword, else high.
* **misclassification**: the same over low and medium cases with a wider keyword list;
  high with 5+ cases or a grave keyword, else medium.

Windows end at the analysis instant, exclusive: current ``[now - h, now)``, previous
``[now - 2h, now - h)``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from control_tower.core.clock import iso_from_ms
from control_tower.core.js import js_round
from control_tower.core.rows import camel

SPIKE_FACTOR: Final = 1.5
SPIKE_MIN_BASELINE: Final = 5
MIN_CASE_COUNT: Final = 1
MAX_LISTED_KEYWORDS: Final = 5

URGENCY_KEYWORDS: Final = (
    "safety", "legal", "threat", "lawsuit", "injury", "death", "dangerous", "hazard",
    "emergency", "urgent", "critical", "harm", "accident", "fatality", "attorney", "sue",
)  # fmt: skip
MISCLASSIFICATION_KEYWORDS: Final = (
    *URGENCY_KEYWORDS, "complaint", "escalate", "supervisor", "manager", "refund",
)  # fmt: skip
URGENCY_CRITICAL_KEYWORDS: Final = frozenset(
    {"death", "fatality", "lawsuit", "attorney", "emergency"}
)
MISCLASSIFICATION_HIGH_KEYWORDS: Final = URGENCY_CRITICAL_KEYWORDS | {"injury"}
URGENCY_SEVERITIES: Final = ("critical", "high")
MISCLASSIFICATION_SEVERITIES: Final = ("low", "medium")

ALERT_COLUMNS: Final = (
    "id", "type", "severity", "title", "description", "business_unit", "category",
    "channel", "baseline_value", "current_value", "percentage_change", "status",
    "acknowledged_by", "acknowledged_at", "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AlertWindow:
    name: str
    hours: int
    label: str
    default_threshold: int

    @property
    def span(self) -> str:
        """``4 hours``, ``1 days`` or ``7 days`` (threshold, urgency and review texts)."""
        if self.hours >= 24:
            return f"{self.hours // 24} days"
        return f"{self.hours} hours"


WINDOWS: Final = {
    "hourly": AlertWindow("hourly", 4, "vs previous 4 hours", 20),
    "daily": AlertWindow("daily", 24, "vs previous 24 hours", 100),
    "weekly": AlertWindow("weekly", 168, "vs last week", 500),
}
UNIT_THRESHOLDS: Final = {
    "Customer Service": {"hourly": 30, "daily": 150, "weekly": 750},
    "Technical Support": {"hourly": 25, "daily": 120, "weekly": 600},
}


class AlertCase(NamedTuple):
    """The light case row alert generation works on."""

    seq: int  # insertion order (rowid)
    id: str
    business_unit: str
    category: str
    severity: str
    summary: str
    created_at: str


def hours_ago_ms(now_ms: int, hours: int) -> int:
    """``d.setHours(d.getHours() - hours)`` in the server's local time."""
    seconds, millis = divmod(now_ms, 1000)
    tm = time.localtime(seconds)
    shifted = time.mktime(
        (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour - hours, tm.tm_min, tm.tm_sec, 0, 0, -1)
    )
    return int(shifted) * 1000 + millis


@dataclass(frozen=True, slots=True)
class Bounds:
    baseline_start: str
    current_start: str
    end: str

    @classmethod
    def of(cls, window: AlertWindow, now_ms: int) -> Bounds:
        return cls(
            iso_from_ms(hours_ago_ms(now_ms, 2 * window.hours)),
            iso_from_ms(hours_ago_ms(now_ms, window.hours)),
            iso_from_ms(now_ms),
        )

    def current(self, cases: Iterable[AlertCase]) -> list[AlertCase]:
        return [case for case in cases if self.current_start <= case.created_at < self.end]

    def baseline(self, cases: Iterable[AlertCase]) -> list[AlertCase]:
        return [
            case for case in cases if self.baseline_start <= case.created_at < self.current_start
        ]


# -- detection ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Spike:
    business_unit: str
    category: str
    baseline_count: int
    current_count: int
    percentage_change: float
    severity: str


@dataclass(frozen=True, slots=True)
class ThresholdViolation:
    business_unit: str
    current_count: int
    threshold: int
    severity: str


@dataclass(slots=True)
class KeywordGroup:
    """Cases of one business unit whose summaries contain risk keywords."""

    business_unit: str
    case_ids: list[str] = field(default_factory=list)
    keywords: dict[str, None] = field(default_factory=dict)
    severity: str = ""

    @property
    def case_count(self) -> int:
        return len(self.case_ids)

    @property
    def matched_keywords(self) -> list[str]:
        return list(self.keywords)


def _counts(keys: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """Group counts ordered by key, as SQLite's GROUP BY returns them."""
    counts: dict[tuple[str, ...], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def spike_severity(percentage_change: float) -> str:
    if percentage_change >= 200:
        return "critical"
    if percentage_change >= 100:
        return "high"
    if percentage_change >= 65:
        return "medium"
    return "low"


def detect_spikes(cases: Sequence[AlertCase], window: AlertWindow, now_ms: int) -> list[Spike]:
    """(unit, category) groups whose volume grew more than 1.5x, largest growth first."""
    bounds = Bounds.of(window, now_ms)
    current = _counts((c.business_unit, c.category) for c in bounds.current(cases))
    baseline = _counts((c.business_unit, c.category) for c in bounds.baseline(cases))
    spikes = []
    for (unit, category), count in current.items():
        previous = baseline.get((unit, category), 0)
        if previous < SPIKE_MIN_BASELINE:
            continue
        change = (count - previous) / previous * 100
        if count > previous * SPIKE_FACTOR:
            spikes.append(Spike(unit, category, previous, count, change, spike_severity(change)))
    spikes.sort(key=lambda spike: -spike.percentage_change)
    return spikes


def threshold_for(business_unit: str, window: AlertWindow) -> int:
    overrides = UNIT_THRESHOLDS.get(business_unit)
    return overrides[window.name] if overrides else window.default_threshold


def threshold_severity(count: int, threshold: int) -> str:
    ratio = count / threshold
    if ratio >= 3:
        return "critical"
    if ratio >= 2:
        return "high"
    if ratio >= 1.5:
        return "medium"
    return "low"


_THRESHOLD_RANK: Final = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def detect_threshold_violations(
    cases: Sequence[AlertCase], window: AlertWindow, now_ms: int
) -> list[ThresholdViolation]:
    """Business units over their volume limit, most severe then busiest first."""
    bounds = Bounds.of(window, now_ms)
    violations = []
    for (unit,), count in _counts((c.business_unit,) for c in bounds.current(cases)).items():
        limit = threshold_for(unit, window)
        if count > limit:
            violations.append(
                ThresholdViolation(unit, count, limit, threshold_severity(count, limit))
            )
    violations.sort(key=lambda v: (_THRESHOLD_RANK[v.severity], -v.current_count))
    return violations


def matched_keywords(summary: str, keywords: Sequence[str]) -> list[str]:
    """The keywords contained in ``summary`` (case-insensitive substring), in list order."""
    text = summary.lower()
    return [keyword for keyword in keywords if keyword in text]


def _keyword_groups(
    cases: Iterable[AlertCase], severities: Sequence[str], keywords: Sequence[str]
) -> list[KeywordGroup]:
    # The original's query walked idx_cases_severity: severities in ascending text order,
    # each in insertion order. Group and keyword order follow that walk.
    wanted = {severity: rank for rank, severity in enumerate(sorted(severities))}
    ordered = sorted(
        (case for case in cases if case.severity in wanted),
        key=lambda case: (wanted[case.severity], case.seq),
    )
    groups: dict[str, KeywordGroup] = {}
    for case in ordered:
        found = matched_keywords(case.summary, keywords)
        if not found:
            continue
        group = groups.get(case.business_unit)
        if group is None:
            group = groups[case.business_unit] = KeywordGroup(case.business_unit)
        group.case_ids.append(case.id)
        group.keywords.update(dict.fromkeys(found))
    return [group for group in groups.values() if group.case_count >= MIN_CASE_COUNT]


def detect_urgent(
    cases: Sequence[AlertCase], window: AlertWindow, now_ms: int
) -> list[KeywordGroup]:
    """Units with high/critical cases mentioning risk keywords, critical then largest first."""
    groups = _keyword_groups(
        Bounds.of(window, now_ms).current(cases), URGENCY_SEVERITIES, URGENCY_KEYWORDS
    )
    for group in groups:
        grave = any(k in URGENCY_CRITICAL_KEYWORDS for k in group.keywords)
        group.severity = "critical" if group.case_count >= 5 or grave else "high"
    groups.sort(key=lambda g: (0 if g.severity == "critical" else 1, -g.case_count))
    return groups


def detect_misclassified(
    cases: Sequence[AlertCase], window: AlertWindow, now_ms: int
) -> list[KeywordGroup]:
    """Units with low/medium cases mentioning risk keywords, high then largest first."""
    groups = _keyword_groups(
        Bounds.of(window, now_ms).current(cases),
        MISCLASSIFICATION_SEVERITIES,
        MISCLASSIFICATION_KEYWORDS,
    )
    for group in groups:
        grave = any(k in MISCLASSIFICATION_HIGH_KEYWORDS for k in group.keywords)
        group.severity = "high" if group.case_count >= 5 or grave else "medium"
    groups.sort(key=lambda g: (0 if g.severity == "high" else 1, -g.case_count))
    return groups


# -- alert rows ---------------------------------------------------------------------------


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _keyword_list(keywords: Sequence[str]) -> str:
    listed = ", ".join(keywords[:MAX_LISTED_KEYWORDS])
    extra = len(keywords) - MAX_LISTED_KEYWORDS
    return f"{listed} (+{extra} more)" if extra > 0 else listed


def _in_unit(business_unit: str) -> str:
    return f" in {business_unit}" if business_unit else ""


def _row(
    alert_id: str,
    kind: str,
    severity: str,
    title: str,
    description: str,
    *,
    business_unit: str,
    category: str | None,
    baseline: float | None,
    current: float | None,
    change: float | None,
    now: str,
) -> dict[str, Any]:
    return {
        "id": alert_id,
        "type": kind,
        "severity": severity,
        "title": title,
        "description": description,
        "business_unit": business_unit,
        "category": category,
        "channel": None,
        "baseline_value": baseline,
        "current_value": current,
        "percentage_change": change,
        "status": "active",
        "acknowledged_by": None,
        "acknowledged_at": None,
        "created_at": now,
        "updated_at": now,
    }


def spike_alerts(
    spikes: Sequence[Spike], window: AlertWindow, now_ms: int, id_ms: int
) -> list[dict[str, Any]]:
    now = iso_from_ms(now_ms)
    rows = []
    for index, spike in enumerate(spikes):
        change = js_round(spike.percentage_change)
        rows.append(
            _row(
                f"alert-spike-{id_ms}-{index}",
                "spike",
                spike.severity,
                f"{spike.business_unit}: {spike.category} +{change}% {window.label}",
                f"{spike.category} case volume in {spike.business_unit} increased by {change}% "
                f"in the last {window.hours} hours. Current: {spike.current_count} cases "
                f"(baseline: {spike.baseline_count}).",
                business_unit=spike.business_unit,
                category=spike.category,
                baseline=spike.baseline_count,
                current=spike.current_count,
                change=spike.percentage_change,
                now=now,
            )
        )
    return rows


def threshold_alerts(
    violations: Sequence[ThresholdViolation], window: AlertWindow, now_ms: int, id_ms: int
) -> list[dict[str, Any]]:
    now = iso_from_ms(now_ms)
    rows = []
    for index, violation in enumerate(violations):
        count, limit = violation.current_count, violation.threshold
        rows.append(
            _row(
                f"alert-threshold-{id_ms}-{index}",
                "threshold",
                violation.severity,
                f"High volume: {count} cases in {violation.business_unit}",
                f"Case volume in {violation.business_unit} has exceeded the threshold. "
                f"Current: {count} cases in the last {window.span} (threshold: {limit}, "
                f"+{count - limit} cases / +{js_round((count - limit) / limit * 100)}% over "
                "limit).",
                business_unit=violation.business_unit,
                category=None,
                baseline=limit,
                current=count,
                change=(count - limit) / limit * 100,
                now=now,
            )
        )
    return rows


def urgency_alerts(
    groups: Sequence[KeywordGroup], window: AlertWindow, now_ms: int, id_ms: int
) -> list[dict[str, Any]]:
    now = iso_from_ms(now_ms)
    rows = []
    for index, group in enumerate(groups):
        n = group.case_count
        rows.append(
            _row(
                f"alert-urgency-{id_ms}-{index}",
                "urgency",
                group.severity,
                f"Urgent: {n} high-risk case{_plural(n)} detected{_in_unit(group.business_unit)}",
                f"{n} high-severity case{_plural(n)}{_in_unit(group.business_unit)} "
                f"contain{'s' if n == 1 else ''} risk indicators in the last {window.span}. "
                f"Keywords detected: {_keyword_list(group.matched_keywords)}. "
                "Immediate review recommended.",
                business_unit=group.business_unit,
                category=None,
                baseline=None,
                current=n,
                change=None,
                now=now,
            )
        )
    return rows


def misclassification_alerts(
    groups: Sequence[KeywordGroup], window: AlertWindow, now_ms: int, id_ms: int
) -> list[dict[str, Any]]:
    now = iso_from_ms(now_ms)
    rows = []
    for index, group in enumerate(groups):
        n = group.case_count
        unit = _in_unit(group.business_unit)
        rows.append(
            _row(
                f"alert-misclass-{id_ms}-{index}",
                "misclassification",
                group.severity,
                f"Review needed: {n} potentially misclassified case{_plural(n)}{unit}",
                f"{n} low-severity case{_plural(n)}{unit} contain{'s' if n == 1 else ''} risk "
                "indicators that may warrant reclassification. Found in the last "
                f"{window.span}. Keywords detected: {_keyword_list(group.matched_keywords)}. "
                "Review recommended to ensure proper severity assignment.",
                business_unit=group.business_unit,
                category=None,
                baseline=None,
                current=n,
                change=None,
                now=now,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class GeneratedAlerts:
    """Alert rows of one run, in the order the original inserted them."""

    threshold: list[dict[str, Any]]
    urgency: list[dict[str, Any]]
    misclassification: list[dict[str, Any]]
    spike: list[dict[str, Any]]

    @property
    def rows(self) -> list[dict[str, Any]]:
        # The original ran the four generators concurrently; the spike generator awaited
        # one query more, so its alerts were inserted last.
        return [*self.threshold, *self.urgency, *self.misclassification, *self.spike]

    def __len__(self) -> int:
        return len(self.rows)


def generate_alerts(
    cases: Sequence[AlertCase], window: AlertWindow, now_ms: int, *, id_ms: int | None = None
) -> GeneratedAlerts:
    """Every alert type for ``window`` at ``now_ms``; ``cases`` must cover the last two windows."""
    stamp = now_ms if id_ms is None else id_ms
    return GeneratedAlerts(
        threshold=threshold_alerts(
            detect_threshold_violations(cases, window, now_ms), window, now_ms, stamp
        ),
        urgency=urgency_alerts(detect_urgent(cases, window, now_ms), window, now_ms, stamp),
        misclassification=misclassification_alerts(
            detect_misclassified(cases, window, now_ms), window, now_ms, stamp
        ),
        spike=spike_alerts(detect_spikes(cases, window, now_ms), window, now_ms, stamp),
    )


def alert_json(row: dict[str, Any]) -> dict[str, Any]:
    """An alert row as the API shows it (camelCase, column order)."""
    return {camel(column): row[column] for column in ALERT_COLUMNS}
