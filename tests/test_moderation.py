"""The queue, decisions, redaction, concurrency, bulk decisions and the audit history."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.models import AuditEvent, CommentPeriod, Submission
from portal.services import moderation
from tests.conftest import (
    add_submission,
    csrf_from,
    csrf_token,
    db_session,
    make_user,
    post_comment,
    sign_in,
)


def _get(app: Flask, submission_id: int) -> Submission:
    with db_session(app) as session:
        found = session.get(Submission, submission_id)
    assert found is not None
    return found


def _decide(client: FlaskClient, submission_id: int, action: str, **data: object):  # type: ignore[no-untyped-def]
    """Send a decision from the review page, with the version that page shows."""
    review = f"/en/moderation/submissions/{submission_id}"
    html = client.get(review).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version, "no version on the review page"
    payload: dict[str, object] = {"csrf_token": csrf_from(html), "version": version.group(1)}
    payload.update(data)
    return client.post(f"{review}/{action}", data=payload)


def _audit_count(app: Flask) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_queue_is_oldest_first_with_counts(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    first = add_submission(app, open_period, subject="First in")
    second = add_submission(app, open_period, subject="Second in")
    html = moderator_client.get("/en/moderation/").get_data(as_text=True)
    assert html.index(first[1]) < html.index(second[1])
    assert "Awaiting review (2)" in html


def test_queue_filters(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    es = add_submission(app, open_period, subject="Spanish one", declared_language="es")
    en = add_submission(
        app,
        open_period,
        subject="English one",
        declared_language="en",
        country="US",
        submitter_type="ngo",
    )
    flagged = add_submission(app, open_period, subject="Bot", honeypot="http://spam")
    page = moderator_client.get("/en/moderation/?language=en").get_data(as_text=True)
    assert en[1] in page and es[1] not in page
    assert '<option value="en" selected>English</option>' in page  # the filter stays chosen
    page = moderator_client.get("/en/moderation/?country=US&type=ngo").get_data(as_text=True)
    assert en[1] in page and es[1] not in page
    page = moderator_client.get("/en/moderation/?flag=honeypot").get_data(as_text=True)
    assert flagged[1] in page and en[1] not in page
    assert "Hidden field filled" in page
    # Unknown filter values are ignored, not errors: the whole queue shows.
    unknown = moderator_client.get("/en/moderation/?country=XX&flag=zz")
    assert unknown.status_code == 200
    page = unknown.get_data(as_text=True)
    assert all(tracking in page for tracking in (es[1], en[1], flagged[1]))
    assert "Awaiting review (3)" in page
    # An id is a number the site wrote into its own links: anything else is a bad request.
    assert moderator_client.get("/en/moderation/?period=abc").status_code == 400


def test_keyset_pages_cover_everything_once(app: Flask, open_period: CommentPeriod) -> None:
    ids = [add_submission(app, open_period, subject=f"n{i}")[0] for i in range(7)]
    with db_session(app) as session:
        seen: list[int] = []
        after = None
        while True:
            page = moderation.queue(session, moderation.QueueFilters(), after=after, page_size=3)
            seen.extend(s.id for s in page.items)
            if page.next_after is None:
                break
            after = page.next_after
        back = moderation.queue(session, moderation.QueueFilters(), before=ids[6], page_size=3)
    assert seen == ids
    assert [s.id for s in back.items] == ids[3:6]


def test_suspected_spam_is_held_not_dropped(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    links = " ".join(f"https://spam{i}.example/" for i in range(6))
    response = post_comment(client, "en", open_period.slug, body=links, website="filled")
    assert response.status_code == 303
    with db_session(app) as session:
        stored = session.scalars(select(Submission)).one()
    assert stored.status == "pending"
    assert set(stored.flag_list) == {"honeypot", "many_links"}


def test_repeated_text_is_flagged(app: Flask, open_period: CommentPeriod) -> None:
    add_submission(app, open_period, body="Support the border  plan.")
    second = add_submission(app, open_period, body="support the BORDER plan.")
    assert _get(app, second[0]).flag_list == ["repeated"]


def test_publish_then_see_it_in_reading_room_and_receipt(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    sid, tracking = add_submission(app, open_period, body="La energía limpia importa.")
    page = moderator_client.get(f"/en/moderation/submissions/{sid}").get_data(as_text=True)
    assert "ana@example.org" in page  # staff see the submitter's details
    response = _decide(moderator_client, sid, "publish")
    assert response.status_code == 303
    assert _get(app, sid).status == "published"
    public = app.test_client()
    room = public.get(f"/es/periods/{open_period.slug}/comments").get_data(as_text=True)
    assert tracking in room and "ana@example.org" not in room
    receipt = public.get(f"/es/receipts/{tracking}").get_data(as_text=True)
    assert "Publicado" in receipt and f"/es/comments/{tracking}" in receipt


def test_reject_with_reason_and_note_shows_on_receipt(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    sid, tracking = add_submission(app, open_period)
    response = _decide(
        moderator_client,
        sid,
        "reject",
        reason="off_topic",
        note="Su comentario no trata de este pilar.",
    )
    assert response.status_code == 303
    receipt = app.test_client().get(f"/es/receipts/{tracking}").get_data(as_text=True)
    assert "No publicado" in receipt
    assert "Fuera de tema" in receipt
    # The reason stays in the submitter's language (Spanish) on the English page too.
    english = app.test_client().get(f"/en/receipts/{tracking}").get_data(as_text=True)
    assert "Not published" in english and '<dd lang="es">Fuera de tema</dd>' in english
    assert "Su comentario no trata de este pilar." in receipt
    assert app.test_client().get(f"/es/comments/{tracking}").status_code == 404


def test_reject_without_reason_is_422_and_changes_nothing(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    sid, _ = add_submission(app, open_period)
    response = _decide(moderator_client, sid, "reject", reason="", note="keep me")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose a reason." in html and "keep me" in html
    assert _get(app, sid).status == "pending"


def test_redaction_keeps_original_and_shows_both(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    original = "Call me at 555-0100. The border crossing needs more lanes."
    sid, tracking = add_submission(app, open_period, body=original)
    edited = "Call me at [redacted]. The border crossing needs more lanes."
    assert _decide(moderator_client, sid, "edit", public_body=edited).status_code == 303
    review = moderator_client.get(f"/en/moderation/submissions/{sid}").get_data(as_text=True)
    assert "555-0100" in review and "[redacted]" in review
    assert "Public version edited" in review
    _decide(moderator_client, sid, "publish")
    stored = _get(app, sid)
    assert stored.body == original and stored.public_body == edited
    public = app.test_client().get(f"/en/comments/{tracking}").get_data(as_text=True)
    assert "[redacted]" in public and "555-0100" not in public
    search = (
        app.test_client()
        .get(f"/en/periods/{open_period.slug}/comments", query_string={"q": "555"})
        .get_data(as_text=True)
    )
    assert tracking not in search


def test_two_moderators_at_once_second_gets_conflict(
    app: Flask, open_period: CommentPeriod
) -> None:
    sid, _ = add_submission(app, open_period)
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, make_user(app, "moderator", "alice@example.org"))
    sign_in(bob, make_user(app, "moderator", "bob@example.org"))
    review = f"/en/moderation/submissions/{sid}"
    a_token, b_token = csrf_token(alice, review), csrf_token(bob, review)
    # Both loaded version 1. Alice redacts first; Bob then tries to reject version 1.
    assert (
        alice.post(
            f"{review}/edit", data={"csrf_token": a_token, "version": 1, "public_body": "Redacted."}
        ).status_code
        == 303
    )
    response = bob.post(
        f"{review}/reject", data={"csrf_token": b_token, "version": 1, "reason": "spam"}
    )
    assert response.status_code == 409
    assert "Another moderator changed comment" in response.get_data(as_text=True)
    stored = _get(app, sid)
    assert stored.status == "pending" and stored.public_body == "Redacted."


def test_deciding_an_already_decided_item_is_409(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    sid, _ = add_submission(app, open_period)
    _decide(moderator_client, sid, "publish")
    before = _audit_count(app)
    review = f"/en/moderation/submissions/{sid}"
    version = _get(app, sid).version
    response = moderator_client.post(
        f"{review}/reject",
        data={
            "csrf_token": csrf_token(moderator_client, review), "version": version,
            "reason": "spam",
        },
    )
    assert response.status_code == 409
    assert "has already been decided" in response.get_data(as_text=True)
    assert _get(app, sid).status == "published"
    assert _audit_count(app) == before


def test_unknown_submission_and_forged_form(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    assert moderator_client.get("/en/moderation/submissions/999999").status_code == 404
    assert moderator_client.get("/es/moderation/submissions/abc").status_code == 404
    sid, _ = add_submission(app, open_period)
    forged = moderator_client.post(
        f"/en/moderation/submissions/{sid}/publish", data={"csrf_token": "forged", "version": 1}
    )
    assert forged.status_code == 400
    missing_version = moderator_client.post(
        f"/en/moderation/submissions/{sid}/publish",
        data={"csrf_token": csrf_token(moderator_client, "/en/moderation/")},
    )
    assert missing_version.status_code == 400
    assert _get(app, sid).status == "pending"


def test_bulk_publish_and_reject(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    ids = [add_submission(app, open_period, subject=f"b{i}")[0] for i in range(4)]
    token = csrf_token(moderator_client, "/en/moderation/")
    response = moderator_client.post(
        "/en/moderation/bulk", data={"csrf_token": token, "ids": ids[:2], "action": "publish"}
    )
    assert response.status_code == 303
    response = moderator_client.post(
        "/en/moderation/bulk",
        data={
            "csrf_token": token,
            "ids": ids[1:],
            "action": "reject",
            "reason": "duplicate",
            "note": "Same as another",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "2 comments rejected." in html, html[html.find("<main") :][:1500]
    assert "1 had already been decided" in html
    assert [_get(app, i).status for i in ids] == ["published", "published", "rejected", "rejected"]
    assert _get(app, ids[3]).reject_note == "Same as another"


def test_bulk_with_empty_selection_or_no_reason_changes_nothing(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    sid, _ = add_submission(app, open_period)
    token = csrf_token(moderator_client, "/en/moderation/")
    empty = moderator_client.post(
        "/es/moderation/bulk", data={"csrf_token": token, "action": "publish"}
    )
    assert empty.status_code == 400
    assert "Nada seleccionado" in empty.get_data(as_text=True)
    no_reason = moderator_client.post(
        "/en/moderation/bulk", data={"csrf_token": token, "ids": [sid], "action": "reject"}
    )
    assert no_reason.status_code == 422
    junk = moderator_client.post(
        "/en/moderation/bulk", data={"csrf_token": token, "ids": ["x"], "action": "publish"}
    )
    assert junk.status_code == 400
    assert _get(app, sid).status == "pending"


def test_every_decision_is_in_the_history_with_before_and_after(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    sid, _ = add_submission(app, open_period)
    _decide(moderator_client, sid, "edit", public_body="Public text")
    _decide(moderator_client, sid, "publish")
    with db_session(app) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "submission")
            .order_by(AuditEvent.id)
        ).all()
    assert [e.action for e in events] == ["submission.edit", "submission.publish"]
    assert all(e.actor == "moderator@example.org" for e in events)
    assert '"status": "pending"' in events[1].before and '"status": "published"' in events[1].after
    review = moderator_client.get(f"/es/moderation/submissions/{sid}").get_data(as_text=True)
    assert "Versión pública editada" in review and "Publicado" in review


def test_status_counts_follow_every_change(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    ids = [add_submission(app, open_period, subject=f"c{i}")[0] for i in range(5)]
    _decide(moderator_client, ids[0], "publish")
    _decide(moderator_client, ids[1], "reject", reason="spam")
    with db_session(app) as session:
        counted = moderation.status_counts(session)
        actual = dict(
            session.execute(
                select(Submission.status, func.count()).group_by(Submission.status)
            ).all()
        )
        by_period = moderation.status_counts(session, open_period.id)
    assert counted == {"pending": 3, "published": 1, "rejected": 1}
    assert counted == {**{"pending": 0, "published": 0, "rejected": 0}, **actual}
    assert by_period == counted


def test_themes_saved_on_an_old_page_get_the_conflict_page(
    app: Flask, open_period: CommentPeriod
) -> None:
    from portal.db import write_session
    from portal.models import Theme
    from portal.seed import seed_themes

    with app.app_context(), write_session() as session:
        seed_themes(session)
        session.flush()
        pillar_themes = session.scalars(
            select(Theme.id).where(Theme.pillar_id == open_period.pillar_id)).all()
    first, second = pillar_themes[0], pillar_themes[1]
    sid, _ = add_submission(app, open_period)
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, make_user(app, "moderator", "alice@example.org"))
    sign_in(bob, make_user(app, "moderator", "bob@example.org"))
    review = f"/en/moderation/submissions/{sid}"
    a_token, b_token = csrf_token(alice, review), csrf_token(bob, review)
    version = _get(app, sid).version
    saved = alice.post(f"{review}/themes", data={"csrf_token": a_token, "version": version,
                                                 "themes": [first]})
    assert saved.status_code == 303
    # Bob's page still shows the themes before Alice's change: his save must not undo hers.
    late = bob.post(f"{review}/themes", data={"csrf_token": b_token, "version": version,
                                              "themes": [second]})
    assert late.status_code == 409
    assert "Another moderator changed comment" in late.get_data(as_text=True)
    with app.app_context(), write_session() as session:
        from portal.models import SubmissionTheme

        confirmed = session.scalars(select(SubmissionTheme.theme_id).where(
            SubmissionTheme.submission_id == sid, SubmissionTheme.confirmed.is_(True))).all()
    assert confirmed == [first]
