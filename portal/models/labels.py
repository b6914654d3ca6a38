"""Codes that people see through their labels: every enum carries its translated label.

A member is declared with its code and its label side by side:

    class Status(LabeledEnum):
        PENDING = "pending", _l("Awaiting review")

`Status.PENDING` is the string "pending" (stored, compared, exported as a code) and
`Status.PENDING.label` is "Awaiting review" or "En espera de revisión", in the language of the
request. Forms take `Status.choices()`, templates and exports `Status.label_of(code)`, so adding
a member is one edit and no raw code can reach a person.
"""

from __future__ import annotations

import enum
from functools import lru_cache
from typing import Any, Self

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

UNKNOWN = _l("Unknown")


class LabeledEnum(enum.StrEnum):
    _value_: str
    _label: LazyString

    def __new__(cls, value: str, label: LazyString) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The label in the current request's language (or the one forced by force_locale)."""
        # Keyed by class and code: members of two enums that share a code ("pending") are equal
        # strings, and would share one entry.
        return _translated(type(self), self.value, str(get_locale()))

    @property
    def lazy_label(self) -> LazyString:
        return self._label

    @classmethod
    def choices(cls, *members: Self) -> list[tuple[str, LazyString]]:
        """(code, lazy label) pairs for a form or a filter: all members, or the ones given."""
        return [(m.value, m._label) for m in (members or tuple(cls))]

    @classmethod
    def parse(cls, code: Any) -> Self | None:
        """The member with this code, or None for anything else (untrusted input included)."""
        if not isinstance(code, str):
            return None
        member = cls._value2member_map_.get(code)
        return member if isinstance(member, cls) else None

    @classmethod
    def label_of(cls, code: Any) -> str:
        """The label of a code read back from storage or a summary; "Unknown" for a stray one."""
        member = cls.parse(code)
        return member.label if member is not None else str(UNKNOWN)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}


@lru_cache(maxsize=4096)
def _translated(cls: type[LabeledEnum], code: str, locale: str) -> str:
    """A label looked up once per language: a page of 50 comments shows some 200 of them.
    `locale` is the key only: the lookup itself reads the request's language, which it is."""
    member = cls.parse(code)
    return str(member._label) if member is not None else str(UNKNOWN)


def labeled_enums() -> dict[str, type[LabeledEnum]]:
    """Every labeled enum of the models, by class name (for templates)."""
    found: dict[str, type[LabeledEnum]] = {}
    pending = list(LabeledEnum.__subclasses__())
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found
