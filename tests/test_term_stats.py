"""The stored term statistics behind the planners' distinctive terms stay exactly what counting
every published comment from scratch gives, through every decision that changes the record."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.db import new_session, write_session
from portal.models import (
    Campaign,
    CampaignCheck,
    CommentPeriod,
    Status,
    Submission,
    SubmissionTerms,
    TermCount,
    TermForm,
    Theme,
)
from portal.services import audit, campaign_decisions, moderation, summaries, term_stats, themes
from portal.services.submissions import AnswerInput
from tests.campaign_letters import letters
from tests.conftest import add_submission, check_campaigns, make_period, publish

STAFF = audit.Actor(label="moderator@example.org")
SOLAR = "Solar farms in Sonora need transmission lines; solar power is cheap there."
TRUCKS = "Trucks wait for hours at the border crossing in Laredo; more lanes for trucks."


@pytest.fixture()
def period(app: Flask) -> CommentPeriod:
    found = make_period(app)
    with app.app_context(), write_session() as session:
        for position, (code, en, es) in enumerate(
                [("energy", "Energy", "Energía"), ("border", "Border", "Frontera")]):
            session.add(Theme(pillar_id=found.pillar_id, code=code, label_en=en, label_es=es,
                              keywords_en=code, keywords_es=es.lower(), position=position))
    return found


def _stored(session: Session) -> tuple[dict[tuple[object, ...], int], dict[tuple[object, ...],
                                                                           int]]:
    counts = {(r.period_id, r.kind, r.group_id, r.term): r.docs
              for r in session.scalars(select(TermCount)) if r.docs}
    forms = {(r.period_id, r.term, r.form): r.uses
             for r in session.scalars(select(TermForm)) if r.uses}
    return counts, forms


def assert_as_if_counted_afresh(app: Flask) -> dict[tuple[object, ...], int]:
    """The counts kept so far equal a recount of every published comment; returns them."""
    with app.app_context():
        session = new_session(write=True)
        try:
            kept = _stored(session)
            term_stats.rebuild(session)
            session.flush()
            assert _stored(session) == kept
        finally:
            session.rollback()
            session.close()
    return kept[0]


def _theme_id(app: Flask, code: str) -> int:
    with app.app_context(), write_session() as s:
        return s.scalars(select(Theme.id).where(Theme.code == code)).one()


def _questions(app: Flask, period: CommentPeriod) -> list[int]:
    with app.app_context(), write_session() as s:
        found = s.get(CommentPeriod, period.id)
        assert found is not None
        return [q.id for q in found.questions]


def _with_theme(app: Flask, submission_id: int, code: str) -> None:
    with app.app_context(), write_session() as s:
        submission = s.get(Submission, submission_id)
        assert submission is not None
        theme_id = s.scalars(select(Theme.id).where(Theme.code == code)).one()
        themes.confirm(s, submission, [theme_id], STAFF)


def test_publish_reject_redact_rethemes_and_return_keep_counts_exact(
        app: Flask, period: CommentPeriod) -> None:
    q1, _ = _questions(app, period)
    solar = [add_submission(app, period, body=f"{SOLAR} ({n})", email=f"s{n}@example.org",
                            declared_language="en",
                            answers=(AnswerInput(q1, 1, "Transmission permits, solar."),))[0]
             for n in range(3)]
    trucks = [add_submission(app, period, body=TRUCKS, email=f"t{n}@example.org",
                             declared_language="en")[0] for n in range(3)]
    counts = assert_as_if_counted_afresh(app)  # nothing public: only the days they came in
    assert {k: n for k, n in counts.items() if k[1] != term_stats.DAYS} == {}
    assert sum(n for k, n in counts.items() if k[1] == term_stats.DAYS) == 6
    for sid in solar:
        _with_theme(app, sid, "energy")
    for sid in trucks[:2]:
        _with_theme(app, sid, "border")
    publish(app, *solar, *trucks[:2])
    counts = assert_as_if_counted_afresh(app)
    pid, energy = period.id, _theme_id(app, "energy")
    assert counts[(pid, "c", 0, "")] == 5 and counts[(pid, "c", energy, "")] == 3
    assert counts[(pid, "c", energy, "solar")] == 3 and (pid, "c", energy, "truck") not in counts
    assert counts[(pid, "q", q1, "transmiss")] == 3
    assert counts[(pid, "s", energy, "country:MX")] == 3 and counts[(pid, "s", 0, "lang:en")] == 5
    assert counts[(pid, "a", q1, str(energy))] == 3

    with app.app_context(), write_session() as s:  # a rejection counts nothing
        pending = s.get(Submission, trucks[2])
        assert pending is not None
        moderation.reject(s, pending, STAFF, "off_topic")
    assert assert_as_if_counted_afresh(app) == counts

    with app.app_context(), write_session() as s:  # redaction takes the words back
        shown = s.get(Submission, solar[0])
        assert shown is not None
        moderation.edit_public_version(s, shown, STAFF, "Farms in Sonora need lines.",
                                       public_answers={shown.answers[0].id: ""})
    counts = assert_as_if_counted_afresh(app)
    assert counts[(pid, "c", energy, "solar")] == 2
    assert counts[(pid, "q", q1, "transmiss")] == 2

    _with_theme(app, solar[1], "border")  # themes changed after publication
    counts = assert_as_if_counted_afresh(app)
    assert counts[(pid, "c", energy, "")] == 2

    with app.app_context(), write_session() as s:  # back to the queue: out of the counts
        shown = s.get(Submission, solar[2])
        assert shown is not None
        moderation.return_to_queue(s, shown, STAFF, "A second look")
    counts = assert_as_if_counted_afresh(app)
    assert counts[(pid, "c", 0, "")] == 4 and (pid, "c", energy, "solar") not in counts


def test_campaign_decision_counts_every_member(app: Flask, period: CommentPeriod) -> None:
    text = [x.text for x in letters() if x.campaign == "en-border"][0]
    body = text.splitlines()[:-1]
    ids = [add_submission(app, period, body="\n".join([*body, f"Signer {n}"]),
                          declared_language="en", email=f"c{n}@example.org")[0]
           for n in range(4)]
    check_campaigns(app)
    border = _theme_id(app, "border")
    with app.app_context(), write_session() as s:
        check = s.get(CampaignCheck, ids[0])
        assert check is not None and check.campaign_id is not None
        campaign = s.get(Campaign, check.campaign_id)
        assert campaign is not None
        campaign_decisions.decide(s, campaign, "publish", STAFF, theme_choice=[border])
        published = s.scalars(select(Submission.id).where(
            Submission.status == Status.PUBLISHED)).all()
    assert len(published) >= 2  # the campaign's members, decided by statements
    counts = assert_as_if_counted_afresh(app)
    assert counts[(period.id, "c", border, "")] == len(published)


def test_summary_reads_distinctive_terms_from_the_counts(
        app: Flask, period: CommentPeriod) -> None:
    solar = [add_submission(app, period, body=f"{SOLAR} Sonora {n}.", email=f"s{n}@example.org",
                            declared_language="en")[0] for n in range(3)]
    trucks = [add_submission(app, period, body=TRUCKS, email=f"t{n}@example.org",
                             declared_language="en")[0] for n in range(3)]
    for sid in solar:
        _with_theme(app, sid, "energy")
    for sid in trucks:
        _with_theme(app, sid, "border")
    publish(app, *solar, *trucks)
    with app.app_context(), write_session() as s:
        found = s.get(CommentPeriod, period.id)
        assert found is not None
        summary = summaries.summarize(s, [found])
        energy = next(t for t in summary.themes if t.theme.code == "energy")
        words = [t.term for t in energy.terms]
        assert "solar" in words and "Sonora" in words  # the form as written, not the stem
        assert "trucks" not in words
        assert summary.terms_sampled == summary.published == 6
        # Redacted in the same transaction, before the summary is read: already gone.
        for sid in solar:
            shown = s.get(Submission, sid)
            assert shown is not None
            moderation.edit_public_version(s, shown, STAFF, "Farms need transmission lines.")
        again = summaries.summarize(s, [found])
        energy = next(t for t in again.themes if t.theme.code == "energy")
        assert "Sonora" not in [t.term for t in energy.terms]


def test_rebuild_command_recounts_what_was_loaded_around_the_services(
        app: Flask, period: CommentPeriod) -> None:
    sid = add_submission(app, period, body=SOLAR, declared_language="en")[0]
    publish(app, sid)
    kept = assert_as_if_counted_afresh(app)
    with app.app_context(), write_session() as s:  # as a bulk load would leave them
        s.execute(delete(TermCount))
        s.execute(delete(TermForm))
        s.execute(delete(SubmissionTerms))
    result = app.test_cli_runner().invoke(args=["summaries", "rebuild", "--period", period.slug])
    assert result.exit_code == 0, result.output
    assert "counted 1 published comments" in result.output
    assert assert_as_if_counted_afresh(app) == kept
    missing = app.test_cli_runner().invoke(args=["summaries", "rebuild", "--period", "nope"])
    assert missing.exit_code != 0 and "no comment period" in missing.output


def test_rebuild_in_small_batches_writes_the_same_counts(
        app: Flask, period: CommentPeriod, monkeypatch: pytest.MonkeyPatch) -> None:
    q1, _ = _questions(app, period)
    answer = (AnswerInput(q1, 1, "Transmission permits."),)
    ids = [add_submission(app, period, body=f"{text} ({n})", email=f"b{n}@example.org",
                          declared_language="en", answers=answer if n % 2 else ())[0]
           for n, text in enumerate([SOLAR, TRUCKS] * 4)]
    for n, sid in enumerate(ids):
        _with_theme(app, sid, "energy" if n % 2 else "border")
    publish(app, *ids[:7])
    kept = assert_as_if_counted_afresh(app)
    # Three comments a batch, the held changes written after every batch: every term is
    # written in several pieces, and the pieces add up to what one write of the sums gives.
    monkeypatch.setattr(term_stats, "BATCH", 3)
    monkeypatch.setattr(term_stats, "HELD", 1)
    assert assert_as_if_counted_afresh(app) == kept
    assert sum(n for k, n in kept.items() if k[1:] == ("c", 0, "")) == 7
