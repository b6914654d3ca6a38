"""What the API and the bulk downloads publish, and nothing more: the reading room's record.

A comment is its public version (`shown_subject`, `shown_body`); name, organization and region
only with the writer's consent; never the email address, the original of a redacted text, the
moderation history or anything of a comment that is not published. Every code comes with its
label in the language asked (`x` and `x_label`).

Features that add public data to a comment add one function to EXTRAS: it takes the session,
the comments of a page (or a download batch) and the context, and returns the extra fields per
comment id — answers per question, campaign, public attachments as links. The OpenAPI document
names those fields already, as present when the feature exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import (
    Answer,
    Attachment,
    Campaign,
    CampaignCheck,
    CommentPeriod,
    Country,
    FileState,
    Language,
    PeriodState,
    Pillar,
    Question,
    Status,
    Submission,
    SubmitterType,
    Theme,
)
from portal.models.labels import LabeledEnum
from portal.models.outcome import OutcomeRevision
from portal.services import open_data, themes
from portal.services.summaries import Summary

TRACKING = "HLED-0000-0000-0000"


def instant(moment: datetime | None) -> str | None:
    """An instant in UTC, ISO 8601 with a Z, to the microsecond only where it has one."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Context:
    """What serializing needs besides the rows, looked up once per request or download."""

    lang: str
    comment_url: str  # with TRACKING where the tracking number goes
    labels: dict[type[LabeledEnum], dict[str, str]]
    themes: dict[int, tuple[str, str]]  # id -> (code, label)
    dockets: dict[int, str]

    @classmethod
    def of(cls, session: Session, lang: str) -> Context:
        enums: tuple[type[LabeledEnum], ...] = (SubmitterType, Country, Language, PeriodState)
        with force_locale(lang):
            labels = {e: e.labels() for e in enums}
        return cls(
            lang=lang,
            comment_url=url_for("public.published_comment", lang=lang, tracking=TRACKING,
                                _external=True),
            labels=labels,
            themes={t.id: (t.code, t.label(lang))
                    for t in session.scalars(select(Theme).order_by(Theme.id))},
            dockets=dict(session.execute(select(CommentPeriod.id, CommentPeriod.docket_id)).all()),
        )

    def fingerprint(self) -> str:
        """Everything of the context that shows in a comment: part of a validator."""
        labels = sorted((e.__name__, sorted(m.items())) for e, m in self.labels.items())
        return repr((self.lang, self.comment_url, sorted(self.themes.items()), labels))

    def label(self, enum: type[LabeledEnum], code: str) -> str:
        return self.labels[enum].get(code, code)


@dataclass(frozen=True)
class Extra:
    """Fields a feature adds to each published comment, and how to read them for a batch."""

    fields: tuple[str, ...]
    values: Callable[[Session, Sequence[Submission], Context], dict[int, dict[str, Any]]]


def _themes(session: Session, items: Sequence[Submission], ctx: Context
            ) -> dict[int, dict[str, Any]]:
    confirmed = themes.confirmed_ids(session, [s.id for s in items])
    out = {}
    for s in items:
        found = [ctx.themes[t] for t in confirmed.get(s.id, ()) if t in ctx.themes]
        out[s.id] = {"themes": [code for code, _ in found],
                     "theme_labels": [label for _, label in found]}
    return out


def _answers(session: Session, items: Sequence[Submission], ctx: Context
             ) -> dict[int, dict[str, Any]]:
    """Public versions of the answers per question; withheld ones ("") are left out."""
    out: dict[int, dict[str, Any]] = {s.id: {"answers": []} for s in items}
    for submission_id, position, text_en, text_es, text, public_text in session.execute(
        select(Answer.submission_id, Question.position, Question.text_en, Question.text_es,
               Answer.text, Answer.public_text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.submission_id.in_([s.id for s in items]))
        .order_by(Answer.submission_id, Question.position)
    ):
        shown = public_text if public_text is not None else text
        if shown.strip():
            out[submission_id]["answers"].append({
                "question": position, "question_text": text_es if ctx.lang == "es" else text_en,
                "text": shown})
    return out


def _campaign(session: Session, items: Sequence[Submission], ctx: Context
              ) -> dict[int, dict[str, Any]]:
    """The form-letter campaign of each comment, as one position (campaigns staff linked across
    languages count as one): its code, its public name and its published signers. A name is
    public when staff gave it or when it is the subject of a published comment."""
    out: dict[int, dict[str, Any]] = {s.id: {"campaign": None} for s in items}
    members: dict[int, int] = {
        sid: cid for sid, cid in session.execute(
            select(CampaignCheck.submission_id, CampaignCheck.campaign_id)
            .where(CampaignCheck.submission_id.in_([s.id for s in items]),
                   CampaignCheck.campaign_id.isnot(None)))
        if cid is not None}
    if not members:
        return out
    first = session.scalars(select(Campaign).where(Campaign.id.in_(set(members.values())))).all()
    position_ids = {c.position_id for c in first if c.position_id is not None}
    campaigns = {c.id: c for c in first}
    if position_ids:  # the other campaigns of the same positions
        for c in session.scalars(select(Campaign).where(Campaign.position_id.in_(position_ids),
                                                        Campaign.merged_into_id.is_(None))):
            campaigns[c.id] = c
    signers = dict(session.execute(
        select(CampaignCheck.campaign_id, func.count())
        .join(Submission, Submission.id == CampaignCheck.submission_id)
        .where(CampaignCheck.campaign_id.in_(campaigns), Submission.status == Status.PUBLISHED)
        .group_by(CampaignCheck.campaign_id)).all())
    published_reps = set(session.scalars(
        select(Submission.id).where(Submission.id.in_([c.representative_id
                                                       for c in campaigns.values()]),
                                    Submission.status == Status.PUBLISHED)))
    positions: dict[str, dict[str, Any]] = {}
    for c in sorted(campaigns.values(), key=lambda c: (-signers.get(c.id, 0), c.id)):
        code = open_data.campaign_code(c)
        entry = positions.setdefault(code, {"code": code, "names": [], "signers": 0})
        entry["signers"] += signers.get(c.id, 0)
        if c.named_by_staff or c.representative_id in published_reps:
            entry["names"].append(c.name)
    for submission_id, campaign_id in members.items():
        entry = positions[open_data.campaign_code(campaigns[campaign_id])]
        out[submission_id]["campaign"] = {
            "code": entry["code"], "name": " / ".join(entry["names"]) or None,
            "signers": entry["signers"]}
    return out


def _attachments(session: Session, items: Sequence[Submission], ctx: Context
                 ) -> dict[int, dict[str, Any]]:
    """Public files as links: never a confidential, held or withheld one."""
    out: dict[int, dict[str, Any]] = {s.id: {"attachments": []} for s in items}
    tracking = {s.id: s.tracking_number for s in items}
    for a in session.scalars(
        select(Attachment)
        .where(Attachment.submission_id.in_(list(tracking)), Attachment.confidential.is_(False),
               Attachment.state == FileState.STORED)
        .order_by(Attachment.submission_id, Attachment.position)
    ):
        out[a.submission_id]["attachments"].append({
            "name": a.name, "media_type": a.file_type.media_type, "size": a.size,
            "sha256": a.sha256,
            "url": ctx.comment_url.replace(TRACKING, tracking[a.submission_id])
            + f"/files/{a.position}"})
    return out


EXTRAS: list[Extra] = [Extra(("themes", "theme_labels"), _themes), Extra(("answers",), _answers),
                       Extra(("campaign",), _campaign), Extra(("attachments",), _attachments)]

BASE_FIELDS = (
    "tracking_number", "docket", "url", "received_at", "updated_at", "submitter_type",
    "submitter_type_label", "organization", "name", "country", "country_label", "region",
    "language", "language_label", "subject", "text",
)
# Every field of a published comment, in order: the API's objects and the downloads' columns.
FIELDS = (*BASE_FIELDS, *(name for extra in EXTRAS for name in extra.fields))


def _comment(s: Submission, ctx: Context) -> dict[str, Any]:
    consent = s.consent_publish
    return {
        "tracking_number": s.tracking_number,
        "docket": ctx.dockets.get(s.period_id),
        "url": ctx.comment_url.replace(TRACKING, s.tracking_number),
        "received_at": instant(s.received_at),
        "updated_at": instant(s.updated_at),
        "submitter_type": s.submitter_type.value,
        "submitter_type_label": ctx.label(SubmitterType, s.submitter_type),
        "organization": (s.organization or None) if consent else None,
        "name": (s.name or None) if consent else None,
        "country": s.country.value,
        "country_label": ctx.label(Country, s.country),
        "region": (s.region or None) if consent else None,
        "language": s.language.value,
        "language_label": ctx.label(Language, s.language),
        "subject": s.shown_subject,
        "text": s.shown_body,
    }


def comments(session: Session, items: Sequence[Submission], ctx: Context
             ) -> list[dict[str, Any]]:
    """Published comments, each with the extra fields of every feature. Anything not
    published here is a withdrawal: its tracking number and date, no content."""
    public = [s for s in items if s.status is Status.PUBLISHED]
    extras = [extra.values(session, public, ctx) for extra in EXTRAS] if public else []
    out = []
    for s in items:
        if s.status is not Status.PUBLISHED:
            out.append(withdrawn(s))
            continue
        row = _comment(s, ctx)
        for extra in extras:
            row.update(extra.get(s.id, {}))
        out.append(row)
    return out


def withdrawn(s: Submission) -> dict[str, Any]:
    return {"tracking_number": s.tracking_number, "withdrawn": True,
            "updated_at": instant(s.updated_at)}


def _local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat()


def period(p: CommentPeriod, ctx: Context, published: int, has_outcome: bool = False
           ) -> dict[str, Any]:
    state = p.state()
    key = p.docket_id
    return {
        "docket": p.docket_id,
        "slug": p.slug,
        "pillar": p.pillar.slug,
        "title": p.title(ctx.lang),
        "description": p.description(ctx.lang),
        "state": state.value,
        "state_label": ctx.label(PeriodState, state),
        "opens_at": instant(p.opens_at),
        "closes_at": instant(p.closes_at),
        "timezone": p.timezone,
        "opens_at_local": _local(p.opens_at, p.timezone),
        "closes_at_local": _local(p.closes_at, p.timezone),
        "questions": [{"number": q.position, "text": q.text(ctx.lang)}
                      for q in sorted(p.questions, key=lambda q: q.position)],
        "comments_published": published,
        "links": {
            "html": url_for("public.period", lang=ctx.lang, slug=p.slug, _external=True),
            "comments": url_for("api.period_comments", key=key, _external=True),
            "summary": url_for("api.period_summary", key=key, _external=True),
            "outcome": (url_for("api.period_outcome", key=key, _external=True)
                        if has_outcome else None),
            "csv": url_for("api.download_csv", key=key, lang=ctx.lang, _external=True),
            "jsonl": url_for("api.download_jsonl", key=key, lang=ctx.lang, _external=True),
        },
    }


def pillar(p: Pillar, themes: Sequence[Theme], ctx: Context) -> dict[str, Any]:
    return {
        "number": p.number,
        "slug": p.slug,
        "name": p.name(ctx.lang),
        "description": p.description(ctx.lang),
        "periods": [period.docket_id for period in p.periods],
        "themes": [{"code": t.code, "label": t.label(ctx.lang), "active": t.active}
                   for t in themes],
    }


def outcome(o: OutcomeRevision, p: CommentPeriod, ctx: Context) -> dict[str, Any]:
    """A published outcome page ("what we heard"): its texts in the language asked."""
    es = ctx.lang == "es"
    return {
        "docket": p.docket_id,
        "summary": o.summary_es if es else o.summary_en,
        "response": o.response_es if es else o.response_en,
        "published_at": instant(o.published_at),
        "url": url_for("public.outcome", lang=ctx.lang, slug=p.slug, _external=True),
    }


def counts(items: dict[str, int]) -> dict[str, int]:
    return {str(k): n for k, n in sorted(items.items())}


def summary(s: Summary, p: CommentPeriod, ctx: Context) -> dict[str, Any]:
    """The themed summary of a period's published comments (a `summaries.Summary`): counts,
    splits, distinctive terms and exact quotes. Counts of other statuses stay with the staff."""
    return {
        "docket": p.docket_id,
        "comments_published": s.published,
        "published_by_submitter_type": counts(s.by_type),
        "published_by_country": counts(s.by_country),
        "published_by_language": counts(s.by_language),
        "themes": [
            {
                "code": t.theme.code,
                "label": t.theme.label(ctx.lang),
                "count": t.count,
                "share": round(t.share, 4),
                "by_submitter_type": counts(t.by_type),
                "by_country": counts(t.by_country),
                "by_language": counts(t.by_language),
                "distinctive_terms": [term.term for term in t.terms],
                "quotes": [{"tracking_number": q.tracking_number, "text": q.text,
                            "whole_comment": q.whole} for q in t.quotes],
            }
            for t in s.themes
        ],
        "uncovered": {"count": s.uncovered_count,
                      "tracking_numbers": [u.tracking_number for u in s.uncovered]},
        "labels": {"submitter_type": ctx.labels[SubmitterType], "country": ctx.labels[Country],
                   "language": ctx.labels[Language]},
    }
