"""A consultation from start to finish in Chromium: an admin schedules a period with two
questions in both languages; it opens on schedule; a Spanish submitter answers one question and
writes a general comment; a moderator publishes it; the planner's summary and every export show
the answer under its question; the admin extends, then closes the period; the outcome page is
drafted, published and shown in both languages."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import TRACKING_PATTERN, Contexts, sign_in_browser
from tests.conftest import make_user
from tests.export_support import run_queued_exports

pytestmark = pytest.mark.browser

MX = ZoneInfo("America/Mexico_City")
SLUG = "integracion-energetica"
ANSWER = "La interconexión de las redes eléctricas de Texas y Nuevo León es lo más urgente."
GENERAL = "Además, pedimos trámites aduanales digitales para los equipos de energía."


def local(moment: datetime) -> str:
    return moment.astimezone(MX).strftime("%Y-%m-%dT%H:%M:%S")


def test_a_period_from_scheduling_to_what_we_heard(
    app: Flask, seeded: None, contexts: Contexts
) -> None:
    admin_email, moderator_email, planner_email = (
        make_user(app, "admin"), make_user(app, "moderator"), make_user(app, "planner"))
    admin_context, _ = contexts.new()
    admin = admin_context.new_page()
    sign_in_browser(admin, admin_email)

    # The admin schedules a period that opens a few seconds from now, typed in Mexico City time
    # (the dates last, so that a slow machine filling the form still sees it before it opens).
    admin.goto("/en/admin/periods")
    admin.get_by_role("link", name="New comment period").click()
    field = admin.get_by_label
    field("Pillar").select_option(label="1. Promoting Competitiveness and Connectivity")
    field("Address").fill(SLUG)
    field("Title in English").fill("Energy integration")
    field("Title in Spanish").fill("Integración energética")
    field("Summary in English").fill("How should the two grids connect?")
    field("Summary in Spanish").fill("¿Cómo deben conectarse las dos redes?")
    field("Full description in English").fill("## Background\n\nThe **HLED** asks about energy.")
    field("Full description in Spanish").fill("## Antecedentes\n\nEl **DEAN** pregunta.")
    field("Time zone of the announcement").select_option("America/Mexico_City")
    field("Questions in English").fill("What should connect first?\nWho should pay for it?")
    field("Questions in Spanish").fill("¿Qué debe conectarse primero?\n¿Quién debe pagarlo?")
    opens = datetime.now(MX).replace(microsecond=0) + timedelta(seconds=12)
    field("Opens").fill(local(opens))
    field("Closes", exact=True).fill(local(opens + timedelta(days=30)))
    admin.get_by_role("button", name="Create the comment period").click()
    expect(admin.get_by_role("status")).to_contain_text(re.compile(r"HLED-\d{4}-\d{4} created"))
    manage_url = admin.url

    # Before it opens, the Spanish page says when, in Mexico City time with Washington's beside.
    visitor_context, _ = contexts.new(locale="es-MX")
    visitor = visitor_context.new_page()
    visitor.goto(f"/es/periods/{SLUG}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Integración energética")
    expect(visitor.locator(".badge")).to_have_text("Próximo")
    dates = visitor.locator("dl.dates")
    expect(dates).to_contain_text("hora de la Ciudad de México")
    expect(dates.locator(".other-zone").first).to_contain_text("hora de Washington")
    expect(visitor.locator(".countdown")).to_contain_text("Abre dentro de")

    # It opens on schedule.
    time.sleep(max(0.0, (opens - datetime.now(MX)).total_seconds()) + 0.5)
    visitor.reload()
    expect(visitor.locator(".badge")).to_have_text("Abierto a comentarios")
    expect(visitor.locator(".countdown")).to_contain_text("Cierra dentro de")

    # A Spanish submitter answers the first question and writes a general comment.
    visitor.get_by_role("link", name="Comentar en este periodo").click()
    label = visitor.get_by_label
    label("Comento en calidad de").select_option("business")
    label("Organización", exact=True).fill("Energía del Norte")
    label("Su nombre").fill("Ana Martínez")
    label("Correo electrónico").fill("ana@example.org")
    label("País").select_option("MX")
    label("Asunto").fill("Redes eléctricas")
    questions = visitor.get_by_role("group", name="Preguntas")
    questions.get_by_label("1. ¿Qué debe conectarse primero?").fill(ANSWER)
    label("Comentario general").fill(GENERAL)
    label("Publicar mi nombre y mi organización con mi comentario").check()
    visitor.get_by_role("button", name="Enviar comentario").click()
    expect(visitor).to_have_url(re.compile(rf"/es/receipts/{TRACKING_PATTERN}\?new=1$"))
    tracking = visitor.locator(".tracking").inner_text()
    expect(visitor.locator("dl.answers")).to_contain_text("¿Qué debe conectarse primero?")
    expect(visitor.locator("dl.answers")).to_contain_text(ANSWER)
    expect(visitor.locator("dl.answers")).not_to_contain_text("¿Quién debe pagarlo?")
    expect(visitor.locator("dl.receipt").first).to_contain_text("hora de la Ciudad de México")

    # A moderator publishes it.
    moderator_context, _ = contexts.new()
    moderator = moderator_context.new_page()
    sign_in_browser(moderator, moderator_email)
    moderator.get_by_role("link", name="Redes eléctricas").click()
    expect(moderator.get_by_role("heading", level=2, name=re.compile("Question 1"))).to_be_visible()
    moderator.get_by_role("button", name="Publish", exact=True).click()
    expect(moderator.get_by_role("status")).to_contain_text(f"Comment {tracking} published.")

    # The planner's summary and every export show the answer under its question.
    planner_context, _ = contexts.new()
    planner = planner_context.new_page()
    sign_in_browser(planner, planner_email)
    planner.goto(f"/en/planning/periods/{SLUG}")
    question = planner.locator("article", has=planner.get_by_role(
        "heading", name="Question 1: What should connect first?"))
    expect(question).to_contain_text("1 published comments answered it")
    expect(question.locator("blockquote")).to_contain_text("interconexión de las redes")

    def exported(fmt: str, language: str) -> Any:
        """Asked for on the summary page, written by the worker, downloaded from its page."""
        planner.goto(f"/en/planning/periods/{SLUG}")
        planner.locator("#format").select_option(fmt)
        planner.locator("#language").select_option(language)
        planner.get_by_role("button", name="Start the export").click()
        expect(planner.get_by_role("status")).to_contain_text("Waiting for the worker")
        run_queued_exports(app)
        planner.reload()
        link = planner.locator("a[href$='/download']")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href is not None
        return planner.request.get(href)

    rows = list(csv.DictReader(io.StringIO(exported("csv", "en").text()[1:])))
    assert rows[0]["Q1: What should connect first?"] == ANSWER
    assert rows[0]["Q2: Who should pay for it?"] == ""
    assert rows[0]["Comment text"] == GENERAL
    data = json.loads(exported("json", "es").text())
    assert [(a["position"], a["question"], a["text"]) for a in data["rows"][0]["answers"]] == [
        (1, "¿Qué debe conectarse primero?", ANSWER)]
    book = openpyxl.load_workbook(io.BytesIO(exported("xlsx", "es").body()), read_only=True)
    sheet = list(book["Comentarios"].iter_rows(values_only=True))
    assert sheet[1][list(sheet[0]).index("P1: ¿Qué debe conectarse primero?")] == ANSWER
    report = exported("html", "en").text()
    assert "Question 1: What should connect first?" in report and "interconexión" in report

    # The admin extends the deadline, then closes the period early.
    admin.goto(manage_url)
    admin.get_by_label("New closing date and time").fill(local(opens + timedelta(days=45)))
    admin.get_by_role("button", name="Extend the deadline").click()
    expect(admin.get_by_role("status")).to_contain_text("The deadline was extended.")
    visitor.goto(f"/es/periods/{SLUG}")
    expect(visitor.locator(".deadline-changes")).to_contain_text("Plazo ampliado del")
    admin.get_by_label("Reason in English").fill("The governments reached an agreement.")
    admin.get_by_label("Reason in Spanish").fill("Los gobiernos llegaron a un acuerdo.")
    admin.get_by_role("button", name="Close now").click()
    expect(admin.get_by_role("status")).to_contain_text("The period is closed.")
    visitor.reload()
    expect(visitor.locator(".badge")).to_have_text("Cerrado")
    expect(visitor.locator(".deadline-changes")).to_contain_text(
        "Los gobiernos llegaron a un acuerdo.")

    # The planner drafts the outcome from the summary, then publishes it in both languages.
    planner.goto(f"/en/planning/periods/{SLUG}")
    planner.get_by_role("link", name="Outcome page (what we heard)").click()
    expect(planner.get_by_label("What we heard, in Spanish")).to_have_value(
        re.compile(rf"Pregunta 1: ¿Qué debe conectarse primero\?[\s\S]*{tracking}"))
    planner.get_by_label("The governments' response, in English").fill(
        "Both governments will study a **joint grid** plan.")
    planner.get_by_role("button", name="Save draft").click()
    expect(planner.get_by_role("status")).to_contain_text("Draft saved.")
    assert visitor.request.get(f"/es/periods/{SLUG}/outcome").status == 404  # staff only
    planner.get_by_label("The governments' response, in Spanish").fill(
        "Ambos gobiernos estudiarán un plan de **red conjunta**.")
    planner.get_by_role("button", name="Save and publish").click()
    expect(planner.get_by_role("status")).to_contain_text("The outcome page is published.")

    for lang, heading, response in (
        ("es", "Lo que escuchamos", "Ambos gobiernos estudiarán un plan de red conjunta."),
        ("en", "What we heard", "Both governments will study a joint grid plan."),
    ):
        visitor.goto(f"/{lang}/periods/{SLUG}")
        visitor.locator("main").get_by_role("link", name=re.compile(
            "Lea lo que escuchamos|Read what we heard")).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(heading)
        expect(visitor.locator("main")).to_contain_text(response)
        expect(visitor.locator("main").get_by_role("link", name=tracking).first).to_be_visible()
        visitor.goto(f"/{lang}/")
        expect(visitor.locator("ul.outcomes")).to_contain_text(
            "Integración energética" if lang == "es" else "Energy integration")
