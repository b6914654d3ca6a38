"""Opaque page cursors: where the last page ended, signed, and bound to the query they page.

A cursor names the last comment of the page by its tracking number (not its row id, whose gaps
would tell how many unpublished comments arrived in between), in the feed of changes also its
updated_at, and where the next harvest should resume, as measured on the first page. It is
signed with the site's secret, so a client cannot make one up, and it names a digest of the
query (period, filters, search, updated_since), so a cursor of one query cannot page another:
that is a 400 `bad_cursor`, as is a cursor signed with a former secret.
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
    tracking_number: str
    updated_at: datetime | None
    resume: datetime | None


def query_digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def encode(query: str, position: Position, resume: datetime | None) -> str:
    return str(_serializer().dumps(
        [query, position.tracking_number, _iso(position.updated_at), _iso(resume)]))


def decode(token: str, query: str) -> Cursor:
    try:
        if len(token) > MAX_CHARS:
            raise BadData("too long")
        digest, tracking, updated_at, resume = _serializer().loads(token)
        if digest != query or not isinstance(tracking, str):
            raise BadData("another query")
        return Cursor(
            tracking,
            datetime.fromisoformat(updated_at) if updated_at else None,
            datetime.fromisoformat(resume) if resume else None,
        )
    except (BadData, ValueError, TypeError) as exc:
        raise ApiError(400, "bad_cursor") from exc
