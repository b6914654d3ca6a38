"""A period's themed summary for the public, computed once per change of its inputs.

The summary reads up to 20,000 comment texts for its distinctive terms, so it is cached (per
worker) under a validator of everything it depends on; a client that has the current version
gets a 304 without any of that work.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session
from werkzeug import Response

from portal.api import serialize
from portal.api.cache import Recent
from portal.api.http import dumps, etag_of, latest, not_modified, validated
from portal.models import CommentPeriod, Status
from portal.services import open_data, summaries

BODIES: Recent[bytes] = Recent(32)


def summary_response(session: Session, period: CommentPeriod, ctx: serialize.Context
                     ) -> Response:
    published = open_data.counts(session).get(period.id, {}).get(Status.PUBLISHED, 0)
    changed = open_data.last_change(session, [period.id])
    themes = open_data.themes_changed_at(session, [period.pillar_id])
    etag = etag_of("summary", period.id, published, changed, themes, ctx.fingerprint())
    last_modified = latest(changed, themes)
    response = current_app.response_class(b"", mimetype="application/json")
    if not not_modified(etag, last_modified):
        body = BODIES.get(etag)
        if body is None:
            body = dumps(serialize.summary(summaries.summarize(session, [period]), period, ctx))
            BODIES.put(etag, body)
        response.set_data(body)
    return validated(response, etag, last_modified, ctx.lang)
