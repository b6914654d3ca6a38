"""Following a pillar or a period by email: the request, the confirmation link and the
one-click unsubscribe. Thin views over services.following."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from portal.db import get_session, writes
from portal.extensions import csrf, limiter
from portal.i18n import current_lang
from portal.models import CommentPeriod, Pillar
from portal.public.forms import FollowForm
from portal.public.routes import bp
from portal.services import consultations, following


def follow_form() -> FollowForm:
    """A fresh form for a pillar or period page, in the page's language."""
    form = FollowForm(formdata=None)
    form.language.data = current_lang()
    return form


def _follow(pillar: Pillar | None, period: CommentPeriod | None) -> ResponseReturnValue:
    form = FollowForm()
    if request.method == "GET":
        form.language.data = current_lang()
    target_name = period.title(current_lang()) if period else pillar.name(current_lang()) \
        if pillar else ""
    if request.method == "POST" and form.validate_on_submit():
        following.request_follow(get_session(), form.email.data or "", form.language.data or "",
                                 pillar=pillar, period=period)
        return redirect(url_for("public.follow_sent"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("public/follow.html", form=form, pillar=pillar, period=period,
                           target=target_name), status


def _limit() -> str:
    return str(current_app.config["RATELIMIT_FOLLOW"])


@bp.route("/pillars/<slug>/follow", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@csrf.exempt  # FollowForm says why
def follow_pillar(slug: str) -> ResponseReturnValue:
    found = consultations.pillar_by_slug(get_session(), slug)
    if found is None:
        abort(404)
    return _follow(found, None)


@bp.route("/periods/<slug>/follow", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@csrf.exempt  # FollowForm says why
def follow_period(slug: str) -> ResponseReturnValue:
    found = consultations.period_by_slug(get_session(), slug)
    if found is None:
        abort(404)
    return _follow(None, found)


@bp.get("/follow/sent")
def follow_sent() -> str:
    return render_template("public/follow_done.html", outcome="sent")


def _link_error(reason: str) -> ResponseReturnValue:
    # An unsubscribe clicked twice is not an error: the address is gone, as wished.
    status = 200 if reason == "gone" else 400
    return render_template("public/follow_done.html", outcome=reason), status


@bp.get("/follow/confirm/<token>")
@writes
def follow_confirm(token: str) -> ResponseReturnValue:
    """Confirming is idempotent, so a GET may do it (the link in the confirmation message)."""
    session = get_session()
    try:
        follower = following.confirm(session, token, current_app.config["SECRET_KEY"],
                                     current_app.config["FOLLOW_CONFIRM_MAX_AGE"])
    except following.LinkError as exc:
        return _link_error(exc.reason)
    return render_template(
        "public/follow_done.html", outcome="confirmed",
        target=following.describe_target(session, follower.target, current_lang()))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail program posts "List-Unsubscribe=One-Click" with no token
def unsubscribe(token: str) -> ResponseReturnValue:
    """GET shows a button (mail scanners open links; they must not unsubscribe anyone); POST,
    from that button or from the mail program's one-click, unsubscribes."""
    session = get_session()
    config = current_app.config
    try:
        if request.method == "POST":
            target = following.unsubscribe(session, token, config["SECRET_KEY"],
                                           config["UNSUBSCRIBE_MAX_AGE"])
            return render_template(
                "public/follow_done.html", outcome="unsubscribed",
                target=following.describe_target(session, target, current_lang()))
        follower = following.check_unsubscribe(session, token, config["SECRET_KEY"],
                                               config["UNSUBSCRIBE_MAX_AGE"])
    except following.LinkError as exc:
        return _link_error(exc.reason)
    return render_template(
        "public/unsubscribe.html", token=token, email=follower.email,
        target=following.describe_target(session, follower.target, current_lang()))


@bp.app_context_processor
def _follow_forms() -> dict[str, object]:
    return {"follow_form": follow_form}
