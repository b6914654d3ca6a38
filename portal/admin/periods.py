"""Comment period pages for admins and coordinators: thin views over services.periods."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import LazyString
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from portal.admin.forms import (
    CloseForm,
    ConfirmForm,
    DocumentForm,
    ExtendForm,
    PeriodForm,
    ReopenForm,
)
from portal.admin.routes import bp
from portal.auth.decorators import current_actor, role_required
from portal.db import get_session
from portal.forms import PortalForm
from portal.i18n import current_lang
from portal.models import CommentPeriod, PeriodDocument, Role
from portal.models.types import utcnow
from portal.services import audit, consultations, deadlines, documents, outcomes, periods
from portal.zones import ANNOUNCE_ZONES, WASHINGTON, local_value

MANAGERS = (Role.COORDINATOR,)


def _errors(form: PortalForm, errors: Mapping[str, LazyString], fallback: str) -> None:
    for name, message in errors.items():
        field = form._fields.get(name) or form._fields[fallback]
        field.errors = [*field.errors, str(message)]


def _pillar_choices(form: PeriodForm) -> None:
    prompt = [("", _("Choose one"))]
    form.pillar.choices = prompt + [
        (str(p.id), f"{p.number}. {p.name(current_lang())}")
        for p in consultations.pillars(get_session())
    ]


def _period_or_404(period_id: int) -> CommentPeriod:
    found = get_session().get(CommentPeriod, period_id)
    if found is None:
        abort(404)
    return found


@bp.get("/periods")
@role_required(*MANAGERS)
def periods_list() -> str:
    db = get_session()
    rows = consultations.periods_open_first(consultations.all_periods(db))
    return render_template("admin/periods.html", periods=rows, counts=periods.counts(db),
                           outcomes=outcomes.published_period_ids(db))


@bp.route("/periods/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def period_new() -> ResponseReturnValue:
    form = PeriodForm()
    _pillar_choices(form)
    if request.method in ("GET", "HEAD"):
        form.timezone.data = WASHINGTON
        return render_template("admin/period_form.html", form=form, period=None)
    if form.validate_on_submit():
        db = get_session()
        try:
            created = periods.create(db, current_actor(), form.to_input())
        except periods.PeriodInvalid as exc:
            db.rollback()
            _errors(form, exc.errors, "slug")
        else:
            flash(_("Comment period %(docket)s created.", docket=created.docket_id), "success")
            return redirect(url_for(".period_manage", period_id=created.id), code=303)
    return render_template("admin/period_form.html", form=form, period=None), 422


@bp.route("/periods/<id:period_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def period_edit(period_id: int) -> ResponseReturnValue:
    period = _period_or_404(period_id)
    db = get_session()
    if request.method in ("GET", "HEAD"):
        form = PeriodForm.of(periods.PeriodInput.of(period))
        _pillar_choices(form)
        return render_template("admin/period_form.html", form=form, period=period,
                               frozen=periods.has_answers(db, period))
    form = PeriodForm()
    _pillar_choices(form)
    if form.validate_on_submit():
        try:
            periods.update(db, current_actor(), period, form.to_input())
        except periods.PeriodInvalid as exc:
            db.rollback()
            _errors(form, exc.errors, "slug")
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for(".period_manage", period_id=period.id), code=303)
    return render_template("admin/period_form.html", form=form, period=period,
                           frozen=periods.has_answers(db, period)), 422


def _manage(period: CommentPeriod, status: int = 200, **forms: PortalForm) -> ResponseReturnValue:
    db = get_session()
    size = current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)
    document_form = forms.get("document") or DocumentForm(prefix="doc")
    document_form.file.description = _("A PDF of at most %(size)s MB.", size=size)
    extend = forms.get("extend") or ExtendForm(
        prefix="extend", formdata=None,
        data={"closes_at": local_value(period.closes_at, period.timezone)})
    reopen = forms.get("reopen") or ReopenForm(prefix="reopen")
    zone = ANNOUNCE_ZONES.get(period.timezone, period.timezone)
    for field in (extend.closes_at, reopen.reopen_until):
        field.description = _("In the period's announcement zone, %(zone)s: 2027-03-01 09:00.",
                              zone=zone)
    return render_template(
        "admin/period.html", period=period, state=period.state(), now=utcnow(),
        comments=periods.counts(db).get(period.id, 0),
        history=audit.history(db, "period", period.id), changes=audit.changes,
        documents=documents.of_period(db, period.id),
        outcome=outcomes.latest(db, period), published=outcomes.published(db, period),
        extend_form=extend, close_form=forms.get("close") or CloseForm(prefix="close"),
        reopen_form=reopen,
        document_form=document_form, confirm_form=ConfirmForm(),
    ), status


@bp.get("/periods/<id:period_id>")
@role_required(*MANAGERS)
def period_manage(period_id: int) -> ResponseReturnValue:
    return _manage(_period_or_404(period_id))


def _act(period: CommentPeriod, form: PortalForm, key: str, fallback: str, action: object,
         done: str) -> ResponseReturnValue:
    db = get_session()
    if not form.validate_on_submit():
        return _manage(period, 400, **{key: form})
    try:
        action()  # type: ignore[operator]  # a closure over the form's data
    except periods.PeriodInvalid as exc:
        db.rollback()
        _errors(form, exc.errors, fallback)
        return _manage(db.get(CommentPeriod, period.id) or period, 422, **{key: form})
    flash(done, "success")
    return redirect(url_for(".period_manage", period_id=period.id), code=303)


@bp.post("/periods/<id:period_id>/extend")
@role_required(*MANAGERS)
def period_extend(period_id: int) -> ResponseReturnValue:
    period = _period_or_404(period_id)
    form = ExtendForm(prefix="extend")
    return _act(period, form, "extend", "closes_at",
                lambda: deadlines.extend(get_session(), current_actor(), period,
                                       form.closes_at.data or ""),
                _("The deadline was extended."))


@bp.post("/periods/<id:period_id>/close")
@role_required(*MANAGERS)
def period_close(period_id: int) -> ResponseReturnValue:
    period = _period_or_404(period_id)
    form = CloseForm(prefix="close")
    return _act(period, form, "close", "reason_en",
                lambda: deadlines.close_early(get_session(), current_actor(), period,
                                            form.reason_en.data or "", form.reason_es.data or ""),
                _("The period is closed."))


@bp.post("/periods/<id:period_id>/reopen")
@role_required(*MANAGERS)
def period_reopen(period_id: int) -> ResponseReturnValue:
    period = _period_or_404(period_id)
    form = ReopenForm(prefix="reopen")
    return _act(period, form, "reopen", "reopen_until",
                lambda: deadlines.reopen(get_session(), current_actor(), period,
                                       form.reopen_until.data or ""),
                _("The period is open again."))


@bp.post("/periods/<id:period_id>/documents")
@role_required(*MANAGERS)
def document_add(period_id: int) -> ResponseReturnValue:
    period = _period_or_404(period_id)
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    request.max_content_length = limit + 256 * 1024  # the file, and the form around it
    try:
        form = DocumentForm(prefix="doc")
        upload = form.file.data
    except RequestEntityTooLarge:
        form = DocumentForm(prefix="doc", formdata=None)
        form.file.errors = [_("The file is larger than %(size)s MB.",
                              size=limit // (1024 * 1024))]
        return _manage(period, 413, document=form)
    pdf = upload.read(limit + 1) if upload and upload.filename else None
    return _act(period, form, "document", "url",
                lambda: documents.add(
                    get_session(), current_actor(), period, title_en=form.title_en.data or "",
                    title_es=form.title_es.data or "", url=form.url.data or "", pdf=pdf,
                    file_name=upload.filename if pdf is not None else "",
                    upload_dir=current_app.config["UPLOAD_DIR"], max_bytes=limit),
                _("Document added."))


@bp.post("/periods/<id:period_id>/documents/<id:document_id>/remove")
@role_required(*MANAGERS)
def document_remove(period_id: int, document_id: int) -> ResponseReturnValue:
    period = _period_or_404(period_id)
    db = get_session()
    document = db.get(PeriodDocument, document_id)
    if document is None or document.period_id != period.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    unused = documents.remove(db, current_actor(), document)
    documents.remove_files_after_commit(db, current_app.config["UPLOAD_DIR"],
                                        [unused] if unused else [])
    flash(_("Document removed."), "success")
    return redirect(url_for(".period_manage", period_id=period.id), code=303)


@bp.post("/periods/<id:period_id>/delete")
@role_required(*MANAGERS)
def period_delete(period_id: int) -> ResponseReturnValue:
    period = _period_or_404(period_id)
    db = get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    docket = period.docket_id
    try:
        files = periods.delete(db, current_actor(), period)
    except periods.PeriodInvalid as exc:
        db.rollback()
        flash(str(next(iter(exc.errors.values()))), "error")
        return _manage(_period_or_404(period_id), 409)
    documents.remove_files_after_commit(db, current_app.config["UPLOAD_DIR"], files)
    flash(_("Comment period %(docket)s deleted.", docket=docket), "success")
    return redirect(url_for(".periods_list"), code=303)
