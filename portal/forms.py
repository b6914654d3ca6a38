"""The base of every form: Flask-WTF with CSRF, and no NUL characters in what it passes on.

A NUL character is never meaningful in text, and PostgreSQL cannot store one; it is dropped from
every field before validation, so a pasted one cannot turn a comment into an error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; stubs are 3.2
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, StopValidation

from portal.text.visible import is_blank


def _drop_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


@lru_cache(maxsize=8)
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages in the request's language, as Flask-WTF gives them, without
    reading the catalog from disk again on every request that makes a form."""

    def gettext(self, string: str) -> str:
        return str(_wtforms_catalog(str(get_locale())).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_catalog(str(get_locale())).ungettext(singular, plural, n))


_MESSAGES = _WTFormsMessages()


class PortalForm(FlaskForm):
    class Meta:
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)  # type: ignore[misc]
            return _MESSAGES

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # The unbound field is shared by every instance of the form: add, never mutate.
            filters = (_drop_nul, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, filters=filters, **options)


def select_choices(choices: list[tuple[str, Any]], prompt: Any = None) -> list[SelectChoice]:
    head = [SelectChoice("", prompt)] if prompt is not None else []
    return head + [SelectChoice(value, label) for value, label in choices]


class VisibleRequired(DataRequired):
    """Required, and text made only of invisible characters (zero-width spaces, no-break
    spaces, fillers) counts as empty: what a person would see is what is required."""

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and is_blank(field.data):
            field.errors[:] = []  # type: ignore[index]  # a list while validating
            raise StopValidation(self.message or field.gettext("This field is required."))
        super().__call__(form, field)
