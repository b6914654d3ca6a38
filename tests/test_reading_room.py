"""The public reading room: published only, filters, and search in English and Spanish."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from portal.models import CommentPeriod
from tests.conftest import add_submission, publish

_LISTED = re.compile(r'<h2><a href="/(?:en|es)/comments/([^"]+)">')
_OLDER = re.compile(r'<a href="([^"]+)"[^>]*>(?:Older comments|Comentarios anteriores)</a>')


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
    publish(app, made["energia"][0], made["trucks"][0])
    return {key: tracking for key, (_, tracking) in made.items()}


def room(client: FlaskClient, period: CommentPeriod, lang: str = "en", **args: str):  # type: ignore[no-untyped-def]
    return client.get(f"/{lang}/periods/{period.slug}/comments", query_string=args)


def listed(html: str) -> list[str]:
    """Tracking numbers of the comments a reading-room page lists, in the page's order."""
    return _LISTED.findall(html)


def shown(client: FlaskClient, period: CommentPeriod, lang: str = "en", **args: str) -> list[str]:
    response = room(client, period, lang, **args)
    assert response.status_code == 200, (args, response.status_code)
    return listed(response.get_data(as_text=True))


def test_only_published_newest_first(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    html = room(client, open_period).get_data(as_text=True)
    assert listed(html) == [published_set["trucks"], published_set["energia"]]
    assert published_set["pending"] not in html and "pendiente" not in html


@pytest.mark.parametrize("query", ["energia", "energía", "ENERGIA", "renovable", "electrica"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_search_folds_accents_in_both_languages(
    client: FlaskClient,
    open_period: CommentPeriod,
    published_set: dict[str, str],
    query: str,
    lang: str,
) -> None:
    # The pending comment says "Energía" too, and is never found.
    assert shown(client, open_period, lang, q=query) == [published_set["energia"]]


def test_search_english_words_and_phrases(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    assert shown(client, open_period, q='"truck crossings" laredo') == [published_set["trucks"]]
    none = room(client, open_period, q='"crossings truck"').get_data(as_text=True)
    assert listed(none) == []
    assert "No published comment matches." in none


BOTH = ("trucks", "energia")
NONE = ()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Symbols are ignored; what is left are words, each of which must appear as written.
        ("*", BOTH),
        ("energ*", NONE),  # not a prefix search
        ("truck*", ("trucks",)),
        ("NEAR(energia trucks)", NONE),  # three words no comment has together
        ("a OR b", NONE),
        ("energia OR trucks", NONE),  # not either word: both words and "or"
        ("-energia", ("energia",)),  # not "without energia"
        ("col:energia", NONE),  # not a column filter
        ("((", BOTH),
        ("^", BOTH),
        ("'", BOTH),
        ("\\", BOTH),
        ("%", BOTH),
        ("_", NONE),
        ("energía; DROP TABLE x", NONE),
    ],
)
def test_search_syntax_characters_are_words_or_nothing(
    client: FlaskClient,
    open_period: CommentPeriod,
    published_set: dict[str, str],
    query: str,
    expected: tuple[str, ...],
) -> None:
    assert shown(client, open_period, q=query) == [published_set[key] for key in expected]


def test_a_dangling_operator_is_a_word(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    found = shown(client, open_period, q="energia AND")
    if app.config["DATABASE_URL"].startswith("postgresql"):
        # PostgreSQL's English configuration drops "and" as a stop word.
        assert found == [published_set["energia"]]
    else:
        # FTS5 has no stop words: "and" must appear, and the comment in Spanish lacks it.
        assert found == []


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
        html = response.get_data(as_text=True)
        assert message in html
        assert 'id="q-error"' in html and 'aria-invalid="true"' in html
        assert listed(html) == []
        # What was typed stays in the box (long text cut), so it can be corrected.
        assert f'value="{escape(query[:200])}' in html


def test_filters(
    client: FlaskClient, open_period: CommentPeriod, published_set: dict[str, str]
) -> None:
    assert shown(client, open_period, country="MX") == [published_set["energia"]]
    assert shown(client, open_period, country="US") == [published_set["trucks"]]
    assert shown(client, open_period, language="en", type="association") == [
        published_set["trucks"]
    ]
    assert shown(client, open_period, language="es", type="association") == []
    assert shown(client, open_period, type="business", q="renovable") == [
        published_set["energia"]
    ]
    # Values the form never offers are ignored, not errors: everything published shows.
    assert shown(client, open_period, country="ZZ", type="robot", language="fr") == [
        published_set["trucks"],
        published_set["energia"],
    ]
    # A page position is a comment id the site wrote: anything else is a bad request.
    assert room(client, open_period, before="x").status_code == 400


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
    page = client.get(f"/es/comments/{published_set['energia']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Energía</h1>" in html and published_set["energia"] in html
    assert "La energía renovable y las inversiones en transmisión eléctrica" in html
    assert "Ana Martínez" in html and "Transportes del Norte" in html  # consented
    for missing in (published_set["pending"], "HLED-0000-0000-0000"):
        response = client.get(f"/es/comments/{missing}")
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert "Página no encontrada" in text and "pendiente de revisión" not in text


def test_older_comments_link_leads_to_the_rest_once_each(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    mexican = [add_submission(app, open_period, subject=f"Comment {i}") for i in range(25)]
    american = [
        add_submission(app, open_period, subject=f"US {i}", country="US") for i in range(3)
    ]
    publish(app, *(sid for sid, _ in mexican + american))
    newest_first = [tracking for _, tracking in reversed(mexican)]

    # With a filter, both pages keep it: the link carries it along with the key.
    first = room(client, open_period, country="MX").get_data(as_text=True)
    assert listed(first) == newest_first[:20]
    older = _OLDER.search(first)
    assert older, "no link to older comments on a full page"
    link = html_lib.unescape(older.group(1))
    assert "country=MX" in link and "before=" in link
    second = client.get(link)
    assert second.status_code == 200
    second_html = second.get_data(as_text=True)
    assert listed(second_html) == newest_first[20:]
    assert _OLDER.search(second_html) is None  # the last page
    assert not any(tracking in second_html for _, tracking in american)

    # Without a filter, following the links from page to page shows every comment once.
    seen: list[str] = []
    url: str | None = f"/es/periods/{open_period.slug}/comments"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen.extend(listed(page))
        more = _OLDER.search(page)
        url = html_lib.unescape(more.group(1)) if more else None
    assert seen == [t for _, t in reversed(mexican + american)]


@pytest.mark.parametrize("sparse", [1000, 2], ids=["rare-word", "common-word"])
def test_search_pages_read_matches_a_window_at_a_time(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, sparse: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Matches are read in small windows (here of 2, growing), newest first, the filters
    applied to each; on PostgreSQL a word with more than SPARSE matches is checked comment by
    comment instead of through its index. Either way, pages come out whole and in order."""
    from portal.services import search

    monkeypatch.setattr(search, "WINDOW", 2)
    monkeypatch.setattr(search, "SPARSE", sparse)
    made = [add_submission(app, open_period, subject=f"Solar {i}",
                           body=f"Solar panels on roofs, number {i}.",
                           country="US" if i % 3 else "MX", email=f"w{i}@example.org")
            for i in range(26)]
    other = add_submission(app, open_period, subject="Wind", body="Wind turbines only.")
    publish(app, *(sid for sid, _ in made), other[0])
    mexican = [t for i, (_, t) in enumerate(made) if i % 3 == 0][::-1]
    assert shown(client, open_period, q="solar", country="MX") == mexican

    seen: list[str] = []
    url: str | None = f"/en/periods/{open_period.slug}/comments?q=panels"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen.extend(listed(page))
        more = _OLDER.search(page)
        url = html_lib.unescape(more.group(1)) if more else None
    assert seen == [t for _, t in reversed(made)]
    assert shown(client, open_period, q="solar turbines") == []


@pytest.mark.parametrize("sparse", [1000, 2], ids=["rare-word", "common-word"])
def test_a_period_lists_its_own_comments_among_other_periods(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, sparse: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page reads only between the period's first and last published comment: comments of
    another period before, among and after them are never shown, and a newer one of its own
    is, at once. On PostgreSQL a word with more than SPARSE matches is checked comment by
    comment in one statement, bounded the same way."""
    from portal.services import search
    from tests.conftest import make_period

    monkeypatch.setattr(search, "SPARSE", sparse)

    other = make_period(app, slug="other-2026")
    made = {}
    for name, period in (("other-1", other), ("a-1", open_period), ("other-2", other),
                         ("a-2", open_period), ("other-3", other), ("other-4", other)):
        made[name] = add_submission(app, period, subject=name, body=f"Border crossings {name}.")
    publish(app, *(sid for sid, _ in made.values()))
    own = [made["a-2"][1], made["a-1"][1]]
    assert shown(client, open_period) == own
    assert shown(client, open_period, q="border") == own
    newest = add_submission(app, open_period, subject="a-3", body="Border crossings a-3.")
    publish(app, newest[0])
    assert shown(client, open_period) == [newest[1], *own]
    assert shown(client, open_period, q="crossings") == [newest[1], *own]
    assert shown(client, other) == [made[n][1] for n in ("other-4", "other-3", "other-2",
                                                         "other-1")]


@pytest.mark.parametrize("sparse", [1000, 2], ids=["rare-word", "common-word"])
def test_a_search_counts_its_matches_up_to_a_cap(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, sparse: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search stops counting at COUNT_CAP and says "more than", in both languages; at or
    under the cap the count is exact."""
    from portal.services import reading_room, search

    monkeypatch.setattr(reading_room, "COUNT_CAP", 3)
    monkeypatch.setattr(search, "SPARSE", sparse)
    made = [add_submission(app, open_period, subject=f"Solar {i}", body=f"Solar roofs {i}.",
                           email=f"c{i}@example.org") for i in range(4)]
    wind = add_submission(app, open_period, subject="Wind", body="Wind turbines and solar.")
    publish(app, *(sid for sid, _ in made), wind[0])
    page = room(client, open_period, q="roofs").get_data(as_text=True)
    assert "More than 3 published comments match." in page
    page = room(client, open_period, "es", q="roofs").get_data(as_text=True)
    assert "Más de 3 comentarios publicados coinciden." in page
    page = room(client, open_period, q="wind").get_data(as_text=True)
    assert "1 published comment matches." in page


def test_postgresql_takes_a_word_the_planner_expects_everywhere_as_common(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, db_url: str,
) -> None:
    """On PostgreSQL a word that ANALYZE's statistics put in more than COMMON_SHARE of the
    search documents skips the probe (it is searched newest first by key); a word in few
    documents is still probed. The pages are the same either way."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the planner's estimate is PostgreSQL's")
    from sqlalchemy import text

    from portal.db import write_session
    from portal.services import search

    made = [add_submission(app, open_period, subject=f"Solar {i}", body=f"Solar roofs {i}.",
                           email=f"e{i}@example.org") for i in range(30)]
    odd = add_submission(app, open_period, subject="Wind", body="Wind turbines.")
    publish(app, *(sid for sid, _ in made), odd[0])
    with app.app_context(), write_session() as session:
        session.execute(text("ANALYZE submission_fts"))
    with app.app_context(), write_session() as session:
        assert search._expected_common(session, "('roofs')")
        assert not search._expected_common(session, "('turbines')")
    assert shown(client, open_period, q="roofs") == [t for _, t in reversed(made)][:20]
    assert shown(client, open_period, q="turbines") == [odd[1]]
