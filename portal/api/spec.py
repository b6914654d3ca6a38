"""The OpenAPI 3.1 document of /api/v1/, the one description of the API: served as
/api/v1/openapi.json (in the language asked) and rendered as the documentation page.

OPERATIONS names each operation's view, so a test can hold the document and the URL map to
each other; parameters and schemas come from the code they describe (schemas.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

from portal.api import schemas
from portal.api.cursors import MAX_CHARS as CURSOR_CHARS
from portal.api.schemas import ref
from portal.models import Country, Language, SubmitterType
from portal.services import open_data
from portal.services.search import MAX_QUERY_CHARS

VERSION = "1.0.0"
KEY_PATTERN = "^[A-Za-z0-9-]{1,120}$"
EXAMPLE_PERIOD = "competitiveness-connectivity"
EXAMPLE_TRACKING = "HLED-7K2M-9QXD-4F8A"


def _query(name: str, schema: dict[str, Any], description: LazyString,
           required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


PARAMETERS: dict[str, Any] = {
    "lang": _query("lang", {"type": "string", "enum": ["en", "es"]}, _l(
        "Language of labels, titles and messages: en or es. Without it, the best match of "
        "the Accept-Language header, else English. Codes are the same in both.")),
    "key": {"name": "key", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": KEY_PATTERN},
            "example": EXAMPLE_PERIOD,
            "description": _l("A comment period: its docket number (HLED-2026-0001) or its "
                              "short name.")},
    "tracking": {"name": "tracking", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": schemas.TRACKING_PATTERN},
                 "example": EXAMPLE_TRACKING,
                 "description": _l("The comment's tracking number.")},
    "submitter_type": _query("submitter_type", schemas.codes(SubmitterType),
                             _l("Only comments by this type of submitter.")),
    "country": _query("country", schemas.codes(Country), _l("Only comments from this country.")),
    "language": _query("language", schemas.codes(Language),
                       _l("Only comments written in this language.")),
    "theme": _query("theme", {"type": "string", "pattern": "^[a-z0-9_-]{1,60}$"}, _l(
        "Only comments with this confirmed theme (a code listed at /api/v1/pillars).")),
    "question": _query("question", {"type": "integer", "minimum": 1, "maximum": 1000}, _l(
        "Only comments that answered this question (its number in the period).")),
    "campaign": _query("campaign", {"type": "string", "pattern": "^[cp][1-9][0-9]{0,9}$"}, _l(
        "Only the signers of this form-letter campaign (the `code` of a comment's "
        "`campaign`).")),
    "cursor": _query("cursor", {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$",
                                "maxLength": CURSOR_CHARS}, _l(
        "Where to go on from: `next_cursor` of the previous page, with the same other "
        "parameters.")),
    "limit": _query("limit", {"type": "integer", "minimum": 1,
                              "maximum": open_data.MAX_LIMIT,
                              "default": open_data.DEFAULT_LIMIT}, _l("Comments per page.")),
    "updated_since": _query("updated_since", {"type": "string", "format": "date-time"}, _l(
        "Only what changed at or after this instant (with a time zone), oldest change first, "
        "withdrawn comments included. Use `next_updated_since` of your previous harvest.")),
    "q": _query("q", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}, _l(
        "Words in English or Spanish, accents optional; a phrase in double quotes. At most "
        "12 words."), required=True),
    "period": _query("period", {"type": "string", "pattern": KEY_PATTERN},
                     _l("Only this comment period (docket number or short name).")),
}
FILTERS = ["submitter_type", "country", "language", "theme", "question", "campaign"]

VALIDATORS = {
    "ETag": {"schema": {"type": "string"}, "description": _l(
        "Send it back in If-None-Match: an unchanged answer is a 304 without a body.")},
    "Last-Modified": {"schema": {"type": "string"}, "description": _l(
        "Latest change of the data (to the second); If-Modified-Since gives a 304 when "
        "nothing changed.")},
}


@dataclass(frozen=True)
class Operation:
    endpoint: str
    path: str
    summary: LazyString
    description: LazyString
    parameters: list[str]
    schema: str | None = None  # a JSON response's schema; None for files
    media_type: str = "application/json"
    not_found: bool = False
    last_modified: bool = False
    tags: list[str] = field(default_factory=lambda: ["data"])


OPERATIONS = [
    Operation("api.index", "/", _l("Where to start"), _l(
        "Addresses of the API's collections and of its documentation."), [], "Index"),
    Operation("api.openapi", "/openapi.json", _l("This document"), _l(
        "The OpenAPI 3.1 description of the API, in the language asked."), [], None,
        tags=["documentation"]),
    Operation("api.pillars", "/pillars", _l("Pillars and their themes"), _l(
        "The three pillars of the Dialogue's agenda, their comment periods and the themes "
        "comments are classified under."), [], "PillarList"),
    Operation("api.periods", "/periods", _l("Comment periods"), _l(
        "Every comment period: state, dates in UTC and in the zone they are announced in, "
        "docket, questions and the number of published comments."), [], "PeriodList"),
    Operation("api.period", "/periods/{key}", _l("One comment period"), _l(
        "A comment period by docket number or short name."), ["key"], "Period",
        not_found=True),
    Operation("api.period_comments", "/periods/{key}/comments",
              _l("Published comments of a period"), _l(
        "Published comments in the order received, a page at a time. With `updated_since`, "
        "what changed at or after that instant in the order it changed, with comments "
        "withdrawn from publication as `withdrawn: true` items. Withdrawals are sent whatever "
        "the filters."), ["key", *FILTERS, "updated_since", "cursor", "limit"],
        "CommentPage", not_found=True, last_modified=True),
    Operation("api.search_comments", "/search", _l("Search published comments"), _l(
        "Published comments of every period (or one) whose public text contains the words, "
        "in the order received."), ["q", "period", *FILTERS, "cursor", "limit"],
        "SearchPage", last_modified=True),
    Operation("api.comment", "/comments/{tracking}", _l("One published comment"), _l(
        "A published comment by tracking number. A number that is unknown or not published "
        "gets the same 404."), ["tracking"], "Comment", not_found=True, last_modified=True),
    Operation("api.period_summary", "/periods/{key}/summary", _l("Themed summary"), _l(
        "What the published comments of a period say, by theme: counts and shares, who said "
        "it, distinctive terms and exact quotes with their tracking numbers."), ["key"],
        "Summary", not_found=True, last_modified=True),
    Operation("api.period_outcome", "/periods/{key}/outcome", _l("Outcome"), _l(
        "What came of a comment period (\"what we heard\"), once it is published; until then "
        "404."),
        ["key"], "Outcome", not_found=True),
    Operation("api.download_csv", "/periods/{key}/comments.csv", _l("Download as CSV"), _l(
        "Every published comment of the period, one row each, the same fields as the API "
        "(lists joined with \"; \"), UTF-8 with a byte order mark; cells that a spreadsheet "
        "would run as formulas begin with an apostrophe."), ["key"], None, "text/csv",
        not_found=True, last_modified=True, tags=["downloads"]),
    Operation("api.download_jsonl", "/periods/{key}/comments.jsonl",
              _l("Download as JSON Lines"), _l(
        "Every published comment of the period, one API comment object per line."), ["key"],
        None, "application/jsonl", not_found=True, last_modified=True, tags=["downloads"]),
    Operation("api.checksum_csv", "/periods/{key}/comments.csv.sha256",
              _l("Checksum of the CSV file"), _l(
        "The SHA-256 of the CSV file, as `sha256sum` prints it. Send the file's ETag in "
        "If-Match: if the data changed since your download, you get a 412."), ["key"], None,
        "text/plain", not_found=True, last_modified=True, tags=["downloads"]),
    Operation("api.checksum_jsonl", "/periods/{key}/comments.jsonl.sha256",
              _l("Checksum of the JSON Lines file"), _l(
        "The SHA-256 of the JSON Lines file, as `sha256sum` prints it; If-Match as for the "
        "CSV."), ["key"], None, "text/plain", not_found=True, last_modified=True,
        tags=["downloads"]),
]


RETRY_AFTER = {"Retry-After": {"schema": {"type": "string"},
                               "description": _l("Seconds to wait before trying again.")}}


def _error(description: LazyString, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description,
                                "content": {"application/json": {"schema": ref("Error")}}}
    if headers:
        response["headers"] = headers
    return response


def _operation(op: Operation) -> dict[str, Any]:
    content_schema = ref(op.schema) if op.schema else {"type": "string"}
    if op.endpoint == "api.openapi":
        content_schema = {"type": "object"}
    headers = {"ETag": VALIDATORS["ETag"]}
    if op.last_modified:
        headers["Last-Modified"] = VALIDATORS["Last-Modified"]
    responses: dict[str, Any] = {
        "200": {"description": _l("Found."), "headers": headers,
                "content": {op.media_type: {"schema": content_schema}}},
        "304": {"description": _l("Not modified since the version you have.")},
        "400": _error(_l("A parameter cannot be used; the message says which.")),
    }
    if op.not_found or op.endpoint == "api.period_outcome":
        responses["404"] = _error(_l("Nothing of that name is published."))
    if op.media_type == "text/plain":
        responses["412"] = _error(_l("The data changed since the version in If-Match."))
    responses["429"] = _error(_l("Too many requests from your address."), RETRY_AFTER)
    if "downloads" in op.tags:
        responses["503"] = _error(_l(
            "The file of a large period is being prepared and no earlier one is there yet: "
            "ask again after Retry-After seconds."), RETRY_AFTER)
    responses["default"] = _error(_l("Another error, in the same shape."))
    return {
        "operationId": op.endpoint.removeprefix("api."),
        "summary": op.summary, "description": op.description, "tags": op.tags,
        "parameters": [ref_parameter(name) for name in [*op.parameters, "lang"]],
        "responses": responses,
    }


def ref_parameter(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


DESCRIPTION = _l(
    "Read-only open data of the HLED public consultation: what the reading room publishes, "
    "and nothing more, in English and Spanish. No key is needed. Lists are paged by cursor "
    "(`next_cursor`, also in a Link header); `updated_since` gives what changed since a "
    "previous harvest, withdrawals included. Every answer has an ETag for conditional "
    "requests, CORS is open to every origin, and each address has a rate limit per client "
    "(429 with Retry-After). Errors are JSON: {\"error\": {\"code\", \"message\"}}.")


def _resolve(value: Any) -> Any:
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def document(lang: str) -> dict[str, Any]:
    """The OpenAPI document with its prose in `lang`."""
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})["get"] = _operation(op)
    doc = {
        "openapi": "3.1.0",
        "info": {"title": _l("HLED public consultation: open data"), "version": VERSION,
                 "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": "data", "description": _l("Pillars, periods and comments.")},
                 {"name": "downloads", "description": _l("Every published comment of a "
                                                         "period in one file.")},
                 {"name": "documentation", "description": _l("This description.")}],
        "paths": paths,
        "components": {"parameters": PARAMETERS, "schemas": schemas.SCHEMAS},
    }
    with force_locale(lang):
        return dict(_resolve(doc))
