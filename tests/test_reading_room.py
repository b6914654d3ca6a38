"""The public reading room: published only, filters, and search in English and Spanish."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.db import write_session
from portal.models import CommentPeriod, Submission
from portal.services import audit, moderation
from tests.conftest import add_submission


def publish(app: Flask, submission_id: int) -> None:
    with app.app_context(), write_session() as session:
        moderation.publish(session, session.get(Submission, submission_id), audit.CLI)


@pytest.fixture()
def published_set(app: Flask, open_period: CommentPeriod) -> dict[str, str]:
    made = {
        "energia": add_submission(
            app,
            open_period,
            subject="Energía",
            body="La energía renovable y las inversiones en transmisión eléctrica son urgentes.",
            declared_language="es",
            country="MX",
        ),
        "trucks": add_submission(
            app,
            open_period,
            subject="Trucks",
            body="Truck crossings at Laredo take hours; we need pre-clearance.",
            declared_language="en",
            country="US",
            submitter_type="association",
            organization="Border Trade Alliance",
            consent_publish=False,
            name="Hidden Person",
        ),
        "pending": add_submission(
            app, open_period, subject="Not yet", body="Energía pendiente de revisión."
        ),
    }
    publish(app, made["energia"][0])
    publish(app, made["trucks"][0])
    return {key: tracking for key, (_, tracking) in made.items()}


def room(client: FlaskClient, period: CommentPeriod, lang: str = "en", **args: str):  # type: ignore[no-untyped-def]
    return client.get(f"/{lang}/periods/{period.slug}/comments", query_string=args)


def test_only_published_newest_first(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    html = room(client, open_period).get_data(as_text=True)
    assert published_set["pending"] not in html
    assert html.index(published_set["trucks"]) < html.index(published_set["energia"])


@pytest.mark.parametrize("query", ["energia", "energía", "ENERGIA", "renovable", "electrica"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_search_folds_accents_in_both_languages(
    client: FlaskClient,
    open_period: CommentPeriod,
    published_set: dict[str, str],
    query: str,
    lang: str,
) -> None:
    html = room(client, open_period, lang, q=query).get_data(as_text=True)
    assert published_set["energia"] in html
    assert published_set["trucks"] not in html


def test_search_english_words_and_phrases(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    html = room(client, open_period, q='"truck crossings" laredo').get_data(as_text=True)
    assert published_set["trucks"] in html and published_set["energia"] not in html
    none = room(client, open_period, q='"crossings truck"').get_data(as_text=True)
    assert published_set["trucks"] not in none
    assert "No published comment matches." in none


@pytest.mark.parametrize(
    "query",
    [
        "*",
        "energ*",
        "NEAR(energia trucks)",
        "a OR b",
        "-energia",
        "col:energia",
        "((",
        "energia AND",
        "^",
        "'",
        "\\",
        "%",
        "_",
        "energía; DROP TABLE x",
    ],
)
def test_search_syntax_characters_never_fail(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str], query: str
) -> None:
    response = room(client, open_period, q=query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "en_message", "es_message"),
    [
        ("x" * 10000, "The search is too long", "La búsqueda es demasiado larga"),
        ('"unbalanced energia', "A quotation mark is not closed", "Hay unas comillas sin cerrar"),
        (" ".join(["word"] * 13), "Use at most 12 words", "Use como máximo 12 palabras"),
    ],
)
def test_unusable_searches_get_a_clear_400(
    client: FlaskClient,
    open_period: CommentPeriod,
    published_set: dict[str, str],
    query: str,
    en_message: str,
    es_message: str,
) -> None:
    for lang, message in (("en", en_message), ("es", es_message)):
        response = room(client, open_period, lang, q=query)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_filters(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    html = room(client, open_period, country="MX").get_data(as_text=True)
    assert published_set["energia"] in html and published_set["trucks"] not in html
    html = room(client, open_period, language="en", type="association").get_data(as_text=True)
    assert published_set["trucks"] in html and published_set["energia"] not in html
    assert room(client, open_period, country="ZZ", before="x").status_code == 200


def test_names_only_with_consent_and_emails_never(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    html = room(client, open_period).get_data(as_text=True)
    assert "Ana Martínez" in html  # consented
    assert "Hidden Person" not in html and "Border Trade Alliance" not in html
    assert "@example.org" not in html
    page = client.get(f"/en/comments/{published_set['trucks']}").get_data(as_text=True)
    assert "Hidden Person" not in page and "@example.org" not in page
    assert "pre-clearance" in page


def test_permanent_page_only_for_published(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    assert client.get(f"/es/comments/{published_set['energia']}").status_code == 200
    assert client.get(f"/es/comments/{published_set['pending']}").status_code == 404
    assert client.get("/es/comments/HLED-0000-0000-0000").status_code == 404


def test_reading_room_pages_by_key(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    ids = [add_submission(app, open_period, subject=f"Comment {i}")[0] for i in range(25)]
    for sid in ids:
        publish(app, sid)
    first = room(client, open_period).get_data(as_text=True)
    assert "Older comments" in first
    older = first.split('href="')[-1]
    assert "before=" in first
    link = first[first.index("before=") :].split('"')[0].replace("&amp;", "&")
    second = room(client, open_period, before=link.split("=")[1]).get_data(as_text=True)
    assert "Comment 0" in second and "Comment 0" not in first
    assert older
