"""The HLED public consultation portal."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.typing import ResponseReturnValue

from portal.config import load_config


class Portal(Flask):
    """Flask with one database transaction per request, committed after the view returns."""

    def dispatch_request(self) -> ResponseReturnValue:
        from portal.db import commit_request

        response = super().dispatch_request()
        commit_request()
        return response


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Portal(__name__, instance_relative_config=False)
    app.config.update(load_config(config))

    from portal import (
        api,
        cli,
        db,
        errors,
        i18n,
        metrics,
        observability,
        page_cache,
        security,
        tasks,
        throttle,
    )
    from portal.extensions import csrf, limiter, login_manager
    from portal.ids import IdConverter
    from portal.services import (
        attachment_store,
        term_stats,  # noqa: F401  (registers its flush hooks)
    )

    app.url_map.converters["id"] = IdConverter
    # First, so every request has its id before anything else can refuse it.
    observability.init_app(app)
    db.init_app(app)
    # Next, so a kept page is served before the rate limiter and the rest look at the request.
    page_cache.init_app(app)
    tasks.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    limiter.init_app(app)
    throttle.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    attachment_store.init_app(app)
    cli.init_app(app)

    from portal.admin.routes import bp as admin_bp
    from portal.auth.routes import bp as auth_bp
    from portal.moderation import campaigns as _campaign_pages  # noqa: F401 - adds its routes
    from portal.moderation.routes import bp as moderation_bp
    from portal.planning.routes import bp as planning_bp
    from portal.public import following as _following_pages  # noqa: F401 - adds its routes
    from portal.public.routes import bp as public_bp
    from portal.public.routes import root_bp

    app.register_blueprint(root_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(planning_bp)
    app.register_blueprint(admin_bp)
    api.init_app(app)
    metrics.init_app(app)

    # Comments are checked for campaigns on the worker (services.campaigns.check_due), which
    # loads the hashing library (with scipy, about a second) when it first checks one; a web
    # process loads it only if staff take a comment out of a campaign.
    return app
