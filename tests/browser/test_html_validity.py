"""The Nu Html Checker (vnu) finds no error in the HTML of any page, in either language.

Public pages, staff pages (with their error states) and the downloadable printable report come
from the Flask test client; all of them go to one run of the checker.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.browser.conftest import (
    PERIOD,
    Consultation,
    expected_status,
    public_paths,
    sent_comment,
    staff_paths,
)
from tests.conftest import csrf_token, post_comment, sign_in
from tests.export_support import ask_export, export_file

pytestmark = pytest.mark.browser


def rendered_pages(app: Flask) -> dict[str, TestResponse]:
    """Every kind of public page, in both languages, by name."""
    pages: dict[str, TestResponse] = {}
    for lang in ("en", "es"):
        client = app.test_client()
        paths = public_paths(lang, sent_comment(app, lang))
        for name, path in paths.items():
            pages[f"{lang} {name}"] = client.get(path)
        form = paths["comment form"]
        pages[f"{lang} comment form with errors"] = client.post(
            form, data={"csrf_token": csrf_token(client, form)}
        )
        pages[f"{lang} comment form after an expired token"] = client.post(
            form, data={"body": "Texto que se conserva."}
        )
        sent = post_comment(client, lang, PERIOD)
        pages[f"{lang} receipt (the sender's view)"] = client.get(sent.headers["Location"])
    return pages


def staff_pages(app: Flask, made: Consultation) -> dict[str, TestResponse]:
    """Every kind of staff page and reading-room page, with the forms' error states."""
    pages: dict[str, TestResponse] = {}
    for lang in ("en", "es"):
        client = app.test_client()
        login = f"/{lang}/staff/login"
        pages[f"{lang} sign-in"] = client.get(login)
        token = csrf_token(client, login)
        pages[f"{lang} sign-in, empty"] = client.post(login, data={"csrf_token": token})
        pages[f"{lang} sign-in, wrong password"] = client.post(
            login, data={"csrf_token": token, "email": made.admin, "password": "wrong"}
        )
        assert sign_in(client, made.admin).status_code == 302
        for name, path in staff_paths(lang, made).items():
            pages[f"{lang} {name}"] = client.get(path)

        moderation = f"/{lang}/moderation"
        review = f"{moderation}/submissions/{made.pending_trucks[0]}"
        token = csrf_token(client, review)  # signing in began a new session
        pages[f"{lang} bulk decision, nothing selected"] = client.post(
            f"{moderation}/bulk", data={"csrf_token": token, "action": "publish"}
        )
        pages[f"{lang} review, reject without a reason"] = client.post(
            f"{review}/reject", data={"csrf_token": token, "version": 1, "reason": ""}
        )
        pages[f"{lang} changed by someone else"] = client.post(
            f"{review}/publish", data={"csrf_token": token, "version": 99}
        )
        campaign = f"{moderation}/campaigns/{made.campaign}"
        pages[f"{lang} campaign, reject without a reason"] = client.post(
            f"{campaign}/decide", data={"csrf_token": token, "version": 1, "action": "reject"}
        )
        pages[f"{lang} campaign changed by someone else"] = client.post(
            f"{campaign}/rename", data={"csrf_token": token, "version": 99, "name": "Otro"}
        )

        themes = f"/{lang}/planning/themes"
        theme_id = re.search(rf'action="{themes}/(\d+)"', client.get(themes).get_data(as_text=True))
        assert theme_id, "no theme on the themes page"
        theme_id = theme_id.group(1)
        pages[f"{lang} themes, empty label"] = client.post(
            f"{themes}/{theme_id}",
            data={f"t{theme_id}-csrf_token": token, f"t{theme_id}-label_en": "",
                  f"t{theme_id}-label_es": "Energía", f"t{theme_id}-active": "y"},
        )
        pages[f"{lang} themes, new theme left empty"] = client.post(
            themes, data={"new-csrf_token": token}
        )
        new_period = f"/{lang}/admin/periods/new"
        pages[f"{lang} new period, nothing typed"] = client.post(
            new_period, data={"csrf_token": csrf_token(client, new_period)})
        manage = f"/{lang}/admin/periods/{made.period_id}"
        pages[f"{lang} period, bad extension"] = client.post(
            f"{manage}/extend", data={"extend-csrf_token": token, "extend-closes_at": "soon"})
        pages[f"{lang} period, PDF that is not a PDF"] = client.post(
            f"{manage}/documents", data={
                "doc-csrf_token": token, "doc-title_en": "Notice", "doc-title_es": "Aviso",
                "doc-file": (io.BytesIO(b"GIF89a"), "notice.pdf")})
        export = f"/{lang}/planning/periods/{PERIOD}/export"
        asked = ask_export(client, export, {"format": "csv", "language": lang})
        pages[f"{lang} export, waiting"] = client.get(asked.headers["Location"])
        pages[f"{lang} printable report"] = export_file(
            client, export, {"format": "html", "language": lang})
        pages[f"{lang} export, ready"] = client.get(asked.headers["Location"])
        pages[f"{lang} exports"] = client.get(f"/{lang}/planning/exports/")
    pages.update(outcome_pages(app, made))
    return pages


# The error states the forms are sent into; every other page answers as `expected_status` says.
FORM_ERRORS = {
    "comment form with errors": 422, "comment form after an expired token": 400,
    "sign-in, empty": 422, "sign-in, wrong password": 401,
    "bulk decision, nothing selected": 400, "review, reject without a reason": 422,
    "changed by someone else": 409, "themes, empty label": 422,
    "themes, new theme left empty": 422, "new period, nothing typed": 422,
    "period, bad extension": 422, "period, PDF that is not a PDF": 422,
    "campaign, reject without a reason": 422, "campaign changed by someone else": 409,
}


def outcome_pages(app: Flask, made: Consultation) -> dict[str, TestResponse]:
    """The period closed early with its outcome published: the public pages that show both."""
    from portal.db import write_session
    from portal.models import CommentPeriod
    from portal.services import audit, deadlines, outcomes

    with app.app_context(), write_session() as session:
        period = session.get(CommentPeriod, made.period_id)
        deadlines.extend(session, audit.CLI, period, period.closes_at + timedelta(days=7))
        deadlines.close_early(session, audit.CLI, period, "Agreement reached.", "Hubo acuerdo.")
        outcomes.publish(session, audit.CLI, period, {
            **outcomes.draft_texts(session, period), "response_en": "We will act.",
            "response_es": "Vamos a actuar."})
    client = app.test_client()
    return {f"{lang} {name}": client.get(path) for lang in ("en", "es") for name, path in (
        ("outcome", f"/{lang}/periods/{PERIOD}/outcome"),
        ("period, closed early, with its outcome", f"/{lang}/periods/{PERIOD}"),
        ("home, with an outcome", f"/{lang}/"))}


def describe(message: dict[str, Any], names: dict[str, str]) -> str:
    url = message.get("url", "")
    where = names.get(url.rsplit("/", 1)[-1], url)
    extract = (message.get("extract") or "").strip()
    return f"{where}, line {message.get('lastLine', '?')}: {message.get('message')}\n    {extract}"


def test_pages_are_valid_html(
    app: Flask, consultation: Consultation, vnu_command: list[str], tmp_path: Path
) -> None:
    names: dict[str, str] = {}
    pages = rendered_pages(app) | staff_pages(app, consultation)
    for index, (name, response) in enumerate(pages.items()):
        html = response.get_data(as_text=True)
        kind = name.split(" ", 1)[1]  # without the language
        assert response.status_code == FORM_ERRORS.get(kind, expected_status(kind)), name
        assert html.startswith("<!doctype html>"), name
        path = tmp_path / f"page-{index:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name

    run = subprocess.run(
        [*vnu_command, "--errors-only", "--format", "json", *sorted(tmp_path.glob("page-*.html"))],
        capture_output=True, text=True, timeout=120, check=False,
    )
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report (exit {run.returncode}):\n{run.stderr}{run.stdout}")
    problems = [
        describe(m, names) for m in messages if m.get("type") in ("error", "non-document-error")
    ]
    assert not problems, "vnu found HTML errors:\n" + "\n".join(problems)
    assert run.returncode == 0, run.stderr
