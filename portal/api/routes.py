"""The open-data API, /api/v1/: thin views over services.open_data, read-only.

Each view reads its parameters strictly (http.check_params), asks one service, and answers JSON
with validators; errors are ApiError, answered in one shape (api/errors.py). Every view reads
from one snapshot of the database, so a page and its validators agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, g, request, url_for
from werkzeug import Response

from portal.api import cursors, serialize, spec
from portal.api.errors import ApiError, bad_parameter, from_api_error
from portal.api.http import (
    check_params,
    choose_lang,
    datetime_arg,
    enum_arg,
    int_arg,
    json_response,
    latest,
    limit_arg,
    text_arg,
)
from portal.api.summaries import summary_response
from portal.db import get_session
from portal.extensions import csrf, limiter
from portal.models import CommentPeriod, Country, Language, Status, SubmitterType, Theme
from portal.services import consultations, open_data, outcomes, search
from portal.services import themes as theme_service
from portal.services.submissions import normalize_tracking_number

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.register_error_handler(ApiError, from_api_error)

api_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api")

FILTERS = ("submitter_type", "country", "language", "theme", "question", "campaign")


@bp.before_request
def begin() -> None:
    choose_lang()
    open_data.snapshot(get_session())


def _ctx() -> serialize.Context:
    return serialize.Context.of(get_session(), g.lang)


def _period(key: str) -> CommentPeriod:
    found = open_data.period_by_key(get_session(), key)
    if found is None:
        raise ApiError(404, "period_not_found")
    return found


def _filters() -> open_data.CommentFilters:
    theme: Theme | None = None
    code = text_arg("theme", 60)
    if code is not None:
        theme = open_data.theme_by_code(get_session(), code)
        if theme is None:
            raise bad_parameter("theme", "theme")
    campaign_ids: tuple[int, ...] | None = None
    code = text_arg("campaign", 12)
    if code is not None:
        campaign_ids = open_data.campaign_by_code(get_session(), code)
        if campaign_ids is None:
            raise bad_parameter("campaign", "campaign")
    return open_data.CommentFilters(
        submitter_type=enum_arg("submitter_type", SubmitterType),
        country=enum_arg("country", Country),
        language=enum_arg("language", Language),
        theme_id=theme.id if theme else None,
        question=int_arg("question", 1, 1000),
        campaign_ids=campaign_ids,
    )


def _cursor(digest: str) -> tuple[cursors.Cursor | None, open_data.Position | None]:
    raw = text_arg("cursor", cursors.MAX_CHARS)
    if raw is None:
        return None, None
    cursor = cursors.decode(raw, digest)
    position = open_data.position_of(get_session(), cursor.tracking_number, cursor.updated_at)
    if position is None:
        raise ApiError(400, "bad_cursor")
    return cursor, position


def _listing(items: list[dict[str, Any]], page: open_data.Page, digest: str,
             resume: datetime | None, endpoint: str, last_modified: datetime | None,
             **values: str) -> Response:
    token = cursors.encode(digest, page.next, resume) if page.next else None
    next_url = None
    if token is not None:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(endpoint, **values, **args, cursor=token, _external=True)
    body: dict[str, Any] = {"data": items, "next_cursor": token, "next_url": next_url}
    if endpoint == ".period_comments":
        body["next_updated_since"] = serialize.instant(resume)
    return json_response(body, lang=g.lang, last_modified=last_modified,
                         links={"next": next_url} if next_url else None)


@bp.get("/")
@api_limit
def index() -> Response:
    check_params(())
    return json_response({
        "pillars": url_for(".pillars", _external=True),
        "periods": url_for(".periods", _external=True),
        "search": url_for(".search_comments", _external=True),
        "openapi": url_for(".openapi", _external=True),
        "documentation": url_for("open_data.docs", lang=g.lang, _external=True),
    }, lang=g.lang)


@bp.get("/openapi.json")
@api_limit
def openapi() -> Response:
    check_params(())
    return json_response(spec.document(g.lang), lang=g.lang)


@bp.get("/pillars")
@api_limit
def pillars() -> Response:
    check_params(())
    session, ctx = get_session(), _ctx()
    found = consultations.pillars(session)
    themes: dict[int, list[Theme]] = {}
    for theme in theme_service.all_themes(session):
        themes.setdefault(theme.pillar_id, []).append(theme)
    return json_response({"data": [serialize.pillar(p, themes.get(p.id, []), ctx)
                                   for p in found]}, lang=g.lang)


@bp.get("/periods")
@api_limit
def periods() -> Response:
    check_params(())
    session, ctx = get_session(), _ctx()
    counts = open_data.counts(session)
    with_outcome = outcomes.published_period_ids(session)
    found = sorted(consultations.all_periods(session), key=lambda p: (p.opens_at, p.id))
    return json_response({"data": [
        serialize.period(p, ctx, counts.get(p.id, {}).get(Status.PUBLISHED, 0),
                         p.id in with_outcome) for p in found
    ]}, lang=g.lang)


@bp.get("/periods/<key>")
@api_limit
def period(key: str) -> Response:
    check_params(())
    found = _period(key)
    session = get_session()
    published = open_data.counts(session).get(found.id, {}).get(Status.PUBLISHED, 0)
    has_outcome = outcomes.published(session, found) is not None
    return json_response(serialize.period(found, _ctx(), published, has_outcome), lang=g.lang)


@bp.get("/periods/<key>/comments")
@api_limit
def period_comments(key: str) -> Response:
    check_params((*FILTERS, "cursor", "limit", "updated_since"))
    session = get_session()
    found = _period(key)
    filters = _filters()
    limit = limit_arg(open_data.DEFAULT_LIMIT, open_data.MAX_LIMIT)
    since = datetime_arg("updated_since")
    digest = cursors.query_digest("comments", found.id, filters, since)
    cursor, after = _cursor(digest)
    changed = open_data.last_change(session, [found.id])
    resume = cursor.resume if cursor else open_data.resume_point(changed, since)
    if since is None:
        page = open_data.published(session, [found.id], filters,
                                   after=after.id if after else None, limit=limit)
    else:
        page = open_data.changes(session, found.id, filters, since, after=after, limit=limit)
    items = serialize.comments(session, page.items, _ctx())
    last_modified = latest(changed, open_data.themes_changed_at(session, [found.pillar_id]))
    return _listing(items, page, digest, resume, ".period_comments", last_modified, key=key)


@bp.get("/search")
@api_limit
def search_comments() -> Response:
    check_params((*FILTERS, "q", "period", "cursor", "limit"))
    session = get_session()
    raw_q = request.args.get("q")
    if raw_q is None:
        raise ApiError(400, "missing_parameter", name="q")
    try:
        phrases = search.parse(raw_q)
    except search.SearchQueryError as exc:
        raise ApiError(400, f"search_{exc.code}") from exc
    if not phrases:
        raise ApiError(400, "search_empty")
    period_ids = [p.id for p in consultations.all_periods(session)]
    period_key = text_arg("period", 120)
    if period_key is not None:
        found = open_data.period_by_key(session, period_key)
        if found is None:
            raise bad_parameter("period", "period")
        period_ids = [found.id]
    filters = _filters()
    limit = limit_arg(open_data.DEFAULT_LIMIT, open_data.MAX_LIMIT)
    digest = cursors.query_digest("search", phrases, period_ids, filters)
    _, after = _cursor(digest)
    page = open_data.published(session, period_ids, filters, phrases=phrases, limit=limit,
                               after=after.id if after else None)
    items = serialize.comments(session, page.items, _ctx())
    last_modified = latest(open_data.last_change(session, period_ids),
                           open_data.themes_changed_at(session))
    return _listing(items, page, digest, None, ".search_comments", last_modified)


@bp.get("/comments/<tracking>")
@api_limit
def comment(tracking: str) -> Response:
    check_params(())
    session = get_session()
    # One query for unknown and unpublished numbers alike: the same answer, by the same path.
    found = open_data.by_tracking(session, normalize_tracking_number(tracking))
    if found is None:
        raise ApiError(404, "comment_not_found")
    item = serialize.comments(session, [found], _ctx())[0]
    last_modified = latest(found.updated_at,
                           open_data.themes_changed_at(session, [found.period.pillar_id]))
    return json_response(item, lang=g.lang, last_modified=last_modified)


@bp.get("/periods/<key>/summary")
@api_limit
def period_summary(key: str) -> Response:
    check_params(())
    return summary_response(get_session(), _period(key), _ctx())


@bp.get("/periods/<key>/outcome")
@api_limit
def period_outcome(key: str) -> Response:
    check_params(())
    found = _period(key)
    published = outcomes.published(get_session(), found)
    if published is None:  # none yet, or a draft, which is for staff only
        raise ApiError(404, "outcome_not_found")
    return json_response(serialize.outcome(published, found, _ctx()), lang=g.lang,
                         last_modified=published.published_at)
