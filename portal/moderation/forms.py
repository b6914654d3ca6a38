from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm, select_choices
from portal.models import RejectReason


class DecisionForm(PortalForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class RejectForm(DecisionForm):
    reason = SelectField(
        _l("Reason"),
        choices=select_choices(RejectReason.choices(), _l("Choose a reason")),
        validators=[InputRequired(message=_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Note to the submitter"),
        description=_l("Shown on the submitter's receipt. Write it in the submitter's language."),
        validators=[Length(max=2000, message=_l("Use at most %(max)d characters."))],
    )


class EditForm(DecisionForm):
    public_body = TextAreaField(
        _l("Public version"),
        description=_l(
            "What the public will read. Redact personal data or abuse; the original is kept."
        ),
        # May be empty when an answer stays public; the service refuses an empty whole.
        validators=[Length(max=20000, message=_l("Use at most %(max)d characters."))],
    )


class ReturnForm(DecisionForm):
    reason = TextAreaField(
        _l("Why it goes back to the queue"),
        description=_l("For the moderators and the audit trail; the public does not see it."),
        validators=[
            DataRequired(message=_l("Say why the comment goes back to the queue.")),
            Length(max=2000, message=_l("Use at most %(max)d characters.")),
        ],
    )


class BulkForm(PortalForm):
    ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(
        _l("Decision"),
        # No preselected decision: publishing many comments must be a deliberate choice.
        choices=select_choices(
            [("publish", _l("Publish")), ("reject", _l("Reject"))], _l("Choose a decision")
        ),
        validators=[InputRequired()],
    )
    reason = SelectField(
        _l("Reason"), choices=select_choices(RejectReason.choices(), _l("Choose a reason")),
        default="",
    )
    note = TextAreaField(
        _l("Note to the submitters"),
        validators=[Length(max=2000, message=_l("Use at most %(max)d characters."))],
    )
