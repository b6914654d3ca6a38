"""Bulk downloads: every published comment of a period as CSV or JSON Lines, streamed.

The fields are the API's (serialize.FIELDS): JSON Lines holds one API comment object per line;
the CSV's header row is the field names, lists are joined with "; ", and cells a spreadsheet
would run as formulas are neutralised (exports.writers.stream_csv). Labels follow `lang`.

Rows are read by key in batches from one snapshot (open_data.snapshot), so memory stays flat
and the file agrees with its validator: the ETag digests everything the bytes depend on (the
comments' latest change and count, the theme labels, the labels of the language, the site's
address), and the same data gives the same bytes. The SHA-256 of a file is known only once it
has been streamed: the `.sha256` address streams the same bytes through the hash, unless this
worker already knows the digest for that validator (from an earlier checksum or a download that
was read to the end); a download whose digest is known also carries it in `Repr-Digest`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from portal.api import serialize
from portal.api.cache import Recent
from portal.api.http import etag_of, latest
from portal.exports.writers import stream_csv
from portal.models import CommentPeriod, Status
from portal.services import open_data

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
BATCH = 1000
CHUNK = 64 * 1024
# Change when the files' layout changes, so that no client keeps an old file as current.
LAYOUT = 1


# SHA-256 of files by validator (per worker process).
DIGESTS: Recent[str] = Recent(256)


@dataclass
class Download:
    """One file of one period in one language, read from `session` (which it closes)."""

    session: Session
    period: CommentPeriod
    fmt: str
    ctx: serialize.Context
    etag: str
    last_modified: datetime | None

    @property
    def filename(self) -> str:
        return f"{self.period.docket_id}-comments-{self.ctx.lang}.{self.fmt}"

    @property
    def content_type(self) -> str:
        return FORMATS[self.fmt]

    def known_digest(self) -> str | None:
        return DIGESTS.get(self.etag)

    def repr_digest(self) -> str | None:
        digest = self.known_digest()
        if digest is None:
            return None
        return f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes; its digest is remembered once it has been read to the end."""
        hasher = hashlib.sha256()
        try:
            for piece in _pieces(self.session, self.period.id, self.ctx, self.fmt):
                data = piece.encode("utf-8")
                hasher.update(data)
                yield data
            DIGESTS.put(self.etag, hasher.hexdigest())
        finally:
            self.session.close()

    def digest(self) -> str:
        known = self.known_digest()
        if known is not None:
            self.session.close()
            return known
        for _ in self.chunks():
            pass
        digest = self.known_digest()
        assert digest is not None  # noqa: S101 - chunks() stored it
        return digest


def prepare(session: Session, period: CommentPeriod, fmt: str, lang: str) -> Download:
    """Compute the validators of a period's file in `session`, which must be a snapshot."""
    ctx = serialize.Context.of(session, lang)
    published = open_data.counts(session).get(period.id, {}).get(Status.PUBLISHED, 0)
    changed = open_data.last_change(session, [period.id])
    themes = open_data.themes_changed_at(session, [period.pillar_id])
    etag = etag_of("bulk", LAYOUT, period.id, period.docket_id, fmt, published, changed, themes,
                   ctx.fingerprint())
    return Download(session, period, fmt, ctx, etag, latest(changed, themes))


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _rows(session: Session, period_id: int, ctx: serialize.Context
          ) -> Iterator[dict[str, Any]]:
    after: int | None = None
    while True:
        page = open_data.published(session, [period_id], open_data.CommentFilters(),
                                   after=after, limit=BATCH)
        yield from serialize.comments(session, page.items, ctx)
        session.expunge_all()  # the batch is written: keep memory flat
        if page.next is None:
            return
        after = page.next.id


def _pieces(session: Session, period_id: int, ctx: serialize.Context, fmt: str
            ) -> Iterator[str]:
    rows = _rows(session, period_id, ctx)
    if fmt == "csv":
        fields = serialize.FIELDS
        yield from stream_csv(fields, ([_cell(row.get(f)) for f in fields] for row in rows))
        return
    lines: list[str] = []
    size = 0
    for row in rows:
        line = json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
        lines.append(line)
        size += len(line)
        if size >= CHUNK:
            yield "".join(lines)
            lines.clear()
            size = 0
    if lines:
        yield "".join(lines)
