"""Public pages kept as rendered, per address (and so per language), and served again without
rendering or reading the database.

Which pages: what an anonymous visitor sees of home, a pillar, a period, the reading room (its
searches and pages included) and a published comment (`CACHED_ENDPOINTS`). A signed-in staff
member, or a visitor with a message waiting to be shown, gets a fresh page that is not kept.

The store is Flask-Caching's: by default files in a folder beside the SQLite database (or in the
instance folder), shared by every worker process of the machine; `redis://…` when the site runs
on several machines; `none` turns the cache off.

Never stale after a change. Every page is filed under the current *generation*, a random token in
the same store. A transaction that changes what these pages show replaces the token after it
commits: a comment published, withdrawn, redacted or re-themed (exactly when
portal/models/changes.py dates the change for the open-data feed), or a pillar, period, question,
document, deadline change, theme or outcome added, edited or removed (`PAGE_MODELS`). A request
reads the token before its first query, so a page rendered from data older than a change is
filed under a token that nobody reads once the change has committed. A new comment waiting for
review changes none of these pages, so a rush of comments leaves the cache alone.

Time: a page is kept at most `PAGE_CACHE_SECONDS` (60) and never past the next instant at which a
period opens or closes, so states and countdowns change on time. The number of comments
*received* shown on home and period pages may therefore lag by up to that long.

HTTP: every page served through the cache carries `ETag`, `Last-Modified` (when it was rendered)
and `Cache-Control: public, no-cache`, so a browser, a reverse proxy or a CDN may keep it but
asks again each time; a conditional request is answered 304 from the store.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Hashable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_caching import Cache
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Delete, Update
from werkzeug.http import parse_date

from portal.models import (
    CommentPeriod,
    OutcomeRevision,
    PeriodChange,
    PeriodDocument,
    Pillar,
    Question,
    Status,
    Submission,
    Theme,
)
from portal.models.types import utcnow

log = logging.getLogger(__name__)

EXTENSION = "portal_page_cache"
CACHED_ENDPOINTS = frozenset({
    "public.home", "public.pillar", "public.period", "public.reading_room",
    "public.published_comment",
})
# Rows whose every change shows on some cached page. Comments count only when public before or
# after the change (their `updated_at` is dated then, see portal/models/changes.py).
PAGE_MODELS: tuple[type, ...] = (
    Pillar, CommentPeriod, Question, PeriodDocument, PeriodChange, OutcomeRevision, Theme,
)
PAGE_TABLES = frozenset(m.__tablename__ for m in (*PAGE_MODELS, Submission))  # type: ignore[attr-defined]
GENERATION_KEY = "page:generation"
# Where a request keeps the token it read (PageCache.generation).
GENERATION_READ = "portal.page_cache.generation"
_CHANGED = "portal_pages_changed"


def _store_config(app: Flask) -> dict[str, Any]:
    url: str = app.config["PAGE_CACHE_URL"]
    # Two sites (or a site and its benchmark) may share a store: each database its own keys.
    site = hashlib.sha256(app.config["DATABASE_URL"].encode()).hexdigest()[:12]
    base = {"CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"],
            "CACHE_KEY_PREFIX": f"portal:{site}:"}
    if url in ("none", "off"):
        return {**base, "CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    if url == "memory://":  # this process only: for tests and a single process
        return {**base, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {**base, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url}
    folder = url.removeprefix("file://") if url else str(_default_folder(app))
    Path(folder).mkdir(parents=True, exist_ok=True)
    return {**base, "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": folder,
            "CACHE_THRESHOLD": app.config["PAGE_CACHE_ENTRIES"]}


def _default_folder(app: Flask) -> Path:
    from portal.config import INSTANCE_DIR

    database_url: str = app.config["DATABASE_URL"]
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        return Path(database_url.removeprefix("sqlite:///")).parent / "page-cache"
    return INSTANCE_DIR / "page-cache"


T = TypeVar("T")
# Rows read once per process and generation (see `remembered`): at most this many names.
REMEMBERED_NAMES = 256


class PageCache:
    def __init__(self, app: Flask) -> None:
        config = _store_config(app)
        self.cache = Cache()
        self.cache.init_app(app, config=config)
        self.seconds: int = app.config["PAGE_CACHE_SECONDS"]
        self.enabled = config["CACHE_TYPE"] != "NullCache"
        # name -> (generation, until (monotonic), value): this process's own, never shared.
        self.remembered: dict[Hashable, tuple[str, float, Any]] = {}
        # Form pages by key (its generation included) -> (until (epoch seconds), page).
        self.forms: dict[str, tuple[float, str]] = {}

    def generation(self, environ: dict[str, Any] | None = None) -> str:
        """The current token; a missing one (first use, or evicted) is made anew, which files
        every page kept so far under a token nobody reads: safe.

        Read once per request, before its first query: the first read is kept in the request's
        WSGI environ (the WSGI layer's, or Flask's request's when none is given)."""
        if environ is None and has_request_context():
            environ = request.environ
        if environ is not None and GENERATION_READ in environ:
            return str(environ[GENERATION_READ])
        token = self.cache.get(GENERATION_KEY)
        if token is None:
            self.cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=0)
            token = self.cache.get(GENERATION_KEY)
        if environ is not None:
            environ[GENERATION_READ] = str(token)
        return str(token)

    def form_kept_here(self, key: str) -> str | None:
        """A kept form page this process already read (see kept_form)."""
        found = self.forms.get(key)
        return found[1] if found is not None and time.time() < found[0] else None

    def keep_form_here(self, key: str, html: str, until: float) -> None:
        if len(self.forms) >= REMEMBERED_NAMES:
            self.forms.clear()
        self.forms[key] = (until, html)

    def bump(self) -> None:
        """Forget every kept page: called after a commit that changed what they show."""
        if not self.enabled:
            return
        try:
            token = secrets.token_hex(8)
            self.cache.set(GENERATION_KEY, token, timeout=0)
            if has_request_context():
                request.environ[GENERATION_READ] = token
        except Exception:  # noqa: BLE001 - the store is down; pages expire within seconds
            log.exception("could not renew the page cache's generation")

    def get(self, key: str) -> Kept | None:
        found = self.cache.get(key)
        return found if isinstance(found, tuple) and len(found) == 6 else None

    def keep(self, key: str, kept: Kept, seconds: int) -> None:
        self.cache.set(key, kept, timeout=seconds)


def page_cache(app: Flask) -> PageCache:
    found: PageCache = app.extensions[EXTENSION]
    return found


# What a kept page holds: its body, ETag, when it was rendered, its headers (security headers
# included; never a cookie), and its endpoint and route for the request log.
Kept = tuple[bytes, str, float, list[tuple[str, str]], str, str]
# Headers that belong to one response, not to the page.
_OWN_HEADERS = frozenset({"set-cookie", "content-length", "date", "x-request-id", "vary"})
_CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")


def _anonymous() -> bool:
    # The session is read, not the account: no query (security.py decides "private" the same way).
    return "_user_id" not in session and "_flashes" not in session


def _key(environ: dict[str, Any], generation: str) -> str:
    """One key per scheme, host, address and query: what the page's links and headers depend
    on. Computed from the WSGI environ, the same way before and inside Flask."""
    address = "{}://{}{}{}?{}".format(
        environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""))
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{generation}:{digest[:40]}"


def _describe(response: Response, etag: str, at: float) -> None:
    response.set_etag(etag)
    response.last_modified = datetime.fromtimestamp(at, UTC)
    response.headers["Cache-Control"] = "public, no-cache"


class ServeKept:
    """WSGI middleware: a kept page for a visitor who carries no session (nor "remember me")
    cookie is served before Flask builds a request, with the headers it was kept with, a request
    id, and its line in the request log. Anyone else, and every miss, goes on to Flask, where
    `serve_kept` below decides with the session in hand."""

    def __init__(self, app: Flask, pages: PageCache, wsgi_app: Any) -> None:
        self.app, self.pages, self.wsgi_app = app, pages, wsgi_app
        self.cookies = tuple(f"{name}=" for name in (
            app.config.get("SESSION_COOKIE_NAME") or "session",
            app.config.get("REMEMBER_COOKIE_NAME") or "remember_token"))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and "HTTP_RANGE" not in environ \
                and not any(c in environ.get("HTTP_COOKIE", "") for c in self.cookies):
            started = time.perf_counter()
            try:
                found = self.pages.get(_key(environ, self.pages.generation(environ)))
            except Exception:  # noqa: BLE001 - a cache that fails must not fail the page
                log.exception("page cache unavailable; rendering")
                found = None
            if found is not None:
                return self._serve(environ, start_response, found, started)
        return self.wsgi_app(environ, start_response)

    def _serve(self, environ: dict[str, Any], start_response: Any, kept: Kept,
               started: float) -> list[bytes]:
        from portal import observability

        body, etag, at, headers, endpoint, rule = kept
        request_id = observability.id_from_environ(environ)
        fresh = _not_modified(environ, etag, at)
        status = "304 NOT MODIFIED" if fresh else "200 OK"
        sent = [*headers, ("Vary", "Cookie"), (observability.REQUEST_ID_HEADER, request_id)]
        if not fresh:
            sent.append(("Content-Length", str(len(body))))
        start_response(status, sent)
        observability.log_request(self.app, {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id, "method": environ["REQUEST_METHOD"],
            "endpoint": endpoint, "route": rule, "status": 304 if fresh else 200,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
        return [] if fresh or environ["REQUEST_METHOD"] == "HEAD" else [body]


def _not_modified(environ: dict[str, Any], etag: str, at: float) -> bool:
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match is not None:
        return match.strip() == "*" or f'"{etag}"' in match
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is not None and since.timestamp() >= int(at)


# Placeholders a form page is kept with, filled in for each visitor (see kept_form).
BLANK_CSRF = "blank-csrf-token-kept-page"
BLANK_SHOWN = "blank-shown-stamp-kept-page"


def kept_form(render: Callable[[], str | None],
              fill: Mapping[str, Callable[[], str]]) -> str | None:
    """A form page whose only per-visitor values are plain strings (its CSRF token, when it was
    shown): rendered once with the blanks in place, kept like a page (same generation, same
    expiry) and filled in for each visitor, signed in or not. `render` returns None for a page
    that is not to be kept (the period is not open); so does this, then."""
    pages = page_cache(current_app)
    key = html = None
    if pages.enabled and _anonymous():
        try:
            key = _key(request.environ, pages.generation()) + ":form"
            # Kept with the instant it expires, so each process can keep it in memory as long.
            html = pages.form_kept_here(key)
            if html is None:
                found = pages.cache.get(key)
                if isinstance(found, tuple) and len(found) == 2:
                    html = str(found[0])
                    pages.keep_form_here(key, html, float(found[1]))
        except Exception:  # noqa: BLE001 - a cache that fails must not fail the page
            log.exception("page cache unavailable; rendering")
    if html is None:
        html = render()
        if html is None:
            return None
        if key is not None:
            from portal.db import get_session

            seconds = seconds_to_keep(get_session(), pages.seconds)
            if seconds > 0:
                until = time.time() + seconds
                pages.cache.set(key, (html, until), timeout=seconds)
                pages.keep_form_here(key, html, until)
    for blank, value in fill.items():
        html = html.replace(blank, value())
    return html


def remembered(name: Hashable, load: Callable[[Session], T | None]) -> T | None:
    """Rows that every page of the cache may show (a period and its questions, say), read once
    per process and generation instead of on every request: what the comment form's POST needs,
    the page a deadline rush hits hardest, which the page cache itself cannot keep.

    The same rule as the pages: the generation is read before the rows, and any commit that
    changes such rows (`PAGE_MODELS`) renews it, so rows older than a change are never used
    after the change has committed. They are also read again after `PAGE_CACHE_SECONDS`.

    What comes back was read in a session of its own, closed at once: its loaded attributes
    (ask `load` to load every relationship the caller uses) are read-only and shared by the
    process's requests, so never add it to a session or change it. With the cache off, `load`
    runs in the request's session on every call. None (not found) is not remembered."""
    from portal.db import get_session, new_session

    pages = page_cache(current_app)
    if not pages.enabled:
        return load(get_session())
    try:
        generation = pages.generation()
    except Exception:  # noqa: BLE001 - a cache that fails must not fail the page
        log.exception("page cache unavailable; reading")
        return load(get_session())
    now = time.monotonic()
    found = pages.remembered.get(name)
    if found is not None and found[0] == generation and now < found[1]:
        value: T = found[2]
        return value
    with new_session() as own:
        loaded = load(own)
    if loaded is not None:
        if len(pages.remembered) >= REMEMBERED_NAMES:
            pages.remembered.clear()
        pages.remembered[name] = (generation, now + pages.seconds, loaded)
    return loaded


def seconds_to_keep(session: Session, limit: int, now: datetime | None = None) -> int:
    """At most `limit`, and never past the next instant a period opens or closes."""
    now = now or utcnow()
    soonest = [session.scalar(select(CommentPeriod.opens_at).where(CommentPeriod.opens_at > now)
                              .order_by(CommentPeriod.opens_at).limit(1)),
               session.scalar(select(CommentPeriod.closes_at)
                              .where(CommentPeriod.closes_at > now)
                              .order_by(CommentPeriod.closes_at).limit(1))]
    seconds = float(limit)
    for instant in soonest:
        if instant is not None:
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=UTC)
            seconds = min(seconds, (instant - now).total_seconds())
    return max(0, int(seconds))


def _note_flush(session: Session, _context: Any) -> None:
    if session.info.get(_CHANGED):
        return
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, PAGE_MODELS):
            session.info[_CHANGED] = True
            return
        if isinstance(row, Submission):
            dated = inspect(row).attrs.updated_at.history.has_changes()
            if dated or (row in session.deleted and row.status is Status.PUBLISHED):
                session.info[_CHANGED] = True
                return


# A bulk UPDATE of comments changes public pages only if it dates the change (as
# portal/models/changes.py requires of bulk statements that change the public record) or moves
# a status; enriching comments that wait for review sets neither.
_PUBLIC_SETS = frozenset({"updated_at", "status"})


def _note_statement(state: Any) -> None:
    """Bulk UPDATE and DELETE statements bypass the flush hook."""
    statement = state.statement
    if not isinstance(statement, Update | Delete):
        return
    table = getattr(statement.table, "name", None)
    if table not in PAGE_TABLES:
        return
    if table == Submission.__tablename__ and isinstance(statement, Update):
        values = getattr(statement, "_values", None) or {}
        if not {getattr(column, "key", column) for column in values} & _PUBLIC_SETS:
            return
    state.session.info[_CHANGED] = True


def init_app(app: Flask) -> None:
    pages = PageCache(app)
    app.extensions[EXTENSION] = pages

    maker = app.extensions["portal_sessionmaker"]
    event.listen(maker, "after_flush", _note_flush)
    event.listen(maker, "do_orm_execute", _note_statement)

    def after_commit(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            pages.bump()

    event.listen(maker, "after_commit", after_commit)
    event.listen(maker, "after_soft_rollback",
                 lambda session, _tx: session.info.pop(_CHANGED, None))

    if not pages.enabled:
        return

    app.wsgi_app = ServeKept(app, pages, app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def serve_kept() -> Response | None:
        if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS \
                or not _anonymous():
            return None
        try:
            key = _key(request.environ, pages.generation())
            found = pages.get(key)
        except Exception:  # noqa: BLE001 - a cache that fails must not fail the page
            log.exception("page cache unavailable; rendering")
            return None
        if found is None:
            g.page_cache_key = key
            return None
        body, etag, at = found[:3]
        response = Response(body, mimetype="text/html")
        _describe(response, etag, at)
        if any(name in request.environ for name in _CONDITIONS):
            response.make_conditional(request)
        return response

    @app.after_request
    def keep_rendered(response: Response) -> Response:
        # Runs after the security headers' hook (registered later, run earlier), so a kept page
        # keeps them; before the request log's, which adds the request id.
        key = g.pop("page_cache_key", None)
        if key is None or response.status_code != 200 or response.direct_passthrough \
                or response.mimetype != "text/html" or not _anonymous():
            return response
        from portal.db import get_session

        body = response.get_data()
        etag = hashlib.sha256(body).hexdigest()[:32]
        at = time.time()
        _describe(response, etag, at)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _OWN_HEADERS]
        rule = request.url_rule.rule if request.url_rule is not None else ""
        try:
            seconds = seconds_to_keep(get_session(), pages.seconds)
            if seconds > 0:
                pages.keep(key, (body, etag, at, headers, request.endpoint or "", rule), seconds)
        except Exception:  # noqa: BLE001 - the page is still served
            log.exception("could not keep a rendered page")
        response.make_conditional(request)
        return response
