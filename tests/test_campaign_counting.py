"""A campaign counts once, with its signers, in the planner summary and in every export."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import Campaign, CampaignCheck, CommentPeriod, Counting, Theme
from portal.services import audit, campaign_decisions, campaigns, summaries
from tests.campaign_letters import letters
from tests.conftest import add_submission, check_campaigns, make_period, make_user, publish, sign_in
from tests.export_support import export_file

STAFF = audit.Actor(label="moderator@example.org")


@pytest.fixture()
def period(app: Flask) -> CommentPeriod:
    return make_period(app)


def signed_copies(text: str, count: int) -> list[str]:
    """The same letter signed by count people (one in capitals): nothing of their own added."""
    body = text.splitlines()[:-1]
    copies = ["\n".join([*body, f"Firmante {n}", "Monterrey"]) for n in range(count)]
    copies[-1] = copies[-1].upper()
    return copies


@pytest.fixture()
def voices(app: Flask, period: CommentPeriod) -> dict[str, object]:
    """Five copies of a Spanish letter, three of an English one, two comments of people's own;
    all published under the theme "border"."""
    with app.app_context(), write_session() as session:
        theme = Theme(pillar_id=period.pillar_id, code="border", label_en="Border crossings",
                      label_es="Cruces fronterizos", keywords_en="border, trucks",
                      keywords_es="frontera, camión", position=1, active=True)
        session.add(theme)
        session.flush()
        theme_id = theme.id
    spanish = signed_copies([x.text for x in letters() if x.campaign == "es-border"][0], 5)
    english = signed_copies([x.text for x in letters() if x.campaign == "en-border"][0], 3)
    ids = {"es": [], "en": [], "own": []}  # type: dict[str, list[int]]
    for n, text in enumerate(spanish):
        ids["es"].append(add_submission(app, period, body=text, declared_language="es",
                                        subject="Cruces ágiles", country="MX",
                                        email=f"es{n}@example.org")[0])
    for n, text in enumerate(english):
        ids["en"].append(add_submission(app, period, body=text, declared_language="en",
                                        subject="Faster border", country="US",
                                        submitter_type="individual", organization=None,
                                        email=f"en{n}@example.org")[0])
    for n, text in enumerate(["Los camiones esperan horas en la frontera de Nogales.",
                              "Border trucks wait for hours; more inspectors please."]):
        ids["own"].append(add_submission(app, period, body=text, email=f"o{n}@example.org")[0])
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        found = {}
        for key in ("es", "en"):
            row = session.get(CampaignCheck, ids[key][0])
            assert row is not None and row.campaign_id is not None
            campaign = session.get(Campaign, row.campaign_id)
            assert campaign is not None
            campaign_decisions.decide(session, campaign, "publish", STAFF,
                                      theme_choice=[theme_id])
            found[key] = campaign.id
    with app.app_context(), write_session() as session:
        from portal.models import Submission
        from portal.services import themes

        for sid in ids["own"]:
            submission = session.get(Submission, sid)
            assert submission is not None
            themes.confirm(session, submission, [theme_id], STAFF)
    publish(app, *ids["own"])
    return {"ids": ids, "campaigns": found, "theme": theme_id}


def _summary(app: Flask, period: CommentPeriod, counting: Counting) -> summaries.Summary:
    with app.app_context(), write_session() as session:
        return summaries.summarize(session, [session.get(CommentPeriod, period.id)],  # type: ignore[list-item]
                                   counting)


def test_summary_counts_each_campaign_once_or_by_signature(
        app: Flask, period: CommentPeriod, voices: dict[str, object]) -> None:
    by_signature = _summary(app, period, Counting.SIGNATURES)
    assert by_signature.published == 10
    assert [t.count for t in by_signature.themes] == [10]
    once = _summary(app, period, Counting.ONCE)
    assert once.published == 10 and once.themed_base == 4
    (theme,) = once.themes
    assert (theme.count, theme.share) == (4, 1.0)
    assert theme.by_country == {"MX": 3, "US": 1}  # a campaign once, and two comments
    assert [(p.signers, [c.language for c in p.campaigns]) for p in once.positions] == [
        (5, ["es"]), (3, ["en"])]
    assert once.positions[0].by_country == {"MX": 5}

    # Linked across languages, the two campaigns are one position.
    campaign_ids = voices["campaigns"]
    assert isinstance(campaign_ids, dict)
    with app.app_context(), write_session() as session:
        spanish = session.get(Campaign, campaign_ids["es"])
        english = session.get(Campaign, campaign_ids["en"])
        assert spanish is not None and english is not None
        campaigns.link(session, spanish, english, STAFF)
    linked = _summary(app, period, Counting.ONCE)
    assert linked.themed_base == 3 and linked.themes[0].count == 3
    (position,) = linked.positions
    assert position.signers == 8 and position.by_country == {"MX": 5, "US": 3}
    assert [c.signers for c in position.campaigns] == [5, 3]


@pytest.fixture()
def planner(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, make_user(app, "planner")).status_code == 302
    return client


def _export(client: FlaskClient, period: CommentPeriod, fmt: str, **args: str):  # type: ignore[no-untyped-def]
    response = export_file(client, f"/es/planning/periods/{period.slug}/export",
                           {"format": fmt, "language": "es", **args})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _name(app: Flask, campaign_id: int) -> str:
    with app.app_context(), write_session() as session:
        return session.scalars(select(Campaign.name).where(Campaign.id == campaign_id)).one()


def test_summary_page_and_every_export_show_campaigns_once_with_signers(
        app: Flask, planner: FlaskClient, period: CommentPeriod,
        voices: dict[str, object]) -> None:
    ids, found = voices["ids"], voices["campaigns"]
    assert isinstance(ids, dict) and isinstance(found, dict)
    es_name = _name(app, found["es"])

    page = planner.get(f"/es/planning/periods/{period.slug}?count=once").get_data(as_text=True)
    assert "Campañas contadas una vez" in page and 'aria-current="page">Campañas contadas' in page
    assert "4 voces, con cada campaña contada una vez (100" in page
    assert es_name in page
    by_signature = planner.get(f"/es/planning/periods/{period.slug}").get_data(as_text=True)
    assert "10 comentarios publicados (100" in by_signature

    rows = list(csv.DictReader(io.StringIO(
        _export(planner, period, "csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 10
    campaign_of = {r["Campaña"] for r in rows}
    assert es_name in campaign_of and "" in campaign_of
    assert sum(1 for r in rows if r["Campaña"] == es_name) == 5
    assert {r["Número de campaña"] for r in rows if r["Campaña"] == es_name} == {
        str(found["es"])}

    document = json.loads(_export(planner, period, "json", count="once").data)
    positions = document["summary"]["campaigns"]["positions"]
    assert [(p["signers"], p["campaigns"][0]["campaign_id"]) for p in positions] == [
        (5, found["es"]), (3, found["en"])]
    assert document["summary"]["counting"] == "once"
    assert document["summary"]["themes"][0]["count"] == 4
    assert sum(1 for r in document["rows"] if r["campaign_id"] == found["en"]) == 3

    book = openpyxl.load_workbook(io.BytesIO(_export(planner, period, "xlsx").data),
                                  read_only=True)
    sheet = list(book["Campañas"].iter_rows(values_only=True))
    assert sheet[0][:5] == ("Postura", "Número de campaña", "Campaña", "Escrito en", "Firmantes")
    assert [(r[1], r[4]) for r in sheet[1:]] == [(found["es"], 5), (found["en"], 3)]
    assert sheet[1][3] == "Español" and "México: 5" in sheet[1][6]

    report = _export(planner, period, "html", count="once").get_data(as_text=True)
    assert "Campañas" in report and es_name in report and "4 voces" in report

    refused = export_file(planner, f"/es/planning/periods/{period.slug}/export",
                          {"format": "csv", "count": "twice"})
    assert refused.status_code == 400
    assert "Forma de conteo desconocida" in refused.get_data(as_text=True)
