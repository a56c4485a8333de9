"""Every SQL statement of the pulse feature.

The original issued one ``count(*)`` per number (13 for the KPIs, 28 for the sparklines).
Each route here runs one statement, built so that every part can be answered from an index
the database already has:

* counts that constrain one indexed column only (``created_at`` ranges, ``status IN``,
  all rows) are plain ``count(*)`` subqueries, which SQLite answers by stepping through the
  index alone;
* counts that also test status or severity over a span of days (today's open cases, each
  sparkline day) share one pass over that span's ``created_at`` range, splitting it with
  ``count(*) FILTER (WHERE ...)``;
* counts the original took over most of the table ("created before today and still open",
  "created by the end of day N and open now", "resolved or closed") are derived from the
  counts above by subtraction. The identities used are exact for any stored text (they
  rest on ``created_at``/``status`` never being NULL and on text comparison being a total
  order) and are spelled out where they are used.

Each statement opts in to the read indexes of migration 0005 (``core.read_indexes``):
every count over a ``created_at`` range, a status or ``resolved_at`` reads one index alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    ScalarSelect,
    Select,
    Subquery,
    Text,
    and_,
    bindparam,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from control_tower.core import read_indexes
from control_tower.core.models import AlertStatus, CaseStatus, Severity
from control_tower.core.rows import table

CASES = table("cases")
ALERTS = table("alerts")

OPEN_STATUSES = (CaseStatus.OPEN.value, CaseStatus.IN_PROGRESS.value)
RESOLVED_STATUSES = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)
KNOWN_STATUSES = tuple(sorted(OPEN_STATUSES + RESOLVED_STATUSES))
URGENT_SEVERITIES = (Severity.HIGH.value, Severity.CRITICAL.value)


class NoIndex(FunctionElement[str]):
    """``+column`` on SQLite: the same value, but the planner will not use an index for it.

    Without statistics SQLite prefers an index that matches an equality (status, business
    unit) or saves a sort (category for GROUP BY) over a ``created_at`` range, and then
    visits most of the table instead of the few days asked for.
    """

    type = Text()
    name = "no_index"
    inherit_cache = True


@compiles(NoIndex)
def _no_index_default(element: NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(NoIndex, "sqlite")
def _no_index_sqlite(element: NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


def is_open() -> ColumnElement[bool]:
    return CASES.c.status.in_(OPEN_STATUSES)


def is_urgent() -> ColumnElement[bool]:
    return CASES.c.severity.in_(URGENT_SEVERITIES)


def _unknown_status() -> ColumnElement[bool]:
    """``status`` is none of the four known values, as index ranges between them.

    Equivalent to ``status NOT IN (...)`` for a NOT NULL column under any total order of
    text, but answered by seeking the (normally empty) gaps of the status index.
    """
    status = CASES.c.status
    gaps = [status < KNOWN_STATUSES[0]]
    gaps += [and_(status > low, status < high) for low, high in pairwise(KNOWN_STATUSES)]
    gaps.append(status > KNOWN_STATUSES[-1])
    return or_(*gaps)


# A business unit as a value or as a bound parameter of a statement built once.
Scope = str | BindParameter[str] | None


def _in_unit(scope: Scope, *, by_index: bool = True) -> list[ColumnElement[bool]]:
    if scope is None:
        return []
    unit = CASES.c.business_unit if by_index else NoIndex(CASES.c.business_unit)
    return [unit == scope]


def _count_cases(
    scope: Scope,
    *conditions: ColumnElement[bool],
    unit_by_index: bool = True,
    read_index: bool = True,
) -> ScalarSelect[int]:
    # Without opting in to the read indexes the planner keeps the original's choice, which
    # is best for seeks in the status index and for counting every row.
    opted_in = [read_indexes.opt_in(CASES)] if read_index else []
    return (
        select(func.count())
        .select_from(CASES)
        .where(*conditions, *_in_unit(scope, by_index=unit_by_index), *opted_in)
        .correlate(None)
        .scalar_subquery()
    )


def _count_active_alerts(scope: Scope) -> ScalarSelect[int]:
    conditions: list[ColumnElement[bool]] = [ALERTS.c.status == AlertStatus.ACTIVE.value]
    if scope is not None:
        conditions.append(or_(ALERTS.c.business_unit == scope, ALERTS.c.business_unit.is_(None)))
    statement = select(func.count()).select_from(ALERTS).where(*conditions)
    return statement.correlate(None).scalar_subquery()


def is_open_and_urgent() -> ColumnElement[bool]:
    return and_(is_open(), is_urgent())


_SPLITS: dict[str, Callable[[], ColumnElement[bool]]] = {
    "open": is_open,
    "urgent": is_urgent,
    "open_urgent": is_open_and_urgent,
}


def _created_between(
    name: str,
    scope: Scope,
    low: str | BindParameter[str],
    high: str | BindParameter[str] | None,
    *,
    splits: Sequence[str],
    strict: bool = False,
) -> Subquery:
    """One pass over a ``created_at`` range: ``cases`` plus the named ``splits`` of them."""
    created = CASES.c.created_at
    bounds = [created > low if strict else created >= low]
    if high is not None:
        bounds.append(created < high if strict else created <= high)
    columns = [func.count().label("cases")]
    columns += [func.count().filter(_SPLITS[split]()).label(split) for split in splits]
    statement = select(*columns).where(
        *bounds, *_in_unit(scope, by_index=False), read_indexes.opt_in(CASES)
    )
    return statement.subquery(name)


def _cross_join(first: FromClause, *others: FromClause) -> FromClause:
    joined = first
    for other in others:
        joined = joined.join(other, true())
    return joined


@dataclass(frozen=True, slots=True)
class PulseCounts:
    """Every count the KPIs need (before the original's zero replacements)."""

    today: int
    yesterday: int
    open: int
    open_before_today: int
    urgent_open: int
    urgent_open_before_today: int
    resolved: int
    total: int
    active_alerts: int


@lru_cache(maxsize=4)
def _pulse_statement(scoped: bool) -> Select[Any]:
    """The KPI statement, built once per shape (building it costs more than running it).

    * open (urgent) and created before today = open (urgent) - open (urgent) created today:
      ``created_at < T0`` and ``created_at >= T0`` split the cases because it is never NULL;
    * resolved or closed = all - open or in progress - any other status.
    """
    scope = bindparam("scope", type_=Text()) if scoped else None
    today_start = bindparam("today_start", type_=Text())
    yesterday_start = bindparam("yesterday_start", type_=Text())
    created = CASES.c.created_at
    today = _created_between("today", scope, today_start, None, splits=("open", "open_urgent"))
    return select(
        today.c.cases.label("today"),
        today.c.open.label("open_today"),
        today.c.open_urgent.label("urgent_open_today"),
        _count_cases(scope, created >= yesterday_start, created < today_start).label("yesterday"),
        _count_cases(scope, is_open()).label("open"),
        _count_cases(scope, is_open(), is_urgent()).label("urgent_open"),
        _count_cases(scope, _unknown_status(), unit_by_index=False, read_index=False).label(
            "unknown_status"
        ),
        _count_cases(scope, read_index=False).label("total"),
        _count_active_alerts(scope).label("active_alerts"),
    ).select_from(today)


async def pulse_counts(
    session: AsyncSession, *, today_start: str, yesterday_start: str, scope: str | None
) -> PulseCounts:
    """The KPI counts in one statement."""
    parameters = {"today_start": today_start, "yesterday_start": yesterday_start}
    if scope is not None:
        parameters["scope"] = scope
    row = (await session.execute(_pulse_statement(scope is not None), parameters)).one()
    return PulseCounts(
        today=row.today,
        yesterday=row.yesterday,
        open=row.open,
        open_before_today=row.open - row.open_today,
        urgent_open=row.urgent_open,
        urgent_open_before_today=row.urgent_open - row.urgent_open_today,
        resolved=row.total - row.open - row.unknown_status,
        total=row.total,
        active_alerts=row.active_alerts,
    )


@dataclass(frozen=True, slots=True)
class DayRange:
    """One sparkline day as the bound ISO strings: ``start <= t <= end``."""

    start: str
    end: str


@dataclass(frozen=True, slots=True)
class DayCounts:
    total: int
    open: int
    urgent: int
    resolved: int


@lru_cache(maxsize=8)
def _day_counts_statement(days: int, scoped: bool) -> Select[Any]:
    """Per-day counts for ``days`` days as one statement, built once per shape.

    "Created by the end of day k and open now" is ``open now - open created after end_k``,
    and ``created_at > end_k`` is the union of the later days, the gaps between consecutive
    days (empty for canonical ISO text, but counted for exactness) and everything after the
    last day.
    """
    scope = bindparam("scope", type_=Text()) if scoped else None
    starts = [bindparam(f"start_{k}", type_=Text()) for k in range(days)]
    ends = [bindparam(f"end_{k}", type_=Text()) for k in range(days)]
    resolved_at = CASES.c.resolved_at
    on_day = [
        _created_between(f"day_{k}", scope, starts[k], ends[k], splits=("urgent", "open"))
        for k in range(days)
    ]
    between = [
        _created_between(f"gap_{k}", scope, ends[k - 1], starts[k], splits=("open",), strict=True)
        for k in range(1, days)
    ]
    after = _created_between("after", scope, ends[-1], None, splits=("open",), strict=True)
    resolved = (
        select(
            *(
                func.count()
                .filter(and_(resolved_at >= starts[k], resolved_at <= ends[k]))
                .label(f"day_{k}")
                for k in range(days)
            )
        )
        .where(
            resolved_at >= starts[0],
            resolved_at <= ends[-1],
            *_in_unit(scope),
            read_indexes.opt_in(CASES),
        )
        .subquery("resolved")
    )
    return select(
        *(column for sub in on_day for column in (sub.c.cases, sub.c.urgent, sub.c.open)),
        *(sub.c.open for sub in between),
        after.c.open,
        *resolved.c,
        _count_cases(scope, is_open()).label("open_now"),
    ).select_from(_cross_join(*on_day, *between, after, resolved))


async def day_counts(
    session: AsyncSession, days: Sequence[DayRange], *, scope: str | None
) -> list[DayCounts]:
    """Per day (oldest first): created, open by the day's end, urgent created, resolved."""
    if not days:
        return []
    if any(a.end >= b.start for a, b in pairwise(days)):
        raise ValueError("days must be in order and must not overlap")
    parameters: dict[str, str] = {}
    for k, day in enumerate(days):
        parameters[f"start_{k}"] = day.start
        parameters[f"end_{k}"] = day.end
    if scope is not None:
        parameters["scope"] = scope
    statement = _day_counts_statement(len(days), scope is not None)
    row = list((await session.execute(statement, parameters)).one())
    width = 3 * len(days)
    per_day, row = row[:width], row[width:]
    gaps, row = row[: len(days) - 1], row[len(days) - 1 :]
    open_after_last, row = row[0], row[1:]
    resolved_counts, open_now = row[: len(days)], row[len(days)]

    counts: list[DayCounts] = []
    open_created_later = open_after_last
    for k in range(len(days) - 1, -1, -1):
        created, urgent, open_on_day = per_day[3 * k : 3 * k + 3]
        counts.append(DayCounts(created, open_now - open_created_later, urgent, resolved_counts[k]))
        open_created_later += open_on_day + (gaps[k - 1] if k > 0 else 0)
    counts.reverse()
    return counts


async def category_counts(
    session: AsyncSession, *, since: str, scope: str | None
) -> list[tuple[str, int]]:
    """``(category, count)`` of cases created since ``since``, most frequent first.

    Ties come out in ascending category order, as SQLite's grouping emitted them.
    """
    count = func.count()
    statement = (
        select(CASES.c.category, count.label("count"))
        .where(
            CASES.c.created_at >= since,
            *_in_unit(scope, by_index=False),
            read_indexes.opt_in(CASES),
        )
        .group_by(NoIndex(CASES.c.category))
        .order_by(count.desc(), CASES.c.category.asc())
    )
    return [(row[0], row[1]) for row in await session.execute(statement)]
