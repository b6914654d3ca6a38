"""Several worker processes sending comments at once: every one is stored, none is refused."""

from __future__ import annotations

import multiprocessing as mp

from flask import Flask
from sqlalchemy import func, select

from portal.models import CommentPeriod, Submission
from tests.conftest import db_session

WORKERS = 4
EACH = 25


def _worker(url: str, period_id: int, start: mp.Event, errors: mp.Queue) -> None:  # type: ignore[valid-type]
    from portal import create_app
    from portal.db import write_session
    from portal.services import submissions

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    start.wait()
    with app.app_context():
        for i in range(EACH):
            try:
                with write_session() as session:
                    period = session.get(CommentPeriod, period_id)
                    submissions.submit(session, submissions.prepare(
                        period,
                        submissions.SubmissionInput(
                            submitter_type="individual", organization=None, name=f"W {i}",
                            email="w@example.org", country="US", region="", subject="s",
                            body="Concurrent comment about energy trade " * 20,
                            consent_publish=False, declared_language="en",
                        ),
                        ui_language="en",
                    ))
            except Exception as exc:  # noqa: BLE001 - report every failure to the parent
                errors.put(repr(exc))


def test_concurrent_writers_are_all_stored(app: Flask, open_period: CommentPeriod) -> None:
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    errors = ctx.Queue()
    url = app.config["DATABASE_URL"]
    procs = [ctx.Process(target=_worker, args=(url, open_period.id, start, errors))
             for _ in range(WORKERS)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=120)
    seen = []
    while not errors.empty():
        seen.append(errors.get())
    assert seen == []
    assert all(p.exitcode == 0 for p in procs)
    with db_session(app) as session:
        total = session.scalar(select(func.count()).select_from(Submission))
    assert total == WORKERS * EACH
