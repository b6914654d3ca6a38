"""Files sent with a comment: what is refused, what is stored, what the receipt proves, and who
may download what."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db import write_session
from portal.models import (
    Attachment,
    AuditAction,
    AuditEvent,
    CommentPeriod,
    Extraction,
    FileState,
    Submission,
)
from portal.services import attachment_store, submissions
from portal.services.attachment_checks import check
from tests import attachment_files as files
from tests.conftest import (
    csrf_from,
    db_session,
    make_user,
    publish,
    shown_from,
    sign_in,
    valid_comment,
)

FileSpec = tuple[str, bytes]


@pytest.fixture()
def upload_dir(app: Flask, tmp_path: Path) -> Path:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    attachment_store.init_app(app)
    return tmp_path / "uploads"


def stored_files(upload_dir: Path) -> list[Path]:
    root = upload_dir / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def count_submissions(app: Flask) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(Submission)) or 0


def send(client: FlaskClient, slug: str, lang: str = "en", public: list[FileSpec] = (),  # type: ignore[assignment]
         confidential: list[FileSpec] = (), **overrides: object):  # type: ignore[assignment,no-untyped-def]
    url = f"/{lang}/periods/{slug}/comment"
    page = client.get(url).get_data(as_text=True)
    data: dict[str, object] = {"csrf_token": csrf_from(page), "shown": shown_from(page)}
    data.update(valid_comment(**overrides))
    if public:
        data["files"] = [(io.BytesIO(body), name) for name, body in public]
    if confidential:
        data["confidential_files"] = [(io.BytesIO(body), name) for name, body in confidential]
    return client.post(url, data=data, content_type="multipart/form-data")


def tracking_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response.headers["Location"].split("/")[-1].split("?")[0]


def submission_by(app: Flask, tracking: str) -> Submission:
    with db_session(app) as session:
        found = session.scalars(select(Submission).where(
            Submission.tracking_number == tracking)).one()
        found.attachments  # noqa: B018 - load them before the session closes
        return found


REFUSED = [
    ("a GIF", [("chart.png", files.image("GIF"))], "This type of file is not accepted"),
    ("a program renamed .pdf", [("report.pdf", files.EXE)], "Programs are not accepted"),
    ("an empty file", [("empty.txt", b"")], "This file is empty"),
    ("a zip bomb", [("letter.docx", files.zip_bomb_docx())], "zip bomb"),
    ("a macro document", [("letter.docx", files.docx_with_macros())], "macros are not accepted"),
    ("a path outside the archive", [("letter.docx", files.traversal_docx())], "unsafe names"),
    ("an encrypted PDF", [("locked.pdf", files.encrypted_pdf())], "encrypted"),
    ("a plain ZIP", [("data.docx", files._rezip(files.docx("x"), {},
                                                 {"[Content_Types].xml": b"<Types/>"}))],
     "This type of file is not accepted"),
]


@pytest.mark.parametrize(("label", "chosen", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_each_refused_file_gets_its_message_and_nothing_is_stored(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, upload_dir: Path,
    label: str, chosen: list[FileSpec], message: str,
) -> None:
    response = send(client, open_period.slug, public=[("fine.txt", b"A fine note."), *chosen])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    # The text typed is kept; the files must be chosen again, by name.
    assert "Los cruces de camiones en Nuevo Laredo" in html
    assert "Choose these files again" in html and chosen[0][0].split("/")[-1] in html
    assert "fine.txt" in html
    assert count_submissions(app) == 0
    assert stored_files(upload_dir) == []


def test_refusal_is_translated(app: Flask, client: FlaskClient, open_period: CommentPeriod,
                               upload_dir: Path) -> None:
    response = send(client, open_period.slug, lang="es", public=[("virus.pdf", files.EXE)])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No se aceptan programas" in html
    assert "Vuelva a elegir estos archivos" in html


def test_too_many_and_too_large_files(app: Flask, client: FlaskClient,
                                      open_period: CommentPeriod, upload_dir: Path) -> None:
    app.config["ATTACHMENT_MAX_FILES"] = 2
    response = send(client, open_period.slug,
                    public=[(f"n{i}.txt", b"note %d" % i) for i in range(3)])
    assert response.status_code == 422
    assert "You chose 3 files; at most 2 can be sent" in response.get_data(as_text=True)
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    response = send(client, open_period.slug, public=[("big.txt", b"x" * 2048)])
    assert response.status_code == 422
    assert "big.txt: This file is larger than" in response.get_data(as_text=True)
    assert count_submissions(app) == 0
    assert stored_files(upload_dir) == []


def test_request_over_the_limit_gives_the_form_with_a_translated_message(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, upload_dir: Path,
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = send(client, open_period.slug, lang="es",
                    public=[("big.pdf", files.pdf("x") + b"%" * (100 * 1024))])
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Lo que envió es demasiado grande" in html and 'name="files"' in html
    assert count_submissions(app) == 0


def test_every_kind_is_stored_by_content_and_covered_by_the_receipt(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, upload_dir: Path,
) -> None:
    sent = [("../../Posición final.pdf", files.pdf("Our position")),
            ("carta\x07.docx", files.docx("Carta")), ("datos.xlsx", files.xlsx([["a", 1]])),
            ("texto.odt", files.odt("Texto")), ("nota.txt", "Nota ñ".encode())]
    tracking = tracking_of(send(client, open_period.slug, public=sent))
    stored = submission_by(app, tracking)
    assert [a.file_type.value for a in stored.attachments] == ["pdf", "docx", "xlsx", "odt",
                                                               "txt"]
    assert [a.name for a in stored.attachments] == [
        "Posición final.pdf", "carta.docx", "datos.xlsx", "texto.odt", "nota.txt"]
    for attachment, (_, body) in zip(stored.attachments, sent, strict=True):
        assert attachment.sha256 == hashlib.sha256(body).hexdigest()
        assert attachment.size == len(body)
        path = upload_dir / "attachments" / attachment.sha256[:2] / attachment.sha256
        assert path.read_bytes() == body
    # The record the digest is taken over names every file by its SHA-256 and size.
    record = client.get(f"/en/receipts/{tracking}/record.json")
    assert hashlib.sha256(record.data).hexdigest() == stored.digest
    listed = json.loads(record.data)["attachments"]
    assert [(f["sha256"], f["size"]) for f in listed] == [
        (hashlib.sha256(b).hexdigest(), len(b)) for _, b in sent]
    # So a changed file no longer matches the receipt.
    with db_session(app) as session:
        row = session.get(Submission, stored.id)
        assert submissions.digest_of(submissions.canonical_for(row)) == stored.digest
        row.attachments[0].sha256 = "0" * 64
        assert submissions.digest_of(submissions.canonical_for(row)) != stored.digest
        session.rollback()
    page = client.get(f"/en/receipts/{tracking}").get_data(as_text=True)
    for attachment in stored.attachments:
        assert attachment.sha256 in page and attachment.name in page
    assert "36 KB" in page or "37 KB" in page  # the DOCX's size, for people


def test_a_receipt_without_files_keeps_its_old_record() -> None:
    data = submissions.SubmissionInput(
        submitter_type="individual", organization=None, name="A", email="a@example.org",
        country="US", region="", subject="S", body="B", consent_publish=False)
    from datetime import UTC, datetime

    record = submissions.canonical_record("HLED-2026-0001", data,
                                          datetime(2026, 1, 1, tzinfo=UTC))
    assert record == (
        '{"body":"B","consent_publish":false,"country":"US","email":"a@example.org",'
        '"name":"A","organization":null,"period":"HLED-2026-0001",'
        '"received_at":"2026-01-01T00:00:00+00:00","region":"","subject":"S",'
        '"submitter_type":"individual"}')


def test_a_position_paper_alone_is_a_comment(app: Flask, client: FlaskClient,
                                             open_period: CommentPeriod,
                                             upload_dir: Path) -> None:
    tracking = tracking_of(send(client, open_period.slug, body="",
                                public=[("paper.pdf", files.pdf("Our paper"))]))
    assert submission_by(app, tracking).body == ""


def test_pdf_with_javascript_is_held_and_never_public(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, upload_dir: Path,
) -> None:
    tracking = tracking_of(send(client, open_period.slug,
                                public=[("paper.pdf", files.pdf_with_javascript())]))
    stored = submission_by(app, tracking)
    held = stored.attachments[0]
    assert held.state is FileState.HELD and "/JavaScript" in held.held_markers
    publish(app, stored.id)
    assert client.get(f"/en/comments/{tracking}/files/1").status_code == 404
    assert "paper.pdf" not in client.get(f"/en/comments/{tracking}").get_data(as_text=True)
    api = client.get(f"/api/v1/comments/{tracking}").get_json()
    assert api["attachments"] == []
    moderator = app.test_client()
    sign_in(moderator, make_user(app, "moderator"))
    review = moderator.get(f"/en/moderation/submissions/{stored.id}").get_data(as_text=True)
    assert "Held for a moderator: active content" in review and "/JavaScript" in review
    staff = moderator.get(f"/en/moderation/files/{held.id}")
    assert staff.status_code == 200
    assert hashlib.sha256(staff.data).hexdigest() == held.sha256
    assert staff.headers["Cache-Control"] == "private, no-store"
    staff.close()


def test_downloads_are_attachments_of_the_recorded_type_for_whom_may_see_them(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, upload_dir: Path,
) -> None:
    body = files.pdf("Public paper")
    tracking = tracking_of(send(client, open_period.slug, public=[("paper.txt", body)]))
    stored = submission_by(app, tracking)
    # Awaiting review: the public gets nothing, staff get the file.
    assert client.get(f"/en/comments/{tracking}/files/1").status_code == 404
    moderator = app.test_client()
    sign_in(moderator, make_user(app, "moderator"))
    staff = moderator.get(f"/en/moderation/files/{stored.attachments[0].id}")
    assert staff.status_code == 200
    staff.close()
    publish(app, stored.id)
    response = client.get(f"/en/comments/{tracking}/files/1")
    assert response.status_code == 200 and response.data == body
    assert response.headers["Content-Type"] == "application/pdf"  # from the content, not .txt
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "paper.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    api = client.get(f"/api/v1/comments/{tracking}").get_json()
    assert api["attachments"] == [{
        "name": "paper.pdf", "media_type": "application/pdf", "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "url": f"http://localhost/en/comments/{tracking}/files/1"}]
    # Planners are not moderators: the staff download is closed to them.
    planner = app.test_client()
    sign_in(planner, make_user(app, "planner"))
    assert planner.get(f"/en/moderation/files/{stored.attachments[0].id}").status_code == 403


def test_withholding_a_file_is_audited_and_the_public_is_told(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, upload_dir: Path,
) -> None:
    tracking = tracking_of(send(client, open_period.slug,
                                public=[("a.txt", b"Keep me public."),
                                        ("b.txt", b"Ana's phone is 555-0100.")]))
    stored = submission_by(app, tracking)
    publish(app, stored.id)
    before = client.get(f"/api/v1/comments/{tracking}").get_json()
    moderator = app.test_client()
    sign_in(moderator, make_user(app, "moderator"))
    review_url = f"/en/moderation/submissions/{stored.id}"
    token = csrf_from(moderator.get(review_url).get_data(as_text=True))
    target = stored.attachments[1].id
    empty = moderator.post(f"/en/moderation/files/{target}/withhold",
                           data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 422
    assert "Say why the file is withheld." in empty.get_data(as_text=True)
    done = moderator.post(f"/en/moderation/files/{target}/withhold",
                          data={"csrf_token": token, "reason": "Personal phone number"})
    assert done.status_code == 303
    with db_session(app) as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == AuditAction.ATTACHMENT_WITHHOLD)).one()
        assert event.subject_id == str(stored.id)
        assert "Personal phone number" in (event.after or "")
        assert session.get(Attachment, target).state is FileState.WITHHELD
    gone = client.get(f"/es/comments/{tracking}/files/2")
    assert gone.status_code == 410
    assert "retiraron este archivo" in gone.get_data(as_text=True)
    kept = client.get(f"/en/comments/{tracking}/files/1")
    assert kept.status_code == 200
    kept.close()
    after = client.get(f"/api/v1/comments/{tracking}").get_json()
    assert [a["name"] for a in after["attachments"]] == ["a.txt"]
    assert after["updated_at"] > before["updated_at"]
    assert "Personal phone number" in moderator.get(review_url).get_data(as_text=True)


def test_a_rolled_back_submission_leaves_no_file(app: Flask, open_period: CommentPeriod,
                                                 upload_dir: Path) -> None:
    with app.test_request_context():
        upload = submissions.Upload(check(b"Only in a rolled back comment.", "n.txt", 1000))
    data = submissions.SubmissionInput(
        submitter_type="individual", organization=None, name="A", email="a@example.org",
        country="US", region="", subject="S", body="B", consent_publish=False)
    with app.app_context():
        store = attachment_store.current_store()
        with pytest.raises(RuntimeError), write_session() as session:
            submissions.submit(session, submissions.prepare(
                session.get_one(CommentPeriod, open_period.id), data, "en", uploads=[upload],
                store=store))
            assert len(stored_files(upload_dir)) == 1
            raise RuntimeError("the request failed after storing")
    assert stored_files(upload_dir) == []
    assert count_submissions(app) == 0


def test_extraction_state_shows_on_the_review_page(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, upload_dir: Path,
) -> None:
    tracking = tracking_of(send(client, open_period.slug,
                                public=[("scan.pdf", files.scanned_pdf())]))
    stored = submission_by(app, tracking)
    assert stored.attachments[0].extraction is Extraction.PENDING
    result = app.test_cli_runner().invoke(args=["attachments", "extract"])
    assert result.exit_code == 0 and "1 files read: 1 no_text" in result.output
    moderator = app.test_client()
    sign_in(moderator, make_user(app, "moderator"))
    page = moderator.get(f"/es/moderation/submissions/{stored.id}").get_data(as_text=True)
    assert "No se encontró texto" in page
