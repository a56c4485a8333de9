"""Prometheus metrics: requests by route and status, latency, pool, bus, sockets, jobs.

Each application instance owns its registry (no process-global state), exposed at
``GET /metrics`` in the Prometheus text format.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _StateCollector(Collector):
    """Gauges read at scrape time from the running app (pool, bus, sockets)."""

    def __init__(self, app_state: Any) -> None:
        self.state = app_state

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        database = getattr(self.state, "db", None)
        pool = database.engine.pool if database is not None else None
        checked_out = GaugeMetricFamily(
            "ct_db_pool_connections_in_use", "Database connections currently checked out"
        )
        size = GaugeMetricFamily("ct_db_pool_size", "Configured database pool size")
        if pool is not None:
            checked_out.add_metric([], float(getattr(pool, "checkedout", lambda: 0)()))
            size.add_metric([], float(getattr(pool, "size", lambda: 1)()))
        yield checked_out
        yield size
        bus = getattr(self.state, "bus", None)
        subscribers = GaugeMetricFamily("ct_event_bus_subscribers", "Event bus subscribers")
        subscribers.add_metric([], float(bus.subscriber_count if bus is not None else 0))
        yield subscribers
        published = CounterMetricFamily(
            "ct_events_published", "Events published by this process, by type", labels=["type"]
        )
        for event_type, count in sorted(getattr(bus, "published", {}).items()):
            published.add_metric([event_type], float(count))
        yield published


class Metrics:
    def __init__(self, app_state: Any) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "ct_http_requests_total",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "ct_http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.websockets = Gauge(
            "ct_websocket_connections", "Open WebSocket connections", registry=self.registry
        )
        self.upload_seconds = Histogram(
            "ct_upload_duration_seconds",
            "Time to process one upload",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=self.registry,
        )
        self.recompute_seconds = Histogram(
            "ct_recompute_duration_seconds",
            "Time to recompute alerts and trending",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=self.registry,
        )
        self.slow_queries = Counter(
            "ct_db_slow_queries_total",
            "Statements slower than SLOW_QUERY_MS",
            registry=self.registry,
        )
        self.registry.register(_StateCollector(app_state))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "unmatched"


class MetricsMiddleware:
    """Count and time every HTTP request by its route template (not its raw path)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def record_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = route_template(scope)
            self.metrics.requests.labels(scope["method"], route, str(status["code"])).inc()
            self.metrics.latency.labels(scope["method"], route).observe(
                time.perf_counter() - started
            )
