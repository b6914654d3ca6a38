"""Request ids and structured request logs.

Every request gets an id: a sane incoming `X-Request-ID` (from a proxy or load balancer that
already tagged it) or a new random one. It is echoed in the `X-Request-ID` response header and
shown on error pages as "Reference: …", so a person can quote it and an operator can find the
request's log line.

One JSON line per request goes to the `portal.requests` logger: id, method, endpoint and route
rule (`/<lang>/receipts/<tracking>`, never the path with its values), status and duration. Nothing
personal: no address, no query string, no form field, no comment text. With
`PORTAL_REQUEST_LOG=stderr` (the default) the portal writes those lines to standard error itself;
with `none` it adds no handler and the deployer routes the logger with their own logging setup.
The duration is the time until the view's response was ready; a streamed download's body is sent
after it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
LOGGER_NAME = "portal.requests"
# Ids from outside are kept only when short and plain, so a header cannot inject text into the
# logs, the page or another system's queries.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

request_logger = logging.getLogger(LOGGER_NAME)


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it), one line each."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(record.getMessage() + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging's own convention
            self.handleError(record)


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    if not has_request_context():
        return None
    return g.get("request_id")


def _incoming_or_new() -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _record(response: Response) -> dict[str, object]:
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    rule = request.url_rule
    return {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": g.get("request_id"),
        "method": request.method,
        "endpoint": request.endpoint or None,
        "route": rule.rule if rule is not None else None,
        "status": response.status_code,
        "duration_ms": duration_ms,
    }


def log_request(app: Flask, record: dict[str, object]) -> None:
    """The request's log line and its metrics (also for pages served before Flask sees the
    request: portal/page_cache.py)."""
    from portal import metrics

    metrics.observe_request(app, record)
    request_logger.info(json.dumps(record, separators=(",", ":")))


def id_from_environ(environ: dict[str, object]) -> str:
    """The request id for a WSGI environ: the incoming one when sane, else a new one."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    if isinstance(incoming, str) and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def init_app(app: Flask) -> None:
    destination = app.config.get("REQUEST_LOG", "stderr")
    if destination == "stderr" and not any(
        isinstance(h, _StderrHandler) for h in request_logger.handlers
    ):
        request_logger.addHandler(_StderrHandler())
        request_logger.propagate = False
    request_logger.setLevel(logging.INFO)

    @app.before_request
    def start() -> None:
        g.request_started = time.perf_counter()
        g.request_id = _incoming_or_new()

    @app.after_request
    def finish(response: Response) -> Response:
        if "request_id" not in g:  # a failure before our before_request ran
            g.request_id = _incoming_or_new()
        response.headers[REQUEST_ID_HEADER] = g.request_id
        log_request(app, _record(response))
        return response

    @app.context_processor
    def inject_request_id() -> dict[str, object]:
        return {"request_id": request_id()}
