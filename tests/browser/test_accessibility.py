"""axe-core finds no WCAG 2.1 A/AA violation on any public page, in either language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import TRACKING_PATTERN, Contexts, public_paths

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
        page.goto(paths[name])
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
