"""Campaigns counted once: each position (a campaign, or campaigns staff linked across languages)
with the number of its published signers, where they come from and who they are.

Computed by aggregates over the members in scope, so a position of fifty thousand signers costs
a grouped count, not fifty thousand rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import (
    Campaign,
    CampaignCheck,
    Country,
    Language,
    Status,
    Submission,
    SubmitterType,
)

POSITIONS_LISTED = 50
EXCERPT_WORDS = 40


@dataclass
class CampaignPart:
    id: int
    name: str
    language: str
    signers: int
    representative: str  # tracking number
    # The name may be shown to the public: staff gave it, or it is a published comment's subject.
    public: bool = False


@dataclass
class PositionSummary:
    key: str  # "p<position id>" for linked campaigns, "c<campaign id>" for one alone
    campaigns: list[CampaignPart]
    signers: int = 0
    by_country: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    excerpt: str = ""

    @property
    def name(self) -> str:
        return " / ".join(c.name for c in self.campaigns)


def _grouped(session: Session, period_ids: Sequence[int],
             column: object) -> dict[int, dict[str, int]]:
    rows = session.execute(
        select(CampaignCheck.campaign_id, column, func.count())  # type: ignore[call-overload]
        .join(Submission, Submission.id == CampaignCheck.submission_id)
        .where(CampaignCheck.period_id.in_(period_ids), CampaignCheck.campaign_id.isnot(None),
               Submission.status == Status.PUBLISHED)
        .group_by(CampaignCheck.campaign_id, column))
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for campaign_id, key, n in rows:
        found[campaign_id][key] = n
    return found


def positions(session: Session, period_ids: Sequence[int],
              limit: int = POSITIONS_LISTED) -> tuple[list[PositionSummary], int]:
    """The largest positions by published signers, and how many positions there are."""
    by_country = _grouped(session, period_ids, Submission.country)
    if not by_country:
        return [], 0
    by_type = _grouped(session, period_ids, Submission.submitter_type)
    rows = session.execute(
        select(Campaign, Submission.tracking_number, Submission.body, Submission.status,
               Submission.public_subject)
        .join(Submission, Submission.id == Campaign.representative_id)
        .where(Campaign.id.in_(by_country))
    ).all()
    grouped: dict[str, PositionSummary] = {}
    for campaign, tracking, body, status, public_subject in rows:
        key = f"p{campaign.position_id}" if campaign.position_id else f"c{campaign.id}"
        signers = sum(by_country[campaign.id].values())
        position = grouped.setdefault(key, PositionSummary(key, []))
        # A name taken from the subject as received gives way to the subject a moderator
        # edited (a redaction must not come back through the campaign's name).
        name = (campaign.name if campaign.named_by_staff or public_subject is None
                else " ".join(public_subject.split())[:200])
        position.campaigns.append(CampaignPart(
            campaign.id, name, campaign.language, signers, tracking,
            public=campaign.named_by_staff or status == Status.PUBLISHED))
        position.signers += signers
        for target, source in ((position.by_country, by_country[campaign.id]),
                               (position.by_type, by_type.get(campaign.id, {}))):
            for code, n in source.items():
                target[code] = target.get(code, 0) + n
        if not position.excerpt:
            words = body.split()
            position.excerpt = " ".join(words[:EXCERPT_WORDS]) + (
                " …" if len(words) > EXCERPT_WORDS else "")
    ordered = sorted(grouped.values(), key=lambda p: (-p.signers, p.key))
    for position in ordered:
        position.campaigns.sort(key=lambda c: (-c.signers, c.id))
    return ordered[:limit], len(ordered)


def of_rows(session: Session, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """The campaign columns of export rows: name, number and position number."""
    if not ids:
        return {}
    rows = session.execute(
        select(CampaignCheck.submission_id, Campaign.id, Campaign.name, Campaign.position_id)
        .join(Campaign, Campaign.id == CampaignCheck.campaign_id)
        .where(CampaignCheck.submission_id.in_(ids)))
    return {sid: {"campaign": name, "campaign_id": cid, "position_id": pid}
            for sid, cid, name, pid in rows}


def as_dicts(found: Sequence[PositionSummary]) -> list[dict[str, object]]:
    """Positions for the JSON summary: codes as keys, as everywhere in it."""
    return [{"position": p.key, "name": p.name, "signers": p.signers,
             "by_country": p.by_country, "by_submitter_type": p.by_type, "excerpt": p.excerpt,
             "campaigns": [{"campaign_id": c.id, "name": c.name, "language": c.language,
                            "signers": c.signers, "representative": c.representative}
                           for c in p.campaigns]}
            for p in found]


def sheet(found: Sequence[PositionSummary], lang: str) -> tuple[list[str],
                                                                list[list[object]]]:
    """The Campaigns sheet: one row per campaign, grouped by position, labels in lang."""
    with force_locale(lang):
        headings = [gettext("Position"), gettext("Campaign number"), gettext("Campaign"),
                    gettext("Written in"), gettext("Signers"), gettext("Signers of the position"),
                    gettext("By country"), gettext("By submitter type"),
                    gettext("Representative text")]
        rows: list[list[object]] = []
        for number, p in enumerate(found, start=1):
            countries = "; ".join(f"{Country.label_of(k)}: {n}"
                                  for k, n in sorted(p.by_country.items()))
            types = "; ".join(f"{SubmitterType.label_of(k)}: {n}"
                              for k, n in sorted(p.by_type.items()))
            for c in p.campaigns:
                rows.append([number, c.id, c.name, Language.label_of(c.language), c.signers,
                             p.signers, countries, types, c.representative])
    return headings, rows
