"""Input no person types on purpose must still get a clear answer, never a 500."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.models import CommentPeriod, Submission
from tests.conftest import db_session, make_user, post_comment, sign_in

BAD_REQUEST = {
    "en": "The request could not be understood",
    "es": "No se pudo entender la solicitud",
}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        # A NUL character anywhere in the address or the query is refused as a bad request.
        ("/en/periods/%00/comment", 400),
        ("/es/receipts/HLED%00", 400),
        ("/en/receipts?tracking=%00x", 400),
        ("/en/periods/{slug}/comments?q=%00energia&type=%00&before=%00", 400),
        ("/en/comments/%00", 400),
        ("/es/pillars/%00", 400),
        ("/en/moderation/?status=%00&period=%00", 400),
        ("/en/planning/periods/%00", 400),
        ("/en/periods/" + "x" * 5000, 404),
        ("/es/periods/{slug}/comments?q=" + "%F0%9F%9A%9A" * 30, 200),  # emoji only: no words
    ],
)
def test_nul_bytes_and_oddities_in_urls(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, path: str, status: int
) -> None:
    sign_in(client, make_user(app, "admin"))
    response = client.get(path.format(slug=open_period.slug))
    assert response.status_code == status, path
    lang = path[1:3]
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    if status == 400:
        assert BAD_REQUEST[lang] in html


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
    make_user(app, "admin")
    response = sign_in(client, "admin\x00@example.org", "x\x00y")
    assert response.status_code == 401
    assert "The email address or password is not right." in response.get_data(as_text=True)


def test_nul_is_dropped_once_and_forms_do_not_accumulate_filters(app: Flask) -> None:
    from portal.public.forms import CommentForm

    with app.test_request_context():
        for _ in range(3):
            form = CommentForm(meta={"csrf": False})
        assert form.body.filters.count(form.body.filters[0]) == 1
        assert len(CommentForm.body.kwargs.get("filters", ())) == 0
