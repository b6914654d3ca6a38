"""Every error under /api/ in one JSON shape: {"error": {"code": ..., "message": ...}}.

`code` is stable (clients branch on it); `message` is for people, in the language asked. The
shape is the same for errors raised by the views (ApiError) and for those Flask or an extension
raises before or around them (unknown address, wrong method, rate limit, server error).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, g
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

# The generic code and message of each status the API can answer with an error.
GENERIC: dict[int, tuple[str, LazyString]] = {
    400: ("bad_request", _l("The request could not be understood.")),
    404: ("not_found", _l("There is nothing at this address. See /api/v1/openapi.json for the "
                          "addresses the API answers.")),
    405: ("method_not_allowed", _l("This address answers only GET, HEAD and OPTIONS.")),
    406: ("not_acceptable", _l("This address cannot answer in the format asked for.")),
    412: ("precondition_failed", _l("The data changed since the version named in If-Match. "
                                    "Download it again.")),
    413: ("too_large", _l("The request is too large.")),
    429: ("rate_limited", _l("Too many requests. Wait the number of seconds given in "
                            "Retry-After, then try again.")),
    500: ("server_error", _l("Something went wrong on our side. Please try again later.")),
    503: ("unavailable", _l("The service is unavailable for a moment. Please try again later.")),
}

# Messages of the errors the views raise, by code.
MESSAGES: dict[str, LazyString] = {
    "unknown_parameter": _l("Unknown parameter: %(name)s. See the API documentation for the "
                            "parameters of this address."),
    "repeated_parameter": _l("Give the parameter %(name)s only once."),
    "missing_parameter": _l("The parameter %(name)s is required."),
    "bad_parameter": _l("The value of %(name)s cannot be used: %(hint)s"),
    "bad_cursor": _l("This cursor cannot be used with this request. Start again from the "
                     "first page, without a cursor, with the same parameters."),
    "period_not_found": _l("No comment period has this docket number or short name."),
    "comment_not_found": _l("No published comment has this tracking number."),
    "outcome_not_found": _l("No outcome has been published for this comment period yet."),
    "search_too_long": _l("The search is too long. Use at most 200 characters."),
    "search_unbalanced_quotes": _l("A quotation mark is not closed. Close the phrase with a "
                                   "second quotation mark, or remove it."),
    "search_too_many_terms": _l("Use at most 12 words in a search."),
    "search_empty": _l("Give at least one word to search for."),
    "file_being_prepared": _l("This file is being prepared. Ask again after the number of "
                              "seconds given in Retry-After."),
}

# Hints for bad_parameter, by kind of value.
HINTS: dict[str, LazyString] = {
    "limit": _l("use a whole number from 1 to %(max)s."),
    "choice": _l("use one of %(choices)s."),
    "datetime": _l("use a date and time with a time zone, such as 2026-01-31T12:00:00Z."),
    "text": _l("use text of at most %(max)s characters."),
    "theme": _l("use the code of a theme listed at /api/v1/pillars."),
    "period": _l("use a docket number or short name listed at /api/v1/periods."),
    "number": _l("use a whole number from %(min)s to %(max)s."),
    "campaign": _l("use the code of a campaign found in a comment's campaign field."),
}


class ApiError(Exception):
    """An error a view answers with; `params` fill the message's placeholders, `headers` go
    with it (Retry-After on a 503)."""

    def __init__(self, status: int, code: str, *, headers: dict[str, str] | None = None,
                 **params: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.headers = headers or {}
        self.params = params

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code)
        if template is None:
            return str(GENERIC.get(self.status, GENERIC[400])[1])
        return str(template) % {k: str(v) for k, v in self.params.items()}


def bad_parameter(name: str, hint: str, **values: Any) -> ApiError:
    text = str(HINTS[hint]) % {k: str(v) for k, v in values.items()}
    return ApiError(400, "bad_parameter", name=name, hint=text)


def error_response(status: int, code: str | None = None, message: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    generic_code, generic_message = GENERIC.get(status, GENERIC[500 if status >= 500 else 400])
    body = {"error": {"code": code or generic_code, "message": message or str(generic_message)}}
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if "Retry-After" in response.headers:
        g.retry_after = response.headers["Retry-After"]  # see api.keep_retry_after
    return response


def from_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.headers)


def from_http_exception(exc: HTTPException) -> Response:
    """Flask's and the extensions' errors (404, 405, 429 ...) in the API's shape, keeping the
    headers that matter to clients (Allow on a 405, Retry-After on a 429)."""
    status = exc.code or 500
    headers: dict[str, str] = {}
    for name, value in exc.get_headers():
        if name.lower() in ("allow", "retry-after"):
            headers[name] = value
    retry_after = getattr(exc, "retry_after", None)  # set by the rate limiter on a 429
    if status == 429 and retry_after:
        headers["Retry-After"] = str(retry_after)
    return error_response(status, headers=headers)
