"""Input no person types on purpose must still get a clear answer, never a 500."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.models import CommentPeriod, Submission
from tests.conftest import db_session, make_user, post_comment, sign_in


@pytest.mark.parametrize(
    "path",
    [
        "/en/periods/%00/comment",
        "/es/receipts/HLED%00",
        "/en/receipts?tracking=%00x",
        "/en/periods/{slug}/comments?q=%00energia&type=%00&before=%00",
        "/en/comments/%00",
        "/es/pillars/%00",
        "/en/periods/" + "x" * 5000,
        "/en/moderation/?status=%00&period=%00",
        "/en/planning/periods/%00",
        "/es/periods/{slug}/comments?q=" + "%F0%9F%9A%9A" * 30,
    ],
)
def test_nul_bytes_and_oddities_in_urls(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, path: str
) -> None:
    sign_in(client, make_user(app, "admin"))
    response = client.get(path.format(slug=open_period.slug))
    assert response.status_code < 500, (path, response.status_code)


def test_nul_bytes_in_a_comment_are_dropped_not_fatal(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    response = post_comment(
        client, "es", open_period.slug, body="Energía\x00 limpia", name="A\x00na"
    )
    assert response.status_code == 303
    with db_session(app) as session:
        stored = session.scalars(select(Submission)).one()
    assert (stored.body, stored.name) == ("Energía limpia", "Ana")


def test_nul_bytes_at_sign_in(app: Flask, client: FlaskClient) -> None:
    response = sign_in(client, "admin\x00@example.org", "x\x00y")
    assert response.status_code in (401, 422)


def test_nul_is_dropped_once_and_forms_do_not_accumulate_filters(app: Flask) -> None:
    from portal.public.forms import CommentForm

    with app.test_request_context():
        for _ in range(3):
            form = CommentForm(meta={"csrf": False})
        assert form.body.filters.count(form.body.filters[0]) == 1
        assert len(CommentForm.body.kwargs.get("filters", ())) == 0
