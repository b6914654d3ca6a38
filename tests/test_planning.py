"""Themes on arrival, confirmed by moderators; planner summaries and exports in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import AuditEvent, CommentPeriod, Submission, SubmissionTheme, Theme
from tests.conftest import (
    add_submission,
    csrf_from,
    db_session,
    make_period,
    make_user,
    publish,
    sign_in,
)
from tests.export_support import export_file

TRICKY = (
    'Línea 1, "comillas", coma\nLínea 2 \u200f\u05e9\u05dc\u05d5\u05dd\u200f emoji 🚚🇲🇽 energía'
)


@pytest.fixture()
def themed_period(app: Flask) -> CommentPeriod:
    period = make_period(app)
    with app.app_context(), write_session() as session:
        pillar_id = session.get(CommentPeriod, period.id).pillar_id
        session.add_all(
            [
                Theme(
                    pillar_id=pillar_id,
                    code="energy",
                    label_en="Energy",
                    label_es="Energía",
                    keywords_en="energy, electricity, renewable",
                    keywords_es="energía, renovable",
                ),
                Theme(
                    pillar_id=pillar_id,
                    code="transport",
                    label_en="Transportation",
                    label_es="Transporte",
                    keywords_en="truck, border crossing",
                    keywords_es="camión, cruce fronterizo",
                ),
            ]
        )
    return period


def _theme_codes(app: Flask, submission_id: int, confirmed: bool) -> set[str]:
    with db_session(app) as session:
        rows = (
            session.execute(
                select(Theme.code)
                .join(SubmissionTheme, SubmissionTheme.theme_id == Theme.id)
                .where(
                    SubmissionTheme.submission_id == submission_id,
                    (SubmissionTheme.confirmed if confirmed else SubmissionTheme.suggested).is_(
                        True
                    ),
                )
            )
            .scalars()
            .all()
        )
    return set(rows)


@pytest.fixture()
def corpus(app: Flask, themed_period: CommentPeriod) -> dict[str, tuple[int, str]]:
    made = {
        "es_energy": add_submission(
            app,
            themed_period,
            body="La energía renovable es urgente "
            "para las comunidades. Necesitamos más energía limpia.",
            declared_language="es",
            country="MX",
        ),
        "en_truck": add_submission(
            app,
            themed_period,
            body="Truck waits at the border crossing cost us money. Each truck loses hours.",
            declared_language="en",
            country="US",
            submitter_type="ngo",
            organization="Red Bina",
        ),
        "uncovered": add_submission(
            app,
            themed_period,
            body="We like the dialogue in general.",
            declared_language="en",
            country="CA",
        ),
        "tricky": add_submission(
            app, themed_period, body=TRICKY, subject='=HYPERLINK("x")', declared_language="es"
        ),
        "pending": add_submission(app, themed_period, body="Energía pendiente."),
    }
    publish(app, *(made[key][0] for key in ("es_energy", "en_truck", "uncovered", "tricky")))
    return made


def test_themes_are_suggested_on_arrival_in_both_languages(
    app: Flask, corpus: dict[str, tuple[int, str]]
) -> None:
    assert _theme_codes(app, corpus["es_energy"][0], confirmed=False) == {"energy"}
    assert _theme_codes(app, corpus["en_truck"][0], confirmed=False) == {"transport"}
    assert _theme_codes(app, corpus["uncovered"][0], confirmed=False) == set()


def test_moderator_confirms_or_changes_themes_when_publishing(
    app: Flask, themed_period: CommentPeriod
) -> None:
    sid, _ = add_submission(app, themed_period, body="Energy and trucks at the border crossing.")
    assert _theme_codes(app, sid, confirmed=False) == {"energy", "transport"}
    client = app.test_client()
    sign_in(client, make_user(app, "moderator"))
    review = client.get(f"/en/moderation/submissions/{sid}").get_data(as_text=True)
    assert "Suggested; matched:" in review
    with db_session(app) as session:
        energy_id = session.scalar(select(Theme.id).where(Theme.code == "energy"))
    assert re.search(rf'value="{energy_id}"[^>]*checked', review)
    token = csrf_from(review)
    response = client.post(
        f"/en/moderation/submissions/{sid}/publish",
        data={"csrf_token": token, "version": 1, "themes": [energy_id]},
    )
    assert response.status_code == 303
    assert _theme_codes(app, sid, confirmed=True) == {"energy"}
    # Themes of another pillar, or junk, are refused and nothing changes.
    sid2, _ = add_submission(app, themed_period, body="Trucks.")
    bad = client.post(
        f"/en/moderation/submissions/{sid2}/publish",
        data={"csrf_token": token, "version": 1, "themes": ["x"]},
    )
    assert bad.status_code == 400
    with db_session(app) as session:
        assert session.get(Submission, sid2).status == "pending"


@pytest.fixture()
def planner(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, make_user(app, "planner"))
    return client


def test_summary_in_spanish_counts_confirmed_published_themes(
    planner: FlaskClient, themed_period: CommentPeriod, corpus: dict[str, tuple[int, str]]
) -> None:
    html = planner.get(f"/es/planning/periods/{themed_period.slug}").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Energía" in html and "Transporte" in html
    # energy: es_energy and tricky (mentions energía) out of 4 published.
    assert "2 comentarios publicados (50" in html
    assert "Comentarios que ningún tema cubre" in html
    assert corpus["uncovered"][1] in html
    assert corpus["pending"][1] not in html
    # Each excerpt quotes the text exactly and cites its tracking number.
    assert "La energía renovable es urgente para las comunidades." in html
    assert corpus["es_energy"][1] in html
    assert "<svg" in html and "<title" in html  # charts with text equivalents


def test_summary_by_docket_identifier_and_by_pillar(
    planner: FlaskClient, themed_period: CommentPeriod, corpus: dict[str, tuple[int, str]]
) -> None:
    by_slug = planner.get(f"/en/planning/periods/{themed_period.slug}").get_data(as_text=True)
    by_docket = planner.get(f"/en/planning/periods/{themed_period.docket_id}")
    assert by_docket.status_code == 200
    html = by_docket.get_data(as_text=True)
    assert "<h1>Energy and connectivity</h1>" in html
    assert "2 published comments (50%)" in html and corpus["uncovered"][1] in html
    # The same summary, whichever key names the period (only the export form's address differs).
    def body(page: str) -> str:
        return page.split('id="export-heading"', 1)[1].split("</section>", 1)[1]

    assert body(html) == body(by_slug)
    by_pillar = planner.get("/en/planning/pillars/competitiveness")
    assert by_pillar.status_code == 200
    html = by_pillar.get_data(as_text=True)
    assert "<h1>Competitiveness</h1>" in html and themed_period.docket_id in html
    assert "2 published comments (50%)" in html  # its only period's comments
    missing = planner.get("/en/planning/periods/nope")
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)
    index = planner.get("/en/planning/")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert f'href="/en/planning/periods/{themed_period.slug}"' in html
    assert 'href="/en/planning/pillars/competitiveness"' in html


def _export(client: FlaskClient, period: CommentPeriod, fmt: str, **args: str):  # type: ignore[no-untyped-def]
    return export_file(client, f"/en/planning/periods/{period.slug}/export",
                       {"format": fmt, "language": "en", **args})


def test_csv_export_has_exactly_the_published_comments_with_their_themes(
    planner: FlaskClient, themed_period: CommentPeriod, corpus: dict[str, tuple[int, str]]
) -> None:
    response = _export(planner, themed_period, "csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    published = {corpus[k][1] for k in ("es_energy", "en_truck", "uncovered", "tricky")}
    assert {r["Tracking number"] for r in rows} == published
    by_number = {r["Tracking number"]: r for r in rows}
    assert by_number[corpus["es_energy"][1]]["Themes"] == "Energy"
    assert by_number[corpus["uncovered"][1]]["Themes"] == ""
    tricky = by_number[corpus["tricky"][1]]
    assert tricky["Comment text"] == TRICKY  # round-trips exactly
    assert tricky["Subject"] == '\'=HYPERLINK("x")'  # neutralised for spreadsheets
    assert "Email address" not in rows[0]
    assert "ana@example.org" not in text


def test_csv_headings_follow_the_chosen_language_and_all_statuses(
    planner: FlaskClient, themed_period: CommentPeriod, corpus: dict[str, tuple[int, str]]
) -> None:
    text = _export(planner, themed_period, "csv", language="es", statuses="all").get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 5
    assert {r["Estado"] for r in rows} == {"Publicado", "En espera de revisión"}
    assert "Número de seguimiento" in rows[0] and "Temas" in rows[0]


def test_json_export_is_documented_shape_and_round_trips(
    planner: FlaskClient, themed_period: CommentPeriod, corpus: dict[str, tuple[int, str]]
) -> None:
    data = json.loads(_export(planner, themed_period, "json").get_data(as_text=True))
    assert set(data) == {"summary", "rows"}
    assert data["summary"]["totals"] == {"pending": 1, "published": 4, "rejected": 0}
    energy = next(t for t in data["summary"]["themes"] if t["code"] == "energy")
    assert energy["count"] == 2 and energy["share"] == 0.5
    assert energy["quotes"], "no excerpt for a theme with comments"
    for quote in energy["quotes"]:
        row = next(r for r in data["rows"] if r["tracking_number"] == quote["tracking_number"])
        assert quote["text"] in row["text"]
    tricky = next(r for r in data["rows"] if r["tracking_number"] == corpus["tricky"][1])
    assert tricky["text"] == TRICKY


def test_xlsx_export_opens_with_openpyxl(
    planner: FlaskClient, themed_period: CommentPeriod, corpus: dict[str, tuple[int, str]]
) -> None:
    response = _export(planner, themed_period, "xlsx", language="es")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Resumen", "Temas", "Preguntas", "Comentarios", "Campañas"]
    rows = list(book["Comentarios"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "Número de seguimiento"
    numbers = {r[0] for r in body}
    assert numbers == {corpus[k][1] for k in ("es_energy", "en_truck", "uncovered", "tricky")}
    text_col = header.index("Texto del comentario")
    tricky = next(r for r in body if r[0] == corpus["tricky"][1])
    assert tricky[text_col] == TRICKY


def test_printable_report_is_self_contained_with_its_own_policy(
    planner: FlaskClient, themed_period: CommentPeriod, corpus: dict[str, tuple[int, str]]
) -> None:
    response = _export(planner, themed_period, "html", language="es")
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html and "<style>" in html
    assert "<script" not in html and 'src="' not in html and 'href="http' not in html
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'sha256-" in policy and "script-src" not in policy
    assert "La energía renovable es urgente para las comunidades." in html


def test_contacts_only_for_admins_and_audited(
    app: Flask,
    planner: FlaskClient,
    themed_period: CommentPeriod,
    corpus: dict[str, tuple[int, str]],
) -> None:
    assert _export(planner, themed_period, "csv", contacts="1").status_code == 403
    admin = app.test_client()
    sign_in(admin, make_user(app, "admin"))
    text = _export(admin, themed_period, "csv", contacts="1").get_data(as_text=True)
    assert "Email address" in text and "ana@example.org" in text
    with db_session(app) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.actor for e in events] == ["admin@example.org"]
    assert json.loads(events[0].after)["include_email"] is True


def test_unknown_format_and_empty_period(
    app: Flask, planner: FlaskClient, themed_period: CommentPeriod
) -> None:
    bad = _export(planner, themed_period, "pdf")
    assert bad.status_code == 400 and "Unknown export format" in bad.get_data(as_text=True)
    empty = make_period(app, slug="empty-period")
    exported = {}
    for fmt in ("csv", "json", "xlsx", "html"):
        response = _export(planner, empty, fmt)
        assert response.status_code == 200, fmt
        exported[fmt] = response.data
    rows = list(csv.reader(io.StringIO(exported["csv"].decode("utf-8-sig"))))
    assert rows == [rows[0]] and rows[0][0] == "Tracking number"  # the headings only
    assert json.loads(exported["json"])["rows"] == []
    book = openpyxl.load_workbook(io.BytesIO(exported["xlsx"]), read_only=True)
    comments = list(book["Comments"].iter_rows(values_only=True))
    assert len(comments) == 1 and comments[0][0] == "Tracking number"
    report = exported["html"].decode("utf-8")
    assert '<html lang="en">' in report and "Energy and connectivity" in report


def test_cli_export_every_format(
    app: Flask,
    runner,
    themed_period: CommentPeriod,
    corpus: dict[str, tuple[int, str]],  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    for fmt in ("csv", "json", "xlsx", "html"):
        out = tmp_path / f"export.{fmt}"
        result = runner.invoke(
            args=[
                "export",
                themed_period.docket_id,
                "--format",
                fmt,
                "-o",
                str(out),
                "--language",
                "es",
            ]
        )
        assert result.exit_code == 0, result.output
    published = {corpus[k][1] for k in ("es_energy", "en_truck", "uncovered", "tricky")}
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "export.csv").read_text(encoding="utf-8")[1:]))
    )
    assert {r["Número de seguimiento"] for r in rows} == published and "Temas" in rows[0]
    data = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert {r["tracking_number"] for r in data["rows"]} == published
    book = openpyxl.load_workbook(tmp_path / "export.xlsx", read_only=True)
    assert book.sheetnames == ["Resumen", "Temas", "Preguntas", "Comentarios", "Campañas"]
    assert {r[0] for r in list(book["Comentarios"].iter_rows(values_only=True))[1:]} == published
    report = (tmp_path / "export.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in report and corpus["es_energy"][1] in report
    missing = runner.invoke(
        args=["export", "nope", "--format", "csv", "-o", str(tmp_path / "x.csv")]
    )
    assert missing.exit_code == 2 and "no comment period" in missing.output
    wrong = runner.invoke(
        args=["export", themed_period.slug, "--format", "pdf", "-o", str(tmp_path / "x.pdf")]
    )
    assert wrong.exit_code == 2 and "'pdf' is not one of" in wrong.output
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.csv").exists()


def test_admin_edits_a_theme_and_it_is_audited(app: Flask, themed_period: CommentPeriod) -> None:
    admin = app.test_client()
    sign_in(admin, make_user(app, "admin"))
    page = admin.get("/es/planning/themes").get_data(as_text=True)
    assert "Taxonomía de temas" in page
    with db_session(app) as session:
        theme_id = session.scalar(select(Theme.id).where(Theme.code == "energy"))
    data = {
        f"t{theme_id}-{k}": v
        for k, v in {
            "label_en": "Energy and power",
            "label_es": "Energía y electricidad",
            "keywords_en": "energy, power",
            "keywords_es": "energía",
            "active": "y",
            "csrf_token": csrf_from(page),
        }.items()
    }
    assert admin.post(f"/es/planning/themes/{theme_id}", data=data).status_code == 303
    empty = dict(data, **{f"t{theme_id}-label_es": ""})
    response = admin.post(f"/es/planning/themes/{theme_id}", data=empty)
    assert response.status_code == 422 and "Escriba una etiqueta." in response.get_data(
        as_text=True
    )
    with db_session(app) as session:
        assert session.get(Theme, theme_id).label_es == "Energía y electricidad"
        updates = session.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.action == "theme.update")
        ).all()
    assert updates == [str(theme_id)]  # the refused change left no trace


def test_resuggest_after_keywords_change_keeps_confirmed_themes(
    app: Flask, runner, themed_period: CommentPeriod  # type: ignore[no-untyped-def]
) -> None:
    pending, _ = add_submission(app, themed_period, body="Broadband internet for the border.")
    confirmed, _ = add_submission(app, themed_period, body="Broadband and energy.")
    publish(app, confirmed)
    assert _theme_codes(app, pending, confirmed=False) == set()
    with app.app_context(), write_session() as session:
        energy = session.scalar(select(Theme).where(Theme.code == "energy"))
        energy.keywords_en += ", broadband"
    result = runner.invoke(args=["themes", "resuggest", "--period", themed_period.slug])
    assert result.exit_code == 0, result.output
    assert "recomputed for 1 comments" in result.output
    assert _theme_codes(app, pending, confirmed=False) == {"energy"}
    assert _theme_codes(app, confirmed, confirmed=True) == {"energy"}
    missing = runner.invoke(args=["themes", "resuggest", "--period", "nope"])
    assert missing.exit_code == 2
