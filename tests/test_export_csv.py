"""The CSV export's lines, written by the database, are byte for byte what the Python CSV writer
makes of the same rows: the same cells, neutralising, quoting and line ends, on both engines."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portal.db import new_session, write_session
from portal.exports.writers import stream_csv
from portal.models import Campaign, CampaignCheck, CommentPeriod, Submission, Theme
from portal.services import (
    audit,
    campaign_decisions,
    consultations,
    csv_rows,
    exports,
    moderation,
    themes,
)
from portal.services.submissions import AnswerInput
from tests.campaign_letters import letters
from tests.conftest import add_submission, make_period, publish

STAFF = audit.Actor(label="moderator@example.org")
NASTY = [
    'Línea 1, "comillas", coma\nLínea 2 \u200f\u05e9\u05dc\u05d5\u05dd\u200f emoji 🚚🇲🇽 energía',
    "=SUM(A1:A9) looks like a formula",
    "-5 degrees at the crossing; +3 lanes",
    "@handle and\ttabs\r\nand CRLF",
    "   leading spaces, trailing   ",
    "plain words only",
]


@pytest.fixture()
def period(app: Flask) -> CommentPeriod:
    found = make_period(app)
    with app.app_context(), write_session() as session:
        for position, code in enumerate(["zeta", "alpha", "mid"]):
            session.add(Theme(pillar_id=found.pillar_id, code=code, label_en=f"{code} EN",
                              label_es=f"=tema {code}", keywords_en=code, keywords_es=code,
                              position=position))
    return found


def _python_csv(app: Flask, options: exports.ExportOptions, ids: list[int]) -> str:
    with app.app_context():
        session = new_session()
        try:
            labels = exports.RowLabels.of(
                options, exports.question_columns(session, ids, options.lang))
            return "".join(stream_csv(labels.headings, exports._values(
                labels, exports.iter_rows(session, ids, options, labels))))
        finally:
            session.close()


def _exported(app: Flask, options: exports.ExportOptions, period: CommentPeriod) -> str:
    with app.app_context():
        session = new_session()
        try:
            found = session.get(CommentPeriod, period.id)
            assert found is not None
            scope = consultations.period_scope(found)
            return b"".join(exports.Export(scope, options).chunks()).decode("utf-8")
        finally:
            session.close()


def test_database_written_csv_equals_the_python_writer(app: Flask,
                                                       period: CommentPeriod) -> None:
    q1, q2 = _question_ids(app, period)
    ids = []
    for n, text in enumerate(NASTY):
        answers = (AnswerInput(q1, 1, NASTY[-1 - n]),
                   AnswerInput(q2, 2, " \n " if n % 2 else "=1+1"))
        ids.append(add_submission(
            app, period, body=text, subject=NASTY[(n + 2) % len(NASTY)][:80],
            email=f"n{n}@example.org", consent_publish=n % 3 != 0,
            organization="=Org, Inc." if n % 2 else None, answers=answers)[0])
    letter = [x.text for x in letters() if x.campaign == "en-border"][0].splitlines()[:-1]
    members = [add_submission(app, period, body="\n".join([*letter, f"Signer {n}"]),
                              declared_language="en", email=f"c{n}@example.org")[0]
               for n in range(3)]
    with app.app_context(), write_session() as session:
        codes = {t.code: t.id for t in session.scalars(select(Theme))}
        for n, sid in enumerate(ids):
            submission = session.get(Submission, sid)
            assert submission is not None
            chosen = [codes["zeta"], codes["alpha"]] if n % 2 else [codes["mid"]]
            themes.confirm(session, submission, chosen if n != 4 else [], STAFF)
        withheld = session.get(Submission, ids[1])
        assert withheld is not None
        moderation.edit_public_version(  # a redacted text and a withheld answer
            session, withheld, STAFF, 'Redacted, "quoted"', public_answers={
                withheld.sorted_answers[0].id: ""})
        check = session.get(CampaignCheck, members[0])
        assert check is not None and check.campaign_id is not None
        campaign = session.get(Campaign, check.campaign_id)
        assert campaign is not None
        campaign_decisions.decide(session, campaign, "publish", STAFF,
                                  theme_choice=[codes["alpha"]])
    publish(app, *ids[:-1])  # the last stays pending
    for options in (
        exports.ExportOptions(fmt="csv"),
        exports.ExportOptions(fmt="csv", lang="es", all_statuses=True, include_email=True),
    ):
        made = _exported(app, options, period)
        assert made == _python_csv(app, options, [period.id])
        assert made.count("\r\n") > len(ids)  # rows were written, not only the headings
    assert "'=tema alpha; '=tema zeta" not in made  # each cell neutralised once, as a whole
    assert "\"'=tema zeta; =tema alpha\"" not in made


def test_lines_come_in_batches_in_id_order(app: Flask, period: CommentPeriod,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_rows, "BATCH", 2)
    ids = [add_submission(app, period, body=f"Comment number {n}, with a comma.",
                          email=f"b{n}@example.org")[0] for n in range(5)]
    publish(app, *ids)
    options = exports.ExportOptions(fmt="csv")
    seen: list[int] = []
    with app.app_context():
        session = new_session()
        try:
            labels = exports.RowLabels.of(
                options, exports.question_columns(session, [period.id], "en"))
            batches = list(csv_rows.lines(session, [period.id], options.statuses(),
                                          labels.keys, "en", labels.codes, seen.append))
        finally:
            session.close()
    assert seen == [2, 2, 1] and len(batches) == 3
    assert "".join(stream_csv(labels.headings, [])) + "".join(batches) == _python_csv(
        app, options, [period.id])


def _question_ids(app: Flask, period: CommentPeriod) -> list[int]:
    with app.app_context(), write_session() as session:
        found = session.get(CommentPeriod, period.id)
        assert found is not None
        return [q.id for q in found.questions]
