"""Deciding campaigns once, later members following, and staff changes to campaigns."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.db import commit_batch, write_session
from portal.models import (
    AuditAction,
    AuditEvent,
    Campaign,
    CampaignCheck,
    CommentPeriod,
    Submission,
    SubmissionTheme,
    Theme,
)
from portal.services import audit, campaign_decisions, campaign_queries, campaigns, search
from portal.services.moderation import ConflictError
from tests.campaign_letters import letters
from tests.conftest import add_submission, check_campaigns

MODERATOR = audit.Actor(label="moderator@example.org")
ADDED = ("Quiero agregar que en mi colonia de Reynosa los camiones estacionados bloquean la "
         "entrada de la escuela primaria todas las mañanas y nadie hace nada al respecto.")


def copies(key: str) -> list[str]:
    return [x.text for x in letters() if x.campaign == key]


def signed_again(text: str, name: str = "Pedro Páramo") -> str:
    """The same letter sent by someone else: another signature."""
    return "\n".join([*text.splitlines()[:-1], name, "Comala, Colima"])


def store(app: Flask, period: CommentPeriod, texts: list[str], lang: str = "es") -> list[int]:
    """Store comments and check them, as the worker does."""
    ids = [add_submission(app, period, body=t, declared_language=lang, subject="Cruces",
                          email=f"c{n}@example.org")[0] for n, t in enumerate(texts)]
    check_campaigns(app)
    return ids


def campaign_id_of(app: Flask, submission_id: int) -> int | None:
    with app.app_context(), write_session() as session:
        row = session.get(CampaignCheck, submission_id)
        assert row is not None
        return row.campaign_id


def theme(app: Flask, period: CommentPeriod) -> int:
    with app.app_context(), write_session() as session:
        found = Theme(pillar_id=period.pillar_id, code="border", label_en="Border crossings",
                      label_es="Cruces fronterizos", keywords_en="border",
                      keywords_es="frontera", position=1, active=True)
        session.add(found)
        session.flush()
        return found.id


def test_campaign_published_in_one_action_and_later_member_follows(
        app: Flask, open_period: CommentPeriod) -> None:
    texts = copies("es-border")
    ids = store(app, open_period, texts[:10])
    cid = campaign_id_of(app, ids[0])
    assert cid is not None and {campaign_id_of(app, i) for i in ids} == {cid}
    theme_id = theme(app, open_period)
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, cid)
        assert campaign is not None
        result = campaign_decisions.decide(session, campaign, "publish", MODERATOR,
                                           theme_choice=[theme_id],
                                           expected_version=campaign.version)
    assert result.decided + result.held == 10
    with app.app_context(), write_session() as session:
        statuses = dict(session.execute(select(Submission.id, Submission.status)
                                        .where(Submission.id.in_(ids))).all())
        held = [i for i in ids if statuses[i] == "pending"]
        assert [statuses[i] for i in ids if i not in held] == ["published"] * (10 - len(held))
        assert len(held) == result.held
        confirmed = session.scalar(select(func.count()).select_from(SubmissionTheme).where(
            SubmissionTheme.theme_id == theme_id, SubmissionTheme.confirmed.is_(True)))
        assert confirmed == result.decided
        events = session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_type == "submission",
            AuditEvent.action == AuditAction.SUBMISSION_PUBLISH)).all()
        assert len(events) == result.decided
        assert search.filter_matching  # the published members are searchable:
        found = session.scalars(search.filter_matching(
            session, select(Submission.id), [["preinspeccion"]])).all()
        assert set(found) >= {i for i in ids if i not in held}

    # A copy that arrives later follows the decision, with the same themes.
    later = store(app, open_period, [signed_again(texts[0])])[0]
    adds = store(app, open_period, [texts[11].replace("Pedimos tres", ADDED + " Pedimos tres")
                                    .replace("Proponemos tres", ADDED + " Proponemos tres")])[0]
    with app.app_context(), write_session() as session:
        follower = session.get(Submission, later)
        holder = session.get(Submission, adds)
        assert follower is not None and holder is not None
        assert follower.status == "published"
        assert session.get(SubmissionTheme, (later, theme_id)).confirmed  # type: ignore[union-attr]
        assert holder.status == "pending" and "new_content" in holder.flags
    assert campaign_id_of(app, adds) == cid


def test_campaign_rejected_and_later_member_rejected_with_the_same_reason(
        app: Flask, open_period: CommentPeriod) -> None:
    texts = copies("en-energy")
    ids = store(app, open_period, texts[:4], lang="en")
    cid = campaign_id_of(app, ids[0])
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, cid)
        assert campaign is not None
        campaign_decisions.decide(session, campaign, "reject", MODERATOR, reason="duplicate",
                                  note="Ya recibimos esta carta.")
    later = store(app, open_period, [signed_again(texts[0], "Jane Doe")], lang="en")[0]
    with app.app_context(), write_session() as session:
        rows = session.scalars(select(Submission).where(Submission.id.in_([*ids, later]))).all()
        decided = [s for s in rows if s.status == "rejected"]
        assert later in {s.id for s in decided}
        assert {(s.reject_reason, s.reject_note) for s in decided} == {
            ("duplicate", "Ya recibimos esta carta.")}


def test_deciding_a_campaign_merged_meanwhile_is_a_conflict(
        app: Flask, open_period: CommentPeriod) -> None:
    spanish = copies("es-border")
    first = store(app, open_period, spanish[:3])
    cid = campaign_id_of(app, first[0])
    with app.app_context(), write_session() as session:
        seen = session.get(Campaign, cid)
        assert seen is not None
        seen_version, seen_id = seen.version, seen.id
        # Another found campaign of the same period and language, merged by someone else.
        other = Campaign(period_id=open_period.id, name="Otra", language="es",
                         representative_id=first[0], size=0, first_seen_at=seen.first_seen_at,
                         last_seen_at=seen.last_seen_at)
        session.add(other)
        session.flush()
        campaigns.merge(session, other, seen, MODERATOR)
    with app.app_context(), write_session() as session:
        stale = session.get(Campaign, seen_id)
        assert stale is not None and stale.merged_into_id is not None
        with pytest.raises(ConflictError):
            campaign_decisions.decide(session, stale, "publish", MODERATOR,
                                      expected_version=seen_version)
        merged = session.get(Campaign, stale.merged_into_id)
        assert merged is not None and merged.size == 3
        merged_id = merged.id
    assert {campaign_id_of(app, i) for i in first} == {merged_id}


def test_member_removed_from_a_decided_campaign_keeps_its_decision(
        app: Flask, open_period: CommentPeriod) -> None:
    ids = store(app, open_period, copies("es-border")[:5])
    cid = campaign_id_of(app, ids[0])
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, cid)
        assert campaign is not None
        campaign_decisions.decide(session, campaign, "publish", MODERATOR)
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, cid)
        representative = session.get(Submission, ids[0])
        assert campaign is not None and representative is not None
        assert campaign.representative_id == ids[0]
        campaigns.remove_member(session, campaign, representative, MODERATOR,
                                expected_version=campaign.version)
        assert campaign.size == 4 and campaign.representative_id == ids[1]
    with app.app_context(), write_session() as session:
        removed = session.get(Submission, ids[0])
        row = session.get(CampaignCheck, ids[0])
        assert removed is not None and row is not None
        assert removed.status == "published" and row.campaign_id is None and row.removed
        history = audit.history(session, "submission", ids[0])
        assert AuditAction.CAMPAIGN_REMOVE_MEMBER in [e.action for e in history]
        # Found again by a rebuild, it stays out.
        campaigns.reset(session, open_period.id)
        commit_batch(session)
        list(campaigns.rebuild(session, [open_period.id]))
    assert campaign_id_of(app, ids[0]) is not None  # a reset forgets removals too
    with app.app_context(), write_session() as session:
        campaign = session.scalars(select(Campaign)).one()
        member = session.get(Submission, ids[2])
        assert member is not None
        campaigns.remove_member(session, campaign, member, MODERATOR)
        commit_batch(session)
        row = session.get(CampaignCheck, ids[2])
        assert row is not None and row.removed
        assert campaigns.check(session, member) is row  # checked once: stays out


def test_rename_and_link_are_audited(app: Flask, open_period: CommentPeriod) -> None:
    es = store(app, open_period, copies("es-border")[:3])
    en = store(app, open_period, copies("en-border")[:3], lang="en")
    es_id, en_id = campaign_id_of(app, es[0]), campaign_id_of(app, en[0])
    with app.app_context(), write_session() as session:
        spanish = session.get(Campaign, es_id)
        english = session.get(Campaign, en_id)
        assert spanish is not None and english is not None and spanish.id != english.id
        campaigns.rename(session, spanish, "  Cruces ágiles  para pymes ", MODERATOR)
        with pytest.raises(campaigns.CampaignError):
            campaigns.rename(session, english, "   ", MODERATOR)
        with pytest.raises(campaigns.CampaignError):
            campaigns.merge(session, spanish, english, MODERATOR)  # two languages: link them
        position = campaigns.link(session, spanish, english, MODERATOR)
        assert spanish.position_id == english.position_id == position.id
        assert [c.id for c in campaign_queries.linked(session, spanish)] == [english.id]
        actions = [e.action for e in audit.history(session, "campaign", spanish.id)]
        assert actions == [AuditAction.CAMPAIGN_RENAME, AuditAction.CAMPAIGN_LINK]
        assert spanish.name == "Cruces ágiles para pymes"
        campaigns.unlink(session, english, MODERATOR)
        assert campaign_queries.linked(session, spanish) == []


def test_rebuild_is_resumable_and_finds_the_same_campaigns(
        app: Flask, open_period: CommentPeriod) -> None:
    corpus = letters()[:60]
    ids = [add_submission(app, open_period, body=x.text, declared_language=x.language,
                          email=f"r{n}@example.org")[0] for n, x in enumerate(corpus)]
    check_campaigns(app)
    before = {i: campaign_id_of(app, i) for i in ids}
    with app.app_context(), write_session() as session:
        campaigns.reset(session, open_period.id)
        commit_batch(session)
        steps = campaigns.rebuild(session, [open_period.id], batch=7)
        first = next(steps)
        commit_batch(session)
        assert first.done == 7 and first.total == 60
        # Interrupted here; the next run checks only the rest.
    with app.app_context(), write_session() as session:
        progress = [p.done for p in campaigns.rebuild(session, [open_period.id], batch=7)]
        assert progress[-1] == 53
    after = {i: campaign_id_of(app, i) for i in ids}
    groups_before = {frozenset(i for i in ids if before[i] == c) for c in set(before.values())
                     if c is not None}
    groups_after = {frozenset(i for i in ids if after[i] == c) for c in set(after.values())
                    if c is not None}
    assert groups_after == groups_before


def test_rebuild_command(app: Flask, open_period: CommentPeriod, runner) -> None:  # type: ignore[no-untyped-def]
    store(app, open_period, copies("es-border")[:4])
    result = runner.invoke(args=["campaigns", "rebuild", "--period", open_period.slug,
                                 "--reset"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "4 comments checked" in result.output
    again = runner.invoke(args=["campaigns", "rebuild"])
    assert "0 comments checked" in again.output
    missing = runner.invoke(args=["campaigns", "rebuild", "--period", "nope"])
    assert missing.exit_code == 2 and "no comment period" in missing.output
    with app.app_context(), write_session() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 1
        assert [e.action for e in audit.history(session, "period", str(open_period.id))] == [
            AuditAction.CAMPAIGN_REBUILD]
