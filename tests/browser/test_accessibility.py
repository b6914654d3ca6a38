"""axe-core finds no WCAG 2.1 A/AA violation on any public page, in either language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import (
    PERIOD,
    TRACKING_PATTERN,
    Consultation,
    Contexts,
    expected_status,
    public_paths,
    staff_paths,
)
from tests.conftest import PASSWORD
from tests.export_support import run_queued_exports

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html,
                              summary: n.failureSummary})),
  }));
}"""


def axe_violations(page: Any, axe_source: Path) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_source))
    return page.evaluate(RUN_AXE, AXE_TAGS)


def readable(found: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for page_name, violations in found.items():
        for v in violations:
            lines.append(f"{page_name}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"    at {node['target']}: {node['html'][:160]}")
                lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_public_pages_have_no_axe_violations(
    app: Flask, seeded: None, contexts: Contexts, axe_source: Path, lang: str
) -> None:
    # The page's policy (script-src 'self') refuses the injected checker, as it should;
    # this context lets it in. The CSP itself is checked by the journey tests.
    context, _ = contexts.new(bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        found[name] = axe_violations(page, axe_source)

    paths = public_paths(lang, tracking="")  # this test sends its own comment for a receipt
    for name in ("home", "pillar", "period", "check a receipt", "receipt not found",
                 "page not found", "comment form"):
        response = page.goto(paths[name])
        assert response is not None and response.status == expected_status(name), name
        check(name)

    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    check("comment form with errors")

    page.locator("#submitter_type").select_option("business")
    page.locator("#organization").fill("Transportes del Norte")
    page.locator("#name").fill("Ana Martínez")
    page.locator("#email").fill("ana@example.org")
    page.locator("#country").select_option("MX")
    page.locator("#subject").fill("Cruces fronterizos")
    page.locator("#body").fill("Los cruces de camiones en Nuevo Laredo tardan horas.")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/receipts/{TRACKING_PATTERN}"))
    check("receipt (the sender's view)")
    page.goto(page.url.split("?")[0])
    check("receipt")

    found = {name: violations for name, violations in found.items() if violations}
    assert not found, "axe found accessibility violations:\n" + readable(found)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_staff_and_reading_room_pages_have_no_axe_violations(
    app: Flask, consultation: Consultation, contexts: Contexts, axe_source: Path, lang: str
) -> None:
    context, _ = contexts.new(bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        found[name] = axe_violations(page, axe_source)

    def submit(button: Any, status: int) -> None:
        with page.expect_navigation() as sent:
            button.click()
        assert sent.value is not None and sent.value.status == status, page.url

    page.goto(f"/{lang}/staff/login")
    check("sign-in")
    page.locator("#email").fill(consultation.admin)
    page.locator("#password").fill("not the password")
    submit(page.locator("form:not(.inline-form) button[type=submit]"), 401)
    check("sign-in, wrong password")
    page.locator("#password").fill(PASSWORD)
    submit(page.locator("form:not(.inline-form) button[type=submit]"), 200)

    # Each template once (the HTML check covers the other variants of the same pages).
    paths = staff_paths(lang, consultation)
    for name in ("reading room", "reading room search", "reading room, unusable search",
                 "published comment", "receipt, published", "receipt, rejected", "queue",
                 "queue, flagged", "review, pending", "review, published", "review, rejected",
                 "planning", "planning, period", "themes", "periods", "new period", "period",
                 "period, edit", "outcome editor", "campaigns",
                 "campaign", "review, campaign member", "planning, campaigns once"):
        response = page.goto(paths[name])
        assert response is not None and response.status == expected_status(name), name
        assert "/staff/login" not in page.url, name
        check(name)

    # Error states of the forms.
    page.goto(f"/{lang}/moderation/submissions/{consultation.pending_trucks[0]}")
    submit(page.locator("form[action$='/reject'] button[type=submit]"), 422)
    expect(page.locator("#error-summary")).to_be_visible()
    check("review, reject without a reason")
    decide_elsewhere(app, consultation.pending_trucks[0])
    page.locator("#reason").select_option("spam")
    submit(page.locator("form[action$='/reject'] button[type=submit]"), 409)
    check("decided by someone else")

    page.goto(paths["new period"])
    submit(page.locator("form.period-form button[type=submit]"), 422)
    expect(page.locator("#error-summary")).to_be_visible()
    check("new period, nothing typed")
    page.goto(paths["period"])
    page.locator("#extend-closes_at").fill("")
    submit(page.locator("form[action$='/extend'] button[type=submit]"), 422)
    check("period, extended to nothing")

    page.goto(paths["campaign"])
    page.locator("#action").select_option("reject")
    submit(page.locator("form[action$='/decide'] button[type=submit]"), 422)
    expect(page.locator("#error-summary")).to_be_visible()
    check("campaign, reject without a reason")

    page.goto(f"/{lang}/planning/themes")
    page.locator("form[action*='/themes/'] input[name$='label_en']").first.fill("")
    submit(page.locator("form[action*='/themes/'] button[type=submit]").first, 422)
    check("themes, empty label")

    # The printable report: asked for, followed while it waits, written, downloaded.
    page.goto(f"/{lang}/planning/periods/{PERIOD}")
    page.locator("#format").select_option("html")
    submit(page.locator("form[action$='/export'] button[type=submit]"), 200)
    check("export, waiting")
    run_queued_exports(app)
    page.reload()
    expect(page.locator("a[href$='/download']")).to_be_visible()
    check("export, ready")
    with page.expect_download() as download:
        page.locator("a[href$='/download']").click()
    page.set_content(Path(download.value.path()).read_text(encoding="utf-8"))
    check("printable report")

    found = {name: violations for name, violations in found.items() if violations}
    assert not found, "axe found accessibility violations:\n" + readable(found)


def decide_elsewhere(app: Flask, submission_id: int) -> None:
    """Another moderator publishes the comment meanwhile."""
    from portal.db import write_session
    from portal.models import Submission
    from portal.services import audit, moderation

    with app.app_context(), write_session() as session:
        moderation.publish(session, session.get(Submission, submission_id), audit.CLI)
