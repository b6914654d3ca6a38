"""A comment is receipted before the worker enriches it (language, HTML, themes, repeated flag),
shows correctly before and after, and is enriched exactly once whoever gets there first."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import CommentPeriod, Submission, SubmissionTheme, TermCount, Theme
from portal.services import audit, enrichment, moderation
from tests.conftest import (
    add_submission,
    csrf_from,
    db_session,
    enrich_comments,
    make_period,
    post_comment,
)
from tests.mail_support import consumer_thread, wait_for

HOSTILE = ("La energía solar en la frontera necesita <script>alert(1)</script> líneas nuevas.\n"
           'Segunda línea <img src=x onerror=alert(2)> y https://example.org/plan "fin".')


@pytest.fixture()
def period(app: Flask) -> CommentPeriod:
    found = make_period(app)
    with app.app_context(), write_session() as session:
        session.add(Theme(pillar_id=found.pillar_id, code="energy", label_en="Energy",
                          label_es="Energía", keywords_en="energy, solar",
                          keywords_es="energía, solar", position=1))
    return found


def _tracking(response) -> str:  # type: ignore[no-untyped-def]
    return response.headers["Location"].split("/")[-1].split("?")[0]


def _stored(app: Flask, tracking: str) -> dict[str, object]:
    with db_session(app) as session:
        s = session.scalars(select(Submission).where(Submission.tracking_number == tracking)).one()
        themes = sorted(session.scalars(
            select(SubmissionTheme.theme_id).where(SubmissionTheme.submission_id == s.id,
                                                   SubmissionTheme.suggested.is_(True))))
        return {"id": s.id, "language": str(s.language), "source": str(s.language_source),
                "html": s.stored_body_html, "answers": [a.stored_text_html for a in s.answers],
                "flags": s.flags, "version": s.version, "enriched_at": s.enriched_at,
                "themes": themes}


def _shows_escaped(html: str) -> None:
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "líneas nuevas.<br>" in html  # the line break kept


def test_a_comment_shows_safely_before_and_after_the_worker_enriches_it(
        app: Flask, client: FlaskClient, moderator_client: FlaskClient,
        period: CommentPeriod) -> None:
    with db_session(app) as session:
        question = session.get(CommentPeriod, period.id).questions[0]  # type: ignore[union-attr]
        field = f"answer_{question.id}"
    response = post_comment(client, "es", period.slug, body=HOSTILE,
                            **{field: "Más <b>líneas</b>\nde transmisión."})
    assert response.status_code == 303
    tracking = _tracking(response)
    before = _stored(app, tracking)
    # The request stored only what the receipt needs.
    assert before["enriched_at"] is None and before["html"] == ""
    assert (before["language"], before["source"]) == ("und", "pending")
    assert before["themes"] == [] and before["answers"] == [""]

    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gracias: recibimos su comentario" in receipt
    _shows_escaped(receipt)
    assert "Más &lt;b&gt;líneas&lt;/b&gt;<br>" in receipt
    sid = before["id"]
    for lang, label, undetermined in (("en", "Not yet detected", "Undetermined"),
                                      ("es", "Aún no detectado", "Sin determinar")):
        review = moderator_client.get(f"/{lang}/moderation/submissions/{sid}")
        assert review.status_code == 200
        html = review.get_data(as_text=True)
        _shows_escaped(html)
        assert f"<dd>{label}</dd>" in html and f"<dd>{undetermined}" not in html
        queue = moderator_client.get(f"/{lang}/moderation/").get_data(as_text=True)
        assert f"<td>{label}</td>" in queue

    assert enrich_comments(app) == 1
    after = _stored(app, tracking)
    assert (after["language"], after["source"]) == ("es", "detected:lingua")
    assert after["enriched_at"] is not None
    assert after["version"] == before["version"]  # a moderator's open page stays valid
    assert len(after["themes"]) == 1  # "energía", "solar"
    html = str(after["html"])
    assert "&lt;script&gt;" in html and "<script>" not in html and "<img" not in html
    assert 'href="https://example.org/plan" rel="nofollow ugc"' in html
    assert "&lt;b&gt;" in str(after["answers"][0])  # type: ignore[index]

    receipt = client.get(f"/en/receipts/{tracking}").get_data(as_text=True)
    assert 'href="https://example.org/plan" rel="nofollow ugc"' in receipt
    assert "<script>alert(1)" not in receipt
    for lang, label in (("en", "Spanish (detected automatically)"),
                        ("es", "Español (detectado automáticamente)")):
        review = moderator_client.get(f"/{lang}/moderation/submissions/{sid}")
        assert label in review.get_data(as_text=True)


def test_the_declared_language_shows_at_once_and_stays(
        app: Flask, client: FlaskClient, moderator_client: FlaskClient,
        period: CommentPeriod) -> None:
    tracking = _tracking(post_comment(client, "en", period.slug, written_language="es",
                                      body="Solar power for the border."))
    stored = _stored(app, tracking)
    assert (stored["language"], stored["source"]) == ("es", "declared")
    queue = moderator_client.get("/en/moderation/?language=es").get_data(as_text=True)
    assert tracking in queue and "<td>Spanish</td>" in queue
    enrich_comments(app)
    assert (_stored(app, tracking)["language"], _stored(app, tracking)["source"]) == (
        "es", "declared")


def test_enriching_twice_changes_nothing(app: Flask, period: CommentPeriod) -> None:
    text = "Solar energy needs new transmission lines across the border region."
    first = add_submission(app, period, body=text, enrich=False)
    second = add_submission(app, period, body=text, email="other@example.org", enrich=False)
    assert enrich_comments(app) == 2
    done = [_stored(app, t) for _, t in (first, second)]
    assert done[0]["flags"] == "" and done[1]["flags"] == "repeated"
    assert done[0]["language"] == "en" and done[0]["themes"]
    assert enrich_comments(app) == 0
    with app.app_context(), write_session() as session:
        for sid, _ in (first, second):
            submission = session.get(Submission, sid)
            assert submission is not None
            enrichment.ensure(session, submission)
            assert not enrichment.apply(session, submission, enrichment.prepare(submission))
    assert [_stored(app, t) for _, t in (first, second)] == done


def test_a_comment_decided_before_enrichment_is_enriched_and_counted(
        app: Flask, moderator_client: FlaskClient, period: CommentPeriod) -> None:
    sid, tracking = add_submission(app, period, enrich=False,
                                   body="La energía solar necesita líneas de transmisión.")
    review = f"/en/moderation/submissions/{sid}"
    html = moderator_client.get(review).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version is not None and "Not yet detected" in html
    # The worker reaches it while the moderator reads: the page's version still holds.
    enrich_comments(app)
    response = moderator_client.post(f"{review}/publish", data={
        "csrf_token": csrf_from(html), "version": version.group(1)})
    assert response.status_code == 303
    assert _stored(app, tracking)["language"] == "es"

    other, other_tracking = add_submission(app, period, enrich=False,
                                           body="Solar energy needs transmission lines.",
                                           email="b@example.org")
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, other)
        assert submission is not None
        moderation.publish(session, submission, audit.Actor(label="m@example.org"))
    decided = _stored(app, other_tracking)
    assert decided["enriched_at"] is not None and decided["language"] == "en"
    assert decided["themes"]
    with db_session(app) as session:
        counts = {r.term: r.docs for r in session.scalars(
            select(TermCount).where(TermCount.kind == "s", TermCount.group_id == 0))}
    assert counts.get("lang:en") == 1 and counts.get("lang:es") == 1
    assert not counts.get("lang:und")
    assert enrich_comments(app) == 0


def test_the_worker_enriches_then_groups_what_the_request_stored(
        app: Flask, client: FlaskClient, period: CommentPeriod) -> None:
    app.extensions["portal_tasks"].huey.flush()
    tracking = _tracking(post_comment(client, "en", period.slug,
                                      body="Solar energy for the border, please."))
    assert _stored(app, tracking)["enriched_at"] is None
    with consumer_thread(app):
        wait_for(lambda: _stored(app, tracking)["enriched_at"], "the worker's enrichment")
    stored = _stored(app, tracking)
    assert stored["language"] == "en" and stored["themes"]
