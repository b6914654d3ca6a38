"""Bulk downloads: every published comment of a period as CSV and JSON Lines, the API's fields,
the same bytes for the same data, and a checksum that matches; linked from the period page,
which shows how many comments were received and published."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from flask import Flask

from portal.api import bulk
from portal.db import write_session
from portal.models import CommentPeriod
from portal.seed import seed_themes
from tests.api_support import published, redact, rejected
from tests.conftest import add_submission, make_period

API = "/api/v1"


@pytest.fixture()
def period(app: Flask) -> CommentPeriod:
    made = make_period(app)
    with app.app_context(), write_session() as session:
        seed_themes(session)
    return made


def test_json_lines_hold_the_api_objects_and_csv_the_same_fields(
    app: Flask, period: CommentPeriod, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 2)  # several batches of the keyset read
    client = app.test_client()
    made = [published(app, period, body=f"La energía y los cruces {i}.")[1] for i in range(5)]
    rejected(app, period)
    add_submission(app, period)
    listed = client.get(f"{API}/periods/{period.slug}/comments?lang=es").get_json()["data"]

    lines = client.get(f"{API}/periods/{period.slug}/comments.jsonl?lang=es")
    assert lines.status_code == 200 and lines.mimetype == "application/jsonl"
    assert [json.loads(line) for line in lines.get_data(as_text=True).splitlines()] == listed

    sheet = client.get(f"{API}/periods/{period.docket_id}/comments.csv?lang=es")
    assert sheet.mimetype == "text/csv"
    assert sheet.headers["Content-Disposition"] == (
        f'attachment; filename="{period.docket_id}-comments-es.csv"')
    text = sheet.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["tracking_number"] for r in rows] == made
    assert list(rows[0]) == list(listed[0])
    assert rows[0]["country_label"] == "México"
    assert rows[0]["theme_labels"] == "; ".join(listed[0]["theme_labels"])


def test_the_same_data_gives_the_same_bytes_and_its_checksum(
    app: Flask, period: CommentPeriod
) -> None:
    client = app.test_client()
    submission_id, _ = published(app, period)
    published(app, period, body="=HYPERLINK(\"http://evil.example\",\"clic\")")
    for fmt in ("csv", "jsonl"):
        url = f"{API}/periods/{period.slug}/comments.{fmt}"
        first, second = client.get(url), client.get(url)
        assert first.data == second.data
        assert first.headers["ETag"] == second.headers["ETag"]
        digest = hashlib.sha256(first.data).hexdigest()
        checksum = client.get(f"{url}.sha256")
        assert checksum.mimetype == "text/plain"
        assert checksum.get_data(as_text=True) == (
            f"{digest}  {period.docket_id}-comments-en.{fmt}\n")
        # Once known, the digest travels with the file.
        assert client.get(url).headers["Repr-Digest"].startswith("sha-256=:")
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}
                          ).status_code == 304
    sheet = client.get(f"{API}/periods/{period.slug}/comments.csv").get_data(as_text=True)
    texts = [row["text"] for row in csv.DictReader(io.StringIO(sheet[1:]))]
    assert texts[1] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"
    lines = client.get(f"{API}/periods/{period.slug}/comments.jsonl").get_data(as_text=True)
    assert json.loads(lines.splitlines()[1])["text"] == "=HYPERLINK(\"http://evil.example\",\"clic\")"

    url = f"{API}/periods/{period.slug}/comments.csv"
    etag = client.get(url).headers["ETag"]
    assert client.get(f"{url}.sha256", headers={"If-Match": etag}).status_code == 200
    redact(app, submission_id, "Otra versión pública.")
    stale = client.get(f"{url}.sha256", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["error"]["code"] == "precondition_failed"
    fresh = client.get(url)
    assert fresh.headers["ETag"] != etag
    assert "Otra versión pública." in fresh.get_data(as_text=True)


def test_the_period_page_links_the_downloads_and_counts_comments(
    app: Flask, period: CommentPeriod
) -> None:
    client = app.test_client()
    published(app, period)
    published(app, period)
    rejected(app, period)
    add_submission(app, period)
    other = make_period(app, slug="trade-2026")
    page = client.get(f"/es/periods/{period.slug}").get_data(as_text=True)
    assert "Descargar todos los comentarios" in page
    assert "4 comentarios recibidos · 2 publicados" in page
    for fmt in ("csv", "jsonl"):
        url = f"{API}/periods/{period.docket_id}/comments.{fmt}?lang=es"
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200
    home = client.get("/en/").get_data(as_text=True)
    assert "4 comments received · 2 published" in home
    assert "0 comments received · 0 published" in home
    assert client.get(f"/en/periods/{other.slug}").status_code == 200


def test_a_download_no_one_reads_holds_no_connection(app: Flask, period: CommentPeriod) -> None:
    """HEAD, and a 304, send no body: the snapshot a body would have closed is closed at once,
    or its open transaction would hold a connection (and block schema changes) indefinitely."""
    published(app, period, body="Una línea.")
    pool = app.extensions["portal_engine"].pool
    client = app.test_client()
    url = f"/api/v1/periods/{period.slug}/comments.csv"
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert pool.checkedout() == 0
    etag = client.get(url).headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert pool.checkedout() == 0
