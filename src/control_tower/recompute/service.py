"""Recompute: alerts and trending topics rebuilt in the background after an upload.

``POST /api/uploads/{id}/recompute`` marks the upload ``processing`` and starts the work as
a task owned by the application (a client that disconnects does not stop it), then waits a
bounded time: a recompute that finishes in time answers exactly as the original did, a
longer one answers 202 and the client polls ``GET``. The uploads row carries the status
(``pending`` -> ``processing`` -> ``completed`` | ``failed``); a failure, a cancelled task
and a restart all end in ``failed`` with a completion time, never in a stuck
``processing``.

One run, in one transaction: the four alert generators over the last 24 hours (daily
window), then the 24-hour trending topics replace the stored ones, then the upload is marked
completed. Events: ``recompute.status`` (channel ``uploads``) at each status change,
``alert.created`` per generated alert and one ``alerts.count`` (channel ``alerts``), and
``trending.updated`` (channel ``system``).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import string
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.alerts.generation import WINDOWS, Bounds, alert_json, generate_alerts
from control_tower.auth.service import Viewer
from control_tower.core.clock import DAY_MS, Clock, iso_from_ms
from control_tower.core.db import Database
from control_tower.core.errors import Forbidden, NotFound, OriginalFailure
from control_tower.core.events import defer_event
from control_tower.core.jsonenc import dumps_str
from control_tower.core.locks import RedisLock
from control_tower.core.models import RecomputeStatus
from control_tower.recompute import repository
from control_tower.trending import repository as trending_repository
from control_tower.trending.analysis import TrendingTopic, trending_for_window
from control_tower.trending.service import first_or_none

log = structlog.get_logger("control_tower.recompute")

DEFAULT_WAIT_S = 10.0
LOCK_TTL_MS = 15_000
SWEEP_INTERVAL_S = 30.0
RECOVER_MAX_DELAY_S = 30.0
TRENDING_WINDOW = "24h"
TRENDING_LIMIT = 10
ALERT_WINDOW = WINDOWS["daily"]
_SUFFIX_ALPHABET = string.digits + string.ascii_lowercase


class RecomputeWork(Protocol):
    """The recompute itself, run inside one unit of work; returns the alert count."""

    def __call__(
        self,
        session: AsyncSession,
        upload_id: str,
        *,
        started_ms: int,
        clock: Clock,
        scope: str | None,
        id_ms: Callable[[int], int],
    ) -> Awaitable[int]: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a recompute ended."""

    status: str
    completed_at: str
    alerts_generated: int = 0


def _suffix() -> str:
    return "".join(random.choices(_SUFFIX_ALPHABET, k=7))


def trending_rows(
    topics: list[TrendingTopic], started_at: str, clock: Clock
) -> list[dict[str, Any]]:
    """``trending_topics`` rows written by a recompute (``trending-<ms>-<rand>-<i>``)."""
    rows = []
    for index, topic in enumerate(topics):
        trend = topic.trend
        rows.append(
            {
                "id": f"trending-{clock.now_ms()}-{_suffix()}-{index}",
                "topic": trend.term,
                "description": f"{trend.term} is trending with {trend.current_count} mentions",
                "case_count": trend.current_count,
                "baseline_count": trend.baseline_count,
                "trend": trend.direction,
                "percentage_change": trend.percent_change,
                "trend_score": trend.trend_score,
                "business_unit": first_or_none(topic.impacted_units),
                "category": None,
                "sample_case_ids": dumps_str([case.id for case in topic.sample_cases]),
                "created_at": started_at,
                "updated_at": started_at,
            }
        )
    return rows


async def recompute_upload(
    session: AsyncSession,
    upload_id: str,
    *,
    started_ms: int,
    clock: Clock,
    scope: str | None,
    id_ms: Callable[[int], int],
) -> int:
    """Insert the daily window's alerts and replace trending topics; return the alert count."""
    now_ms = clock.now_ms()
    bounds = Bounds.of(ALERT_WINDOW, now_ms)
    cases = await repository.alert_cases(session, bounds.baseline_start, bounds.end, scope=scope)
    alerts = generate_alerts(cases, ALERT_WINDOW, now_ms, id_ms=id_ms(now_ms)).rows
    trend_ms = clock.now_ms()
    last_two_days = await trending_repository.cases_between(
        session, iso_from_ms(trend_ms - 2 * DAY_MS), iso_from_ms(trend_ms), scope=scope
    )
    topics = trending_for_window(last_two_days, TRENDING_WINDOW, TRENDING_LIMIT, trend_ms)

    # Everything is read before the first write, so the write lock is held briefly.
    await repository.insert_alerts(session, alerts)
    for row in alerts:
        unit = row["business_unit"]
        defer_event(session, "alert.created", alert_json(row), channel="alerts", business_unit=unit)
    if alerts:
        counts = await repository.active_alert_counts(session)
        defer_event(session, "alerts.count", counts, channel="alerts")
    await trending_repository.replace_trending_topics(
        session, trending_rows(topics, iso_from_ms(started_ms), clock), scope=scope
    )
    defer_event(
        session,
        "trending.updated",
        {"source": "recompute", "uploadId": upload_id, "topics": [t.trend.term for t in topics]},
        channel="system",
        business_unit=scope,
    )
    return len(alerts)


def _status_event(session: AsyncSession, upload_id: str, status: str, **extra: Any) -> None:
    defer_event(
        session,
        "recompute.status",
        {"uploadId": upload_id, "status": status, **extra},
        channel="uploads",
    )


async def _keep_renewing(lock: RedisLock) -> None:
    while True:
        await asyncio.sleep(LOCK_TTL_MS / 3000)
        await lock.renew()


class RecomputeRunner:
    """The recomputes running in this process, owned by the application's lifespan."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        wait_s: float = DEFAULT_WAIT_S,
        redis: Any = None,
        namespace: str = "ct",
    ):
        self.database = database
        self.clock = clock
        self.wait_s = wait_s
        # With Redis, a running recompute holds a lock so that other workers' sweeps can
        # tell a live run from one whose worker died.
        self.redis = redis
        self.namespace = namespace
        self.work: RecomputeWork = recompute_upload
        self.tasks: dict[str, asyncio.Task[Outcome]] = {}
        self.recovery: asyncio.Task[None] | None = None
        self._last_id_ms = 0
        # Called with each run's duration in seconds (the app's recompute histogram).
        self.observe_duration: Callable[[float], None] | None = None

    def _id_ms(self, now_ms: int) -> int:
        # Alert ids embed a millisecond; two runs within one must not collide.
        self._last_id_ms = max(now_ms, self._last_id_ms + 1)
        return self._last_id_ms

    def start(self, upload_id: str, started_ms: int, scope: str | None) -> asyncio.Task[Outcome]:
        task = asyncio.create_task(
            self._run(upload_id, started_ms, scope), name=f"recompute:{upload_id}"
        )
        self.tasks[upload_id] = task
        task.add_done_callback(lambda done: self._forget(upload_id, done))
        return task

    def _forget(self, upload_id: str, task: asyncio.Task[Outcome]) -> None:
        if self.tasks.get(upload_id) is task:
            del self.tasks[upload_id]

    def _lock(self, upload_id: str) -> RedisLock:
        return RedisLock(self.redis, f"{self.namespace}:recompute:{upload_id}", ttl_ms=LOCK_TTL_MS)

    async def _run(self, upload_id: str, started_ms: int, scope: str | None) -> Outcome:
        if self.redis is None:
            return await self._run_unlocked(upload_id, started_ms, scope)
        lock = self._lock(upload_id)
        await lock.acquire()
        keeper = asyncio.create_task(_keep_renewing(lock), name=f"recompute-lock:{upload_id}")
        try:
            return await self._run_unlocked(upload_id, started_ms, scope)
        finally:
            keeper.cancel()
            with contextlib.suppress(BaseException):
                await keeper
            with contextlib.suppress(Exception):
                await lock.release()

    async def _run_unlocked(self, upload_id: str, started_ms: int, scope: str | None) -> Outcome:
        started = time.perf_counter()
        try:
            return await self._run_timed(upload_id, started_ms, scope)
        finally:
            if self.observe_duration is not None:
                self.observe_duration(time.perf_counter() - started)

    async def _run_timed(self, upload_id: str, started_ms: int, scope: str | None) -> Outcome:
        try:
            async with self.database.session() as session:
                generated = await self.work(
                    session,
                    upload_id,
                    started_ms=started_ms,
                    clock=self.clock,
                    scope=scope,
                    id_ms=self._id_ms,
                )
                completed_at = self.clock.now_iso()
                await repository.complete(session, upload_id, completed_at, generated)
                _status_event(
                    session,
                    upload_id,
                    RecomputeStatus.COMPLETED.value,
                    alertsGenerated=generated,
                    trendingUpdated=True,
                )
        except asyncio.CancelledError:
            log.warning("recompute.cancelled", upload_id=upload_id)
            await self._mark_failed(upload_id)
            raise
        except Exception as exc:
            log.error("recompute.failed", upload_id=upload_id, error=repr(exc), exc_info=exc)
            return await self._mark_failed(upload_id)
        log.info("recompute.completed", upload_id=upload_id, alerts_generated=generated)
        return Outcome(RecomputeStatus.COMPLETED.value, completed_at, generated)

    async def _mark_failed(self, upload_id: str) -> Outcome:
        completed_at = self.clock.now_iso()
        try:
            async with self.database.session() as session:
                if await repository.fail(session, upload_id, completed_at):
                    _status_event(session, upload_id, RecomputeStatus.FAILED.value)
        except Exception as exc:  # the database itself is failing; the restart sweep fixes it
            log.error("recompute.mark_failed_failed", upload_id=upload_id, error=repr(exc))
        return Outcome(RecomputeStatus.FAILED.value, completed_at)

    async def wait(self, task: asyncio.Task[Outcome]) -> Outcome | None:
        """The outcome if the task ends within ``wait_s``; None while it is still running."""
        done, _ = await asyncio.wait({task}, timeout=self.wait_s)
        return task.result() if done else None

    async def recover(self) -> list[str]:
        """Mark uploads a crash or restart left ``processing`` as ``failed``.

        Without Redis this process is the only worker, so every ``processing`` row at
        startup is dead. With Redis a row is only dead when no worker holds its lock.
        """
        completed_at = self.clock.now_iso()
        async with self.database.session() as session:
            candidates = await repository.processing_uploads(session)
            stuck = []
            for upload_id in candidates:
                if upload_id in self.tasks:
                    continue
                if self.redis is not None and await self._lock(upload_id).held_by_anyone():
                    continue
                stuck.append(upload_id)
            for upload_id in stuck:
                await repository.fail(session, upload_id, completed_at)
                _status_event(session, upload_id, RecomputeStatus.FAILED.value)
        if stuck:
            log.warning("recompute.recovered", uploads=stuck)
        return stuck

    async def recover_until_done(self, *, first_delay_s: float = 1.0) -> None:
        """``recover``, retried with backoff while the database cannot be reached."""
        delay = first_delay_s
        while True:
            try:
                await self.recover()
                return
            except Exception as exc:
                log.warning("recompute.recover_failed", error=repr(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECOVER_MAX_DELAY_S)

    async def sweep_forever(self, interval_s: float = SWEEP_INTERVAL_S) -> None:
        """With several workers: keep failing runs whose worker died (lock expired)."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.recover()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("recompute.sweep_failed", error=repr(exc))

    async def shutdown(self) -> None:
        """Cancel running recomputes; each marks its upload failed before it ends."""
        if self.recovery is not None:
            self.recovery.cancel()
            await asyncio.gather(self.recovery, return_exceptions=True)
        running = list(self.tasks.values())
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)


def runner_of(app: FastAPI) -> RecomputeRunner:
    runner: RecomputeRunner = app.state.recompute
    return runner


@asynccontextmanager
async def recompute_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Recover recomputes interrupted by a restart; stop background work on shutdown."""
    settings = app.state.settings
    redis = getattr(app.state, "redis", None)
    runner = RecomputeRunner(
        app.state.db,
        app.state.clock,
        wait_s=settings.recompute_wait_s,
        redis=redis,
        namespace=settings.redis_namespace,
    )
    metrics = getattr(app.state, "metrics", None)
    if metrics is not None:
        runner.observe_duration = metrics.recompute_seconds.observe
    app.state.recompute = runner
    sweeper = asyncio.create_task(runner.sweep_forever(), name="recompute:sweep") if redis else None
    try:
        await runner.recover()
    except Exception as exc:  # the app still starts; readiness reports the database
        log.warning("recompute.recover_failed", error=repr(exc))
        runner.recovery = asyncio.create_task(runner.recover_until_done(), name="recompute:recover")
    try:
        yield
    finally:
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        await runner.shutdown()


# -- request handling ---------------------------------------------------------------------

ALREADY_RUNNING = {"status": "processing", "message": "Recomputation already in progress"}


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    body: dict[str, Any]


async def request_recompute(runner: RecomputeRunner, upload_id: str, *, viewer: Viewer) -> Answer:
    """Start a recompute of ``upload_id`` and answer with its outcome or its progress.

    An admin may recompute any upload; anyone else only the uploads they made, and then
    over their own business unit.
    """
    scope = viewer.scope
    started_ms = runner.clock.now_ms()
    started_at = iso_from_ms(started_ms)
    try:
        async with runner.database.session() as session:
            state = await repository.get_state(session, upload_id)
            if state is None:
                raise NotFound("Upload not found")
            if not viewer.is_admin and state.uploaded_by != viewer.id:
                raise Forbidden("Only an admin or the user who made the upload may recompute it")
            if state.status == RecomputeStatus.PROCESSING.value:
                return Answer(200, dict(ALREADY_RUNNING))
            if not await repository.claim(session, upload_id, started_at):
                return Answer(200, dict(ALREADY_RUNNING))
            _status_event(session, upload_id, RecomputeStatus.PROCESSING.value)
    except SQLAlchemyError as exc:
        raise OriginalFailure("Failed to process recomputation request") from exc
    task = runner.start(upload_id, started_ms, scope)
    outcome = await runner.wait(task)
    if outcome is None:
        return Answer(
            202,
            {
                "success": True,
                "status": RecomputeStatus.PROCESSING.value,
                "uploadId": upload_id,
                "startedAt": started_at,
                "message": "Recomputation is still running; poll GET "
                f"/api/uploads/{upload_id}/recompute for its status",
            },
        )
    if outcome.status != RecomputeStatus.COMPLETED.value:
        raise OriginalFailure("Recomputation failed", trailing={"status": "failed"})
    return Answer(
        200,
        {
            "success": True,
            "status": RecomputeStatus.COMPLETED.value,
            "alertsGenerated": outcome.alerts_generated,
            "trendingUpdated": True,
            "completedAt": outcome.completed_at,
        },
    )


async def recompute_status(session: AsyncSession, upload_id: str) -> dict[str, Any]:
    """The recompute status of an upload (``pending`` until one ran)."""
    try:
        state = await repository.get_state(session, upload_id)
    except SQLAlchemyError as exc:
        raise OriginalFailure("Failed to get recomputation status") from exc
    if state is None:
        raise NotFound("Upload not found")
    return {
        "status": state.status or RecomputeStatus.PENDING.value,
        "startedAt": state.started_at,
        "completedAt": state.completed_at,
        "alertsGenerated": state.alerts_generated or 0,
        "trendingUpdated": state.trending_updated == 1,
    }
