"""The audit trail: every decision, edit, sign-in and export, with who, when, what, before/after.

There is deliberately no function here that changes or removes an event; the database refuses
UPDATE and DELETE on the table too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from portal.models import (
    AuditAction,
    AuditEvent,
    Flag,
    LabeledEnum,
    RejectReason,
    Role,
    Status,
    User,
)
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
    action: AuditAction,
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


def record_many(
    session: Session,
    actor: Actor,
    action: AuditAction,
    subject_type: str,
    subject_ids: Sequence[object],
    before: Any = None,
    after: Any = None,
) -> None:
    """The same event for many subjects (a campaign decided for its members), in one statement."""
    if not subject_ids:
        return
    at, old, new = utcnow(), _dump(before), _dump(after)
    session.execute(cast(Table, AuditEvent.__table__).insert(), [
        {"at": at, "actor_id": actor.user_id, "actor": actor.label, "action": action,
         "subject_type": subject_type, "subject_id": str(subject_id), "before": old,
         "after": new, "ip": actor.ip[:64]}
        for subject_id in subject_ids
    ])


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


# What each recorded field is called, and the enum that labels its codes (if any).
_FIELDS: dict[str, tuple[Any, type[LabeledEnum] | None]] = {
    "status": (_l("Status"), Status),
    "reject_reason": (_l("Reason"), RejectReason),
    "reject_note": (_l("Note to the submitter"), None),
    "public_subject": (_l("Public subject"), None),
    "public_body": (_l("Public version"), None),
    "themes": (_l("Themes"), None),
    "role": (_l("Role"), Role),
    "active": (_l("Account enabled"), None),
    "email": (_l("Email address"), None),
    "locked_until": (_l("Locked until"), None),
    "label_en": (_l("Label (English)"), None),
    "label_es": (_l("Label (Spanish)"), None),
    "keywords_en": (_l("Keywords (English)"), None),
    "keywords_es": (_l("Keywords (Spanish)"), None),
    "return_reason": (_l("Reason for returning it to the queue"), None),
    "pillar": (_l("Pillar"), None),
    "slug": (_l("Address"), None),
    "docket": (_l("Docket"), None),
    "title_en": (_l("Title (English)"), None),
    "title_es": (_l("Title (Spanish)"), None),
    "summary_en": (_l("Summary (English)"), None),
    "summary_es": (_l("Summary (Spanish)"), None),
    "description_en": (_l("Description (English)"), None),
    "description_es": (_l("Description (Spanish)"), None),
    "opens_at": (_l("Opens"), None),
    "closes_at": (_l("Closes"), None),
    "timezone": (_l("Time zone"), None),
    "questions_en": (_l("Questions (English)"), None),
    "questions_es": (_l("Questions (Spanish)"), None),
    "reason_en": (_l("Reason (English)"), None),
    "reason_es": (_l("Reason (Spanish)"), None),
    "document": (_l("Document"), None),
    "url": (_l("Address of the notice"), None),
    "file_name": (_l("File"), None),
    "response_en": (_l("Response (English)"), None),
    "response_es": (_l("Response (Spanish)"), None),
    "revision": (_l("Revision"), None),
    "flags": (_l("Flags"), Flag),
    "name": (_l("Name"), None),
    "members": (_l("Members"), None),
    "merged": (_l("Campaign merged into this one"), None),
    "merged_into": (_l("Merged into"), None),
    "campaign": (_l("Campaign"), None),
    "tracking_number": (_l("Tracking number"), None),
    "position": (_l("Counted as one position with"), None),
}
# Fields named with a number: "answer_2" is the public version of the answer to question 2.
_NUMBERED = {"answer": _l("Public version of answer %(number)s")}


def _field(key: str) -> tuple[Any, type[LabeledEnum] | None] | None:
    if key in _FIELDS:
        return _FIELDS[key]
    stem, _, number = key.rpartition("_")
    if stem in _NUMBERED and number.isdigit():
        return _NUMBERED[stem] % {"number": number}, None
    return None


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes(event: AuditEvent, names: Mapping[int, str] | None = None) -> list[Change]:
    """What an event changed, field by field, in words: codes by their labels, theme ids by the
    names given, nothing as raw JSON. Fields that did not change are left out."""
    before, after = loads(event.before) or {}, loads(event.after) or {}
    found = []
    keys = [k for k in _FIELDS if k in before or k in after]
    keys += sorted(k for k in {*before, *after} if k not in _FIELDS and _field(k) is not None)
    for key in keys:
        old, new = before.get(key), after.get(key)
        if old == new and key in before:
            continue
        label, enum = _field(key)  # type: ignore[misc]  # keys above all have a field
        if key in _INSTANTS:
            found.append(Change(str(label), _instant(old) if old else "—",
                                _instant(new) if new else "—"))
            continue
        found.append(Change(str(label), _word(old, enum, names), _word(new, enum, names)))
    return found


# Instants recorded as ISO text, shown in the staff pages' one format.
_INSTANTS = frozenset({"opens_at", "closes_at"})


def _instant(value: Any) -> str:
    from portal.i18n import format_short

    try:
        return format_short(datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return str(value)


def _word(value: Any, enum: type[LabeledEnum] | None, names: Mapping[int, str] | None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if enum is not None and isinstance(value, list):
        return ", ".join(enum.label_of(v) for v in value)
    if enum is not None:
        return enum.label_of(value)
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list):
        return ", ".join(names.get(v, str(v)) if names else str(v) for v in value)
    return str(value)
