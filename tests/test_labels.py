"""Every code a person can see has a label in both languages, and no raw code reaches a Spanish
page or a Spanish export: pages, receipts, staff pages, CSV, JSON and XLSX are scanned."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from portal.db import write_session
from portal.models import Campaign, CampaignCheck, CommentPeriod, Submission
from portal.models.labels import LabeledEnum, labeled_enums
from portal.seed import seed_themes
from portal.services import audit, campaign_decisions, moderation, themes
from tests.conftest import add_submission, check_campaigns, make_period, make_user, sign_in
from tests.export_support import export_file

PO = Path(__file__).resolve().parent.parent / "translations" / "es" / "LC_MESSAGES" / "messages.po"
ENUMS = labeled_enums()


def _spanish_catalog() -> dict[str, str]:
    with PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="es") if isinstance(m.id, str)}


def test_every_member_of_every_enum_has_a_spanish_label() -> None:
    catalog = _spanish_catalog()
    assert {"Status", "RejectReason", "SubmitterType", "Country", "Language", "LanguageSource",
            "Flag", "AuditAction", "Role", "PeriodState"} <= set(ENUMS)
    for enum in ENUMS.values():
        for member in enum:
            label = str(member.lazy_label._args[0])  # the msgid
            assert catalog.get(label), f"{enum.__name__}.{member.name}: {label!r} untranslated"


def test_label_of_an_unknown_code_is_never_the_code(app: Flask) -> None:
    with app.test_request_context("/es/"), force_locale("es"):
        from portal.models import Status

        assert Status.label_of("published") == "Publicado"
        assert Status.label_of("gibberish") == "Desconocido"
        assert Status.parse("gibberish") is None


def _codes_that_are_not_words() -> set[str]:
    """Codes that cannot be an ordinary word of a Spanish page ("es" and "en" can)."""
    words = {w for text in _spanish_catalog().values() for w in re.findall(r"[\w.:]+", text)}
    return {m.value for enum in ENUMS.values() for m in enum} - words


# Not page text: scripts, styles, digests, and what a form field holds (data being edited).
SKIPPED = ("script", "style", "code", "textarea")


class _Text(HTMLParser):
    """The text a reader sees: text nodes outside script, style and form fields."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.nodes.append(data.strip())


def raw_codes_in(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    codes = {m.value for enum in ENUMS.values() for m in enum}
    not_words = _codes_that_are_not_words()
    found = []
    for node in parser.nodes:
        # A code on its own ("<td>es</td>"), or in parentheses ("es (declared)")...
        if node in codes or any(f"({code})" in node for code in codes):
            found.append(node)
        # ...or a code no Spanish sentence contains, anywhere.
        elif any(re.search(rf"(?<![\w.:@/-]){re.escape(c)}(?![\w:@/-])", node) for c in not_words):
            found.append(node)
    return found


@pytest.fixture()
def everything(app: Flask) -> dict[str, object]:
    """A period with a comment in every state, themes, flags, and one account per role."""
    period = make_period(app)
    with app.app_context(), write_session() as session:
        seed_themes(session)
    published, published_number = add_submission(
        app, period, body="La energía renovable y los cruces fronterizos importan.",
        declared_language="es")
    rejected, rejected_number = add_submission(app, period, body="Texto fuera de tema.")
    pending, pending_number = add_submission(
        app, period, body="See https://a.example https://b.example https://c.example "
        "https://d.example https://e.example", honeypot="bot", declared_language="en")
    add_submission(app, period, body="Texto fuera de tema.")  # repeated text: flagged
    # A campaign of two copies, decided (rejected, for later copies), and a third that adds text.
    letter = ("Les escribo para pedir que el Diálogo Económico de Alto Nivel ponga en el centro "
              "a las pequeñas empresas de la frontera: hoy un camión de carga espera entre cuatro "
              "y seis horas para cruzar, y cada hora encarece nuestros productos.")
    copies = [add_submission(app, period, body=f"{letter}\n{name}", too_fast=True,
                             email=f"{name}@example.org")[0] for name in ("Ana", "Luis")]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        check = session.get(CampaignCheck, copies[0])
        assert check is not None and check.campaign_id is not None
        campaign_id = check.campaign_id
        found = session.get(Campaign, campaign_id)
        campaign_decisions.decide(session, found, "reject", audit.CLI, reason="duplicate")
    member = add_submission(app, period, email="eva@example.org", body=(
        f"{letter} Además, en mi colonia los camiones estacionados bloquean la entrada de la "
        "escuela todas las mañanas y nadie hace nada.\nEva"))[0]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        item = session.get(Submission, published)
        themes.confirm_suggestions_if_unreviewed(session, item, audit.CLI)
        moderation.publish(session, item, audit.CLI)
        moderation.reject(session, session.get(Submission, rejected), audit.CLI, "off_topic",
                          "Gracias.")
    return {"period": period, "published": published, "published_number": published_number,
            "rejected_number": rejected_number, "pending": pending,
            "pending_number": pending_number, "campaign": campaign_id, "member": member}


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, make_user(app, role)).status_code == 302
    return client


def test_spanish_pages_show_labels_not_codes(app: Flask, everything: dict[str, object]) -> None:
    period: CommentPeriod = everything["period"]  # type: ignore[assignment]
    public = app.test_client()
    pages = [
        "/es/", f"/es/periods/{period.slug}", f"/es/periods/{period.slug}/comments",
        f"/es/comments/{everything['published_number']}",
        f"/es/receipts/{everything['published_number']}",
        f"/es/receipts/{everything['rejected_number']}",
        f"/es/receipts/{everything['pending_number']}",
        "/es/open-data",
    ]
    for url in pages:
        response = public.get(url)
        assert response.status_code == 200, url
        assert raw_codes_in(response.get_data(as_text=True)) == [], url
    admin = _client(app, "admin")
    staff_pages = [
        "/es/moderation/", "/es/moderation/?status=published", "/es/moderation/?status=rejected",
        "/es/moderation/?flag=any", f"/es/moderation/submissions/{everything['pending']}",
        f"/es/moderation/submissions/{everything['published']}",
        "/es/planning/", f"/es/planning/periods/{period.slug}", "/es/planning/themes",
        f"/es/planning/periods/{period.slug}/outcome", "/es/admin/", "/es/admin/periods",
        "/es/admin/periods/new", f"/es/admin/periods/{period.id}",
        f"/es/admin/periods/{period.id}/edit",
        f"/es/planning/periods/{period.slug}?count=once", "/es/moderation/?campaign=any",
        "/es/moderation/campaigns/", f"/es/moderation/campaigns/{everything['campaign']}",
        f"/es/moderation/submissions/{everything['member']}",
    ]
    for url in staff_pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert raw_codes_in(response.get_data(as_text=True)) == [], url


def test_the_scanner_finds_codes() -> None:
    """The scan above would catch what it looks for."""
    assert raw_codes_in("<p>Motivo: off_topic</p>") == ["Motivo: off_topic"]
    assert raw_codes_in("<td>es</td>") == ["es"]
    assert raw_codes_in("<dd>es (declared)</dd>") == ["es (declared)"]
    assert raw_codes_in("<p>Esto es un comentario en español</p>") == []


def test_rejection_reason_on_a_spanish_receipt(app: Flask, everything: dict[str, object]) -> None:
    html = app.test_client().get(f"/es/receipts/{everything['rejected_number']}").get_data(
        as_text=True)
    assert "Fuera de tema" in html and "Off-topic" not in html


LABEL_HEADINGS = ("Estado", "Tipo de remitente", "País", "Escrito en", "Temas")


def test_spanish_exports_label_every_code_and_keep_codes_beside(
    app: Flask, everything: dict[str, object]
) -> None:
    period: CommentPeriod = everything["period"]  # type: ignore[assignment]
    planner = _client(app, "planner")
    url = f"/es/planning/periods/{period.slug}/export"
    codes = {m.value for enum in ENUMS.values() for m in enum}

    text = export_file(planner, url, {"format": "csv", "language": "es",
                                      "statuses": "all"}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 7  # four comments of people's own, three copies of one letter
    assert len({r["Campaña"] for r in rows if r["Campaña"]}) == 1
    for heading in LABEL_HEADINGS:
        assert heading in rows[0], heading
        assert not {r[heading] for r in rows} & codes, heading
    assert {r["Código de estado"] for r in rows} == {"published", "rejected", "pending"}
    assert {r["Estado"] for r in rows} == {"Publicado", "No publicado", "En espera de revisión"}
    assert {r["Código de idioma"] for r in rows} >= {"es", "en"}

    data = json.loads(export_file(planner, url, {
        "format": "json", "language": "es", "statuses": "all"}).get_data(as_text=True))
    assert data["summary"]["labels"]["status"]["pending"] == "En espera de revisión"
    row = next(r for r in data["rows"] if r["status"] == "rejected")
    assert row["status_label"] == "No publicado" and row["country_label"] == "México"

    book = openpyxl.load_workbook(io.BytesIO(export_file(planner, url, {
        "format": "xlsx", "language": "es", "statuses": "all"}).data), read_only=True)
    summary_labels = [r[0] for r in book["Resumen"].iter_rows(values_only=True) if r[0]]
    assert "Estado: En espera de revisión" in summary_labels
    assert not any(raw_codes_in(f"<p>{label}</p>") for label in summary_labels)
    sheet = list(book["Comentarios"].iter_rows(values_only=True))
    header = list(sheet[0])
    for heading in LABEL_HEADINGS:
        column = header.index(heading)
        assert not {r[column] for r in sheet[1:]} & codes, heading


def test_every_labeled_enum_is_a_template_global(app: Flask) -> None:
    for name, enum in ENUMS.items():
        assert app.jinja_env.globals[name] is enum
        assert issubclass(enum, LabeledEnum)


def test_enums_that_share_a_code_keep_their_own_labels(app: Flask) -> None:
    """Labels are looked up once per language; two enums with the same code ("pending") are
    equal strings, and each must still show its own label in each language."""
    from portal.models import LanguageSource, Status

    assert Status.PENDING == LanguageSource.PENDING  # the same code
    for lang, status, source in (("en", "Awaiting review", "Not yet detected"),
                                 ("es", "En espera de revisión", "Aún no detectado")):
        with app.test_request_context(f"/{lang}/"), force_locale(lang):
            for _ in range(2):  # looked up, then remembered
                assert (Status.PENDING.label, LanguageSource.PENDING.label) == (status, source)
                assert Status.label_of("pending") == status
                assert LanguageSource.label_of("pending") == source
