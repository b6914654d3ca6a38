"""Error pages in the reader's language; none of them leaks a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from portal.api import errors as api_errors

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("Someone else changed this first"),
    410: _l("No longer available"),
    413: _l("What you sent is too large"),
    422: _l("Please check what you entered"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The site is unavailable for a moment"),
}
MESSAGES = {
    400: _l("Please go back and try again."),
    403: _l("Your account does not have the role needed for this page."),
    404: _l("We could not find that page. Check the address, or start from the home page."),
    405: _l("Please go back and use the page's own buttons and links."),
    413: _l(
        "The request is larger than the site accepts. Comments may be up to 20,000 characters "
        "with a few files; please send less and try again."
    ),
    429: _l("You have sent too many requests in a short time. Please wait a little and retry."),
    500: _l("Your request was not completed. Please try again in a few minutes."),
    503: _l(
        "We cannot reach our records right now, so nothing was read or saved. Please try again "
        "in a minute; if you were sending a comment, keep a copy of your text until you get "
        "a receipt."
    ),
}
# Seconds a client is asked to wait when the database does not answer.
OUTAGE_RETRY_AFTER = 30
# What the driver raises when the database cannot be reached or does not answer in time
# (refused connection, missing SQLite file, pool exhausted, a lock held too long).
OUTAGE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)


def is_api_request() -> bool:
    """Errors under /api/ are JSON in the API's shape (portal/api/errors.py), never pages."""
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title = TITLES.get(code, TITLES[400])
    body = message or MESSAGES.get(code, MESSAGES[400])
    return render_template("errors/error.html", code=code, title=title, message=body), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        from portal.public.routes import comment_form_after_csrf_error

        recovered = comment_form_after_csrf_error()
        if recovered is not None:
            return recovered
        return render_error(
            400,
            str(
                _l(
                    "This form has expired or was not sent from this site. Nothing was saved. "
                    "Please go back, reload the page and send it again."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        code = exc.code or 500
        if is_api_request():
            return api_errors.from_http_exception(exc)
        if request.path == "/healthz":
            return {"error": exc.name, "status": code}, code
        if code == 413:
            from portal.public.routes import comment_form_after_too_large

            recovered = comment_form_after_too_large()
            if recovered is not None:
                return recovered
        body, status = render_error(code)
        retry_after = getattr(exc, "retry_after", None)  # set by the rate limiter on a 429
        if code == 429 and retry_after:
            return body, status, {"Retry-After": str(retry_after)}
        return body, status

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(exc: Exception) -> ResponseReturnValue:
        app.logger.error("database unavailable on %s %s: %s", request.method, request.path,
                         exc.__class__.__name__)
        headers = {"Retry-After": str(OUTAGE_RETRY_AFTER)}
        if is_api_request():
            return api_errors.error_response(503, headers=headers)
        # The page must not need the database: a staff session cannot be looked up now.
        from flask import g

        from portal.extensions import login_manager

        if g.get("_login_user") is None:
            g._login_user = login_manager.anonymous_user()
        body, status = render_error(503)
        return body, status, headers

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if is_api_request():
            return api_errors.error_response(500)
        return render_error(500)
