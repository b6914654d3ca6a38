"""Bulk downloads: every published comment of a period as CSV or JSON Lines.

The fields are the API's (serialize.FIELDS): JSON Lines holds one API comment object per line;
the CSV's header row is the field names, lists are joined with "; ", and cells a spreadsheet
would run as formulas are neutralised (exports.writers.stream_csv). Labels follow `lang`.

Rows are read by key in batches from one snapshot (open_data.snapshot), so memory stays flat
and the file agrees with its validator: the ETag digests everything the bytes depend on (the
comments' latest change and count, the theme labels, the labels of the language, the site's
address), and the same data gives the same bytes.

A period's file is written once per validator by the worker (bulk_files.py), with its SHA-256,
and then sent from disk (ranges, 304s) whatever its size: streaming a million-comment period
takes longer than a web worker may (gunicorn kills a sync worker after 30 s, cutting the file).
While the current file is not built yet, a period of at most BULK_STREAM_MAX_ROWS published
comments is still streamed from here in the request, as below; a larger one gets its last file
(an earlier snapshot with its own validators), or 503 with Retry-After when it has none yet.

Streamed, the SHA-256 of a file is known only once it has been read: the `.sha256` address
streams the same bytes through the hash, unless this worker already knows the digest for that
validator (from an earlier checksum or a download that was read to the end); a download whose
digest is known also carries it in `Repr-Digest`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Generator, Iterator
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
# Change when the bytes change for the same data (a field's format, the CSV's quoting), so that
# no client keeps, and no built file serves, an old file as current. A field added or removed
# changes the validator by itself (serialize.FIELDS is part of it).
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
    rows: int  # published comments: the file's rows

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

    def chunks(self) -> Generator[bytes, None, None]:
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


def prepare(session: Session, period: CommentPeriod, fmt: str, lang: str,
            ctx: serialize.Context | None = None) -> Download:
    """Compute the validators of a period's file in `session`, which must be a snapshot; `ctx`
    in place of this request's (the file as it reads at another address of the site)."""
    ctx = ctx or serialize.Context.of(session, lang)
    published = open_data.counts(session).get(period.id, {}).get(Status.PUBLISHED, 0)
    changed = open_data.last_change(session, [period.id])
    themes = open_data.themes_changed_at(session, [period.pillar_id])
    etag = etag_of("bulk", LAYOUT, serialize.FIELDS, period.id, period.docket_id, fmt, published,
                   changed, themes, ctx.fingerprint())
    return Download(session, period, fmt, ctx, etag, latest(changed, themes), published)


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
