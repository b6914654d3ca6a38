"""Asking for an export as the planning page does, letting the worker write it, downloading it."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_from

JOB_PAGE = re.compile(r"^/(?:en|es)/planning/exports/(\d+)$")


def run_queued_exports(app: Flask) -> int:
    """Run the export tasks waiting in the app's queue through Huey itself, as a worker takes
    them; other tasks are put back untouched. Returns how many ran."""
    return run_queued(app, "exports.run")


def run_queued(app: Flask, name: str) -> int:
    """Run the tasks of this name waiting in the app's queue through Huey itself, as a worker
    takes them; other tasks are put back untouched. Returns how many ran."""
    huey = app.extensions["portal_tasks"].huey
    others, ran = [], 0
    while (task := huey.dequeue()) is not None:
        if task.name == name:
            huey.execute(task)
            ran += 1
        else:
            others.append(task)
    for task in others:
        huey.enqueue(task)
    return ran


def ask_export(client: FlaskClient, url: str, fields: dict[str, Any] | None = None) -> TestResponse:
    """POST the summary page's export form (url: .../export) with its CSRF token."""
    page = client.get(url.rsplit("/export", 1)[0]).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **(fields or {})})


def export_file(client: FlaskClient, url: str,
                fields: dict[str, Any] | None = None) -> TestResponse:
    """The download of an export once the worker wrote it; or the answer that refused it (its
    form's 400/403), or the job's page if it failed."""
    asked = ask_export(client, url, fields)
    if asked.status_code != 303:
        return asked
    location = asked.headers["Location"]
    assert JOB_PAGE.match(location), location
    app = client.application
    run_queued_exports(app)
    page = client.get(location)
    found = re.search(r'href="(/(?:en|es)/planning/exports/\d+/download)"',
                      page.get_data(as_text=True))
    if not found:
        return page
    download = client.get(found.group(1))
    download.get_data()  # read now, then close the file behind it
    download.close()
    return download
