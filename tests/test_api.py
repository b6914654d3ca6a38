"""The open-data API as a client meets it: what each address answers, in which language, with
which errors, validators, CORS headers and limits."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.api import serialize, spec
from portal.api.schemas import SCHEMAS
from portal.db import write_session
from portal.models import CommentPeriod
from portal.seed import seed_themes
from tests.api_support import published, redact
from tests.conftest import make_period

API = "/api/v1"


@pytest.fixture()
def period(app: Flask) -> CommentPeriod:
    made = make_period(app)
    with app.app_context(), write_session() as session:
        seed_themes(session)
    return made


def test_the_served_document_is_the_one_fuzzed_and_names_every_route(app: Flask) -> None:
    client = app.test_client()
    served = client.get(f"{API}/openapi.json").get_json()
    with app.test_request_context():
        assert served == spec.document("en")
    documented = {(API + path).rstrip("/") or API for path in served["paths"]}
    routed = {rule.rule.replace("<key>", "{key}").replace("<tracking>", "{tracking}").rstrip("/")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert documented == routed
    assert {op.endpoint for op in spec.OPERATIONS} == {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    # The comment schema names exactly the fields published, plus those of features to come.
    assert set(SCHEMAS["Comment"]["properties"]) == set(serialize.FIELDS)


def test_the_document_speaks_spanish_when_asked(app: Flask) -> None:
    doc = app.test_client().get(f"{API}/openapi.json?lang=es").get_json()
    assert doc["paths"]["/search"]["get"]["summary"] == "Buscar en los comentarios publicados"
    assert doc["components"]["parameters"]["country"]["schema"]["enum"] == [
        "US", "MX", "CA", "OTHER"]


def test_periods_and_pillars_in_both_languages(app: Flask, period: CommentPeriod) -> None:
    client = app.test_client()
    published(app, period)
    english = client.get(f"{API}/periods").get_json()["data"][0]
    spanish = client.get(f"{API}/periods", headers={"Accept-Language": "es-MX,es;q=0.9"}
                         ).get_json()["data"][0]
    assert english["docket"] == spanish["docket"] == period.docket_id
    assert (english["state"], english["state_label"]) == ("open", "Open for comment")
    assert (spanish["state"], spanish["state_label"]) == ("open", "Abierto a comentarios")
    assert spanish["title"] == "Energía y conectividad"
    assert [q["text"] for q in spanish["questions"]] == ["¿Qué ayuda?", "¿Qué estorba?"]
    assert english["comments_published"] == 1
    assert english["timezone"] == "America/New_York"
    assert english["opens_at"].endswith("Z") and english["opens_at_local"][-6:] in (
        "-05:00", "-04:00")
    assert client.get(f"{API}/periods/{period.slug}").get_json() == english
    assert client.get(f"{API}/periods/{period.docket_id.lower()}").get_json() == english

    pillar = client.get(f"{API}/pillars?lang=es").get_json()["data"][0]
    assert pillar["name"] == "Competitividad"
    assert pillar["periods"] == [period.docket_id]
    energy = next(t for t in pillar["themes"] if t["code"] == "energy")
    assert energy["label"] == "Energía"


def test_a_comment_shows_its_public_version_and_consented_names_only(
    app: Flask, period: CommentPeriod
) -> None:
    client = app.test_client()
    named_id, named = published(app, period, body="La energía solar y la red eléctrica.",
                                declared_language="es")
    _, anonymous = published(app, period, consent_publish=False, name="Pedro Secreto",
                             organization="Empresa Secreta", region="Coahuila")
    redact(app, named_id, "La energía solar.")
    item = client.get(f"{API}/comments/{named}?lang=es").get_json()
    assert item["text"] == "La energía solar."
    assert item["subject"] == "Cruces fronterizos"
    assert (item["name"], item["organization"], item["region"]) == (
        "Ana Martínez", "Transportes del Norte", "Nuevo León")
    assert (item["country"], item["country_label"]) == ("MX", "México")
    assert (item["language"], item["language_label"]) == ("es", "Español")
    assert "energy" in item["themes"] and "Energía" in item["theme_labels"]
    assert item["url"].endswith(f"/es/comments/{named}")
    assert "email" not in item and "ana@example.org" not in str(item)

    other = client.get(f"{API}/comments/{anonymous}").get_json()
    assert (other["name"], other["organization"], other["region"]) == (None, None, None)
    assert "Secret" not in str(other) and "Coahuila" not in str(other)
    # Typed as a person would: lower case still finds it.
    assert client.get(f"{API}/comments/{anonymous.lower()}").get_json() == other


def test_search_across_periods_with_filters(app: Flask, period: CommentPeriod) -> None:
    other = make_period(app, slug="trade-2026")
    client = app.test_client()
    _, mexican = published(app, period, body="La energía renovable importa.")
    _, american = published(app, other, body="Renewable energia for the grid.", country="US",
                            declared_language="en")
    published(app, period, body="Cruces fronterizos.")
    found = client.get(f"{API}/search?q=energia").get_json()["data"]
    assert [c["tracking_number"] for c in found] == [mexican, american]
    only_us = client.get(f"{API}/search?q=energia&country=US").get_json()["data"]
    assert [c["tracking_number"] for c in only_us] == [american]
    one_period = client.get(f"{API}/search?q=energia&period={other.docket_id}").get_json()
    assert [c["tracking_number"] for c in one_period["data"]] == [american]


@pytest.mark.parametrize(("url", "status", "code"), [
    ("/periods/no-such-period", 404, "period_not_found"),
    ("/periods/no-such-period/comments", 404, "period_not_found"),
    ("/comments/HLED-0000-0000-0000", 404, "comment_not_found"),
    ("/no/such/address", 404, "not_found"),
    ("/periods?colour=red", 400, "unknown_parameter"),
    ("/periods/{slug}/comments?country=XX", 400, "bad_parameter"),
    ("/periods/{slug}/comments?country=MX&country=US", 400, "repeated_parameter"),
    ("/periods/{slug}/comments?theme=nonsense", 400, "bad_parameter"),
    ("/periods/{slug}/comments?limit=501", 400, "bad_parameter"),
    ("/periods/{slug}/comments?limit=0", 400, "bad_parameter"),
    ("/periods/{slug}/comments?limit=ten", 400, "bad_parameter"),
    ("/periods/{slug}/comments?updated_since=yesterday", 400, "bad_parameter"),
    ("/periods/{slug}/comments?updated_since=2026-01-01T00:00:00", 400, "bad_parameter"),
    ("/periods/{slug}/comments?updated_since=0001-01-01T00:00:00%2B23:00", 400, "bad_parameter"),
    ("/periods/{slug}/comments?cursor=not-a-cursor", 400, "bad_cursor"),
    ("/periods/{slug}/comments?lang=fr", 400, "bad_parameter"),
    ("/periods/{slug}/outcome", 404, "outcome_not_found"),
    ("/search", 400, "missing_parameter"),
    ("/search?q=%22energia", 400, "search_unbalanced_quotes"),
    ("/search?q=%21%21", 400, "search_empty"),
    ("/search?q=" + "a+" * 13, 400, "search_too_many_terms"),
    ("/search?q=energia&period=nowhere", 400, "bad_parameter"),
    ("/comments/HLED-0000-0000-0000?x=%00", 400, "bad_request"),
])
def test_errors_are_json_in_one_shape(
    app: Flask, period: CommentPeriod, url: str, status: int, code: str
) -> None:
    response = app.test_client().get(API + url.format(slug=period.slug))
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_error_messages_follow_the_language(app: Flask, period: CommentPeriod) -> None:
    client = app.test_client()
    body = client.get(f"{API}/periods/{period.slug}/comments?limit=900&lang=es").get_json()
    assert body["error"]["message"] == (
        "El valor de limit no se puede usar: use un número entero del 1 al 500.")
    body = client.get(f"{API}/nowhere", headers={"Accept-Language": "es"}).get_json()
    assert body["error"]["message"].startswith("No hay nada en esta dirección")


def test_wrong_method_and_server_error_answer_json(db_url: str) -> None:
    app = create_app({"TESTING": False, "DATABASE_URL": db_url, "SECRET_KEY": "x",
                      "RATELIMIT_ENABLED": False})

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/broken", "api_broken", broken)
    client = app.test_client()
    try:
        wrong = client.delete(f"{API}/periods")
        assert wrong.status_code == 405
        assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        assert wrong.get_json()["error"]["code"] == "method_not_allowed"
        failed = client.get(f"{API}/broken")
        assert failed.status_code == 500
        assert failed.get_json() == {"error": {
            "code": "server_error",
            "message": "Something went wrong on our side. Please try again later."}}
        assert "a bug" not in failed.get_data(as_text=True)
    finally:
        app.extensions["portal_engine"].dispose()


def test_conditional_requests_answer_304_until_something_changes(
    app: Flask, period: CommentPeriod
) -> None:
    client = app.test_client()
    submission_id, tracking = published(app, period)
    for url in (f"{API}/periods/{period.slug}/comments", f"{API}/comments/{tracking}",
                f"{API}/periods/{period.slug}/summary", f"{API}/periods"):
        first = client.get(url)
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
        if "Last-Modified" in first.headers:
            assert client.get(url, headers={
                "If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    comment_url = f"{API}/comments/{tracking}"
    etag = client.get(comment_url).headers["ETag"]
    redact(app, submission_id, "A shorter public text.")
    changed = client.get(comment_url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["text"] == "A shorter public text."
    # Another language is another representation.
    assert client.get(comment_url + "?lang=es").headers["ETag"] != changed.headers["ETag"]


def test_cors_and_no_cookies(app: Flask, period: CommentPeriod) -> None:
    client = app.test_client()
    preflight = client.options(f"{API}/periods", headers={
        "Origin": "https://newsroom.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    answer = client.get(f"{API}/periods", headers={"Origin": "https://newsroom.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]
    for response in (preflight, answer, client.get(f"{API}/nowhere")):
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
    assert client.get_cookie("session") is None


def test_each_client_is_limited_with_retry_after(db_url: str, app: Flask,
                                                 period: CommentPeriod) -> None:
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_API": "3 per minute"})
    try:
        client: FlaskClient = limited.test_client()
        answers = [client.get(f"{API}/periods") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        refused = answers[-1]
        assert refused.get_json()["error"]["code"] == "rate_limited"
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        # Another client is not held back.
        other = limited.test_client().get(f"{API}/pillars",
                                          environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 200
    finally:
        limited.extensions["portal_engine"].dispose()


def test_spanish_labels_are_words_not_codes(app: Flask, period: CommentPeriod) -> None:
    from portal.models.labels import labeled_enums

    codes = {m.value for enum in labeled_enums().values() for m in enum}
    published(app, period)
    client = app.test_client()
    found: list[object] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key.endswith(("_label", "_labels")):
            found.append(value)
            assert value not in codes, (key, value)

    for path in ("/periods", f"/periods/{period.slug}/comments", f"/periods/{period.slug}/summary"):
        walk(client.get(f"{API}{path}?lang=es").get_json())
    assert "Abierto a comentarios" in found and "México" in found


def test_answers_per_question_and_the_published_outcome(app: Flask) -> None:
    from datetime import timedelta

    from portal.models import Question
    from portal.services import audit, outcomes
    from portal.services.submissions import AnswerInput

    period = make_period(app)
    with app.app_context(), write_session() as session:
        questions = {q.position: q.id for q in session.query(Question).filter_by(
            period_id=period.id)}
    _, tracking = published(app, period, body="", answers=(
        AnswerInput(question_id=questions[2], position=2, text="Los trámites aduanales."),))
    client = app.test_client()
    item = client.get(f"{API}/comments/{tracking}?lang=es").get_json()
    assert item["answers"] == [{"question": 2, "question_text": "¿Qué estorba?",
                                "text": "Los trámites aduanales."}]
    assert client.get(f"{API}/periods/{period.slug}/outcome").status_code == 404

    closed = make_period(app, slug="closed-2026", opens_in=-timedelta(days=40),
                         lasts=timedelta(days=30))
    texts = {"summary_en": "We heard about crossings.", "summary_es": "Escuchamos sobre cruces.",
             "response_en": "We will act.", "response_es": "Actuaremos."}
    with app.app_context(), write_session() as session:
        from portal.models import CommentPeriod as Period

        outcomes.publish(session, audit.CLI, session.get(Period, closed.id), texts)
    outcome = client.get(f"{API}/periods/{closed.slug}/outcome?lang=es").get_json()
    assert (outcome["summary"], outcome["response"]) == ("Escuchamos sobre cruces.", "Actuaremos.")
    listed = client.get(f"{API}/periods/{closed.slug}").get_json()
    assert listed["links"]["outcome"].endswith(f"/periods/{closed.docket_id}/outcome")
