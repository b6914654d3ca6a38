"""A real user's path through the public pages, in Chromium, against the running app."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import (
    PERIOD,
    PILLAR,
    TRACKING_PATTERN,
    Contexts,
    expected_status,
    public_paths,
    sent_comment,
)

pytestmark = pytest.mark.browser

SPANISH_BODY = (
    "Los cruces de camiones en Nuevo Laredo tardan horas. "
    "Proponemos la preinspección conjunta de carga."
)


def tab_to(page: Any, target: Any) -> None:
    """Press Tab once: the next field in the page's order is `target`, and it shows focus."""
    page.keyboard.press("Tab")
    expect(target).to_be_focused()
    outline = target.evaluate(
        "el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline


def test_spanish_journey_from_home_to_a_receipt_that_stays_reachable(
    app: Flask, seeded: None, contexts: Contexts
) -> None:
    context, _ = contexts.new(locale="es-MX")
    page = context.new_page()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/es/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")

    pillar_name = "Promover la competitividad y la conectividad"
    page.get_by_role("link", name=pillar_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pillar_name)
    page.get_by_role("heading", level=2, name="Periodos de comentarios").wait_for()
    page.get_by_role("link", name=f"Convocatoria a comentarios: {pillar_name}").click()
    expect(page).to_have_url(re.compile(rf"/es/periods/{PERIOD}$"))
    expect(page.get_by_text("Abierto a comentarios")).to_be_visible()

    page.get_by_role("link", name="Comentar en este periodo").click()
    expect(page).to_have_url(re.compile(rf"/es/periods/{PERIOD}/comment$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Envíe su comentario")

    # The whole form by keyboard, in the order a keyboard user meets the fields.
    label = page.get_by_label
    submitter = label("Comento en calidad de")
    submitter.focus()
    page.keyboard.type("Emp")  # the browser's own type-ahead in a closed <select>
    expect(submitter).to_have_value("business")
    tab_to(page, label("Organización", exact=True))
    page.keyboard.type("Transportes del Norte")
    tab_to(page, label("Su nombre"))
    page.keyboard.type("Ana Martínez")
    tab_to(page, label("Correo electrónico"))
    page.keyboard.type("ana@example.org")
    country = label("País")
    tab_to(page, country)
    page.keyboard.type("M")
    expect(country).to_have_value("MX")
    tab_to(page, label("Estado o provincia"))
    page.keyboard.type("Nuevo León")
    tab_to(page, label("Asunto"))
    page.keyboard.type("Cruces fronterizos")
    # The period asks three questions, each with its own box, before the general comment.
    answers = page.get_by_role("group", name="Preguntas").get_by_role("textbox")
    expect(answers).to_have_count(3)
    for index in range(3):
        tab_to(page, answers.nth(index))
    body = page.get_by_role("textbox", name="Comentario general")
    tab_to(page, body)
    page.keyboard.type(SPANISH_BODY)
    tab_to(page, label("Idioma de su comentario"))
    tab_to(page, label("Archivos", exact=True))  # optional: none chosen
    consent = label("Publicar mi nombre y mi organización con mi comentario")
    tab_to(page, consent)
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    # The confidential part is optional too, and left alone.
    for name in ("Mi presentación contiene información comercial confidencial",
                 "Texto confidencial", "Archivos confidenciales"):
        tab_to(page, label(name))
    tab_to(page, page.get_by_role("checkbox", name=re.compile("^Certifico")))
    tab_to(page, page.get_by_role("button", name="Enviar comentario"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/es/receipts/{TRACKING_PATTERN}\?new=1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias: recibimos su comentario")
    tracking = page.locator(".tracking").inner_text()
    assert re.fullmatch(TRACKING_PATTERN, tracking)
    expect(page.locator(".comment-text")).to_contain_text("preinspección conjunta")
    receipt_url = page.url

    # Later, another browser: the receipt is there, the private copy is not.
    later, _ = contexts.new(locale="es-MX")
    other = later.new_page()
    response = other.goto(receipt_url)
    assert response is not None and response.status == 200
    expect(other.locator("html")).to_have_attribute("lang", "es")
    expect(other.locator(".tracking")).to_have_text(tracking)
    expect(other.locator("dl.receipt").first).to_contain_text("En espera de revisión")
    expect(other.get_by_text("preinspección conjunta")).to_have_count(0)
    expect(other.get_by_role("heading", level=1)).to_have_text("Acuse de recibo del comentario")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_language_switch_leads_to_the_twin_page(
    app: Flask, seeded: None, contexts: Contexts, lang: str
) -> None:
    other_lang = "es" if lang == "en" else "en"
    tracking = sent_comment(app, lang)
    context, _ = contexts.new()
    page = context.new_page()
    switch_name = {"en": "Language", "es": "Idioma"}
    switch_text = {"en": "English", "es": "Español"}
    for name, path in public_paths(lang, tracking).items():
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        switch = page.get_by_role("navigation", name=switch_name[lang]).get_by_role("link")
        expect(switch, name).to_have_text(switch_text[other_lang])
        expect(switch, name).to_have_attribute("lang", other_lang)
        switch.click()
        twin = path.replace(f"/{lang}/", f"/{other_lang}/", 1)
        expect(page, name).to_have_url(re.compile(re.escape(twin) + "$"))
        expect(page.locator("html"), name).to_have_attribute("lang", other_lang)


def test_errors_are_summarised_focused_and_linked_to_their_fields(
    app: Flask, seeded: None, contexts: Contexts
) -> None:
    context, _ = contexts.new(locale="es-MX")
    page = context.new_page()
    page.goto(f"/es/periods/{PERIOD}/comment")
    page.get_by_label("Estado o provincia").fill("Nuevo León")
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Enviar comentario").click()
    assert sent.value is not None and sent.value.status == 422
    expect(page).to_have_title(re.compile(r"^Error: "))

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("Hay un problema")
    links = summary.get_by_role("link")
    expected = ["submitter_type", "organization", "name", "email", "country", "subject", "body"]
    assert [href.lstrip("#") for href in links.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )] == expected
    for index, field_id in enumerate(expected):
        links.nth(index).click()
        field = page.locator(f"#{field_id}")
        expect(field).to_be_focused()
        expect(field).to_have_attribute("aria-invalid", "true")
        # The message beside the field is what the field points to.
        described = field.get_attribute("aria-describedby") or ""
        assert f"{field_id}-error" in described.split()
        expect(page.locator(f"#{field_id}-error")).to_be_visible()
        summary.focus()

    # What the user typed is still there; correcting part of it keeps the rest too.
    expect(page.get_by_label("Estado o provincia")).to_have_value("Nuevo León")
    page.get_by_role("textbox", name="Comentario general").fill(SPANISH_BODY)
    with page.expect_navigation():
        page.get_by_role("button", name="Enviar comentario").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary a[href='#body']")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Comentario general")).to_have_value(SPANISH_BODY)
    expect(page.get_by_label("Estado o provincia")).to_have_value("Nuevo León")


@pytest.mark.parametrize(
    ("lang", "start", "after"),
    [
        ("en", "0 of 20,000 characters used", "4 of 20,000 characters used"),
        ("es", "0 de 20.000 caracteres usados", "4 de 20.000 caracteres usados"),
    ],
)
def test_character_counter_appears_and_follows_the_text(
    seeded: None, contexts: Contexts, lang: str, start: str, after: str
) -> None:
    context, _ = contexts.new()
    page = context.new_page()
    page.goto(f"/{lang}/periods/{PERIOD}/comment")
    body = page.locator("#body")
    counter = page.locator("#body-counter")
    expect(counter).to_be_visible()
    expect(counter).to_have_text(start)
    expect(counter).to_have_attribute("aria-live", "polite")
    body.press_sequentially("Hola")
    expect(counter).to_have_text(after)
    expect(counter).not_to_have_class(re.compile("counter--near"))
    body.fill("x" * 19_990)
    expect(counter).to_have_class(re.compile("counter--near"))
    # Nothing is cut past the limit: the counter says by how much it is over.
    body.press_sequentially("y" * 15)
    assert len(body.input_value()) == 20_005
    expect(counter).to_have_class(re.compile("counter--over"))
    expect(counter).to_have_text(re.compile(r"^20[,.]005 .* 5 .*20[,.]000"))
    # A long paste is kept whole and counted at once.
    body.fill("")
    body.focus()
    page.keyboard.insert_text("z" * 25_000)
    assert len(body.input_value()) == 25_000
    expect(counter).to_have_text(re.compile(r"^25[,.]000 .*5[,.]?000 .*20[,.]000"))


def test_no_console_errors_or_csp_violations_on_any_page(
    app: Flask, seeded: None, contexts: Contexts
) -> None:
    context, watch = contexts.new()
    page = context.new_page()
    page.goto("/en/")
    # The watch does see a violation of the policy (an inline script is refused).
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    page.wait_for_function("true")
    assert page.evaluate("window.ran") is None
    assert any("Content Security Policy" in p for p in watch.problems), watch.problems
    watch.problems.clear()

    for lang in ("en", "es"):
        tracking = sent_comment(app, lang)
        for name, path in public_paths(lang, tracking).items():
            response = page.goto(path)
            assert response is not None and response.status == expected_status(name), name
            # The stylesheet applied (nothing refused it): the header is dark blue.
            assert page.locator(".site-header").evaluate(
                "el => getComputedStyle(el).backgroundColor"
            ) == "rgb(8, 61, 110)", name
        page.goto(f"/{lang}/periods/{PERIOD}/comment")
        expect(page.locator("#body-counter")).to_be_visible()  # portal.js ran
        with page.expect_navigation():
            page.locator("button[type=submit]").click()
        expect(page.locator("#error-summary")).to_be_focused()
    assert watch.problems == []


PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_phone_pages_do_not_scroll_sideways(
    seeded: None, contexts: Contexts, lang: str
) -> None:
    context, _ = contexts.new(**PHONE)
    page = context.new_page()
    seen = {}

    def check(name: str) -> None:
        seen[name] = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )

    def visit(name: str, path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, name
        check(name)

    visit("home", f"/{lang}/")
    visit("pillar", f"/{lang}/pillars/{PILLAR}")
    visit("period", f"/{lang}/periods/{PERIOD}")
    visit("comment form", f"/{lang}/periods/{PERIOD}/comment")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    check("comment form with errors")
    page.locator("#submitter_type").select_option("business")
    page.locator("#organization").fill("Asociación Nacional de Transportistas Internacionales")
    page.locator("#name").fill("Ana Martínez")
    page.locator("#email").fill("ana.martinez.de.la.fuente@transportes-del-norte.example.org")
    page.locator("#country").select_option("MX")
    page.locator("#subject").fill("Cruces fronterizos")
    page.locator("#body").fill("Una-palabra-muy-larga-sin-espacios-" * 20 + " https://example.org/"
                               + "ruta/" * 40)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    expect(page.locator(".tracking")).to_have_text(re.compile(TRACKING_PATTERN))
    check("receipt")
    visit("check a receipt", f"/{lang}/receipts")
    wide = {name: size for name, size in seen.items() if size[0] > size[1]}
    assert not wide, f"pages wider than the phone ([scrollWidth, clientWidth]): {wide}"
    assert all(size[1] == 360 for size in seen.values()), seen
