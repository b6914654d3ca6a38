"""Operations: a request id on every answer and error page, one JSON log line per request with
nothing personal in it, and /metrics for Prometheus behind a token."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from portal import create_app, metrics
from portal.models import CommentPeriod
from portal.observability import LOGGER_NAME
from tests.conftest import post_comment

TOKEN = "metrics-token-for-tests"  # noqa: S105 - a test value


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def records(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture()
def request_log() -> Iterator[_Lines]:
    handler = _Lines()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.fixture()
def metrics_app(app: Flask) -> Iterator[Flask]:
    """The test app's database and settings, with /metrics opened by a token."""
    other = create_app({**app.config, "METRICS_TOKEN": TOKEN})
    yield other
    other.extensions["portal_engine"].dispose()


def _samples(client: FlaskClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def test_every_answer_carries_a_request_id_and_a_sane_incoming_one_is_kept(
    client: FlaskClient,
) -> None:
    first = client.get("/en/").headers["X-Request-ID"]
    second = client.get("/en/").headers["X-Request-ID"]
    assert first and second and first != second

    kept = client.get("/en/", headers={"X-Request-ID": "lb-7f3a9c21-0001"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a9c21-0001"
    for hostile in ("<script>alert(1)</script>", "x" * 200, "short", "a b c d e f g h",
                    "abc\u00e9defghij"):
        answer = client.get("/en/", headers={"X-Request-ID": hostile})
        assert answer.headers["X-Request-ID"] != hostile
        assert len(answer.headers["X-Request-ID"]) == 32


@pytest.mark.parametrize(("lang", "label"), [("en", "Reference: "), ("es", "Referencia: ")])
def test_not_found_page_shows_the_reference_in_the_readers_language(
    client: FlaskClient, lang: str, label: str
) -> None:
    answer = client.get(f"/{lang}/periods/no-such-period")
    assert answer.status_code == 404
    reference = answer.headers["X-Request-ID"]
    assert f"{label}{reference}" in answer.get_data(as_text=True)


def test_a_server_error_page_shows_the_reference_a_person_can_quote(
    app: Flask, request_log: _Lines
) -> None:
    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/es/broken-for-test", "broken_for_test", broken)
    answer = app.test_client().get("/es/broken-for-test")
    assert answer.status_code == 500
    reference = answer.headers["X-Request-ID"]
    assert f"Referencia: {reference}" in answer.get_data(as_text=True)
    assert "a bug" not in answer.get_data(as_text=True)
    logged = [r for r in request_log.records() if r["request_id"] == reference]
    assert logged and logged[0]["status"] == 500 and logged[0]["endpoint"] == "broken_for_test"


def test_one_json_line_per_request_with_route_not_personal_data(
    client: FlaskClient, open_period: CommentPeriod, request_log: _Lines
) -> None:
    secret_text = "Mi comentario muy particular sobre el gasoducto de Sonora 4417."
    sent = post_comment(client, "es", open_period.slug, body=secret_text,
                        email="persona.privada@example.org", name="Rosa Privada")
    assert sent.status_code == 303
    tracking = sent.headers["Location"].split("/receipts/")[1].split("?")[0]
    receipt = client.get(sent.headers["Location"])
    assert receipt.status_code == 200
    client.get("/en/receipts?tracking=x&email=persona.privada@example.org")

    records = request_log.records()
    # The form, the post, the receipt and the search: one line each.
    assert len(records) == 4
    for record in records:
        assert set(record) == {"ts", "request_id", "method", "endpoint", "route", "status",
                               "duration_ms"}
        assert isinstance(record["duration_ms"], float) and record["duration_ms"] >= 0
    post = records[1]
    assert (post["method"], post["endpoint"], post["status"]) == ("POST", "public.comment", 303)
    assert post["route"] == "/<lang>/periods/<slug>/comment"
    assert post["request_id"] == sent.headers["X-Request-ID"]
    assert records[2]["route"] == "/<lang>/receipts/<tracking>"
    everything = "\n".join(request_log.lines)
    for personal in (secret_text, "Sonora", "persona.privada", "Rosa", tracking, "example.org",
                     "127.0.0.1"):
        assert personal not in everything


def test_metrics_is_not_there_without_a_token(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_refuses_a_missing_or_wrong_token(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    assert client.get("/metrics").status_code == 401
    for header in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer"):
        answer = client.get("/metrics", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert "portal_requests" not in answer.get_data(as_text=True)


def test_metrics_count_requests_by_endpoint_and_status_and_comments_by_status(
    metrics_app: Flask, open_period: CommentPeriod
) -> None:
    client = metrics_app.test_client()
    for _ in range(3):
        assert post_comment(client, "en", open_period.slug).status_code == 303
    assert client.get("/en/periods/nothing-here").status_code == 404
    found = _samples(client)

    posted = frozenset({("endpoint", "public.comment"), ("method", "POST"), ("status", "303")})
    assert found[("portal_requests_total", posted)] == 3
    assert found[("portal_request_duration_seconds_count", posted)] == 3
    assert found[("portal_request_duration_seconds_bucket", posted | {("le", "+Inf")})] == 3
    missing = frozenset({("endpoint", "public.period"), ("method", "GET"), ("status", "404")})
    assert found[("portal_requests_total", missing)] == 1
    assert found[("portal_comments", frozenset({("status", "pending")}))] == 3
    assert found[("portal_comments", frozenset({("status", "published")}))] == 0
    # Each comment wrote its receipt to the outbox: the backlog and the queue are watched too.
    outbox = {dict(labels)["state"]: n for (name, labels), n in found.items()
              if name == "portal_outbox_messages"}
    assert set(outbox) == {"pending", "sent", "failed", "cancelled"}
    assert sum(outbox.values()) == 3
    assert found[("portal_tasks_waiting", frozenset())] >= 0


def test_a_gauge_registered_later_is_scraped_and_a_failing_one_is_skipped(
    metrics_app: Flask,
) -> None:
    backlog = [7.0]

    def broken() -> float:
        raise RuntimeError("the queue does not answer")

    metrics.register_gauge("portal_test_outbox_backlog", "Messages waiting.", lambda: backlog[0])
    metrics.register_gauge("portal_test_broken", "Fails.", broken)
    try:
        client = metrics_app.test_client()
        assert _samples(client)[("portal_test_outbox_backlog", frozenset())] == 7
        backlog[0] = 2
        found = _samples(client)
        assert found[("portal_test_outbox_backlog", frozenset())] == 2
        assert ("portal_test_broken", frozenset()) not in found
        assert ("portal_comments", frozenset({("status", "pending")})) in found
    finally:
        metrics.unregister_gauge("portal_test_outbox_backlog")
        metrics.unregister_gauge("portal_test_broken")
