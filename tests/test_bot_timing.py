"""A comment sent too soon after its form was shown is stored, receipted and flagged; a moderator
can take the flag off."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient

from portal.db import write_session
from portal.models import AuditAction, CommentPeriod, Submission
from portal.services import audit, submissions
from tests.conftest import csrf_from, csrf_token, post_comment, shown_from, valid_comment


def _stored(app: Flask, response) -> Submission:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    tracking = response.headers["Location"].split("/receipts/")[1].split("?")[0]
    with app.app_context(), write_session() as session:
        found = submissions.by_tracking_number(session, tracking)
        assert found is not None
        session.expunge(found)
        return found


def test_too_fast_comment_is_stored_receipted_and_flagged(app: Flask, client: FlaskClient,
                                                          open_period: CommentPeriod) -> None:
    app.config["FORM_MIN_SECONDS"] = 30
    response = post_comment(client, "es", open_period.slug)
    stored = _stored(app, response)
    assert stored.flag_list == ["too_fast"]
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200 and stored.tracking_number in receipt.get_data(as_text=True)


def test_a_person_who_takes_their_time_is_not_flagged(app: Flask, client: FlaskClient,
                                                      open_period: CommentPeriod) -> None:
    app.config["FORM_MIN_SECONDS"] = 1
    url = f"/en/periods/{open_period.slug}/comment"
    page = client.get(url).get_data(as_text=True)
    time.sleep(1.2)  # reading the questions, writing the comment
    data = {**valid_comment(), "csrf_token": csrf_from(page), "shown": shown_from(page)}
    assert _stored(app, client.post(url, data=data)).flag_list == []


def test_a_form_sent_back_with_errors_keeps_the_time_it_was_first_shown(
        app: Flask, client: FlaskClient, open_period: CommentPeriod) -> None:
    app.config["FORM_MIN_SECONDS"] = 1
    url = f"/en/periods/{open_period.slug}/comment"
    page = client.get(url).get_data(as_text=True)
    first_shown = shown_from(page)
    token = csrf_from(page)
    time.sleep(1.2)
    again = client.post(url, data={**valid_comment(email="not an address"),
                                   "csrf_token": token, "shown": first_shown})
    assert again.status_code == 422
    assert shown_from(again.get_data(as_text=True)) == first_shown
    fixed = client.post(url, data={**valid_comment(), "csrf_token": token, "shown": first_shown})
    assert _stored(app, fixed).flag_list == []


def test_missing_or_forged_time_is_flagged(app: Flask, client: FlaskClient,
                                           open_period: CommentPeriod) -> None:
    url = f"/en/periods/{open_period.slug}/comment"
    for shown in ("", "shown.forged.signature"):
        data = {**valid_comment(body=f"Comment with time {shown!r}."),
                "csrf_token": csrf_token(client, url), "shown": shown}
        assert _stored(app, client.post(url, data=data)).flag_list == ["too_fast"]


def test_moderator_takes_the_flag_off(app: Flask, client: FlaskClient,
                                      moderator_client: FlaskClient,
                                      open_period: CommentPeriod) -> None:
    app.config["FORM_MIN_SECONDS"] = 30
    stored = _stored(app, post_comment(client, "en", open_period.slug))
    review = f"/es/moderation/submissions/{stored.id}"
    page = moderator_client.get(review).get_data(as_text=True)
    assert "Enviado demasiado pronto" in page
    token = csrf_from(page)
    refused = moderator_client.post(f"{review}/release", data={
        "csrf_token": token, "version": stored.version, "flag": "honeypot"})
    assert refused.status_code == 400
    stale = moderator_client.post(f"{review}/release", data={
        "csrf_token": token, "version": stored.version - 1, "flag": "too_fast"})
    assert stale.status_code == 409
    done = moderator_client.post(f"{review}/release", data={
        "csrf_token": token, "version": stored.version, "flag": "too_fast"})
    assert done.status_code == 303
    with app.app_context(), write_session() as session:
        released = session.get(Submission, stored.id)
        assert released is not None and released.flag_list == []
        events = audit.history(session, "submission", stored.id)
        assert [e.action for e in events] == [AuditAction.SUBMISSION_RELEASE]
    page = moderator_client.get(review).get_data(as_text=True)
    assert "Marca de tiempo de envío retirada" in page
    assert "too_fast" not in page
