"""The comment form; its messages are translated and shown beside their fields."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
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
from portal.services.attachment_checks import FileRefused, check
from portal.services.submissions import Upload
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
    files = MultipleFileField(
        _l("Files"),
        # The description names the configured limits (comment_form_for).
    )
    contains_bci = BooleanField(
        _l("My submission contains business-confidential information"),
        description=_l("Tick this only if part of what you send must not be made public. You "
                       "then give that part below, and everything else in this form is the "
                       "public version, which is published like any comment."),
    )
    confidential_body = TextAreaField(
        _l("Confidential text"),
        description=_l("Read only by the moderators and administrators of the portal; never "
                       "published."),
    )
    confidential_files = MultipleFileField(
        _l("Confidential files"),
        description=_l("Read only by the moderators and administrators; never published."),
    )
    bci_certify = BooleanField(
        _l("I certify that the confidential part contains business-confidential information "
           "and that the rest of this form is a public version I agree to have published."),
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
    # Files that passed every check, in the order sent (public ones first).
    uploads: list[Upload]

    def chosen(self, field: MultipleFileField) -> list[FileStorage]:
        """The files a person chose in a file box (a box left empty sends one nameless part)."""
        return [f for f in (field.data or []) if isinstance(f, FileStorage) and f.filename]

    def chosen_names(self) -> list[str]:
        """Names of every file chosen, to say which to choose again after an error."""
        return [f.filename or "" for f in (*self.chosen(self.files),
                                           *self.chosen(self.confidential_files))]

    def _check_files(self, field: MultipleFileField, confidential: bool) -> None:
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        for storage in self.chosen(field):
            data = storage.stream.read(limit + 1)
            try:
                checked = check(data, storage.filename or "", limit)
            except FileRefused as exc:
                raise ValidationError(_l("%(name)s: %(problem)s",
                                         name=storage.filename, problem=exc.message)) from exc
            self.uploads.append(Upload(checked, confidential=confidential))

    def _too_many(self) -> bool:
        most = current_app.config["ATTACHMENT_MAX_FILES"]
        return len(self.chosen(self.files)) + len(self.chosen(self.confidential_files)) > most

    def validate_files(self, field: MultipleFileField) -> None:
        if self._too_many():
            raise ValidationError(_l(
                "You chose %(count)s files; at most %(most)s can be sent with one comment.",
                count=len(self.chosen_names()), most=current_app.config["ATTACHMENT_MAX_FILES"]))
        self._check_files(field, confidential=False)

    def validate_confidential_files(self, field: MultipleFileField) -> None:
        if self._too_many():
            return  # said once, beside the public files
        if self.chosen(field) and not self.contains_bci.data:
            raise ValidationError(_l("Tick “My submission contains business-confidential "
                                     "information”, or choose these files as public files."))
        self._check_files(field, confidential=True)

    def validate_confidential_body(self, field: TextAreaField) -> None:
        text = field.data or ""
        if not is_blank(text) and not self.contains_bci.data:
            raise ValidationError(_l("Tick “My submission contains business-confidential "
                                     "information”, or leave this box empty."))
        length = _normalized_length(text)
        if length > MAX_BODY:
            raise ValidationError(_l(
                "Your comment has %(length)s characters; the limit is %(max)s. Please "
                "shorten it by %(over)s characters: your whole text is still in the box.",
                length=format_decimal(length), max=format_decimal(MAX_BODY),
                over=format_decimal(length - MAX_BODY)))

    def validate_contains_bci(self, field: BooleanField) -> None:
        if not field.data:
            return
        if is_blank(self.confidential_body.data or "") and \
                not self.chosen(self.confidential_files):
            raise ValidationError(_l("Give the confidential part: write it in “Confidential "
                                     "text” or choose confidential files."))

    def validate_bci_certify(self, field: BooleanField) -> None:
        if self.contains_bci.data and not field.data:
            raise ValidationError(_l("Certify the confidential part to send a submission with "
                                     "business-confidential information."))

    def answer_fields(self) -> list[tuple[Question, TextAreaField]]:
        return [(q, self[f"answer_{q.id}"]) for q in self.questions]

    def answers(self) -> list[tuple[Question, str]]:
        """The answers written (invisible characters alone are no answer), in question order."""
        return [(q, f.data or "") for q, f in self.answer_fields() if not is_blank(f.data)]

    def validate_body(self, field: TextAreaField) -> None:
        if is_blank(field.data):
            field.data = field.data or ""
            if self.chosen(self.files):
                return  # a public file may be the whole comment (a position paper)
            if self.contains_bci.data:
                raise StopValidation(_l(
                    "A submission with confidential information needs a public version: write "
                    "it here, answer a question, or choose a public file."))
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


@lru_cache(maxsize=128)
def _form_class(questions: tuple[tuple[int, str], ...]) -> type[CommentForm]:
    """The form class of one set of questions (id, label): made once, not on every request
    (WTForms works out a class's fields when it is first used)."""

    class PeriodCommentForm(CommentForm):
        pass

    for question_id, label in questions:
        setattr(PeriodCommentForm, f"answer_{question_id}", TextAreaField(
            label, validators=[_check_answer]))
    return PeriodCommentForm


def comment_form_for(period: CommentPeriod, lang: str, **kwargs: object) -> CommentForm:
    """The comment form of a period: one optional answer box per question, then the general
    comment (which is required only when the period asks nothing)."""

    form_class = _form_class(tuple((q.id, f"{q.position}. {q.text(lang)}")
                                   for q in period.questions))
    form = form_class(**kwargs)
    form.questions = list(period.questions)
    form.uploads = []
    form.files.description = _l(
        "Optional. Up to %(count)s files of %(size)s MB each: PDF, Word (DOCX), Excel (XLSX), "
        "OpenDocument (ODT), plain text, PNG or JPEG. They are published with your comment.",
        count=current_app.config["ATTACHMENT_MAX_FILES"],
        size=current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024))
    if period.questions:
        form.body.label.text = str(_l("General comment"))
        form.body.description = _l(
            "Optional if you answered a question. Up to 20,000 characters, in English or "
            "Spanish, whatever the page language."
        )
    return form


class FollowForm(PortalForm):
    """Follow a pillar or a period: an address and the language of the messages.

    No CSRF token: it sits on pillar and period pages that every visitor shares from the page
    cache, and a forged request can do no more than the form itself, since nothing is followed
    until the link sent to the address is opened (double opt-in). The rate limit still holds."""

    class Meta:
        csrf = False

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
