"""Nothing but the published record leaves through the API or a download: a comment awaiting
review, rejected, withdrawn from publication, or confidential is invisible at every address, in
both languages; and an unpublished tracking number is answered exactly like an unknown one.

Each hidden kind is made by one function of HIDDEN; every surface is read by `surfaces`. A
new kind of hidden material (a confidential part, a withheld attachment) adds a maker; a new
address of the API adds a surface (the first test fails if one is forgotten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.api import spec
from portal.db import write_session
from portal.models import CommentPeriod
from portal.seed import seed_themes
from tests.api_support import age_public_record, published, rejected, withdraw
from tests.conftest import add_submission, make_period

API = "/api/v1"
SECRET = "Zanzibarquux"  # a word that only the hidden comment contains
VISIBLE = "Kilimanjaroqua"  # a word that only the published control contains


def _fields(word: str) -> dict[str, object]:
    return {"subject": f"Energía {word}", "body": f"La energía y {word} en la frontera.",
            "name": f"Ana {word}", "organization": f"Empresa {word}",
            "email": f"{word.lower()}@example.org", "declared_language": "es"}


def _pending(app: Flask, period: CommentPeriod) -> str:
    return add_submission(app, period, **_fields(SECRET))[1]


def _rejected(app: Flask, period: CommentPeriod) -> str:
    return rejected(app, period, **_fields(SECRET))[1]


def _withdrawn(app: Flask, period: CommentPeriod) -> str:
    submission_id, tracking = published(app, period, **_fields(SECRET))
    withdraw(app, submission_id)
    return tracking


# Confidential parts of a submission (business-confidential information) arrive with
# attachments; their maker stores a comment whose confidential version holds SECRET and whose
# public version does not, published.
HIDDEN: dict[str, Callable[[Flask, CommentPeriod], str]] = {
    "pending": _pending,
    "rejected": _rejected,
    "withdrawn": _withdrawn,
}


def surfaces(client: FlaskClient, period: CommentPeriod, tracking: str
             ) -> Iterator[tuple[str, str]]:
    """(address, text of the answer) for every address of the API and every download."""
    key = period.docket_id
    for lang in ("en", "es"):
        for path in (
            "/", "/openapi.json", "/pillars", "/periods", f"/periods/{key}",
            f"/periods/{key}/comments",
            f"/periods/{key}/comments?updated_since=2000-01-01T00:00:00Z",
            f"/search?q={SECRET}", f"/search?q={VISIBLE}", "/search?q=energia",
            f"/comments/{tracking}", f"/periods/{key}/summary", f"/periods/{key}/outcome",
            f"/periods/{key}/comments.csv", f"/periods/{key}/comments.jsonl",
            f"/periods/{key}/comments.csv.sha256", f"/periods/{key}/comments.jsonl.sha256",
        ):
            url = f"{API}{path}{'&' if '?' in path else '?'}lang={lang}"
            yield url, client.get(url).get_data(as_text=True)


def test_every_address_is_read() -> None:
    read = {path.split("?")[0] for path, _ in surfaces(_Recorder(), _period(), "T")}
    documented = {
        API + op.path.replace("{key}", "HLED-2026-0001").replace("{tracking}", "T").rstrip("/")
        for op in spec.OPERATIONS
    }
    assert {p.rstrip("/") for p in read} == documented


class _Recorder:
    def get(self, url: str) -> _Recorder:
        return self

    def get_data(self, as_text: bool) -> str:
        return ""


def _period() -> CommentPeriod:
    return CommentPeriod(docket_id="HLED-2026-0001", slug="p")


@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_hidden_comments_are_invisible_everywhere(app: Flask, kind: str) -> None:
    period = make_period(app)
    with app.app_context(), write_session() as session:
        seed_themes(session)
    _, control = published(app, period, **_fields(VISIBLE))
    # Harvested a day ago, so that the feed below reaches back before every change.
    age_public_record(app, timedelta(days=1))
    hidden = HIDDEN[kind](app, period)
    client = app.test_client()
    seen_control = 0
    for url, text in surfaces(client, period, hidden):
        assert SECRET not in text and SECRET.lower() not in text, url
        if "updated_since" in url and kind == "withdrawn":
            # The one trace of a withdrawn comment: its number, to delete copies of it.
            assert f'{{"tracking_number":"{hidden}","withdrawn":true,' in text, url
        else:
            assert hidden not in text or url.split("?")[0].endswith(f"/comments/{hidden}"), url
        seen_control += VISIBLE in text
    # The surfaces do show published comments: list, feed, search, downloads, in 2 languages.
    assert seen_control >= 12


@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_an_unpublished_number_is_answered_like_an_unknown_one(app: Flask, kind: str) -> None:
    period = make_period(app)
    hidden = HIDDEN[kind](app, period)
    unknown = "HLED-0000-0000-0000"
    client = app.test_client()
    for lang in ("en", "es"):
        answers = [client.get(f"{API}/comments/{number}?lang={lang}")
                   for number in (hidden, unknown)]
        assert answers[0].status_code == answers[1].status_code == 404
        assert answers[0].data == answers[1].data
        # The date and the request id differ between any two answers.
        headers = [{k: v for k, v in a.headers.items() if k not in ("Date", "X-Request-ID")}
                   for a in answers]
        assert headers[0] == headers[1]


def test_other_periods_do_not_leak_into_a_period(app: Flask) -> None:
    period = make_period(app)
    other = make_period(app, slug="trade-2026")
    _, elsewhere = published(app, other, **_fields(SECRET))
    client = app.test_client()
    for url, text in surfaces(client, period, "HLED-0000-0000-0000"):
        if "/search" in url and "period=" not in url:
            continue  # search covers every period on purpose
        assert elsewhere not in text, url
