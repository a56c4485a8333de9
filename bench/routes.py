"""The GET routes the frontend calls, with typical parameters, plus the ceiling."""

from __future__ import annotations

from dataclasses import dataclass

# Routes the issue names with the frontend's parameters; the detail ids exist in every
# dataset (they come from the reference data every dataset starts from).
ROUTE_TARGET_FAST = 50.0
ROUTE_TARGET_HEAVY = 150.0


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    # p95 target at 200,000 cases on SQLite (ms); None for the ceiling itself.
    target_ms: float | None


CEILING = Route("ceiling (/health)", "/health", None)

ROUTES: tuple[Route, ...] = (
    CEILING,
    Route("feed", "/api/feed?page=1&limit=10&dateRange=30d", ROUTE_TARGET_FAST),
    Route("pulse", "/api/pulse", ROUTE_TARGET_FAST),
    Route("sparklines", "/api/pulse/sparklines", ROUTE_TARGET_FAST),
    Route("word cloud", "/api/pulse/wordcloud", ROUTE_TARGET_FAST),
    Route("alerts", "/api/alerts", ROUTE_TARGET_FAST),
    Route("alert count", "/api/alerts/count", ROUTE_TARGET_FAST),
    Route("alert detail", "/api/alerts/alert-spike-2", ROUTE_TARGET_FAST),
    Route("cases", "/api/cases", ROUTE_TARGET_HEAVY),
    Route(
        "cases bu+severity+status",
        "/api/cases?bu=KFC%20Delivery&severity=high&status=open",
        ROUTE_TARGET_HEAVY,
    ),
    Route(
        "cases category+dates sorted",
        "/api/cases?category=Food%20Safety&startDate=2026-01-08&endDate=2026-01-15"
        "&sortBy=severity&sortOrder=desc",
        ROUTE_TARGET_HEAVY,
    ),
    Route("cases page 50", "/api/cases?page=50&channel=line", ROUTE_TARGET_HEAVY),
    Route("case detail", "/api/cases/case-1000", ROUTE_TARGET_FAST),
    Route("inbox", "/api/inbox", ROUTE_TARGET_FAST),
    Route("inbox count", "/api/inbox/count", ROUTE_TARGET_FAST),
    Route("search: cold chicken", "/api/search?q=cold%20chicken", ROUTE_TARGET_HEAVY),
    Route(
        "search: urgent kfc app crash last 7 days",
        "/api/search?q=urgent%20kfc%20app%20crash%20last%207%20days",
        ROUTE_TARGET_HEAVY,
    ),
    Route("search: yesterday delivery", "/api/search?q=yesterday%20delivery", ROUTE_TARGET_HEAVY),
    Route("search: this week critical", "/api/search?q=this%20week%20critical", ROUTE_TARGET_HEAVY),
    Route("search: risky customers", "/api/search?q=risky%20customers", ROUTE_TARGET_HEAVY),
    Route("trending 24h", "/api/trending?window=24h&limit=5", ROUTE_TARGET_HEAVY),
    Route("trending 7d", "/api/trending?window=7d&limit=5", ROUTE_TARGET_HEAVY),
    Route("predictions", "/api/predictions", ROUTE_TARGET_HEAVY),
    Route("uploads", "/api/uploads?limit=10", ROUTE_TARGET_FAST),
)


def select(names: list[str] | None) -> list[Route]:
    """The ceiling and the routes whose name contains one of ``names`` (all by default)."""
    if not names:
        return list(ROUTES)
    chosen = [r for r in ROUTES if any(n.lower() in r.name.lower() for n in names)]
    if CEILING not in chosen:
        chosen.insert(0, CEILING)
    return chosen
