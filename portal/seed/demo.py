"""Demo comments for trying the site, sent and decided through the real services.

Comments arrive through `submissions.submit` (receipt, digest, language, flags, suggested
themes) at instants spread over the days since each period opened; a share is published with
confirmed themes (`themes.confirm_suggestions_if_unreviewed`, then `moderation.publish`) and a
small share rejected with a reason and a note in the writer's language, as the command line
(`audit.CLI`), so the reading room and the planners' pages have something to show at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CommentPeriod, PeriodState, Submission, Theme
from portal.models.types import utcnow
from portal.seed.corpus import Comment, Generator
from portal.services import audit, enrichment, moderation, outbox, themes
from portal.services.submissions import SubmissionInput, prepare, submit

DEMO_WORDS = (40, 200)
CAMPAIGN_SHARE = 0.1
REJECT_SHARE = 0.05

# Comments a moderator would turn down, with the reason and the note the writer reads.
REJECTS: dict[str, dict[str, tuple[str, str, str]]] = {
    "en": {
        "off_topic": (
            "My cable bill went up again this month.",
            "My cable bill went up again this month and nobody at the company answers the "
            "phone. Someone should look into these prices.",
            "Your comment does not address the topics of this comment period.",
        ),
        "spam": (
            "Cheap freight quotes today.",
            "Best freight quotes! Visit https://freight.example.com/deal "
            "https://freight.example.com/a https://freight.example.com/b "
            "https://freight.example.com/c https://freight.example.com/d for discounts.",
            "Advertising is not accepted in this consultation.",
        ),
        "personal_information": (
            "Please call me about the crossing at Laredo.",
            "The crossing at Laredo is a disaster. Call me at 555-0142 or come to my house "
            "at 1200 Example Street, Laredo, and I will show you the videos.",
            "Your comment contains a phone number and a home address; please send it again "
            "without them.",
        ),
    },
    "es": {
        "off_topic": (
            "Quiero reportar un bache en mi calle.",
            "Hay un bache enorme en mi calle desde hace meses y el municipio no lo arregla. "
            "Por favor hagan algo.",
            "Su comentario no trata los temas de este periodo de consulta.",
        ),
        "spam": (
            "Ofertas de fletes al mejor precio.",
            "¡Fletes baratos! Visite https://fletes.example.com/oferta "
            "https://fletes.example.com/a https://fletes.example.com/b "
            "https://fletes.example.com/c https://fletes.example.com/d y ahorre.",
            "No se aceptan anuncios en esta consulta.",
        ),
        "personal_information": (
            "Llámenme para hablar del cruce en Nuevo Laredo.",
            "El cruce en Nuevo Laredo es un desastre. Llámenme al 867 555 0199 o vengan a mi "
            "casa en Calle Ejemplo 120, Nuevo Laredo, y les muestro los videos.",
            "Su comentario incluye un teléfono y un domicilio particular; envíelo de nuevo sin "
            "esos datos.",
        ),
    },
}


@dataclass
class DemoProgress:
    added: int = 0
    published: int = 0
    rejected: int = 0


def _open_periods(session: Session, now: datetime) -> dict[int, CommentPeriod]:
    """The open period of each pillar (the earliest if a pillar has several)."""
    found: dict[int, CommentPeriod] = {}
    for period in session.scalars(select(CommentPeriod).order_by(CommentPeriod.opens_at)):
        if period.state(now) is PeriodState.OPEN:
            found.setdefault(period.pillar.number, period)
    return found


def _as_input(comment: Comment, rng: random.Random) -> SubmissionInput:
    writer = comment.writer
    return SubmissionInput(
        submitter_type=writer.submitter_type, organization=writer.organization,
        name=writer.name, email=writer.email, country=writer.country, region=writer.region,
        subject=comment.subject, body=comment.body, consent_publish=rng.random() < 0.85,
        # Most writers leave the language to detection, as most do on the form.
        declared_language=comment.language if rng.random() < 0.3 else None,
    )


def _rejectable(comment: Comment, rng: random.Random) -> tuple[Comment, str, str]:
    reason = rng.choice(list(REJECTS[comment.language]))
    subject, body, note = REJECTS[comment.language][reason]
    off = Comment(writer=comment.writer, pillar=comment.pillar, themes=(),
                  language=comment.language, subject=subject, body=body)
    return off, reason, note


def add_demo(
    session: Session,
    count: int,
    seed: int = 2013,
    publish_share: float = 0.0,
    reject_share: float = REJECT_SHARE,
    batch: int = 100,
    now: datetime | None = None,
) -> Iterator[DemoProgress]:
    """Add count demo comments over the open periods, yielding after each batch so that the
    caller commits it (`portal.db.commit_batch`). Nothing is added when no period is open."""
    if not 0 <= publish_share <= 1 or not 0 <= reject_share <= 1 - publish_share:
        raise ValueError("the published and rejected shares must add up to at most 1")
    now = now or utcnow()
    periods = _open_periods(session, now)
    progress = DemoProgress()
    if not periods or count <= 0:
        return
    pillars = tuple(sorted(periods))
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    generator = Generator(seed, words=DEMO_WORDS, campaign_share=CAMPAIGN_SHARE)
    theme_ids = {t.code: t.id for t in session.scalars(select(Theme))}
    # Arrival instants spread over the time each period has been open, oldest first.
    instants = sorted(rng.random() for _ in range(count))
    # Exactly these shares are decided, at positions drawn at random.
    decisions = ["publish"] * round(count * publish_share) + ["reject"] * round(
        count * reject_share)
    decisions = (decisions + ["pending"] * count)[:count]
    rng.shuffle(decisions)
    # Demo comments write no receipt or decision message: nobody waits for them.
    with outbox.muted(session):
        for i, comment in enumerate(generator.comments(count, pillars)):
            period = periods[comment.pillar]
            received = period.opens_at + (now - period.opens_at) * instants[i]
            reason = note = None
            if decisions[i] == "reject":
                comment, reason, note = _rejectable(comment, rng)
            stored = submit(session, prepare(period, _as_input(comment, rng),
                                             ui_language=comment.language, now=received))
            enrichment.ensure(session, stored)  # what the worker would add, at once
            progress.added += 1
            decided = min(now, received + timedelta(hours=rng.uniform(1, 72)))
            if reason is not None:
                moderation.reject(session, stored, audit.CLI, reason, note or "", now=decided)
                progress.rejected += 1
            elif decisions[i] == "publish":
                _publish(session, stored, [theme_ids[c] for c in comment.themes], decided)
                progress.published += 1
            if progress.added % batch == 0 or progress.added == count:
                yield progress


def _publish(session: Session, submission: Submission, intended: list[int],
             when: datetime) -> None:
    themes.confirm_suggestions_if_unreviewed(session, submission, audit.CLI)
    if not any(row.confirmed for row in themes.of_submission(session, submission.id)):
        # The matcher found nothing: the moderator confirms what the comment is about.
        themes.confirm(session, submission, intended, audit.CLI)
    moderation.publish(session, submission, audit.CLI, now=when)
