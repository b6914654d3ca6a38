"""Form letters are grouped into campaigns as they arrive; comments of people's own are not."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.db import write_session
from portal.models import Campaign, CampaignBand, CampaignCheck, CommentPeriod
from portal.services import campaigns
from portal.text import nearduplicates
from tests.campaign_letters import ODD_TEXTS, letters
from tests.conftest import add_submission, check_campaigns


def _store(app: Flask, period: CommentPeriod, texts: list[tuple[str, str]]) -> list[int]:
    ids = []
    for n, (lang, text) in enumerate(texts):
        ids.append(add_submission(app, period, body=text, declared_language=lang,
                                  subject=f"Carta {n}", email=f"s{n}@example.org")[0])
    check_campaigns(app)
    return ids


def _campaign_of(app: Flask, ids: list[int]) -> dict[int, int | None]:
    with app.app_context(), write_session() as session:
        rows = session.execute(select(CampaignCheck.submission_id, CampaignCheck.campaign_id)
                               .where(CampaignCheck.submission_id.in_(ids))).all()
        found = dict(rows)
    assert set(found) == set(ids), "every comment is checked"
    return found


def pairwise(truth: list[str | None], found: list[int | None]) -> tuple[float, float]:
    """Precision and recall over pairs of comments put in one campaign."""
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(truth)), 2):
        same = truth[i] is not None and truth[i] == truth[j]
        grouped = found[i] is not None and found[i] == found[j]
        tp += same and grouped
        fp += grouped and not same
        fn += same and not grouped
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def test_letters_of_three_campaigns_are_grouped_and_own_comments_left_alone(
        app: Flask, open_period: CommentPeriod) -> None:
    corpus = letters()
    ids = _store(app, open_period, [(letter.language, letter.text) for letter in corpus])
    found = _campaign_of(app, ids)
    assigned = [found[i] for i in ids]
    truth = [letter.campaign for letter in corpus]

    precision, recall = pairwise(truth, assigned)
    print(f"\ncampaign letters: pairwise precision {precision:.3f}, recall {recall:.3f}")
    assert (precision, recall) == (1.0, 1.0)
    by_campaign: dict[str, Counter[int | None]] = defaultdict(Counter)
    for key, campaign_id in zip(truth, assigned, strict=True):
        by_campaign[key or "own"][campaign_id] += 1
    assert by_campaign["own"] == Counter({None: 30})
    sizes = {key: dict(counts) for key, counts in by_campaign.items() if key != "own"}
    assert sorted(len(c) for c in sizes.values()) == [1, 1, 1]
    with app.app_context(), write_session() as session:
        stored = {c.id: (c.size, c.language) for c in session.scalars(select(Campaign))
                  if c.merged_into_id is None}
    assert sorted(stored.values()) == [(20, "en"), (20, "en"), (50, "es")]


def test_campaigns_found_in_another_order_are_the_same(app: Flask,
                                                       open_period: CommentPeriod) -> None:
    corpus = letters(seed=99)
    ids = _store(app, open_period, [(letter.language, letter.text) for letter in corpus])
    found = _campaign_of(app, ids)
    precision, recall = pairwise([x.campaign for x in corpus], [found[i] for i in ids])
    assert (precision, recall) == (1.0, 1.0)


def test_odd_texts_make_no_campaign_and_do_not_fail(app: Flask,
                                                    open_period: CommentPeriod) -> None:
    junk = [t for t in ODD_TEXTS if not t.startswith(("Madame", "Prezados"))]
    # Junk three times over is still no campaign; one letter in a third language is none either.
    # (A blank comment is refused before it is stored: a dash stands for it.)
    texts = [("", t.strip() or "-") for t in junk] * 3 + [("", t) for t in ODD_TEXTS
                                                           if t not in junk]
    ids = _store(app, open_period, texts)
    found = _campaign_of(app, ids)
    assert set(found.values()) == {None}
    with app.app_context(), write_session() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_third_language_copies_form_their_own_campaign_apart(app: Flask,
                                                             open_period: CommentPeriod) -> None:
    french = ODD_TEXTS[7]
    copies = [french, french.replace("Jean Dupont", "Marie Curie"),
              french.replace("Madame, Monsieur,", "Bonjour,")]
    spanish = [x for x in letters() if x.campaign == "es-border"][:3]
    ids = _store(app, open_period, [("", t) for t in copies]
                 + [("es", x.text) for x in spanish])
    found = _campaign_of(app, ids)
    french_campaign = {found[i] for i in ids[:3]}
    spanish_campaign = {found[i] for i in ids[3:]}
    assert len(french_campaign) == 1 and None not in french_campaign
    assert len(spanish_campaign) == 1 and french_campaign != spanish_campaign


def test_index_holds_few_keys_per_campaign(app: Flask, open_period: CommentPeriod) -> None:
    """Copies of a letter do not each add their keys: a lookup stays small however big a
    campaign grows."""
    corpus = [x for x in letters() if x.campaign == "es-border"]
    _store(app, open_period, [("es", x.text) for x in corpus])
    with app.app_context(), write_session() as session:
        keys = session.scalar(select(func.count()).select_from(CampaignBand))
        campaign = session.scalars(select(Campaign)).one()
    assert campaign.size == 50
    assert campaign.exemplars <= 8
    assert keys == campaign.exemplars * nearduplicates.BANDS


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_fingerprint_of_odd_text_is_not_joinable(text: str) -> None:
    """Blank texts included: the service refuses them, the fingerprint must not fail on them."""
    assert not nearduplicates.fingerprint(text).joinable or text.startswith(("Madame",
                                                                            "Prezados"))


def test_greetings_and_signatures_are_set_aside() -> None:
    body = ("Les escribo para pedir que el Diálogo apoye a las pequeñas empresas de la frontera "
            "con trámites más sencillos.")
    one = f"Estimados señores:\n\n{body}\n\nAtentamente,\nAna López\nReynosa"
    other = f"A quien corresponda:\n\n{body.upper()}\n\nSaludos,\nJosé Pérez Garza"
    assert nearduplicates.body_words(one) == nearduplicates.body_words(other)
    assert nearduplicates.fingerprint(one).keys == nearduplicates.fingerprint(other).keys


def test_check_is_idempotent(app: Flask, open_period: CommentPeriod) -> None:
    sid, _ = add_submission(app, open_period, body=letters()[0].text)
    with app.app_context(), write_session() as session:
        from portal.models import Submission

        submission = session.get(Submission, sid)
        assert submission is not None
        first = campaigns.check(session, submission)
        again = campaigns.check(session, submission)
        assert first is again
        assert session.scalar(select(func.count()).select_from(CampaignCheck)) == 1
