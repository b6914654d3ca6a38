"""Running comment periods from the admin pages and the command line: create, edit, extend,
close early, reopen, delete, documents; every bad input answered beside its field."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db import new_session, write_session
from portal.models import AuditAction, AuditEvent, CommentPeriod, Docket, PeriodChange
from portal.models.types import utcnow
from portal.seed import seed
from portal.services import audit, consultations, deadlines, events, periods
from tests.conftest import add_submission, csrf_token, make_user, sign_in

MX = ZoneInfo("America/Mexico_City")


@pytest.fixture()
def admin(app: Flask) -> FlaskClient:
    with app.app_context(), write_session() as session:
        seed(session)
    client = app.test_client()
    assert sign_in(client, make_user(app, "admin")).status_code == 302
    return client


def local(delta: timedelta, zone: ZoneInfo = MX) -> str:
    return (utcnow() + delta).astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")


def period_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "pillar": "1", "slug": "energia-2027", "docket": "",
        "title_en": "Energy integration", "title_es": "Integración energética",
        "summary_en": "How should the grids connect?", "summary_es": "¿Cómo conectar las redes?",
        "description_en": "## Background\n\nThe **HLED** asks about <script>x</script> energy.",
        "description_es": "## Antecedentes\n\nEl **DEAN** pregunta sobre energía.",
        "timezone": "America/Mexico_City",
        "opens_at": local(timedelta(days=2)), "closes_at": local(timedelta(days=40)),
        "questions_en": "What should connect first?\nWho pays?",
        "questions_es": "¿Qué debe conectarse primero?\n¿Quién paga?",
    }
    data.update(overrides)
    return data


def create(client: FlaskClient, lang: str = "en", **overrides: object):  # type: ignore[no-untyped-def]
    url = f"/{lang}/admin/periods/new"
    token = csrf_token(client, url)
    return client.post(url, data={**period_form(**overrides), "csrf_token": token})


def with_token(client: FlaskClient, url: str, form: dict[str, object]) -> dict[str, object]:
    return {**form, "csrf_token": csrf_token(client, f"{url}/edit")}


def stored(app: Flask, slug: str) -> CommentPeriod | None:
    with app.app_context():
        session = new_session()
        found = consultations.period_by_slug(session, slug)
        if found is not None:
            _ = [q.text_en for q in found.questions], list(found.changes)
        session.close()
        return found


def test_an_admin_schedules_a_period_with_questions_in_both_languages(
    app: Flask, admin: FlaskClient
) -> None:
    typed = local(timedelta(days=2))
    response = create(admin, opens_at=typed)
    assert response.status_code == 303
    period = stored(app, "energia-2027")
    assert period is not None
    year = period.opens_at.astimezone(MX).year
    # The seed issued one identifier per pillar for the current year.
    seeded = 3 if year == utcnow().year else 0
    assert period.docket_id == f"HLED-{year}-{seeded + 1:04d}"
    assert [(q.position, q.text_en, q.text_es) for q in period.questions] == [
        (1, "What should connect first?", "¿Qué debe conectarse primero?"),
        (2, "Who pays?", "¿Quién paga?")]
    # Dates were typed in Mexico City time.
    assert period.opens_at.astimezone(MX).strftime("%Y-%m-%dT%H:%M:%S") == typed
    # The description is Markdown, rendered safely and cached.
    assert "<strong>HLED</strong>" in period.description_html_en
    assert "<script>" not in period.description_html_en
    page = app.test_client().get("/es/periods/energia-2027").get_data(as_text=True)
    assert "Próximo" in page and "Abre dentro de" in page
    assert "¿Quién paga?" in page and "<h2>Antecedentes</h2>" in page
    # In the audit trail, readably.
    manage = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Comment period created" in manage and "Who pays?" in manage


def test_docket_numbers_follow_the_configured_prefix_and_are_never_reused(
    app: Flask, admin: FlaskClient
) -> None:
    app.config["DOCKET_PREFIX"] = "DEAN"
    assert create(admin, slug="first").status_code == 303
    assert create(admin, slug="second").status_code == 303
    first, second = stored(app, "first"), stored(app, "second")
    assert first and second
    year = first.opens_at.astimezone(MX).year
    assert (first.docket_id, second.docket_id) == (f"DEAN-{year}-0001", f"DEAN-{year}-0002")
    # Deleting the latest (nobody commented) keeps its identifier taken.
    with app.app_context(), write_session() as session:
        periods.delete(session, audit.CLI, session.get(CommentPeriod, second.id))
    assert create(admin, slug="third").status_code == 303
    third = stored(app, "third")
    assert third and third.docket_id == f"DEAN-{year}-0003"
    # A typed identifier that was ever issued is refused beside its field.
    response = create(admin, slug="fourth", docket=f"DEAN-{year}-0002")
    assert response.status_code == 422
    assert "never used twice" in response.get_data(as_text=True)
    with app.app_context():
        session = new_session()
        assert session.scalar(select(func.count()).select_from(Docket)) >= 3 + 3
        session.close()


BAD = [
    ({"title_es": ""}, "title_es", "Enter the title in Spanish.", "Escriba el título en español."),
    ({"title_en": "  "}, "title_en", "Enter the title in English.", "Escriba el título en inglés."),
    ({"description_es": ""}, "description_es", "Enter the description in Spanish.",
     "Escriba la descripción en español."),
    ({"summary_en": ""}, "summary_en", "Enter the summary in English.",
     "Escriba el resumen en inglés."),
    ({"closes_at": local(timedelta(days=1))}, "closes_at", "must close after it opens",
     "debe cerrar después de abrir"),
    ({"opens_at": "next tuesday"}, "opens_at", "Enter a date and time like",
     "Escriba una fecha y hora como"),
    ({"pillar": "99"}, "pillar", "Choose one of the pillars.", "Elija uno de los pilares."),
    ({"slug": "competitiveness-connectivity"}, "slug", "already uses this address",
     "ya usa esta dirección"),
    ({"slug": "Bad Slug!"}, "slug", "Use lowercase letters", "Use minúsculas"),
    ({"docket": "HLED-2026-0001"}, "docket", "never used twice", "nunca se usan dos veces"),
    ({"docket": "nonsense"}, "docket", "Use the form", "Use la forma"),
    ({"questions_es": "¿Qué debe conectarse primero?"}, "questions_es", "1 in Spanish",
     "1 en español"),
    ({"timezone": "Mars/Olympus"}, "timezone", "Choose a time zone", "Elija una zona horaria"),
]


@pytest.mark.parametrize(("overrides", "field", "en_text", "es_text"), BAD)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_bad_input_is_answered_beside_its_field_with_everything_kept(
    app: Flask, admin: FlaskClient, overrides: dict[str, str], field: str, en_text: str,
    es_text: str, lang: str,
) -> None:
    with app.app_context():
        session = new_session()
        before = session.scalar(select(func.count()).select_from(CommentPeriod))
        session.close()
    response = create(admin, lang, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (en_text if lang == "en" else es_text) in html
    assert f'id="{field}-error"' in html
    assert re.search(rf'aria-describedby="[^"]*{field}-error[^"]*"[^>]*id="{field}"', html) \
        or re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', html)
    kept = {"title_es": "Integración energética", "summary_es": "¿Cómo conectar las redes?",
            "questions_es": "¿Quién paga?", "title_en": "Energy integration"}
    for name, text in kept.items():
        if name not in overrides:
            assert text in html, name
    with app.app_context():
        session = new_session()
        assert session.scalar(select(func.count()).select_from(CommentPeriod)) == before
        session.close()


def _manage_url(app: Flask, slug: str) -> str:
    period = stored(app, slug)
    assert period is not None
    return f"/en/admin/periods/{period.id}"


def _post(client: FlaskClient, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    page = url.rsplit("/", 1)[0] if url.endswith(("extend", "close", "reopen", "documents",
                                                   "delete")) else url
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


def test_extend_close_early_and_reopen_are_public_and_audited(
    app: Flask, admin: FlaskClient
) -> None:
    assert create(admin, opens_at=local(-timedelta(days=1))).status_code == 303
    url = _manage_url(app, "energia-2027")
    old = stored(app, "energia-2027")
    assert old is not None
    # Closing before the current deadline is not an extension.
    response = _post(admin, f"{url}/extend", {"extend-closes_at": local(timedelta(days=3))})
    assert response.status_code == 422
    assert "later than the current one" in response.get_data(as_text=True)
    new_close = local(timedelta(days=60))
    assert _post(admin, f"{url}/extend", {"extend-closes_at": new_close}).status_code == 303
    extended = stored(app, "energia-2027")
    assert extended is not None
    assert extended.closes_at.astimezone(MX).strftime("%Y-%m-%dT%H:%M:%S") == new_close
    es = app.test_client().get("/es/periods/energia-2027").get_data(as_text=True)
    assert "Plazo ampliado del" in es and "cambio hecho el" in es
    en = app.test_client().get("/en/periods/energia-2027").get_data(as_text=True)
    assert "Deadline extended from" in en and "Washington time" in en

    # Closing early needs a reason in both languages, kept when refused.
    response = _post(admin, f"{url}/close", {"close-reason_en": "Agreement reached.",
                                            "close-reason_es": ""})
    assert response.status_code == 422
    assert "Agreement reached." in response.get_data(as_text=True)
    assert _post(admin, f"{url}/close", {"close-reason_en": "Agreement reached.",
                                        "close-reason_es": "Se alcanzó un acuerdo."}
                 ).status_code == 303
    closed = stored(app, "energia-2027")
    assert closed is not None and closed.state().value == "closed"
    es = app.test_client().get("/es/periods/energia-2027").get_data(as_text=True)
    assert "Cerrado antes de tiempo" in es and "Se alcanzó un acuerdo." in es
    closed_form = app.test_client().get("/en/periods/energia-2027/comment")
    assert "This comment period is closed" in closed_form.get_data(as_text=True)

    assert _post(admin, f"{url}/reopen", {"reopen-reopen_until": local(-timedelta(hours=1))}
                 ).status_code == 422
    assert _post(admin, f"{url}/reopen", {"reopen-reopen_until": local(timedelta(days=5))}
                 ).status_code == 303
    reopened = stored(app, "energia-2027")
    assert reopened is not None and reopened.state().value == "open"
    assert [c.kind.value for c in reopened.changes] == ["extended", "closed_early", "reopened"]
    with app.app_context():
        session = new_session()
        actions = [e.action for e in session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "period"))]
        session.close()
    assert actions == [AuditAction.PERIOD_CREATE, AuditAction.PERIOD_EXTEND,
                       AuditAction.PERIOD_CLOSE, AuditAction.PERIOD_REOPEN]


def test_dates_and_slug_of_an_open_period_change_only_through_extend_or_close(
    app: Flask, admin: FlaskClient
) -> None:
    assert create(admin, opens_at=local(-timedelta(days=1))).status_code == 303
    url = _manage_url(app, "energia-2027")
    form = period_form(opens_at=local(-timedelta(days=1)), closes_at=local(timedelta(days=90)))
    response = admin.post(f"{url}/edit", data=with_token(admin, url, form))
    assert response.status_code == 422
    assert "use “Extend” or “Close early”" in response.get_data(as_text=True)


def test_questions_freeze_once_answered_and_a_period_with_comments_cannot_be_deleted(
    app: Flask, admin: FlaskClient
) -> None:
    assert create(admin, opens_at=local(-timedelta(days=1))).status_code == 303
    period = stored(app, "energia-2027")
    assert period is not None
    url = f"/en/admin/periods/{period.id}"
    edit = admin.get(f"{url}/edit").get_data(as_text=True)
    opens = re.search(r'id="opens_at"[^>]*value="([^"]+)"', edit) or re.search(
        r'value="([^"]+)"[^>]*id="opens_at"', edit)
    closes = re.search(r'id="closes_at"[^>]*value="([^"]+)"', edit) or re.search(
        r'value="([^"]+)"[^>]*id="closes_at"', edit)
    assert opens and closes
    form = period_form(opens_at=opens.group(1), closes_at=closes.group(1),
                       questions_en="What should connect first?\nWho pays, and when?",
                       questions_es="¿Qué debe conectarse primero?\n¿Quién paga, y cuándo?")
    # Before any answer, the questions may change (in place: ids stay with positions).
    response = admin.post(f"{url}/edit", data=with_token(admin, url, form))
    assert response.status_code == 303, response.get_data(as_text=True)
    changed = stored(app, "energia-2027")
    assert changed is not None
    assert [q.id for q in changed.questions] == [q.id for q in period.questions]
    from portal.services.submissions import AnswerInput

    q1 = changed.questions[0]
    add_submission(app, changed, body="", answers=(AnswerInput(q1.id, 1, "Las redes."),))
    form["questions_en"] = "What connects first?\nWho pays, and when?"
    response = admin.post(f"{url}/edit", data=with_token(admin, url, form))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "already answered these questions" in html and "What connects first?" in html
    assert 'id="questions_en-error"' in html
    response = admin.post(f"{url}/delete", data={"csrf_token": csrf_token(admin, f"{url}/edit")})
    assert response.status_code == 409
    assert "can never be deleted" in response.get_data(as_text=True)
    assert stored(app, "energia-2027") is not None


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_documents_a_link_and_a_pdf_served_as_a_download(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    assert create(admin).status_code == 303
    url = _manage_url(app, "energia-2027")
    token = csrf_token(admin, url)
    response = admin.post(f"{url}/documents", data={
        "csrf_token": token, "doc-title_en": "Fact sheet", "doc-title_es": "Hoja informativa",
        "doc-file": (__import__("io").BytesIO(b"MZ not a pdf"), "notice.pdf")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This file is not a PDF" in html and "Hoja informativa" in html
    response = admin.post(f"{url}/documents", data={
        "csrf_token": token, "doc-title_en": "Fact sheet", "doc-title_es": "Hoja informativa",
        "doc-file": (__import__("io").BytesIO(PDF), "../../Fact sheet.pdf")})
    assert response.status_code == 303
    assert list((tmp_path / "uploads" / "periods").iterdir())  # stored in its own folder
    admin.post(f"{url}/documents", data={
        "csrf_token": token, "doc-title_en": "Official notice", "doc-title_es": "Aviso oficial",
        "doc-url": "https://www.commerce.gov/hled"})
    page = app.test_client().get("/es/periods/energia-2027").get_data(as_text=True)
    assert "Aviso oficial" in page and 'href="https://www.commerce.gov/hled"' in page
    link = re.search(r'href="(/es/periods/energia-2027/documents/\d+)"', page)
    assert link
    download = app.test_client().get(link.group(1))
    body = download.data
    download.close()  # the file was read; release it
    assert download.status_code == 200 and body == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Fact-sheet.pdf" in download.headers["Content-Disposition"] or \
        "Fact sheet.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    # A small limit: the test client spools bodies over 500 KB to a file it never closes.
    app.config["DOCUMENT_MAX_BYTES"] = 4096
    big = PDF + b"0" * 4096
    response = admin.post(f"{url}/documents", data={
        "csrf_token": token, "doc-title_en": "Big", "doc-title_es": "Grande",
        "doc-file": (__import__("io").BytesIO(big), "big.pdf")})
    assert response.status_code in (413, 422)
    assert "larger than" in response.get_data(as_text=True)


def test_a_coordinator_runs_periods_but_not_the_rest_of_administration(app: Flask) -> None:
    with app.app_context(), write_session() as session:
        seed(session)
    client = app.test_client()
    response = sign_in(client, make_user(app, "coordinator"))
    assert response.headers["Location"].endswith("/en/admin/periods")
    assert create(client).status_code == 303
    assert client.get("/en/admin/").status_code == 403
    assert client.get("/en/moderation/").status_code == 403


def test_the_cli_creates_edits_extends_closes_reopens_and_lists(
    app: Flask, runner, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    with app.app_context(), write_session() as session:
        seed(session)
    now = datetime.now(MX)
    opens = (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    closes = (now + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    description = tmp_path / "en.md"
    description.write_text("The **call** for comment.", encoding="utf-8")
    result = runner.invoke(args=[
        "periods", "create", "--pillar", "2", "--slug", "border-2027",
        "--title-en", "Border economy", "--title-es", "Economía fronteriza",
        "--summary-en", "The border.", "--summary-es", "La frontera.",
        "--description-en-file", str(description), "--description-es", "La **convocatoria**.",
        "--opens", opens, "--closes", closes, "--timezone", "America/Mexico_City",
        "--question-en", "What helps?", "--question-es", "¿Qué ayuda?"])
    assert result.exit_code == 0, result.output
    assert re.search(r"created HLED-\d{4}-\d{4} border-2027 \(open, 1 questions\)", result.output)
    result = runner.invoke(args=["periods", "create", "--pillar", "7", "--slug", "x",
                                 "--title-en", "", "--title-es", "T", "--summary-en", "s",
                                 "--summary-es", "s", "--description-en", "d",
                                 "--description-es", "d", "--opens", closes, "--closes", opens])
    assert result.exit_code != 0
    assert "--pillar: Choose one of the pillars." in result.output
    assert "--title-en: Enter the title in English." in result.output
    assert "--closes: The period must close after it opens." in result.output
    later = (now + timedelta(days=45)).strftime("%Y-%m-%d %H:%M")
    assert runner.invoke(args=["periods", "edit", "border-2027", "--title-en",
                               "Border economy 2027"]).exit_code == 0
    assert runner.invoke(args=["periods", "extend", "border-2027", "--until", later]
                         ).exit_code == 0
    result = runner.invoke(args=["periods", "close", "border-2027", "--reason-en", "Done.",
                                 "--reason-es", "Listo."])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["periods", "reopen", "border-2027", "--until", later]
                         ).exit_code == 0
    listing = runner.invoke(args=["periods", "list"]).output
    assert "border-2027\topen" in listing and "America/Mexico_City" in listing
    with app.app_context():
        session = new_session()
        period = consultations.period_by_slug(session, "border-2027")
        assert period is not None and period.title_en == "Border economy 2027"
        assert [c.kind.value for c in session.scalars(select(PeriodChange))] == [
            "extended", "closed_early", "reopened"]
        assert "<strong>call</strong>" in period.description_html_en
        session.close()


def test_services_emit_one_event_per_change_for_notifications(app: Flask) -> None:
    with app.app_context(), write_session() as session:
        seed(session)
        period = consultations.period_by_slug(session, "competitiveness-connectivity")
        assert period is not None
        old = period.closes_at
        deadlines.extend(session, audit.CLI, period, old + timedelta(days=7))
        deadlines.close_early(session, audit.CLI, period, "Done.", "Listo.")
        kinds = [(e.kind, e.period_id) for e in events.emitted(session)]
        assert kinds == [("period.extended", period.id), ("period.closed_early", period.id)]
        assert events.emitted(session)[0].data["old_closes_at"] == old
        soon = events.periods_closing(session, utcnow(), utcnow() + timedelta(days=200))
        assert period not in soon
