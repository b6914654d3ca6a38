"""A receipt a person understands: found however the number is typed, leading with the number,
the status in words, the date and what happens next; the digest explained lower down."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.models import CommentPeriod, Submission
from portal.services import audit, moderation, submissions
from portal.services.submissions import normalize_tracking_number
from tests.conftest import add_submission, publish, write_session


def _variants(tracking: str) -> list[str]:
    """How people type a number read from a screen, a printout or over the phone."""
    bare = tracking.removeprefix("HLED-")
    return [
        tracking.lower(),
        tracking.replace("-", ""),
        tracking.replace("-", " "),
        bare,
        bare.replace("-", ""),
        bare.lower().replace("-", " "),
        f"  hled {bare.replace('-', '')} ",
        tracking.replace("-", "–"),  # an en dash, as word processors turn a hyphen into
        "HLED" + bare,
        " ".join(tracking.replace("-", "")),  # a space after every symbol
        tracking.replace("0", "O").replace("1", "I"),
    ]


def test_normalize_accepts_every_way_of_typing_a_number() -> None:
    tracking = "HLED-7K2M-9QXD-4F8A"
    for typed in _variants(tracking):
        assert normalize_tracking_number(typed) == tracking, typed
    assert normalize_tracking_number("h1ed-7k2m-9qxd-4f8a") == tracking
    # Not a number: nothing is guessed (too short, too long, another prefix).
    for wrong in ("7K2M-9QXD-4F8", "HLED-7K2M-9QXD-4F8A-1", "XXXX-7K2M-9QXD-4F8A", ""):
        assert normalize_tracking_number(wrong) != tracking


def test_find_a_receipt_by_the_number_typed_any_way(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    _, tracking = add_submission(app, open_period)
    for typed in _variants(tracking):
        response = client.get("/en/receipts", query_string={"tracking": typed})
        assert response.status_code == 303, typed
        assert response.headers["Location"].endswith(f"/en/receipts/{tracking}"), typed
    # The receipt's own address forgives the same and settles on the canonical number.
    direct = client.get(f"/es/receipts/{tracking.replace('-', '').lower()}")
    assert direct.status_code == 301
    assert direct.headers["Location"].endswith(f"/es/receipts/{tracking}")
    missing = client.get("/en/receipts", query_string={"tracking": "7K2M 9QXD 4F8A"})
    assert missing.status_code == 404
    assert "No comment has that tracking number" in missing.get_data(as_text=True)


def _receipt(app: Flask, tracking: str, lang: str = "en") -> str:
    response = app.test_client().get(f"/{lang}/receipts/{tracking}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _order(html: str, *parts: str) -> list[int]:
    positions = [html.find(part) for part in parts]
    assert all(p >= 0 for p in positions), list(zip(parts, positions, strict=True))
    return positions


def test_receipt_leads_with_number_status_date_and_next_steps(
    app: Flask, open_period: CommentPeriod
) -> None:
    _, tracking = add_submission(app, open_period)
    html = _receipt(app, tracking)
    positions = _order(html, tracking, "Awaiting review", "Received", "Washington time",
                       "What happens next", "A moderator reads your comment",
                       "Proof of what was received", "fingerprint of exactly what you sent")
    assert positions == sorted(positions)
    assert "Mexico City time" in html  # the date in both countries' time
    assert "Print this receipt" in html
    spanish = _receipt(app, tracking, "es")
    positions = _order(spanish, "En espera de revisión", "Qué pasa ahora",
                       "Un moderador lee su comentario", "Prueba de lo recibido")
    assert positions == sorted(positions)


def test_next_steps_follow_the_status(app: Flask, open_period: CommentPeriod) -> None:
    published_id, published = add_submission(app, open_period)
    rejected_id, rejected = add_submission(app, open_period, body="Otro texto distinto.")
    publish(app, published_id)
    with app.app_context(), write_session() as session:
        moderation.reject(session, session.get(Submission, rejected_id), audit.CLI, "spam")
    html = _receipt(app, published)
    assert "Your comment was reviewed and published" in html
    assert f"/en/comments/{published}" in html
    assert "A moderator reads your comment" not in html
    html = _receipt(app, rejected, "es")
    assert "No publicado" in html and "Spam" not in html  # the reason in the writer's language
    assert "fue revisado y no se publicará" in html
    assert "Decidido" in html


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_digest_matches_the_record_after_the_page_changed(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, lang: str
) -> None:
    from tests.conftest import post_comment

    sent = post_comment(client, lang, open_period.slug)
    tracking = sent.headers["Location"].split("/receipts/")[1].split("?")[0]
    html = client.get(sent.headers["Location"]).get_data(as_text=True)
    record = client.get(f"/{lang}/receipts/{tracking}/record.json").data
    assert submissions.digest_of(record.decode("utf-8")) in html
    assert f"/{lang}/receipts/{tracking}/record.json" in html
