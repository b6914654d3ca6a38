from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm


class SignInForm(PortalForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(message=_l("Enter your email address.")), Length(max=320)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
    )
