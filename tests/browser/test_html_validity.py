"""The Nu Html Checker (vnu) finds no error in the HTML of any public page, in either language.

The pages come from the Flask test client; all of them go to one run of the checker.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.browser.conftest import PERIOD, public_paths, sent_comment
from tests.conftest import csrf_token, post_comment

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


def describe(message: dict[str, Any], names: dict[str, str]) -> str:
    url = message.get("url", "")
    where = names.get(url.rsplit("/", 1)[-1], url)
    extract = (message.get("extract") or "").strip()
    return f"{where}, line {message.get('lastLine', '?')}: {message.get('message')}\n    {extract}"


def test_public_pages_are_valid_html(
    app: Flask, seeded: None, vnu_command: list[str], tmp_path: Path
) -> None:
    names: dict[str, str] = {}
    for index, (name, response) in enumerate(rendered_pages(app).items()):
        html = response.get_data(as_text=True)
        assert response.status_code < 500 and html.startswith("<!doctype html>"), name
        path = tmp_path / f"page-{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name

    run = subprocess.run(
        [*vnu_command, "--errors-only", "--format", "json", *sorted(tmp_path.iterdir())],
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
