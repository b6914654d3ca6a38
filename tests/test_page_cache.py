"""Public pages served from the page cache: kept, revalidated, and never stale after a change.

A page is shown to be *kept* by changing the database behind the ORM's back (a plain SQL
UPDATE, which no hook sees): the kept page still shows the old value. Every change made the way
the portal makes it (services, sessions) must show at once, on every cached page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text, update

from portal import create_app
from portal.db import write_session
from portal.models import CommentPeriod, Question, Submission
from portal.models.types import utcnow
from portal.page_cache import GENERATION_KEY, page_cache, seconds_to_keep
from portal.services import audit, moderation
from tests.conftest import (
    add_submission,
    csrf_from,
    db_session,
    make_period,
    make_user,
    publish,
    shown_from,
    sign_in,
    valid_comment,
)

BODY = "Cross-border rail freight needs a shared inspection window at Nuevo Laredo."


def _behind_the_back(app: Flask, sql: str, **params: object) -> None:
    """Change the database the way no portal code does: the cache cannot know."""
    with app.app_context():
        engine = app.extensions["portal_engine"]
        with engine.begin() as conn:
            conn.execute(text(sql), params)


def _pages(period: CommentPeriod, tracking: str, lang: str = "en") -> list[str]:
    return [f"/{lang}/", f"/{lang}/pillars/competitiveness", f"/{lang}/periods/{period.slug}",
            f"/{lang}/periods/{period.slug}/comments",
            f"/{lang}/periods/{period.slug}/comments?q=inspection",
            f"/{lang}/comments/{tracking}"]


@pytest.fixture()
def published(app: Flask, open_period: CommentPeriod) -> tuple[int, str]:
    made = add_submission(app, open_period, subject="Rail freight", body=BODY)
    publish(app, made[0])
    return made


def test_a_page_is_kept_and_revalidated(app: Flask, client: FlaskClient,
                                        open_period: CommentPeriod) -> None:
    first = client.get(f"/en/periods/{open_period.slug}")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Set-Cookie" not in first.headers  # nothing personal: shareable by a proxy

    _behind_the_back(app, "UPDATE comment_periods SET title_en = 'Changed unseen'")
    again = client.get(f"/en/periods/{open_period.slug}")
    assert "Changed unseen" not in again.text  # served as kept
    assert again.headers["ETag"] == first.headers["ETag"]

    not_modified = client.get(f"/en/periods/{open_period.slug}",
                              headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not not_modified.data
    head = client.head(f"/en/periods/{open_period.slug}")
    assert head.status_code == 200 and head.headers["ETag"] == first.headers["ETag"]
    # Each language is its own page.
    assert "Energía y conectividad" in client.get(f"/es/periods/{open_period.slug}").text


def test_every_page_forgets_a_comment_sent_back(app: Flask, client: FlaskClient,
                                                open_period: CommentPeriod,
                                                published: tuple[int, str]) -> None:
    submission_id, tracking = published
    for lang in ("en", "es"):
        for url in _pages(open_period, tracking, lang):
            assert client.get(url).status_code == 200, url
    assert "Rail freight" in client.get(f"/en/periods/{open_period.slug}/comments").text
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        moderation.return_to_queue(session, submission, audit.CLI, "Check the names")
    for lang in ("en", "es"):
        assert "Rail freight" not in client.get(
            f"/{lang}/periods/{open_period.slug}/comments").text
        assert "Rail freight" not in client.get(
            f"/{lang}/periods/{open_period.slug}/comments?q=inspection").text
        assert client.get(f"/{lang}/comments/{tracking}").status_code == 404


def test_a_redaction_shows_at_once(app: Flask, client: FlaskClient,
                                   open_period: CommentPeriod,
                                   published: tuple[int, str]) -> None:
    submission_id, tracking = published
    assert "Nuevo Laredo" in client.get(f"/en/comments/{tracking}").text
    assert "Nuevo Laredo" in client.get(f"/es/comments/{tracking}").text
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        moderation.edit_public_version(session, submission, audit.CLI,
                                       BODY.replace("Nuevo Laredo", "[redacted]"))
    for lang in ("en", "es"):
        page = client.get(f"/{lang}/comments/{tracking}").text
        assert "Nuevo Laredo" not in page and "[redacted]" in page


def test_a_new_comment_waiting_for_review_keeps_the_pages(app: Flask, client: FlaskClient,
                                                          open_period: CommentPeriod) -> None:
    url = f"/en/periods/{open_period.slug}"
    client.get(url)
    _behind_the_back(app, "UPDATE comment_periods SET title_en = 'Changed unseen'")
    add_submission(app, open_period, subject="Pending", body="Waiting for review.")
    assert "Changed unseen" not in client.get(url).text  # a rush leaves the cache alone


def test_a_bulk_statement_on_comments_forgets_the_pages(app: Flask, client: FlaskClient,
                                                        open_period: CommentPeriod,
                                                        published: tuple[int, str]) -> None:
    submission_id, tracking = published
    assert client.get(f"/en/comments/{tracking}").status_code == 200
    with app.app_context(), write_session() as session:
        session.execute(update(Submission).where(Submission.id == submission_id)
                        .values(status="pending", updated_at=utcnow()))
    assert client.get(f"/en/comments/{tracking}").status_code == 404


def test_a_rolled_back_change_keeps_the_pages(app: Flask, client: FlaskClient,
                                              open_period: CommentPeriod) -> None:
    client.get("/en/")
    with app.app_context():
        store = page_cache(app).cache
        before = store.get(GENERATION_KEY)
        with pytest.raises(RuntimeError), write_session() as session:
            period = session.get(CommentPeriod, open_period.id)
            assert period is not None
            period.title_en = "Never committed"
            session.flush()
            raise RuntimeError("rolled back")
        assert store.get(GENERATION_KEY) == before
        with write_session() as session:
            period = session.get(CommentPeriod, open_period.id)
            assert period is not None
            period.title_en = "Committed"
        assert store.get(GENERATION_KEY) != before
    assert "Committed" in client.get("/en/").text


def test_staff_and_flashes_get_fresh_pages_never_kept(app: Flask, client: FlaskClient,
                                                       open_period: CommentPeriod) -> None:
    url = f"/en/periods/{open_period.slug}"
    client.get(url)
    _behind_the_back(app, "UPDATE comment_periods SET title_en = 'Changed unseen'")
    staff = app.test_client()
    assert sign_in(staff, make_user(app, "moderator")).status_code == 302
    seen = staff.get(url)
    assert "Changed unseen" in seen.text and "Sign out" in seen.text
    assert seen.headers["Cache-Control"] == "no-store" and "ETag" not in seen.headers
    # The staff page was not kept: visitors still get the kept anonymous page.
    anonymous = client.get(url).text
    assert "Changed unseen" not in anonymous and "Sign out" not in anonymous

    with client.session_transaction() as flask_session:
        flask_session["_flashes"] = [("info", "A message for this visitor")]
    flashed = client.get(url).text
    assert "A message for this visitor" in flashed and "Changed unseen" in flashed


def test_pages_are_kept_no_longer_than_the_next_opening_or_closing(app: Flask) -> None:
    soon = make_period(app, slug="opens-soon", opens_in=timedelta(seconds=20))
    with db_session(app) as session:
        now = utcnow()
        assert 19 <= seconds_to_keep(session, 60, now) <= 20
        assert seconds_to_keep(session, 10, now) == 10
        assert seconds_to_keep(session, 60, soon.opens_at + timedelta(seconds=1)) == 60
        assert seconds_to_keep(session, 60, soon.closes_at - timedelta(seconds=5)) == 5


def test_the_follow_form_works_from_a_kept_page(app: Flask, client: FlaskClient,
                                                open_period: CommentPeriod) -> None:
    page = client.get(f"/es/periods/{open_period.slug}")
    assert 'name="csrf_token"' not in page.text
    response = app.test_client().post(f"/es/periods/{open_period.slug}/follow",
                                      data={"email": "sigue@example.org", "language": "es"})
    assert response.status_code == 303


def _second_process(db_url: str, store: str, tmp_path: Path) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                       "RATELIMIT_ENABLED": False, "TASKS_URL": "memory://",
                       "MAIL_DIR": str(tmp_path / "mail2"), "PAGE_CACHE_URL": store})


@pytest.fixture()
def redis_store() -> Iterator[str]:
    url = "redis://127.0.0.1:6379/13"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.mark.parametrize("kind", ["files", "redis"])
def test_a_change_in_one_process_reaches_the_pages_of_another(
        db_url: str, tmp_path: Path, kind: str, request: pytest.FixtureRequest) -> None:
    store = str(tmp_path / "shared-pages") if kind == "files" \
        else request.getfixturevalue("redis_store")
    reader, writer = (_second_process(db_url, store, tmp_path) for _ in range(2))
    try:
        period = make_period(writer)
        made = add_submission(writer, period, subject="Rail freight", body=BODY)
        publish(writer, made[0])
        visitor = reader.test_client()
        assert "Rail freight" in visitor.get(f"/en/periods/{period.slug}/comments").text
        _behind_the_back(reader, "UPDATE comment_periods SET title_en = 'Changed unseen'")
        assert "Changed unseen" not in visitor.get(f"/en/periods/{period.slug}/comments").text
        with writer.app_context(), write_session() as session:
            submission = session.get(Submission, made[0])
            assert submission is not None
            moderation.return_to_queue(session, submission, audit.CLI, "Check")
        page = visitor.get(f"/en/periods/{period.slug}/comments").text
        assert "Rail freight" not in page and "Changed unseen" in page
    finally:
        for each in (reader, writer):
            each.extensions["portal_engine"].dispose()


def test_a_form_page_held_in_a_process_follows_a_change_made_by_another(
        db_url: str, tmp_path: Path) -> None:
    """Each process keeps the form page in memory once read (no store read per visitor), under
    the generation it was kept for: another process's change is seen at the next request."""
    store = str(tmp_path / "shared-pages")
    reader, writer = (_second_process(db_url, store, tmp_path) for _ in range(2))
    try:
        period = make_period(writer)
        url = f"/en/periods/{period.slug}/comment"
        first = reader.test_client().get(url).text
        assert page_cache(reader).forms, "the form page is held by the process that read it"
        _behind_the_back(reader, "UPDATE comment_periods SET title_en = 'Changed unseen'")
        assert "Changed unseen" not in reader.test_client().get(url).text
        with writer.app_context(), write_session() as session:
            changed = session.get(CommentPeriod, period.id)
            assert changed is not None
            changed.closes_at = utcnow() - timedelta(minutes=1)
        after = reader.test_client().get(url).text
        assert "This comment period is closed" in after and first != after
    finally:
        for each in (reader, writer):
            each.extensions["portal_engine"].dispose()


def test_the_comment_form_is_kept_with_each_visitors_own_token(
        app: Flask, open_period: CommentPeriod) -> None:
    url = f"/en/periods/{open_period.slug}/comment"
    first, second = app.test_client(), app.test_client()
    page = first.get(url)
    assert page.headers["Cache-Control"] == "no-store"  # it holds this visitor's token
    _behind_the_back(app, "UPDATE comment_periods SET title_en = 'Changed unseen'")
    kept = second.get(url).text
    assert "Changed unseen" not in kept  # rendered once, kept
    assert page_cache_blanks_filled(kept) and page_cache_blanks_filled(page.text)
    assert csrf_from(kept) != csrf_from(page.text)
    # The kept page's token is this visitor's own: the comment is accepted.
    response = second.post(url, data={**valid_comment(), "csrf_token": csrf_from(kept),
                                      "shown": shown_from(kept)})
    assert response.status_code == 303
    # Closing the period (a change of the period) stops the form at once.
    with app.app_context(), write_session() as session:
        period = session.get(CommentPeriod, open_period.id)
        assert period is not None
        period.closes_at = utcnow() - timedelta(minutes=1)
    assert "This comment period is closed" in first.get(url).text


def page_cache_blanks_filled(html: str) -> bool:
    from portal.page_cache import BLANK_CSRF, BLANK_SHOWN

    return BLANK_CSRF not in html and BLANK_SHOWN not in html


def test_comments_are_taken_with_the_period_as_it_is_now(app: Flask,
                                                         open_period: CommentPeriod) -> None:
    """The comment form's POST reads its period and questions once per process and generation
    (page_cache.remembered): a change made the portal's way is seen by the very next comment."""
    url = f"/en/periods/{open_period.slug}/comment"

    def send(client: FlaskClient, **fields: object) -> int:
        page = client.get(url).text
        return client.post(url, data={**valid_comment(**fields), "csrf_token": csrf_from(page),
                                      "shown": shown_from(page)}).status_code

    def stored() -> int:
        with db_session(app) as session:
            return int(session.scalar(text("SELECT count(*) FROM submissions")) or 0)

    visitor = app.test_client()
    assert send(visitor) == 303
    # Remembered: a change behind the ORM's back (no hook sees it) is not read again.
    _behind_the_back(app, "UPDATE questions SET text_en = 'Changed unseen'")
    assert send(visitor) == 303
    with app.app_context(), write_session() as session:
        period = session.get(CommentPeriod, open_period.id)
        assert period is not None
        period.questions.append(Question(position=3, text_en="What else?", text_es="¿Qué más?"))
        session.flush()
        added = period.questions[-1].id
    # The question added is on the form and its answer is kept with the very next comment.
    assert send(visitor, **{f"answer_{added}": "More inspectors at night."}) == 303
    with db_session(app) as session:
        assert session.scalar(text("SELECT count(*) FROM answers WHERE question_id = :q"),
                              {"q": added}) == 1
    # Closed the portal's way while a visitor has the form open: their comment is refused.
    page = visitor.get(url).text
    with app.app_context(), write_session() as session:
        period = session.get(CommentPeriod, open_period.id)
        assert period is not None
        period.closes_at = utcnow() - timedelta(minutes=1)
    before = stored()
    late = visitor.post(url, data={**valid_comment(), "csrf_token": csrf_from(page),
                                   "shown": shown_from(page)})
    assert late.status_code == 422 and "This comment period is closed" in late.text
    assert stored() == before
