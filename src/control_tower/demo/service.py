"""Demo mode: a background task that writes a mock case, alert or trending topic now and then.

Each event is one entity row plus the feed item announcing it, written in one unit of work
and published on the event bus after commit, so live clients see it at once. The choice of
event is weighted (case 50, alert 30, trending 20) and a type's weight drops by 40% for
each time it appears among the last three events (never below 5), which keeps the stream
varied. The mock data is banking themed, like the original's.

The controller lives on ``app.state.demo`` (one per process, like the original's module
state) and its task belongs to the app's lifespan, which cancels it on shutdown.

Two original bugs are handled here: a non-numeric ``intervalMs`` is still reported as
``null`` (the original's answer) but the timer then uses the default base instead of firing
every millisecond, and the real delay between events always stays within the 30-60 s window.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import string
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import orjson
import structlog
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from control_tower.core.clock import Clock, iso_from_ms, local_year
from control_tower.core.db import Database
from control_tower.core.events import defer_event
from control_tower.core.js import js_number, js_round
from control_tower.core.jsonenc import dumps_str
from control_tower.core.locks import RedisLock
from control_tower.core.rows import ALERT, CASE, FEED_ITEM, TRENDING_TOPIC, RowShape
from control_tower.demo import repository

log = structlog.get_logger("control_tower.demo")

DEFAULT_INTERVAL_MS: Final = 45_000
LEADER_TTL_MS: Final = 15_000
RECONCILE_INTERVAL_S: Final = 2.0
MIN_INTERVAL_MS: Final = 30_000
MAX_INTERVAL_MS: Final = 60_000
JITTER_MS: Final = 15_000
HISTORY_SIZE: Final = 3

EventKind = Literal["case", "alert", "trending"]
BASE_WEIGHTS: Final[tuple[tuple[EventKind, float], ...]] = (
    ("case", 50),
    ("alert", 30),
    ("trending", 20),
)

BUSINESS_UNITS: Final = (
    "Credit Cards",
    "Mortgages",
    "Personal Loans",
    "Auto Finance",
    "Savings Accounts",
    "Checking Accounts",
    "Investments",
    "Insurance",
    "Business Banking",
    "Wealth Management",
    "Mobile Banking",
    "Online Banking",
)
CHANNELS: Final = ("phone", "email", "line", "web")
SEVERITIES: Final = ("low", "medium", "high", "critical")
ALERT_SEVERITIES: Final = ("medium", "high", "critical")
SENTIMENTS: Final = ("positive", "neutral", "negative")
CASE_STATUSES: Final = ("open", "in_progress")
CUSTOMER_NAMES: Final = (
    "John Smith",
    "Maria Garcia",
    "James Johnson",
    "Sarah Williams",
    "Michael Brown",
    "Jennifer Davis",
    "Robert Miller",
    "Linda Wilson",
    "David Moore",
    "Elizabeth Taylor",
)
CASE_SUMMARIES: Final[dict[str, tuple[str, ...]]] = {
    "Account Access": (
        "Customer unable to log into mobile banking app after update",
        "Password reset link not working for online account",
        "Account locked due to suspicious activity detection",
        "Two-factor authentication codes not being received",
    ),
    "Payment Issues": (
        "Payment failed but amount was deducted from account",
        "Customer charged twice for single transaction",
        "International transfer stuck in pending status",
        "Automatic payment not processed on due date",
    ),
    "Technical Support": (
        "Mobile app crashes when viewing transaction history",
        "Unable to download monthly statement PDF",
        "Push notifications not appearing on device",
        "Biometric login stopped working after update",
    ),
    "Billing Dispute": (
        "Customer disputes charge from unknown merchant",
        "Unauthorized subscription charge on statement",
        "Late fee charged despite on-time payment",
        "Incorrect interest rate applied to balance",
    ),
    "Product Inquiry": (
        "Customer wants information on credit card upgrade",
        "Inquiry about loan refinancing options",
        "Questions about rewards program benefits",
        "Request for higher credit limit",
    ),
    "Complaint": (
        "Long wait times on customer service line",
        "Poor service experience at branch location",
        "Representative provided incorrect information",
        "Dissatisfied with dispute resolution process",
    ),
    "Fraud Report": (
        "Suspicious transactions from foreign country",
        "Customer reports stolen card used for online purchases",
        "Potential identity theft - unfamiliar accounts",
        "Received phishing email claiming to be from bank",
    ),
    "Documentation Request": (
        "Request for tax documents and statements",
        "Need account verification letter for mortgage",
        "Requesting transaction history for audit",
        "Copy of signed loan agreement needed",
    ),
}
CATEGORIES: Final = tuple(CASE_SUMMARIES)
TRENDING_TOPICS: Final = (
    "Mobile App Login Issues",
    "Payment Processing Delays",
    "Card Activation Problems",
    "Interest Rate Complaints",
    "ATM Withdrawal Errors",
    "Statement Discrepancies",
    "Reward Points Not Applied",
    "Account Security Concerns",
    "Wire Transfer Failures",
    "Direct Deposit Issues",
)
_BASE36: Final = string.digits + string.ascii_lowercase


# -- event generation (pure: randomness and time are passed in) ----------------------------


@dataclass(frozen=True, slots=True)
class GeneratedEvent:
    """One mock event: the entity row, the feed item announcing it, and its bus event."""

    kind: EventKind
    table: str
    shape: RowShape
    row: dict[str, Any]
    feed_item: dict[str, Any]
    event_type: str
    event_channel: str

    @property
    def id(self) -> str:
        return str(self.row["id"])

    @property
    def business_unit(self) -> str:
        return str(self.row["business_unit"])

    def entity_json(self) -> dict[str, Any]:
        return self.shape.to_json([self.row[column.name] for column in self.shape.columns])

    def feed_item_json(self) -> dict[str, Any]:
        return FEED_ITEM.to_json([self.feed_item[column.name] for column in FEED_ITEM.columns])


def mock_id(prefix: str, now_ms: int, rng: random.Random) -> str:
    """``{prefix}-mock-{epoch ms}-{6 base-36 chars}``."""
    suffix = "".join(rng.choice(_BASE36) for _ in range(6))
    return f"{prefix}-mock-{now_ms}-{suffix}"


def _randint(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, high)


def _feed_item(
    *,
    item_id: str,
    item_type: str,
    title: str,
    content: str,
    metadata: dict[str, Any],
    priority: int,
    reference_id: str,
    reference_type: str,
    now: str,
) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": item_type,
        "title": title,
        "content": content,
        "metadata": dumps_str(metadata),
        "priority": priority,
        "reference_id": reference_id,
        "reference_type": reference_type,
        "created_at": now,
        "expires_at": None,
    }


def generate_case(rng: random.Random, now_ms: int) -> GeneratedEvent:
    """A new open case and its ``highlight`` feed item."""
    now = iso_from_ms(now_ms)
    category = rng.choice(CATEGORIES)
    business_unit = rng.choice(BUSINESS_UNITS)
    severity = rng.choice(SEVERITIES)
    case_id = mock_id("case", now_ms, rng)
    channel = rng.choice(CHANNELS)
    summary = rng.choice(CASE_SUMMARIES[category])
    customer = rng.choice(CUSTOMER_NAMES)
    row = {
        "id": case_id,
        "case_number": f"CASE-{local_year(now_ms)}-{_randint(rng, 100_000, 999_999)}",
        "channel": channel,
        "status": rng.choice(CASE_STATUSES),
        "category": category,
        "subcategory": None,
        "sentiment": rng.choice(SENTIMENTS),
        "severity": severity,
        "risk_flag": int(severity == "critical" or rng.random() < 0.15),
        "needs_review_flag": int(rng.random() < 0.2),
        "business_unit": business_unit,
        "summary": summary,
        "customer_name": customer,
        "agent_id": f"agent-{_randint(rng, 1, 50)}",
        "assigned_to": (f"user-supervisor-{_randint(rng, 1, 10)}" if rng.random() > 0.3 else None),
        "created_at": now,
        "updated_at": now,
        "resolved_at": None,
        "upload_id": None,
    }
    urgent = "Urgent " if severity in ("high", "critical") else ""
    feed_item = _feed_item(
        item_id=mock_id("feed", now_ms, rng),
        item_type="highlight",
        title=f"New {urgent}Case: {category}",
        content=summary,
        metadata={
            "caseId": case_id,
            "businessUnit": business_unit,
            "channel": channel,
            "severity": severity,
            "customerName": customer,
        },
        priority={"critical": 3, "high": 2}.get(severity, 1),
        reference_id=case_id,
        reference_type="case",
        now=now,
    )
    return GeneratedEvent("case", "cases", CASE, row, feed_item, "case.created", "cases")


def _percentage(current: int, baseline: int) -> int:
    return js_round((current - baseline) / baseline * 100)


_ALERT_TEMPLATES: Final[dict[str, tuple[Callable[..., str], Callable[..., str]]]] = {
    "spike": (
        lambda bu, cat, base, cur, pct: f"Case Volume Spike: {cat} in {bu}",
        lambda bu, cat, base, cur, pct: (
            f"Case volume has increased from {base} to {cur} in the last hour"
        ),
    ),
    "threshold": (
        lambda bu, cat, base, cur, pct: f"Threshold Alert: {cat} Cases",
        lambda bu, cat, base, cur, pct: (
            f"{bu} has reached {cur} cases, exceeding the {base} threshold"
        ),
    ),
    "urgency": (
        lambda bu, cat, base, cur, pct: f"High Urgency: {cat} Issues",
        lambda bu, cat, base, cur, pct: (
            f"{cur} high-severity cases detected in {bu}, up {pct}% from baseline"
        ),
    ),
}


def generate_alert(rng: random.Random, now_ms: int) -> GeneratedEvent:
    """A new active alert and its ``alert`` feed item."""
    now = iso_from_ms(now_ms)
    alert_type = rng.choice(tuple(_ALERT_TEMPLATES))
    business_unit = rng.choice(BUSINESS_UNITS)
    category = rng.choice(CATEGORIES)
    severity = rng.choice(ALERT_SEVERITIES)
    baseline = _randint(rng, 10, 30)
    current = baseline + _randint(rng, 10, 50)
    percentage = _percentage(current, baseline)
    title_of, description_of = _ALERT_TEMPLATES[alert_type]
    title = title_of(business_unit, category, baseline, current, percentage)
    description = description_of(business_unit, category, baseline, current, percentage)
    alert_id = mock_id("alert", now_ms, rng)
    row = {
        "id": alert_id,
        "type": alert_type,
        "severity": severity,
        "title": title,
        "description": description,
        "business_unit": business_unit,
        "category": category,
        "channel": rng.choice(CHANNELS),
        "baseline_value": baseline,
        "current_value": current,
        "percentage_change": percentage,
        "status": "active",
        "acknowledged_by": None,
        "acknowledged_at": None,
        "created_at": now,
        "updated_at": now,
    }
    feed_item = _feed_item(
        item_id=mock_id("feed", now_ms, rng),
        item_type="alert",
        title=title,
        content=description,
        metadata={
            "alertId": alert_id,
            "alertType": alert_type,
            "businessUnit": business_unit,
            "category": category,
            "severity": severity,
            "baselineValue": baseline,
            "currentValue": current,
            "percentageChange": percentage,
        },
        priority={"critical": 4, "high": 3}.get(severity, 2),
        reference_id=alert_id,
        reference_type="alert",
        now=now,
    )
    return GeneratedEvent("alert", "alerts", ALERT, row, feed_item, "alert.created", "alerts")


def generate_trending(rng: random.Random, now_ms: int) -> GeneratedEvent:
    """A new rising trending topic and its ``trending`` feed item."""
    now = iso_from_ms(now_ms)
    topic = rng.choice(TRENDING_TOPICS)
    business_unit = rng.choice(BUSINESS_UNITS)
    category = rng.choice(CATEGORIES)
    baseline = _randint(rng, 5, 20)
    case_count = baseline + _randint(rng, 5, 30)
    percentage = _percentage(case_count, baseline)
    trending_id = mock_id("trending", now_ms, rng)
    row = {
        "id": trending_id,
        "topic": topic,
        "description": f'Increase in "{topic}" related cases in {business_unit}',
        "case_count": case_count,
        "baseline_count": baseline,
        "trend": "rising",
        "percentage_change": percentage,
        "trend_score": percentage / 10,
        "business_unit": business_unit,
        "category": category,
        "sample_case_ids": None,
        "created_at": now,
        "updated_at": now,
    }
    priority = 3 if percentage > 100 else 2 if percentage > 50 else 1
    feed_item = _feed_item(
        item_id=mock_id("feed", now_ms, rng),
        item_type="trending",
        title=f"Trending: {topic}",
        content=f'"{topic}" is trending with {case_count} cases (+{percentage}% from baseline)',
        metadata={
            "trendingId": trending_id,
            "topic": topic,
            "businessUnit": business_unit,
            "category": category,
            "caseCount": case_count,
            "percentageChange": percentage,
            "trend": "rising",
        },
        priority=priority,
        reference_id=trending_id,
        reference_type="trending",
        now=now,
    )
    return GeneratedEvent(
        "trending", "trending_topics", TRENDING_TOPIC, row, feed_item, "trending.created", "feed"
    )


GENERATORS: Final[dict[EventKind, Callable[[random.Random, int], GeneratedEvent]]] = {
    "case": generate_case,
    "alert": generate_alert,
    "trending": generate_trending,
}


def event_weights(recent: list[EventKind]) -> list[tuple[EventKind, float]]:
    """Each base weight less 40% per recent occurrence of its type, never below 5."""
    return [
        (kind, max(5.0, weight * (1 - 0.4 * recent.count(kind)))) for kind, weight in BASE_WEIGHTS
    ]


def choose_kind(rng: random.Random, recent: list[EventKind]) -> EventKind:
    """Weighted random pick of the next event type."""
    weights = event_weights(recent)
    roll = rng.random() * sum(weight for _, weight in weights)
    cumulative = 0.0
    for kind, weight in weights:
        cumulative += weight
        if roll < cumulative:
            return kind
    return "case"


def clamp_interval(value: Any) -> float | None:
    """``Math.max(30000, Math.min(60000, value))`` with JS number coercion (``None``: NaN)."""
    number = js_number(value)
    if number is None or math.isnan(number):
        return None
    return float(max(MIN_INTERVAL_MS, min(MAX_INTERVAL_MS, number)))


# -- persistence ----------------------------------------------------------------------------


async def save_event(session: AsyncSession, event: GeneratedEvent) -> None:
    """Insert the entity then its feed item; announce both once the unit of work commits."""
    await repository.insert_row(session, event.table, event.row)
    await repository.insert_row(session, "feed_items", event.feed_item)
    business_unit = event.business_unit
    defer_event(
        session,
        event.event_type,
        event.entity_json(),
        channel=event.event_channel,
        business_unit=business_unit,
    )
    defer_event(
        session, "feed.created", event.feed_item_json(), channel="feed", business_unit=business_unit
    )
    if event.kind == "alert":
        counts = await repository.active_alert_counts(session)
        defer_event(session, "alerts.count", counts, channel="alerts")


# -- the controller -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SharedState:
    enabled: bool
    interval_ms: float | None
    generation: int


class SharedDemo:
    """Demo mode shared by every worker through Redis.

    The configuration (on/off, interval, and a generation number bumped by every start)
    lives in a Redis hash; the generator runs on exactly one worker, the holder of a
    renewed lock. Every worker reconciles periodically and when told that the
    configuration changed, so a toggle on any worker takes effect everywhere.
    """

    def __init__(self, redis: Any, namespace: str) -> None:
        self.redis = redis
        self.key = f"{namespace}:demo"
        self.lock = RedisLock(redis, f"{namespace}:demo:leader", ttl_ms=LEADER_TTL_MS)

    async def load(self) -> SharedState:
        raw = await self.redis.hgetall(self.key)
        values = {k.decode() if isinstance(k, bytes) else k: v for k, v in raw.items()}
        interval = orjson.loads(values["interval"]) if "interval" in values else None
        return SharedState(
            enabled=values.get("enabled") in (b"1", "1"),
            interval_ms=DEFAULT_INTERVAL_MS if "interval" not in values else interval,
            generation=int(values.get("generation", 0)),
        )

    async def save(self, *, enabled: bool, interval_ms: float | None, bump: bool) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                self.key,
                mapping={"enabled": "1" if enabled else "0", "interval": orjson.dumps(interval_ms)},
            )
            if bump:
                pipe.hincrby(self.key, "generation", 1)
            await pipe.execute()


@dataclass(eq=False)
class DemoController:
    """The generator's state and its background task (one per app)."""

    database: Database
    clock: Clock
    rng: random.Random = field(default_factory=random.Random)
    # Bounds of the real delay between events; the reported interval is unaffected.
    timer_window_ms: tuple[int, int] = (MIN_INTERVAL_MS, MAX_INTERVAL_MS)
    interval_ms: float | None = DEFAULT_INTERVAL_MS
    enabled: bool = False
    recent: list[EventKind] = field(default_factory=list)
    shared: SharedDemo | None = None
    _task: asyncio.Task[None] | None = None
    _write: asyncio.Future[None] | None = None
    _generation: int | None = None

    @property
    def running(self) -> bool:
        """Whether the generator is on (``enabled`` with a live timer, as the original had)."""
        return self.enabled and self._task is not None and not self._task.done()

    async def status(self) -> dict[str, Any]:
        if self.shared is not None:
            state = await self.shared.load()
            return {"enabled": state.enabled, "intervalMs": state.interval_ms}
        return {"enabled": self.running, "intervalMs": self.interval_ms}

    async def start(self, interval: Any) -> None:
        """Restart with a base interval (clamped to 30-60 s); the first event is immediate."""
        if self.shared is not None:
            await self.shared.save(enabled=True, interval_ms=clamp_interval(interval), bump=True)
            await self.reconcile()
            return
        await self._start_local(clamp_interval(interval))

    async def stop(self) -> None:
        """Stop generating; the configured interval is kept, like the original."""
        if self.shared is not None:
            state = await self.shared.load()
            await self.shared.save(enabled=False, interval_ms=state.interval_ms, bump=False)
            await self.reconcile()
            return
        await self._stop_local()

    async def reconcile(self) -> None:
        """Run the generator here if demo mode is on and this worker leads; else don't."""
        assert self.shared is not None
        state = await self.shared.load()
        if state.enabled and await self.shared.lock.acquire():
            if not self.running or self._generation != state.generation:
                self._generation = state.generation
                await self._start_local(state.interval_ms)
            return
        if self.running or self._task is not None:
            await self._stop_local()
        if not state.enabled:
            await self.shared.lock.release()
        self._generation = None

    async def _start_local(self, interval_ms: float | None) -> None:
        await self._stop_local()
        self.recent = []
        self.interval_ms = interval_ms
        self.enabled = True
        self._task = asyncio.create_task(self._run(), name="demo-mode-generator")

    async def _stop_local(self) -> None:
        """Stop the local task; a write in progress is allowed to finish (and its events to
        go out): cancelling it half-way would leave the driver working for a dead task."""
        self.enabled = False
        self.recent = []
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        write, self._write = self._write, None
        if write is not None and not write.done():
            await write

    def next_delay_ms(self) -> int:
        """Base interval ±15 s, clamped to the timer window (default base when NaN)."""
        base = DEFAULT_INTERVAL_MS if self.interval_ms is None else self.interval_ms
        raw = base + _randint(self.rng, -JITTER_MS, JITTER_MS)
        low, high = self.timer_window_ms
        return int(max(low, min(high, raw)))

    async def generate_once(self) -> GeneratedEvent:
        """Pick, build and save one event."""
        kind = choose_kind(self.rng, self.recent)
        self.recent = [*self.recent, kind][-HISTORY_SIZE:]
        event = GENERATORS[kind](self.rng, self.clock.now_ms())
        async with self.database.session() as session:
            await save_event(session, event)
        return event

    async def _emit(self) -> None:
        try:
            event = await self.generate_once()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("demo.event_failed", error=repr(exc))
            return
        log.info("demo.event_generated", kind=event.kind, id=event.id)

    async def _write_once(self) -> None:
        self._write = asyncio.ensure_future(self._emit())
        await asyncio.shield(self._write)

    async def _run(self) -> None:
        await self._write_once()
        while self.enabled:
            await asyncio.sleep(self.next_delay_ms() / 1000)
            if not self.enabled:
                return
            await self._write_once()


def get_controller(app: FastAPI) -> DemoController:
    """The app's demo controller (created on first use when the lifespan did not run)."""
    controller = getattr(app.state, "demo", None)
    if not isinstance(controller, DemoController):
        controller = DemoController(database=app.state.db, clock=app.state.clock)
        app.state.demo = controller
    return controller


async def _reconcile_forever(controller: DemoController, interval_s: float) -> None:
    while True:
        try:
            await controller.reconcile()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Redis briefly unreachable: try again next round
            log.warning("demo.reconcile_failed", error=repr(exc))
        await asyncio.sleep(interval_s)


@asynccontextmanager
async def demo_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Own the demo generator: created stopped at startup, its task cancelled on shutdown.

    With Redis the state is shared and one worker (the lock holder) generates.
    """
    redis = getattr(app.state, "redis", None)
    shared = None
    if redis is not None:
        shared = SharedDemo(redis, app.state.settings.redis_namespace)
    controller = DemoController(database=app.state.db, clock=app.state.clock, shared=shared)
    app.state.demo = controller
    loop_task = None
    if shared is not None:
        loop_task = asyncio.create_task(
            _reconcile_forever(controller, RECONCILE_INTERVAL_S), name="demo-mode-reconcile"
        )
    try:
        yield
    finally:
        if loop_task is not None:
            loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop_task
        await controller._stop_local()
        if shared is not None:
            with contextlib.suppress(Exception):
                await shared.lock.release()
