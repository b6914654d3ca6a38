"""Following a pillar or a period by email: no account, double opt-in, one-click unsubscribe.

A follow request stores the address unconfirmed and writes a confirmation message; the signed,
expiring link in it confirms. Only confirmed followers get notices. Asking again for the same
address and target keeps one row (and sends a new confirmation while unconfirmed). Every
notice carries a signed unsubscribe link; unsubscribing deletes the row.

Links are signed with itsdangerous (the app's secret key and a salt per purpose), so a link
altered by a single character, or used after its age, is refused with `LinkError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    CommentPeriod,
    Follower,
    MessageKind,
    NoticeKind,
    OutboxMessage,
    Pillar,
)
from portal.models.types import utcnow
from portal.services import outbox

CONFIRM_SALT = "portal.follow.confirm"
UNSUBSCRIBE_SALT = "portal.follow.unsubscribe"
# How far back "a period opened" and ahead "closes in 3 days" look: a worker that was down for
# less than this still announces the moment, and the dedupe key keeps it to once.
MOMENT_WINDOW = timedelta(days=1)
CLOSING_NOTICE = timedelta(days=3)


class LinkError(Exception):
    """A confirmation or unsubscribe link that cannot be used: `reason` is invalid, expired or
    gone (the follow request no longer exists)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


def target_of(pillar: Pillar | None = None, period: CommentPeriod | None = None) -> str:
    if period is not None:
        return f"period:{period.id}"
    if pillar is not None:
        return f"pillar:{pillar.id}"
    raise ValueError("follow a pillar or a period")


def request_follow(session: Session, email: str, language: str, *, pillar: Pillar | None = None,
                   period: CommentPeriod | None = None,
                   now: datetime | None = None) -> Follower:
    """Ask to follow: one row per address and target; a confirmation message unless confirmed."""
    now = now or utcnow()
    address = normalize_email(email)
    target = target_of(pillar, period)
    follower = session.scalar(
        select(Follower).where(Follower.email == address, Follower.target == target))
    if follower is None:
        follower = Follower(email=address, language=language, target=target,
                            pillar_id=pillar.id if pillar is not None and period is None
                            else None,
                            period_id=period.id if period is not None else None,
                            created_at=now)
        session.add(follower)
        session.flush()
    elif follower.confirmed_at is None:
        follower.language = language  # type: ignore[assignment]  # a code of Language
    if follower.confirmed_at is None:
        outbox.add(session, MessageKind.FOLLOW_CONFIRM, follower.email, language,
                   follower_id=follower.id, period_id=follower.period_id, now=now)
    return follower


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def sign(follower: Follower, secret: str, salt: str) -> str:
    return _serializer(secret, salt).dumps({"f": follower.id, "e": follower.email})


def _load(session: Session, token: str, secret: str, salt: str, max_age: int) -> Follower:
    try:
        data: Any = _serializer(secret, salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkError("expired") from exc
    except BadSignature as exc:
        raise LinkError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("f"), int):
        raise LinkError("invalid")
    follower = session.get(Follower, data["f"])
    if follower is None or follower.email != data.get("e"):
        raise LinkError("gone")
    return follower


def confirm(session: Session, token: str, secret: str, max_age: int,
            now: datetime | None = None) -> Follower:
    follower = _load(session, token, secret, CONFIRM_SALT, max_age)
    if follower.confirmed_at is None:
        follower.confirmed_at = now or utcnow()
        session.flush()
    return follower


def check_unsubscribe(session: Session, token: str, secret: str, max_age: int) -> Follower:
    return _load(session, token, secret, UNSUBSCRIBE_SALT, max_age)


def unsubscribe(session: Session, token: str, secret: str, max_age: int) -> str:
    """Stop notices for the link's follower; returns its target, for the page that says so."""
    follower = check_unsubscribe(session, token, secret, max_age)
    target = follower.target
    session.delete(follower)
    session.flush()
    return target


def describe_target(session: Session, target: str, lang: str) -> str:
    """The name of what is followed, in a language: a pillar's name or a period's title."""
    kind, _, raw_id = target.partition(":")
    if kind == "pillar":
        pillar = session.get(Pillar, int(raw_id))
        return pillar.name(lang) if pillar else ""
    period = session.get(CommentPeriod, int(raw_id))
    return period.title(lang) if period else ""


# -- notices ----------------------------------------------------------------------------------

def _followers_of(session: Session, period: CommentPeriod) -> list[Follower]:
    """Confirmed followers of the period or of its pillar, one per address (the period's own
    follow first)."""
    rows = session.scalars(
        select(Follower).where(
            Follower.confirmed_at.is_not(None),
            Follower.target.in_([f"period:{period.id}", f"pillar:{period.pillar_id}"]),
        ).order_by(Follower.period_id.is_(None), Follower.id)
    )
    seen: set[str] = set()
    chosen = []
    for follower in rows:
        if follower.email not in seen:
            seen.add(follower.email)
            chosen.append(follower)
    return chosen


def _plain(data: dict[str, object]) -> dict[str, object]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}


def notify(session: Session, kind: NoticeKind, period: CommentPeriod,
           data: dict[str, object] | None = None, *, dedupe: str | None = None,
           now: datetime | None = None) -> int:
    """One notice per confirmed follower of the period or its pillar. With `dedupe`, a
    follower who already got this notice gets none. Returns how many were written."""
    if outbox.is_muted(session):
        return 0
    followers = _followers_of(session, period)
    keys = {f.id: f"{kind}:{dedupe}:{f.id}" for f in followers} if dedupe else {}
    done: set[str | None] = set()
    if keys:
        done = set(session.scalars(select(OutboxMessage.dedupe_key)
                                   .where(OutboxMessage.dedupe_key.in_(keys.values()))))
    written = 0
    for follower in followers:
        key = keys.get(follower.id)
        if key is not None and key in done:
            continue
        outbox.add(session, MessageKind.NOTICE, follower.email, follower.language,
                   follower_id=follower.id, period_id=period.id,
                   data={"notice": str(kind), **_plain(data or {})}, dedupe_key=key, now=now)
        written += 1
    return written


def _announce(session: Session, kind: NoticeKind, periods: Iterable[CommentPeriod],
              now: datetime) -> int:
    written = 0
    for period in periods:
        moment = period.opens_at if kind is NoticeKind.OPENS else period.closes_at
        written += notify(session, kind, period,
                          {"opens_at": period.opens_at, "closes_at": period.closes_at},
                          dedupe=f"{period.id}:{moment.isoformat()}", now=now)
    return written


def announce_moments(session: Session, now: datetime | None = None) -> int:
    """The scheduled notices: a period opened, a period closes in three days. Safe to run as
    often as wanted: each (moment, follower) is announced once."""
    from portal.services import events

    now = now or utcnow()
    opening = events.periods_opening(session, now - MOMENT_WINDOW, now)
    soon = now + CLOSING_NOTICE
    closing = events.periods_closing(session, soon - MOMENT_WINDOW, soon)
    closing = [p for p in closing if p.closes_at > now]
    return (_announce(session, NoticeKind.OPENS, opening, now)
            + _announce(session, NoticeKind.CLOSING, closing, now))
