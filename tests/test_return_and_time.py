"""A moderator sends a decided comment back to the queue; times show in both capitals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import new_session, write_session
from portal.models import AuditAction, AuditEvent, CommentPeriod, Status, Submission
from portal.services import audit, moderation
from tests.conftest import add_submission, csrf_token, make_period


def _review_post(client: FlaskClient, submission_id: int, action: str, **data: object):  # type: ignore[no-untyped-def]
    review = f"/en/moderation/submissions/{submission_id}"
    html = client.get(review).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version
    return client.post(f"{review}/{action}", data={
        "csrf_token": csrf_token(client, review), "version": version.group(1), **data})


def test_a_published_comment_goes_back_with_a_reason_and_leaves_the_public_record(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    submission_id, tracking = add_submission(app, open_period, body="Energía limpia para todos.")
    with app.app_context(), write_session() as session:
        moderation.publish(session, session.get(Submission, submission_id), audit.CLI)
    public = app.test_client()
    assert tracking in public.get(f"/es/periods/{open_period.slug}/comments?q=limpia").get_data(
        as_text=True)
    response = _review_post(moderator_client, submission_id, "return", reason="")
    assert response.status_code == 422
    assert "Say why the comment goes back to the queue." in response.get_data(as_text=True)
    response = _review_post(moderator_client, submission_id, "return",
                            reason="Contains a phone number we missed.")
    assert response.status_code == 303
    assert public.get(f"/es/comments/{tracking}").status_code == 404
    assert tracking not in public.get(
        f"/es/periods/{open_period.slug}/comments?q=limpia").get_data(as_text=True)
    receipt = public.get(f"/es/receipts/{tracking}").get_data(as_text=True)
    assert "En espera de revisión" in receipt
    queue = moderator_client.get("/en/moderation/").get_data(as_text=True)
    assert tracking in queue
    review = moderator_client.get(f"/en/moderation/submissions/{submission_id}").get_data(
        as_text=True)
    assert "Returned to the queue" in review and "Contains a phone number we missed." in review
    with app.app_context():
        session = new_session()
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == AuditAction.SUBMISSION_RETURN)).one()
        assert session.get(Submission, submission_id).status is Status.PENDING
        session.close()
    assert event.actor == "moderator@example.org"


def test_a_rejected_comment_goes_back_without_its_rejection(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    submission_id, tracking = add_submission(app, open_period)
    with app.app_context(), write_session() as session:
        moderation.reject(session, session.get(Submission, submission_id), audit.CLI,
                          "off_topic", "Nota.")
    assert _review_post(moderator_client, submission_id, "return",
                        reason="Wrongly rejected.").status_code == 303
    receipt = app.test_client().get(f"/en/receipts/{tracking}").get_data(as_text=True)
    assert "Awaiting review" in receipt and "Nota." not in receipt
    # Pending already: nothing to send back.
    assert _review_post(moderator_client, submission_id, "return",
                        reason="Again.").status_code == 409


def test_spanish_pages_show_mexico_city_time_with_washington_time_beside(
    app: Flask, client: FlaskClient
) -> None:
    period = make_period(app, slug="tz")
    closes = datetime(2031, 1, 15, 23, 30, tzinfo=UTC)  # 17:30 in Mexico City, 18:30 in DC
    with app.app_context(), write_session() as session:
        session.get(CommentPeriod, period.id).closes_at = closes
    es = client.get("/es/periods/tz").get_data(as_text=True)
    assert re.search(r"miércoles, 15 de enero de 2031, 17:30 hora de la Ciudad de México "
                     r'</time> <span class="other-zone">\(18:30 hora de Washington\)', es) or (
        "17:30 hora de la Ciudad de México" in es and "(18:30 hora de Washington)" in es)
    en = client.get("/en/periods/tz").get_data(as_text=True)
    assert "6:30\u202fPM Washington time" in en or "6:30 PM Washington time" in en
    assert "5:30\u202fPM Mexico City time" in en or "5:30 PM Mexico City time" in en
    # The countdown, server-rendered in each language.
    assert re.search(r"Closes in \d+ years?", en)
    assert re.search(r"Cierra dentro de \d+ años?", es)


def test_the_countdown_says_hours_near_the_end(app: Flask, client: FlaskClient) -> None:
    make_period(app, slug="soon", opens_in=-timedelta(days=2),
                lasts=timedelta(days=2, hours=5, minutes=10))
    assert "Closes in 5 hours" in client.get("/en/periods/soon").get_data(as_text=True)
    assert "Cierra dentro de 5 horas" in client.get("/es/periods/soon").get_data(as_text=True)
