"""The audit trail: every decision, edit, sign-in and export, with who, when, what, before/after.

There is deliberately no function here that changes or removes an event; the database refuses
UPDATE and DELETE on the table too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import AuditEvent, User
from portal.models.types import utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff account, or the command line / system with a label."""

    label: str
    user_id: int | None = None
    ip: str = ""

    @classmethod
    def of(cls, user: User, ip: str = "") -> Actor:
        return cls(label=user.email, user_id=user.id, ip=ip)


CLI = Actor(label="command line")


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    actor: Actor,
    action: str,
    subject_type: str = "",
    subject_id: object = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.user_id,
        actor=actor.label,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        before=_dump(before),
        after=_dump(after),
        ip=actor.ip[:64],
    )
    session.add(event)
    return event


def history(session: Session, subject_type: str, subject_id: object) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type)
            .where(AuditEvent.subject_id == str(subject_id))
            .order_by(AuditEvent.id)
        )
    )


def loads(value: str | None) -> Any:
    return json.loads(value) if value else None
