"""Recent cases kept in memory and indexed, so trending does not reload and rescan the window.

Trending, topic detail and predictions read every case of up to the last 14 days (the light
``CaseData`` columns) in the database's row order. On SQLite that order is (created_at,
rowid), and the only writes the application makes to cases are inserts (uploads, demo mode)
and escalations, which change no ``CaseData`` column. So each process keeps the cases
created since a floor instant in a sorted snapshot and, before each use, compares a
fingerprint of the table (max rowid, row count, first and last created_at; four index
look-ups):

* unchanged: the snapshot is used as it is;
* rows were only appended (every row past the old max rowid is new, none went away): the
  new rows are read by rowid and merged in;
* anything else (deletes, a reseed, a request older than the floor): it is reloaded.

A range of the snapshot is exactly what the range query would return. The snapshot groups
case positions by (summary, business unit, category), so a period answers term counts,
first-seen order, matching cases and per-day counts with binary searches per group instead
of a pass over every case. Only an external edit of an existing case's summary, business
unit, category or creation time that keeps the fingerprint would go unseen.

PostgreSQL has the same order through its ``rowid`` column (migration 0004). There a
transaction can commit a smaller rowid after a larger one is visible; the row count in the
fingerprint then disagrees with the rows past the old maximum, and the snapshot is
reloaded instead of merged, so a late commit is never skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from heapq import merge
from itertools import islice
from typing import Any, overload

import structlog
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import DAY_MS, iso_from_ms, ms_from_iso
from control_tower.core.warmup import warming
from control_tower.trending import repository
from control_tower.trending.analysis import (
    LOOKBACK_DAYS,
    Breakdown,
    CaseData,
    CaseListSource,
    LocalDays,
    Period,
    Source,
)
from control_tower.trending.terms import case_terms

log = structlog.get_logger("control_tower.trending")

Fingerprint = tuple[int, int, str | None, str | None]
Row = tuple[int, str, str, str, str, str]

LOOKBACK_MS = LOOKBACK_DAYS * DAY_MS
FLOOR_MARGIN_MS = DAY_MS
PRUNE_AFTER_MS = 3 * DAY_MS


@dataclass(frozen=True, slots=True)
class Group:
    """Positions (ascending) of the snapshot's cases sharing summary, unit and category."""

    unit: str
    category: str
    positions: list[int]


@dataclass(frozen=True, slots=True)
class Summary:
    """One distinct summary of the snapshot: its terms and its case groups."""

    terms: tuple[str, ...]
    groups: list[Group]


class PackedText(Sequence[str]):
    """Strings stored end to end in one string, with an array of where each ends.

    A million-case window holds half a million ids and creation times. As separate ``str``
    objects each costs about 57 bytes beyond its characters; packed, 8 (its end offset).
    Reading one builds it anew: the few hundred reads a request makes (bisecting, sample
    cases) cost nothing next to that.
    """

    __slots__ = ("_ends", "_text")

    def __init__(self, text: str = "", ends: array[int] | None = None) -> None:
        self._text = text
        self._ends = ends if ends is not None else array("q")

    @classmethod
    def of(cls, values: Iterable[str]) -> PackedText:
        builder = PackedTextBuilder()
        builder.extend(list(values))
        return builder.build()

    def __len__(self) -> int:
        return len(self._ends)

    def _start(self, position: int) -> int:
        return self._ends[position - 1] if position else 0

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> PackedText: ...

    def __getitem__(self, index: int | slice) -> str | PackedText:
        if isinstance(index, slice):
            low, high, step = index.indices(len(self))
            if step != 1:
                return PackedText.of(self[position] for position in range(low, high, step))
            high = max(low, high)
            if high == low:
                return PackedText()
            base = self._start(low)
            ends = array("q", (end - base for end in self._ends[low:high]))
            return PackedText(self._text[base : self._ends[high - 1]], ends)
        position = range(len(self))[index]
        return self._text[self._start(position) : self._ends[position]]


class PackedTextBuilder:
    """Packs strings batch by batch (each batch joined once; all of them at the end)."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._ends: array[int] = array("q")
        self._size = 0

    def extend(self, values: list[str]) -> None:
        self._chunks.append("".join(values))
        ends, end = self._ends, self._size
        for value in values:
            end += len(value)
            ends.append(end)
        self._size = end

    def build(self) -> PackedText:
        return PackedText("".join(self._chunks), self._ends)


class _Rows(Sequence[CaseData]):
    """The snapshot's cases as ``CaseData``, built on access from its columns."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot

    def __len__(self) -> int:
        return len(self._snapshot.keys)

    def _at(self, position: int) -> CaseData:
        snapshot = self._snapshot
        return CaseData(
            snapshot.ids[position],
            snapshot.summary_of[position],
            snapshot.unit_of[position],
            snapshot.category_of[position],
            snapshot.keys[position],
        )

    @overload
    def __getitem__(self, index: int) -> CaseData: ...

    @overload
    def __getitem__(self, index: slice) -> list[CaseData]: ...

    def __getitem__(self, index: int | slice) -> CaseData | list[CaseData]:
        if isinstance(index, slice):
            return [self._at(position) for position in range(*index.indices(len(self)))]
        return self._at(range(len(self))[index])


class SnapshotBuilder:
    """Columns of a snapshot filled batch by batch, so no full list of rows is ever held."""

    def __init__(self) -> None:
        self.keys = PackedTextBuilder()
        self.rowids: array[int] = array("q")
        self.ids = PackedTextBuilder()
        self.summary_of: list[str] = []
        self.unit_of: list[str] = []
        self.category_of: list[str] = []

    def add(self, rows: Iterable[Row]) -> None:
        intern = sys.intern
        keys: list[str] = []
        ids: list[str] = []
        rowids = self.rowids
        summary_of, unit_of, category_of = self.summary_of, self.unit_of, self.category_of
        for rowid, case_id, summary, unit, category, created_at in rows:
            keys.append(created_at)
            rowids.append(rowid)
            ids.append(case_id)
            summary_of.append(intern(summary))
            unit_of.append(intern(unit))
            category_of.append(intern(category))
        self.keys.extend(keys)
        self.ids.extend(ids)

    def build(self) -> Snapshot:
        return Snapshot(
            self.keys.build(),
            self.rowids,
            self.ids.build(),
            self.summary_of,
            self.unit_of,
            self.category_of,
        )


class Snapshot:
    """An immutable, indexed list of cases in (created_at, rowid) order.

    Stored by column (a million-case window is half a million rows): the creation times
    and ids packed (``PackedText``), the rowids as machine integers, and the summary, unit
    and category as references to one shared string each.
    """

    def __init__(
        self,
        keys: PackedText,
        rowids: array[int],
        ids: PackedText,
        summary_of: list[str],
        unit_of: list[str],
        category_of: list[str],
    ) -> None:
        self.keys = keys
        self.rowids = rowids
        self.ids = ids
        self.summary_of = summary_of
        self.unit_of = unit_of
        self.category_of = category_of
        self.rows: Sequence[CaseData] = _Rows(self)
        # Positions stay a list: bisect reads lists directly, an array boxes every probe.
        index: dict[str, dict[tuple[str, str], list[int]]] = {}
        for position, (summary, unit, category) in enumerate(
            zip(summary_of, unit_of, category_of, strict=True)
        ):
            by_pair = index.get(summary)
            if by_pair is None:
                by_pair = index[summary] = {}
            pair = (unit, category)
            positions = by_pair.get(pair)
            if positions is None:
                by_pair[pair] = [position]
            else:
                positions.append(position)
        self.summaries: dict[str, Summary] = {
            summary: Summary(
                case_terms(summary),
                [Group(unit, category, found) for (unit, category), found in pairs.items()],
            )
            for summary, pairs in index.items()
        }

    @classmethod
    def of_rows(cls, rows: Iterable[Row]) -> Snapshot:
        """A snapshot of ``(rowid, id, summary, unit, category, created_at)`` rows in order."""
        builder = SnapshotBuilder()
        builder.add(rows)
        return builder.build()

    def _row(self, position: int) -> Row:
        return (
            self.rowids[position],
            self.ids[position],
            self.summary_of[position],
            self.unit_of[position],
            self.category_of[position],
            self.keys[position],
        )

    def merged(self, added: Sequence[Row]) -> Snapshot:
        """This snapshot with ``added`` rows (sorted by created_at, rowid) merged in."""
        existing = (self._row(position) for position in range(len(self.keys)))
        return Snapshot.of_rows(merge(existing, added, key=lambda row: (row[5], row[0])))

    def since(self, floor: str) -> Snapshot:
        cut = bisect_left(self.keys, floor)
        return Snapshot(
            self.keys[cut:],
            self.rowids[cut:],
            self.ids[cut:],
            self.summary_of[cut:],
            self.unit_of[cut:],
            self.category_of[cut:],
        )

    def bounds(self, start: str, end: str) -> tuple[int, int]:
        """Positions ``[low, high)`` of the cases with ``start <= created_at <= end``."""
        low = bisect_left(self.keys, start)
        return low, max(low, bisect_right(self.keys, end))


class IndexedPeriod:
    """The snapshot's cases in positions ``[low, high)`` (of ``scope``'s unit, when set)."""

    def __init__(self, snapshot: Snapshot, low: int, high: int, scope: str | None) -> None:
        self.snapshot = snapshot
        self.low = low
        self.high = high
        self.scope = scope
        self._frequencies: dict[str, int] | None = None
        self._postings: dict[str, list[str]] = {}
        self._size = 0

    def _groups(self, summary: str) -> Iterator[tuple[Group, int, int]]:
        """Groups of ``summary`` with the range of their positions inside the period."""
        low, high, scope = self.low, self.high, self.scope
        entry = self.snapshot.summaries.get(summary)
        for group in entry.groups if entry is not None else ():
            if scope is not None and group.unit != scope:
                continue
            positions = group.positions
            start = bisect_left(positions, low)
            end = bisect_left(positions, high, lo=start)
            if end > start:
                yield group, start, end

    def _present(self) -> Iterable[tuple[str, int]]:
        """``(summary, cases)`` of the summaries in the period, in first-seen order."""
        summaries = self.snapshot.summaries
        if len(summaries) * 4 > self.high - self.low:
            # Mostly distinct summaries: counting the period's cases is cheaper.
            cases = self.snapshot.rows[self.low : self.high]
            if self.scope is None:
                return Counter(map(_summary_of, cases)).items()
            scope = self.scope
            return Counter(c.summary for c in cases if c.business_unit == scope).items()
        present: list[tuple[int, str, int]] = []
        for summary in summaries:
            count = 0
            first = -1
            for group, start, end in self._groups(summary):
                count += end - start
                position = group.positions[start]
                if first < 0 or position < first:
                    first = position
            if count:
                present.append((first, summary, count))
        present.sort()
        return [(summary, count) for _, summary, count in present]

    def _index(self) -> dict[str, int]:
        if self._frequencies is not None:
            return self._frequencies
        summaries = self.snapshot.summaries
        frequencies: dict[str, int] = {}
        postings: dict[str, list[str]] = {}
        size = 0
        for summary, count in self._present():
            size += count
            for term in summaries[summary].terms:
                if term in frequencies:
                    frequencies[term] += count
                    postings[term].append(summary)
                else:
                    frequencies[term] = count
                    postings[term] = [summary]
        self._frequencies, self._postings, self._size = frequencies, postings, size
        return frequencies

    @property
    def size(self) -> int:
        if self.scope is None:
            return self.high - self.low
        self._index()
        return self._size

    @property
    def frequencies(self) -> Mapping[str, int]:
        return self._index()

    def count(self, term: str) -> int:
        return self._index().get(term, 0)

    def _term_groups(self, term: str) -> Iterator[tuple[Group, int, int]]:
        self._index()
        for summary in self._postings.get(term, ()):
            yield from self._groups(summary)

    def matching(self, term: str, limit: int) -> list[CaseData]:
        runs = [
            map(group.positions.__getitem__, range(start, end))
            for group, start, end in self._term_groups(term)
        ]
        rows = self.snapshot.rows
        return [rows[position] for position in islice(merge(*runs), limit)]

    def business_units(self, term: str) -> list[str]:
        first_seen: dict[str, int] = {}
        for group, start, _ in self._term_groups(term):
            position = group.positions[start]
            known = first_seen.get(group.unit)
            if known is None or position < known:
                first_seen[group.unit] = position
        return sorted(first_seen, key=first_seen.__getitem__)

    def breakdown(self, term: str) -> Breakdown:
        units: dict[str, list[int]] = {}
        categories: dict[str, list[int]] = {}
        for group, start, end in self._term_groups(term):
            position = group.positions[start]
            for key, totals in ((group.unit, units), (group.category, categories)):
                entry = totals.get(key)
                if entry is None:
                    totals[key] = [position, end - start]
                else:
                    entry[0] = min(entry[0], position)
                    entry[1] += end - start
        return Breakdown(_first_seen(units), _first_seen(categories))

    def daily_counts(self, term: str, days: LocalDays) -> list[int]:
        keys = self.snapshot.keys
        lows: list[int] = []
        highs: list[int] = []
        for day_start, day_end in zip(days.starts, days.ends, strict=True):
            low = max(self.low, bisect_left(keys, day_start))
            lows.append(low)
            highs.append(max(low, min(self.high, bisect_right(keys, day_end))))
        totals = [0] * len(lows)
        for group, start, end in self._term_groups(term):
            positions = group.positions
            if end - start <= len(lows):
                # Few cases: place each in its day.
                for position in positions[start:end]:
                    day = bisect_right(lows, position) - 1
                    if day >= 0 and position < highs[day]:
                        totals[day] += 1
                continue
            for day, (low, high) in enumerate(zip(lows, highs, strict=True)):
                first = bisect_left(positions, low, start, end)
                totals[day] += bisect_left(positions, high, first, end) - first
        return totals


def _summary_of(case: CaseData) -> str:
    return case.summary


def _first_seen(totals: dict[str, list[int]]) -> dict[str, int]:
    ordered = sorted(totals.items(), key=lambda item: item[1][0])
    return {key: entry[1] for key, entry in ordered}


class SnapshotSource:
    """A ``Source`` over a range of a snapshot."""

    def __init__(self, snapshot: Snapshot, start: str, end: str, scope: str | None) -> None:
        self.snapshot = snapshot
        self.low, self.high = snapshot.bounds(start, end)
        self.scope = scope
        self._whole = IndexedPeriod(snapshot, self.low, self.high, scope)

    @property
    def size(self) -> int:
        return self._whole.size

    def period(self, start: str, end: str) -> Period:
        low, high = self.snapshot.bounds(start, end)
        low, high = max(low, self.low), min(high, self.high)
        return IndexedPeriod(self.snapshot, low, max(low, high), self.scope)


class RecentCases:
    """The cases created since ``floor``, as a snapshot refreshed on use."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.floor: str | None = None
        self.fingerprint: Fingerprint | None = None
        self.snapshot = Snapshot.of_rows(())
        self.reloads = 0
        self.merges = 0

    async def source(
        self, session: AsyncSession, start: str, end: str, *, scope: str | None
    ) -> SnapshotSource:
        """The cases with ``start <= created_at <= end`` (of ``scope``'s unit)."""
        async with self.lock:
            await self._sync(session, start, end)
            snapshot = self.snapshot
        return SnapshotSource(snapshot, start, end, scope)

    @staticmethod
    def _floor_for(start: str, end: str) -> int:
        # Keep the longest lookback any caller uses, so 24-hour and 14-day requests share
        # one snapshot instead of reloading each other's.
        return min(ms_from_iso(start), ms_from_iso(end) - LOOKBACK_MS) - FLOOR_MARGIN_MS

    async def _sync(self, session: AsyncSession, start: str, end: str) -> None:
        fingerprint = await repository.case_fingerprint(session)
        if self.floor is None or self.fingerprint is None or start < self.floor:
            await self._reload(session, self._floor_for(start, end), fingerprint)
            return
        if fingerprint != self.fingerprint:
            old_max, old_count = self.fingerprint[0], self.fingerprint[1]
            new_max, new_count = fingerprint[0], fingerprint[1]
            appended = new_max > old_max and new_count - old_count == (
                await repository.count_rowids_between(session, old_max, new_max)
            )
            if not appended:
                await self._reload(session, self._floor_for(start, end), fingerprint)
                return
            added = await repository.rows_since(
                session, self.floor, after_rowid=old_max, upto_rowid=new_max
            )
            if added:
                self.snapshot = self.snapshot.merged(added)
            self.fingerprint = fingerprint
            self.merges += 1
        floor_ms = self._floor_for(start, end)
        if floor_ms - ms_from_iso(self.floor) > PRUNE_AFTER_MS:
            self.floor = iso_from_ms(floor_ms)
            self.snapshot = self.snapshot.since(self.floor)

    async def _reload(self, session: AsyncSession, floor_ms: int, fingerprint: Fingerprint) -> None:
        floor = iso_from_ms(floor_ms)
        builder = SnapshotBuilder()
        async for batch in repository.rows_since_in_batches(
            session, floor, upto_rowid=fingerprint[0]
        ):
            builder.add(batch)
        self.snapshot = builder.build()
        self.floor = floor
        self.fingerprint = fingerprint
        self.reloads += 1


_CACHES: weakref.WeakKeyDictionary[Any, RecentCases] = weakref.WeakKeyDictionary()
ENABLED = True


def cache_for(session: AsyncSession) -> RecentCases:
    """The recent-cases cache of the database ``session`` talks to."""
    engine = session.get_bind()
    cache = _CACHES.get(engine)
    if cache is None:
        cache = _CACHES[engine] = RecentCases()
    return cache


def indexed() -> bool:
    """Whether ``source`` answers from the in-memory index or loads rows (when disabled)."""
    return ENABLED


async def source(session: AsyncSession, start: str, end: str, *, scope: str | None) -> Source:
    """The cases with ``start <= created_at <= end`` in the original's row order."""
    if indexed():
        return await cache_for(session).source(session, start, end, scope=scope)
    return CaseListSource(await repository.cases_between(session, start, end, scope=scope))


async def warm_window(app: FastAPI) -> RecentCases | None:
    """Load the last fortnight into the snapshot now, so no trending request pays for it."""
    if not indexed():
        return None
    now_ms = app.state.clock.now_ms()
    start, end = iso_from_ms(now_ms - LOOKBACK_MS), iso_from_ms(now_ms)
    try:
        async with app.state.db.session() as session:
            cache = cache_for(session)
            await cache.source(session, start, end, scope=None)
    except SQLAlchemyError as exc:
        log.warning("trending.window_warm_failed", error=type(exc).__name__)
        return None
    log.info("trending.window_warmed", cases=len(cache.snapshot.rows))
    return cache


@contextlib.asynccontextmanager
async def trending_window_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm the recent-cases snapshot in the background at startup."""
    async with warming(app, "trending_window", warm_window):
        yield
