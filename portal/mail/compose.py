"""One outbox row becomes one email: plain text and HTML from templates/mail/, in the language
the person used, with links back to the portal (PORTAL_BASE_URL, since a worker has no request
to take the host from) and, for followers, the one-click unsubscribe headers (RFC 8058).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.i18n import format_local
from portal.models import (
    CommentPeriod,
    Follower,
    MessageKind,
    NoticeKind,
    OutboxMessage,
    RejectReason,
    Status,
    Submission,
)
from portal.models.types import utcnow
from portal.services import following

FIRST_LINES = 4
FIRST_CHARS = 400


class Unwanted(Exception):
    """The message should no longer be sent (the follower left, the decision was undone)."""


def ascii_domain(address: str) -> str:
    """The address with its domain in IDNA (bücher.example → xn--bcher-kva.example), so that
    only a non-ASCII local part needs a server that speaks SMTPUTF8."""
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def message_id(outbox_id: int) -> str:
    """The same Message-ID every time this row is sent: a receiver can tell a repeat."""
    config = current_app.config
    tag = hmac.new(str(config["SECRET_KEY"]).encode(), f"outbox:{outbox_id}".encode(),
                   hashlib.sha256).hexdigest()[:16]
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or \
        urlsplit(config["BASE_URL"]).hostname or "localhost"
    return f"<outbox-{outbox_id}.{tag}@{domain}>"


def first_lines(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    shown = "\n".join(lines[:FIRST_LINES])
    if len(shown) > FIRST_CHARS:
        shown = shown[:FIRST_CHARS].rstrip() + "…"
    elif len(lines) > FIRST_LINES:
        shown += "\n…"
    return shown


def _instant(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return None


def compose(session: Session, message: OutboxMessage) -> EmailMessage:
    """The email for an outbox row; raises Unwanted when it should not go out any more."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    lang = str(message.language) if str(message.language) in ("en", "es") else "en"
    base = app.config["BASE_URL"]
    with app.test_request_context(f"/{lang}/", base_url=base), force_locale(lang):
        g.lang = lang
        subject, context, unsubscribe = _content(session, message, lang)
        context.update(
            lang=lang, subject=subject, home_url=url_for("public.home", _external=True),
            unsubscribe_url=unsubscribe,
        )
        template = f"mail/{message.kind}"
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", **context)
        portal_name = _("HLED Public Consultation")

    email = EmailMessage()
    email["Subject"] = subject
    sender = app.config["MAIL_FROM"]
    name, address = parseaddr(sender)
    email["From"] = Address(display_name=name or portal_name, addr_spec=address or sender)
    email["To"] = ascii_domain(message.recipient)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id(message.id)
    email["Auto-Submitted"] = "auto-generated"
    email["X-Portal-Outbox-Id"] = str(message.id)
    if unsubscribe:
        email["List-Unsubscribe"] = f"<{unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    email["Content-Language"] = lang  # after the content, which replaces Content-* headers
    return email


def _content(session: Session, message: OutboxMessage,
             lang: str) -> tuple[str, dict[str, Any], str | None]:
    if message.kind in (MessageKind.RECEIPT, MessageKind.DECISION):
        return _about_comment(session, message, lang)
    follower = session.get(Follower, message.follower_id) if message.follower_id else None
    if follower is None:
        raise Unwanted("the address unsubscribed")
    config = current_app.config
    target = following.describe_target(session, follower.target, lang)
    if message.kind is MessageKind.FOLLOW_CONFIRM:
        if follower.confirmed_at is not None:
            raise Unwanted("the address is already confirmed")
        token = following.sign(follower, config["SECRET_KEY"], following.CONFIRM_SALT)
        return (_("Confirm that you want to follow %(target)s", target=target),
                {"target": target, "days": config["FOLLOW_CONFIRM_MAX_AGE"] // 86400,
                 "confirm_url": url_for("public.follow_confirm", token=token, _external=True)},
                None)
    if follower.confirmed_at is None:
        raise Unwanted("the address never confirmed")
    period = session.get(CommentPeriod, message.period_id) if message.period_id else None
    if period is None:
        raise Unwanted("the period no longer exists")
    notice = NoticeKind.parse(message.data.get("notice"))
    if notice is None:
        raise Unwanted("unknown notice")
    token = following.sign(follower, config["SECRET_KEY"], following.UNSUBSCRIBE_SALT)
    page = (url_for("public.outcome", slug=period.slug, _external=True)
            if notice is NoticeKind.OUTCOME
            else url_for("public.period", slug=period.slug, _external=True))
    context = {"notice": notice, "target": target, "page_url": page,
               "sentence": _sentence(notice, period, message.data, lang)}
    return (f"{notice.label}: {period.title(lang)}", context,
            url_for("public.unsubscribe", token=token, _external=True))


def _about_comment(session: Session, message: OutboxMessage,
                   lang: str) -> tuple[str, dict[str, Any], None]:
    submission = session.get(Submission, message.submission_id) if message.submission_id \
        else None
    if submission is None:
        raise Unwanted("the comment no longer exists")
    period = submission.period
    texts = [submission.body, *(a.text for a in submission.sorted_answers)]
    context: dict[str, Any] = {
        "submission": submission, "period": period, "title": period.title(lang),
        "excerpt": first_lines(next((t for t in texts if t.strip()), "")),
        "receipt_url": url_for("public.receipt", tracking=submission.tracking_number,
                               _external=True),
    }
    tracking = submission.tracking_number
    if message.kind is MessageKind.RECEIPT:
        return _("We received your comment %(tracking)s", tracking=tracking), context, None
    status = Status.parse(message.data.get("status"))
    if status is None or submission.status is not status:
        raise Unwanted("the decision was undone before the message went out")
    if session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.submission_id == submission.id,
            OutboxMessage.kind == MessageKind.DECISION, OutboxMessage.id > message.id)):
        raise Unwanted("a later decision on the same comment replaces it")
    context["status"] = status
    if status is Status.PUBLISHED:
        context["comment_url"] = url_for("public.published_comment", tracking=tracking,
                                         _external=True)
        return _("Your comment %(tracking)s is published", tracking=tracking), context, None
    context["reason"] = RejectReason.label_of(submission.reject_reason)
    context["note"] = submission.reject_note or ""
    return _("Your comment %(tracking)s was not published", tracking=tracking), context, None


def _sentence(notice: NoticeKind, period: CommentPeriod, data: dict[str, object],
              lang: str) -> str:
    title = period.title(lang)
    opens = format_local(_instant(data.get("opens_at")) or period.opens_at)
    closes = format_local(_instant(data.get("closes_at")) or period.closes_at)
    old = data.get("old_closes_at")
    if notice is NoticeKind.SCHEDULED:
        return _("A new comment period, %(title)s, is scheduled under %(pillar)s. It opens on "
                 "%(opens)s.", title=title, pillar=period.pillar.name(lang), opens=opens)
    if notice is NoticeKind.OPENS:
        return _("The comment period %(title)s is open. Comments are accepted until "
                 "%(closes)s.", title=title, closes=closes)
    if notice is NoticeKind.CLOSING:
        return _("The comment period %(title)s closes in 3 days, on %(closes)s.", title=title,
                 closes=closes)
    if notice is NoticeKind.EXTENDED:
        return _("The deadline of %(title)s is extended from %(old)s to %(closes)s.",
                 title=title, old=format_local(_instant(old) or period.closes_at),
                 closes=closes)
    if notice is NoticeKind.CLOSED_EARLY:
        return _("The comment period %(title)s closed early, on %(closes)s.", title=title,
                 closes=closes)
    if notice is NoticeKind.REOPENED:
        return _("The comment period %(title)s is open again. Comments are accepted until "
                 "%(closes)s.", title=title, closes=closes)
    return _("What we heard in the comment period %(title)s is published.", title=title)
