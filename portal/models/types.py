"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware instant")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def code_column(enum_cls: type[enum.StrEnum], length: int) -> Enum:
    """A column holding an enum's codes as plain text (not a native enum type), read back as
    members of the enum, so the code can gain members without an ALTER TYPE."""
    return Enum(
        enum_cls, native_enum=False, create_constraint=False, length=length,
        values_callable=lambda members: [m.value for m in members], validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
