"""Planner pages: thin views over services.summaries and services.exports."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.auth.decorators import current_actor, role_required
from portal.db import get_session
from portal.exports import report
from portal.i18n import current_lang
from portal.models import Counting, Role, Theme
from portal.planning.forms import NewThemeForm, ThemeForm
from portal.services import consultations, exports, summaries, themes

bp = Blueprint("planning", __name__, url_prefix="/<lang>/planning")
PLANNERS = (Role.PLANNER,)


@bp.get("/")
@role_required(*PLANNERS)
def index() -> str:
    db = get_session()
    return render_template("planning/index.html", pillars=consultations.pillars(db))


def _scope_or_404(kind: str, slug: str) -> consultations.Scope:
    scope = consultations.find_scope(get_session(), kind, slug)
    if scope is None:
        abort(404)
    return scope


@bp.get("/<any(periods, pillars):kind>/<slug>")
@role_required(*PLANNERS)
def summary(kind: str, slug: str) -> str:
    db = get_session()
    scope = _scope_or_404(kind, slug)
    counting = Counting.parse(request.args.get("count")) or Counting.SIGNATURES
    result = summaries.summarize(db, scope.periods(db), counting)
    return render_template(
        "planning/summary.html", title=scope.title(db, current_lang()), kind=kind, slug=slug,
        summary=result,
        charts=report.charts(result, current_lang()), formats=exports.FORMATS,
    )


EXPORT_ERRORS = {
    "format": {"title": _l("Unknown export format"),
               "message": _l("Choose CSV, JSON, XLSX or the printable report.")},
    "language": {"title": _l("Unknown export language"),
                 "message": _l("Choose English or Spanish for the headings and labels.")},
    "counting": {"title": _l("Unknown way of counting"),
                 "message": _l("Count every signature, or each campaign once.")},
}


@bp.route("/themes", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def theme_list() -> ResponseReturnValue:
    db = get_session()
    new_form = NewThemeForm(prefix="new")
    new_form.pillar.choices = [(p.id, f"{p.number}. {p.name(current_lang())}")
                               for p in consultations.pillars(db)]
    status = 200
    if request.method == "POST":
        if new_form.validate_on_submit():
            try:
                themes.create(db, new_form.pillar.data, new_form.code.data or "",
                              current_actor(), label_en=new_form.label_en.data or "",
                              label_es=new_form.label_es.data or "",
                              keywords_en=new_form.keywords_en.data or "",
                              keywords_es=new_form.keywords_es.data or "")
            except themes.ThemeError:
                db.rollback()
                new_form.code.errors = [*new_form.code.errors, _("That code is already used.")]
                status = 422
            else:
                flash(_("Theme added."), "success")
                return redirect(url_for(".theme_list"), code=303)
        else:
            status = 422
    return render_template("planning/themes.html", themes=themes.all_themes(db),
                           new_form=new_form, forms={}, ThemeForm=ThemeForm), status


@bp.post("/themes/<id:theme_id>")
@role_required(Role.ADMIN)
def theme_update(theme_id: int) -> ResponseReturnValue:
    db = get_session()
    theme = db.get(Theme, theme_id)
    if theme is None:
        abort(404)
    form = ThemeForm(prefix=f"t{theme_id}")
    if not form.validate_on_submit():
        new_form = NewThemeForm(prefix="new", formdata=None)
        new_form.pillar.choices = [(p.id, p.name(current_lang()))
                                   for p in consultations.pillars(db)]
        return render_template("planning/themes.html", themes=themes.all_themes(db),
                               new_form=new_form, forms={theme_id: form},
                               ThemeForm=ThemeForm), 422
    themes.update(db, theme, current_actor(), label_en=form.label_en.data or "",
                  label_es=form.label_es.data or "", keywords_en=form.keywords_en.data or "",
                  keywords_es=form.keywords_es.data or "", active=bool(form.active.data))
    flash(_("Theme saved."), "success")
    return redirect(url_for(".theme_list"), code=303)


# The outcome editor and the exports live in the same blueprint, in modules of their own.
from portal.planning import export_jobs as _export_jobs  # noqa: E402,F401
from portal.planning import outcomes as _outcomes  # noqa: E402,F401
