"""Staff pages that work for people, and what the public then reads: a refused bulk decision
comes back to the queue with its selection; the reading room counts, pages both ways and says
what a moderator edited; the public subject can be edited, audited and published."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.models import AuditEvent, CommentPeriod, Submission
from tests.conftest import add_submission, check_campaigns, csrf_from, db_session, publish

_LISTED = re.compile(r'<h2><a href="/(?:en|es)/comments/([^"]+)">')


def _link(html: str, *names: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*>(?:{"|".join(names)})</a>', html)
    return html_lib.unescape(found.group(1)) if found else None


def _get(app: Flask, submission_id: int) -> Submission:
    with db_session(app) as session:
        found = session.get(Submission, submission_id)
        assert found is not None
        return found


# The queue ------------------------------------------------------------------------------------

def test_bulk_controls_and_select_all_come_before_the_list(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    add_submission(app, open_period)
    html = moderator_client.get("/en/moderation/").get_data(as_text=True)
    assert 'data-select-all="ids"' in html
    assert html.index("Apply to selected") < html.index('name="ids"')
    assert html.index('id="select-all"') < html.index('name="ids"')


@pytest.mark.parametrize("lang", ["en", "es"])
def test_bulk_reject_without_reason_comes_back_to_the_queue_with_the_selection(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod, lang: str
) -> None:
    ids = [add_submission(app, open_period, body=f"Comentario número {i}.")[0] for i in range(3)]
    back = f"/{lang}/moderation/?status=pending&country=MX"
    queue = moderator_client.get(back).get_data(as_text=True)
    response = moderator_client.post(f"/{lang}/moderation/bulk", data={
        "csrf_token": csrf_from(queue), "back": back, "ids": [ids[0], ids[2]],
        "action": "reject", "note": "Nota que no debe perderse.",
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The queue itself, filtered as before, not an error page.
    assert ("Moderation queue" if lang == "en" else "Cola de moderación") in html
    assert re.search(r'<option value="MX" selected>', html)
    checked = set(re.findall(r'name="ids" value="(\d+)"[^>]*\bchecked', html))
    assert checked == {str(ids[0]), str(ids[2])}
    assert f'name="ids" value="{ids[1]}" id="sel-{ids[1]}" aria-label' in html
    reason_error = re.search(r'<p class="field-error" id="reason-error">(.*?)</p>', html, re.S)
    assert reason_error, "no message beside the reason"
    assert ("To reject comments, choose a reason." if lang == "en"
            else "Para rechazar comentarios, elija un motivo.") in reason_error.group(1)
    assert 'id="reason"' in html and 'aria-invalid="true"' in html
    assert re.search(r'<option selected value="reject">|<option value="reject" selected>', html)
    assert "Nota que no debe perderse." in html
    assert [_get(app, i).status for i in ids] == ["pending"] * 3
    # The same form, with a reason, then decides and goes back to the filtered queue.
    done = moderator_client.post(f"/{lang}/moderation/bulk", data={
        "csrf_token": csrf_from(html), "back": back, "ids": [ids[0], ids[2]],
        "action": "reject", "reason": "spam",
    })
    assert done.status_code == 303 and done.headers["Location"].endswith(back)
    assert [_get(app, i).status for i in ids] == ["rejected", "pending", "rejected"]


def test_bulk_with_nothing_selected_says_so_on_the_queue(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    add_submission(app, open_period)
    queue = moderator_client.get("/en/moderation/").get_data(as_text=True)
    response = moderator_client.post("/en/moderation/bulk", data={
        "csrf_token": csrf_from(queue), "back": "/en/moderation/", "action": "publish"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing selected" in html and 'href="#select-all"' in html
    assert "Moderation queue" in html


# The reading room -----------------------------------------------------------------------------

@pytest.fixture()
def thirty(app: Flask, open_period: CommentPeriod) -> list[str]:
    """30 published comments (newest first) and 2 pending ones."""
    made = [add_submission(app, open_period, subject=f"Comment {i}",
                           body=f"Energía renovable, texto {i}.") for i in range(30)]
    add_submission(app, open_period, subject="Pending one")
    add_submission(app, open_period, subject="Pending two")
    publish(app, *(sid for sid, _ in made))
    return [tracking for _, tracking in reversed(made)]


def test_reading_room_counts_and_pages_both_ways(
    client: FlaskClient, open_period: CommentPeriod, thirty: list[str]
) -> None:
    url = f"/en/periods/{open_period.slug}/comments"
    first = client.get(url).get_data(as_text=True)
    assert "30 published comments." in first
    assert _LISTED.findall(first) == thirty[:20]
    assert _link(first, "Newer comments") is None
    older = _link(first, "Older comments")
    assert older and "before=" in older and "offset" not in older
    second = client.get(older).get_data(as_text=True)
    assert "30 published comments." in second
    assert _LISTED.findall(second) == thirty[20:]
    assert _link(second, "Older comments") is None
    newer = _link(second, "Newer comments")
    assert newer and "after=" in newer
    back = client.get(newer).get_data(as_text=True)
    assert _LISTED.findall(back) == thirty[:20]
    assert _link(back, "Newer comments") is None and _link(back, "Older comments")
    # In Spanish, with a search: the count is of what matches.
    found = client.get(f"/es/periods/{open_period.slug}/comments",
                       query_string={"q": '"texto 7"'}).get_data(as_text=True)
    assert "1 comentario publicado coincide." in found
    assert _LISTED.findall(found) == [thirty[22]]


def test_reading_room_shows_date_submitter_type_and_themes(
    app: Flask, client: FlaskClient, open_period: CommentPeriod, seeded: None
) -> None:
    sid, tracking = add_submission(
        app, open_period, subject="Red eléctrica",
        body="La transmisión eléctrica y la energía renovable necesitan inversión.",
        submitter_type="ngo", organization="Red Verde")
    publish(app, sid)
    with db_session(app) as session:
        stored = session.get(Submission, sid)
        assert stored is not None
        day = stored.received_at
    html = client.get(f"/en/periods/{open_period.slug}/comments").get_data(as_text=True)
    item = html[html.index(tracking) - 2000:html.index(tracking) + 1000]
    assert f'datetime="{day.isoformat(timespec="seconds")}"' in html
    assert "NGO or civil-society organization" in item
    assert re.search(r'<span class="theme-tag">[^<]+</span>', html), "no theme shown"
    assert "Edited by a moderator" not in html


# Editing the public subject -------------------------------------------------------------------

def _edit(client: FlaskClient, submission_id: int, **data: str):  # type: ignore[no-untyped-def]
    review = f"/en/moderation/submissions/{submission_id}"
    html = client.get(review).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version
    return client.post(f"{review}/edit", data={"csrf_token": csrf_from(html),
                                                "version": version.group(1), **data})


def test_a_moderator_edits_the_public_subject_audited_and_shown_everywhere(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    body = "Los cruces en Nuevo Laredo tardan horas."
    sid, tracking = add_submission(app, open_period, subject="Llámeme al 555-0100", body=body)
    review = moderator_client.get(f"/en/moderation/submissions/{sid}").get_data(as_text=True)
    assert 'id="public_subject"' in review and 'value="Llámeme al 555-0100"' in review
    assert _edit(moderator_client, sid, public_subject="Cruces fronterizos",
                 public_body=body).status_code == 303
    stored = _get(app, sid)
    assert stored.subject == "Llámeme al 555-0100"  # as received, never rewritten
    assert stored.public_subject == "Cruces fronterizos"
    with db_session(app) as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.subject_id == str(sid)).order_by(AuditEvent.id.desc())).first()
        assert event is not None and "Cruces fronterizos" in (event.after or "")
    history = moderator_client.get(f"/en/moderation/submissions/{sid}").get_data(as_text=True)
    assert "Public subject" in history and "Cruces fronterizos" in history
    publish(app, sid)

    public = app.test_client()
    room = public.get(f"/en/periods/{open_period.slug}/comments").get_data(as_text=True)
    assert "Cruces fronterizos" in room and "555-0100" not in room
    assert "Edited by a moderator" in room
    page = public.get(f"/es/comments/{tracking}").get_data(as_text=True)
    assert "<h1>Cruces fronterizos</h1>" in page and "555-0100" not in page
    assert "Editado por un moderador" in page
    api = public.get(f"/api/v1/comments/{tracking}").get_json()
    assert api["subject"] == "Cruces fronterizos"
    found = public.get(f"/en/periods/{open_period.slug}/comments",
                       query_string={"q": "fronterizos"}).get_data(as_text=True)
    assert tracking in found
    assert tracking not in public.get(f"/en/periods/{open_period.slug}/comments",
                                      query_string={"q": "Llámeme"}).get_data(as_text=True)


def test_an_empty_public_subject_is_refused_and_the_original_brings_it_back(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod
) -> None:
    sid, _ = add_submission(app, open_period, subject="Asunto", body="Texto.")
    refused = _edit(moderator_client, sid, public_subject="\u200b ", public_body="Texto.")
    assert refused.status_code == 422
    assert "The public subject cannot be empty." in refused.get_data(as_text=True)
    assert _get(app, sid).public_subject is None
    assert _edit(moderator_client, sid, public_subject="Otro", public_body="Texto.").status_code \
        == 303
    assert _edit(moderator_client, sid, public_subject="Asunto", public_body="Texto.").status_code \
        == 303
    assert _get(app, sid).public_subject is None  # the same as received: nothing edited


def test_a_campaign_named_after_an_edited_subject_takes_the_public_subject(
    app: Flask, open_period: CommentPeriod
) -> None:
    from portal.models import Campaign, CampaignCheck
    from portal.services import audit, campaign_summaries, moderation
    from tests.conftest import write_session

    letter = ("Les escribo para pedir que el diálogo ponga en el centro a las pequeñas empresas "
              "de la frontera: hoy un camión espera entre cuatro y seis horas para cruzar.")
    ids = [add_submission(app, open_period, subject="Llámeme al 555-0100",
                          body=f"{letter}\n\n{name}", email=f"{name}@example.org")[0]
           for name in ("ana", "luis")]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        check = session.get(CampaignCheck, ids[0])
        assert check is not None and check.campaign_id is not None
        campaign = session.get(Campaign, check.campaign_id)
        assert campaign is not None and "555-0100" in campaign.name
        representative = session.get(Submission, campaign.representative_id)
        assert representative is not None
        moderation.edit_public_version(session, representative, audit.CLI,
                                       representative.body, public_subject="Cruces ágiles")
    publish(app, *ids)
    with db_session(app) as session:
        found, _ = campaign_summaries.positions(session, [open_period.id])
    names = [part.name for position in found for part in position.campaigns]
    assert names == ["Cruces ágiles"]
