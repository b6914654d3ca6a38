"""Numbers no row can have, in an address, a query or a form, answer 400 or 404, never 500.

PostgreSQL refuses to compare an integer column with a number past 2^31 - 1 and SQLite with one
past 2^63 - 1; the portal must refuse such numbers itself, on both engines. The walk covers every
route of the app, so a route added later with a bare `<int:...>` or `int(...)` is caught too.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.ids import MAX_ID, parse_id
from portal.models import CommentPeriod
from tests.conftest import add_submission, csrf_from, make_user, sign_in

HUGE = ["2147483648", "9223372036854775808", "1" + "0" * 30]
NOT_IDS = ["0", "²"]
ARGS = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
QUERY_IDS = ("before", "after", "period", "pillar", "campaign")


def _signed_in_admin(app: Flask, client: FlaskClient) -> str:
    sign_in(client, make_user(app, "admin"))
    return csrf_from(client.get("/en/moderation/").get_data(as_text=True))


def _fill(rule: str, number: str, slug: str, tracking: str) -> str | None:
    """The rule's address with every id set to number, or None for a rule without ids."""
    has_id = False

    def value(match: re.Match[str]) -> str:
        nonlocal has_id
        converter, name = match.group(1), match.group(2)
        if converter in ("id", "int"):
            has_id = True
            return number
        if converter == "any":
            return "periods"
        return {"lang": "en", "slug": slug, "key": slug, "tracking": tracking,
                "filename": "portal.css"}.get(name, slug)

    path = ARGS.sub(value, rule)
    return path if has_id else None


def test_no_route_parses_ids_with_the_unbounded_int_converter(app: Flask) -> None:
    unbounded = [r.rule for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert unbounded == []


@pytest.mark.parametrize("number", HUGE)
def test_every_route_with_an_id_answers_404_for_numbers_past_the_column(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, number: str
) -> None:
    _id, tracking = add_submission(app, open_period)
    token = _signed_in_admin(app, client)
    walked = 0
    for rule in app.url_map.iter_rules():
        path = _fill(rule.rule, number, open_period.slug, tracking)
        if path is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, "version": "1"} if method == "POST" else None
            response = client.open(path, method=method, data=data)
            walked += 1
            assert response.status_code == 404, (method, path, response.status_code)
    assert walked >= 20


@pytest.mark.parametrize("number", ["9223372036854775808", *NOT_IDS])
def test_every_page_refuses_huge_ids_in_its_query(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, number: str
) -> None:
    submission_id, tracking = add_submission(app, open_period)
    _signed_in_admin(app, client)
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        path = _fill(rule.rule, str(submission_id), open_period.slug, tracking) or ARGS.sub(
            lambda m: {"lang": "en", "tracking": tracking}.get(m.group(2), open_period.slug)
            if m.group(1) != "any" else "periods", rule.rule)
        for name in QUERY_IDS:
            response = client.get(path, query_string={name: number})
            assert response.status_code < 500, (path, name, number, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/en/periods/{slug}/comments?before={n}",
        "/en/moderation/?period={n}",
        "/en/moderation/?pillar={n}",
        "/en/moderation/?after={n}",
        "/en/moderation/?before={n}",
        "/en/moderation/?campaign={n}",
        "/en/moderation/campaigns/?period={n}",
        "/en/moderation/campaigns/?after={n}-3",
    ],
)
@pytest.mark.parametrize("number", ["2147483648", "99999999999", "9223372036854775808", "²"])
def test_named_query_filters_answer_400(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, path: str, number: str
) -> None:
    add_submission(app, open_period)
    _signed_in_admin(app, client)
    response = client.get(path.format(slug=open_period.slug, n=number))
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["ids", "themes"])
@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "²"])
def test_ids_in_forms_answer_400(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, field: str, number: str
) -> None:
    submission_id, _tracking = add_submission(app, open_period)
    token = _signed_in_admin(app, client)
    targets = {
        "ids": ("/en/moderation/bulk", {"action": "publish"}),
        "themes": (f"/en/moderation/submissions/{submission_id}/publish", {"version": "1"}),
    }
    url, data = targets[field]
    response = client.post(url, data={"csrf_token": token, field: number, **data})
    assert response.status_code == 400


def test_parse_id_bounds() -> None:
    assert parse_id("1") == 1
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert [parse_id(v) for v in [str(MAX_ID + 1), "0", "", "²", "+1", "1 ", None]] == [None] * 7


@pytest.mark.parametrize("number", ["²", "9223372036854775808"])
def test_period_form_pillar_that_is_no_id_is_a_form_error(
    app: Flask, client: FlaskClient, number: str
) -> None:
    token = _signed_in_admin(app, client)
    response = client.post("/en/admin/periods/new", data={"csrf_token": token, "pillar": number})
    assert response.status_code == 422
