"""SQL that must mean on PostgreSQL what it meant on the original's SQLite.

Every backend-specific piece of SQL lives here; repositories state the original's query
once and call these helpers where SQLite's semantics differ from PostgreSQL's:

* ``LIKE`` ignores the case of ASCII letters only and has no escape character on SQLite
  (``like``, ``contains``);
* text compares by its bytes (the models give PostgreSQL text columns the "C" collation);
* rows that tie in ``ORDER BY``, or a query without one, come in the order SQLite walked
  them (``sqlite_order``). PostgreSQL keeps an explicit ``rowid`` (migration 0004) and
  gets the ORDER BY keys that reproduce that walk; SQLite gets nothing added.

Which walk SQLite chose is not guessed: an empty in-memory SQLite database with the
original's schema plans the statement (``EXPLAIN QUERY PLAN``). The original's database
has no planner statistics, so the plan depends only on the schema and the statement, and
the empty database plans exactly as the original's did.
"""

from __future__ import annotations

import importlib
import json
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import orjson
import structlog
from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    any_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.elements import (
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    ColumnClause,
    UnaryExpression,
)
from sqlalchemy.sql.operators import and_, desc_op, eq

from control_tower.core.sqlbind import sqlite_real_text

log = structlog.get_logger("control_tower.sqlcompat")

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

Executor = AsyncSession | AsyncConnection | str
SelectT = TypeVar("SelectT", bound=Select[Any])


def dialect_of(executor: Executor) -> str:
    """The dialect name of a session, a connection, or a name given as is."""
    if isinstance(executor, str):
        return executor
    if isinstance(executor, AsyncSession):
        return executor.get_bind().dialect.name
    return executor.dialect.name


def is_sqlite(executor: Executor) -> bool:
    return dialect_of(executor) == "sqlite"


def like(executor: Executor, column: Any, pattern: str) -> ColumnElement[bool]:
    """``column LIKE pattern`` with SQLite's meaning: ASCII case-insensitive, no escapes."""
    if is_sqlite(executor):
        return column.like(pattern)  # type: ignore[no-any-return]
    folded = func.lower(column.collate("C"))  # "C": only A-Z are folded, as on SQLite
    return folded.like(pattern.translate(_ASCII_LOWER), escape="")


def contains(executor: Executor, column: Any, text: str) -> ColumnElement[bool]:
    """``column`` holds ``text`` (its wildcards escaped), ASCII case-insensitive as on SQLite."""
    if is_sqlite(executor):
        return column.contains(text, autoescape=True)  # type: ignore[no-any-return]
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    folded = func.lower(column.collate("C"))
    return folded.like(f"%{escaped.translate(_ASCII_LOWER)}%", escape="/")


def one_of(executor: Executor, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN (values)`` as one bound parameter, however many values there are.

    SQLite caps the parameters of a statement, so the list goes in as one JSON text read by
    ``json_each``; PostgreSQL takes a text array.
    """
    if is_sqlite(executor):
        wanted = func.json_each(bindparam("values", json.dumps(list(values)))).table_valued("value")
        return column.in_(select(wanted.c.value))  # type: ignore[no-any-return]
    return column == any_(cast(bindparam("values", list(values)), ARRAY(String())))  # type: ignore[no-any-return]


def _listed_ints(executor: Executor, values: Sequence[int]) -> Any:
    """A one-column table (``value``) of ``values``, bound as one parameter.

    SQLite reads the list as JSON text through ``json_each``; PostgreSQL unnests a bigint
    array (a table the planner can hash, where ``= ANY`` of a prepared statement's
    parameter may test each row against the whole list).
    """
    if is_sqlite(executor):
        text = orjson.dumps(list(values)).decode()
        return func.json_each(bindparam("ids", text, unique=True)).table_valued("value")
    ids = bindparam("ids", list(values), type_=ARRAY(BigInteger()), unique=True)
    return func.unnest(ids).table_valued("value").render_derived()


def one_of_ints(executor: Executor, column: Any, values: Sequence[int]) -> ColumnElement[bool]:
    """``column IN (values)`` for a list of integers, bound as one parameter."""
    return column.in_(select(_listed_ints(executor, values).c.value))  # type: ignore[no-any-return]


def none_of_ints(executor: Executor, column: Any, values: Sequence[int]) -> ColumnElement[bool]:
    """``column NOT IN (values)`` for a long list of integers, bound as one parameter.

    PostgreSQL gets ``NOT EXISTS``, which it plans as an anti-join: ``NOT IN`` a subquery
    whose hash table would not fit in ``work_mem`` is rescanned for every row.
    """
    if is_sqlite(executor):
        return ~one_of_ints(executor, column, values)
    listed = _listed_ints(executor, values)
    return ~exists(select(literal_column("1")).select_from(listed).where(listed.c.value == column))


def among_ints(
    executor: Executor, statement: SelectT, column: Any, values: Sequence[int]
) -> SelectT:
    """``statement`` kept to the rows whose ``column`` is in a long list of integers.

    PostgreSQL joins the unnested list: as ``IN`` (a semi-join) it guesses 200 distinct
    values, and probes an index once per listed value where hashing the list would be
    cheaper. ``column`` must be unique (a rowid), as a join repeats rows otherwise.
    """
    if is_sqlite(executor):
        return statement.where(one_of_ints(executor, column, values))
    listed = _listed_ints(executor, values)
    return statement.join(listed, listed.c.value == column)


_GLOB_CLASS = re.compile(r"\[[^\]]*\]")


def glob(executor: Executor, column: Any, pattern: str) -> ColumnElement[bool]:
    """``column GLOB pattern`` (case-sensitive ``*``, ``?`` and ``[...]``) on either database.

    PostgreSQL gets the equivalent anchored regular expression (``[^...]`` classes are not
    translated: no statement uses them).
    """
    if is_sqlite(executor):
        return column.op("GLOB", is_comparison=True)(pattern)  # type: ignore[no-any-return]
    pieces, position = ["^"], 0
    for match in _GLOB_CLASS.finditer(pattern):
        pieces.append(_glob_literal(pattern[position : match.start()]))
        pieces.append(match.group())
        position = match.end()
    pieces += [_glob_literal(pattern[position:]), "$"]
    return column.op("~", is_comparison=True)("".join(pieces))  # type: ignore[no-any-return]


def _glob_literal(text: str) -> str:
    return "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in text
    )


async def driver_rows(
    session: AsyncSession, sql: str, parameters: Sequence[Any], *, width: int
) -> Sequence[tuple[Any, ...]]:
    """The rows of ``sql`` (``width`` columns) straight from the driver, as plain tuples.

    For the long rowid lists of the search, where SQLAlchemy's per-row wrapping costs more
    than the query itself. ``sql`` is compiled for the session's dialect. PostgreSQL sends
    each column as one array (aggregated in the rows' order): asyncpg's records are
    garbage-collector tracked for life, and tens of thousands of them per request made
    every few requests pay a full collection.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    assert driver is not None, "the driver connection is gone"
    if is_sqlite(session):
        cursor = await driver.execute(sql, tuple(parameters))
        try:
            return list(await cursor.fetchall())
        finally:
            await cursor.close()
    names = [f"c{number}" for number in range(width)]
    aggregated = (
        f"SELECT {', '.join(f'array_agg({name})' for name in names)}"
        f" FROM ({sql}) AS listed({', '.join(names)})"
    )
    columns = await driver.fetchrow(aggregated, *parameters)
    if columns[0] is None:  # no rows
        return []
    return list(zip(*columns, strict=True))


def transaction_horizon(executor: Executor) -> tuple[Any, Any] | None:
    """(oldest running, next) transaction id as of the statement's snapshot, or ``None``.

    PostgreSQL commits concurrent inserts in any order, so a row with a small ``rowid`` can
    become visible after rows with larger ones; every row of a transaction older than the
    oldest running one is visible. SQLite has one writer at a time: rows become visible in
    rowid order, and there is nothing to wait for (``None``).
    """
    if is_sqlite(executor):
        return None
    snapshot = func.pg_current_snapshot()
    oldest, following = func.pg_snapshot_xmin(snapshot), func.pg_snapshot_xmax(snapshot)
    return cast(cast(oldest, String), BigInteger), cast(cast(following, String), BigInteger)


def text_value(executor: Executor, value: Any) -> Any:
    """What SQLite stores when ``value`` is bound to a TEXT column (a REAL becomes its text).

    On SQLite the value is bound as it is and SQLite converts it; elsewhere a float is
    turned into SQLite's text for it first (``123.0`` -> ``"123.0"``).
    """
    if is_sqlite(executor) or not isinstance(value, float):
        return value
    return sqlite_real_text(value)


def rowid(table: Table) -> ColumnElement[int]:
    """The row's insertion order: SQLite's rowid, PostgreSQL's ``rowid`` column."""
    return literal_column(f"{table.name}.rowid", Integer)


# -- SQLite's walk ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Walk:
    """How SQLite reads one table for a statement.

    ``columns``: the index columns walked (in key order, NULL first, then rowid); empty for
    a table scan (rowid order). ``backwards``: the walk runs from the last key to the first.
    ``groups_sorted``: GROUP BY used a sorter rather than an index. ``or_terms``: a
    MULTI-INDEX OR over one column (``col = ? OR col IS NULL``): the rows of each term in
    turn, so the value's rows come before the NULL ones.
    """

    columns: tuple[str, ...]
    backwards: bool
    groups_sorted: bool = False
    or_terms: bool = False


_STEP = re.compile(
    r"^(?P<kind>SCAN|SEARCH) (?P<table>\w+)"
    r"(?: USING (?:COVERING )?INDEX (?P<index>\w+))?"
    r"(?: USING INTEGER PRIMARY KEY)?"
    r"(?: \((?P<terms>.*)\))?$"
)


class _Planner:
    """An empty in-memory SQLite database with the original's schema."""

    def __init__(self) -> None:
        baseline = importlib.import_module("control_tower.migrations.versions.0001_baseline")
        self._connection = sqlite3.connect(":memory:", check_same_thread=False)
        # PostgreSQL statements name the "C" collation; SQLite's BINARY is the same order.
        self._connection.create_collation("C", lambda a, b: (a > b) - (a < b))
        for statement in baseline.ORIGINAL_SQLITE_DDL:
            self._connection.execute(statement)
        self._index_columns: dict[str, tuple[str, ...]] = {}
        for (name,) in self._connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
        ).fetchall():
            info = self._connection.execute(f"PRAGMA index_info('{name}')").fetchall()
            self._index_columns[name] = tuple(row[2] for row in info)
        self._lock = threading.Lock()

    def plan(self, sql: str, parameters: tuple[Any, ...]) -> list[str]:
        with self._lock:
            rows = self._connection.execute("EXPLAIN QUERY PLAN " + sql, parameters).fetchall()
        return [str(row[3]) for row in rows]

    def refusal(self, sql: str, parameters: tuple[Any, ...]) -> str | None:
        """SQLite's error preparing ``sql`` (e.g. an expression tree too deep), or ``None``."""
        try:
            with self._lock:
                self._connection.execute("EXPLAIN " + sql, parameters).fetchall()
        except sqlite3.OperationalError as exc:
            return str(exc)
        return None

    def index_columns(self, name: str) -> tuple[str, ...]:
        return self._index_columns.get(name, ())


@lru_cache(maxsize=1)
def _planner() -> _Planner:
    return _Planner()


_EQUAL_TERM = re.compile(r"(\w+)=\?")

OrderKeys = tuple[tuple[str | None, bool], ...]


@lru_cache(maxsize=512)
def _walk(
    sql: str,
    parameters: tuple[Any, ...],
    table: str,
    order: OrderKeys,
    equal: frozenset[str],
) -> Walk:
    planner = _planner()
    steps = planner.plan(sql, parameters)
    sorted_after = any(step.startswith("USE TEMP B-TREE FOR") for step in steps)
    groups_sorted = "USE TEMP B-TREE FOR GROUP BY" in steps
    if "MULTI-INDEX OR" in steps:
        walked = {
            planner.index_columns(match["index"])
            for step in steps
            if (match := _STEP.match(step)) and match["table"] == table and match["index"]
        }
        if len(walked) == 1:
            return Walk(walked.pop(), False, groups_sorted, or_terms=True)
        # No statement of the service ORs several indexed columns; rowid order is closest.
        log.warning("sqlcompat.unknown_walk", table=table, steps=steps)
    for step in steps:
        match = _STEP.match(step)
        if match is None or match["table"] != table:
            continue
        index = match["index"]
        columns = planner.index_columns(index) if index else ()
        # Without a sort step SQLite met the ORDER BY by its walk: backwards when the first
        # key that no ``=`` term pins to one value is descending (none: no direction).
        pinned = equal | set(_EQUAL_TERM.findall(match["terms"] or ""))
        deciding = next((desc for name, desc in order if name not in pinned), False)
        return Walk(columns, bool(columns) and deciding and not sorted_after, groups_sorted)
    return Walk((), False, groups_sorted)


def _order_keys(statement: Select[Any]) -> OrderKeys:
    keys: list[tuple[str | None, bool]] = []
    for clause in statement._order_by_clauses:  # the statement's own ORDER BY
        descending = isinstance(clause, UnaryExpression) and clause.modifier is desc_op
        element = clause.element if isinstance(clause, UnaryExpression) else clause
        keys.append((getattr(element, "name", None), descending))
    return tuple(keys)


def _equal_columns(statement: Select[Any]) -> frozenset[str]:
    """Columns the WHERE clause pins with ``column = value`` among its ANDed terms."""
    pending = list(statement._where_criteria)  # the statement's own WHERE terms
    names = set()
    while pending:
        term = pending.pop()
        if isinstance(term, BooleanClauseList) and term.operator is and_:
            pending.extend(term.clauses)
        elif (
            isinstance(term, BinaryExpression)
            and term.operator is eq
            and isinstance(term.left, ColumnClause)
            and isinstance(term.right, BindParameter)
        ):
            names.add(term.left.name)
    return frozenset(names)


def _sqlite_sql(statement: Select[Any]) -> tuple[str, tuple[Any, ...]]:
    compiled = statement.compile(
        dialect=sqlite_dialect.dialect(), compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    return str(compiled), tuple(params[name] for name in compiled.positiontup or ())


_WALKS_BY_SHAPE: dict[Any, Walk] = {}
_WALKS_BY_SHAPE_MAX = 1024


def _shape(statement: Select[Any], table: Table) -> Any:
    """What the walk depends on: the statement's structure without its bound values.

    SQLAlchemy's own cache key, plus the length of each expanding ``IN`` list (rendered
    as that many placeholders); ``None`` when the statement cannot be keyed.
    """
    key = statement._generate_cache_key()
    if key is None:
        return None
    lengths = tuple(
        len(bind.value) for bind in key.bindparams if bind.expanding and bind.value is not None
    )
    return key.key, lengths, table.name


def sqlite_walk(statement: Select[Any], table: Table) -> Walk:
    """How SQLite walks ``table`` for ``statement`` (planned on the original's schema).

    Compiling the statement to SQLite's SQL costs more than running a small query on
    PostgreSQL, so the walk is remembered per statement shape.
    """
    shape = _shape(statement, table)
    if shape is not None and (known := _WALKS_BY_SHAPE.get(shape)) is not None:
        return known
    sql, parameters = _sqlite_sql(statement)
    # Without planner statistics the values bound do not change the plan.
    walk = _walk(
        sql,
        (None,) * len(parameters),
        table.name,
        _order_keys(statement),
        _equal_columns(statement),
    )
    if shape is not None:
        if len(_WALKS_BY_SHAPE) >= _WALKS_BY_SHAPE_MAX:
            _WALKS_BY_SHAPE.clear()
        _WALKS_BY_SHAPE[shape] = walk
    return walk


SQLITE_MAX_LIKE_PATTERN_BYTES = 50_000


def sqlite_refusal(executor: Executor, statement: Select[Any]) -> str | None:
    """The error SQLite gives for a statement beyond its limits, when not running on SQLite.

    SQLite refuses an expression nested deeper than 1000 levels (a long OR chain) when it
    prepares the statement, and a LIKE pattern over 50,000 bytes when it compares one
    (any bound string that long is taken to be such a pattern). On SQLite itself the
    statement is simply run and fails, so this returns ``None`` there.
    """
    if is_sqlite(executor):
        return None
    sql, parameters = _sqlite_sql(statement)
    refused = _planner().refusal(sql, (None,) * len(parameters))
    if refused is not None:
        return refused
    for value in parameters:
        if isinstance(value, str) and len(value.encode()) > SQLITE_MAX_LIKE_PATTERN_BYTES:
            return "LIKE or GLOB pattern too complex"
    return None


def sqlite_order(
    executor: Executor,
    statement: SelectT,
    table: Table,
    *,
    planned_as: Select[Any] | None = None,
) -> SelectT:
    """``statement`` with ORDER BY keys that make PostgreSQL return rows as SQLite did.

    SQLite returns rows in the order it walked ``table`` where the statement's ORDER BY
    leaves ties (its sort is stable), or throughout when there is no ORDER BY. The walk's
    keys (index columns, then the rowid) are appended; on SQLite nothing changes.
    ``planned_as``: the statement whose walk to reproduce, when it is not ``statement``
    itself (the original's ``SELECT *`` for a query that reads fewer columns).
    """
    if is_sqlite(executor):
        return statement
    walk = sqlite_walk(statement if planned_as is None else planned_as, table)
    groups = list(statement._group_by_clauses)  # the statement's own GROUP BY
    if groups:
        # Groups reach the ORDER BY sort in ascending key order; after a GROUP BY sorter,
        # SQLite's ORDER BY sort returns equal rows in the sort's direction instead.
        order = _order_keys(statement)
        reverse = walk.groups_sorted and bool(order) and order[0][1]
        return statement.order_by(*(key.desc() if reverse else key.asc() for key in groups))
    keys = [_walk_key(table.c[name], walk) for name in walk.columns]
    row = rowid(table)
    return statement.order_by(*keys, row.desc() if walk.backwards else row.asc())


def _walk_key(column: Any, walk: Walk) -> Any:
    """One index column of ``walk`` as an ORDER BY key, NULLs where SQLite put them.

    A NOT NULL column gets no NULLS clause: one that differs from PostgreSQL's default for
    the direction would keep it from reading the column's index in order.
    """
    key = column.desc() if walk.backwards else column.asc()
    if not column.nullable:
        return key
    if walk.or_terms:  # the rows of "= value", then those of "IS NULL"
        return key.nulls_last()
    # SQLite's indexes keep NULL first, so a backwards walk meets them last.
    return key.nulls_last() if walk.backwards else key.nulls_first()
