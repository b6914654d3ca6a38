"""A moderator's decisions in Chromium, seen afterwards by the public; staff pages on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import PERIOD, Consultation, Contexts, sign_in_browser
from tests.browser.test_journeys import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NOTE = "Please send this to the period on border infrastructure."


def test_moderator_publishes_and_rejects_and_the_public_sees_both(
    app: Flask, consultation: Consultation, contexts: Contexts
) -> None:
    context, _ = contexts.new()
    page = context.new_page()

    # Sign in through the form: the fields are found by their labels.
    page.goto("/en/staff/login")
    page.get_by_label("Email address").fill(consultation.moderator)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    expect(page.get_by_role("link", name="Awaiting review (6)")).to_have_attribute(
        "aria-current", "page"
    )

    # The oldest comment comes first.
    queue = page.get_by_role("table", name="Comments, oldest first")
    first = queue.get_by_role("row").nth(1)
    expect(first).to_contain_text(consultation.pending_energy[1])
    first.get_by_role("link", name="Energía limpia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Energía limpia")

    themes = page.get_by_role("group", name="Themes")
    energy = themes.get_by_role("checkbox", name="Energy", exact=True)
    investment = themes.get_by_role("checkbox", name="Two-way investment")
    expect(energy).to_be_checked()  # suggested from "energía", "transmisión eléctrica"
    expect(investment).to_be_checked()  # suggested from "inversión"
    investment.uncheck()
    energy.uncheck()
    energy.check()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Comment {consultation.pending_energy[1]} published."
    )
    expect(page.get_by_role("link", name="Awaiting review (5)")).to_be_visible()

    # The next one is rejected with a reason and a note for its writer.
    queue.get_by_role("link", name="Border wait times").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Border wait times")
    page.get_by_label("Reason").select_option(label="Off-topic")
    page.get_by_label("Note to the submitter").fill(NOTE)
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Comment {consultation.pending_trucks[1]} rejected."
    )

    # The published comment keeps the themes the moderator chose.
    page.goto(f"/en/moderation/submissions/{consultation.pending_energy[0]}")
    expect(page.get_by_role("checkbox", name="Energy", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Two-way investment")).not_to_be_checked()

    # A visitor finds the first in the reading room, typing the word without its accent...
    visitor, _ = contexts.new(locale="es-MX")
    public = visitor.new_page()
    public.goto(f"/es/periods/{PERIOD}/comments")
    public.get_by_label("Buscar en los comentarios").fill("energia")
    public.get_by_role("button", name="Buscar").click()
    expect(public).to_have_url(re.compile(r"[?&]q=energia"))
    results = public.get_by_role("main").get_by_role("list").first
    expect(results.get_by_role("link", name="Energía limpia")).to_be_visible()
    expect(results.get_by_role("link", name="Cruces fronterizos")).to_have_count(0)
    results.get_by_role("link", name="Energía limpia").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Energía limpia")
    expect(public.get_by_text("transmisión eléctrica")).to_be_visible()
    expect(public.get_by_text(consultation.pending_energy[1])).to_be_visible()

    # ...and the second's writer reads the outcome on the receipt.
    public.goto(f"/es/receipts/{consultation.pending_trucks[1]}")
    receipt = public.locator("dl.receipt")
    expect(receipt).to_contain_text("No publicado")
    # The reason is given in the language its writer used to comment (English here).
    expect(receipt.locator('dd[lang="en"]')).to_have_text("Off-topic")
    expect(receipt.locator("dd.note")).to_have_text(NOTE)


def page_size(page: Any) -> list[int]:
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def test_staff_pages_and_reading_room_fit_a_phone(
    consultation: Consultation, contexts: Contexts
) -> None:
    context, _ = contexts.new(**PHONE)
    page = context.new_page()
    sign_in_browser(page, consultation.admin)
    seen = {}
    for lang in ("en", "es"):
        paths = {
            "queue": f"/{lang}/moderation/",
            "review": f"/{lang}/moderation/submissions/{consultation.pending_energy[0]}",
            "review, published": f"/{lang}/moderation/submissions/{consultation.published_es[0]}",
            "reading room": f"/{lang}/periods/{PERIOD}/comments",
            "planning summary": f"/{lang}/planning/periods/{PERIOD}",
            "campaigns": f"/{lang}/moderation/campaigns/",
            "campaign": f"/{lang}/moderation/campaigns/{consultation.campaign}",
            "review, campaign member":
                f"/{lang}/moderation/submissions/{consultation.campaign_member}",
        }
        for name, path in paths.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, name
            seen[f"{lang} {name}"] = page_size(page)
    wide = {name: size for name, size in seen.items() if size[0] > size[1]}
    assert not wide, f"pages wider than the phone ([scrollWidth, clientWidth]): {wide}"
    assert all(size[1] == 360 for size in seen.values()), seen
