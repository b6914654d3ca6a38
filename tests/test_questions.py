"""Questions and answers: the form, the receipt and its digest, moderation, the reading room,
search, exports and the planner summary follow the questions; a late post keeps every text."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.db import new_session, write_session
from portal.models import CommentPeriod, Question, Submission
from portal.seed import seed_themes
from portal.services import audit, moderation, submissions, themes
from portal.services.submissions import AnswerInput, SubmissionInput
from tests.conftest import (
    add_submission,
    csrf_token,
    make_period,
    make_user,
    sign_in,
    valid_comment,
)
from tests.export_support import export_file


def questions_of(app: Flask, period: CommentPeriod) -> list[Question]:
    with app.app_context():
        session = new_session()
        found = list(session.get(CommentPeriod, period.id).questions)
        session.close()
        return found


def answer_fields(app: Flask, period: CommentPeriod, *texts: str) -> dict[str, str]:
    return {f"answer_{q.id}": text for q, text in zip(questions_of(app, period), texts,
                                                       strict=False)}


def post(client: FlaskClient, lang: str, period: CommentPeriod, **fields: object):  # type: ignore[no-untyped-def]
    url = f"/{lang}/periods/{period.slug}/comment"
    data = {**valid_comment(), **fields, "csrf_token": csrf_token(client, url)}
    return client.post(url, data=data)


def stored(app: Flask) -> Submission:
    with app.app_context():
        session = new_session()
        found = session.query(Submission).one()
        _ = [(a.text, a.question.position) for a in found.answers]
        session.close()
        return found


def test_each_question_has_its_own_box_and_the_general_comment_is_optional(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    html = client.get(f"/es/periods/{open_period.slug}/comment").get_data(as_text=True)
    for q in questions_of(app, open_period):
        assert re.search(rf'<label for="answer_{q.id}">{q.position}\. {re.escape(q.text_es)}', html)
    assert "Comentario general" in html
    response = post(client, "es", open_period, body="",
                    **answer_fields(app, open_period, "", "Los trámites aduanales."))
    assert response.status_code == 303
    saved = stored(app)
    assert saved.body == ""
    assert [(a.question.position, a.text) for a in saved.answers] == [
        (2, "Los trámites aduanales.")]


def test_nothing_written_is_refused_in_the_page_language_with_answers_kept(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    response = post(client, "es", open_period, body="  ", **answer_fields(app, open_period, " "))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Responda al menos una pregunta o escriba un comentario general." in html
    assert 'id="body-error"' in html
    too_long = "x" * 20001
    response = post(client, "en", open_period,
                    **answer_fields(app, open_period, too_long, "Kept answer."))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "the limit is 20,000" in html
    assert "Kept answer." in html


def test_a_period_without_questions_behaves_as_before(app: Flask, client: FlaskClient) -> None:
    period = make_period(app, slug="no-questions")
    with app.app_context(), write_session() as session:
        found = session.get(CommentPeriod, period.id)
        found.questions.clear()
    html = client.get("/en/periods/no-questions/comment").get_data(as_text=True)
    assert "answer_" not in html and "Your comment" in html
    response = post(client, "en", period, body="")
    assert response.status_code == 422
    assert "Write your comment." in response.get_data(as_text=True)


def test_a_late_post_gets_a_clear_message_and_every_text_back(
    app: Flask, client: FlaskClient
) -> None:
    period = make_period(app, slug="closing", opens_in=-timedelta(days=1),
                         lasts=timedelta(days=1, seconds=2))
    url = f"/en/periods/{period.slug}/comment"
    token = csrf_token(client, url)
    with app.app_context(), write_session() as session:  # the deadline passes meanwhile
        session.get(CommentPeriod, period.id).closes_at = submissions.utcnow() - timedelta(
            seconds=1)
    data = {**valid_comment(body="My general comment."), "csrf_token": token,
            **answer_fields(app, period, "My first answer.")}
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This comment period is closed" in html and "was not saved" in html
    for text in ("My general comment.", "My first answer.", "Cruces fronterizos", "What helps?"):
        assert text in html


def test_the_digest_covers_the_answers_and_old_receipts_keep_their_bytes(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    q1, q2 = questions_of(app, open_period)
    record = SubmissionInput(
        submitter_type="business", organization="O", name="N", email="e@example.org",
        country="MX", region="", subject="S", body="Texto.", consent_publish=True)
    received = submissions.utcnow()
    # A comment without answers: exactly the record of before answers existed.
    assert submissions.canonical_record("HLED-2026-0001", record, received) == json.dumps({
        "body": "Texto.", "consent_publish": True, "country": "MX", "email": "e@example.org",
        "name": "N", "organization": "O", "period": "HLED-2026-0001",
        "received_at": received.isoformat(), "region": "", "subject": "S",
        "submitter_type": "business"}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = post(client, "es", open_period, **answer_fields(app, open_period, "Uno.", "Dos."))
    assert response.status_code == 303
    receipt_url = response.headers["Location"]
    saved = stored(app)
    downloaded = client.get(receipt_url.split("?")[0] + "/record.json").data
    assert hashlib.sha256(downloaded).hexdigest() == saved.digest
    canonical = json.loads(downloaded)
    assert canonical["answers"] == [
        {"position": 1, "question_id": q1.id, "text": "Uno."},
        {"position": 2, "question_id": q2.id, "text": "Dos."}]
    receipt = client.get(receipt_url).get_data(as_text=True)
    assert "¿Qué ayuda?" in receipt and "Uno." in receipt and "Dos." in receipt


@pytest.fixture()
def published(app: Flask, open_period: CommentPeriod) -> tuple[int, str]:
    """A published comment that answered both questions, its second answer redacted."""
    with app.app_context(), write_session() as session:
        seed_themes(session)
    q1, q2 = questions_of(app, open_period)
    made = add_submission(
        app, open_period, body="Comentario general sobre energía.", declared_language="es",
        answers=(AnswerInput(q1.id, 1, "La interconexión eléctrica ayuda mucho."),
                 AnswerInput(q2.id, 2, "Llamen a Juan al 555-0100, los aranceles estorban.")))
    with app.app_context(), write_session() as session:
        item = session.get(Submission, made[0])
        answers = {a.question.position: a.id for a in item.answers}
        moderation.edit_public_version(session, item, audit.CLI, item.body,
                                       public_answers={answers[2]: "[…] los aranceles estorban."})
        themes.confirm_suggestions_if_unreviewed(session, item, audit.CLI)
        moderation.publish(session, item, audit.CLI)
    return made


def test_public_pages_and_search_show_the_public_version_of_each_answer(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, published: tuple[int, str]
) -> None:
    pages = [client.get(f"/es/periods/{open_period.slug}/comments").get_data(as_text=True),
             client.get(f"/es/comments/{published[1]}").get_data(as_text=True)]
    for html in pages:
        assert "¿Qué ayuda?" in html and "La interconexión eléctrica ayuda mucho." in html
        assert "[…] los aranceles estorban." in html
        assert "555-0100" not in html and "Juan" not in html
    found = client.get(f"/es/periods/{open_period.slug}/comments?q=interconexion")
    assert published[1] in found.get_data(as_text=True)
    hidden = client.get(f"/es/periods/{open_period.slug}/comments?q=Juan")
    assert published[1] not in hidden.get_data(as_text=True)


def test_the_review_page_shows_each_answer_as_received_and_as_public(
    app: Flask, open_period: CommentPeriod, published: tuple[int, str]
) -> None:
    client = app.test_client()
    sign_in(client, make_user(app, "moderator"))
    html = client.get(f"/en/moderation/submissions/{published[0]}").get_data(as_text=True)
    assert "Question 2: What hurts?" in html
    assert "555-0100" in html and "[…] los aranceles estorban." in html
    assert "Public version of answer 2" in html  # the redaction, in the history


def test_moderator_withholds_an_answer_and_cannot_empty_everything(
    app: Flask, open_period: CommentPeriod, published: tuple[int, str]
) -> None:
    client = app.test_client()
    sign_in(client, make_user(app, "moderator"))
    review = f"/en/moderation/submissions/{published[0]}"
    html = client.get(review).get_data(as_text=True)
    ids = re.findall(r'name="answer-(\d+)"', html)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    everything_empty = {"csrf_token": csrf_token(client, review), "version": version,
                        "public_body": "", **{f"answer-{i}": "" for i in ids}}
    response = client.post(f"{review}/edit", data=everything_empty)
    assert response.status_code == 422
    assert "cannot be empty" in response.get_data(as_text=True)
    keep_first = {**everything_empty, "public_body": "Comentario general sobre energía.",
                  f"answer-{ids[0]}": "La interconexión eléctrica ayuda mucho."}
    assert client.post(f"{review}/edit", data=keep_first).status_code == 303
    public = app.test_client().get(f"/en/comments/{published[1]}").get_data(as_text=True)
    assert "What hurts?" not in public and "aranceles" not in public


def _planner(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, make_user(app, "planner"))
    return client


def test_summary_and_every_export_show_the_answer_under_its_question(
    app: Flask, open_period: CommentPeriod, published: tuple[int, str]
) -> None:
    planner = _planner(app)
    summary = planner.get(f"/en/planning/periods/{open_period.slug}").get_data(as_text=True)
    assert "Question 1: What helps?" in summary
    assert "1 published comments answered it" in summary
    assert "La interconexión eléctrica ayuda mucho." in summary
    assert "555-0100" not in summary
    url = f"/es/planning/periods/{open_period.slug}/export"
    text = export_file(planner, url, {"format": "csv", "language": "en"}).get_data(
        as_text=True)
    row = next(csv.DictReader(io.StringIO(text[1:])))
    assert row["Q1: What helps?"] == "La interconexión eléctrica ayuda mucho."
    assert row["Q2: What hurts?"] == "[…] los aranceles estorban."
    data = json.loads(export_file(planner, url, {"format": "json", "language": "es"}).data)
    answers = data["rows"][0]["answers"]
    assert [(a["position"], a["question"], a["text"]) for a in answers] == [
        (1, "¿Qué ayuda?", "La interconexión eléctrica ayuda mucho."),
        (2, "¿Qué estorba?", "[…] los aranceles estorban.")]
    assert data["summary"]["questions"][0]["answered"] == 1
    book = openpyxl.load_workbook(io.BytesIO(export_file(planner, url, {
        "format": "xlsx", "language": "es"}).data), read_only=True)
    sheet = list(book["Comentarios"].iter_rows(values_only=True))
    column = list(sheet[0]).index("P1: ¿Qué ayuda?")
    assert sheet[1][column] == "La interconexión eléctrica ayuda mucho."
    questions = list(book["Preguntas"].iter_rows(values_only=True))
    assert questions[1][1] == "1. ¿Qué ayuda?" and questions[1][2] == 1
    report = export_file(planner, url, {"format": "html", "language": "es"}).get_data(
        as_text=True)
    assert "Pregunta 1: ¿Qué ayuda?" in report
    assert "La interconexión eléctrica ayuda mucho." in report


def test_theme_suggestions_read_the_answers(app: Flask, open_period: CommentPeriod) -> None:
    with app.app_context(), write_session() as session:
        seed_themes(session)
    q1 = questions_of(app, open_period)[0]
    made = add_submission(app, open_period, body="", declared_language="es",
                          answers=(AnswerInput(q1.id, 1, "Energía renovable y transmisión."),))
    with app.app_context():
        session = new_session()
        suggested = [row.theme.code for row in themes.of_submission(session, made[0])]
        session.close()
    assert suggested, "the answer's words suggest a theme"
