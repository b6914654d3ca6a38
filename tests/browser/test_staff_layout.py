"""The moderation pages as a moderator sees them: words wrap whole on a phone and on a desktop,
select-all and a refused bulk decision that keeps the selection."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import Consultation, Contexts, sign_in_browser
from tests.conftest import add_submission, make_period

pytestmark = pytest.mark.browser

# Every word of the page (split at spaces and the marks a line may break after) that is drawn
# on more than one line although it would fit on one: a word broken mid-letter. Digests and the
# links in a comment are each one long token (no place to break in a URL) and may break anywhere.
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let box = node.parentElement;
    const skip = ".digest, .comment-text a, textarea, select, option, .visually-hidden, [hidden]";
    if (box.closest(skip)) continue;
    while (getComputedStyle(box).display.startsWith("inline")) box = box.parentElement;
    const words = /[^\\s\\-–—\\/.,;:@()·]+/g;
    for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
      if (m[0].length < 2) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      const lines = new Set(rects.map(r => Math.round(r.top)));
      const width = rects.reduce((sum, r) => sum + r.width, 0);
      if (lines.size > 1 && width < box.clientWidth) broken.push(m[0]);
    }
  }
  return broken;
}"""


def _long_words_comment(app: Flask) -> int:
    period = make_period(app, slug="layout-check")
    submission_id, _ = add_submission(
        app, period,
        subject="Internacionalización de las cadenas de suministro norteamericanas",
        name="Maximiliano Villarreal Cantú de la Garza",
        email="maximiliano.villarreal@example.org",
        organization="Confederación de Cámaras Industriales de los Estados Unidos Mexicanos",
        region="Coahuila de Zaragoza",
        body="Las certificaciones internacionales de interoperabilidad https://example.org/"
             "una/direccion/muy/larga/que/no/cabe/en/una/linea/de/un/telefono?con=parametros"
             "&y=mas%20parametros para la electromovilidad transfronteriza.",
    )
    return submission_id


@pytest.mark.parametrize("width", [360, 800, 1280])
def test_review_page_wraps_words_whole(
    app: Flask, consultation: Consultation, contexts: Contexts, width: int
) -> None:
    submission_id = _long_words_comment(app)
    context, _ = contexts.new(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in_browser(page, consultation.moderator)
    for lang in ("en", "es"):
        page.goto(f"/{lang}/moderation/submissions/{submission_id}")
        assert page.evaluate(BROKEN_WORDS) == [], (lang, width)
        size = page.evaluate("() => [document.documentElement.scrollWidth, "
                             "document.documentElement.clientWidth]")
        assert size[0] <= size[1], (lang, width, size)


def test_select_all_and_a_refused_bulk_reject_keep_the_selection(
    consultation: Consultation, contexts: Contexts
) -> None:
    context, _ = contexts.new(viewport={"width": 360, "height": 800})
    page: Any = context.new_page()
    sign_in_browser(page, consultation.moderator)
    page.goto("/en/moderation/")
    boxes = page.locator('input[name="ids"]')
    count = boxes.count()
    assert count >= 3
    select_all = page.get_by_role("checkbox", name="Select every comment on this page")
    select_all.check()
    for i in range(count):
        expect(boxes.nth(i)).to_be_checked()
    boxes.nth(1).uncheck()
    assert page.evaluate("() => document.getElementById('select-all').indeterminate")
    # The controls come before the list: no scrolling past fifty rows to decide.
    controls = page.get_by_role("group", name="Decide the selected comments").bounding_box()
    table = page.get_by_role("table").bounding_box()
    assert controls and table and controls["y"] < table["y"]
    page.get_by_label("Decision").select_option(label="Reject")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#reason-error")).to_contain_text("To reject comments, choose a reason.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    for i in range(count):
        if i == 1:
            expect(boxes.nth(i)).not_to_be_checked()
        else:
            expect(boxes.nth(i)).to_be_checked()
    page.get_by_label("Reason").select_option(label="Spam")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("status")).to_contain_text(f"{count - 1} comments rejected.")
