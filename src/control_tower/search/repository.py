"""Every SQL statement of the search feature.

The search issues the original's WHERE conditions (``buildFilterConditions``) unchanged, so
SQLite walks the cases in the same order and ties keep the original's order. A statement
that reads fewer columns than the original's ``SELECT *`` could be answered from a covering
index and walk the rows differently, so its order is only trusted when EXPLAIN QUERY PLAN
shows the same walk as the original's statement, or when that walk is a plain table scan
(rowid order, which ORDER BY rowid states outright). Otherwise these functions return
``None`` and the service falls back to reading what the original read.

PostgreSQL is told the original's walk outright: ``sqlite_order`` adds the ORDER BY keys
of the walk SQLite chose for the original's statement, so there every order is known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause

from control_tower.core import read_indexes
from control_tower.core.rows import table
from control_tower.core.sqlcompat import (
    Walk,
    among_ints,
    driver_rows,
    glob,
    is_sqlite,
    none_of_ints,
    one_of_ints,
    sqlite_order,
    sqlite_walk,
    transaction_horizon,
)
from control_tower.search.parser import ParsedQuery
from control_tower.search.ranking import CANONICAL_ISO_GLOB
from control_tower.search.scoring import SEVERITY_RANK

CASES: Final = table("cases")
ANALYTICS: Final = table("search_analytics")
ROWID: Final[ColumnClause[int]] = literal_column("cases.rowid", Integer)
# ``+rowid``: the unary plus keeps SQLite from planning the walk around a rowid list.
UNPLANNED_ROWID: Final[ColumnClause[int]] = literal_column("+cases.rowid", Integer)

# Bound parameters per statement are capped (32766 since SQLite 3.32); stay well below.
_KEY_CHUNK: Final = 900
_INDEX_COLUMN: Final[dict[str, str]] = {
    str(index.name): str(next(iter(index.columns)).name)
    for index in CASES.indexes
    if len(index.columns) == 1
}
_SEARCH_STEP: Final = re.compile(r"SEARCH cases USING INDEX (\w+) \(")
_TABLE_SCAN: Final = ("SCAN cases",)
# Migration 0005's index over a created_at range with the columns filters test: a walk
# bounded by dates that tests only these columns reads the index alone.
_RANGE_INDEX: Final = "ix_cases_created_status_severity"
_FROM_CASES: Final = re.compile(r"\bFROM cases\b")
_RANGE_INDEX_COLUMNS: Final = frozenset(
    {"created_at", "status", "severity", "business_unit", "category"}
)

# The columns the direct route scores with, before the page is known.
LIGHT_COLUMNS: Final = (
    CASES.c.summary,
    CASES.c.category,
    CASES.c.subcategory,
    CASES.c.business_unit,
    CASES.c.channel,
    CASES.c.severity,
    CASES.c.created_at,
)


def _any_of(column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """``eq`` for one value, ``or(eq, eq, ...)`` for several, as the original wrote it."""
    if len(values) == 1:
        condition: ColumnElement[bool] = column == values[0]
        return condition
    return or_(*(column == value for value in values))


def search_conditions(parsed: ParsedQuery, *, scope: str | None) -> list[ColumnElement[bool]]:
    """The original's filter conditions in its order, then the viewer's business unit."""
    conditions: list[ColumnElement[bool]] = []
    if parsed.business_units:
        conditions.append(_any_of(CASES.c.business_unit, parsed.business_units))
    if parsed.channels:
        conditions.append(_any_of(CASES.c.channel, parsed.channels))
    if parsed.severities:
        conditions.append(_any_of(CASES.c.severity, parsed.severities))
    if parsed.categories:
        conditions.append(_any_of(CASES.c.category, parsed.categories))
    if parsed.time_range is not None:
        conditions.append(CASES.c.created_at >= parsed.time_range.start_iso())
        conditions.append(CASES.c.created_at <= parsed.time_range.end_iso())
    if parsed.flags.urgent:
        conditions.append(_any_of(CASES.c.severity, ("high", "critical")))
    if parsed.flags.risk:
        conditions.append(CASES.c.risk_flag == 1)
    if parsed.flags.needs_review:
        conditions.append(CASES.c.needs_review_flag == 1)
    if scope is not None:
        conditions.append(CASES.c.business_unit == scope)
    return conditions


def _columns(conditions: Sequence[ColumnElement[bool]]) -> set[str]:
    return {
        element.name
        for condition in conditions
        for element in visitors.iterate(condition)
        if isinstance(element, ColumnClause) and element.table is CASES
    }


def one_index_answers(conditions: Sequence[ColumnElement[bool]]) -> bool:
    """Whether every condition reads one indexed column (so that index covers a count)."""
    columns = _columns(conditions)
    return len(columns) == 1 and columns <= set(_INDEX_COLUMN.values())


async def _range_index_walk(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], walk: list[Any]
) -> Select[Any] | None:
    """The rowids in the original's walk order, found through the date-range index.

    When the original walked a large index (a business unit, a severity) that dates then
    narrowed, reading the few days' entries of the range index and sorting them in that
    walk's order (its key, then rowid) returns the same rows in the same order.
    """
    columns = _columns(conditions)
    if "created_at" not in columns or not columns <= _RANGE_INDEX_COLUMNS:
        return None
    if session.get_bind().dialect.name != "sqlite":
        return None
    exists = await session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :name"),
        {"name": _RANGE_INDEX},
    )
    if exists.first() is None:
        return None
    opted_in = [*conditions, read_indexes.opt_in(CASES)]
    return _where(select(ROWID.label("key")), opted_in).order_by(*walk)


def _where(statement: Select[Any], conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    return statement.where(and_(*conditions)) if conditions else statement


def original_statement(conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """The original's ``SELECT * FROM cases WHERE ...``: its walk is the reference order."""
    return _where(select(CASES), conditions)


async def count_cases(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    """How many cases match."""
    statement = _where(select(func.count()).select_from(CASES), conditions)
    return int((await session.execute(statement)).scalar_one())


async def light_rows(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], *, sqlite: bool
) -> Sequence[Any]:
    """Key + scoring columns of every matching case, in the original's order.

    ``summary`` is in no index, so no index covers this statement and SQLite plans it as
    it planned the original's ``SELECT *``.
    """
    key = ROWID if sqlite else CASES.c.id
    statement = _where(select(key.label("key"), *LIGHT_COLUMNS), conditions)
    statement = sqlite_order(session, statement, CASES, planned_as=original_statement(conditions))
    return list((await session.execute(statement)).all())


def _rowid(session: AsyncSession, *, planned: bool) -> ColumnClause[int]:
    # ``+rowid`` is SQLite's hint only: PostgreSQL plans by cost and the ORDER BY it is given.
    return UNPLANNED_ROWID if not planned and is_sqlite(session) else ROWID


async def ordered_rowids(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    column: str | None = None,
    among: Sequence[int] | None = None,
    excluding: Sequence[int] | None = None,
    offset: int | None = None,
    limit: int | None = None,
) -> Sequence[Sequence[Any]] | None:
    """``(rowid[, column])`` of the matching cases in the original's order, or ``None``.

    ``among``/``excluding`` restrict the cases to / away from a rowid list; ``offset`` and
    ``limit`` page the result.
    """
    reference = await _original_scan(session, conditions)
    table_scan = reference == _TABLE_SCAN
    walk = _walk_order(reference)
    whole_walk = column is None and among is None and not excluding and limit is None
    if whole_walk and not table_scan and walk is not None:
        ranged = await _range_index_walk(session, conditions, walk)
        if ranged is not None:
            return await _plain_rows(session, ranged, indexed_by=_RANGE_INDEX)
    restricted = list(conditions)
    if excluding:
        restricted.append(none_of_ints(session, _rowid(session, planned=False), excluding))
    extra = () if column is None else (CASES.c[column],)
    statement = _where(select(ROWID.label("key"), *extra).select_from(CASES), restricted)
    if among is not None:
        # After a table scan the order is rowid order, so SQLite may as well look the
        # listed rows up; otherwise the list must not change how it walks the index.
        statement = among_ints(session, statement, _rowid(session, planned=table_scan), among)
    if limit is not None:
        statement = statement.limit(limit).offset(offset or 0)
    ordered = await _in_scan_order(session, statement, conditions, reference=reference)
    return None if ordered is None else await _plain_rows(session, ordered)


async def page_in_scan_order(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    offset: int,
    limit: int,
) -> Sequence[Any] | None:
    """``(rowid, *every column)`` of a page in the original's order, or ``None``."""
    statement = _where(select(ROWID.label("key"), CASES), conditions).limit(limit).offset(offset)
    ordered = await _in_scan_order(session, statement, conditions)
    return None if ordered is None else list((await session.execute(ordered)).all())


async def sorted_page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    column: str,
    descending: bool,
    offset: int,
    limit: int,
    dates_known_upto: int = 0,
    odd_dates: Sequence[int] = (),
) -> Sequence[Any] | None:
    """``(rowid, *every column)`` of a page sorted by date or severity, or ``None``.

    Ties keep the original's order.

    The original's walk is a table scan (rowid order) or one index walked in key order (an
    IN list value by value, ascending), rowid order within a key; ORDER BY states that.
    Dates are compared as strings, which is only their instant order when every one is a
    canonical ``toISOString()`` value. Only the dates of the cases after rowid
    ``dates_known_upto`` and of ``odd_dates`` are tested: the others are known canonical.
    """
    if column == "created_at":
        key: Any = CASES.c.created_at
        unknown = dates_known_upto < ROWID
        if odd_dates:
            unknown = or_(unknown, one_of_ints(session, ROWID, odd_dates))
        odd_date = (
            select(ROWID)
            .select_from(CASES)
            .where(unknown, ~glob(session, CASES.c.created_at, CANONICAL_ISO_GLOB))
        )
        if (await session.execute(_where(odd_date, conditions).limit(1))).first() is not None:
            return None
    else:
        key = case(SEVERITY_RANK, value=CASES.c.severity, else_=0)
    statement = (
        _where(select(ROWID.label("key"), CASES), conditions)
        .order_by(key.desc() if descending else key.asc())
        .limit(limit)
        .offset(offset)
    )
    if is_sqlite(session):
        tie_break = _walk_order(await _original_scan(session, conditions))
        if tie_break is None:
            return None
        statement = statement.order_by(*tie_break)
    else:
        statement = sqlite_order(
            session, statement, CASES, planned_as=original_statement(conditions)
        )
    return list((await session.execute(statement)).all())


def _walk_order(plan: tuple[str, ...] | None) -> list[Any] | None:
    """The columns a walk visits rows in, from its EXPLAIN QUERY PLAN step."""
    if plan == _TABLE_SCAN:
        return [ROWID]
    if plan is not None and len(plan) == 1 and (match := _SEARCH_STEP.match(plan[0])):
        column = _INDEX_COLUMN.get(match.group(1))
        if column is not None:
            return [CASES.c[column], ROWID]
    return None


async def _in_scan_order(
    session: AsyncSession,
    statement: Select[Any],
    conditions: Sequence[ColumnElement[bool]],
    *,
    reference: tuple[str, ...] | None = None,
) -> Select[Any] | None:
    """``statement`` made to return rows in the original's order, or ``None`` if unsure.

    ``reference``: the original's plan (SQLite), when the caller has it already.
    """
    if not is_sqlite(session):
        return sqlite_order(session, statement, CASES, planned_as=original_statement(conditions))
    if reference is None:
        reference = await _scan_of(session, original_statement(conditions))
    if reference == _TABLE_SCAN:
        return statement.order_by(ROWID)
    if await _scan_of(session, statement) != reference:
        return None
    return statement


async def _original_scan(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]]
) -> tuple[str, ...] | None:
    """The plan of the original's statement on SQLite (``None`` elsewhere: it is not run)."""
    if not is_sqlite(session):
        return None
    return await _scan_of(session, original_statement(conditions))


async def _scan_of(session: AsyncSession, statement: Select[Any]) -> tuple[str, ...]:
    """The top-level steps of SQLite's plan for ``statement`` (covering or not alike)."""
    sql, parameters = _compiled(session, statement)
    connection = await session.connection()
    result = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters)
    # Only the walk over ``cases``: the subqueries of among/excluding are not part of it.
    steps: list[tuple[Any, ...]] = [tuple(row) for row in result.all()]
    return tuple(
        str(detail).replace("COVERING INDEX", "INDEX")
        for _id, parent, _unused, detail in steps
        if parent == 0 and str(detail).startswith(("SCAN ", "SEARCH ", "MULTI-INDEX OR"))
    )


async def scans_in_rowid_order(session: AsyncSession) -> bool:
    """Whether the original's unfiltered ``SELECT *`` is a plain table scan (rowid order)."""
    if not is_sqlite(session):
        return sqlite_walk(original_statement(()), CASES) == Walk((), backwards=False)
    return await _scan_of(session, original_statement(())) == _TABLE_SCAN


def _compiled(
    session: AsyncSession, statement: Select[Any], *, indexed_by: str | None = None
) -> tuple[str, tuple[Any, ...]]:
    compiled = statement.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    sql = str(compiled)
    if indexed_by is not None:
        sql, found = _FROM_CASES.subn(f"FROM cases INDEXED BY {indexed_by}", sql, count=1)
        if not found:
            raise ValueError("the statement does not read FROM cases")
    return sql, tuple(compiled.params[name] for name in compiled.positiontup or ())


async def _plain_rows(
    session: AsyncSession, statement: Select[Any], *, indexed_by: str | None = None
) -> Sequence[tuple[Any, ...]]:
    """Run ``statement`` on the driver connection: plain tuples, no row objects.

    For the long rowid lists only, where SQLAlchemy's per-row wrapping costs more than the
    query itself. ``indexed_by`` makes SQLite read ``cases`` through that index (SQLAlchemy
    renders no table hints for SQLite).
    """
    sql, parameters = _compiled(session, statement, indexed_by=indexed_by)
    return await driver_rows(session, sql, parameters, width=len(statement.selected_columns))


async def cases_by_key(
    session: AsyncSession, keys: Sequence[Any], *, by_rowid: bool
) -> dict[Any, tuple[Any, ...]]:
    """Full case rows (schema column order) by rowid or by id."""
    key = ROWID if by_rowid else CASES.c.id
    found: dict[Any, tuple[Any, ...]] = {}
    for start in range(0, len(keys), _KEY_CHUNK):
        statement = select(key.label("key"), CASES).where(
            key.in_(list(keys[start : start + _KEY_CHUNK]))
        )
        for row in (await session.execute(statement)).all():
            found[row[0]] = tuple(row[1:])
    return found


async def column_by_rowid(
    session: AsyncSession, rowids: Sequence[int], column: str
) -> dict[int, Any]:
    """``column`` of the given cases, by rowid."""
    statement = among_ints(session, select(ROWID, CASES.c[column]), ROWID, rowids)
    return {row[0]: row[1] for row in await _plain_rows(session, statement)}


async def max_rowid(session: AsyncSession) -> tuple[int, int | None]:
    """The largest case rowid (0 without cases), and the next transaction id then.

    The transaction id is ``None`` on SQLite, where rows become visible in rowid order.
    """
    horizon = transaction_horizon(session)
    following = () if horizon is None else (horizon[1],)
    statement = select(func.max(ROWID), *following).select_from(CASES)
    row = (await session.execute(statement)).one()
    return int(row[0] or 0), None if horizon is None else int(row[1])


async def count_between(session: AsyncSession, low: int, high: int) -> tuple[int, int]:
    """Cases with rowid in (low, high], and the oldest running transaction id then.

    PostgreSQL only (see ``core.sqlcompat.transaction_horizon``).
    """
    horizon = transaction_horizon(session)
    assert horizon is not None, "SQLite needs no unsettled rowids"
    statement = select(func.count(), horizon[0]).select_from(CASES)
    row = (await session.execute(statement.where(ROWID.between(low + 1, high)))).one()
    return int(row[0]), int(row[1])


async def case_texts_after(session: AsyncSession, rowid: int, *, upto: int) -> Sequence[Any]:
    """``(rowid, summary, category, subcategory, created_at)`` of the cases in (rowid, upto]."""
    statement = (
        select(ROWID, CASES.c.summary, CASES.c.category, CASES.c.subcategory, CASES.c.created_at)
        .where(ROWID.between(rowid + 1, upto))
        .order_by(ROWID)
    )
    return await _plain_rows(session, statement)


# -- search analytics -----------------------------------------------------------------------


async def popular_searches(
    session: AsyncSession, *, since: str, limit: int | None
) -> Sequence[Any]:
    """Searches since ``since`` grouped by normalised query, most frequent first."""
    count = func.count()
    statement = (
        select(
            ANALYTICS.c.normalized_query,
            count.label("search_count"),
            func.avg(ANALYTICS.c.result_count).label("avg_result_count"),
            func.avg(ANALYTICS.c.execution_time_ms).label("avg_execution_time_ms"),
            func.max(ANALYTICS.c.created_at).label("last_searched"),
        )
        .where(ANALYTICS.c.created_at >= since)
        .group_by(ANALYTICS.c.normalized_query)
        .order_by(count.desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    return (await session.execute(sqlite_order(session, statement, ANALYTICS))).all()


async def insert_search(session: AsyncSession, values: dict[str, Any]) -> None:
    """Store one logged search."""
    await session.execute(insert(ANALYTICS).values(**values))
