"""Row ids read from addresses, queries and forms: one rule for all of them.

Ids are positive and fit the 32-bit integer columns of PostgreSQL (and far below SQLite's 64-bit
limit), so a number past that range can only name nothing: an address answers 404, a query or a
form field 400, before the database sees it. `<id:name>` in a route, `id_arg` for a query
parameter, `parse_id`/`parse_ids` for form values and `coerce_id` for WTForms choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import abort, request
from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**31 - 1
# ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses.
_ID = re.compile(r"[0-9]{1,10}")


def parse_id(value: object) -> int | None:
    """The id written in value, or None when it is not one (empty, not digits, out of range)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number <= MAX_ID and number >= 1 else None


def parse_ids(values: Iterable[object]) -> list[int] | None:
    """Every value as an id, or None when any of them is not one."""
    parsed = [parse_id(v) for v in values]
    return None if any(p is None for p in parsed) else [p for p in parsed if p is not None]


def coerce_id(value: object) -> int:
    """WTForms `coerce` for id choices: a value that is no id is a field error, not a 500."""
    parsed = parse_id(value)
    if parsed is None:
        raise ValueError("not an id")
    return parsed


def id_arg(name: str) -> int | None:
    """A query parameter holding an id: None when absent or empty, 400 when it is no id."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    parsed = parse_id(raw)
    if parsed is None:
        abort(400)
    return parsed


class IdConverter(BaseConverter):
    """`<id:name>`: like `<id:name>`, but a number no row can have is a 404, not a query."""

    regex = r"[0-9]+"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]
