"""Typed models, one module per aggregate; importing this package registers them all."""

from portal.models.consultation import CommentPeriod, PeriodState, Pillar
from portal.models.submission import Country, Status, Submission, SubmitterType

__all__ = [
    "CommentPeriod",
    "Country",
    "PeriodState",
    "Pillar",
    "Status",
    "Submission",
    "SubmitterType",
]
