"""Exports on the planning pages: asked for here, written by the worker, downloaded when whole.

A planner sees their own exports; an admin sees everyone's. Someone else's export answers 404,
as if it did not exist.
"""

from __future__ import annotations

import base64

from flask import abort, jsonify, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.decorators import current_actor, role_required
from portal.db import get_session
from portal.exports import report
from portal.i18n import current_lang
from portal.models import Counting, ExportJob, ExportState, Role
from portal.planning.routes import EXPORT_ERRORS, PLANNERS, _scope_or_404, bp
from portal.services import export_jobs, exports


def _is_admin() -> bool:
    return bool(current_user.has_role(Role.ADMIN))


def _job_or_404(job_id: int) -> ExportJob:
    job = export_jobs.find(get_session(), job_id, current_user.id, _is_admin())
    if job is None:
        abort(404)
    return job


@bp.post("/<any(periods, pillars):kind>/<slug>/export")
@role_required(*PLANNERS)
def export(kind: str, slug: str) -> ResponseReturnValue:
    scope = _scope_or_404(kind, slug)
    form = request.form
    options = exports.ExportOptions(
        fmt=form.get("format", ""),
        lang=form.get("language", current_lang()),
        all_statuses=form.get("statuses") == "all",
        include_email=form.get("contacts") == "1",
        counting=form.get("count", Counting.SIGNATURES),
        rejected_originals=_is_admin(),
    )
    try:
        job = export_jobs.request(get_session(), current_user.id, current_actor(), kind, slug,
                                  scope, options, may_include_email=_is_admin())
    except exports.ExportError as exc:
        if exc.code == "contacts":
            abort(403)
        return render_template("errors/error.html", code=400, **EXPORT_ERRORS[exc.code]), 400
    return redirect(url_for(".export_job", job_id=job.id), code=303)


@bp.get("/exports/")
@role_required(*PLANNERS)
def export_list() -> str:
    jobs = export_jobs.visible(get_session(), current_user.id, _is_admin())
    return render_template("planning/exports.html", jobs=jobs, everyone=_is_admin())


@bp.get("/exports/<id:job_id>")
@role_required(*PLANNERS)
def export_job(job_id: int) -> str:
    job = _job_or_404(job_id)
    return render_template("planning/export_job.html", job=job, progress=progress_text(job),
                           available=export_jobs.path_of(job) is not None)


@bp.get("/exports/<id:job_id>/status")
@role_required(*PLANNERS)
def export_status(job_id: int) -> ResponseReturnValue:
    """What the job page's script polls while the export is written."""
    job = _job_or_404(job_id)
    response = jsonify(state=job.state.value, label=job.state.label,
                       progress=progress_text(job),
                       finished=job.state in (ExportState.DONE, ExportState.FAILED))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def progress_text(job: ExportJob) -> str:
    if job.rows_total:
        return _("%(written)s of %(total)s rows written",
                 written=format_decimal(job.rows_written), total=format_decimal(job.rows_total))
    return _("%(written)s rows written", written=format_decimal(job.rows_written))


@bp.post("/exports/<id:job_id>/retry")
@role_required(*PLANNERS)
def export_retry(job_id: int) -> ResponseReturnValue:
    job = _job_or_404(job_id)
    export_jobs.retry(get_session(), job)
    return redirect(url_for(".export_job", job_id=job.id), code=303)


@bp.get("/exports/<id:job_id>/download")
@role_required(*PLANNERS)
def export_download(job_id: int) -> ResponseReturnValue:
    job = _job_or_404(job_id)
    path = export_jobs.path_of(job)
    if path is None or job.sha256 is None:
        abort(404)
    response = send_file(path, mimetype=exports.MIMETYPES[job.fmt], as_attachment=True,
                         download_name=job.file_name, etag=job.sha256, conditional=True,
                         max_age=0)
    digest = base64.b64encode(bytes.fromhex(job.sha256)).decode()
    # RFC 9530: the checksum of the whole file, whichever range is sent.
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        report.csp() if job.fmt == "html" else "sandbox; default-src 'none'")
    return response
