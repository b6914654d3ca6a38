"""The outcome page editor ("what we heard"): planners and coordinators draft and publish."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from portal.auth.decorators import current_actor, role_required
from portal.db import get_session
from portal.forms import PortalForm
from portal.models import CommentPeriod, Role
from portal.planning.routes import bp
from portal.services import audit, consultations, outcomes, periods

EDITORS = (Role.PLANNER, Role.COORDINATOR)
MARKDOWN_HINT = _l("Markdown: **bold**, *italics*, lists with -, quotes with >, headings with ##.")


class OutcomeForm(PortalForm):
    summary_en = TextAreaField(_l("What we heard, in English"), description=MARKDOWN_HINT)
    summary_es = TextAreaField(_l("What we heard, in Spanish"))
    response_en = TextAreaField(_l("The governments' response, in English"), description=_l(
        "What the governments will do with what they heard. Needed in both languages to "
        "publish."))
    response_es = TextAreaField(_l("The governments' response, in Spanish"))

    def texts(self) -> dict[str, str]:
        return {name: str(self[name].data or "") for name in
                ("summary_en", "summary_es", "response_en", "response_es")}


def _period_or_404(slug: str) -> CommentPeriod:
    found = consultations.period_by_slug(get_session(), slug)
    if found is None:
        abort(404)
    return found


def _editor(period: CommentPeriod, form: OutcomeForm, status: int = 200) -> ResponseReturnValue:
    db = get_session()
    return render_template(
        "planning/outcome.html", period=period, form=form, state=period.state(),
        draft=outcomes.latest(db, period), published=outcomes.published(db, period),
        revisions=outcomes.history(db, period), history=audit.history(db, "period", period.id),
    ), status


@bp.route("/periods/<slug>/outcome", methods=["GET", "POST"])
@role_required(*EDITORS)
def outcome_editor(slug: str) -> ResponseReturnValue:
    period = _period_or_404(slug)
    db = get_session()
    if request.method in ("GET", "HEAD"):
        return _editor(period, OutcomeForm(formdata=None,
                                           data=outcomes.draft_texts(db, period)))
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _editor(period, form, 400)
    publishing = request.form.get("action") == "publish"
    try:
        if publishing:
            outcomes.publish(db, current_actor(), period, form.texts())
        else:
            outcomes.save(db, current_actor(), period, form.texts())
    except periods.PeriodInvalid as exc:
        db.rollback()
        for name, message in exc.errors.items():
            form[name].errors = [*form[name].errors, str(message)]
        return _editor(period, form, 422)
    flash(_("The outcome page is published.") if publishing else _("Draft saved."), "success")
    return redirect(url_for(".outcome_editor", slug=period.slug), code=303)
