"""Prometheus metrics at /metrics (METRICS_ENABLED, on by default), in the text format, from prometheus-client.

- `http_requests_total{method, route, status}`: every response, by route template (`/api/{user_id}/tasks/{id}`,
  never the concrete path, so user ids never become labels); 503s (database unavailable) and 429s (rate limited)
  are the `status="503"` and `status="429"` series.
- `http_request_duration_seconds{method, route}`: latency histogram.
- `db_pool_size`, `db_pool_connections_in_use`, `db_pool_requests_waiting`: the database pool, read when scraped.

Each app has a registry of its own (tests build many apps in one process). With several worker processes, set
PROMETHEUS_MULTIPROC_DIR (`todo-api run --workers N` does) so request series are summed over the workers; the pool
gauges are then those of the worker that answers the scrape.
"""

import os
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import Scope

from app.core.db import Database
from app.http.observability import Recorder

METRICS_PATH = "/metrics"
# Requests that matched no route share one label value: paths sent by clients must not create series.
UNMATCHED = "(unmatched)"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From a cached read (~1 ms) to the 5 s database deadline.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _PoolCollector(Collector):
    """The pool's current state, read from psycopg_pool when scraped: no cost per request."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def collect(self) -> Iterator[Metric]:
        stats = self._database.pool.get_stats()
        size = stats.get("pool_size", 0)
        yield GaugeMetricFamily("db_pool_size", "Connections open in the pool", value=size)
        in_use = size - stats.get("pool_available", 0)
        yield GaugeMetricFamily("db_pool_connections_in_use", "Connections lent to requests", value=in_use)
        waiting = stats.get("requests_waiting", 0)
        yield GaugeMetricFamily("db_pool_requests_waiting", "Requests waiting for a connection", value=waiting)


class RequestMetrics:
    """Counts and times every HTTP request: a recorder for app.http.observability.RequestObserver."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "http_requests", "HTTP responses by route template", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer, by route template",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=registry,
        )
        # The labelled series, looked up once: `.labels()` builds and locks on every call.
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def __call__(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")  # set by FastAPI's router on the scope it passes down: the template
        template = getattr(route, "path", UNMATCHED)
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"  # clients may send any token
        key = (method, template, status)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = (
                self.requests.labels(key[0], template, str(status)),
                self.latency.labels(key[0], template),
            )
        series[0].inc()
        series[1].observe(seconds)


def install_metrics(app: FastAPI, database: Database) -> Recorder:
    """Adds GET /metrics; returns the recorder that counts each request."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(_PoolCollector(database))
    exposition = registry
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # request series live in files shared by the workers
        exposition = CollectorRegistry()
        MultiProcessCollector(exposition)  # type: ignore[no-untyped-call]
        exposition.register(_PoolCollector(database))

    @app.get(METRICS_PATH, include_in_schema=False)
    async def metrics(request: Request) -> Response:
        return Response(generate_latest(exposition), media_type=CONTENT_TYPE_LATEST)

    return RequestMetrics(registry)
