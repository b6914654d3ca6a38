"""Guards for staff pages: anonymous visitors go to sign-in; the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, request
from flask_login import current_user

from portal.extensions import login_manager
from portal.services import audit

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """Admins pass every check; others need one of the roles."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def current_actor() -> audit.Actor:
    return audit.Actor.of(current_user, request.remote_addr or "")
