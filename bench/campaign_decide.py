"""A campaign of 50,000 members: its page, a page of its members, and deciding it in one action,
against the same with 500 members measured in the same run.

Usage: python -m bench.campaign_decide [--members 50000] [--baseline 500] [--url DATABASE_URL]
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.campaigns import COLUMNS, _rows
from bench.data import prepare
from bench.letters import LetterGenerator
from portal import create_app
from portal.db import make_engine, write_session
from portal.models import Campaign, CampaignCheck, CommentPeriod
from portal.models.types import utcnow
from portal.seed import seed
from portal.services import accounts, audit, campaign_decisions

PASSWORD = "benchmark-password-123"  # noqa: S105 - a scratch account


def fill(url: str, members: int) -> int:
    """One campaign of members copies (bulk inserted); returns the campaign id."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context(), write_session() as session:
        seed(session)
        accounts.create_user(session, "bench@example.org", PASSWORD, "moderator")
        period_id = session.scalars(select(CommentPeriod.id).order_by(CommentPeriod.id)).first()
    generator = LetterGenerator(members, seed=4, campaign_share=1.0)
    lang, template = generator.templates[0]
    letters = ((lang, generator._copy(lang, template)) for _ in range(members))
    import random

    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        marks = ", ".join("%s" if engine.dialect.name == "postgresql" else "?" for _ in COLUMNS)
        cursor.executemany(
            f"INSERT INTO submissions ({', '.join(COLUMNS)}) VALUES ({marks})",  # noqa: S608
            list(_rows(period_id, letters, 0, random.Random(1))),  # noqa: S311
        )
        raw.commit()
    finally:
        raw.close()
    engine.dispose()
    with app.app_context(), write_session() as session:
        now = utcnow()
        campaign = Campaign(period_id=period_id, name="Bench", language=lang,
                            representative_id=1, size=members, exemplars=1,
                            first_seen_at=now, last_seen_at=now)
        session.add(campaign)
        session.flush()
        session.execute(CampaignCheck.__table__.insert(), [  # type: ignore[attr-defined]
            {"submission_id": i, "period_id": period_id, "campaign_id": campaign.id,
             "similarity": 0.9, "added_words": 0, "exemplar": i == 1, "removed": False,
             "checked_at": now} for i in range(1, members + 1)])
        campaign_id = campaign.id
    app.extensions["portal_engine"].dispose()
    return campaign_id


def measure(url: str, campaign_id: int) -> dict[str, float]:
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    login = client.get("/en/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)
    assert token is not None
    client.post("/en/staff/login", data={"email": "bench@example.org", "password": PASSWORD,
                                         "csrf_token": token.group(1)})
    found = {}
    for name, path in (("campaign page", f"/en/moderation/campaigns/{campaign_id}"),
                       ("members, deep page", f"/en/moderation/campaigns/{campaign_id}?after=400"),
                       ("queue by campaign", f"/en/moderation/?campaign={campaign_id}")):
        client.get(path)
        t0 = time.perf_counter()
        for _ in range(5):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code, answer.location)
        found[name] = (time.perf_counter() - t0) / 5
    with app.app_context(), write_session() as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        t0 = time.perf_counter()
        result = campaign_decisions.decide(session, campaign, "publish", audit.CLI)
        session.commit()
        found["decide all (publish)"] = time.perf_counter() - t0
        assert result.decided == campaign.size, result
    app.extensions["portal_engine"].dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--baseline", type=int, default=500)
    parser.add_argument("--url", default=os.environ.get("PORTAL_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="campaign-decide-"))
    results = {}
    for label, members in (("baseline", args.baseline), ("large", args.members)):
        url = args.url or f"sqlite:///{tmp / f'{label}.sqlite3'}"
        prepare(url)
        campaign_id = fill(url, members)
        results[label] = measure(url, campaign_id)
    print(f"\nA campaign of {args.members:,} members against {args.baseline:,} (seconds)")
    for name in results["baseline"]:
        small, large = results["baseline"][name], results["large"][name]
        print(f"{name:24} {small:8.3f} {large:8.3f}   ratio {large / small:6.1f}x"
              f"   per member {large / args.members * 1e6:7.1f} us")


if __name__ == "__main__":
    main()
