from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm, select_choices
from portal.ids import coerce_id
from portal.models import RejectReason
from portal.text.visible import is_blank


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
    # Absent from a form that does not show it: the public subject then stays as it is.
    public_subject = StringField(
        _l("Public subject"),
        description=_l("The subject the public reads. The subject as received is kept."),
        validators=[Length(max=300, message=_l("Use at most %(max)d characters."))],
    )
    public_body = TextAreaField(
        _l("Public version"),
        description=_l(
            "What the public will read. Redact personal data or abuse; the original is kept."
        ),
        # May be empty when an answer stays public; the service refuses an empty whole.
        validators=[Length(max=20000, message=_l("Use at most %(max)d characters."))],
    )


    def validate_public_subject(self, field: StringField) -> None:
        if field.raw_data and is_blank(field.data):
            raise ValidationError(_l("The public subject cannot be empty."))


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
    ids = SelectMultipleField(coerce=coerce_id, validate_choice=False)
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
        default="", description=_l("Needed to reject."),
    )
    note = TextAreaField(
        _l("Note to the submitters"),
        validators=[Length(max=2000, message=_l("Use at most %(max)d characters."))],
    )


class CampaignDecisionForm(DecisionForm):
    action = SelectField(
        _l("Decision"),
        choices=select_choices(
            [("publish", _l("Publish")), ("reject", _l("Reject"))], _l("Choose a decision")
        ),
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reason = SelectField(
        _l("Reason"), choices=select_choices(RejectReason.choices(), _l("Choose a reason")),
        default="", description=_l("Needed to reject."),
    )
    note = TextAreaField(
        _l("Note to the submitters"),
        description=_l("Shown on each submitter's receipt."),
        validators=[Length(max=2000, message=_l("Use at most %(max)d characters."))],
    )

    def validate_reason(self, field: SelectField) -> None:
        if self.action.data == "reject" and not field.data:
            raise ValidationError(_l("Choose a reason."))


class RenameForm(DecisionForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter a name.")),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
        ],
    )


class MergeForm(DecisionForm):
    other = SelectField(
        _l("Campaign to merge into this one"), validate_choice=False,
        description=_l("Campaigns of the same comment period and language, largest first. Its "
                       "members join this campaign; it stays as a link to this one."),
        validators=[InputRequired(message=_l("Choose a campaign."))],
    )


class LinkForm(PortalForm):
    other = SelectField(
        _l("Count as one position with"), validate_choice=False,
        description=_l("Campaigns of the same comment period in another language."),
        validators=[InputRequired(message=_l("Choose a campaign."))],
    )


class WithholdForm(PortalForm):
    reason = TextAreaField(
        _l("Why withhold this file"),
        description=_l("For example: it holds personal data. Kept in the history; the public "
                       "is told only that the file was withheld."),
        validators=[DataRequired(message=_l("Say why the file is withheld.")),
                    Length(max=2000, message=_l("Use at most %(max)d characters."))],
    )
