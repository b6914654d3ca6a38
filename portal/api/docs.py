"""The API's documentation page, /<lang>/open-data, rendered from the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for

from portal.api import spec
from portal.db import get_session
from portal.i18n import current_lang
from portal.services import consultations

bp = Blueprint("open_data", __name__, url_prefix="/<lang>")


def _schema_text(schema: dict[str, Any]) -> str:
    """A parameter's accepted values in a few words (codes are data, shown as code)."""
    if "enum" in schema:
        return ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "integer":
        return f"{schema.get('minimum', '')}–{schema.get('maximum', '')}"
    return schema.get("format", "")


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
            "id": described["operationId"], "path": "/api/v1" + op.path.rstrip("/") or "/",
            "summary": described["summary"], "description": described["description"],
            "tag": op.tags[0], "media_type": op.media_type,
            "parameters": [{**parameters[n], "values": _schema_text(parameters[n]["schema"])}
                           for n in names],
            "responses": described["responses"],
        })
    periods = consultations.periods_open_first(consultations.all_periods(get_session()))
    example = periods[0].docket_id if periods else spec.EXAMPLE_PERIOD
    return render_template(
        "api/docs.html", document=document, operations=operations, example=example,
        base=url_for("api.index", _external=True).rstrip("/"),
    )
