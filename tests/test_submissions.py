"""Sending a comment: receipt, digest, and every kind of bad input storing nothing."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db import new_session
from portal.models import CommentPeriod, Submission
from portal.services import submissions
from tests.conftest import (
    csrf_token,
    db_session,
    enrich_comments,
    make_period,
    post_comment,
    valid_comment,
)

TRACKING_RE = re.compile(r"HLED-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def count_submissions(app: Flask) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(Submission)) or 0


def stored(app: Flask) -> Submission:
    with db_session(app) as session:
        return session.scalars(select(Submission)).one()


def test_spanish_comment_gets_a_receipt_that_stays_reachable(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    response = post_comment(client, "es", open_period.slug)
    assert response.status_code == 303
    receipt_url = response.headers["Location"]
    page = client.get(receipt_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Gracias: recibimos su comentario" in html
    tracking = TRACKING_RE.search(html).group(0)
    submission = stored(app)
    assert submission.tracking_number == tracking
    assert submission.digest in html
    # Detected by the worker once the comment is stored, not in the request.
    assert submission.language == "und" and submission.language_source == "pending"
    assert enrich_comments(app) == 1
    submission = stored(app)
    assert submission.language == "es" and submission.language_source == "detected:lingua"
    assert submission.ui_language == "es"
    assert submission.status == "pending"
    assert "En espera de revisión" in html
    # Later, from another browser: the receipt is there, without the private copy.
    other = app.test_client().get(f"/en/receipts/{tracking}")
    assert other.status_code == 200
    assert tracking in other.get_data(as_text=True)
    assert "ana@example.org" not in other.get_data(as_text=True)
    assert "Awaiting review" in other.get_data(as_text=True)


def test_digest_is_sha256_of_downloadable_record(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    response = post_comment(client, "en", open_period.slug, body="Line one\r\nLine two ✓ 🚚")
    tracking = response.headers["Location"].split("/")[-1].split("?")[0]
    record = client.get(f"/en/receipts/{tracking}/record.json")
    assert record.status_code == 200
    submission = stored(app)
    assert hashlib.sha256(record.data).hexdigest() == submission.digest
    assert submission.body == "Line one\r\nLine two ✓ 🚚"  # exactly as sent
    # Nobody else can download the private record.
    assert app.test_client().get(f"/en/receipts/{tracking}/record.json").status_code == 404


def test_tracking_number_lookup_forgives_case_and_lookalikes(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    post_comment(client, "en", open_period.slug)
    tracking = stored(app).tracking_number
    typed = tracking.lower().replace("0", "o").replace("1", "l")
    response = client.get("/en/receipts", query_string={"tracking": f" {typed} "})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/receipts/{tracking}")
    missing = client.get("/es/receipts", query_string={"tracking": "HLED-AAAA-BBBB-CCCC"})
    assert missing.status_code == 404
    assert "Ningún comentario tiene ese número" in missing.get_data(as_text=True)


def test_markup_is_shown_not_executed(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    body = 'See <script>alert(1)</script> <img src=x onerror=alert(2)> https://example.org/x'
    post_comment(client, "en", open_period.slug, body=body)
    enrich_comments(app)
    submission = stored(app)
    assert submission.body == body
    assert "<script>" not in submission.body_html
    assert "&lt;script&gt;" in submission.body_html
    assert "<img" not in submission.body_html
    assert 'href="https://example.org/x"' in submission.body_html
    assert 'rel="nofollow ugc"' in submission.body_html


def test_declared_language_wins_over_detection(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    post_comment(client, "en", open_period.slug, written_language="en")
    submission = stored(app)
    assert (submission.language, submission.language_source) == ("en", "declared")


def test_individual_needs_no_organization(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    response = post_comment(
        client, "en", open_period.slug, submitter_type="individual", organization=""
    )
    assert response.status_code == 303
    assert stored(app).organization is None


# The period asks questions: a comment needs an answer or the general comment.
NOTHING_WRITTEN = ("Answer at least one question or write a general comment.",
                   "Responda al menos una pregunta o escriba un comentario general.")
BAD_INPUTS = [
    ({"body": ""}, "body", *NOTHING_WRITTEN),
    ({"body": "   \n  "}, "body", *NOTHING_WRITTEN),
    ({"body": "x" * 20001}, "body", "the limit is 20,000", "el límite es 20"),
    ({"email": "not-an-email"}, "email", "Enter an email address like",
     "Escriba un correo electrónico como"),
    ({"organization": ""}, "organization", "Enter your organization",
     "Escriba el nombre de su organización"),
    ({"submitter_type": ""}, "submitter_type", "Choose who you are commenting as.",
     "Indique en calidad de qué comenta."),
    ({"submitter_type": "robot"}, "submitter_type", "Not a valid choice", "Opción inválida"),
    ({"country": "ZZ"}, "country", "Not a valid choice", "Opción inválida"),
    ({"name": ""}, "name", "Enter your name.", "Escriba su nombre."),
    ({"subject": "s" * 301}, "subject", "Use at most 300 characters.",
     "Use como máximo 300 caracteres."),
]


@pytest.mark.parametrize(("overrides", "field", "en_text", "es_text"), BAD_INPUTS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_bad_input_returns_form_with_message_beside_field_and_stores_nothing(
    app: Flask, client: FlaskClient, open_period: CommentPeriod,
    overrides: dict[str, str], field: str, en_text: str, es_text: str, lang: str,
) -> None:
    response = post_comment(client, lang, open_period.slug, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (en_text if lang == "en" else es_text) in html
    # The message sits beside its field and the field points to it.
    assert f'id="{field}-error"' in html
    assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', html) or re.search(
        rf'aria-describedby="[^"]*{field}-error[^"]*"[^>]*id="{field}"', html
    )
    assert 'aria-invalid="true"' in html
    # What the user typed is still there.
    if field != "subject":
        assert valid_comment()["subject"] in html
    if field != "body":
        assert "Los cruces de camiones en Nuevo Laredo" in html
    assert count_submissions(app) == 0


def test_twenty_thousand_characters_with_crlf_newlines_are_accepted(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    body = ("a" * 99 + "\r\n") * 200  # 20,000 characters as the browser counts them
    assert post_comment(client, "en", open_period.slug, body=body).status_code == 303
    assert stored(app).body == body


@pytest.mark.parametrize(
    ("opens_in", "lasts", "en_text", "es_text"),
    [
        (timedelta(days=5), timedelta(days=30), "This comment period is not open yet",
         "aún no está abierto"),
        (-timedelta(days=40), timedelta(days=30), "This comment period is closed",
         "está cerrado"),
    ],
)
def test_closed_or_forthcoming_period_refuses_and_keeps_the_text(
    app: Flask, client: FlaskClient, opens_in: timedelta, lasts: timedelta,
    en_text: str, es_text: str,
) -> None:
    period = make_period(app, slug="not-open", opens_in=opens_in, lasts=lasts)
    page = client.get(f"/es/periods/{period.slug}/comment")
    assert page.status_code == 200
    assert es_text in page.get_data(as_text=True)
    # A form kept open in a tab and sent after the period closed.
    open_one = make_period(app, slug="open-one")
    token = csrf_token(client, f"/en/periods/{open_one.slug}/comment")
    response = client.post(
        f"/en/periods/{period.slug}/comment", data={**valid_comment(), "csrf_token": token}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert en_text in html
    assert "Los cruces de camiones en Nuevo Laredo" in html
    assert count_submissions(app) == 0


def test_period_that_closes_between_form_and_submit(
    app: Flask, open_period: CommentPeriod
) -> None:
    with app.app_context():
        session = new_session(write=True)
        period = session.get(CommentPeriod, open_period.id)
        data = submissions.SubmissionInput(**{
            k: v for k, v in valid_comment().items()
            if k not in ("written_language", "consent_publish")
        }, consent_publish=True)
        with pytest.raises(submissions.PeriodNotOpenError):
            submissions.submit(session, submissions.prepare(period, data, "en",
                                                            now=period.closes_at))
        session.rollback()
        session.close()
    assert count_submissions(app) == 0


@pytest.mark.parametrize("lang", ["en", "es"])
def test_unknown_period_is_404(
    client: FlaskClient, open_period: CommentPeriod, lang: str
) -> None:
    token = csrf_token(client, f"/{lang}/periods/{open_period.slug}/comment")
    response = client.post(
        f"/{lang}/periods/nope/comment", data={**valid_comment(), "csrf_token": token}
    )
    assert response.status_code == 404
    assert ("Page not found" if lang == "en" else "Página no encontrada") in response.get_data(
        as_text=True
    )


def test_missing_or_wrong_csrf_token_keeps_text_and_stores_nothing(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    url = f"/es/periods/{open_period.slug}/comment"
    client.get(url)
    for token in (None, "forged"):
        data = valid_comment()
        if token:
            data["csrf_token"] = token
        response = client.post(url, data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Su formulario había caducado" in html
        assert "Los cruces de camiones en Nuevo Laredo" in html
        # The form comes back with a fresh token so that one more press sends it.
        assert 'name="csrf_token"' in html
    assert count_submissions(app) == 0


def test_a_form_left_open_for_hours_still_submits(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsdangerous.timed import TimestampSigner

    url = f"/en/periods/{open_period.slug}/comment"
    token = csrf_token(client, url)
    real = TimestampSigner.get_timestamp
    # Six hours of writing pass between loading the form and sending it.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 6 * 3600)
    response = client.post(url, data={**valid_comment(), "csrf_token": token})
    assert response.status_code == 303
    assert count_submissions(app) == 1


def test_oversized_request_gets_413_page(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    url = f"/es/periods/{open_period.slug}/comment"
    # The limit is sized for five files of 10 MB; a smaller one keeps the test quick.
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    data = valid_comment(body="x" * (2 * 1024 * 1024))
    data["csrf_token"] = csrf_token(client, url)
    response = client.post(url, data=data)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Lo que envió es demasiado grande" in html
    # The comment form comes back (not a bare error page), saying what to do.
    assert 'name="subject"' in html and "archivos más pequeños" in html
    assert count_submissions(app) == 0


def test_long_text_within_the_request_limit_is_kept_with_a_message(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    url = f"/en/periods/{open_period.slug}/comment"
    data = valid_comment(body="x" * (300 * 1024))
    data["csrf_token"] = csrf_token(client, url)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "the limit is 20,000" in response.get_data(as_text=True)
    assert count_submissions(app) == 0
