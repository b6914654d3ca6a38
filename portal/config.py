"""Settings read from the environment; the embedded SQLite file is the default database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from portal.resources import TRANSLATIONS


def _instance_dir() -> Path:
    """Where the embedded database (and the development mail folder) live: PORTAL_INSTANCE_DIR,
    else instance/ in the checkout, else instance/ in the working directory of an installed
    site (never inside site-packages)."""
    if os.environ.get("PORTAL_INSTANCE_DIR"):
        return Path(os.environ["PORTAL_INSTANCE_DIR"]).resolve()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "instance"
    return Path.cwd() / "instance"


INSTANCE_DIR = _instance_dir()
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - used only in development and tests


class ConfigError(RuntimeError):
    """Raised when the environment lacks a setting the portal cannot run without."""


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"


def default_tasks_url(database_url: str) -> str:
    """The task queue's embedded store: a SQLite file beside the SQLite database, or in the
    instance folder when the database is elsewhere."""
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        folder = Path(database_url.removeprefix("sqlite:///")).parent
    else:
        folder = INSTANCE_DIR
    return f"sqlite:///{folder / 'tasks.sqlite3'}"


def default_bulk_dir(database_url: str) -> Path:
    """Bulk files of the open-data API: bulk/ beside the SQLite database, or in the instance
    folder when the database is elsewhere. Derived data, rebuilt on demand: not in backups."""
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        return Path(database_url.removeprefix("sqlite:///")).parent / "bulk"
    return INSTANCE_DIR / "bulk"


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    overrides = dict(overrides or {})
    env = os.environ.get("PORTAL_ENV", "production")
    testing = bool(overrides.get("TESTING"))
    development = env == "development" or os.environ.get("FLASK_DEBUG") == "1"

    secret = overrides.get("SECRET_KEY") or os.environ.get("PORTAL_SECRET_KEY")
    if not secret:
        if not (testing or development):
            raise ConfigError(
                "PORTAL_SECRET_KEY is not set. Set it to one long random value shared by every "
                "worker, e.g. PORTAL_SECRET_KEY=$(python -c 'import secrets; "
                "print(secrets.token_hex(32))'), or set PORTAL_ENV=development for local use."
            )
        secret = DEV_SECRET

    database_url = (overrides.get("DATABASE_URL") or os.environ.get("PORTAL_DATABASE_URL")
                    or default_database_url())
    config: dict[str, Any] = {
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        # A comment may take an afternoon to write; the CSRF token lives as long as the
        # browser session instead of Flask-WTF's one-hour default.
        "WTF_CSRF_TIME_LIMIT": None,
        # Sized for a comment's files and the form around them (see below); the text fields
        # together stay within MAX_FORM_MEMORY_SIZE.
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PORTAL_COOKIE_SECURE", "0") == "1",
        # Strict-Transport-Security on HTTPS responses: a year once cookies are HTTPS-only,
        # else only when PORTAL_HSTS (seconds) says so; 0 turns it off.
        "HSTS_SECONDS": int(os.environ.get(
            "PORTAL_HSTS", "31536000" if os.environ.get("PORTAL_COOKIE_SECURE") == "1" else "0")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS),
        "LANGUAGES": ("en", "es"),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        "PROXY_COUNT": int(os.environ.get("PORTAL_PROXY_COUNT", "0")),
        "RATELIMIT_STORAGE_URI": os.environ.get("PORTAL_RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_SUBMIT": os.environ.get("PORTAL_RATELIMIT_SUBMIT", "20 per hour"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # A sliding window: no burst of twice the limit around the turn of a fixed window.
        "RATELIMIT_STRATEGY": "moving-window",
        "DOCKET_PREFIX": os.environ.get("PORTAL_DOCKET_PREFIX", "HLED"),
        # Uploaded files, outside the web root: period documents under periods/ (and comment
        # attachments in a folder of their own).
        "UPLOAD_DIR": os.environ.get("PORTAL_UPLOAD_DIR") or str(INSTANCE_DIR / "uploads"),
        "DOCUMENT_MAX_BYTES": int(os.environ.get("PORTAL_DOCUMENT_MAX_BYTES",
                                                 str(10 * 1024 * 1024))),
        # Files sent with a comment: how many, and how large each (attachments/ folder).
        "ATTACHMENT_MAX_FILES": int(os.environ.get("PORTAL_ATTACHMENT_MAX_FILES", "5")),
        "ATTACHMENT_MAX_BYTES": int(os.environ.get("PORTAL_ATTACHMENT_MAX_BYTES",
                                                   str(10 * 1024 * 1024))),
        # Reading the text of a file runs in a child process with these limits.
        "EXTRACT_TIMEOUT": float(os.environ.get("PORTAL_EXTRACT_TIMEOUT", "120")),
        "EXTRACT_MEMORY_MB": int(os.environ.get("PORTAL_EXTRACT_MEMORY_MB", "1024")),
        # A comment sent sooner than this after its form was shown is flagged "too fast".
        "FORM_MIN_SECONDS": float(os.environ.get("PORTAL_FORM_MIN_SECONDS", "5")),
        # Open-data API, per client address: every request, and whole-period downloads.
        "RATELIMIT_API": os.environ.get("PORTAL_RATELIMIT_API", "300 per minute"),
        "RATELIMIT_API_DOWNLOAD": os.environ.get("PORTAL_RATELIMIT_API_DOWNLOAD", "30 per hour"),
        # One JSON line per request: "stderr" (written by the portal) or "none" (the deployer
        # routes the `portal.requests` logger).
        "REQUEST_LOG": os.environ.get("PORTAL_REQUEST_LOG", "stderr"),
        # Bearer token that opens /metrics; without it /metrics answers 404.
        "METRICS_TOKEN": os.environ.get("PORTAL_METRICS_TOKEN") or None,
        # Background work (portal/tasks.py): sqlite:///FILE, redis://..., postgresql://...,
        # memory:// (this process only) or immediate:// (run at once, for tests).
        "TASKS_URL": os.environ.get("PORTAL_TASKS_URL") or default_tasks_url(database_url),
        # Mail (portal/mail/): smtp://user:pass@host:port, smtps:// for SSL, ?starttls=1.
        # Without it, development and tests write .eml files under MAIL_DIR.
        "SMTP_URL": os.environ.get("PORTAL_SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("PORTAL_MAIL_FROM", "HLED consultation <noreply@localhost>"),
        "MAIL_DIR": os.environ.get("PORTAL_MAIL_DIR") or str(INSTANCE_DIR / "mail"),
        "MAIL_DEV_FILES": development or testing,
        # Links in messages point here (no request to take the host from in a worker).
        "BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # The outbox: how long a worker holds a message, the first retry delay (doubling after
        # each failure, at most six hours) and how many attempts before giving up.
        "OUTBOX_LEASE_SECONDS": float(os.environ.get("PORTAL_OUTBOX_LEASE_SECONDS", "300")),
        "OUTBOX_RETRY_SECONDS": float(os.environ.get("PORTAL_OUTBOX_RETRY_SECONDS", "60")),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("PORTAL_OUTBOX_MAX_ATTEMPTS", "10")),
        # Following a pillar or a period: how long a confirmation link and an unsubscribe
        # link stay valid, and how many follow requests a client address may send.
        "FOLLOW_CONFIRM_MAX_AGE": int(os.environ.get("PORTAL_FOLLOW_CONFIRM_MAX_AGE",
                                                     str(7 * 24 * 3600))),
        "UNSUBSCRIBE_MAX_AGE": int(os.environ.get("PORTAL_UNSUBSCRIBE_MAX_AGE",
                                                  str(2 * 365 * 24 * 3600))),
        "RATELIMIT_FOLLOW": os.environ.get("PORTAL_RATELIMIT_FOLLOW", "10 per hour"),
        # Rendered public pages (portal/page_cache.py): "" for files beside the SQLite database
        # (or in the instance folder), redis://… for several machines, "none" for no cache;
        # kept at most this many seconds, and in files at most this many pages.
        # Off in development, where a template edit should show at the next reload; in tests,
        # each app its own memory unless the test names a store.
        "PAGE_CACHE_URL": os.environ.get("PORTAL_PAGE_CACHE_URL") or (
            "memory://" if testing else "none" if development else ""),
        "PAGE_CACHE_SECONDS": int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "60")),
        "PAGE_CACHE_ENTRIES": int(os.environ.get("PORTAL_PAGE_CACHE_ENTRIES", "5000")),
        # Exports written by the worker (portal/services/export_jobs.py): their folder (by
        # default exports/ in UPLOAD_DIR), how many days a file is kept, and how long a running
        # export may go without progress before it counts as left by a dead worker.
        "EXPORT_DIR": os.environ.get("PORTAL_EXPORT_DIR") or None,
        "EXPORT_KEEP_DAYS": float(os.environ.get("PORTAL_EXPORT_KEEP_DAYS", "7")),
        "EXPORT_STALE_SECONDS": float(os.environ.get("PORTAL_EXPORT_STALE_SECONDS", "900")),
        # Bulk downloads of the open-data API (portal/api/bulk_files.py): the folder the worker
        # writes them to; up to how many published comments a period's file is still streamed
        # in the request while it is not built (20,000 rows take about 4 s as CSV, well within
        # a worker's 30 s); how often at most a larger period's file is rebuilt (seconds), its
        # last file being served meanwhile.
        "BULK_DIR": os.environ.get("PORTAL_BULK_DIR") or None,
        "BULK_STREAM_MAX_ROWS": int(os.environ.get("PORTAL_BULK_STREAM_MAX_ROWS", "20000")),
        "BULK_REFRESH_SECONDS": float(os.environ.get("PORTAL_BULK_REFRESH_SECONDS", "600")),
    }
    config.update(overrides)
    if not config["EXPORT_DIR"]:
        config["EXPORT_DIR"] = str(Path(config["UPLOAD_DIR"]) / "exports")
    if not config["BULK_DIR"]:
        config["BULK_DIR"] = str(default_bulk_dir(config["DATABASE_URL"]))
    if config["MAX_CONTENT_LENGTH"] is None:
        config["MAX_CONTENT_LENGTH"] = (config["ATTACHMENT_MAX_FILES"]
                                        * config["ATTACHMENT_MAX_BYTES"] + 2 * 1024 * 1024)
    return config
