"""HTTP manners of the API: strict parameters, the language asked, JSON bodies with validators
(ETag, Last-Modified) and 304 answers, and CORS open to every origin for reading."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Response, current_app, g, request
from werkzeug.datastructures import ETags
from werkzeug.http import http_date, parse_etags
from werkzeug.sansio.http import is_resource_modified

from portal.api.errors import ApiError, bad_parameter
from portal.models.labels import LabeledEnum

LANGS = ("en", "es")
_DIGITS = re.compile(r"[0-9]{1,6}", re.ASCII)
_UNENCODED_PLUS = re.compile(r" ([0-9]{2}:?[0-9]{2})$")
EXPOSED = ("ETag, Last-Modified, Link, Retry-After, Content-Language, Repr-Digest, "
           "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset")


def choose_lang() -> str:
    """`?lang=` if valid, else the best of Accept-Language, else English; also the locale of
    this request's messages. An invalid `lang` is refused by `arg`, not here."""
    asked = request.args.get("lang")
    lang = asked if asked in LANGS else (request.accept_languages.best_match(LANGS) or "en")
    g.lang = lang
    return lang


def check_params(allowed: Iterable[str]) -> None:
    """Refuse unknown and repeated parameters: a misspelt filter must not widen a harvest."""
    names = set(allowed) | {"lang"}
    for name in request.args:
        if name not in names:
            raise ApiError(400, "unknown_parameter", name=name[:40])
        if len(request.args.getlist(name)) > 1:
            raise ApiError(400, "repeated_parameter", name=name)
    if "lang" in request.args and request.args["lang"] not in LANGS:
        raise bad_parameter("lang", "choice", choices=", ".join(LANGS))


E = TypeVar("E", bound=LabeledEnum)


def enum_arg(name: str, enum: type[E]) -> E | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    member = enum.parse(raw)
    if member is None:
        raise bad_parameter(name, "choice", choices=", ".join(m.value for m in enum))
    return member


def limit_arg(default: int, maximum: int) -> int:
    raw = request.args.get("limit")
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise bad_parameter("limit", "limit", max=maximum)
    return int(raw)


def int_arg(name: str, minimum: int, maximum: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not _DIGITS.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        raise bad_parameter(name, "number", min=minimum, max=maximum)
    return int(raw)


def datetime_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    # RFC 3339 allows a lower-case t and z; a "+" left unencoded in a query arrives as a space.
    text = _UNENCODED_PLUS.sub(r"+\1", raw.upper())
    try:
        value = datetime.fromisoformat(text)
        if value.tzinfo is None or len(raw) > 40:
            raise ValueError(raw)
        return value.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise bad_parameter(name, "datetime") from exc


def text_arg(name: str, maximum: int) -> str | None:
    raw = request.args.get(name)
    if raw is not None and len(raw) > maximum:
        raise bad_parameter(name, "text", max=maximum)
    return raw


def dumps(data: Any) -> bytes:
    """Deterministic JSON: same data, same bytes (and so the same ETag)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def etag_of(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    return digest[:40]


def not_modified(etag: str, last_modified: datetime | None) -> bool:
    """Whether If-None-Match (or, without it, If-Modified-Since) says the client is current."""
    return not is_resource_modified(
        http_if_modified_since=request.headers.get("If-Modified-Since"),
        http_if_none_match=request.headers.get("If-None-Match"),
        etag=etag, last_modified=last_modified,
    )


def if_match_fails(etag: str) -> bool:
    """If-Match given and naming none of this representation's versions (strong comparison)."""
    header = request.headers.get("If-Match")
    if not header:
        return False
    tags: ETags = parse_etags(header)
    return not tags.is_strong(etag) and not tags.star_tag


def validated(response: Response, etag: str, last_modified: datetime | None,
              lang: str | None) -> Response:
    """Set the validators and caching headers; a client that is current gets a bodiless 304."""
    response.set_etag(etag)
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["Cache-Control"] = "public, no-cache"
    if lang is not None:
        response.headers["Content-Language"] = lang
        response.vary.add("Accept-Language")
    if not_modified(etag, last_modified):
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Length", None)
    return response


def json_response(data: Any, *, lang: str | None, last_modified: datetime | None = None,
                  links: Mapping[str, str] | None = None) -> Response:
    """A JSON body whose ETag is its digest: unchanged data answers 304 to If-None-Match."""
    body = dumps(data)
    response = current_app.response_class(body, mimetype="application/json")
    for rel, url in (links or {}).items():
        response.headers.add("Link", f'<{url}>; rel="{rel}"')
    return validated(response, hashlib.sha256(body).hexdigest()[:40], last_modified, lang)


def latest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def cors(response: Response) -> Response:
    """Any site may read the API from a browser; nothing is sent with credentials."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Accept, Accept-Language, If-None-Match, If-Modified-Since, If-Match")
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
