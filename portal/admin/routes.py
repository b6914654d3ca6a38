"""Administrators' pages: a home that links every staff area, the periods and the outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.auth.decorators import current_actor, role_required
from portal.db import get_session
from portal.forms import PortalForm
from portal.models import Role, User
from portal.services import accounts, moderation

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin")


@bp.get("/")
@role_required(Role.ADMIN)
def home() -> str:
    return render_template("admin/home.html", counts=moderation.status_counts(get_session()))


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> str:
    return render_template("admin/users.html", users=accounts.list_users(get_session()),
                           form=PortalForm())


@bp.post("/users/<id:user_id>/end-sessions")
@role_required(Role.ADMIN)
def end_sessions(user_id: int) -> ResponseReturnValue:
    db = get_session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    if not PortalForm().validate_on_submit():
        abort(400)
    accounts.end_all_sessions(db, user.email, current_actor())
    flash(_("Every session of %(email)s has ended: it must sign in again.", email=user.email),
          "success")
    return redirect(url_for(".users"), code=303)


# The period pages live in the same blueprint, in a module of their own.
from portal.admin import outbox as _outbox  # noqa: E402,F401
from portal.admin import periods as _periods  # noqa: E402,F401
