"""Property-based fuzzing of every operation of the open-data API from its own OpenAPI document.

Schemathesis reads /api/v1/openapi.json from the app (WSGI, no network), generates valid and
invalid requests for each operation, and checks every answer: no 5xx, a documented status and
content type, a body that matches its (closed) schema, invalid input refused with a 4xx, and an
undocumented method answered 405 with Allow. The data behind it: the seeded periods with
published, pending and rejected comments, one published under the document's example tracking
number, so that the examples reach real comments.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from sqlalchemy import select

from portal import create_app
from portal.api import spec
from portal.db import write_session
from portal.models import Submission
from portal.seed import seed, seed_themes
from portal.services import audit, consultations, moderation, themes
from tests.conftest import add_submission, empty_database

EXAMPLES_PER_OPERATION = 20

CONFIG = SchemathesisConfig.from_dict({
    "seed": 20261130,
    "generation": {"max-examples": EXAMPLES_PER_OPERATION},
    "checks": {
        # A value can match its schema and still not be usable: a cursor of another query, a
        # search of 13 words, 23:59:60. The API says so with a 400 (tests/test_api.py checks
        # each of those answers); everything else valid must be answered 2xx or 404.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]},
    },
})


def _document() -> dict[str, object]:
    """The document the app serves (tests/test_api.py checks that it serves this one)."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    with app.app_context():
        return spec.document("en")


# Loaded when the module is collected, so that each operation is a test of its own; the
# requests go to the test's app (its own database) through `app=`.
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)


@pytest.fixture(scope="module")
def api_app(migrated_database: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Flask]:
    """One app and its data for every operation: the API only reads, so they can share it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": empty_database(migrated_database, tmp_path_factory)})
    with app.app_context(), write_session() as session:
        seed(session)
        seed_themes(session)
        period = consultations.period_by_key(session, spec.EXAMPLE_PERIOD)
        assert period is not None
        session.expunge(period)
    made = [add_submission(app, period, body=f"Energía y cruces fronterizos {i}.")
            for i in range(3)]
    add_submission(app, period, body="Pending energy comment.")
    rejected, _ = add_submission(app, period, body="Rejected energy comment.")
    with app.app_context(), write_session() as session:
        for submission_id, _ in made:
            item = session.get(Submission, submission_id)
            themes.confirm_suggestions_if_unreviewed(session, item, audit.CLI)
            moderation.publish(session, item, audit.CLI)
        moderation.reject(session, session.get(Submission, rejected), audit.CLI, "spam")
        first = session.scalar(select(Submission).where(Submission.id == made[0][0]))
        first.tracking_number = spec.EXAMPLE_TRACKING  # type: ignore[union-attr]
    yield app
    app.extensions["portal_engine"].dispose()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_holds_to_its_description(
    case: schemathesis.Case, api_app: Flask
) -> None:
    case.call_and_validate(app=api_app)
