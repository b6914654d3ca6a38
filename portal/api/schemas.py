"""JSON Schemas of what the API answers (OpenAPI 3.1 components), derived where they can be:
codes from the labeled enums, limits from the services, error codes from api/errors.py.

Objects are closed (`additionalProperties: false`): a field the schema does not name, an email
address say, fails the fuzzing tests instead of reaching the public.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api.errors import GENERIC, MESSAGES
from portal.api.serialize import FIELDS
from portal.models import Country, Language, PeriodState, SubmitterType
from portal.models.labels import LabeledEnum

TRACKING_PATTERN = "^HLED-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INSTANT = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
COUNT = {"type": "integer", "minimum": 0}
COUNTS = {"type": "object", "additionalProperties": COUNT}
LABELS = {"type": "object", "additionalProperties": STRING}


def codes(enum: type[LabeledEnum]) -> dict[str, Any]:
    return {"type": "string", "enum": [m.value for m in enum]}


def closed(properties: dict[str, Any], required: list[str] | None = None,
           description: Any = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object", "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description is not None:
        schema["description"] = description
    return schema


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_COMMENT_PROPERTIES: dict[str, Any] = {
    "tracking_number": {"type": "string", "pattern": TRACKING_PATTERN,
                        "description": _l("The comment's public identifier.")},
    "docket": {"type": "string", "description": _l("Docket number of its comment period.")},
    "url": {**URL, "description": _l("The comment's page in the reading room.")},
    "received_at": {**INSTANT, "description": _l("When the portal received it (UTC).")},
    "updated_at": {**INSTANT, "description": _l(
        "When what the public sees of it last changed: published, redacted, themes changed.")},
    "submitter_type": codes(SubmitterType),
    "submitter_type_label": STRING,
    "organization": {**NULLABLE_STRING, "description": _l(
        "Only when the writer agreed to publish their name and organization.")},
    "name": {**NULLABLE_STRING, "description": _l(
        "Only when the writer agreed to publish their name and organization.")},
    "country": codes(Country),
    "country_label": STRING,
    "region": {**NULLABLE_STRING, "description": _l(
        "State or province; only when the writer agreed to publish their name.")},
    "language": {**codes(Language), "description": _l("The language it is written in.")},
    "language_label": STRING,
    "subject": {**STRING, "description": _l("The public version of the subject.")},
    "text": {**STRING, "description": _l(
        "The public version of the text, exactly as published (a moderator may have "
        "redacted it).")},
    "themes": {"type": "array", "items": STRING,
               "description": _l("Codes of the themes moderators confirmed.")},
    "theme_labels": {"type": "array", "items": STRING},
    # Present when the feature exists (attachments).
    "answers": {"type": "array", "description": _l(
        "Public versions of the answers, per question of the period."),
        "items": closed({"question": {"type": "integer", "minimum": 1},
                         "question_text": STRING, "text": STRING})},
    "campaign": {"type": ["object", "null"], "description": _l(
        "The form-letter campaign it belongs to, counted as one position with its published "
        "signers (campaigns in English and Spanish that staff linked share one code); null "
        "for a comment that is not part of a campaign."),
        "properties": {
            "code": {"type": "string", "pattern": "^[cp][1-9][0-9]{0,9}$"},
            "name": {**NULLABLE_STRING, "description": _l(
                "Its name, when staff named it or it is a published comment's subject.")},
            "signers": COUNT},
        "required": ["code", "name", "signers"],
        "additionalProperties": False},
    "attachments": {"type": "array", "description": _l(
        "The comment's public files, as links to download them (never a confidential file, "
        "nor one a moderator held or withheld)."),
        "items": closed({"name": STRING, "media_type": STRING, "size": COUNT,
                         "sha256": STRING, "url": URL})},
}

SCHEMAS: dict[str, Any] = {
    "Comment": closed(_COMMENT_PROPERTIES, required=list(FIELDS), description=_l(
        "A published comment: its public version and nothing else.")),
    "Withdrawn": closed({
        "tracking_number": {"type": "string", "pattern": TRACKING_PATTERN},
        "withdrawn": {"const": True},
        "updated_at": {**INSTANT, "description": _l("When it was withdrawn.")},
    }, description=_l("A comment withdrawn from publication since `updated_since`: delete "
                      "your copy. It carries no content.")),
    "CommentPage": closed({
        "data": {"type": "array", "items": {"oneOf": [ref("Comment"), ref("Withdrawn")]}},
        "next_cursor": {**NULLABLE_STRING, "description": _l(
            "Pass it as `cursor` for the next page; null on the last page.")},
        "next_url": {"type": ["string", "null"], "format": "uri"},
        "next_updated_since": {"type": ["string", "null"], "format": "date-time",
                               "description": _l(
            "After the last page, pass it as `updated_since` in your next harvest: you will "
            "get everything that changed since, and at most a few minutes twice.")},
    }),
    "SearchPage": closed({
        "data": {"type": "array", "items": ref("Comment")},
        "next_cursor": NULLABLE_STRING,
        "next_url": {"type": ["string", "null"], "format": "uri"},
    }),
    "Period": closed({
        "docket": STRING, "slug": STRING, "pillar": STRING, "title": STRING,
        "description": STRING, "state": codes(PeriodState), "state_label": STRING,
        "opens_at": INSTANT, "closes_at": INSTANT,
        "timezone": {**STRING, "description": _l("The IANA time zone the dates are announced "
                                                 "in.")},
        "opens_at_local": {**INSTANT, "description": _l("The opening in that time zone.")},
        "closes_at_local": {**INSTANT, "description": _l("The closing in that time zone.")},
        "questions": {"type": "array", "items": closed({
            "number": {"type": "integer", "minimum": 1}, "text": STRING})},
        "comments_published": COUNT,
        "links": closed({
            "html": URL, "comments": URL, "summary": URL,
            "outcome": {"type": ["string", "null"], "format": "uri"},
            "csv": URL, "jsonl": URL,
        }),
    }),
    "PeriodList": closed({"data": {"type": "array", "items": ref("Period")}}),
    "Pillar": closed({
        "number": {"type": "integer"}, "slug": STRING, "name": STRING, "description": STRING,
        "periods": {"type": "array", "items": STRING},
        "themes": {"type": "array", "items": closed({
            "code": STRING, "label": STRING, "active": {"type": "boolean"}})},
    }),
    "PillarList": closed({"data": {"type": "array", "items": ref("Pillar")}}),
    "Summary": closed({
        "docket": STRING, "comments_published": COUNT,
        "published_by_submitter_type": COUNTS, "published_by_country": COUNTS,
        "published_by_language": COUNTS,
        "themes": {"type": "array", "items": closed({
            "code": STRING, "label": STRING, "count": COUNT,
            "share": {"type": "number", "minimum": 0, "maximum": 1},
            "by_submitter_type": COUNTS, "by_country": COUNTS, "by_language": COUNTS,
            "distinctive_terms": {"type": "array", "items": STRING},
            "quotes": {"type": "array", "items": closed({
                "tracking_number": STRING, "text": STRING,
                "whole_comment": {"type": "boolean"}})},
        })},
        "uncovered": closed({"count": COUNT, "tracking_numbers": {"type": "array",
                                                                   "items": STRING}}),
        "labels": closed({"submitter_type": LABELS, "country": LABELS, "language": LABELS}),
    }),
    "Outcome": closed({
        "docket": STRING,
        "summary": {**STRING, "description": _l("What was heard, in the language asked.")},
        "response": {**STRING, "description": _l("The governments' response.")},
        "published_at": INSTANT,
        "url": URL,
    }, description=_l("The published outcome page of a period (\"what we heard\").")),
    "Index": closed({"pillars": URL, "periods": URL, "search": URL, "openapi": URL,
                     "documentation": URL}),
    "Error": closed({"error": closed({
        "code": {"type": "string",
                 "enum": sorted({c for c, _ in GENERIC.values()} | set(MESSAGES))},
        "message": {**STRING, "description": _l("For people, in the language asked.")},
    })}),
}
