"""Paging by cursor and harvesting only what changed: a harvester that follows the documented
steps ends with exactly the published record, withdrawals applied, without reading it twice."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.db import write_session
from portal.models import CommentPeriod, Submission, Theme
from portal.seed import seed_themes
from portal.services import audit, open_data, themes
from tests.api_support import (
    age_public_record,
    harvest,
    instant,
    pages,
    published,
    redact,
    rejected,
    withdraw,
)
from tests.conftest import add_submission, make_period

API = "/api/v1"


@pytest.fixture()
def period(app: Flask) -> CommentPeriod:
    made = make_period(app)
    with app.app_context(), write_session() as session:
        seed_themes(session)
    return made


def _numbers(items: list[dict[str, Any]]) -> list[str]:
    return [item["tracking_number"] for item in items]


def test_pages_follow_one_another_in_the_order_received(app: Flask, period: CommentPeriod
                                                        ) -> None:
    client = app.test_client()
    made = [published(app, period, body=f"Comentario número {i} sobre energía.")[1]
            for i in range(7)]
    rejected(app, period)
    add_submission(app, period)
    items, _, count = harvest(client, f"{API}/periods/{period.slug}/comments?limit=3")
    assert _numbers(items) == made
    assert count == 3
    first = client.get(f"{API}/periods/{period.slug}/comments?limit=3")
    assert first.headers["Link"] == f'<{first.get_json()["next_url"]}>; rel="next"'


def test_a_cursor_pages_only_the_query_it_was_made_for(app: Flask, period: CommentPeriod
                                                       ) -> None:
    client = app.test_client()
    for _ in range(3):
        published(app, period)
    base = f"{API}/periods/{period.slug}/comments"
    first = client.get(f"{base}?limit=1").get_json()
    cursor = first["next_cursor"]
    assert client.get(f"{base}?limit=2&cursor={cursor}").status_code == 200
    # Signed, not secret: it names the last comment by its public number, never by a row id,
    # whose gaps would count the unpublished comments in between.
    payload = json.loads(base64.urlsafe_b64decode(cursor.split(".")[0] + "=="))
    assert payload[1] == first["data"][-1]["tracking_number"]
    assert not any(isinstance(part, int) for part in payload)
    assert client.get(f"{base}?country=US&cursor={cursor}").get_json()["error"]["code"] == (
        "bad_cursor")
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert client.get(f"{base}?cursor={tampered}").get_json()["error"]["code"] == "bad_cursor"
    other = make_period(app, slug="trade-2026")
    assert client.get(f"{API}/periods/{other.slug}/comments?cursor={cursor}").status_code == 400


def test_filters_narrow_the_list(app: Flask, period: CommentPeriod) -> None:
    client = app.test_client()
    _, energy_es = published(app, period, body="La energía solar y la red eléctrica.",
                             declared_language="es")
    _, trucks_en = published(app, period, body="Truck crossings at Laredo take hours.",
                             declared_language="en", country="US", submitter_type="ngo")
    base = f"{API}/periods/{period.slug}/comments"
    assert _numbers(client.get(f"{base}?theme=energy").get_json()["data"]) == [energy_es]
    assert _numbers(client.get(f"{base}?country=US").get_json()["data"]) == [trucks_en]
    assert _numbers(client.get(f"{base}?language=es").get_json()["data"]) == [energy_es]
    assert _numbers(client.get(f"{base}?submitter_type=ngo&country=US").get_json()["data"]
                    ) == [trucks_en]
    assert client.get(f"{base}?submitter_type=ngo&country=MX").get_json()["data"] == []


def test_a_harvest_then_only_what_changed(app: Flask, period: CommentPeriod) -> None:
    """The README's harvesting steps: a full run, then runs with updated_since."""
    client = app.test_client()
    # One comment published the day before yesterday, three yesterday, then harvested.
    kept = [published(app, period, body="Energía 0.")]
    age_public_record(app, timedelta(days=1))
    kept += [published(app, period, body=f"Energía {i}.") for i in range(1, 4)]
    age_public_record(app, timedelta(days=1))
    redacted_id, redacted_number = kept[1]
    withdrawn_id, withdrawn_number = kept[2]
    themed_id, themed_number = kept[3]
    base = f"{API}/periods/{period.slug}/comments"
    mirror: dict[str, dict[str, Any]] = {}
    items, resume, _ = harvest(client, f"{base}?limit=2")
    mirror.update({item["tracking_number"]: item for item in items})
    assert resume is not None and sorted(mirror) == sorted(n for _, n in kept)

    # Since then: one new comment, one redacted, one withdrawn, one re-themed; pending and
    # rejected comments arrive too and must not show.
    _, new_number = published(app, period, body="Nueva opinión sobre energía.")
    redact(app, redacted_id, "Texto público editado.")
    withdraw(app, withdrawn_id)
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, themed_id)
        theme = session.query(Theme).filter_by(code="investment").one()
        themes.confirm(session, submission, [theme.id], audit.CLI)  # type: ignore[arg-type]
    add_submission(app, period)
    rejected(app, period)

    changes, resume_next, _ = harvest(client, f"{base}?limit=2&updated_since={resume}")
    assert _numbers(changes) == [new_number, redacted_number, withdrawn_number, themed_number]
    gone = next(item for item in changes if item.get("withdrawn"))
    assert gone == {"tracking_number": withdrawn_number, "withdrawn": True,
                    "updated_at": gone["updated_at"]}
    for item in changes:
        if item.get("withdrawn"):
            mirror.pop(item["tracking_number"], None)
        else:
            mirror[item["tracking_number"]] = item
    assert mirror[redacted_number]["text"] == "Texto público editado."
    assert mirror[themed_number]["themes"] == ["investment"]

    # The mirror is now the published record, exactly.
    current, _, _ = harvest(client, base)
    assert {n: i for n, i in mirror.items()} == {i["tracking_number"]: i for i in current}

    # Nothing changed since: the next run gets only the last few minutes again, at most.
    assert resume_next is not None and resume_next >= resume
    again, _, _ = harvest(client, f"{base}?updated_since={resume_next}")
    assert set(_numbers(again)) <= set(_numbers(changes))


def test_withdrawals_reach_every_filtered_feed(app: Flask, period: CommentPeriod) -> None:
    client = app.test_client()
    withdrawn_id, withdrawn_number = published(app, period, country="MX")
    age_public_record(app, timedelta(days=1))
    withdraw(app, withdrawn_id)
    since = "2000-01-01T00:00:00Z"
    feed = client.get(f"{API}/periods/{period.slug}/comments?country=US&updated_since={since}")
    assert feed.get_json()["data"] == [
        {"tracking_number": withdrawn_number, "withdrawn": True,
         "updated_at": feed.get_json()["data"][0]["updated_at"]}]


def test_resuming_waits_out_changes_that_were_not_committed_yet(app: Flask,
                                                                 period: CommentPeriod) -> None:
    """next_updated_since lies SETTLE before the latest change (a change dated a little
    earlier may not have committed yet), never before what was asked, and does not move while
    nothing changes (so the page keeps its ETag)."""
    client = app.test_client()
    url = f"{API}/periods/{period.slug}/comments"
    assert client.get(url).get_json()["next_updated_since"] is None  # nothing public yet
    published(app, period)
    with app.app_context(), write_session() as session:
        latest = open_data.last_change(session, [period.id])
    assert latest is not None
    first = client.get(url)
    assert first.get_json()["next_updated_since"] == instant(latest - open_data.SETTLE)
    assert client.get(url).headers["ETag"] == first.headers["ETag"]
    later = "2999-01-01T00:00:00Z"
    assert client.get(f"{url}?updated_since={later}").get_json()["next_updated_since"] == later
    # As typed: lower-case t and z (RFC 3339), or a "+" that the query turned into a space.
    for typed in ("2999-01-01t00:00:00z", "2999-01-01T01:00:00+01:00"):
        assert client.get(url, query_string={"updated_since": typed}).get_json()[
            "next_updated_since"] == later
    assert client.get(f"{url}?updated_since=2999-01-01T01:00:00+01:00").get_json()[
        "next_updated_since"] == later


def test_paging_a_period_of_many_comments(app: Flask, period: CommentPeriod,
                                          client: FlaskClient) -> None:
    made = {published(app, period, body=f"Energía y comercio {i}.")[1] for i in range(60)}
    seen: list[str] = []
    for page in pages(client, f"{API}/periods/{period.docket_id}/comments?limit=7"):
        seen.extend(_numbers(page["data"]))
    assert len(seen) == len(set(seen)) == 60 and set(seen) == made
