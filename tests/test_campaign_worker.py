"""Campaigns found on the worker: a new comment waits "checking…" in the queue until the task
`campaigns.check` runs; a failed check costs the comment nothing and is tried again."""

from __future__ import annotations

import logging
import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db import write_session
from portal.models import (
    Campaign,
    CampaignBand,
    CampaignCheck,
    CommentPeriod,
    MessageKind,
    OutboxMessage,
    Submission,
)
from portal.services import campaigns
from portal.text.nearduplicates import fingerprint
from tests.campaign_letters import letters
from tests.conftest import add_submission, post_comment
from tests.mail_support import consumer_thread, wait_for


def border_letters(count: int) -> list[str]:
    return [x.text for x in letters() if x.campaign == "es-border"][:count]


def tracking_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303
    return str(response.headers["Location"].split("/receipts/")[1].split("?")[0])


def submission_id(app: Flask, tracking: str) -> int:
    with app.app_context(), write_session() as session:
        found = session.scalar(select(Submission.id)
                               .where(Submission.tracking_number == tracking))
        assert found is not None
        return found


def checks(app: Flask) -> dict[int, int | None]:
    with app.app_context(), write_session() as session:
        return dict(session.execute(
            select(CampaignCheck.submission_id, CampaignCheck.campaign_id)).all())


def test_a_new_comment_is_checking_in_the_queue_until_a_worker_groups_it(
        app: Flask, client: FlaskClient, moderator_client: FlaskClient,
        open_period: CommentPeriod) -> None:
    app.extensions["portal_tasks"].huey.flush()
    trackings = [tracking_of(post_comment(client, "es", open_period.slug, body=text,
                                          subject="Cruces ágiles",
                                          email=f"w{n}@example.org"))
                 for n, text in enumerate(border_letters(3))]
    ids = [submission_id(app, t) for t in trackings]
    # Stored and receipted, not checked: the request only asked a worker to do it.
    assert checks(app) == {}
    queue = moderator_client.get("/en/moderation/").get_data(as_text=True)
    assert queue.count("Checking…") == 3
    waiting = moderator_client.get("/en/moderation/?campaign=checking").get_data(as_text=True)
    assert all(t in waiting for t in trackings)
    review = moderator_client.get(f"/es/moderation/submissions/{ids[0]}").get_data(as_text=True)
    assert "Revisando si este comentario pertenece a una campaña…" in review

    with consumer_thread(app):
        found = wait_for(lambda: (lambda c: c if set(c) == set(ids) else None)(checks(app)),
                         "the worker's check")
    [campaign_id] = set(found.values())
    assert campaign_id is not None
    queue = moderator_client.get("/en/moderation/").get_data(as_text=True)
    assert "Checking…" not in queue and "(3 signers)" in queue
    assert f"/en/moderation/campaigns/{campaign_id}" in queue
    waiting = moderator_client.get("/en/moderation/?campaign=checking").get_data(as_text=True)
    assert not any(t in waiting for t in trackings)


def test_a_later_copy_of_a_published_campaign_is_published_by_the_worker(
        app: Flask, client: FlaskClient, open_period: CommentPeriod) -> None:
    from portal.services import audit, campaign_decisions

    texts = border_letters(5)
    ids = [add_submission(app, open_period, body=t, subject="Cruces",
                          email=f"m{n}@example.org")[0] for n, t in enumerate(texts[:4])]
    assert campaigns_checked(app) == 4
    with app.app_context(), write_session() as session:
        row = session.get(CampaignCheck, ids[0])
        assert row is not None and row.campaign_id is not None
        campaign = session.get(Campaign, row.campaign_id)
        assert campaign is not None
        result = campaign_decisions.decide(session, campaign, "publish", audit.CLI)
        campaign_id = campaign.id
    assert result.decided >= 1
    app.extensions["portal_tasks"].huey.flush()
    later = submission_id(app, tracking_of(post_comment(
        client, "es", open_period.slug, body=texts[0].replace("Atentamente", "Saludos"),
        subject="Cruces", email="later@example.org")))
    with app.app_context(), write_session() as session:
        stored = session.get(Submission, later)
        assert stored is not None and stored.status == "pending"  # not decided in the request
    with consumer_thread(app):
        wait_for(lambda: later in checks(app), "the worker's check")
    assert checks(app)[later] == campaign_id
    with app.app_context(), write_session() as session:
        follower = session.get(Submission, later)
        assert follower is not None and follower.status == "published"
        kinds = session.scalars(select(OutboxMessage.kind)
                                .where(OutboxMessage.submission_id == later)
                                .order_by(OutboxMessage.id)).all()
        assert kinds == [MessageKind.RECEIPT, MessageKind.DECISION]


def campaigns_checked(app: Flask) -> int:
    with app.app_context():
        result = campaigns.check_due()
    assert result.failed == 0
    return result.checked


def test_a_failed_check_keeps_the_comment_checking_and_is_tried_again(
        app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod,
        caplog: pytest.LogCaptureFixture) -> None:
    own = ("Propongo que los puertos fronterizos de Chihuahua abran una ventanilla única para "
           "los exportadores de nuez, con horarios nocturnos durante la cosecha de otoño.")
    lone, lone_tracking = add_submission(app, open_period, body=own, email="lone@example.org")
    copies = [add_submission(app, open_period, body=t, email=f"k{n}@example.org")[0]
              for n, t in enumerate(border_letters(2))]
    # A key of this comment already in the index (left over by an interrupted reset, say):
    # indexing it fails, whatever else happens.
    with app.app_context(), write_session() as session:
        key = fingerprint(own).keys[0]
        session.add(CampaignBand(period_id=open_period.id, hash=key, band=0,
                                 submission_id=lone))
    app.extensions["portal_tasks"].huey.flush()
    with caplog.at_level(logging.ERROR, logger="portal.services.campaigns"):
        with app.app_context():
            result = campaigns.check_due()
    assert (result.checked, result.failed) == (2, 1)
    assert f"campaign check of submission {lone} failed" in caplog.text
    found = checks(app)
    assert set(found) == set(copies) and found[copies[0]] == found[copies[1]] is not None
    # The comment is kept, receipted, and shown as still being checked.
    waiting = moderator_client.get("/en/moderation/?campaign=checking").get_data(as_text=True)
    assert lone_tracking in waiting
    with app.app_context(), write_session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.submission_id == lone)) == 1
    # Once the index is mended, the periodic task checks it.
    with app.app_context(), write_session() as session:
        session.query(CampaignBand).filter_by(submission_id=lone, band=0, hash=key).delete()
    with consumer_thread(app), app.app_context():
        app.extensions["portal_tasks"].check_campaigns_periodically()
        wait_for(lambda: lone in checks(app), "the periodic check")
    assert checks(app)[lone] is None


def test_two_workers_at_once_check_each_comment_once(
        app: Flask, open_period: CommentPeriod) -> None:
    corpus = letters()[:40]
    ids = [add_submission(app, open_period, body=x.text, declared_language=x.language,
                          email=f"t{n}@example.org")[0] for n, x in enumerate(corpus)]
    results: list[campaigns.CheckResult] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                results.append(campaigns.check_due(batch=5))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sum(r.checked for r in results) == len(ids)
    assert sum(r.failed for r in results) == 0
    assert set(checks(app)) == set(ids)
    with app.app_context(), write_session() as session:
        for campaign in session.scalars(select(Campaign)):
            members = session.scalar(select(func.count()).select_from(CampaignCheck)
                                     .where(CampaignCheck.campaign_id == campaign.id))
            assert campaign.size == members


def test_fingerprints_worked_out_ahead_serve_only_the_text_they_came_from(
        app: Flask, open_period: CommentPeriod) -> None:
    """The worker fingerprints the next batch before it takes the write lock; under the lock
    the finder uses a fingerprint only for the same text, so what it finds is the same as when
    it works every fingerprint out itself."""
    from portal.services.campaign_index import Finder, fingerprints

    texts = border_letters(3)
    ids = [add_submission(app, open_period, body=text, email=f"a{n}@example.org")[0]
           for n, text in enumerate(texts)]
    other = [x.text for x in letters() if x.campaign != "es-border"][0]
    # The third comment's entry was taken from another text: it must be worked out again.
    known = fingerprints([(ids[0], texts[0]), (ids[1], texts[1]), (ids[2], other)])
    assert known[ids[2]][1] != fingerprint(texts[2])
    with app.app_context(), write_session() as session:
        rows = [session.get(Submission, i) for i in ids]
        outcomes = Finder(session, open_period.id).run(rows, known)  # type: ignore[arg-type]
    assert [o.joined for o in outcomes] == [False, True, True]
    assert len({o.campaign.id for o in outcomes[1:] if o.campaign}) == 1

    # The worker's own run, with the fingerprints worked out ahead, finds the same campaign.
    fresh = [add_submission(app, open_period, body=text, email=f"b{n}@example.org")[0]
             for n, text in enumerate(border_letters(5)[3:])]
    with app.app_context():
        assert campaigns.check_due().checked == len(fresh)
    found = checks(app)
    assert {found[i] for i in fresh} == {outcomes[1].campaign.id}  # type: ignore[union-attr]
