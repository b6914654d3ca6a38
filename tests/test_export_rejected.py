"""Rejected originals reach admins only: a planner's export with every status shows a rejected
comment's status and, at most, the public version a moderator wrote, never what was sent."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from flask import Flask

from portal.db import write_session
from portal.models import CommentPeriod, Submission
from portal.services import audit, moderation
from portal.services.submissions import AnswerInput
from tests.conftest import add_submission, make_user, publish, sign_in
from tests.export_support import export_file

SECRET_BODY = "Mi número de seguro social es 123-45-6789 y vivo en Calle Falsa 123, Monterrey."
SECRET_SUBJECT = "Expediente de Rosa Secreta"
SECRET_ANSWER = "Llámenme al 81 5555 0199 para hablar del tema."


def _reject(app: Flask, submission_id: int, public_body: str | None = None) -> None:
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        if public_body is not None:
            moderation.edit_public_version(session, submission, audit.CLI, public_body)
        moderation.reject(session, submission, audit.CLI, "personal_information")


def _export(app: Flask, role: str, slug: str, fmt: str) -> str:
    client = app.test_client()
    sign_in(client, make_user(app, role))
    response = export_file(client, f"/en/planning/periods/{slug}/export",
                           {"format": fmt, "statuses": "all", "language": "en"})
    assert response.status_code == 200
    if fmt != "xlsx":
        return response.get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return "\n".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
                     for c in row if c.value is not None)


@pytest.fixture()
def rejected(app: Flask, open_period: CommentPeriod) -> tuple[str, str]:
    question = open_period.questions[0]
    kept, kept_number = add_submission(app, open_period, subject="Cruces más rápidos")
    publish(app, kept)
    secret, secret_number = add_submission(
        app, open_period, subject=SECRET_SUBJECT, body=SECRET_BODY, name="Rosa Secreta",
        answers=(AnswerInput(question.id, question.position, SECRET_ANSWER),))
    _reject(app, secret)
    return kept_number, secret_number


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_planners_see_only_the_status_of_a_rejected_comment(
    app: Flask, open_period: CommentPeriod, rejected: tuple[str, str], fmt: str
) -> None:
    kept_number, secret_number = rejected
    text = _export(app, "planner", open_period.slug, fmt)
    assert kept_number in text and secret_number in text and "Cruces más rápidos" in text
    assert "Rejected" in text or "rejected" in text
    for secret in (SECRET_BODY, SECRET_SUBJECT, SECRET_ANSWER, "123-45-6789", "Rosa Secreta"):
        assert secret not in text, (fmt, secret)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_admins_still_read_rejected_originals(
    app: Flask, open_period: CommentPeriod, rejected: tuple[str, str], fmt: str
) -> None:
    text = _export(app, "admin", open_period.slug, fmt)
    if fmt == "json":
        text = json.dumps(json.loads(text), ensure_ascii=False)
    assert SECRET_BODY in text and SECRET_ANSWER in text


def test_planners_see_the_public_version_of_a_rejected_comment(
    app: Flask, open_period: CommentPeriod
) -> None:
    secret, _number = add_submission(app, open_period, body=SECRET_BODY)
    _reject(app, secret, public_body="Pide proteger datos personales en los cruces.")
    text = _export(app, "planner", open_period.slug, "csv")
    assert "Pide proteger datos personales en los cruces." in text
    assert "123-45-6789" not in text


def test_the_operator_at_the_command_line_is_an_admin(
    app: Flask, open_period: CommentPeriod, rejected: tuple[str, str], runner, tmp_path  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "all.csv"
    result = runner.invoke(args=["export", open_period.slug, "--format", "csv", "-o", str(out),
                                 "--all-statuses"])
    assert result.exit_code == 0, result.output
    assert SECRET_BODY in out.read_text(encoding="utf-8-sig")
