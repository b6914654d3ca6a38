"""Supporting documents of a period: a link to the official notice, or an uploaded PDF.

A PDF is checked by its first bytes, not its name, kept under its SHA-256 in the `periods`
folder of the upload directory (outside the web root; comment attachments have their own
folder), and served only as a download.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.models import AuditAction, CommentPeriod, DocumentKind, PeriodDocument
from portal.services import audit
from portal.services.attachment_store import write_once
from portal.services.periods import PeriodInvalid

PDF_MAGIC = b"%PDF-"
SUBFOLDER = "periods"
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def folder(upload_dir: str | os.PathLike[str]) -> Path:
    return Path(upload_dir) / SUBFOLDER


def path_of(upload_dir: str | os.PathLike[str], document: PeriodDocument) -> Path:
    return folder(upload_dir) / f"{document.sha256}.pdf"


def safe_file_name(name: str) -> str:
    """A file name to offer with the download: no path, no odd characters, ending in .pdf."""
    base = _UNSAFE_NAME.sub("-", os.path.basename(name.replace("\\", "/"))).strip(" .-")
    base = base[:150] or "document"
    return base if base.lower().endswith(".pdf") else f"{base}.pdf"


def _titles(title_en: str, title_es: str) -> dict[str, LazyString]:
    errors: dict[str, LazyString] = {}
    if not title_en.strip():
        errors["title_en"] = _l("Enter the document's title in English.")
    elif len(title_en.strip()) > 300:
        errors["title_en"] = _l("Use at most %(max)s characters.", max=300)
    if not title_es.strip():
        errors["title_es"] = _l("Enter the document's title in Spanish.")
    elif len(title_es.strip()) > 300:
        errors["title_es"] = _l("Use at most %(max)s characters.", max=300)
    return errors


def add(
    session: Session, actor: audit.Actor, period: CommentPeriod, *, title_en: str, title_es: str,
    url: str = "", pdf: bytes | None = None, file_name: str = "",
    upload_dir: str | os.PathLike[str] = "", max_bytes: int = 10 * 1024 * 1024,
) -> PeriodDocument:
    """Add a link (url) or a PDF (its bytes); raises PeriodInvalid with messages per field."""
    errors = _titles(title_en, title_es)
    url = url.strip()
    if pdf is None and not url:
        errors["url"] = _l("Give the address of the official notice, or choose a PDF file.")
    elif pdf is not None and url:
        errors["url"] = _l("Give either an address or a file, not both.")
    elif url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
            errors["url"] = _l("Enter a web address starting with https://.")
    elif pdf is not None:
        if not pdf:
            errors["file"] = _l("The file is empty.")
        elif len(pdf) > max_bytes:
            errors["file"] = _l("The file is larger than %(size)s MB.",
                                size=max_bytes // (1024 * 1024))
        elif not pdf.startswith(PDF_MAGIC):
            errors["file"] = _l("This file is not a PDF. Choose a PDF file.")
    if errors:
        raise PeriodInvalid(errors)
    document = PeriodDocument(period_id=period.id, title_en=title_en.strip(),
                              title_es=title_es.strip())
    if pdf is not None:
        document.kind = DocumentKind.PDF
        document.sha256 = hashlib.sha256(pdf).hexdigest()
        document.size = len(pdf)
        document.file_name = safe_file_name(file_name)
        write_once(path_of(upload_dir, document), pdf)
    else:
        document.kind = DocumentKind.LINK
        document.url = url
    session.add(document)
    session.flush()
    audit.record(session, actor, AuditAction.DOCUMENT_ADD, "period", period.id,
                 after=_snapshot(document))
    return document


def _snapshot(document: PeriodDocument) -> dict[str, object]:
    return {"document": document.title_en, "url": document.url, "file_name": document.file_name,
            "sha256": document.sha256}


def remove(session: Session, actor: audit.Actor, document: PeriodDocument) -> str | None:
    """Remove a document; returns the SHA-256 of its file if no other document uses it."""
    before = _snapshot(document)
    sha = document.sha256
    session.delete(document)
    session.flush()
    audit.record(session, actor, AuditAction.DOCUMENT_REMOVE, "period", document.period_id,
                 before=before)
    if sha and session.scalar(select(PeriodDocument.id).where(PeriodDocument.sha256 == sha)):
        return None
    return sha


def remove_files_after_commit(session: Session, upload_dir: str | os.PathLike[str],
                              sha256s: list[str]) -> None:
    """Delete stored PDFs that no document uses any more, once the transaction commits (a
    rolled-back removal keeps its file)."""
    wanted = [sha for sha in sha256s if re.fullmatch(r"[0-9a-f]{64}", sha)]
    if not wanted:
        return

    def unlink(_session: Session) -> None:
        for sha in wanted:
            (folder(upload_dir) / f"{sha}.pdf").unlink(missing_ok=True)

    event.listen(session, "after_commit", unlink, once=True)


def of_period(session: Session, period_id: int) -> list[PeriodDocument]:
    return list(session.scalars(select(PeriodDocument).where(
        PeriodDocument.period_id == period_id).order_by(PeriodDocument.id)))
