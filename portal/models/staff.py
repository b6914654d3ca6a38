"""Staff accounts and the append-only audit trail of what they did."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models.labels import LabeledEnum
from portal.models.types import UTCDateTime, code_column, utcnow


class Role(LabeledEnum):
    MODERATOR = "moderator", _l("Moderator")
    PLANNER = "planner", _l("Planner")
    # Runs consultations: comment periods, their questions and documents, outcome pages.
    COORDINATOR = "coordinator", _l("Coordinator")
    ADMIN = "admin", _l("Administrator")


class AuditAction(LabeledEnum):
    """What a person (or the command line) did, as the audit trail records it."""

    SUBMISSION_PUBLISH = "submission.publish", _l("Published")
    SUBMISSION_REJECT = "submission.reject", _l("Rejected")
    SUBMISSION_EDIT = "submission.edit", _l("Public version edited")
    SUBMISSION_THEMES = "submission.themes", _l("Themes changed")
    SUBMISSION_RELEASE = "submission.release", _l("Timing flag released")
    CAMPAIGN_PUBLISH = "campaign.publish", _l("Campaign published")
    CAMPAIGN_REJECT = "campaign.reject", _l("Campaign rejected")
    CAMPAIGN_RENAME = "campaign.rename", _l("Campaign renamed")
    CAMPAIGN_MERGE = "campaign.merge", _l("Campaigns merged")
    CAMPAIGN_REMOVE_MEMBER = "campaign.remove_member", _l("Comment taken out of its campaign")
    CAMPAIGN_LINK = "campaign.link", _l("Campaigns linked as one position")
    CAMPAIGN_UNLINK = "campaign.unlink", _l("Campaign unlinked from its position")
    CAMPAIGN_REBUILD = "campaign.rebuild", _l("Campaigns recomputed")
    SIGNIN = "signin", _l("Signed in")
    SIGNIN_FAILED = "signin.failed", _l("Sign-in failed")
    SIGNIN_LOCKED = "signin.locked", _l("Sign-in refused: account locked")
    SIGNOUT = "signout", _l("Signed out")
    USER_CREATE = "user.create", _l("Account created")
    USER_SET_ROLE = "user.set_role", _l("Role changed")
    USER_ENABLE = "user.enable", _l("Account enabled")
    USER_DISABLE = "user.disable", _l("Account disabled")
    USER_END_SESSIONS = "user.end_sessions", _l("All sessions ended")
    USER_SET_PASSWORD = "user.set_password", _l("Password changed")
    THEME_CREATE = "theme.create", _l("Theme added")
    THEME_UPDATE = "theme.update", _l("Theme edited")
    SUBMISSION_RETURN = "submission.return", _l("Returned to the queue")
    EXPORT = "export", _l("Export")
    PERIOD_CREATE = "period.create", _l("Comment period created")
    PERIOD_UPDATE = "period.update", _l("Comment period edited")
    PERIOD_EXTEND = "period.extend", _l("Deadline extended")
    PERIOD_CLOSE = "period.close", _l("Closed early")
    PERIOD_REOPEN = "period.reopen", _l("Reopened")
    PERIOD_DELETE = "period.delete", _l("Comment period deleted")
    DOCUMENT_ADD = "period.document_add", _l("Document added")
    DOCUMENT_REMOVE = "period.document_remove", _l("Document removed")
    OUTCOME_SAVE = "outcome.save", _l("Outcome draft saved")
    OUTCOME_PUBLISH = "outcome.publish", _l("Outcome published")
    ATTACHMENT_WITHHOLD = "attachment.withhold", _l("File withheld from the public")


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(code_column(Role, 20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written into every session cookie of the account (get_id) and raised to end them all:
    # sign-out, a new password or role, disabling, or an admin's "end all sessions".
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of disabled accounts
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role is Role.ADMIN or self.role in roles


class AuditEvent(Base):
    """One thing a person did. Rows are only ever inserted; triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who, as text, so that the record reads the same if the account changes later.
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[AuditAction] = mapped_column(code_column(AuditAction, 60))
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str] = mapped_column(String(64), default="")
