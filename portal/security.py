"""Response headers for a strict Content-Security-Policy, and trust in a reverse proxy."""

from __future__ import annotations

from flask import Flask, Response, abort, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Pages that show what one person sent or may see: never kept by a browser or a shared cache.
STAFF_BLUEPRINTS = frozenset({"moderation", "planning", "admin", "auth"})
PERSONAL_ENDPOINTS = frozenset({
    "public.comment", "public.receipt", "public.receipt_record", "public.find_receipt",
})


def _private(response: Response) -> bool:
    endpoint = request.endpoint or ""
    if endpoint.split(".", 1)[0] in STAFF_BLUEPRINTS or endpoint in PERSONAL_ENDPOINTS:
        return True
    # Any page a signed-in staff member opens may name them; the open-data API is public data.
    # The session is read, not the account, so this costs no query (and works while the
    # database is down).
    return not request.path.startswith("/api/") and "_user_id" in session


def init_app(app: Flask) -> None:
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        # Flask documents wrapping wsgi_app as the way to add middleware.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )

    @app.before_request
    def refuse_nul() -> None:
        # No address or query has a use for NUL, and PostgreSQL cannot compare text with one.
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
        ):
            abort(400)

    @app.after_request
    def set_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        hsts = app.config.get("HSTS_SECONDS", 0)
        if hsts and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
        if _private(response):
            if "no-store" not in response.headers.get("Cache-Control", ""):
                response.headers["Cache-Control"] = "no-store"
            response.headers.pop("ETag", None)
            response.headers.pop("Last-Modified", None)
        return response
