"""Typed models, one module per aggregate; importing this package registers them all."""

# Registers the flush hook that dates every change of the public record.
from portal.models import changes  # noqa: F401
from portal.models.attachments import (
    Attachment,
    Extraction,
    ExtractionProblem,
    FileState,
    FileType,
)
from portal.models.campaigns import Campaign, CampaignBand, CampaignCheck, Counting, Position
from portal.models.consultation import (
    CommentPeriod,
    Docket,
    PeriodChange,
    PeriodChangeKind,
    PeriodState,
    Pillar,
    Question,
)
from portal.models.documents import DocumentKind, PeriodDocument
from portal.models.exports import ExportJob, ExportState
from portal.models.labels import LabeledEnum
from portal.models.outbox import Follower, MessageKind, NoticeKind, OutboxMessage, OutboxState
from portal.models.outcome import OutcomeRevision
from portal.models.staff import AuditAction, AuditEvent, Role, User
from portal.models.submission import (
    Answer,
    Country,
    Flag,
    Language,
    LanguageSource,
    RejectReason,
    Status,
    Submission,
    SubmissionCount,
    SubmitterType,
)
from portal.models.term_stats import SubmissionTerms, TermCount, TermForm
from portal.models.themes import SubmissionTheme, Theme

__all__ = [
    "ExportJob",
    "ExportState",
    "Follower",
    "MessageKind",
    "NoticeKind",
    "OutboxMessage",
    "OutboxState",
    "Attachment",
    "Extraction",
    "ExtractionProblem",
    "FileState",
    "FileType",
    "SubmissionTerms",
    "TermCount",
    "TermForm",
    "Answer",
    "Docket",
    "DocumentKind",
    "OutcomeRevision",
    "PeriodChange",
    "PeriodChangeKind",
    "PeriodDocument",
    "Question",
    "AuditAction",
    "AuditEvent",
    "Campaign",
    "CampaignBand",
    "CampaignCheck",
    "Counting",
    "Position",
    "LabeledEnum",
    "Language",
    "LanguageSource",
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
