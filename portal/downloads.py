"""Sending a stored comment file: always a download of its recorded type, never sniffed."""

from __future__ import annotations

from flask import abort, send_file
from flask.typing import ResponseReturnValue

from portal.models import Attachment
from portal.services import attachment_store


def send_attachment(found: Attachment, private: bool) -> ResponseReturnValue:
    """A file as a download of its recorded type, never shown inline nor sniffed."""
    path = attachment_store.current_store().path(found.storage_key)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.file_type.media_type, as_attachment=True,
                         download_name=found.name, max_age=0 if private else 3600,
                         etag=found.sha256, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response
