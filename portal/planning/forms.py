from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from portal.forms import PortalForm


class ThemeForm(PortalForm):
    label_en = StringField(_l("Label in English"), validators=[
        DataRequired(message=_l("Enter a label.")), Length(max=200)])
    label_es = StringField(_l("Label in Spanish"), validators=[
        DataRequired(message=_l("Enter a label.")), Length(max=200)])
    keywords_en = TextAreaField(_l("Keywords in English"), description=_l(
        "Words or phrases separated by commas; plurals and accents are matched for you."),
        validators=[Length(max=5000)])
    keywords_es = TextAreaField(_l("Keywords in Spanish"), validators=[Length(max=5000)])
    active = BooleanField(_l("Active"), default=True)


class NewThemeForm(ThemeForm):
    pillar = SelectField(_l("Pillar"), coerce=int)
    code = StringField(
        _l("Code"),
        description=_l("Short, lowercase, with hyphens: border-health"),
        validators=[
            DataRequired(message=_l("Enter a code.")),
            Length(max=60),
            Regexp(r"^[a-z0-9][a-z0-9-]*$",
                   message=_l("Use lowercase letters, digits and hyphens.")),
        ],
    )
