"""No silent loss in the comment form: nothing is cut, invisible text is no text, an over-long
text comes back whole with a message beside it, and a browser that refuses cookies is told so."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.models import CommentPeriod, Submission
from portal.services import submissions
from tests.conftest import csrf_from, db_session, post_comment, shown_from, valid_comment

# Zero-width space, no-break space, word joiner, BOM, zero-width joiner, soft hyphen, Hangul
# filler, blank Braille pattern, ideographic space, left-to-right mark, and ordinary spaces.
INVISIBLE = "\u200b \u00a0\u2060\ufeff\u200d\u00ad\u3164\u2800\u3000\u200e\n\t"


def _count(app: Flask) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(Submission)) or 0


def _field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    assert found, f"no message beside #{field_id}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"body": INVISIBLE}, "body", "Answer at least one question or write a general comment."),
        ({"body": INVISIBLE, "answer_1": "\u200b\u200b", "answer_2": "\u00a0\u2060"},
         "body", "Answer at least one question or write a general comment."),
        ({"subject": "\u200b\ufeff\u00a0"}, "subject", "Enter a subject for your comment."),
        ({"name": "\u3164\u200b"}, "name", "Enter your name."),
    ],
)
def test_text_of_invisible_characters_only_counts_as_empty(
    app: Flask, client: FlaskClient, open_period: CommentPeriod,
    overrides: dict[str, str], field_id: str, message: str,
) -> None:
    response = post_comment(client, "en", open_period.slug, **overrides)
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), field_id).endswith(message)
    assert _count(app) == 0


def test_visible_text_between_invisible_characters_is_accepted(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    response = post_comment(client, "en", open_period.slug, body="", subject="\u200bOK\u200b",
                            answer_1="\u200b Sí \u200b")
    assert response.status_code == 303
    assert _count(app) == 1


def test_the_service_refuses_invisible_text_too(app: Flask, open_period: CommentPeriod) -> None:
    fields = {k: v for k, v in valid_comment().items() if k != "written_language"}
    fields.update(consent_publish=True, body=INVISIBLE)
    with app.app_context(), db_session(app) as session:
        period = session.get_one(CommentPeriod, open_period.id)
        with pytest.raises(ValueError, match="neither"):
            submissions.prepare(period, submissions.SubmissionInput(**fields), "en")
        fields.update(body="Texto.", subject="\u200b")
        with pytest.raises(ValueError, match="subject"):
            submissions.prepare(period, submissions.SubmissionInput(**fields), "en")


@pytest.mark.parametrize(("lang", "field", "expected"), [
    ("en", "body", "Your comment has 20,007 characters; the limit is 20,000. Please shorten it "
                   "by 7 characters: your whole text is still in the box."),
    ("es", "body", "Su comentario tiene 20.007 caracteres; el límite es 20.000."),
    ("en", "answer_1", "Your answer has 20,007 characters; the limit is 20,000. Please shorten "
                       "it by 7 characters"),
])
def test_an_over_long_text_comes_back_whole_with_a_message_beside_it(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, lang: str, field: str,
    expected: str,
) -> None:
    text = "palabra " * 2500 + "FINAL.!"  # 20,007 characters, the last ones past the limit
    response = post_comment(client, lang, open_period.slug, **{field: text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert expected in _field_error(html, field)
    area = re.search(rf"<textarea[^>]*\bid=\"{field}\"[^>]*>\r?\n?(.*?)</textarea>", html, re.S)
    assert area, "the text box is missing"
    assert area.group(1) == text  # every character, the end included
    assert "maxlength" not in area.group(0)  # the browser never cuts a paste
    assert _count(app) == 0


def test_no_text_box_or_subject_of_the_form_cuts_what_is_pasted(
    client: FlaskClient, open_period: CommentPeriod
) -> None:
    html = client.get(f"/en/periods/{open_period.slug}/comment").get_data(as_text=True)
    for tag in re.findall(r"<textarea\b[^>]*>", html):
        assert "maxlength" not in tag and 'data-max="20000"' in tag, tag
    subject = re.search(r'<input\b[^>]*\bid="subject"[^>]*>', html)
    assert subject and "maxlength" not in subject.group(0)
    long_subject = post_comment(client, "en", open_period.slug, subject="S" * 301)
    assert long_subject.status_code == 422
    assert 'value="' + "S" * 301 + '"' in long_subject.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_browser_that_refuses_cookies_is_told_so_and_keeps_its_text(
    app: Flask, open_period: CommentPeriod, lang: str
) -> None:
    browser = app.test_client(use_cookies=False)
    url = f"/{lang}/periods/{open_period.slug}/comment"
    page = browser.get(url)
    assert "session=" in page.headers.get("Set-Cookie", "")  # offered, and refused
    html = page.get_data(as_text=True)
    data = {**valid_comment(), "csrf_token": csrf_from(html), "shown": shown_from(html)}
    response = browser.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    if lang == "en":
        assert "Your browser did not accept this site's cookie" in html
        assert "Allow cookies for this site" in html
        assert "expired" not in html
    else:
        assert "Su navegador no aceptó la cookie de este sitio" in html
        assert "caducado" not in html
    assert "Los cruces de camiones en Nuevo Laredo" in html
    assert _count(app) == 0
