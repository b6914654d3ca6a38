"""Administrators' pages: a home that links every staff area, the periods and the outbox."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.auth.decorators import role_required
from portal.db import get_session
from portal.models import Role
from portal.services import moderation

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin")


@bp.get("/")
@role_required(Role.ADMIN)
def home() -> str:
    return render_template("admin/home.html", counts=moderation.status_counts(get_session()))


# The period pages live in the same blueprint, in a module of their own.
from portal.admin import outbox as _outbox  # noqa: E402,F401
from portal.admin import periods as _periods  # noqa: E402,F401
