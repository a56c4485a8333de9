"""An in-memory index of the lowercased case texts that keyword search reads.

The original loaded every case and tested each keyword against the lowercased ``summary``,
``category`` and ``subcategory`` in JavaScript. A table scan per search is too slow at
200k cases, so each process keeps those texts, by rowid, in a form that answers "which
cases does this keyword hit, and in which fields" without touching every row:

* each column's distinct values, lowercased once, are searched per keyword;
* a case is reduced to its *combination* of the three values; a keyword hit mask (see
  ``scoring``) is computed per combination, and a combination lists its cases.

Real summaries are mostly distinct, demo data repeats a few hundred; both stay cheap.

Freshness rests on how the service writes cases: they are only ever *inserted* (seed,
uploads), with growing rowids, and no route changes a case's summary, category,
subcategory or creation date (escalation changes severity and the risk flag only). Each
search compares the table's ``max(rowid)`` with the index and loads the new rows; a smaller
maximum means the table was replaced, and the index is rebuilt. The search also checks
every case it returns against the database and rebuilds the index if they disagree.

On PostgreSQL concurrent uploads can commit out of rowid order, so rows below the loaded
maximum may still appear. Each load notes the next transaction id; until every transaction
older than that has ended, the rowids it covered are *unsettled* and each refresh counts
them (an index range scan over recent rowids). More rows than the index holds there means
a late commit, and the index is rebuilt. Not covered: a transaction whose first write is a
case takes its transaction id just after that case's rowid, so a refresh in those few
microseconds could settle the rowid while its row is still to come.

The index also notes the cases whose ``created_at`` is not ``toISOString()`` text, so that
a date sort need not test the date of every matching case (``repository.sorted_page``).
"""

from __future__ import annotations

import asyncio
import contextlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import AsyncIterator, Iterable, Sequence
from itertools import chain
from typing import Any, Final
from weakref import WeakKeyDictionary

import structlog
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.warmup import warming
from control_tower.search import repository
from control_tower.search.parser import js_lower
from control_tower.search.ranking import is_canonical_iso

log = structlog.get_logger("control_tower.search")

_SEPARATOR: Final = "\x00"
# Above this many distinct values, search one joined string instead of each value.
_JOINED_SEARCH_FROM: Final = 4096


class _Distinct:
    """The distinct values of one column, lowercased, with the combinations using each."""

    def __init__(self) -> None:
        self.code_of: dict[str | None, int] = {}
        self.lowered: list[str] = []
        self.combos: list[list[int]] = []
        self._joined: str | None = None
        self._starts: array[int] = array("q")

    def add(self, value: str | None) -> int:
        """Give a new value its code."""
        code = self.code_of[value] = len(self.lowered)
        self.lowered.append(js_lower(value or ""))
        self.combos.append([])
        self._joined = None
        return code

    def codes_containing(self, keyword: str) -> list[int]:
        """Codes of the values whose lowercased text contains ``keyword``."""
        if len(self.lowered) < _JOINED_SEARCH_FROM:
            return [code for code, text in enumerate(self.lowered) if keyword in text]
        joined, starts = self._joined_texts()
        found: list[int] = []
        width = len(keyword)
        index = joined.find(keyword)
        while index >= 0:
            code = bisect_right(starts, index) - 1
            end = starts[code + 1] - 1 if code + 1 < len(starts) else len(joined)
            if index + width <= end:
                found.append(code)
                index = joined.find(keyword, end + 1)
            else:
                index = joined.find(keyword, index + 1)
        return found

    def _joined_texts(self) -> tuple[str, array[int]]:
        if self._joined is None:
            starts = array("q")
            offset = 0
            for text in self.lowered:
                starts.append(offset)
                offset += len(text) + 1
            self._joined, self._starts = _SEPARATOR.join(self.lowered), starts
        return self._joined, self._starts


class CaseTextIndex:
    """Lowercased summary/category/subcategory of every case, by rowid (ascending).

    ``odd_dates``: rowids of the cases whose ``created_at`` is not ``toISOString()`` text.
    """

    def __init__(self) -> None:
        self.rowids: array[int] = array("q")
        self.odd_dates: list[int] = []
        self.loaded_upto = 0
        # Rowids up to here are all in the index; above it, ``(upto, transaction id)``
        # marks of loads whose rows a transaction still running might add to.
        self.settled_upto = 0
        self.unsettled: list[tuple[int, int]] = []
        self._combo_of_row: array[int] = array("q")
        self._combo_code: dict[tuple[int, int, int], int] = {}
        self._combo_rows: list[array[int]] = []
        self._columns = (_Distinct(), _Distinct(), _Distinct())
        self.lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self.rowids)

    def extend(self, batches: Iterable[Sequence[Any]], *, upto: int) -> None:
        """Append ``(rowid, summary, category, subcategory, created_at)`` rows, rowids ascending."""
        summaries, categories, subcategories = self._columns
        summary_code, category_code = summaries.code_of.get, categories.code_of.get
        subcategory_code, combo_code = subcategories.code_of.get, self._combo_code.get
        combo_rows, combos_of_rows = self._combo_rows, self._combo_of_row
        position = len(self.rowids)
        for rows in batches:
            self.rowids.extend(row[0] for row in rows)
            self.odd_dates.extend(row[0] for row in rows if not is_canonical_iso(row[4]))
            for _rowid, summary, category, subcategory, _created_at in rows:
                # Inlined lookups: this loop runs once per case when the index is built.
                first = summary_code(summary)
                if first is None:
                    first = summaries.add(summary)
                second = category_code(category)
                if second is None:
                    second = categories.add(category)
                third = subcategory_code(subcategory)
                if third is None:
                    third = subcategories.add(subcategory)
                key = (first, second, third)
                combo = combo_code(key)
                if combo is None:
                    combo = self._add_combo(key)
                combo_rows[combo].append(position)
                combos_of_rows.append(combo)
                position += 1
        self.loaded_upto = upto

    def _add_combo(self, key: tuple[int, int, int]) -> int:
        combo = self._combo_code[key] = len(self._combo_rows)
        self._combo_rows.append(array("q"))
        for column, code in zip(self._columns, key, strict=True):
            column.combos[code].append(combo)
        return combo

    def masks(self, keywords: Sequence[str]) -> dict[int, int]:
        """Keyword hit masks of the combinations any keyword hits (see ``scoring``)."""
        masks: dict[int, int] = {}
        for index, keyword in enumerate(keywords):
            for bit, column in enumerate(self._columns):
                flag = 1 << (3 * index + bit)
                for code in column.codes_containing(keyword):
                    for combo in column.combos[code]:
                        masks[combo] = masks.get(combo, 0) | flag
        return masks

    def rowids_of(self, combos: Iterable[int]) -> list[int]:
        """Rowids of the cases with any of ``combos``, ascending."""
        rows, rowids = self._combo_rows, self.rowids
        return [rowids[p] for p in sorted(chain.from_iterable(rows[combo] for combo in combos))]

    def rowid_values(self, values: dict[int, int]) -> dict[int, int]:
        """``{rowid: values[combo]}`` for every case whose combination is in ``values``."""
        found: dict[int, int] = {}
        rowid_at = self.rowids.__getitem__
        for combo, value in values.items():
            found.update(dict.fromkeys(map(rowid_at, self._combo_rows[combo]), value))
        return found

    def count_of(self, combos: Iterable[int]) -> int:
        """How many cases have any of ``combos``."""
        return sum(len(self._combo_rows[combo]) for combo in combos)

    def count_between(self, low: int, high: int) -> int:
        """How many cases the index holds with rowid in (low, high]."""
        return bisect_right(self.rowids, high) - bisect_right(self.rowids, low)

    def combo_of(self, rowid: int) -> int | None:
        """The combination of the case with ``rowid``; ``None`` if the index lacks it."""
        position = bisect_left(self.rowids, rowid)
        if position == len(self.rowids) or self.rowids[position] != rowid:
            return None
        return self._combo_of_row[position]


_INDEXES: WeakKeyDictionary[Any, CaseTextIndex] = WeakKeyDictionary()
_BATCH: Final = 50_000


async def current_index(session: AsyncSession, *, rebuild: bool = False) -> CaseTextIndex:
    """The index for this session's database, brought up to date."""
    engine = session.get_bind()
    index = _INDEXES.get(engine)
    if index is None or rebuild:
        index = _INDEXES[engine] = CaseTextIndex()
    async with index.lock:
        latest, next_transaction = await repository.max_rowid(session)
        if latest < index.loaded_upto or not await _settle(session, index):
            index = _INDEXES[engine] = CaseTextIndex()
        loaded = index.loaded_upto
        # One batch at a time: holding every row before indexing them took a worker to
        # several times the index's own size at a million cases.
        while index.loaded_upto < latest:
            low = index.loaded_upto
            high = min(latest, low + _BATCH)
            index.extend([await repository.case_texts_after(session, low, upto=high)], upto=high)
        if next_transaction is None:
            index.settled_upto = index.loaded_upto
        elif index.loaded_upto > loaded:
            index.unsettled.append((index.loaded_upto, next_transaction))
    return index


async def _settle(session: AsyncSession, index: CaseTextIndex) -> bool:
    """Settle what no running transaction can add to; ``False`` if rows came in late."""
    if not index.unsettled:
        return True
    low, high = index.settled_upto, index.loaded_upto
    count, oldest_running = await repository.count_between(session, low, high)
    if count != index.count_between(low, high):
        log.warning("search.index_late_rows", low=low, high=high)
        return False
    while index.unsettled and index.unsettled[0][1] <= oldest_running:
        index.settled_upto = index.unsettled.pop(0)[0]
    return True


async def warm_index(app: FastAPI) -> CaseTextIndex | None:
    """Build the index of ``app``'s database now, so no search request pays for it."""
    try:
        async with app.state.db.session() as session:
            index = await current_index(session)
    except SQLAlchemyError as exc:
        log.warning("search.index_warm_failed", error=type(exc).__name__)
        return None
    log.info("search.index_warmed", cases=len(index))
    return index


@contextlib.asynccontextmanager
async def search_index_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm the search index in the background at startup; stop warming at shutdown."""
    async with warming(app, "search_index", warm_index):
        yield
