"""Moderator pages: thin views over services.moderation."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from urllib.parse import parse_qsl, urlsplit

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
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from portal.auth.decorators import current_actor, role_required
from portal.db import get_session
from portal.downloads import send_attachment
from portal.i18n import current_lang
from portal.ids import parse_id, parse_ids
from portal.models import (
    Country,
    Flag,
    Language,
    Role,
    Status,
    Submission,
    SubmitterType,
)
from portal.moderation.forms import (
    BulkForm,
    DecisionForm,
    EditForm,
    RejectForm,
    ReturnForm,
    WithholdForm,
)
from portal.redirects import safe_target
from portal.services import (
    attachments,
    audit,
    campaign_queries,
    consultations,
    moderation,
    themes,
)
from portal.text.differences import word_differences

bp = Blueprint("moderation", __name__, url_prefix="/<lang>/moderation")

STAFF_ROLES = (Role.MODERATOR,)


def _id_in(args: Mapping[str, str], name: str) -> int | None:
    """An id filter of the queue: None when absent or empty, 400 when it is no id."""
    raw = args.get(name, "")
    if raw == "":
        return None
    parsed = parse_id(raw)
    if parsed is None:
        abort(400)
    return parsed


def _filters(args: Mapping[str, str]) -> moderation.QueueFilters:
    return moderation.QueueFilters(
        status=Status.parse(args.get("status")) or Status.PENDING,
        period_id=_id_in(args, "period"),
        pillar_id=_id_in(args, "pillar"),
        language=Language.parse(args.get("language")),
        submitter_type=SubmitterType.parse(args.get("type")),
        country=Country.parse(args.get("country")),
        flag="any" if args.get("flag") == "any" else Flag.parse(args.get("flag")),
        campaign=_campaign_arg(args.get("campaign", "")),
    )


def _campaign_arg(value: str) -> int | str | None:
    if value in ("any", "none", "checking"):
        return value
    if value == "":
        return None
    parsed = parse_id(value)
    if parsed is None:
        abort(400)
    return parsed


def _render_queue(args: MultiDict[str, str], bulk: BulkForm, back: str,
                  selected: Collection[int] = (), status: int = 200) -> ResponseReturnValue:
    """The queue as `args` asks for it; after a refused bulk decision, with what was chosen."""
    db = get_session()
    filters = _filters(args)
    page = moderation.queue(db, filters, after=_id_in(args, "after"),
                            before=_id_in(args, "before"))
    shown = {k: v for k, v in args.items() if k not in ("after", "before")}
    chosen_campaign = (campaign_queries.get(db, filters.campaign)
                       if isinstance(filters.campaign, int) else None)
    return render_template(
        "moderation/queue.html",
        page=page,
        campaign_rows=campaign_queries.for_submissions(db, [s.id for s in page.items]),
        chosen_campaign=chosen_campaign,
        filters=filters,
        args=shown,
        counts=moderation.status_counts(db, filters.period_id),
        periods=consultations.all_periods(db),
        pillars=consultations.pillars(db),
        bulk=bulk,
        back=back,
        selected=set(selected),
    ), status


@bp.get("/")
@role_required(*STAFF_ROLES)
def queue() -> ResponseReturnValue:
    return _render_queue(request.args, BulkForm(formdata=None), request.full_path)


def _back_to_queue(form: BulkForm, back: str, status: int) -> ResponseReturnValue:
    """A refused bulk decision: the same queue page again, the selection, decision, reason and
    note kept, and the problem said beside its control (no dead-end error page)."""
    query = urlsplit(back).query if urlsplit(back).path == url_for(".queue") else ""
    selected = [i for i in (form.ids.data or []) if isinstance(i, int)]
    return _render_queue(MultiDict(parse_qsl(query)), form, back, selected, status)


@bp.post("/bulk")
@role_required(*STAFF_ROLES)
def bulk() -> ResponseReturnValue:
    form = BulkForm()
    back = safe_target(request.form.get("back"), url_for(".queue"))
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    if not form.ids.data and not form.ids.errors:
        form.ids.errors = [_("Select at least one comment in the queue, then choose a decision.")]
        return _back_to_queue(form, back, 400)
    if not valid:
        if form.action.errors:
            form.action.errors = [_("Choose a decision.")]
        if form.ids.errors:
            form.ids.errors = [_("Select at least one comment in the queue, then choose a "
                                 "decision.")]
        return _back_to_queue(form, back, 400)
    if form.action.data == "reject" and not form.reason.data:
        form.reason.errors = [_("To reject comments, choose a reason.")]
        return _back_to_queue(form, back, 422)
    db = get_session()
    try:
        result = moderation.bulk_decide(
            db, list(form.ids.data or []), form.action.data, current_actor(),
            reason=form.reason.data or None, note=form.note.data or "",
        )
    except moderation.InvalidDecisionError:
        abort(400)
    if form.action.data == "publish":
        flash(_("%(count)s comments published.", count=len(result.decided)), "success")
    else:
        flash(_("%(count)s comments rejected.", count=len(result.decided)), "success")
    if result.skipped:
        flash(
            _(
                "%(count)s had already been decided by someone else and were left unchanged: "
                "%(numbers)s",
                count=len(result.skipped),
                numbers=", ".join(result.skipped),
            ),
            "warning",
        )
    return redirect(back, code=303)


def _submission_or_404(submission_id: int) -> Submission:
    found = moderation.get(get_session(), submission_id)
    if found is None:
        abort(404)
    return found


def _review(submission: Submission, reject_form: RejectForm | None = None,
            edit_form: EditForm | None = None, status: int = 200,
            return_form: ReturnForm | None = None,
            answer_texts: dict[int, str] | None = None,
            withhold_form: WithholdForm | None = None, withhold_id: int | None = None,
            ) -> ResponseReturnValue:
    db = get_session()
    reject_form = reject_form or RejectForm(version=submission.version)
    edit_form = edit_form or EditForm(
        version=submission.version, public_body=submission.shown_body,
        public_subject=submission.shown_subject,
    )
    return_form = return_form or ReturnForm(version=submission.version, formdata=None)
    if submission.answers:
        edit_form.public_body.label.text = _("Public version of the general comment")
    if answer_texts is None:
        answer_texts = {a.id: a.shown_text for a in submission.answers}
    chosen = {row.theme_id: row for row in themes.of_submission(db, submission.id)}
    theme_options = themes.for_pillar(db, submission.period.pillar_id, active_only=False)
    reviewed = any(row.confirmed for row in chosen.values())
    check, campaign = campaign_queries.of_submission(db, submission.id)
    differences = None
    if campaign is not None and campaign.representative_id != submission.id:
        differences = word_differences(campaign.representative.body, submission.body)
    return render_template(
        "moderation/review.html",
        submission=submission,
        check=check,
        campaign=campaign,
        differences=differences,
        theme_options=theme_options,
        theme_rows=chosen,
        themes_reviewed=reviewed,
        period=submission.period,
        history=audit.history(db, "submission", submission.id),
        changes=audit.changes,
        theme_names={t.id: t.label(current_lang()) for t in theme_options},
        reject_form=reject_form,
        edit_form=edit_form,
        return_form=return_form,
        answer_texts=answer_texts,
        publish_form=DecisionForm(version=submission.version, formdata=None),
        withhold_form=withhold_form or WithholdForm(formdata=None),
        blank_withhold=WithholdForm(formdata=None),
        withhold_id=withhold_id,
    ), status


@bp.get("/files/<id:attachment_id>")
@role_required(*STAFF_ROLES)
def attachment_file(attachment_id: int) -> ResponseReturnValue:
    """Any file of any comment, confidential ones included, for moderators and admins."""
    found = attachments.for_download(get_session(), attachment_id, staff=True,
                                     confidential_ok=True)
    if found is None:
        abort(404)
    return send_attachment(found, private=True)


@bp.post("/files/<id:attachment_id>/withhold")
@role_required(*STAFF_ROLES)
def withhold_file(attachment_id: int) -> ResponseReturnValue:
    db = get_session()
    found = attachments.for_download(db, attachment_id, staff=True, confidential_ok=True)
    if found is None:
        abort(404)
    form = WithholdForm()
    if not form.validate_on_submit():
        return _review(found.submission, withhold_form=form, withhold_id=found.id, status=422)
    try:
        attachments.withhold(db, current_actor(), found, form.reason.data or "")
    except attachments.AttachmentError as exc:
        db.rollback()
        form.reason.errors = [str(exc.message)]
        return _review(found.submission, withhold_form=form, withhold_id=found.id, status=409)
    flash(_("The file “%(name)s” is withheld from the public.", name=found.name), "success")
    return redirect(url_for(".review", submission_id=found.submission_id), code=303)


@bp.get("/submissions/<id:submission_id>")
@role_required(*STAFF_ROLES)
def review(submission_id: int) -> ResponseReturnValue:
    return _review(_submission_or_404(submission_id))


def _conflict(submission: Submission) -> ResponseReturnValue:
    get_session().rollback()
    return render_template("moderation/conflict.html", submission=submission), 409


def _already_decided(submission: Submission) -> ResponseReturnValue:
    get_session().rollback()
    return render_template("moderation/conflict.html", submission=submission, already=True), 409


def _next_url() -> str:
    return url_for(".queue")


def _theme_ids() -> list[int]:
    chosen = parse_ids(request.form.getlist("themes"))
    if chosen is None:
        abort(400)
    return chosen


def _apply(submission: Submission, change: Callable[[Session], object], done: str,
           target: str) -> ResponseReturnValue:
    """Run one decision; a conflict or an already-decided item changes nothing."""
    db = get_session()
    try:
        change(db)
    except moderation.ConflictError:
        return _conflict(submission)
    except moderation.AlreadyDecidedError:
        return _already_decided(submission)
    except themes.ThemeError:
        abort(400)
    flash(done, "success")
    return redirect(target, code=303)


@bp.post("/submissions/<id:submission_id>/themes")
@role_required(*STAFF_ROLES)
def save_themes(submission_id: int) -> ResponseReturnValue:
    submission = _submission_or_404(submission_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = _theme_ids()
    return _apply(
        submission,
        lambda db: moderation.save_themes(db, submission, chosen, current_actor(),
                                          expected_version=form.version.data),
        _("Themes saved."),
        url_for(".review", submission_id=submission.id),
    )


@bp.post("/submissions/<id:submission_id>/publish")
@role_required(*STAFF_ROLES)
def publish(submission_id: int) -> ResponseReturnValue:
    submission = _submission_or_404(submission_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = _theme_ids()

    def change(db: Session) -> None:
        themes.confirm(db, submission, chosen, current_actor())
        moderation.publish(db, submission, current_actor(), expected_version=form.version.data)

    return _apply(
        submission, change,
        _("Comment %(number)s published.", number=submission.tracking_number), _next_url(),
    )


@bp.post("/submissions/<id:submission_id>/reject")
@role_required(*STAFF_ROLES)
def reject(submission_id: int) -> ResponseReturnValue:
    submission = _submission_or_404(submission_id)
    form = RejectForm()
    if not form.validate_on_submit():
        if form.version.data is None:
            abort(400)
        return _review(submission, reject_form=form, status=422)
    return _apply(
        submission,
        lambda db: moderation.reject(db, submission, current_actor(), form.reason.data,
                                     form.note.data or "", expected_version=form.version.data),
        _("Comment %(number)s rejected.", number=submission.tracking_number), _next_url(),
    )


@bp.post("/submissions/<id:submission_id>/release")
@role_required(*STAFF_ROLES)
def release(submission_id: int) -> ResponseReturnValue:
    submission = _submission_or_404(submission_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    flag = request.form.get("flag", "")
    try:
        return _apply(
            submission,
            lambda db: moderation.release(db, submission, current_actor(), flag,
                                          expected_version=form.version.data),
            _("The flag was taken off."),
            url_for(".review", submission_id=submission.id),
        )
    except moderation.InvalidDecisionError:
        abort(400)


@bp.post("/submissions/<id:submission_id>/edit")
@role_required(*STAFF_ROLES)
def edit(submission_id: int) -> ResponseReturnValue:
    submission = _submission_or_404(submission_id)
    form = EditForm()
    # One box per answer, "answer-<id>"; what is not sent stays as it is.
    answers = {a.id: request.form[f"answer-{a.id}"].replace("\x00", "")
               for a in submission.answers if f"answer-{a.id}" in request.form}
    if not form.validate_on_submit():
        if form.version.data is None:
            abort(400)
        return _review(submission, edit_form=form, status=422, answer_texts=answers or None)
    if any(len(text) > 20000 for text in answers.values()):
        form.public_body.errors = [_("An answer may have at most 20,000 characters.")]
        return _review(submission, edit_form=form, status=422, answer_texts=answers)
    db = get_session()
    try:
        moderation.edit_public_version(db, submission, current_actor(),
                                       form.public_body.data or "",
                                       expected_version=form.version.data,
                                       public_answers=answers,
                                       public_subject=(form.public_subject.data or "")
                                       if form.public_subject.raw_data else None)
    except moderation.InvalidDecisionError:
        db.rollback()
        form.public_body.errors = [_("The public version cannot be empty: keep the comment or "
                                     "at least one answer.")]
        return _review(submission, edit_form=form, status=422, answer_texts=answers)
    except moderation.ConflictError:
        return _conflict(submission)
    except moderation.AlreadyDecidedError:
        return _already_decided(submission)
    flash(_("The public version was saved."), "success")
    return redirect(url_for(".review", submission_id=submission.id), code=303)


@bp.post("/submissions/<id:submission_id>/return")
@role_required(*STAFF_ROLES)
def send_back(submission_id: int) -> ResponseReturnValue:
    submission = _submission_or_404(submission_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        if form.version.data is None:
            abort(400)
        return _review(submission, return_form=form, status=422)
    return _apply(
        submission,
        lambda db: moderation.return_to_queue(db, submission, current_actor(),
                                              form.reason.data or "",
                                              expected_version=form.version.data),
        _("Comment %(number)s is back in the queue.", number=submission.tracking_number),
        url_for(".review", submission_id=submission.id),
    )
