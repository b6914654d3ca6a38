"""Typed models, one module per aggregate; importing this package registers them all."""

from portal.models.consultation import CommentPeriod, PeriodState, Pillar
from portal.models.staff import AuditEvent, Role, User
from portal.models.submission import (
    Country,
    Flag,
    RejectReason,
    Status,
    Submission,
    SubmissionCount,
    SubmitterType,
)
from portal.models.themes import SubmissionTheme, Theme

__all__ = [
    "AuditEvent",
    "Flag",
    "RejectReason",
    "Role",
    "User",
    "CommentPeriod",
    "Country",
    "PeriodState",
    "Pillar",
    "Status",
    "SubmissionCount",
    "SubmissionTheme",
    "Theme",
    "Submission",
    "SubmitterType",
]
