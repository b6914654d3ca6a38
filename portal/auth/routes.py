"""Sign-in and sign-out for staff."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug import Response

from portal.auth import lockout
from portal.auth.decorators import current_actor
from portal.auth.forms import SignInForm
from portal.db import get_session
from portal.extensions import limiter, login_manager
from portal.i18n import format_instant
from portal.models import AuditAction, Role, User
from portal.redirects import safe_target
from portal.services import accounts, audit

bp = Blueprint("auth", __name__, url_prefix="/<lang>/staff")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return accounts.by_session_id(get_session(), user_id)


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    flash(_("Please sign in to see that page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _home_for(user: User) -> str:
    """Where each role works: moderators the queue, planners the summaries, coordinators the
    comment periods, admins a page that links every staff area."""
    if user.role is Role.MODERATOR:
        return url_for("moderation.queue")
    if user.role is Role.PLANNER:
        return url_for("planning.index")
    if user.role is Role.COORDINATOR:
        return url_for("admin.periods_list")
    return url_for("admin.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def login() -> ResponseReturnValue:
    form = SignInForm()
    if request.method in ("GET", "HEAD") and current_user.is_authenticated:
        return redirect(_home_for(current_user))
    error = None
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        db = get_session()
        attempt = lockout.sign_in(
            db, form.email.data or "", form.password.data or "", ip=request.remote_addr or ""
        )
        user = attempt.result.user
        if user is not None:
            session.clear()  # a new session id on sign-in: no fixation
            login_user(user)
            return redirect(safe_target(request.args.get("next"), _home_for(user)))
        if attempt.wait_until:
            error = _(
                "Too many failed attempts from this connection. Please try again after "
                "%(time)s.",
                time=format_instant(attempt.wait_until, "UTC"),
            )
            status = 429
            headers["Retry-After"] = str(attempt.retry_after)
        else:
            error = _("The email address or password is not right.")
            status = 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form, error=error), status, headers


@bp.post("/logout")
@login_required
def logout() -> Response:
    db = get_session()
    audit.record(db, current_actor(), AuditAction.SIGNOUT, "user", current_user.id)
    # A copy of this cookie (another tab, a stolen one) must not outlive the sign-out.
    accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
