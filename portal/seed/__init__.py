"""What a new site starts with: the three HLED pillars, one open comment period each, and the
theme taxonomy, all from the 2013 fact sheet. Running it again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CommentPeriod, Pillar, Question, Theme
from portal.models.types import utcnow
from portal.seed import pillars as pillar_data
from portal.seed import taxonomy
from portal.services.consultations import next_docket_id


@dataclass
class SeedResult:
    pillars_added: int = 0
    periods_added: int = 0
    themes_added: int = 0


def seed(session: Session, now: datetime | None = None, days_open: int = 90,
         opened_days_ago: int = 1) -> SeedResult:
    """Add the three pillars and one open period each; running it again adds nothing.

    New periods opened opened_days_ago days before today (the demo spreads its comments over
    those days) and close days_open days after they opened.
    """
    now = now or utcnow()
    result = SeedResult()
    opens = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=opened_days_ago)
    for spec in pillar_data.PILLARS:
        pillar = session.scalar(select(Pillar).where(Pillar.number == spec["number"]))
        if pillar is None:
            fields = {k: v for k, v in spec.items() if k != "period"}
            pillar = Pillar(**fields)
            session.add(pillar)
            session.flush()
            result.pillars_added += 1
        period_spec = cast(dict[str, Any], spec["period"])
        exists = session.scalar(
            select(CommentPeriod.id).where(CommentPeriod.slug == period_spec["slug"])
        )
        if exists is None:
            fields = {k: v for k, v in period_spec.items() if not k.startswith("questions_")}
            questions = zip(period_spec["questions_en"].splitlines(),
                            period_spec["questions_es"].splitlines(), strict=True)
            session.add(
                CommentPeriod(
                    pillar=pillar,
                    docket_id=next_docket_id(session, opens.year),
                    opens_at=opens,
                    closes_at=opens + timedelta(days=days_open),
                    timezone="America/New_York",
                    summary_en=_first_sentence(period_spec["description_en"]),
                    summary_es=_first_sentence(period_spec["description_es"]),
                    questions=[Question(position=n, text_en=en, text_es=es)
                               for n, (en, es) in enumerate(questions, start=1)],
                    **fields,
                )
            )
            session.flush()
            result.periods_added += 1
    result.themes_added = seed_themes(session)
    return result


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def seed_themes(session: Session) -> int:
    """Add the starting taxonomy; existing themes (perhaps edited by an admin) are kept."""
    added = 0
    pillars = {p.number: p for p in session.scalars(select(Pillar))}
    for position, (number, code, label_en, label_es, kw_en, kw_es) in enumerate(
        taxonomy.THEMES
    ):
        if number not in pillars or session.scalar(select(Theme.id).where(Theme.code == code)):
            continue
        session.add(Theme(pillar_id=pillars[number].id, code=code, label_en=label_en,
                          label_es=label_es, keywords_en=kw_en, keywords_es=kw_es,
                          position=position, active=True))
        added += 1
    session.flush()
    return added
