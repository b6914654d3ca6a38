"""Exports written by the worker: asked for on the planning page, followed there, downloaded
whole with their row count and checksum, and only by who asked (or an admin)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from portal.db import write_session
from portal.models import CommentPeriod, ExportJob, ExportState
from portal.models.types import utcnow
from portal.services import export_jobs
from tests.conftest import add_submission, db_session, make_user, publish, sign_in
from tests.export_support import ask_export, run_queued_exports
from tests.mail_support import consumer_thread, wait_for
from tests.test_labels import raw_codes_in


@pytest.fixture()
def comments(app: Flask, open_period: CommentPeriod) -> list[str]:
    made = [add_submission(app, open_period, body=f"Comentario número {n} sobre energía.",
                           subject=f"Asunto {n}", declared_language="es")
            for n in range(5)]
    publish(app, *[sid for sid, _ in made[:4]])
    return [tracking for _, tracking in made[:4]]


def _client(app: Flask, role: str, email: str | None = None) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, make_user(app, role, email)).status_code == 302
    return client


def _ask(client: FlaskClient, period: CommentPeriod, fmt: str = "csv", lang: str = "en") -> int:
    response = ask_export(client, f"/{lang}/planning/periods/{period.slug}/export",
                          {"format": fmt, "language": lang})
    assert response.status_code == 303
    found = re.search(r"/exports/(\d+)$", response.headers["Location"])
    assert found
    return int(found.group(1))


def _job(app: Flask, job_id: int) -> ExportJob:
    with db_session(app) as session:
        job = session.get(ExportJob, job_id)
        assert job is not None
        session.expunge(job)
        return job


def _files(app: Flask) -> list[str]:
    folder = Path(app.config["EXPORT_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_worker_writes_the_export_whole_with_its_row_count_and_checksum(
        app: Flask, open_period: CommentPeriod, comments: list[str]) -> None:
    planner = _client(app, "planner")
    app.extensions["portal_tasks"].huey.flush()
    job_id = _ask(planner, open_period)
    # Asked for, not written: the request only queued it.
    assert _job(app, job_id).state is ExportState.QUEUED and _files(app) == []
    page = planner.get(f"/en/planning/exports/{job_id}").get_data(as_text=True)
    assert "Waiting for the worker" in page and 'role="status"' in page
    assert "export-progress.js" in page and "/download" not in page
    assert planner.get(f"/en/planning/exports/{job_id}/download").status_code == 404
    status = planner.get(f"/es/planning/exports/{job_id}/status").get_json()
    assert status == {"state": "queued", "label": "En espera de ser procesada",
                      "progress": "0 filas escritas", "finished": False}

    with consumer_thread(app):
        wait_for(lambda: _job(app, job_id).state is ExportState.DONE, "the worker's export")
    job = _job(app, job_id)
    assert _files(app) == [job.stored_name]  # the whole file, nothing beside it

    page = planner.get(f"/en/planning/exports/{job_id}").get_data(as_text=True)
    assert "Ready to download" in page and "data-export-status" not in page
    download = planner.get(f"/en/planning/exports/{job_id}/download")
    body = download.get_data()
    download.close()
    assert download.status_code == 200
    assert download.headers["Content-Length"] == str(len(body)) == str(job.size)
    digest = hashlib.sha256(body).digest()
    assert download.headers["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert job.sha256 == digest.hex() and digest.hex() in page
    assert "no-store" in download.headers["Cache-Control"]
    assert f'filename={open_period.docket_id}.csv' in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(r["Tracking number"] for r in rows) == sorted(comments)
    assert job.row_count == job.rows_written == job.rows_total == 4
    assert "<dt>Rows</dt><dd>4</dd>" in page
    spanish = planner.get(f"/es/planning/exports/{job_id}").get_data(as_text=True)
    assert "Lista para descargar" in spanish and "<dt>Filas</dt><dd>4</dd>" in spanish
    assert raw_codes_in(spanish.split('id="main"', 1)[1]) == []


def test_a_json_export_is_whole_json_with_the_stated_rows(
        app: Flask, open_period: CommentPeriod, comments: list[str]) -> None:
    planner = _client(app, "planner")
    job_id = _ask(planner, open_period, "json", "es")
    assert run_queued_exports(app) == 1
    job = _job(app, job_id)
    body = (Path(app.config["EXPORT_DIR"]) / job.stored_name).read_bytes()
    assert hashlib.sha256(body).hexdigest() == job.sha256 and len(body) == job.size
    assert len(json.loads(body)["rows"]) == job.row_count == 4


def test_a_failing_export_leaves_no_file_and_says_failed_in_both_languages(
        app: Flask, open_period: CommentPeriod, comments: list[str]) -> None:
    planner = _client(app, "planner")
    job_id = _ask(planner, open_period)
    # Before the worker takes it, a row turns into one the export cannot read (a country code
    # no release of the portal wrote): the export stops after its file was started.
    with app.app_context(), write_session() as session:
        session.execute(text("UPDATE submissions SET country = 'ZZ' WHERE tracking_number = :t"),
                        {"t": comments[-1]})
    assert run_queued_exports(app) == 1
    job = _job(app, job_id)
    assert job.state is ExportState.FAILED and job.error and job.sha256 is None
    assert _files(app) == []  # neither the file nor its partial copy
    for lang, words in (("en", ("Failed", "no file was kept", "Try again")),
                        ("es", ("Falló", "no se conservó ningún archivo", "Intentar de nuevo"))):
        page = planner.get(f"/{lang}/planning/exports/{job_id}").get_data(as_text=True)
        assert all(w in page for w in words), lang
        assert "/download" not in page and job.error not in page  # the detail is for admins
    assert raw_codes_in(page.split('id="main"', 1)[1]) == []
    listing = planner.get("/es/planning/exports/").get_data(as_text=True)
    assert "Falló" in listing and "failed" not in listing
    assert planner.get(f"/en/planning/exports/{job_id}/download").status_code == 404

    # Fixed, it is tried again and succeeds.
    with app.app_context(), write_session() as session:
        session.execute(text("UPDATE submissions SET country = 'MX' WHERE tracking_number = :t"),
                        {"t": comments[-1]})
    page = planner.get(f"/en/planning/exports/{job_id}").get_data(as_text=True)
    retried = planner.post(f"/en/planning/exports/{job_id}/retry",
                           data={"csrf_token": re.findall(
                               r'name="csrf_token" value="([^"]+)"', page)[-1]})
    assert retried.status_code == 303 and _job(app, job_id).state is ExportState.QUEUED
    assert run_queued_exports(app) == 1
    job = _job(app, job_id)
    assert job.state is ExportState.DONE and job.row_count == 4 and job.attempts == 2
    assert _files(app) == [job.stored_name]


def test_a_planner_cannot_see_or_download_another_planners_export(
        app: Flask, open_period: CommentPeriod, comments: list[str]) -> None:
    mine = _client(app, "planner", "ana@example.org")
    theirs = _client(app, "planner", "beto@example.org")
    job_id = _ask(mine, open_period)
    run_queued_exports(app)
    download = mine.get(f"/en/planning/exports/{job_id}/download")
    download.close()
    assert download.status_code == 200
    for path in ("", "/status", "/download"):
        assert theirs.get(f"/en/planning/exports/{job_id}{path}").status_code == 404, path
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      theirs.get("/en/planning/exports/").get_data(as_text=True))
    assert token
    assert theirs.post(f"/en/planning/exports/{job_id}/retry",
                       data={"csrf_token": token.group(1)}).status_code == 404
    assert f"/exports/{job_id}" not in theirs.get("/en/planning/exports/").get_data(
        as_text=True)
    assert f"/exports/{job_id}" in mine.get("/en/planning/exports/").get_data(as_text=True)
    admin = _client(app, "admin")
    assert f"/exports/{job_id}" in admin.get("/en/planning/exports/").get_data(as_text=True)
    download = admin.get(f"/en/planning/exports/{job_id}/download")
    download.close()
    assert download.status_code == 200


def test_anonymous_visitors_and_moderators_are_refused(
        app: Flask, open_period: CommentPeriod, comments: list[str]) -> None:
    planner = _client(app, "planner")
    job_id = _ask(planner, open_period)
    run_queued_exports(app)
    anonymous = app.test_client()
    moderator = _client(app, "moderator")
    for path in ("", "/status", "/download"):
        url = f"/en/planning/exports/{job_id}{path}"
        refused = anonymous.get(url)
        assert refused.status_code == 302 and "/staff/login" in refused.headers["Location"]
        assert moderator.get(url).status_code == 403, path
    assert moderator.get("/en/planning/exports/").status_code == 403
    page = moderator.get("/en/moderation/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    asked = moderator.post(f"/en/planning/periods/{open_period.slug}/export",
                           data={"csrf_token": token.group(1), "format": "csv"})
    assert asked.status_code == 403
    with db_session(app) as session:
        assert session.scalars(select(ExportJob.id)).all() == [job_id]


def test_the_progress_page_shows_rows_written_in_both_languages(
        app: Flask, open_period: CommentPeriod, comments: list[str]) -> None:
    planner = _client(app, "planner")
    job_id = _ask(planner, open_period)
    with app.app_context(), write_session() as session:
        session.execute(update(ExportJob).where(ExportJob.id == job_id).values(
            state=ExportState.RUNNING, rows_written=2500, rows_total=1_000_000,
            started_at=utcnow(), updated_at=utcnow()))
    for lang, words in (("en", ("Being written", "2,500 of 1,000,000 rows written")),
                        ("es", ("En preparación", "2.500 de 1.000.000 filas escritas"))):
        page = planner.get(f"/{lang}/planning/exports/{job_id}").get_data(as_text=True)
        assert all(w in page for w in words), (lang, page)
        assert 'role="status"' in page and "data-export-status" in page
        if lang == "es":
            assert raw_codes_in(page.split('id="main"', 1)[1]) == []
        status = planner.get(f"/{lang}/planning/exports/{job_id}/status").get_json()
        assert status["state"] == "running" and status["progress"] == words[1]


def test_the_sweep_fails_abandoned_exports_and_removes_old_files(
        app: Flask, open_period: CommentPeriod, comments: list[str]) -> None:
    planner = _client(app, "planner")
    old = _ask(planner, open_period)
    assert run_queued_exports(app) == 1
    abandoned = _ask(planner, open_period)  # taken by a worker that died: never finished
    folder = Path(app.config["EXPORT_DIR"])
    stale = utcnow() - timedelta(days=30)
    with app.app_context(), write_session() as session:
        session.execute(update(ExportJob).where(ExportJob.id == old).values(finished_at=stale))
        session.execute(update(ExportJob).where(ExportJob.id == abandoned).values(
            state=ExportState.RUNNING, started_at=stale, updated_at=stale))
    left = folder / f"{export_jobs.PARTIAL_PREFIX}dead-worker"
    left.write_bytes(b"half a file")
    os.utime(left, (0, 0))
    assert len(_files(app)) == 2
    with app.app_context():
        swept = export_jobs.sweep()
    assert swept.removed == 1 and swept.failed == 1
    with db_session(app) as session:
        assert session.get(ExportJob, old) is None
    assert _job(app, abandoned).state is ExportState.FAILED
    assert _files(app) == []
    page = planner.get(f"/es/planning/exports/{abandoned}").get_data(as_text=True)
    assert "Intentar de nuevo" in page
