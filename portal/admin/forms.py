"""Forms of the period pages. They only carry what was typed: the periods service checks it
and its messages are put beside the fields, so the command line gets the same rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from portal.forms import PortalForm, select_choices
from portal.services.periods import PeriodInput
from portal.zones import ANNOUNCE_ZONES

DATE_HINT = _l("In the time zone chosen above, for example 2027-03-01 09:00.")


class PeriodForm(PortalForm):
    pillar = SelectField(_l("Pillar"), validate_choice=False)
    slug = StringField(_l("Address"), description=_l(
        "Part of the page's address: lowercase letters, digits and hyphens, like energy-2027."))
    docket = StringField(_l("Docket identifier"), description=_l(
        "Leave it empty to get the next one of the opening year. It never changes afterwards."))
    title_en = StringField(_l("Title in English"))
    title_es = StringField(_l("Title in Spanish"))
    summary_en = TextAreaField(_l("Summary in English"), description=_l(
        "One or two sentences for the lists of periods."))
    summary_es = TextAreaField(_l("Summary in Spanish"))
    description_en = TextAreaField(_l("Full description in English"), description=_l(
        "Markdown: **bold**, *italics*, lists with -, links as [text](https://…), headings "
        "with ##."))
    description_es = TextAreaField(_l("Full description in Spanish"))
    timezone = SelectField(
        _l("Time zone of the announcement"),
        choices=select_choices(list(ANNOUNCE_ZONES.items()), _l("Choose one")),
        validate_choice=False,
        description=_l("The dates below are typed in this zone; the public sees them in "
                       "Washington and Mexico City time."),
    )
    opens_at = StringField(_l("Opens"), description=DATE_HINT)
    closes_at = StringField(_l("Closes"), description=DATE_HINT)
    questions_en = TextAreaField(_l("Questions in English"), description=_l(
        "One question per line. Each gets its own answer box on the comment form."))
    questions_es = TextAreaField(_l("Questions in Spanish"), description=_l(
        "The same questions in the same order, one per line."))

    def to_input(self) -> PeriodInput:
        def text(name: str) -> str:
            return str(self[name].data or "")

        return PeriodInput(
            pillar=text("pillar"), slug=text("slug"), title_en=text("title_en"),
            title_es=text("title_es"), summary_en=text("summary_en"),
            summary_es=text("summary_es"), description_en=text("description_en"),
            description_es=text("description_es"), opens_at=text("opens_at"),
            closes_at=text("closes_at"), timezone=text("timezone"),
            questions_en=text("questions_en").splitlines(),
            questions_es=text("questions_es").splitlines(), docket=text("docket"),
        )

    @classmethod
    def of(cls, data: PeriodInput) -> PeriodForm:
        form = cls(formdata=None, data={
            **{k: v for k, v in vars(data).items() if not k.startswith("questions")},
            "questions_en": "\n".join(data.questions_en),
            "questions_es": "\n".join(data.questions_es),
        })
        return form


class ExtendForm(PortalForm):
    closes_at = StringField(_l("New closing date and time"), description=DATE_HINT)


class CloseForm(PortalForm):
    reason_en = TextAreaField(_l("Reason in English"), description=_l("Shown on the period's "
                                                                      "public page."))
    reason_es = TextAreaField(_l("Reason in Spanish"))


class ReopenForm(PortalForm):
    reopen_until = StringField(_l("Open until"), description=DATE_HINT)


class DocumentForm(PortalForm):
    title_en = StringField(_l("Title in English"))
    title_es = StringField(_l("Title in Spanish"))
    url = StringField(_l("Address of the official notice"), description=_l(
        "A link, starting with https://. Or choose a PDF file below instead."))
    file = FileField(_l("PDF file"), description=_l("At most %(size)s MB.", size=10))


class ConfirmForm(PortalForm):
    """A button with CSRF protection (remove, delete)."""
