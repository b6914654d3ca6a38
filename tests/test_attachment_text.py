"""Reading the text of files (each kind, scanned, failing, bounded) and where that text goes:
search and theme suggestion for public files, nowhere public for the confidential part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.models import Attachment, CommentPeriod, Extraction, FileState, Submission
from portal.services import attachments
from portal.services.attachment_store import current_store
from portal.services.extraction import Limits
from tests import attachment_files as files
from tests.conftest import db_session, make_user, publish, sign_in
from tests.test_attachments import send, submission_by, tracking_of, upload_dir  # noqa: F401

MARK_TEXT = "Quokkaconfidential7731"
MARK_FILE = "Wombatsecretfile5521"
MARK_NAME = "margins-of-acme"


def extract(app: Flask, **limits: object) -> None:
    with app.app_context():
        from portal.db import write_session

        with write_session() as session:
            attachments.extract_pending(session, current_store(), limits=Limits(**limits))  # type: ignore[arg-type]


def rows(app: Flask, tracking: str) -> list[Attachment]:
    return submission_by(app, tracking).attachments


@pytest.mark.usefixtures("upload_dir")
def test_text_of_each_kind_is_read(app: Flask, client: FlaskClient,
                                   open_period: CommentPeriod) -> None:
    tracking = tracking_of(send(client, open_period.slug, public=[
        ("a.pdf", files.pdf("Aranceles sobre el acero", "Second page about tariffs")),
        ("b.docx", files.docx("Cadenas de suministro", "seguras")),
        ("c.xlsx", files.xlsx([["Product", "Tariff"], ["steel", 25]])),
        ("d.odt", files.odt("Energía limpia en la frontera")),
        ("e.txt", "Ferrocarril binacional ñ".encode()),
    ]))
    extract(app)
    found = rows(app, tracking)
    assert [a.extraction for a in found] == [Extraction.DONE] * 5
    texts = [a.extracted_text or "" for a in found]
    assert "Aranceles sobre el acero" in texts[0] and "Second page" in texts[0]
    assert found[0].page_count == 2
    assert "Cadenas de suministro" in texts[1]
    assert "steel\t25" in texts[2]
    assert "Energía limpia en la frontera" in texts[3]
    assert texts[4] == "Ferrocarril binacional ñ"


@pytest.mark.usefixtures("upload_dir")
def test_scanned_images_and_unreadable_files_are_marked_for_the_moderator(
    app: Flask, client: FlaskClient, open_period: CommentPeriod,
) -> None:
    tracking = tracking_of(send(client, open_period.slug, public=[
        ("scan.pdf", files.scanned_pdf(3)), ("photo.jpg", files.image("JPEG")),
        ("broken.pdf", b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> garbage" * 50),
    ]))
    extract(app)
    scan, photo, broken = rows(app, tracking)
    assert scan.extraction is Extraction.NO_TEXT and scan.page_count == 3
    assert photo.extraction is Extraction.NOT_APPLICABLE
    assert broken.extraction in (Extraction.FAILED, Extraction.NO_TEXT)


@pytest.mark.usefixtures("upload_dir")
def test_a_reader_past_its_memory_limit_fails_without_harm(
    app: Flask, client: FlaskClient, open_period: CommentPeriod,
) -> None:
    tracking = tracking_of(send(client, open_period.slug,
                                public=[("a.pdf", files.pdf("Some text"))]))
    extract(app, memory_mb=40)
    (row,) = rows(app, tracking)
    assert row.extraction is Extraction.FAILED and row.extraction_note
    assert row.extracted_text is None


@pytest.mark.usefixtures("upload_dir")
def test_a_reader_that_does_not_finish_in_time_is_stopped(
    app: Flask, client: FlaskClient, open_period: CommentPeriod,
) -> None:
    # A hundredth of a second: no interpreter starts that fast, as no looping reader ends.
    tracking = tracking_of(send(client, open_period.slug,
                                public=[("a.pdf", files.pdf("Some text"))]))
    extract(app, timeout=0.01)
    (row,) = rows(app, tracking)
    assert (row.extraction, row.extraction_note) == (Extraction.FAILED, "timeout")
    moderator = app.test_client()
    sign_in(moderator, make_user(app, "moderator"))
    page = moderator.get(f"/en/moderation/submissions/{submission_by(app, tracking).id}")
    assert "Text could not be read (the reader took too long)" in page.get_data(as_text=True)


@pytest.mark.usefixtures("upload_dir")
def test_javascript_found_by_the_reader_holds_the_file(
    app: Flask, client: FlaskClient, open_period: CommentPeriod,
) -> None:
    tracking = tracking_of(send(client, open_period.slug,
                                public=[("paper.pdf", files.pdf_with_javascript("Tariffs"))]))
    extract(app)
    (row,) = rows(app, tracking)
    assert row.state is FileState.HELD and "/JavaScript" in row.held_markers


@pytest.mark.usefixtures("upload_dir")
def test_search_finds_words_of_a_published_pdf(app: Flask, client: FlaskClient,
                                               open_period: CommentPeriod) -> None:
    tracking = tracking_of(send(client, open_period.slug, public=[
        ("paper.pdf", files.pdf("Intro", "The xylophonic corridor needs customs officers"))]))
    stored = submission_by(app, tracking)
    publish(app, stored.id)
    url = f"/en/periods/{open_period.slug}/comments"
    assert tracking not in client.get(url, query_string={"q": "xylophonic"}).get_data(
        as_text=True)
    extract(app)  # reading the text of a published comment's file re-indexes it
    assert tracking in client.get(url, query_string={"q": "xylophonic corridor"}).get_data(
        as_text=True)
    api = client.get("/api/v1/search", query_string={"q": "xylophonic"}).get_json()
    assert [c["tracking_number"] for c in api["data"]] == [tracking]


@pytest.mark.usefixtures("upload_dir", "seeded")
def test_theme_suggestions_read_the_public_files(app: Flask, client: FlaskClient) -> None:
    with db_session(app) as session:
        period = session.scalars(select(CommentPeriod).order_by(CommentPeriod.id)).first()
        assert period is not None
        slug = period.slug
    tracking = tracking_of(send(client, slug, body="Please read the attached paper.",
                                public=[("p.txt", b"Energy interconnection: the electric grid "
                                         b"and natural gas pipelines, transmission lines.")]))
    from portal.services import themes

    stored = submission_by(app, tracking)
    with db_session(app) as session:
        assert themes.of_submission(session, stored.id) == []
    extract(app)
    with db_session(app) as session:
        assert [r for r in themes.of_submission(session, stored.id) if r.suggested]


@pytest.mark.usefixtures("upload_dir")
def test_the_confidential_part_is_on_no_public_surface(
    app: Flask, client: FlaskClient, runner: object, open_period: CommentPeriod,
    tmp_path: Path,
) -> None:
    response = send(
        client, open_period.slug, contains_bci="y", bci_certify="y",
        confidential_body=f"Our cost structure: {MARK_TEXT}.",
        public=[("public-version.txt", b"Public version of our position on tariffs.")],
        confidential=[(f"{MARK_NAME}.txt", f"Margins: {MARK_FILE}".encode())])
    tracking = tracking_of(response)
    stored = submission_by(app, tracking)
    assert stored.contains_bci and MARK_TEXT in (stored.confidential_body or "")
    assert [a.confidential for a in stored.attachments] == [False, True]
    extract(app)
    publish(app, stored.id)

    def nowhere(text: str) -> None:
        for mark in (MARK_TEXT, MARK_FILE, MARK_NAME):
            assert mark not in text

    # The submitter's own receipt (page and record) and anyone else's view of it.
    nowhere(client.get(f"/en/receipts/{tracking}").get_data(as_text=True))
    record = client.get(f"/en/receipts/{tracking}/record.json").get_data(as_text=True)
    nowhere(record)
    assert json.loads(record)["confidential_text_sha256"]
    nowhere(app.test_client().get(f"/es/receipts/{tracking}").get_data(as_text=True))
    # Reading room, comment page, search, the file itself.
    page = client.get(f"/en/comments/{tracking}").get_data(as_text=True)
    nowhere(page)
    assert "public-version.txt" in page
    confidential_file = client.get(f"/en/comments/{tracking}/files/2")
    assert confidential_file.status_code == 404
    room = f"/en/periods/{open_period.slug}/comments"
    nowhere(client.get(room).get_data(as_text=True))
    for mark in (MARK_TEXT, MARK_FILE):
        assert tracking not in client.get(room, query_string={"q": mark}).get_data(as_text=True)
        assert client.get("/api/v1/search", query_string={"q": mark}).get_json()["data"] == []
    # Open data: the comment, the period's list, downloads and summary.
    docket = open_period.docket_id
    for url in (f"/api/v1/comments/{tracking}", f"/api/v1/periods/{docket}/comments",
                f"/api/v1/periods/{docket}/comments.csv",
                f"/api/v1/periods/{docket}/comments.jsonl", f"/api/v1/periods/{docket}/summary"):
        got = client.get(url)
        assert got.status_code == 200, url
        nowhere(got.get_data(as_text=True))
    # Planner exports (every status) and summary pages.
    planner = app.test_client()
    sign_in(planner, make_user(app, "admin"))
    for fmt in ("csv", "json", "html"):
        out = tmp_path / f"export.{fmt}"
        result = runner.invoke(args=["export", open_period.slug, "--format", fmt,  # type: ignore[attr-defined]
                                     "-o", str(out), "--all-statuses"])
        assert result.exit_code == 0, result.output
        nowhere(out.read_text(encoding="utf-8-sig"))
    nowhere(planner.get(f"/en/planning/periods/{open_period.slug}").get_data(as_text=True))
    # Staff who may read it see it, marked confidential, beside the public version.
    review = planner.get(f"/en/moderation/submissions/{stored.id}").get_data(as_text=True)
    assert MARK_TEXT in review and MARK_NAME in review and "Confidential" in review


@pytest.mark.usefixtures("upload_dir")
def test_business_confidential_rules_on_the_form(app: Flask, client: FlaskClient,
                                                 open_period: CommentPeriod) -> None:
    slug = open_period.slug
    no_part = send(client, slug, contains_bci="y", bci_certify="y")
    assert no_part.status_code == 422
    assert "Give the confidential part" in no_part.get_data(as_text=True)
    uncertified = send(client, slug, contains_bci="y", confidential_body="Costs")
    assert "Certify the confidential part" in uncertified.get_data(as_text=True)
    no_public = send(client, slug, lang="es", body="", contains_bci="y", bci_certify="y",
                     confidential_body="Costs")
    assert no_public.status_code == 422
    assert "necesita una versión pública" in no_public.get_data(as_text=True)
    unticked = send(client, slug, confidential_body="Costs")
    assert unticked.status_code == 422
    assert "or leave this box empty" in unticked.get_data(as_text=True)
    with db_session(app) as session:
        assert session.scalars(select(Submission)).first() is None


@pytest.mark.usefixtures("upload_dir", "seeded")
def test_planner_excerpts_quote_a_public_file_by_its_name(app: Flask, client: FlaskClient,
                                                          tmp_path: Path) -> None:
    with db_session(app) as session:
        period = session.scalars(select(CommentPeriod).order_by(CommentPeriod.id)).first()
        assert period is not None
        slug = period.slug
    paper = (b"Energy interconnection matters. The electric grid and natural gas pipelines "
             b"need new transmission lines across the border.")
    tracking = tracking_of(send(client, slug, body="Please read the attached paper.",
                                public=[("energy-paper.txt", paper)]))
    extract(app)
    publish(app, submission_by(app, tracking).id)
    planner = app.test_client()
    sign_in(planner, make_user(app, "planner"))
    page = planner.get(f"/en/planning/periods/{slug}").get_data(as_text=True)
    assert "from the file “energy-paper.txt”" in page
    assert "electric grid" in page
    out = tmp_path / "summary.json"
    result = app.test_cli_runner().invoke(args=["export", slug, "--format", "json",
                                                "-o", str(out)])
    assert result.exit_code == 0, result.output
    quotes = [q for t in json.loads(out.read_text())["summary"]["themes"] for q in t["quotes"]]
    assert any(q["file"] == "energy-paper.txt" and "electric grid" in q["text"] for q in quotes)


@pytest.mark.usefixtures("upload_dir")
def test_a_worker_reads_the_files_of_a_new_comment_without_being_asked(
        app: Flask, client: FlaskClient, open_period: CommentPeriod) -> None:
    from tests.mail_support import consumer_thread, wait_for

    app.extensions["portal_tasks"].huey.flush()
    with consumer_thread(app):
        tracking = tracking_of(send(client, open_period.slug, public=[
            ("paper.txt", b"Puentes inteligentes en Laredo")]))

        def read() -> bool:
            return [a.extraction for a in rows(app, tracking)] == [Extraction.DONE]

        wait_for(read, "the file's text")
    assert rows(app, tracking)[0].extracted_text == "Puentes inteligentes en Laredo"
