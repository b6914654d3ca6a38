"""What we heard: a planner drafts from the themed summary, publishes in both languages; the
public sees it only once published; every save and the publication are audited."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import new_session, write_session
from portal.models import AuditAction, AuditEvent, CommentPeriod, Submission
from portal.models.types import utcnow
from portal.seed import seed_themes
from portal.services import audit, events, moderation, outcomes, themes
from tests.conftest import (
    add_submission,
    check_campaigns,
    csrf_token,
    make_period,
    make_user,
    sign_in,
)


def closed_period_with_a_published_comment(app: Flask) -> tuple[CommentPeriod, str]:
    period = make_period(app, slug="closed-2026", opens_in=-timedelta(days=40),
                         lasts=timedelta(days=60))
    with app.app_context(), write_session() as session:
        seed_themes(session)
    _, tracking = add_submission(app, period, body="La energía renovable y la inversión importan.",
                                 declared_language="es")
    with app.app_context(), write_session() as session:
        item = session.scalar(select(Submission))
        themes.confirm_suggestions_if_unreviewed(session, item, audit.CLI)
        moderation.publish(session, item, audit.CLI)
        # The period closes just after the comment arrived.
        session.get(CommentPeriod, period.id).closes_at = utcnow()
    return period, tracking


def planner(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, make_user(app, "planner")).status_code == 302
    return client


def test_draft_from_the_summary_publish_in_both_languages_and_show_it(app: Flask) -> None:
    period, tracking = closed_period_with_a_published_comment(app)
    client = planner(app)
    public = app.test_client()
    url = f"/es/planning/periods/{period.slug}/outcome"
    html = client.get(url).get_data(as_text=True)
    # Prefilled from the themed summary: counts per theme and question, quotes with tracking.
    assert "Recibimos 1 comentario en esta consulta" in html and tracking in html
    assert "Pregunta 1: ¿Qué ayuda?" in html
    assert public.get(f"/es/periods/{period.slug}/outcome").status_code == 404

    with app.app_context():
        session = new_session()
        texts = outcomes.draft_texts(session, session.get(CommentPeriod, period.id))
        session.close()
    token = csrf_token(client, url)
    # Publishing needs the response in both languages: refused beside the field, text kept.
    response = client.post(url, data={**texts, "response_en": "We will act.", "response_es": "",
                                      "csrf_token": token, "action": "publish"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Escriba la respuesta de los gobiernos en español antes de publicar." in body
    assert 'id="response_es-error"' in body and "We will act." in body
    assert public.get(f"/es/periods/{period.slug}/outcome").status_code == 404

    saved = client.post(url, data={**texts, "response_en": "We will act.",
                                   "response_es": "", "csrf_token": token, "action": "save"})
    assert saved.status_code == 303
    assert public.get(f"/en/periods/{period.slug}/outcome").status_code == 404  # a draft
    done = client.post(url, data={**texts, "response_en": "We will **act**.",
                                  "response_es": "Vamos a actuar.", "csrf_token": token,
                                  "action": "publish"})
    assert done.status_code == 303
    for lang, words in (("en", ("What we heard", "We will <strong>act</strong>.")),
                        ("es", ("Lo que escuchamos", "Vamos a actuar."))):
        page = public.get(f"/{lang}/periods/{period.slug}/outcome").get_data(as_text=True)
        for word in words:
            assert word in page
        assert f"/{lang}/comments/{tracking}" in page
        period_page = public.get(f"/{lang}/periods/{period.slug}").get_data(as_text=True)
        assert f"/{lang}/periods/{period.slug}/outcome" in period_page
        home = public.get(f"/{lang}/").get_data(as_text=True)
        assert f"/{lang}/periods/{period.slug}/outcome" in home
    with app.app_context():
        session = new_session()
        actions = [e.action for e in session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_([AuditAction.OUTCOME_SAVE, AuditAction.OUTCOME_PUBLISH])))]
        assert actions == [AuditAction.OUTCOME_SAVE, AuditAction.OUTCOME_SAVE,
                           AuditAction.OUTCOME_PUBLISH]
        assert len(outcomes.history(session, session.get(CommentPeriod, period.id))) == 2
        session.close()


def test_a_later_draft_stays_private_until_published_again(app: Flask) -> None:
    period, _ = closed_period_with_a_published_comment(app)
    texts = {"summary_en": "Heard.", "summary_es": "Escuchado.", "response_en": "First.",
             "response_es": "Primera."}
    with app.app_context(), write_session() as session:
        found = session.get(CommentPeriod, period.id)
        outcomes.publish(session, audit.CLI, found, texts)
        assert [e.kind for e in events.emitted(session)] == ["outcome.published"]
        outcomes.save(session, audit.CLI, found, {**texts, "response_en": "Second."})
    page = app.test_client().get(f"/en/periods/{period.slug}/outcome").get_data(as_text=True)
    assert "First." in page and "Second." not in page
    editor = planner(app).get(f"/en/planning/periods/{period.slug}/outcome").get_data(
        as_text=True)
    assert "changes that are not published yet" in editor


def test_an_open_period_has_no_outcome_yet_and_the_public_url_is_404(
    app: Flask, open_period: CommentPeriod
) -> None:
    client = planner(app)
    url = f"/en/planning/periods/{open_period.slug}/outcome"
    assert "once the period has closed" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"summary_en": "x", "csrf_token": csrf_token(client, url),
                                      "action": "save"})
    assert response.status_code == 422
    assert app.test_client().get(f"/en/periods/{open_period.slug}/outcome").status_code == 404


def test_moderators_cannot_reach_the_editor(app: Flask, open_period: CommentPeriod) -> None:
    client = app.test_client()
    sign_in(client, make_user(app, "moderator"))
    assert client.get(f"/en/planning/periods/{open_period.slug}/outcome").status_code == 403


def test_the_outcome_lists_each_campaign_once_with_its_signers(app: Flask) -> None:
    from portal.models import Campaign, CampaignCheck
    from portal.services import campaign_decisions

    period, _ = closed_period_with_a_published_comment(app)
    letter = ("Les escribo para pedir que el Diálogo Económico de Alto Nivel ponga en el centro "
              "a las pequeñas empresas de la frontera: hoy un camión de carga espera entre cuatro "
              "y seis horas para cruzar, y cada hora encarece nuestros productos.")
    with app.app_context(), write_session() as session:
        session.get(CommentPeriod, period.id).closes_at = utcnow() + timedelta(days=1)
    ids = [add_submission(app, period, body=f"{letter}\n{name}", subject="Frontera ágil",
                          email=f"{name}@example.org")[0] for name in ("Ana", "Luis", "Eva")]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        check = session.get(CommentPeriod, period.id)
        check.closes_at = utcnow()
        row = session.get(CampaignCheck, ids[0])
        campaign = session.get(Campaign, row.campaign_id)
        campaign_decisions.decide(session, campaign, "publish", audit.CLI)
        outcomes.publish(session, audit.CLI, check, {
            "summary_en": "Heard.", "summary_es": "Escuchado.", "response_en": "Answer.",
            "response_es": "Respuesta."})
    page = app.test_client().get(f"/es/periods/{period.slug}/outcome").get_data(as_text=True)
    assert "Campañas de cartas modelo" in page
    assert "“Frontera ágil” (Español):" in page and "3 firmantes" in page
