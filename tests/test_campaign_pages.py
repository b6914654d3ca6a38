"""The staff pages of campaigns: the list, a campaign, a member's review, the queue by campaign."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import Campaign, CampaignCheck, CommentPeriod, Submission
from portal.services import audit, campaigns
from tests.campaign_letters import letters
from tests.conftest import add_submission, check_campaigns, csrf_from, make_user, sign_in

ADDED = ("Quiero agregar que en mi colonia de Reynosa los camiones estacionados bloquean la "
         "entrada de la escuela primaria todas las mañanas y nadie hace nada al respecto.")


def spanish_copies(app: Flask, period: CommentPeriod, count: int = 6) -> tuple[int, list[int]]:
    texts = [x.text for x in letters() if x.campaign == "es-border"][:count]
    ids = [add_submission(app, period, body=t, declared_language="es", subject="Cruces ágiles",
                          email=f"p{n}@example.org")[0] for n, t in enumerate(texts)]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        row = session.get(CampaignCheck, ids[0])
        assert row is not None and row.campaign_id is not None
        return row.campaign_id, ids


def version_of(app: Flask, campaign_id: int) -> int:
    with app.app_context(), write_session() as session:
        found = session.get(Campaign, campaign_id)
        assert found is not None
        return found.version


def test_campaign_list_and_page_in_spanish(app: Flask, moderator_client: FlaskClient,
                                           open_period: CommentPeriod) -> None:
    cid, ids = spanish_copies(app, open_period)
    listing = moderator_client.get("/es/moderation/campaigns/").get_data(as_text=True)
    assert "Campañas" in listing and f"/es/moderation/campaigns/{cid}" in listing
    page = moderator_client.get(f"/es/moderation/campaigns/{cid}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Decidir a todos los integrantes a la vez" in html
    assert "Texto representativo" in html and "Quién firmó" in html
    assert html.count("/moderation/submissions/") >= len(ids)
    assert "México" in html and "Empresa" in html


def test_review_page_shows_the_campaign_and_what_a_copy_adds(
        app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod) -> None:
    cid, ids = spanish_copies(app, open_period, 3)
    with app.app_context(), write_session() as session:
        representative = session.get(Submission, ids[0])
        assert representative is not None
        body = representative.body
    copy = re.sub(r"\. ", ". " + ADDED + " ", body, count=1)
    added = add_submission(app, open_period, body=copy, email="x@example.org",
                           subject="<b>Cruces</b>")[0]
    check_campaigns(app)
    html = moderator_client.get(f"/es/moderation/submissions/{added}").get_data(as_text=True)
    assert f"/es/moderation/campaigns/{cid}" in html
    assert "Diferencias con el texto representativo" in html
    inserted = " ".join(re.findall(r"<ins>(.*?)</ins>", html, re.S))
    assert "escuela primaria" in inserted
    assert "<b>Cruces</b>" not in html  # the subject is escaped like every text
    own = moderator_client.get(f"/es/moderation/submissions/{ids[0]}").get_data(as_text=True)
    assert "Este comentario es el texto representativo de la campaña." in own


def test_queue_filtered_by_campaign(app: Flask, moderator_client: FlaskClient,
                                    open_period: CommentPeriod) -> None:
    cid, ids = spanish_copies(app, open_period, 3)
    own = add_submission(app, open_period, body="Un comentario propio sobre la energía solar.",
                         email="own@example.org")[1]
    check_campaigns(app)
    html = moderator_client.get(f"/en/moderation/?campaign={cid}").get_data(as_text=True)
    assert own not in html and html.count("/moderation/submissions/") == 3
    alone = moderator_client.get("/en/moderation/?campaign=none").get_data(as_text=True)
    assert own in alone and "/moderation/submissions/" in alone
    assert "Still being checked" in alone


def test_decide_a_campaign_from_its_page(app: Flask, moderator_client: FlaskClient,
                                         open_period: CommentPeriod) -> None:
    cid, ids = spanish_copies(app, open_period, 4)
    url = f"/en/moderation/campaigns/{cid}"
    token = csrf_from(moderator_client.get(url).get_data(as_text=True))
    missing = moderator_client.post(f"{url}/decide", data={
        "csrf_token": token, "version": version_of(app, cid), "action": "reject"})
    assert missing.status_code == 422
    assert "Choose a reason." in missing.get_data(as_text=True)
    done = moderator_client.post(f"{url}/decide", data={
        "csrf_token": token, "version": version_of(app, cid), "action": "publish"},
        follow_redirects=True)
    assert done.status_code == 200
    assert "later members will be published too" in done.get_data(as_text=True)
    with app.app_context(), write_session() as session:
        statuses = set(session.scalars(select(Submission.status)
                                       .where(Submission.id.in_(ids))))
    assert "published" in statuses


def test_second_decision_on_a_merged_campaign_gets_the_conflict_page(
        app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod) -> None:
    cid, ids = spanish_copies(app, open_period, 3)
    url = f"/en/moderation/campaigns/{cid}"
    page = moderator_client.get(url).get_data(as_text=True)
    token, seen = csrf_from(page), version_of(app, cid)
    other = make_user(app, "moderator", "other@example.org")
    second: FlaskClient = app.test_client()
    assert sign_in(second, other).status_code == 302
    with app.app_context(), write_session() as session:
        found = session.get(Campaign, cid)
        assert found is not None
        target = Campaign(period_id=open_period.id, name="Otra copia", language="es",
                          representative_id=ids[0], size=0, first_seen_at=found.first_seen_at,
                          last_seen_at=found.last_seen_at)
        session.add(target)
        session.flush()
        target_id = target.id
    merged = second.post(f"/en/moderation/campaigns/{target_id}/merge", data={
        "csrf_token": csrf_from(second.get(f"/en/moderation/campaigns/{target_id}")
                                .get_data(as_text=True)),
        "version": version_of(app, target_id), "other": cid})
    assert merged.status_code == 303
    late = moderator_client.post(f"{url}/decide", data={
        "csrf_token": token, "version": seen, "action": "publish"})
    assert late.status_code == 409
    assert "was merged into “Otra copia”" in late.get_data(as_text=True).replace("&#34;", '"')
    with app.app_context(), write_session() as session:
        assert set(session.scalars(select(Submission.status)
                                   .where(Submission.id.in_(ids)))) == {"pending"}
    moved = moderator_client.get(url)
    assert moved.status_code == 303 and f"/campaigns/{target_id}" in moved.headers["Location"]


def test_rename_remove_and_link_from_the_page(app: Flask, moderator_client: FlaskClient,
                                              open_period: CommentPeriod) -> None:
    cid, ids = spanish_copies(app, open_period, 3)
    english = [x.text for x in letters() if x.campaign == "en-border"][:3]
    en_ids = [add_submission(app, open_period, body=t, declared_language="en",
                             email=f"e{n}@example.org")[0] for n, t in enumerate(english)]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        en_campaign = session.get(CampaignCheck, en_ids[0]).campaign_id  # type: ignore[union-attr]
    url = f"/es/moderation/campaigns/{cid}"
    token = csrf_from(moderator_client.get(url).get_data(as_text=True))
    empty = moderator_client.post(f"{url}/rename", data={
        "csrf_token": token, "version": version_of(app, cid), "name": "  "})
    assert empty.status_code == 422 and "Escriba un nombre." in empty.get_data(as_text=True)
    renamed = moderator_client.post(f"{url}/rename", data={
        "csrf_token": token, "version": version_of(app, cid), "name": "Frontera ágil"})
    assert renamed.status_code == 303
    removed = moderator_client.post(f"{url}/members/{ids[1]}/remove", data={
        "csrf_token": token, "version": version_of(app, cid)})
    assert removed.status_code == 303
    linked = moderator_client.post(f"{url}/link", data={"csrf_token": token,
                                                        "other": en_campaign})
    assert linked.status_code == 303
    page = moderator_client.get(url).get_data(as_text=True)
    assert "Frontera ágil" in page and "Contar esta campaña por sí sola" in page
    with app.app_context(), write_session() as session:
        found = session.get(Campaign, cid)
        assert found is not None and found.size == 2
        actions = [e.action.label for e in audit.history(session, "campaign", cid)]
        assert len(actions) == 3
        assert campaigns.CampaignCheck is CampaignCheck
