"""The comment form; its messages are translated and shown beside their fields."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from portal.forms import PortalForm, select_choices
from portal.models import Country, Language, SubmitterType

MAX_BODY = 20000

def _normalized_length(text: str) -> int:
    # Browsers count a line break as one character but send it as CRLF.
    return len(text.replace("\r\n", "\n"))


class CommentForm(PortalForm):
    submitter_type = SelectField(
        _l("I am commenting as"),
        choices=select_choices(SubmitterType.choices(), _l("Choose one")),
        validators=[InputRequired(message=_l("Choose who you are commenting as."))],
    )
    organization = StringField(
        _l("Organization"),
        description=_l("Required unless you comment as an individual."),
        validators=[Length(max=300, message=_l("Use at most %(max)d characters."))],
    )
    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("Private: used only to contact you about this comment, never published."),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Email(
                message=_l("Enter an email address like name@example.org."),
                check_deliverability=False,
            ),
            Length(max=320, message=_l("Use at most %(max)d characters.")),
        ],
    )
    country = SelectField(
        _l("Country"),
        choices=select_choices(Country.choices(), _l("Choose one")),
        validators=[InputRequired(message=_l("Choose your country."))],
    )
    region = StringField(
        _l("State or province"),
        validators=[Length(max=120, message=_l("Use at most %(max)d characters."))],
    )
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(message=_l("Enter a subject for your comment.")),
            Length(max=300, message=_l("Use at most %(max)d characters.")),
        ],
    )
    body = TextAreaField(
        _l("Your comment"),
        description=_l(
            "Up to 20,000 characters, in English or Spanish, whatever the page language."
        ),
        validators=[DataRequired(message=_l("Write your comment."))],
    )
    written_language = SelectField(
        _l("Language of your comment"),
        choices=select_choices(Language.choices(Language.EN, Language.ES), _l("Detect it for me")),
        default="",
    )
    consent_publish = BooleanField(
        _l("Publish my name and organization with my comment"),
        description=_l(
            "If you leave this unticked, your comment may still be published, without your "
            "name or organization."
        ),
    )

    # Hidden from people (and from assistive technology); bots fill it. A filled one only flags
    # the comment for review: it is stored and receipted like any other.
    website = StringField(_l("Leave this field empty"))

    def validate_organization(self, field: StringField) -> None:
        if self.submitter_type.data != SubmitterType.INDIVIDUAL and not (
            field.data or ""
        ).strip():
            raise ValidationError(
                _l("Enter your organization's name, or choose “Individual” above.")
            )

    def validate_body(self, field: TextAreaField) -> None:
        length = _normalized_length(field.data or "")
        if length > MAX_BODY:
            raise ValidationError(
                _l(
                    "Your comment has %(length)s characters; the limit is %(max)s. "
                    "Please shorten it.",
                    length=format_decimal(length),
                    max=format_decimal(MAX_BODY),
                )
            )
