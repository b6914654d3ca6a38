"""Helpers of the open-data API tests: comments in each state, and the API read as a client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import CommentPeriod, Submission
from portal.services import audit, moderation, themes
from tests.conftest import add_submission


def published(app: Flask, period: CommentPeriod, **fields: object) -> tuple[int, str]:
    """A comment published through moderation, its suggested themes confirmed."""
    submission_id, tracking = add_submission(app, period, **fields)
    with app.app_context(), write_session() as session:
        item = session.get(Submission, submission_id)
        themes.confirm_suggestions_if_unreviewed(session, item, audit.CLI)  # type: ignore[arg-type]
        moderation.publish(session, item, audit.CLI)  # type: ignore[arg-type]
    return submission_id, tracking


def rejected(app: Flask, period: CommentPeriod, **fields: object) -> tuple[int, str]:
    submission_id, tracking = add_submission(app, period, **fields)
    with app.app_context(), write_session() as session:
        moderation.reject(session, session.get(Submission, submission_id), audit.CLI,  # type: ignore[arg-type]
                          "off_topic")
    return submission_id, tracking


def withdraw(app: Flask, submission_id: int) -> None:
    """A moderator sends a published comment back to the queue."""
    with app.app_context(), write_session() as session:
        moderation.return_to_queue(session, session.get(Submission, submission_id),  # type: ignore[arg-type]
                                   audit.CLI, "Personal information in the text.")


def redact(app: Flask, submission_id: int, text: str) -> None:
    with app.app_context(), write_session() as session:
        moderation.edit_public_version(session, session.get(Submission, submission_id),  # type: ignore[arg-type]
                                       audit.CLI, text)


def age_public_record(app: Flask, by: timedelta) -> None:
    """Make every change so far look `by` older, as if the last harvest were long ago."""
    with app.app_context(), write_session() as session:
        for item in session.scalars(select(Submission).where(Submission.updated_at.is_not(None))):
            item.updated_at = item.updated_at - by  # type: ignore[operator]


def pages(client: FlaskClient, url: str) -> Iterator[dict[str, Any]]:
    """Every page of a list, following next_url as a client would."""
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        yield body
        next_url = body["next_url"]


def harvest(client: FlaskClient, url: str) -> tuple[list[dict[str, Any]], str | None, int]:
    """All items of a list, the value to resume from, and the number of pages."""
    items: list[dict[str, Any]] = []
    resume = None
    count = 0
    for number, page in enumerate(pages(client, url)):
        items.extend(page["data"])
        if number == 0:
            resume = page.get("next_updated_since")
        count += 1
    return items, resume, count


def instant(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
