"""Campaign pages for moderators: the list, one campaign, and deciding, renaming, merging,
linking and taking members out. Thin views over services.campaigns and campaign_decisions."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.auth.decorators import current_actor, role_required
from portal.db import get_session
from portal.i18n import current_lang
from portal.ids import id_arg, parse_id, parse_ids
from portal.models import Campaign, Language, Submission
from portal.moderation.forms import (
    CampaignDecisionForm,
    DecisionForm,
    LinkForm,
    MergeForm,
    RenameForm,
)
from portal.moderation.routes import STAFF_ROLES, bp
from portal.services import (
    audit,
    campaign_decisions,
    campaign_queries,
    campaigns,
    consultations,
    moderation,
    themes,
)


def _after() -> tuple[int, int] | None:
    raw = request.args.get("after", "")
    if not raw:
        return None
    size, _, last = raw.partition("-")
    first, second = parse_id(size), parse_id(last)
    if first is None or second is None:
        abort(400)
    return first, second


@bp.get("/campaigns/")
@role_required(*STAFF_ROLES)
def campaign_list() -> str:
    db = get_session()
    period_id = id_arg("period")
    language = Language.parse(request.args.get("language"))
    page = campaign_queries.listing(db, period_id, language, after=_after())
    args = {k: v for k, v in request.args.items() if k != "after"}
    return render_template(
        "moderation/campaigns.html", page=page, args=args, period_id=period_id,
        language=language, periods=consultations.all_periods(db),
        pending=campaign_queries.pending_counts(db, [c.id for c in page.items]),
    )


def _campaign_or_404(campaign_id: int) -> Campaign:
    found = campaign_queries.get(get_session(), campaign_id)
    if found is None:
        abort(404)
    return found


def _page(campaign: Campaign, status: int = 200, *, decide_form: CampaignDecisionForm | None = None,
          rename_form: RenameForm | None = None, merge_form: MergeForm | None = None,
          link_form: LinkForm | None = None) -> ResponseReturnValue:
    db = get_session()
    members, next_after = campaign_queries.members(db, campaign,
                                                   after=id_arg("after"))
    theme_options = themes.for_pillar(db, campaign.period.pillar_id)
    chosen = set(campaign_decisions.theme_ids(campaign))
    if not chosen:
        chosen = {row.theme_id for row in themes.of_submission(db, campaign.representative_id)
                  if row.confirmed or row.suggested}
    version = campaign.version
    merge_form = merge_form or MergeForm(version=version, formdata=None)
    merge_form.other.choices = [(c.id, _("%(name)s (%(count)s signers)", name=c.name,
                                         count=c.size))
                                for c in campaign_queries.merge_candidates(db, campaign)]
    link_form = link_form or LinkForm(formdata=None)
    link_form.other.choices = [(c.id, f"{c.name} — {c.language.label}")
                               for c in campaign_queries.link_candidates(db, campaign)]
    return render_template(
        "moderation/campaign.html", campaign=campaign, members=members, next_after=next_after,
        signers=campaign_queries.signers(db, campaign),
        pending=campaign_queries.pending_members(db, campaign),
        held=campaign_queries.held_members(db, campaign),
        linked=campaign_queries.linked(db, campaign),
        history=audit.history(db, "campaign", campaign.id), changes=audit.changes,
        theme_options=theme_options, chosen_themes=chosen,
        theme_names={t.id: t.label(current_lang()) for t in theme_options},
        decide_form=decide_form or CampaignDecisionForm(version=version, formdata=None),
        rename_form=rename_form or RenameForm(version=version, name=campaign.name,
                                              formdata=None),
        merge_form=merge_form, link_form=link_form,
        row_form=DecisionForm(version=version, formdata=None),
    ), status


@bp.get("/campaigns/<id:campaign_id>")
@role_required(*STAFF_ROLES)
def campaign(campaign_id: int) -> ResponseReturnValue:
    found = _campaign_or_404(campaign_id)
    if found.merged_into_id is not None:
        flash(_("This campaign was merged into another one, shown here."), "warning")
        return redirect(url_for(".campaign", campaign_id=found.merged_into_id), code=303)
    return _page(found)


def _conflict(campaign: Campaign) -> ResponseReturnValue:
    db = get_session()
    db.rollback()
    db.refresh(campaign)
    merged_into = (campaign_queries.get(db, campaign.merged_into_id)
                   if campaign.merged_into_id else None)
    return render_template("moderation/campaign_conflict.html", campaign=campaign,
                           merged_into=merged_into), 409


def _apply(campaign: Campaign, change: Callable[[Session], object],
           done: str) -> ResponseReturnValue:
    try:
        change(get_session())
    except moderation.ConflictError:
        return _conflict(campaign)
    except (campaigns.CampaignError, themes.ThemeError, moderation.InvalidDecisionError):
        abort(400)
    flash(done, "success")
    return redirect(url_for(".campaign", campaign_id=campaign.id), code=303)


def _theme_ids() -> list[int]:
    chosen = parse_ids(request.form.getlist("themes"))
    if chosen is None:
        abort(400)
    return chosen


@bp.post("/campaigns/<id:campaign_id>/decide")
@role_required(*STAFF_ROLES)
def campaign_decide(campaign_id: int) -> ResponseReturnValue:
    found = _campaign_or_404(campaign_id)
    form = CampaignDecisionForm()
    if not form.validate_on_submit():
        if form.version.data is None:
            abort(400)
        if found.version != form.version.data or found.merged_into_id is not None:
            return _conflict(found)
        return _page(found, status=422, decide_form=form)
    chosen = _theme_ids()
    try:
        result = campaign_decisions.decide(
            get_session(), found, form.action.data or "", current_actor(),
            reason=form.reason.data, note=form.note.data or "", theme_choice=chosen,
            expected_version=form.version.data)
    except moderation.ConflictError:
        return _conflict(found)
    except (themes.ThemeError, moderation.InvalidDecisionError):
        abort(400)
    if form.action.data == "publish":
        flash(_("%(count)s members published; later members will be published too.",
                count=result.decided), "success")
    else:
        flash(_("%(count)s members rejected; later members will be rejected too.",
                count=result.decided), "success")
    if result.held:
        flash(_("%(count)s members add text of their own: they wait in the queue, flagged.",
                count=result.held), "warning")
    return redirect(url_for(".campaign", campaign_id=found.id), code=303)


@bp.post("/campaigns/<id:campaign_id>/rename")
@role_required(*STAFF_ROLES)
def campaign_rename(campaign_id: int) -> ResponseReturnValue:
    found = _campaign_or_404(campaign_id)
    form = RenameForm()
    if not form.validate_on_submit():
        if form.version.data is None:
            abort(400)
        return _page(found, status=422, rename_form=form)
    return _apply(found, lambda db: campaigns.rename(db, found, form.name.data or "",
                                                     current_actor(), form.version.data),
                  _("The campaign was renamed."))


@bp.post("/campaigns/<id:campaign_id>/merge")
@role_required(*STAFF_ROLES)
def campaign_merge(campaign_id: int) -> ResponseReturnValue:
    found = _campaign_or_404(campaign_id)
    form = MergeForm()
    if not form.validate_on_submit():
        if form.version.data is None:
            abort(400)
        return _page(found, status=422, merge_form=form)
    other = campaign_queries.get(get_session(), parse_id(form.other.data) or 0)
    if other is None:
        abort(400)
    return _apply(found, lambda db: campaigns.merge(db, found, other, current_actor(),
                                                    expected_into=form.version.data),
                  _("“%(name)s” was merged into this campaign.", name=other.name))


@bp.post("/campaigns/<id:campaign_id>/link")
@role_required(*STAFF_ROLES)
def campaign_link(campaign_id: int) -> ResponseReturnValue:
    found = _campaign_or_404(campaign_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return _page(found, status=422, link_form=form)
    other = campaign_queries.get(get_session(), parse_id(form.other.data) or 0)
    if other is None:
        abort(400)
    return _apply(found, lambda db: campaigns.link(db, found, other, current_actor()),
                  _("The campaigns now count as one position."))


@bp.post("/campaigns/<id:campaign_id>/unlink")
@role_required(*STAFF_ROLES)
def campaign_unlink(campaign_id: int) -> ResponseReturnValue:
    found = _campaign_or_404(campaign_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return _apply(found, lambda db: campaigns.unlink(db, found, current_actor(),
                                                     form.version.data),
                  _("The campaign counts on its own again."))


@bp.post("/campaigns/<id:campaign_id>/members/<id:submission_id>/remove")
@role_required(*STAFF_ROLES)
def campaign_remove_member(campaign_id: int, submission_id: int) -> ResponseReturnValue:
    found = _campaign_or_404(campaign_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    member = get_session().get(Submission, submission_id)
    if member is None:
        abort(404)
    return _apply(found, lambda db: campaigns.remove_member(db, found, member, current_actor(),
                                                            form.version.data),
                  _("Comment %(number)s was taken out of the campaign.",
                    number=member.tracking_number))
