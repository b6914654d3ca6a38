"""Campaigns and questions through the open-data API: a comment names its campaign as one
position with its published signers, the comments of a campaign or of a question can be listed,
and a harvester hears of every change a campaign makes to the public record."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.db import write_session
from portal.models import Campaign, CommentPeriod, Question, Submission
from portal.models.types import utcnow
from portal.services import audit, campaigns
from portal.services.submissions import AnswerInput
from tests.api_support import age_public_record, harvest, instant, published
from tests.conftest import make_period
from tests.test_campaign_counting import period, voices  # noqa: F401  (fixtures)

API = "/api/v1"
STAFF = audit.Actor(label="moderator@example.org")


def _tracking(app: Flask, submission_id: int) -> str:
    with app.app_context(), write_session() as session:
        found = session.get(Submission, submission_id)
        assert found is not None
        return found.tracking_number


def test_a_campaign_is_one_position_with_its_signers(
        app: Flask, period: CommentPeriod, voices: dict[str, object]) -> None:  # noqa: F811
    ids: dict[str, list[int]] = voices["ids"]  # type: ignore[assignment]
    found: dict[str, int] = voices["campaigns"]  # type: ignore[assignment]
    client = app.test_client()
    spanish = client.get(f"{API}/comments/{_tracking(app, ids['es'][2])}").get_json()
    assert spanish["campaign"] == {"code": f"c{found['es']}", "name": "Cruces ágiles",
                                   "signers": 5}
    own = client.get(f"{API}/comments/{_tracking(app, ids['own'][0])}").get_json()
    assert own["campaign"] is None

    listed = client.get(f"{API}/periods/{period.slug}/comments?campaign=c{found['en']}").get_json()
    assert sorted(c["tracking_number"] for c in listed["data"]) == sorted(
        _tracking(app, i) for i in ids["en"])

    # Linked across languages: one code, the signers of both, and the old codes are gone.
    with app.app_context(), write_session() as session:
        es, en = session.get(Campaign, found["es"]), session.get(Campaign, found["en"])
        assert es is not None and en is not None
        campaigns.link(session, es, en, STAFF)
        code = f"p{es.position_id}"
    english = client.get(f"{API}/comments/{_tracking(app, ids['en'][0])}").get_json()
    assert english["campaign"] == {"code": code, "name": "Cruces ágiles / Faster border",
                                   "signers": 8}
    both = client.get(f"{API}/periods/{period.slug}/comments?campaign={code}").get_json()
    assert len(both["data"]) == 8
    for stale in (f"c{found['es']}", "c2147483648", "p0", "x1", "c01"):
        answer = client.get(f"{API}/periods/{period.slug}/comments?campaign={stale}")
        assert answer.status_code == 400, stale
        assert answer.get_json()["error"]["code"] == "bad_parameter"


def test_a_campaign_name_is_public_only_when_staff_gave_it_or_a_comment_was_published(
        app: Flask, period: CommentPeriod, voices: dict[str, object]) -> None:  # noqa: F811
    ids: dict[str, list[int]] = voices["ids"]  # type: ignore[assignment]
    found: dict[str, int] = voices["campaigns"]  # type: ignore[assignment]
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, found["es"])
        assert campaign is not None
        representative = session.get(Submission, campaign.representative_id)
        assert representative is not None
        campaigns.remove_member(session, campaign, representative, STAFF)
    client = app.test_client()
    item = client.get(f"{API}/comments/{_tracking(app, ids['es'][3])}").get_json()
    assert item["campaign"]["signers"] == 4
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, found["es"])
        assert campaign is not None
        campaigns.rename(session, campaign, "Frontera ágil", STAFF)
    item = client.get(f"{API}/comments/{_tracking(app, ids['es'][3])}").get_json()
    assert item["campaign"]["name"] == "Frontera ágil"


def test_harvesters_hear_of_campaign_decisions_renames_and_links(
        app: Flask, period: CommentPeriod, voices: dict[str, object]) -> None:  # noqa: F811
    ids: dict[str, list[int]] = voices["ids"]  # type: ignore[assignment]
    found: dict[str, int] = voices["campaigns"]  # type: ignore[assignment]
    client = app.test_client()
    url = f"{API}/periods/{period.slug}/comments"
    items, resume, _ = harvest(client, f"{url}?updated_since=2000-01-01T00:00:00Z")
    # Published by a campaign decision (statements, not objects): in the feed all the same.
    assert {i["tracking_number"] for i in items} >= {_tracking(app, i) for i in ids["es"]}
    assert resume is not None
    age_public_record(app, timedelta(hours=1))
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, found["en"])
        assert campaign is not None
        campaigns.rename(session, campaign, "Faster crossings", STAFF)
    since = instant(utcnow() - timedelta(minutes=10))
    changed, _, _ = harvest(client, f"{url}?updated_since={since}")
    assert sorted(i["tracking_number"] for i in changed) == sorted(
        _tracking(app, i) for i in ids["en"])
    assert {i["campaign"]["name"] for i in changed} == {"Faster crossings"}


def test_comments_that_answered_a_question(app: Flask) -> None:
    found = make_period(app, slug="questions-2026")
    with app.app_context(), write_session() as session:
        questions = {q.position: q.id for q in session.scalars(
            select(Question).where(Question.period_id == found.id))}
    _, first = published(app, found, body="", answers=(
        AnswerInput(question_id=questions[1], position=1, text="Más carriles."),))
    _, second = published(app, found, body="General words.", answers=(
        AnswerInput(question_id=questions[2], position=2, text="Los trámites."),))
    client = app.test_client()
    base = f"{API}/periods/{found.slug}/comments"
    assert [c["tracking_number"] for c in client.get(f"{base}?question=1").get_json()["data"]] \
        == [first]
    assert [c["tracking_number"] for c in client.get(f"{base}?question=2").get_json()["data"]] \
        == [second]
    assert client.get(f"{base}?question=3").get_json()["data"] == []
    for bad in ("0", "-1", "1001", "x", "99999999999999999999"):
        answer = client.get(f"{base}?question={bad}")
        assert answer.status_code == 400, bad
        assert answer.get_json()["error"]["code"] == "bad_parameter"


def test_the_documentation_page_names_the_new_filters(app: Flask) -> None:
    client = app.test_client()
    for lang in ("en", "es"):
        page = client.get(f"/{lang}/open-data")
        assert page.status_code == 200, lang
        html = page.get_data(as_text=True)
        assert "<code>question</code>" in html and "<code>campaign</code>" in html
        assert "1–1000" in html
