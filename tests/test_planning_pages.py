"""The planner's summary page with real content: confirmed themes, shares and excerpts."""

from __future__ import annotations

from flask import Flask

from portal.db import write_session
from portal.models import CommentPeriod, Submission
from portal.seed import seed_themes
from portal.services import audit, moderation, themes
from tests.conftest import add_submission, make_user, sign_in


def test_summary_page_shows_theme_counts_and_shares(
    app: Flask, open_period: CommentPeriod
) -> None:
    sid, tracking = add_submission(
        app, open_period, body="La energía renovable necesita transmisión eléctrica.",
        declared_language="es",
    )
    with app.app_context(), write_session() as session:
        seed_themes(session)
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, sid)
        themes.confirm(session, submission, [t.id for t in themes.for_pillar(
            session, open_period.pillar_id) if t.code == "energy"], audit.CLI)
        moderation.publish(session, submission, audit.CLI)
    client = app.test_client()
    assert sign_in(client, make_user(app, "planner")).status_code == 302
    for lang, share in (("en", "1 published comments (100%)"),
                        ("es", "1 comentarios publicados (100")):
        response = client.get(f"/{lang}/planning/periods/{open_period.slug}")
        assert response.status_code == 200, lang
        html = response.get_data(as_text=True)
        assert share in html and tracking in html, lang
