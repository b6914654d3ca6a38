"""Planner pages: thin views over services.summaries and services.exports."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session

from portal.auth.decorators import current_actor, role_required
from portal.db import get_session, new_session, writes
from portal.models import CommentPeriod, Role, Theme
from portal.planning import report
from portal.planning.forms import NewThemeForm, ThemeForm
from portal.public.forms import COUNTRIES, SUBMITTER_TYPES, labels
from portal.services import consultations, exports, summaries, themes

bp = Blueprint("planning", __name__, url_prefix="/<lang>/planning")
PLANNERS = (Role.PLANNER.value,)


@bp.get("/")
@role_required(*PLANNERS)
def index() -> str:
    db = get_session()
    return render_template("planning/index.html", pillars=consultations.pillars(db))


def _scope(kind: str, slug: str) -> tuple[str, list[CommentPeriod]]:
    db = get_session()
    if kind == "periods":
        period = consultations.period_by_key(db, slug)
        if period is None:
            abort(404)
        return period.title(_lang()), [period]
    pillar = consultations.pillar_by_slug(db, slug)
    if pillar is None:
        abort(404)
    return pillar.name(_lang()), list(pillar.periods)


def _lang() -> str:
    from portal.i18n import current_lang

    return current_lang()


@bp.get("/<any(periods, pillars):kind>/<slug>")
@role_required(*PLANNERS)
def summary(kind: str, slug: str) -> str:
    title, periods = _scope(kind, slug)
    result = summaries.summarize(get_session(), periods)
    return render_template(
        "planning/summary.html", title=title, kind=kind, slug=slug, summary=result,
        charts=report.charts(result, _lang()),
        submitter_types=labels(SUBMITTER_TYPES), countries=labels(COUNTRIES),
        formats=exports.FORMATS,
    )


@bp.get("/<any(periods, pillars):kind>/<slug>/export")
@role_required(*PLANNERS)
@writes
def export(kind: str, slug: str):  # type: ignore[no-untyped-def]
    title, periods = _scope(kind, slug)
    options = exports.ExportOptions(
        fmt=request.args.get("format", ""),
        lang=request.args.get("language", _lang()),
        all_statuses=request.args.get("statuses") == "all",
        include_email=request.args.get("contacts") == "1",
    )
    try:
        options.check(actor_is_admin=current_user.has_role(Role.ADMIN.value))
    except exports.ExportError as exc:
        if str(exc) == "contacts":
            abort(403)
        return render_template(
            "errors/error.html", code=400, title=_("Unknown export format"),
            message=_("Choose CSV, JSON, XLSX or the printable report."),
        ), 400
    db = get_session()
    exports.record(db, current_actor(), periods, options)
    filename = f"{periods[0].docket_id if kind == 'periods' else slug}.{options.fmt}"
    return _send(periods, options, title, filename)


def _send(periods: Sequence[CommentPeriod], options: exports.ExportOptions, title: str,
          filename: str) -> Response:
    """Stream the export. It reads with a session of its own, which it empties batch by batch."""
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"',
                   "Cache-Control": "private, no-store"}
    period_ids = [p.id for p in periods]

    def streamed(produce: Callable[[Session, list[CommentPeriod]], Iterator[str]]) -> Iterator[str]:
        session = new_session()
        try:
            yield from produce(session, [session.get(CommentPeriod, i) for i in period_ids])
        finally:
            session.close()

    if options.fmt == "csv":
        body = streamed(lambda db, scoped: exports.csv_chunks(db, scoped, options))
        return Response(stream_with_context(body), mimetype="text/csv", headers=disposition)
    if options.fmt == "json":
        body = streamed(lambda db, scoped: exports.json_chunks(
            db, scoped, options, summaries.summarize(db, scoped)))
        return Response(stream_with_context(body), mimetype="application/json",
                        headers=disposition)
    session = new_session()
    try:
        scoped = [session.get(CommentPeriod, i) for i in period_ids]
        summary = summaries.summarize(session, scoped)
        if options.fmt == "html":
            html = report.render(summary, title, options.lang)
            headers = dict(disposition)
            headers["Content-Security-Policy"] = report.csp(html)
            return Response(html, mimetype="text/html", headers=headers)
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
        handle.close()
        exports.write_workbook(handle.name, session, scoped, options, summary)
    finally:
        session.close()

    def file_body() -> Iterator[bytes]:
        try:
            with open(handle.name, "rb") as f:
                while chunk := f.read(256 * 1024):
                    yield chunk
        finally:
            os.unlink(handle.name)

    return Response(
        file_body(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=disposition,
    )


@bp.route("/themes", methods=["GET", "POST"])
@role_required(Role.ADMIN.value)
def theme_list():  # type: ignore[no-untyped-def]
    db = get_session()
    new_form = NewThemeForm(prefix="new")
    new_form.pillar.choices = [(p.id, f"{p.number}. {p.name(_lang())}")
                               for p in consultations.pillars(db)]
    status = 200
    if request.method == "POST":
        if new_form.validate_on_submit():
            try:
                themes.create(db, new_form.pillar.data, new_form.code.data, current_actor(),
                              label_en=new_form.label_en.data, label_es=new_form.label_es.data,
                              keywords_en=new_form.keywords_en.data or "",
                              keywords_es=new_form.keywords_es.data or "")
            except themes.ThemeError:
                db.rollback()
                new_form.code.errors.append(_("That code is already used."))
                status = 422
            else:
                flash(_("Theme added."), "success")
                return redirect(url_for(".theme_list"), code=303)
        else:
            status = 422
    return render_template("planning/themes.html", themes=themes.all_themes(db),
                           new_form=new_form, forms={}, ThemeForm=ThemeForm), status


@bp.post("/themes/<int:theme_id>")
@role_required(Role.ADMIN.value)
def theme_update(theme_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    theme = db.get(Theme, theme_id)
    if theme is None:
        abort(404)
    form = ThemeForm(prefix=f"t{theme_id}")
    if not form.validate_on_submit():
        new_form = NewThemeForm(prefix="new", formdata=None)
        new_form.pillar.choices = [(p.id, p.name(_lang())) for p in consultations.pillars(db)]
        return render_template("planning/themes.html", themes=themes.all_themes(db),
                               new_form=new_form, forms={theme_id: form},
                               ThemeForm=ThemeForm), 422
    themes.update(db, theme, current_actor(), label_en=form.label_en.data,
                  label_es=form.label_es.data, keywords_en=form.keywords_en.data or "",
                  keywords_es=form.keywords_es.data or "", active=bool(form.active.data))
    flash(_("Theme saved."), "success")
    return redirect(url_for(".theme_list"), code=303)
