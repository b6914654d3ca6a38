"""The API's documentation page, /<lang>/open-data, rendered from the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template, url_for
from markupsafe import Markup, escape

from portal.api import spec
from portal.db import get_session
from portal.i18n import current_lang
from portal.services import consultations, open_data

bp = Blueprint("open_data", __name__, url_prefix="/<lang>")


_CODE_SPAN = re.compile(r"`([^`]+)`")


@bp.app_template_filter("code_spans")
def code_spans(text: str) -> Markup:
    """The document's `code` spans (CommonMark) as <code>, everything else escaped."""
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))  # noqa: S704 - escaped


def _values(parameter: dict[str, Any]) -> str:
    """A parameter's accepted values in a few words (codes are data, shown as code)."""
    schema = parameter["schema"]
    if "enum" in schema:
        return ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "integer":
        span = f"{schema['minimum']}–{schema['maximum']}"
        return f"{span} ({schema['default']})" if "default" in schema else span
    return str(schema.get("format", ""))


@bp.get("/open-data")
def docs() -> str:
    lang = current_lang()
    document = spec.document(lang)
    parameters = document["components"]["parameters"]
    operations = []
    for op in spec.OPERATIONS:
        described = document["paths"][op.path]["get"]
        names = [p["$ref"].rsplit("/", 1)[1] for p in described["parameters"]]
        operations.append({
            "id": described["operationId"], "path": "/api/v1" + op.path,
            "summary": described["summary"], "description": described["description"],
            "tag": op.tags[0], "media_type": op.media_type,
            "parameters": [{**parameters[n], "values": _values(parameters[n])} for n in names],
            "responses": described["responses"],
        })
    base = url_for("api.index", _external=True).rstrip("/")
    session = get_session()
    periods = consultations.periods_open_first(consultations.all_periods(session))
    example = periods[0].docket_id if periods else spec.EXAMPLE_PERIOD
    first = open_data.published(session, None, open_data.CommentFilters(), limit=1).items
    tracking = first[0].tracking_number if first else spec.EXAMPLE_TRACKING
    return render_template(
        "api/docs.html", document=document, operations=operations, example=example,
        tracking=tracking,
        base=base, base_code=Markup("<code>{}</code>").format(base),
    )
