"""Natural-language case search and search analytics.

``search_cases`` answers exactly what the original's ``searchCases`` did: parse the query,
load the cases matching its filters in SQLite's scan order, score them, drop keyword misses,
sort stably and slice. Only the cost depends on how it gets there:

* **keywords** are matched in the in-memory ``CaseTextIndex``; the database supplies only
  the rowids passing the SQL filters, in its scan order, and the rows of the page;
* **no keywords**: every matching case scores the same, so the page is read with
  LIMIT/OFFSET (or ORDER BY for date/severity sorts) and the total with ``count(*)``;
* otherwise (a SQLite plan that might walk rows in another order, dates that do not
  sort as text) the *direct* route loads the scoring columns of every matching case, as
  the original did.

Both routes run on SQLite and PostgreSQL alike; the repository gets the original's scan
order from SQLite's plan on one and from ``sqlite_order``'s ORDER BY on the other.
"""

from __future__ import annotations

import enum
import math
import secrets
from collections.abc import Sequence
from typing import Any, Final

import structlog
from sqlalchemy import ColumnElement
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.body import UNDEFINED
from control_tower.core.clock import Clock, iso_from_ms, local_days_ago_ms
from control_tower.core.errors import OriginalFailure
from control_tower.core.events import defer_event
from control_tower.core.js import js_number_to_string, js_round, js_trim, js_truthy
from control_tower.core.rows import CASE
from control_tower.core.sqlcompat import text_value
from control_tower.search import repository
from control_tower.search.parser import (
    JS_MAX_TIME_MS,
    ParsedQuery,
    normalize,
    parse_query,
    utf16_length,
)
from control_tower.search.ranking import Ordering, Paging
from control_tower.search.scoring import (
    Scored,
    filter_matches,
    highlight,
    keyword_mask,
    score_case,
    suggested_filters,
)
from control_tower.search.text_index import CaseTextIndex, current_index

log = structlog.get_logger("control_tower.search")

SEARCH_FAILED: Final = "Search failed"
ANALYTICS_FAILED: Final = "Failed to fetch search analytics"

Conditions = list[ColumnElement[bool]]
Found = tuple[list[dict[str, Any]], int]
_Page = tuple[list[int], int]


def empty_response() -> dict[str, Any]:
    """The answer to a blank query (nothing is parsed)."""
    return {
        "results": [],
        "totalCount": 0,
        "parsedQuery": ParsedQuery().to_json(),
        "suggestedFilters": [],
        "executionTimeMs": 0,
    }


async def search_cases(
    session: AsyncSession,
    *,
    query: str,
    paging: Paging,
    ordering: Ordering,
    clock: Clock,
    scope: str | None,
) -> dict[str, Any]:
    """Search the cases with a natural-language query (the original's ``searchCases``)."""
    if not js_trim(query):
        return empty_response()
    started = clock.now_ms()
    parsed = parse_query(query, now_ms=started)
    suggestions = suggested_filters(parsed)
    if parsed.time_range is not None and not parsed.time_range.is_valid:
        # "last 999999999 days": the original threw on toISOString() of the start date.
        raise OriginalFailure(SEARCH_FAILED)
    try:
        results, total = await _search(session, parsed, paging, ordering, scope)
    except SQLAlchemyError as exc:
        raise OriginalFailure(SEARCH_FAILED) from exc
    return {
        "results": results,
        "totalCount": total,
        "parsedQuery": parsed.to_json(),
        "suggestedFilters": suggestions,
        "executionTimeMs": clock.now_ms() - started,
    }


async def _search(
    session: AsyncSession,
    parsed: ParsedQuery,
    paging: Paging,
    ordering: Ordering,
    scope: str | None,
) -> Found:
    conditions = repository.search_conditions(parsed, scope=scope)
    if parsed.keywords:
        found = await _keyword_search(session, parsed, conditions, paging, ordering)
    else:
        found = await _filter_search(session, parsed, conditions, paging, ordering)
    if found is not None:
        return found
    log.info(
        "search.direct_route",
        keywords=len(parsed.keywords),
        filters=parsed.filter_count,
        sort_by=ordering.sort_by,
    )
    return await direct_search(session, parsed, conditions, paging, ordering)


def _result(row: Sequence[Any], scored: Scored, keywords: Sequence[str]) -> dict[str, Any]:
    case = CASE.to_json(row)
    return {
        "case": case,
        "relevanceScore": scored.score,
        "matchedFields": list(scored.matched_fields),
        "highlightedSummary": highlight(case["summary"], keywords),
    }


def _filter_fields(parsed: ParsedQuery) -> tuple[str, ...]:
    """The filter fields every case passing the SQL conditions matches."""
    lists = (
        ("businessUnit", parsed.business_units),
        ("channel", parsed.channels),
        ("severity", parsed.severities),
        ("category", parsed.categories),
    )
    return tuple(name for name, values in lists if values)


# -- the direct route: the original's algorithm over the scoring columns ------------------


async def direct_search(
    session: AsyncSession,
    parsed: ParsedQuery,
    conditions: Conditions,
    paging: Paging,
    ordering: Ordering,
) -> Found:
    """Score every case matching the filters, as the original did (any database)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    rows = await repository.light_rows(session, conditions, sqlite=sqlite)
    keywords = parsed.keywords
    scores: dict[Any, Scored] = {}
    items: list[tuple[Any, Any]] = []
    for key, summary, category, subcategory, business_unit, channel, severity, created in rows:
        hits = filter_matches(
            parsed,
            business_unit=business_unit,
            channel=channel,
            severity=severity,
            category=category,
        )
        scored = score_case(
            filter_count=parsed.filter_count,
            filter_hits=hits,
            keyword_count=len(keywords),
            mask=keyword_mask(keywords, summary, category, subcategory) if keywords else 0,
        )
        if keywords and not scored.matched_fields:
            continue
        scores[key] = scored
        value = {"date": created, "severity": severity}.get(ordering.sort_by, scored.score)
        items.append((key, value))
    ordered = ordering.arrange(items)
    start, end = paging.bounds(len(ordered))
    page = ordered[start:end]
    full = await repository.cases_by_key(session, page, by_rowid=sqlite)
    return [_result(full[key], scores[key], keywords) for key in page], len(ordered)


# -- no keywords: every matching case scores the same --------------------------------------


async def _filter_search(
    session: AsyncSession,
    parsed: ParsedQuery,
    conditions: Conditions,
    paging: Paging,
    ordering: Ordering,
) -> Found | None:
    scored = score_case(
        filter_count=parsed.filter_count,
        filter_hits=_filter_fields(parsed),
        keyword_count=0,
        mask=0,
    )
    total = await repository.count_cases(session, conditions)
    start, end = paging.bounds(total)
    if end <= start:
        return [], total
    if ordering.column is None:
        rows = await repository.page_in_scan_order(
            session, conditions, offset=start, limit=end - start
        )
    else:
        rows = await _sorted_page(
            session, await current_index(session), conditions, ordering, start, end
        )
    if rows is None:
        return None
    return [_result(row[1:], scored, ()) for row in rows], total


async def _sorted_page(
    session: AsyncSession,
    index: CaseTextIndex,
    conditions: Conditions,
    ordering: Ordering,
    start: int,
    end: int,
) -> Sequence[Any] | None:
    """Rows ``[start, end)`` sorted by date or severity in SQL (``None``: not in SQL)."""
    assert ordering.column is not None
    return await repository.sorted_page(
        session,
        conditions,
        column=ordering.column,
        descending=ordering.descending,
        offset=start,
        limit=end - start,
        dates_known_upto=index.loaded_upto,
        odd_dates=index.odd_dates,
    )


# -- keywords: the in-memory text index ----------------------------------------------------


class _Stale(enum.Enum):
    """Why the index could not answer: rows newer than it, or rows it disagrees with."""

    UNSEEN_ROWS = enum.auto()
    MISMATCH = enum.auto()


async def _keyword_search(
    session: AsyncSession,
    parsed: ParsedQuery,
    conditions: Conditions,
    paging: Paging,
    ordering: Ordering,
) -> Found | None:
    rebuild = False
    for _attempt in range(3):
        index = await current_index(session, rebuild=rebuild)
        search = _KeywordSearch(session, index, parsed, conditions, ordering)
        found = await search.run(paging)
        if found is _Stale.UNSEEN_ROWS:
            continue
        if found is _Stale.MISMATCH:
            log.warning("search.index_mismatch")
            rebuild = True
            continue
        return found
    return None


class _KeywordSearch:
    """One keyword search: the index finds the hits, the database filters and orders."""

    def __init__(
        self,
        session: AsyncSession,
        index: CaseTextIndex,
        parsed: ParsedQuery,
        conditions: Conditions,
        ordering: Ordering,
    ) -> None:
        self.session = session
        self.index = index
        self.parsed = parsed
        self.conditions = conditions
        self.ordering = ordering
        self.masks = index.masks(parsed.keywords)
        self._filter_fields = _filter_fields(parsed)
        self._scores: dict[int, Scored] = {}
        self._lifted: dict[int, int] | None = None

    def scored(self, mask: int) -> Scored:
        found = self._scores.get(mask)
        if found is None:
            found = self._scores[mask] = score_case(
                filter_count=self.parsed.filter_count,
                filter_hits=self._filter_fields,
                keyword_count=len(self.parsed.keywords),
                mask=mask,
            )
        return found

    def mask_of(self, rowid: int) -> int:
        """The keyword mask of a case the index holds (0 when no keyword hits it)."""
        combo = self.index.combo_of(rowid)
        return 0 if combo is None else self.masks.get(combo, 0)

    async def run(self, paging: Paging) -> Found | _Stale | None:
        if self.parsed.filter_count == 0:
            found = await self._hits_only(paging)
        else:
            found = await self._every_filtered_case(paging)
        if found is None or isinstance(found, _Stale):
            return found
        page, total = found
        return await self._results(page, total)

    def _beyond_index(self, rows: Sequence[Sequence[Any]]) -> bool:
        """Whether the database returned cases inserted after the index was refreshed."""
        return any(row[0] > self.index.loaded_upto for row in rows)

    # Without filter lists, cases no keyword hits are dropped: rank the hits alone.

    async def _hits_only(self, paging: Paging) -> _Page | _Stale | None:
        if not self.masks:
            return [], 0
        column = self.ordering.column
        if not self.conditions:
            # The original read the whole table, in rowid order (checked, not assumed).
            if not await repository.scans_in_rowid_order(self.session):
                return None
            if column is None:
                return self._page_of_every_hit(paging)
            hits = self.index.rowids_of(self.masks)
            by_rowid = await repository.column_by_rowid(self.session, hits, column)
            if len(by_rowid) != len(hits):
                return _Stale.MISMATCH
            items = [(rowid, by_rowid[rowid]) for rowid in hits]
        else:
            rows = await self._filtered_hits(column)
            if rows is None or isinstance(rows, _Stale):
                return rows
            if column is None:
                items = [(row[0], self.scored(self.mask_of(row[0])).score) for row in rows]
            else:
                items = [(row[0], row[1]) for row in rows]
        ordered = self.ordering.arrange(items)
        start, end = paging.bounds(len(ordered))
        return ordered[start:end], len(ordered)

    def _page_of_every_hit(self, paging: Paging) -> _Page:
        """Rank the hits of a whole-table search, materialising only the page."""
        by_score: dict[int, list[int]] = {}
        for combo, mask in self.masks.items():
            score = self.scored(mask).score if self.ordering.sorts else 0
            by_score.setdefault(score, []).append(combo)
        scores = sorted(by_score, reverse=self.ordering.descending)
        sizes = [self.index.count_of(by_score[score]) for score in scores]
        total = sum(sizes)
        start, end = paging.bounds(total)
        page: list[int] = []
        first = 0
        for score, size in zip(scores, sizes, strict=True):
            low, high = max(start - first, 0), min(end - first, size)
            if high > low:
                page += self.index.rowids_of(by_score[score])[low:high]
            first += size
        return page, total

    async def _filtered_hits(self, column: str | None) -> Sequence[Sequence[Any]] | _Stale | None:
        """``(rowid[, column])`` of the hits passing the SQL conditions, in scan order."""
        if repository.one_index_answers(self.conditions):
            total = await repository.count_cases(self.session, self.conditions)
            if total < self.index.count_of(self.masks):
                # Fewer filtered cases than hits: walk them all and keep the hits here.
                rows = await repository.ordered_rowids(self.session, self.conditions, column=column)
                if rows is None or self._beyond_index(rows):
                    return None if rows is None else _Stale.UNSEEN_ROWS
                return [row for row in rows if self.mask_of(row[0])]
        return await repository.ordered_rowids(
            self.session, self.conditions, among=self.index.rowids_of(self.masks), column=column
        )

    # With a filter list every filtered case is a result; keywords only rank them.

    async def _every_filtered_case(self, paging: Paging) -> _Page | _Stale | None:
        column = self.ordering.column
        if column is not None:
            # Sorted by date or severity the scores play no part: sort in SQL.
            total = await repository.count_cases(self.session, self.conditions)
            start, end = paging.bounds(total)
            if end <= start:
                return [], total
            rows = await _sorted_page(
                self.session, self.index, self.conditions, self.ordering, start, end
            )
            return None if rows is None else ([row[0] for row in rows], total)
        if not repository.one_index_answers(self.conditions):
            # One walk over the filtered cases, as the original's; rank them here.
            rows = await repository.ordered_rowids(self.session, self.conditions)
            if rows is None or self._beyond_index(rows):
                return None if rows is None else _Stale.UNSEEN_ROWS
            ordered = self._ranked([row[0] for row in rows])
            start, end = paging.bounds(len(ordered))
            return ordered[start:end], len(ordered)
        # The filters read one index, so counting and walking them is cheap: fetch only
        # the page. A case no keyword hits scores exactly ``base`` and a hit at least that,
        # so the ranked sequence is the hits scoring above ``base`` followed by the rest in
        # scan order (descending), or the rest followed by those hits (ascending).
        total = await repository.count_cases(self.session, self.conditions)
        start, end = paging.bounds(total)
        if end <= start:
            return [], total
        if not self.ordering.sorts:
            rows = await repository.ordered_rowids(
                self.session, self.conditions, offset=start, limit=end - start
            )
            return None if rows is None else ([row[0] for row in rows], total)
        lifted = sorted(self._lifted_scores())
        above: list[int] = []
        if lifted:
            rows = await repository.ordered_rowids(self.session, self.conditions, among=lifted)
            if rows is None:
                return None
            above = self._ranked([row[0] for row in rows])
        rest_count = total - len(above)
        rest_first = len(above) if self.ordering.descending else 0
        low, high = max(start - rest_first, 0), min(end - rest_first, rest_count)
        rest: list[int] = []
        if high > low:
            rows = await repository.ordered_rowids(
                self.session, self.conditions, excluding=lifted, offset=low, limit=high - low
            )
            if rows is None:
                return None
            rest = [row[0] for row in rows]
        if self.ordering.descending:
            return above[start:end] + rest, total
        return rest + above[max(start - rest_count, 0) : max(end - rest_count, 0)], total

    def _lifted_scores(self) -> dict[int, int]:
        """Scores of the cases that a keyword lifts above the score of a miss, by rowid."""
        if self._lifted is None:
            base = self.scored(0).score
            lifted = {
                combo: score
                for combo, mask in self.masks.items()
                if (score := self.scored(mask).score) > base
            }
            self._lifted = self.index.rowid_values(lifted)
        return self._lifted

    def _ranked(self, rowids: list[int]) -> list[int]:
        """Filtered ``rowids`` (scan order) in relevance order; misses keep scan order."""
        if not self.ordering.sorts:
            return rowids
        lifted = self._lifted_scores()
        score_of = lifted.get
        above = [(rowid, score) for rowid in rowids if (score := score_of(rowid)) is not None]
        rest = [rowid for rowid in rowids if rowid not in lifted]
        ranked = self.ordering.arrange(above)
        return ranked + rest if self.ordering.descending else rest + ranked

    async def _results(self, page: list[int], total: int) -> Found | _Stale:
        keywords = self.parsed.keywords
        full = await repository.cases_by_key(self.session, page, by_rowid=True)
        results = []
        for rowid in page:
            if self.index.combo_of(rowid) is None:
                return _Stale.UNSEEN_ROWS
            row = full.get(rowid)
            if row is None:
                return _Stale.MISMATCH
            case = CASE.to_json(row)
            mask = keyword_mask(keywords, case["summary"], case["category"], case["subcategory"])
            if mask != self.mask_of(rowid):
                return _Stale.MISMATCH
            results.append(_result(row, self.scored(mask), keywords))
        return results, total


# -- search analytics -----------------------------------------------------------------------


class QueryRequired(Exception):
    """The logged search has no usable ``query``."""


async def popular_searches(
    session: AsyncSession, *, limit: int | float | None, days: int | float | None, now_ms: int
) -> dict[str, Any]:
    """The most frequent searches of the last ``days`` days."""
    threshold = _days_before(now_ms, days)
    if threshold is None:
        # The original's toISOString() threw on the invalid threshold date.
        raise OriginalFailure(ANALYTICS_FAILED)
    try:
        rows = await repository.popular_searches(
            session, since=iso_from_ms(threshold), limit=_sql_limit(limit)
        )
    except SQLAlchemyError as exc:
        raise OriginalFailure(ANALYTICS_FAILED) from exc
    return {
        "popularSearches": [
            {
                "query": query,
                "searchCount": count,
                "avgResultCount": _rounded_average(average_results),
                "avgExecutionTimeMs": _rounded_average(average_time),
                "lastSearched": last,
            }
            for query, count, average_results, average_time, last in rows
        ],
        "period": f"{'NaN' if days is None else js_number_to_string(days)} days",
    }


def _days_before(now_ms: int, days: int | float | None) -> int | None:
    """``d.setDate(d.getDate() - days)`` on "now"; ``None`` for an invalid Date."""
    if days is None or not math.isfinite(days) or abs(days) > 2 * JS_MAX_TIME_MS // 86_400_000:
        return None
    try:
        shifted = local_days_ago_ms(now_ms, int(days))
    except (OverflowError, OSError, ValueError):
        return None
    return shifted if abs(shifted) <= JS_MAX_TIME_MS else None


def _sql_limit(limit: int | float | None) -> int | None:
    """The original's LIMIT: drizzle omits it for NaN and negative numbers.

    A limit past SQLite's 64-bit integers made the statement fail ("datatype mismatch").
    """
    if limit is None or limit < 0:
        return None
    if limit >= 2**63:
        raise OriginalFailure(ANALYTICS_FAILED)
    return int(limit)


def _rounded_average(value: Any) -> int | float | None:
    """``Math.round(value || 0)`` of an SQL ``avg`` (``NULL`` when every value was NULL).

    An average of a logged ``Infinity`` stays infinite (printed as ``null``), and a double
    past 2**53 is already whole (printed the way JavaScript prints it).
    """
    if value is None or isinstance(value, str):
        return 0
    number = float(value)
    if math.isnan(number):
        return 0
    if math.isinf(number):
        return None
    if abs(number) >= 2**53:
        return number
    return js_round(number)


_NOT_LOGGED: Final = {"success": True, "logged": False}


class _Unbindable(Exception):
    """A value the original's SQLite driver could not bind (it threw; nothing was logged)."""


async def log_search(session: AsyncSession, body: Any, *, now_ms: int) -> dict[str, Any]:
    """Record one search; raises ``QueryRequired`` without a usable ``query``.

    Every other problem (a ``null`` body, values SQLite cannot store, a failed insert)
    answers "not logged", as the original swallowed it.
    """
    if body is None:
        return dict(_NOT_LOGGED)
    fields = body if isinstance(body, dict) else {}
    query = fields.get("query", UNDEFINED)
    if not isinstance(query, str) or not query:
        raise QueryRequired
    normalized = normalize(query)
    if utf16_length(normalized) < 2:
        return dict(_NOT_LOGGED)
    try:
        values = {
            "id": f"search_{now_ms}_{_random_suffix()}",
            "query": js_trim(query),
            "normalized_query": normalized,
            "result_count": _bindable(fields.get("resultCount"), 0),
            "execution_time_ms": _bindable(fields.get("executionTimeMs"), None),
            "user_id": text_value(session, _bindable(fields.get("userId"), None, text=True)),
            "created_at": iso_from_ms(now_ms),
        }
    except _Unbindable:
        return dict(_NOT_LOGGED)
    try:
        async with session.begin_nested():
            await repository.insert_search(session, values)
    except SQLAlchemyError as exc:
        log.warning("search.analytics_not_logged", error=type(exc).__name__)
        return dict(_NOT_LOGGED)
    # The normalised query is public already (GET /api/search/analytics lists it).
    defer_event(
        session,
        "search.logged",
        {
            "id": values["id"],
            "query": normalized,
            "resultCount": values["result_count"],
            "createdAt": values["created_at"],
        },
        channel="system",
    )
    return {"success": True, "logged": True}


def _bindable(value: Any, default: Any, *, text: bool = False) -> Any:
    """``value || default`` as better-sqlite3 bound it.

    Objects and booleans could not be bound (the insert threw). Numbers were bound as
    doubles: an INTEGER column stores a whole one as an integer either way, while a TEXT
    column keeps the double's text ("7.0"), so only there the double is kept.
    """
    if not js_truthy(value):
        return default
    if isinstance(value, bool | dict | list):
        raise _Unbindable
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer literal past doubles: JavaScript's Infinity
            number = math.inf if value > 0 else -math.inf
        if not text and number.is_integer() and abs(number) < 2**63:
            return int(number)
        return number
    return value


def _random_suffix() -> str:
    """``Math.random().toString(36).substring(2, 9)``: seven base-36 characters."""
    return "".join(secrets.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(7))
