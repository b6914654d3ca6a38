"""The read-only open-data API (/api/v1/) and its documentation page (/<lang>/open-data)."""

from __future__ import annotations

from flask import Flask, Request, Response, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

PREFIX = "/api/"


class SessionlessApi(SecureCookieSessionInterface):
    """The API reads no cookie and sets none: its requests get Flask's null session, which is
    never saved (so no Set-Cookie and no `Vary: Cookie` either)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(PREFIX):
            return None
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    from portal.api import downloads as _downloads  # noqa: F401 - adds its routes to bp
    from portal.api.docs import bp as docs_bp
    from portal.api.http import cors
    from portal.api.routes import bp

    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)
    app.session_interface = SessionlessApi()

    def keep_retry_after(response: Response) -> Response:
        """The Retry-After an error answer set (error_response), not the rate limiter's, which
        sets one on every response to when the client's window resets (an hour for
        downloads): a 503 for a file being prepared means sooner."""
        wanted = g.pop("retry_after", None)
        if wanted is not None:
            response.headers["Retry-After"] = wanted
        return response

    # Flask runs after-request functions last registered first: this one runs after all others.
    app.after_request_funcs.setdefault(None, []).insert(0, keep_retry_after)

    @app.after_request
    def open_to_every_origin(response: Response) -> Response:
        # App-wide, so that errors outside the API's views (unknown address, 405) have it too.
        if request.path.startswith(PREFIX):
            return cors(response)
        return response
