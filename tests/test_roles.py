"""Every staff route, for anonymous visitors and each role: sign-in, 403, or the route's answer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import (
    AuditEvent,
    CampaignCheck,
    CommentPeriod,
    Submission,
    SubmissionTheme,
    Theme,
)
from portal.seed import seed_themes
from tests.conftest import (
    add_submission,
    check_campaigns,
    csrf_token,
    db_session,
    make_user,
    sign_in,
)


@dataclass(frozen=True)
class Route:
    """What a role allowed on a route gets back: a page, or the route's answer to a harmless
    form (a wrong version, nothing selected, an empty label), which changes nothing."""

    roles: frozenset[str]  # besides admin, who may do everything
    status: int
    text: str
    form: dict[str, object] = field(default_factory=dict)


LETTER = (
    "Les escribo para pedir que el Diálogo Económico de Alto Nivel ponga en el centro a las "
    "pequeñas empresas de la frontera: hoy un camión de carga espera entre cuatro y seis horas "
    "para cruzar, y cada hora de espera encarece nuestros productos y nos hace perder clientes."
)
MODERATOR = frozenset({"moderator"})
PLANNER = frozenset({"planner"})
COORDINATOR = frozenset({"coordinator"})
OUTCOMES = frozenset({"planner", "coordinator"})
ADMIN_ONLY: frozenset[str] = frozenset()

STAFF_ROUTES: dict[tuple[str, str], Route] = {
    ("moderation.queue", "GET"): Route(MODERATOR, 200, "Moderation queue"),
    ("moderation.review", "GET"): Route(MODERATOR, 200, "Cruces fronterizos"),
    ("moderation.bulk", "POST"): Route(
        MODERATOR, 400, "Nothing selected", {"action": "publish"}
    ),
    ("moderation.publish", "POST"): Route(
        MODERATOR, 409, "Another moderator changed comment", {"version": 999}
    ),
    ("moderation.reject", "POST"): Route(
        MODERATOR, 409, "Another moderator changed comment", {"version": 999, "reason": "spam"}
    ),
    ("moderation.edit", "POST"): Route(
        MODERATOR, 409, "Another moderator changed comment",
        {"version": 999, "public_body": "Changed."},
    ),
    ("moderation.save_themes", "POST"): Route(
        MODERATOR, 400, "The request could not be understood", {"version": 1, "themes": "x"}
    ),
    ("moderation.release", "POST"): Route(
        MODERATOR, 409, "Another moderator changed comment", {"version": 999, "flag": "too_fast"}
    ),
    ("moderation.campaign_list", "GET"): Route(MODERATOR, 200, "Campaigns"),
    # A comment's files: an unknown file is not found, for those who may see files.
    ("moderation.attachment_file", "GET"): Route(MODERATOR, 404, "Page not found"),
    ("moderation.withhold_file", "POST"): Route(MODERATOR, 404, "Page not found",
                                                {"reason": "Personal data"}),
    ("moderation.campaign", "GET"): Route(MODERATOR, 200, "Decide every member at once"),
    ("moderation.campaign_decide", "POST"): Route(
        MODERATOR, 409, "Someone changed the campaign", {"version": 999, "action": "publish"}
    ),
    ("moderation.campaign_rename", "POST"): Route(
        MODERATOR, 409, "Someone changed the campaign", {"version": 999, "name": "Renamed"}
    ),
    ("moderation.campaign_merge", "POST"): Route(
        MODERATOR, 422, "Choose a campaign.", {"version": 999, "other": ""}
    ),
    ("moderation.campaign_link", "POST"): Route(MODERATOR, 422, "Choose a campaign.",
                                                {"other": ""}),
    ("moderation.campaign_unlink", "POST"): Route(
        MODERATOR, 409, "Someone changed the campaign", {"version": 999}
    ),
    ("moderation.campaign_remove_member", "POST"): Route(
        MODERATOR, 409, "Someone changed the campaign", {"version": 999}
    ),
    ("planning.index", "GET"): Route(PLANNER, 200, "Planning summaries"),
    ("planning.summary", "GET"): Route(PLANNER, 200, "Energy and connectivity"),
    # Asking for an export queues it and leads to its page.
    ("planning.export", "POST"): Route(PLANNER, 303, "/en/planning/exports/", {"format": "csv"}),
    ("planning.export_list", "GET"): Route(PLANNER, 200, "Exports are written in the background"),
    # Export 999999 does not exist (nor would another planner's for this one).
    ("planning.export_job", "GET"): Route(PLANNER, 404, "Page not found"),
    ("planning.export_status", "GET"): Route(PLANNER, 404, "Page not found"),
    ("planning.export_download", "GET"): Route(PLANNER, 404, "Page not found"),
    ("planning.export_retry", "POST"): Route(PLANNER, 404, "Page not found"),
    ("planning.theme_list", "GET"): Route(ADMIN_ONLY, 200, "Theme taxonomy"),
    ("planning.theme_list", "POST"): Route(
        ADMIN_ONLY, 422, "Enter a label.", {"new-code": "", "new-label_en": ""}
    ),
    ("planning.theme_update", "POST"): Route(
        ADMIN_ONLY, 422, "Enter a label.", {"t{theme}-label_en": "", "t{theme}-label_es": ""}
    ),
    ("moderation.send_back", "POST"): Route(
        MODERATOR, 409, "Another moderator changed comment", {"version": 999, "reason": "Why."}
    ),
    ("planning.outcome_editor", "GET"): Route(OUTCOMES, 200, "What we heard"),
    # The period is open: no outcome yet.
    ("planning.outcome_editor", "POST"): Route(
        OUTCOMES, 422, "once the period has closed", {"summary_en": "Heard.", "action": "save"}
    ),
    ("admin.home", "GET"): Route(ADMIN_ONLY, 200, "3 comments awaiting review."),
    ("admin.periods_list", "GET"): Route(COORDINATOR, 200, "New comment period"),
    ("admin.outbox_list", "GET"): Route(ADMIN_ONLY, 200, "Every email the portal sends"),
    # Nothing selected: nothing changes, back to the list.
    ("admin.outbox_retry", "POST"): Route(ADMIN_ONLY, 303, "/admin/outbox"),
    ("admin.period_new", "GET"): Route(COORDINATOR, 200, "Create the comment period"),
    ("admin.period_new", "POST"): Route(COORDINATOR, 422, "Enter the title in English."),
    ("admin.period_manage", "GET"): Route(COORDINATOR, 200, "Extend the deadline"),
    ("admin.period_edit", "GET"): Route(COORDINATOR, 200, "Edit the comment period"),
    ("admin.period_edit", "POST"): Route(COORDINATOR, 422, "Enter the title in English."),
    ("admin.period_extend", "POST"): Route(
        COORDINATOR, 422, "Enter a date and time like",
        {"extend-csrf_token": "{token}", "extend-closes_at": "soon"},
    ),
    ("admin.period_close", "POST"): Route(
        COORDINATOR, 422, "Say in English why the period closes early.",
        {"close-csrf_token": "{token}"},
    ),
    ("admin.period_reopen", "POST"): Route(
        COORDINATOR, 422, "Only a closed period can be reopened.",
        {"reopen-csrf_token": "{token}", "reopen-reopen_until": "2030-01-01T00:00"},
    ),
    # Someone commented: never deleted.
    ("admin.period_delete", "POST"): Route(COORDINATOR, 409, "can never be deleted"),
    ("admin.document_add", "POST"): Route(
        COORDINATOR, 422, "Give the address of the official notice", {"doc-csrf_token": "{token}"}
    ),
    ("admin.document_remove", "POST"): Route(COORDINATOR, 404, "Page not found"),
    ("admin.users", "GET"): Route(ADMIN_ONLY, 200, "End all sessions"),
    # An account that does not exist: nobody's sessions end.
    ("admin.end_sessions", "POST"): Route(ADMIN_ONLY, 404, "Page not found"),
}
STAFF_PREFIXES = ("moderation.", "planning.", "admin.")


def test_matrix_covers_every_staff_route(app: Flask) -> None:
    staff = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(STAFF_PREFIXES)
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert staff == set(STAFF_ROUTES), "add new staff routes to STAFF_ROUTES"


def _url(app: Flask, endpoint: str, submission_id: int, theme_id: int, period_id: int,
         campaign_id: int) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values: dict[str, object] = {"lang": "en"}
    if "period_id" in rule.arguments:
        values["period_id"] = period_id
    if "document_id" in rule.arguments:
        values["document_id"] = 1
    if "slug" in rule.arguments and "kind" not in rule.arguments:
        values["slug"] = "energy-2026"
    if "submission_id" in rule.arguments:
        values["submission_id"] = submission_id
    if "campaign_id" in rule.arguments:
        values["campaign_id"] = campaign_id
    if "kind" in rule.arguments:
        values.update(kind="periods", slug="energy-2026")
    if "theme_id" in rule.arguments:
        values["theme_id"] = theme_id
    if "attachment_id" in rule.arguments:
        values["attachment_id"] = 1
    if "user_id" in rule.arguments:
        values["user_id"] = 999999
    if "job_id" in rule.arguments:
        values["job_id"] = 999999
    with app.test_request_context():
        return url_for(endpoint, **values)


def _snapshot(app: Flask, submission_id: int) -> tuple[object, ...]:
    """What a harmless form must leave as it was."""
    with db_session(app) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        confirmed = session.scalars(
            select(SubmissionTheme.theme_id).where(
                SubmissionTheme.submission_id == submission_id, SubmissionTheme.confirmed
            )
        ).all()
        labels = session.execute(select(Theme.code, Theme.label_en).order_by(Theme.id)).all()
        return (submission.status, submission.version, submission.public_body, confirmed,
                [tuple(row) for row in labels])


@pytest.mark.parametrize("who", ["anonymous", "moderator", "planner", "coordinator", "admin"])
def test_role_matrix(app: Flask, open_period: CommentPeriod, who: str) -> None:
    submission_id, _ = add_submission(app, open_period)
    # Two copies of one letter make a campaign for the campaign pages.
    copies = [add_submission(app, open_period, body=LETTER + signature, email=f"{n}@example.org")
              for n, signature in enumerate(("\nAna", "\nLuis"))]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        seed_themes(session)
        check = session.get(CampaignCheck, copies[0][0])
        assert check is not None and check.campaign_id is not None
        campaign_id = check.campaign_id
    with db_session(app) as session:
        theme_id = session.scalars(select(Theme.id).order_by(Theme.id)).first()
    assert theme_id is not None
    before = _snapshot(app, submission_id)
    client: FlaskClient = app.test_client()
    if who != "anonymous":
        assert sign_in(client, make_user(app, who)).status_code == 302
    # Staff find a token in the sign-out form on every page; visitors on the sign-in form.
    token = csrf_token(client, "/en/" if who != "anonymous" else "/en/staff/login")
    for (endpoint, method), route in STAFF_ROUTES.items():
        url = _url(app, endpoint, submission_id, theme_id, open_period.id, campaign_id)
        if method == "GET":
            response = client.get(url)
        else:
            # Forms with a prefix carry the token under their own name ("{token}").
            data = {key.format(theme=theme_id): value.format(token=token)
                    if isinstance(value, str) else value for key, value in route.form.items()}
            response = client.post(url, data={"csrf_token": token, **data})
        seen = (endpoint, method, response.status_code)
        if who == "anonymous":
            assert response.status_code == 302, seen
            assert "/staff/login" in response.headers["Location"], seen
        elif who == "admin" or who in route.roles:
            assert response.status_code == route.status, seen
            assert route.text in response.get_data(as_text=True), seen
        else:
            assert response.status_code == 403, seen
    assert _snapshot(app, submission_id) == before
    with db_session(app) as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    # Only signing in and the export (which is always recorded) leave a trace.
    assert actions <= {"user.create", "signin", "export"}
