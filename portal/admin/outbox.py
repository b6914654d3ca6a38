"""The outbox for admins: what was sent, what waits and why, and a button to retry."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_wtf import FlaskForm

from portal.admin.routes import bp
from portal.auth.decorators import role_required
from portal.db import get_session
from portal.ids import id_arg, parse_ids
from portal.models import OutboxState, Role
from portal.services import outbox


@bp.get("/outbox")
@role_required(Role.ADMIN)
def outbox_list() -> str:
    session = get_session()
    state = OutboxState.parse(request.args.get("state"))
    before = id_arg("before")
    rows = outbox.listing(session, state, before=before)
    more = len(rows) == outbox.PAGE
    return render_template("admin/outbox.html", rows=rows, state=state,
                           counts=outbox.counts(session), form=FlaskForm(),
                           older=rows[-1].id if more else None)


@bp.post("/outbox/retry")
@role_required(Role.ADMIN)
def outbox_retry() -> ResponseReturnValue:
    form = FlaskForm()
    if form.validate_on_submit():
        ids = parse_ids(request.form.getlist("id"))
        if ids is None:
            abort(400)
        changed = outbox.retry(get_session(), ids,
                               all_failed=request.form.get("all_failed") == "1")
        flash(ngettext("%(num)d message will be sent again.",
                       "%(num)d messages will be sent again.", changed), "success")
    return redirect(url_for("admin.outbox_list", state=request.args.get("state")), code=303)
