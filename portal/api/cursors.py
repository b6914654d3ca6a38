"""Opaque page cursors: where the last page ended, signed, and bound to the query they page.

A cursor holds the last comment's id (and, in the feed of changes, its updated_at) and where
the next harvest should resume, measured when the first page was read. It is signed with the
site's secret, so a client cannot make one up, and it names a digest of the query (period,
filters, search, updated_since), so a cursor of one query cannot page another: that is a
400 `bad_cursor`, as is a cursor signed with a former secret.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from portal.api.errors import ApiError
from portal.services.open_data import Position

SALT = "open-data-cursor"
MAX_CHARS = 400


@dataclass(frozen=True)
class Cursor:
    position: Position
    resume: datetime | None


def query_digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def encode(query: str, position: Position, resume: datetime | None) -> str:
    return str(_serializer().dumps(
        [query, position.id, _iso(position.updated_at), _iso(resume)]))


def decode(token: str, query: str) -> Cursor:
    try:
        if len(token) > MAX_CHARS:
            raise BadData("too long")
        data = _serializer().loads(token)
        digest, last_id, updated_at, resume = data
        if digest != query or not isinstance(last_id, int) or last_id < 0:
            raise BadData("another query")
        return Cursor(
            Position(last_id, datetime.fromisoformat(updated_at) if updated_at else None),
            datetime.fromisoformat(resume) if resume else None,
        )
    except (BadData, ValueError, TypeError) as exc:
        raise ApiError(400, "bad_cursor") from exc
