"""Public pages exist in both languages, with the right <html lang> and a switch to the twin."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

# `seeded` (tests/conftest.py): what `flask seed` makes, three pillars with an open period each.


@pytest.mark.parametrize(
    ("header", "target"),
    [("es-MX,es;q=0.9,en;q=0.5", "/es/"), ("en-US,en;q=0.9", "/en/"), ("fr-FR", "/en/"),
     ("", "/en/")],
)
def test_root_redirects_by_accept_language(client: FlaskClient, header: str, target: str) -> None:
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(target)
    assert "Accept-Language" in response.headers["Vary"]


PAGES = [
    "/{lang}/",
    "/{lang}/pillars/competitiveness-connectivity",
    "/{lang}/periods/growth-productivity-innovation",
    "/{lang}/periods/growth-productivity-innovation/comment",
    "/{lang}/receipts",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_has_lang_and_switch_to_its_twin(
    client: FlaskClient, seeded: None, page: str, lang: str
) -> None:
    other = "es" if lang == "en" else "en"
    response = client.get(page.format(lang=lang))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    twin = page.format(lang=other)
    assert f'href="{twin}"' in html, f"no switch to {twin}"
    assert client.get(twin).status_code == 200


def test_home_lists_pillars_in_each_language(client: FlaskClient, seeded: None) -> None:
    en = client.get("/en/").get_data(as_text=True)
    es = client.get("/es/").get_data(as_text=True)
    assert "Promoting Competitiveness and Connectivity" in en
    assert "Partnering for Regional and Global Leadership" in en
    assert "Promover la competitividad y la conectividad" in es
    assert "Asociarse para el liderazgo regional y mundial" in es
    assert "Comment periods" in en and "Periodos de comentarios" in es


def test_home_lists_open_periods_before_closed_ones(app: Flask, client: FlaskClient) -> None:
    from datetime import timedelta

    from tests.conftest import make_period

    make_period(app, slug="old-closed", opens_in=-timedelta(days=60), lasts=timedelta(days=10))
    make_period(app, slug="now-open")
    html = client.get("/en/").get_data(as_text=True)
    assert html.index("/en/periods/now-open") < html.index("/en/periods/old-closed")


def test_period_page_shows_questions_dates_and_docket(client: FlaskClient, seeded: None) -> None:
    html = client.get("/es/periods/competitiveness-connectivity").get_data(as_text=True)
    assert "¿Qué fomentaría una mayor inversión en ambos sentidos?" in html
    assert re.search(r"HLED-\d{4}-0001", html)
    # Dates in Spanish, in Mexico City time, with Washington time beside them.
    assert "hora de la Ciudad de México" in html and "hora de Washington" in html
    assert "/es/periods/competitiveness-connectivity/comment" in html


@pytest.mark.parametrize("lang,text", [("en", "Page not found"), ("es", "Página no encontrada")])
def test_unknown_pages_are_404_in_the_page_language(
    client: FlaskClient, seeded: None, lang: str, text: str
) -> None:
    for path in (f"/{lang}/periods/no-such-period", f"/{lang}/pillars/nope",
                 f"/{lang}/periods/no-such-period/comment",
                 f"/{lang}/receipts/HLED-0000-0000-0000"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert text in response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def test_unknown_language_prefix_is_404(client: FlaskClient) -> None:
    assert client.get("/fr/").status_code == 404


def test_healthz_reports_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_strict_security_headers_on_pages(client: FlaskClient, seeded: None) -> None:
    response = client.get("/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_uses_inline_script_or_style() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "portal" / "templates"
    for path in root.rglob("*.html"):
        if path.parent.name == "mail":
            continue  # emails: no page policy applies, and mail programs drop linked styles
        text = path.read_text()
        if path.name == "report.html":
            # The downloadable report is one self-contained file; its <style> is allowed by
            # hash in the report's own policy (tests/test_planning.py checks it).
            text = text.replace("<style>{{ css | safe }}</style>", "")
        assert "<style" not in text, path
        assert " style=" not in text, path
        assert re.search(r"<script(?![^>]*\bsrc=)", text) is None, path
        assert re.search(r"\son[a-z]+=", text) is None, path
