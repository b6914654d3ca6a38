"""`/metrics` for Prometheus: requests by endpoint and status, their latencies, and gauges.

The page exists only when `PORTAL_METRICS_TOKEN` is set, and then answers only a request that
carries it (`Authorization: Bearer <token>`); without the setting it answers 404 like any unknown
address.

Counters and histograms are per app. Under gunicorn each worker counts its own requests; with
`PROMETHEUS_MULTIPROC_DIR` set (to an empty folder, emptied at each start, before gunicorn
starts) prometheus_client keeps them in files there and every worker's scrape adds up all
workers, including those that were restarted.

Gauges are read when scraped, from the database, so any worker gives the site-wide value: a
module calls `register_gauge(name, help, fn)` once (for example the outbox backlog), and `fn` runs
inside the scrape's request, where it may use `portal.db.get_session()`.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

EXTENSION = "portal_metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Seconds; a page is expected within a fraction of a second, an export within tens of seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

GaugeValue = float | Mapping[str, float]


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    fn: Callable[[], GaugeValue]
    # When set, fn returns {label value: number}, one sample per value (e.g. per status).
    label: str | None = None


_gauges: dict[str, Gauge] = {}


def register_gauge(
    name: str, help: str, fn: Callable[[], GaugeValue], *, label: str | None = None
) -> None:
    """Add a gauge read at each scrape. Registering a name again replaces the earlier one."""
    _gauges[name] = Gauge(name, help, fn, label)


def unregister_gauge(name: str) -> None:
    _gauges.pop(name, None)


class _GaugeCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        for gauge in list(_gauges.values()):
            try:
                value = gauge.fn()
            except Exception:  # noqa: BLE001 - one failing gauge must not hide the others
                # The request counts matter most when the database does not answer.
                current_app.logger.warning("metrics: gauge %s failed", gauge.name, exc_info=True)
                session = g.get("db_session")
                if session is not None:
                    session.rollback()
                continue
            if gauge.label is None:
                assert not isinstance(value, Mapping)  # noqa: S101 - a programming error
                yield GaugeMetricFamily(gauge.name, gauge.help, value=float(value))
                continue
            family = GaugeMetricFamily(gauge.name, gauge.help, labels=[gauge.label])
            assert isinstance(value, Mapping)  # noqa: S101 - a programming error
            for key, number in sorted(value.items()):
                family.add_metric([key], float(number))
            yield family


class Metrics:
    """The request metrics of one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "portal_requests", "HTTP requests answered, by endpoint, method and status.",
            ["endpoint", "method", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "portal_request_duration_seconds",
            "Time to answer a request (until the response is ready), by endpoint and status.",
            ["endpoint", "method", "status"], buckets=LATENCY_BUCKETS, registry=self.registry,
        )

    def exposition(self) -> bytes:
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # Every worker's counts, from the shared folder (this app's own are among them).
            multiprocess.MultiProcessCollector(registry)
        else:
            registry.register(self.registry)
        registry.register(_GaugeCollector())
        return generate_latest(registry)


def observe_request(app: Flask, record: Mapping[str, object]) -> None:
    metrics: Metrics | None = app.extensions.get(EXTENSION)
    if metrics is None:
        return
    method = str(record["method"])
    labels = (
        str(record["endpoint"] or "unmatched"),
        method if method in METHODS else "other",
        str(record["status"]),
    )
    metrics.requests.labels(*labels).inc()
    duration_ms = record.get("duration_ms")
    if isinstance(duration_ms, int | float):
        metrics.latency.labels(*labels).observe(duration_ms / 1000)


def _authorized() -> bool:
    token: str = current_app.config.get("METRICS_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def metrics_view() -> Response:
    if not current_app.config.get("METRICS_TOKEN"):
        abort(404)
    if not _authorized():
        return Response(
            "unauthorized\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
            mimetype="text/plain",
        )
    body = current_app.extensions[EXTENSION].exposition()
    return Response(body, 200, {"Cache-Control": "no-store"}, content_type=CONTENT_TYPE_LATEST)


def _comments_by_status() -> dict[str, float]:
    from sqlalchemy import func, select

    from portal.db import get_session
    from portal.models.submission import Status, SubmissionCount

    # The per-period counts kept by triggers: one small table, not a count over every comment.
    rows = dict(get_session().execute(
        select(SubmissionCount.status, func.sum(SubmissionCount.n)).group_by(SubmissionCount.status)
    ).all())
    return {status.value: float(rows.get(status) or 0) for status in Status}


def _outbox_by_state() -> dict[str, float]:
    from sqlalchemy import func, select

    from portal.db import get_session
    from portal.models.outbox import OutboxMessage, OutboxState

    rows = dict(get_session().execute(
        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    return {state.value: float(rows.get(state) or 0) for state in OutboxState}


def _tasks_waiting() -> float:
    from portal.tasks import tasks

    return float(tasks().huey.pending_count())


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Metrics()
    register_gauge(
        "portal_comments", "Comments stored, by status.", _comments_by_status, label="status"
    )
    register_gauge("portal_outbox_messages", "Messages of the mail outbox, by state (pending "
                   "is the backlog).", _outbox_by_state, label="state")
    register_gauge("portal_tasks_waiting", "Tasks waiting in the task queue for a worker.",
                   _tasks_waiting)
    from portal.extensions import csrf, limiter

    view = limiter.exempt(csrf.exempt(metrics_view))
    app.add_url_rule("/metrics", "metrics", view, methods=["GET"])
