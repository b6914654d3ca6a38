"""The comment form; its messages are translated and shown beside their fields."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from portal.forms import PortalForm, VisibleRequired, select_choices
from portal.models import CommentPeriod, Country, Language, Question, SubmitterType
from portal.text.visible import is_blank

MAX_BODY = 20000
MAX_ANSWER = 20000


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
            VisibleRequired(message=_l("Enter your name.")),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("Private: used only to contact you about this comment, never published."),
        validators=[
            VisibleRequired(message=_l("Enter your email address.")),
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
            VisibleRequired(message=_l("Enter a subject for your comment.")),
            Length(max=300, message=_l("Use at most %(max)d characters.")),
        ],
    )
    # Required unless the period asks questions and one is answered (validate_body).
    body = TextAreaField(
        _l("Your comment"),
        description=_l(
            "Up to 20,000 characters, in English or Spanish, whatever the page language."
        ),
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
    # When the form was shown, signed (see portal/public/timing.py).
    shown = HiddenField()

    def validate_organization(self, field: StringField) -> None:
        if self.submitter_type.data != SubmitterType.INDIVIDUAL and not (
            field.data or ""
        ).strip():
            raise ValidationError(
                _l("Enter your organization's name, or choose “Individual” above.")
            )

    questions: list[Question] = []

    def answer_fields(self) -> list[tuple[Question, TextAreaField]]:
        return [(q, self[f"answer_{q.id}"]) for q in self.questions]

    def answers(self) -> list[tuple[Question, str]]:
        """The answers written (invisible characters alone are no answer), in question order."""
        return [(q, f.data or "") for q, f in self.answer_fields() if not is_blank(f.data)]

    def validate_body(self, field: TextAreaField) -> None:
        if is_blank(field.data):
            field.data = field.data or ""
            if not self.questions:
                raise StopValidation(_l("Write your comment."))
            if not self.answers():
                raise StopValidation(_l("Answer at least one question or write a general "
                                        "comment."))
            return
        length = _normalized_length(field.data or "")
        if length > MAX_BODY:
            raise ValidationError(
                _l(
                    "Your comment has %(length)s characters; the limit is %(max)s. Please "
                    "shorten it by %(over)s characters: your whole text is still in the box.",
                    length=format_decimal(length),
                    max=format_decimal(MAX_BODY),
                    over=format_decimal(length - MAX_BODY),
                )
            )


def _check_answer(form: PortalForm, field: TextAreaField) -> None:
    length = _normalized_length(field.data or "")
    if length > MAX_ANSWER:
        raise ValidationError(
            _l(
                "Your answer has %(length)s characters; the limit is %(max)s. Please shorten "
                "it by %(over)s characters: your whole text is still in the box.",
                length=format_decimal(length),
                max=format_decimal(MAX_ANSWER),
                over=format_decimal(length - MAX_ANSWER),
            )
        )


def comment_form_for(period: CommentPeriod, lang: str, **kwargs: object) -> CommentForm:
    """The comment form of a period: one optional answer box per question, then the general
    comment (which is required only when the period asks nothing)."""

    class PeriodCommentForm(CommentForm):
        pass

    for question in period.questions:
        setattr(PeriodCommentForm, f"answer_{question.id}", TextAreaField(
            f"{question.position}. {question.text(lang)}", validators=[_check_answer],
        ))
    form = PeriodCommentForm(**kwargs)
    form.questions = list(period.questions)
    if period.questions:
        form.body.label.text = str(_l("General comment"))
        form.body.description = _l(
            "Optional if you answered a question. Up to 20,000 characters, in English or "
            "Spanish, whatever the page language."
        )
    return form


class FollowForm(PortalForm):
    """Follow a pillar or a period: an address and the language of the messages."""

    email = EmailField(
        _l("Email address"),
        description=_l("We send a link to confirm first. Every message has a link to stop."),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Email(message=_l("Enter an email address like name@example.org."),
                  check_deliverability=False),
            Length(max=320, message=_l("Use at most %(max)d characters.")),
        ],
    )
    language = SelectField(
        _l("Language of the messages"),
        choices=select_choices(Language.choices(Language.EN, Language.ES)),
        # Not InputRequired: a select that always has a choice needs no "required" attribute.
        validate_choice=False,
        validators=[AnyOf([Language.EN, Language.ES], message=_l("Choose a language."))],
    )
