"""Public pages: thin views over the consultations and submissions services."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask import session as flask_session
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug import Response
from werkzeug.exceptions import TooManyRequests

from portal import page_cache, throttle
from portal.db import get_session, reads_first, write_now
from portal.downloads import send_attachment
from portal.errors import render_error
from portal.extensions import csrf, limiter
from portal.i18n import current_lang
from portal.ids import id_arg
from portal.models import (
    CommentPeriod,
    Country,
    FileState,
    Language,
    PeriodState,
    Submission,
    SubmitterType,
)
from portal.public import timing
from portal.public.forms import MAX_ANSWER, MAX_BODY, CommentForm, comment_form_for
from portal.services import (
    attachment_store,
    campaign_summaries,
    consultations,
    documents,
    open_data,
    outcomes,
    search,
    submissions,
)
from portal.services import reading_room as reading_room_service

root_bp = Blueprint("root", __name__)
bp = Blueprint("public", __name__, url_prefix="/<lang>")


@root_bp.get("/")
def root() -> Response:
    lang = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    response = redirect(url_for("public.home", lang=lang), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


@root_bp.get("/healthz")
@csrf.exempt
def healthz() -> tuple[dict[str, object], int]:
    try:
        get_session().execute(text("SELECT 1"))
        return {"status": "ok", "database": "ok"}, 200
    except Exception as exc:  # noqa: BLE001 - any failure means the database does not answer
        current_app.logger.warning("health check: database unavailable: %s", exc)
        return {"status": "degraded", "database": "unavailable"}, 503


@bp.get("/")
def home() -> str:
    session = get_session()
    pillars = consultations.pillars(session)
    periods = consultations.periods_open_first([p for pl in pillars for p in pl.periods])
    return render_template("public/home.html", pillars=pillars, periods=periods,
                           outcomes=outcomes.published_list(session),
                           with_outcome=outcomes.published_period_ids(session),
                           counts=open_data.counts(session))


@bp.get("/pillars/<slug>")
def pillar(slug: str) -> str:
    found = consultations.pillar_by_slug(get_session(), slug)
    if found is None:
        abort(404)
    periods = consultations.periods_open_first(list(found.periods))
    return render_template("public/pillar.html", pillar=found, periods=periods)


def _period_or_404(slug: str) -> CommentPeriod:
    period = consultations.period_by_slug(get_session(), slug)
    if period is None:
        abort(404)
    return period


@bp.get("/periods/<slug>")
def period(slug: str) -> str:
    found = _period_or_404(slug)
    session = get_session()
    return render_template(
        "public/period.html", period=found, state=found.state(),
        documents=documents.of_period(session, found.id),
        outcome=outcomes.published(session, found),
        counts=open_data.counts(session).get(found.id, {}),
    )


@bp.get("/periods/<slug>/outcome")
def outcome(slug: str) -> str:
    found = _period_or_404(slug)
    published = outcomes.published(get_session(), found)
    if published is None:
        abort(404)  # a draft is for staff only
    positions, total = campaign_summaries.positions(get_session(), [found.id])
    return render_template("public/outcome.html", period=found, outcome=published,
                           positions=positions, positions_total=total)


@bp.get("/periods/<slug>/documents/<id:document_id>")
def document(slug: str, document_id: int) -> ResponseReturnValue:
    found = _period_or_404(slug)
    wanted = next((d for d in documents.of_period(get_session(), found.id)
                   if d.id == document_id and d.sha256), None)
    if wanted is None or wanted.sha256 is None:
        abort(404)
    path = documents.path_of(current_app.config["UPLOAD_DIR"], wanted)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=wanted.file_name or "document.pdf", max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _render_form(
    period: CommentPeriod, form: CommentForm, status: int = 200
) -> ResponseReturnValue:
    if not form.shown.data:
        form.shown.data = timing.stamp()  # a form sent back keeps the time it was first shown
    state = period.state()
    if state is not PeriodState.OPEN:
        status = 200 if request.method in ("GET", "HEAD") else 422
        return render_template(
            "public/period_not_open.html", period=period, state=state, form=form
        ), status
    return render_template("public/comment_form.html", period=period, form=form,
                           max_body=MAX_BODY, max_answer=MAX_ANSWER), status


def _blank_form(slug: str) -> str | None:
    """The form of an open period with blanks for the visitor's own values (page_cache)."""
    found = _period_or_404(slug)
    if found.state() is not PeriodState.OPEN:
        return None
    form = comment_form_for(found, current_lang())
    form.csrf_token.current_token = page_cache.BLANK_CSRF
    form.shown.data = page_cache.BLANK_SHOWN
    return render_template("public/comment_form.html", period=found, form=form,
                           max_body=MAX_BODY, max_answer=MAX_ANSWER)


@bp.route("/periods/<slug>/comment", methods=["GET", "POST"])
@limiter.exempt  # its own limit is counted below, once a comment is about to be stored
@reads_first
def comment(slug: str) -> ResponseReturnValue:
    if request.method in ("GET", "HEAD"):
        page = page_cache.kept_form(lambda: _blank_form(slug), {
            page_cache.BLANK_CSRF: generate_csrf, page_cache.BLANK_SHOWN: timing.stamp})
        if page is not None:
            return page
    # The period and its questions as remembered between requests (read-only), for the form,
    # its checks and the insert; a page rendered from here reads the period afresh.
    found = page_cache.remembered(("comment period", slug),
                                  partial(consultations.period_with_questions, slug=slug))
    if found is None:
        abort(404)
    config = current_app.config
    form = comment_form_for(found, current_lang())
    if request.method in ("GET", "HEAD") or found.state() is not PeriodState.OPEN:
        return _render_form(_period_or_404(slug), form)
    if not form.validate_on_submit():
        return _render_form(_period_or_404(slug), form, status=422)
    # Only a comment that is about to be stored counts against the limit (a form sent back with
    # errors does not), and the count is taken atomically in the shared store.
    if current_app.config.get("RATELIMIT_ENABLED", True):
        wait = throttle.spend(current_app.config["RATELIMIT_SUBMIT"], "submit",
                              request.remote_addr or "")
        if wait:
            raise TooManyRequests(retry_after=wait)
    session = get_session()
    try:
        # Built and checked first; then the write lock, held for the insert and commit only.
        new = submissions.prepare(
            found,
            submissions.SubmissionInput(
                submitter_type=form.submitter_type.data,
                organization=(form.organization.data or "").strip() or None,
                name=(form.name.data or "").strip(),
                email=(form.email.data or "").strip(),
                country=form.country.data,
                region=(form.region.data or "").strip(),
                subject=(form.subject.data or "").strip(),
                body=form.body.data or "",
                consent_publish=bool(form.consent_publish.data),
                declared_language=form.written_language.data or None,
                honeypot=form.website.data or "",
                answers=tuple(submissions.AnswerInput(q.id, q.position, text)
                              for q, text in form.answers()),
                too_fast=timing.too_fast(form.shown.data),
                contains_bci=bool(form.contains_bci.data),
                confidential_body=(form.confidential_body.data or "")
                if form.contains_bci.data else "",
            ),
            ui_language=current_lang(),
            uploads=form.uploads,
            store=attachment_store.current_store(),
            max_files=config["ATTACHMENT_MAX_FILES"],
        )
    except submissions.PeriodNotOpenError:
        session.rollback()
        return _render_form(_period_or_404(slug), form, status=422)
    tracking = _store(session, new)
    _remember_receipt(tracking)
    return redirect(url_for("public.receipt", tracking=tracking, new=1), code=303)


def _store(session: Session, new: submissions.NewComment) -> str:
    """Insert a prepared comment holding the write lock; its tracking number. One already
    given (next to impossible) is drawn again."""
    while True:
        write_now(session)
        try:
            submissions.store_comment(session, new)
            return new.tracking_number
        except IntegrityError:
            session.rollback()
            if not submissions.tracking_taken(session, new.tracking_number):
                raise
            submissions.renumber(new)


RECEIPTS_KEPT = 20


def _remember_receipt(tracking: str) -> None:
    """This browser sent the comment, so it may see the full copy of what was received."""
    kept = [t for t in flask_session.get("receipts", []) if t != tracking]
    flask_session["receipts"] = (kept + [tracking])[-RECEIPTS_KEPT:]


def _owns_receipt(tracking: str) -> bool:
    return tracking in flask_session.get("receipts", [])


def comment_form_after_too_large() -> ResponseReturnValue | None:
    """A comment larger than MAX_CONTENT_LENGTH cannot be read at all: give the form back,
    saying so beside the files, rather than a bare error page."""
    if request.method != "POST" or request.endpoint != "public.comment":
        return None
    found = consultations.period_by_slug(get_session(), (request.view_args or {}).get("slug", ""))
    if found is None:
        return None
    form = comment_form_for(found, current_lang(), formdata=None, meta={"csrf": True})
    g.too_large = True
    form.files.errors = [_(
        "Everything you sent together is larger than the site accepts (%(size)s MB). Nothing was "
        "saved, and your text could not be kept: please send fewer or smaller files.",
        size=(current_app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024))]
    return _render_form(found, form, status=413)


def comment_form_after_csrf_error() -> ResponseReturnValue | None:
    """On a stale or missing CSRF token, give the comment form back with the text kept."""
    if request.method != "POST" or request.endpoint != "public.comment":
        return None
    found = consultations.period_by_slug(get_session(), (request.view_args or {}).get("slug", ""))
    if found is None:
        return None
    form = comment_form_for(found, current_lang(), meta={"csrf": True})
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        # The form page set the session cookie that holds the token; a browser that sends no
        # cookie at all refused it: saying "expired" would send them round the same loop.
        g.cookies_refused = True
    else:
        g.csrf_expired = True
    return _render_form(found, form, status=400)


@bp.get("/receipts/<tracking>")
@limiter.limit("120 per minute")
def receipt(tracking: str) -> ResponseReturnValue:
    session = get_session()
    found = submissions.by_tracking_number(session, tracking)
    if found is None:
        abort(404)
    if found.tracking_number != tracking:
        return redirect(url_for("public.receipt", tracking=found.tracking_number), code=301)
    return render_template(
        "public/receipt.html",
        submission=found,
        period=found.period,
        owner=_owns_receipt(found.tracking_number),
        reason=_reason_in(found),
        just_sent=request.args.get("new") == "1",
    )


@bp.get("/periods/<slug>/comments")
def reading_room(slug: str) -> ResponseReturnValue:
    found = _period_or_404(slug)
    raw_query = request.args.get("q", "")
    filters = reading_room_service.ReadingFilters(
        query=raw_query,
        submitter_type=SubmitterType.parse(request.args.get("type")),
        country=Country.parse(request.args.get("country")),
        language=Language.parse(request.args.get("language")),
    )
    error = None
    status = 200
    try:
        page = reading_room_service.published(
            get_session(), found, filters, before=id_arg("before"), after=id_arg("after"),
        )
    except search.SearchQueryError as exc:
        page = reading_room_service.ReadingPage(items=[], next_before=None)
        error = exc.code
        status = 400
    args = {k: v for k, v in request.args.items() if k not in ("before", "after")}
    return render_template(
        "public/reading_room.html", period=found, page=page, filters=filters,
        query=raw_query[: search.MAX_QUERY_CHARS * 2], error=error, args=args,
    ), status


@bp.get("/comments/<tracking>")
def published_comment(tracking: str) -> str:
    found = reading_room_service.published_by_tracking(get_session(), tracking)
    if found is None:
        abort(404)
    themes = reading_room_service.themes_of(get_session(), [found.id]).get(found.id, [])
    return render_template("public/comment.html", submission=found, period=found.period,
                           themes=themes)


@bp.get("/comments/<tracking>/files/<id:position>")
def published_file(tracking: str, position: int) -> ResponseReturnValue:
    """A public file of a published comment; a withheld one says so (410)."""
    found = reading_room_service.published_by_tracking(get_session(), tracking)
    wanted = next((a for a in found.attachments if a.position == position), None) \
        if found is not None else None
    if wanted is None or wanted.confidential or wanted.state is FileState.HELD:
        abort(404)
    if wanted.state is FileState.WITHHELD:
        return render_error(410, _("The moderators withheld this file from the public. The "
                                   "rest of the comment is still published."))
    return send_attachment(wanted, private=False)


def _reason_in(submission: Submission) -> str | None:
    """The rejection reason in the language of the pages the submitter used."""
    if submission.reject_reason is None:
        return None
    with force_locale(submission.ui_language):
        return submission.reject_reason.label


@bp.get("/receipts/<tracking>/record.json")
def receipt_record(tracking: str) -> Response:
    """The exact bytes the digest covers: `sha256sum` of this file prints the receipt's digest."""
    found = submissions.by_tracking_number(get_session(), tracking)
    if found is None or not _owns_receipt(found.tracking_number):
        abort(404)
    body = submissions.canonical_for(found).encode("utf-8")
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{found.tracking_number}.json"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/receipts")
@limiter.limit("60 per minute")
def find_receipt() -> ResponseReturnValue:
    raw = request.args.get("tracking", "").strip()
    if not raw:
        return render_template("public/find_receipt.html", tracking="", not_found=False)
    found = submissions.by_tracking_number(get_session(), raw[:40])
    if found is None:
        return render_template("public/find_receipt.html", tracking=raw[:40], not_found=True), 404
    return redirect(url_for("public.receipt", tracking=found.tracking_number), code=303)
